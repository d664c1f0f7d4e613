package parser

import (
	"testing"

	"github.com/newsfeed/newsfeed/article"
)

// TestKeepBoilerLines pins keep's verdict on single short blocks: notes the
// publisher puts between or below the article's paragraphs go, prose that
// merely resembles them stays.
func TestKeepBoilerLines(t *testing.T) {
	for _, tc := range []struct {
		kind blockKind
		text string
		keep bool
	}{
		// Labelled credits and pointers: a label, a colon and a space.
		{bPara, "Quelle: Landesamt für Statistik", false},
		{bPara, "Titelbild: Agentur / Fotograf", false},
		{bPara, "Foto: Max Mustermann", false},
		{bHeading, "Ver también: el informe completo del ministerio", false},
		{bPara, "Quellen zufolge wird der Vertrag im Mai unterzeichnet.", true},
		{bPara, "Das Bild, das die Studie zeichnet, ist düster.", true},
		// Calls on the reader: support, stay informed, subscribe, apps.
		{bPara, "Help us keep this site free for everyone", false},
		{bPara, "Unterstütze unser Magazin schon ab 3 Euro im Monat!", false},
		{bPara, "Stay up to date with our weekly digest.", false},
		{bPara, "Zapraszamy do subskrypcji naszego tygodnika.", false},
		{bPara, "Get breaking news on our apps for iOS and Android.", false},
		{bPara, "Únete a nuestro canal de Telegram.", false},
		{bHeading, "Stay up-to-date on our work.", false},
		{bHeading, "Unterstütze unser Magazin!", false},
		{bHeading, "Helpers came from three villages", true},
		{bPara, "Helpers came from three villages to clear the road.", true},
		{bPara, "The ministry said it would support the plan next year.", true},
		// Notes on the text: disclaimers, licences, how to cite, where to
		// read more, where to buy the issue, who checked it.
		{bPara, "(Alle Angaben ohne Gewähr)", false},
		{bPara, "Dieser Text steht unter der Lizenz CC BY-SA 4.0.", false},
		{bPara, "SUGGESTED CITATION Doe, Jane: A Title, Blog, 2020/1/1.", false},
		{bPara, "Weitere Infos unter www.example.org.", false},
		{bPara, "Die neue Ausgabe ist im Abo und als E-Paper erhältlich.", false},
		{bPara, "Dieser Text wurde von Medizinern geprüft.", false},
		{bPara, "Was sind Cookies?", false},
		{bPara, "Der Plan wurde von Experten geprüft und verworfen.", true},
		{bPara, "Die Zeitung erscheint künftig nur noch als E-Paper.", true},
		{bPara, "Die Lizenz wurde dem Betreiber im Mai entzogen.", true},
		// Rating and comment widgets' empty states.
		{bPara, "(Noch keine Bewertungen)\nLoading...", false},
		{bPara, "No comments yet", false},
		{bPara, "Noch keine Einigung in Sicht, sagte der Sprecher.", true},
		// Disclaimers, cookie notices, comment-box rules, channel promos
		// and pointers in more languages.
		{bPara, "Les opinions exprimées n'engagent que leurs auteurs.", false},
		{bPara, "Informujemy, że korzystamy z plików cookies.", false},
		{bPara, "This site uses cookies to improve your experience.", false},
		{bPara, "Bitte halten Sie sich an unsere Netiquette.", false},
		{bPara, "Para comentar debes registrarte.", false},
		{bPara, "¡Suscríbete a nuestro canal de YouTube!", false},
		{bPara, "Zobacz także", false},
		{bPara, "Weitere Beiträge aus der Reihe:", false},
		{bPara, "(Credit: Jane Doe / Agency)", false},
		{bPara, "The bakery sells cookies and bread to the village.", true},
		{bPara, "Credit card debt rose for a third month.", true},
		// A line of an entry's metadata fields.
		{bPara, "Aufrufe: 1120 | Hinzugefügt von: Posh | Tags: Denken, Bilder | Rating: 0.0/0", false},
		{bPara, "Views: 12 ·\nCategory: News · Comments: 3", false},
		{bPara, "Result: 2:1 | the home side led at the break | Scorers: Lee, Kim", true},
		{bPara, "January 13, 2020 at 08:45 AM | categories: Python, Mercurial | View Comments", false},
		{bPara, "12.03.2021 | Kategorie: Politik | 3 Kommentare", false},
		{bPara, "January 13, 2020 | View Comments | 3 Comments", true},
		{bPara, "By TPN, in News, Portugal, Business · 31 Jan 2025, 20:02 · 0 Comments", false},
		{bPara, "By the river · by the sea · by the hills", true},
		// A note that the text advertises, set apart by a star or brackets.
		{bPara, "*Werbung. Dieser Beitrag enthält Werbung für Marke.", false},
		{bPara, "[Anzeige] Dieser Artikel entstand in Kooperation mit Marke.", false},
		{bPara, "(Sponsored) This post is paid for by Brand.", false},
		{bPara, "(Die Werbung lief nur im Mai.) Danach kam das Verbot.", true},
		// Calls to follow, donate, log in or get mail; placeholders of
		// widgets that load later; a PHP warning printed into the page.
		{bPara, "Folge mir auf Instagram!", false},
		{bPara, "Das Magazin ist spendenfinanziert!", false},
		{bPara, "Sie sind bereits registriert?", false},
		{bPara, "Erhalten Sie kostenlos täglich die wichtigsten News direkt per E-Mail.", false},
		{bPara, "Karte wird geladen - bitte warten...", false},
		{bPara, "Loading...", false},
		{bPara, "Strict Standards: Only variables should be passed by reference in /www/wp-includes/wp-db.php on line 785", false},
		{bPara, "Die Fans folgen dem Team auf Instagram und auf jede Auswärtsfahrt.", true},
		{bPara, "Loading the ship took three days.", true},
		// Labels that end in a letter outside ASCII.
		{bPara, "Реклама:", false},
		{bPara, "Publicité", false},
		{bPara, "Leia também: o plano do governo", false},
		{bPara, "Рекламации клиентов выросли.", true},
		{bPara, "Publicités et marketing sont interdits.", true},
		// The notice shown in place of an external embed until the reader
		// consents to load it.
		{bHeading, "Empfohlener redaktioneller Inhalt", false},
		{bPara, "An dieser Stelle findest du einen externen Inhalt von YouTube, der den Artikel ergänzt.\nDu kannst ihn dir mit einem Klick anzeigen lassen und wieder ausblenden.", false},
		{bPara, "Ich bin damit einverstanden, dass mir der externe Inhalt angezeigt wird. Damit können personenbezogene Daten an Drittplattformen übermittelt werden.", false},
		{bPara, "To view this content, you need to accept social media cookies.", false},
		{bPara, "An dieser Stelle ist ein Umbau geplant, sagte der Bürgermeister.", true},
		{bPara, "Get the latest news to your phone Join us on WhatsApp", false},
		{bPara, "Do you have a story to tell? Email: news@example.com", false},
		{bPara, "You can unsubscribe at any time. Read our Privacy Policy", false},
		{bPara, "Please read our community guidelines before you post.", false},
		{bPara, "Every village has a story to tell, she said.", true},
		// A dateline with a time of day, wherever it stands; a date alone
		// may be a fact of the text.
		{bPara, "Heute, 12:37 Uhr", false},
		{bPara, "včera 14:40", false},
		{bPara, "5 gennaio 2025 ( modifica il 6 gennaio 2025 | 15:24)", false},
		{bPara, "Einsendeschluss: 03.11.2019 (Poststempel)", true},
		{bPara, "Seit Mai 2022 Chefkontrolleur", true},
		// A publication or update date under its label, or the label alone.
		{bPara, "Aktualisiert am 17.01.2021.", false},
		{bPara, "Last updated: March 3, 2022", false},
		{bPara, "Release Date:", false},
		{bPara, "Published on the eve of the vote, the report shocked many.", true},
		{bPara, "Aktualisiert am Montag wurde nur die Karte.", true},
		// Template markers left for a script to fill.
		{bPara, "$$ARTICLEAD$$", false},
		{bPara, "{{ ad_slot }}", false},
		{bPara, "$$ 5 $$ million, he said", true},
	} {
		x := &extraction{a: &article.Article{}}
		b := block{kind: tc.kind, text: tc.text, textLen: len(tc.text)}
		if got := x.keep(&b, false); got != tc.keep {
			t.Errorf("keep(%q) = %v, want %v", tc.text, got, tc.keep)
		}
	}
}

// TestLabelOnly pins the lines dropLabels removes: nothing but the name of
// a page element or a pointer to more on a topic.
func TestLabelOnly(t *testing.T) {
	for _, tc := range []struct {
		kind blockKind
		text string
		keep bool
	}{
		// Lines that only name a page element or point to more on a topic.
		{bHeading, "Inhaltsverzeichnis", false},
		{bPara, "Tags:", false},
		{bHeading, "Weitere Informationen", false},
		{bHeading, "Mehr zum Klimaschutz", false},
		{bHeading, "Más sobre la reforma", false},
		{bPara, "Mit Freunden teilen", false},
		{bPara, "More on that later, the minister said.", true},
		{bHeading, "Kontaktlos bezahlen wird beliebter", true},
		{bHeading, "Inhalte der Reform", true},
		{bPara, "Vorschau auf den nächsten Artikel", false},
		{bPara, "Quellen ausblenden", false},
		{bPara, "Quellenangaben:", false},
		{bHeading, "Jetzt entdecken", false},
		{bHeading, "Quellen der Energiewende", true},
		{bPara, "Partager cet article", false},
		{bPara, "Auf dieser Seite:", false},
		{bHeading, "In this article", false},
		{bHeading, "In this article we test three phones", true},
		// A bare domain name: the source's attribution.
		{bPara, "EXAMPLE-NEWS.COM", false},
		{bPara, "www.example.de", false},
		{bPara, "Example.com kauft einen Konkurrenten", true},
	} {
		b := block{kind: tc.kind, text: tc.text, textLen: len(tc.text)}
		if got := len(dropLabels([]block{b})) == 1; got != tc.keep {
			t.Errorf("dropLabels(%q) kept = %v, want %v", tc.text, got, tc.keep)
		}
	}
}

// TestWrittenAddresses pins what counts as addresses written out: web and
// mail addresses, perhaps numbered as notes, and nothing else.
func TestWrittenAddresses(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"http://www.openpetition.de/petition/online/x", true},
		{"suivi.reformes@example.org", true},
		{"[1] http://www.gnu.org/philosophy/free-sw.de.html\n[2] https://fsfe.org/", true},
		{"www.example.org/path", true},
		{"Read more at www.example.org", false},
		{"The generation we love to dump on", false},
		{"[1]", false},
		{"http://", false},
	} {
		if got := writtenAddresses(tc.text); got != tc.want {
			t.Errorf("writtenAddresses(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

// TestRelatedHeading pins the labels relatedBox takes for a heading over
// other stories.
func TestRelatedHeading(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"Weitere Meldungen", true},
		{"Related — 有關", true},
		{"Neueste Artikel", true},
		{"Most read", true},
		{"Latest posts", true},
		{"Lo más leído", true},
		{"Das könnte Sie auch interessieren!", true},
		{"Related factors in the decline", false},
		{"Relatives of the victims", false},
		{"Die neueste Entwicklung", false},
		{"Mostly sunny", false},
	} {
		if got := reRelatedHeading.MatchString(tc.text); got != tc.want {
			t.Errorf("reRelatedHeading(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}
