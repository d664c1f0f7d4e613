package parser

import (
	"hash/fnv"
	"html"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/abadojack/whatlanggo"
	"github.com/microcosm-cc/bluemonday"
	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/newsfeed/newsfeed/article"
)

// policy is the DESIGN §3 element set. bluemonday policies are safe for
// concurrent use once built.
var policy = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "figure", "em", "strong")
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	return p
}()

// SanitizeBody reduces an HTML fragment to the DESIGN §3 element set, as
// the extractor's html field is (for articles built from a feed item).
func SanitizeBody(fragment string) string {
	if strings.TrimSpace(fragment) == "" {
		return ""
	}
	return strings.TrimSpace(policy.Sanitize(fragment))
}

// reBoiler matches a short block that opens with the label of a page
// element. A label ends before any character but a letter or digit, or
// at the end: \b knows only ASCII letters, so it never ended "Реклама"
// or "Publicité" and ended "Publicité" inside "Publicités".
var reBoiler = mustScreen(`(?i)^(?:advertisement|advertising|anzeige|werbung|publicidad|publicidade|publicité|pubblicità|reklama|reklam|reklame|annonce|annons|advertentie|mainos|hirdetés|реклама|sponsored|read more|read also|read next|see also|more on this|related|also read|lesen sie auch|lesen sie mehr|mehr zum thema|mehr lesen|weiterlesen|zum thema|auch interessant|leia também|leia mais|lee también|leer más|lire aussi|à lire aussi|leggi anche|czytaj także|czytaj też|zobacz także|zobacz też|zobacz również|читайте также|share this|share on|share article|follow us|sign up|subscribe|click here|continue reading|recommended|copyright|all rights reserved|top stories|most read|newsletter|weitere themen|weitere beiträge|weitere artikel|ähnliche themen|ähnliche beiträge|ähnliche artikel|was sind cookies|what are cookies|cookie[- ]?einstellungen|cookie settings|das könnte dich auch interessieren|das könnte sie auch interessieren|you might also like|you may also like|more from|related articles|read next|skip to|jump to|back to top|zurück|next article|previous article)(?:[^\p{L}\p{N}_]|$)|(?i)^\(?(?:watch|listen|bild|foto|fotos|photo|image|credits?|quelle|titelbild|beitragsbild|bildquelle|mira|ver también|véase también)\s?:|^(?:©|\(c\))|(?i)^[*(\[]\s?(?:werbung|anzeige|advertisement|advertising|sponsored|affiliate links?|publicidad|publicité)\b|^\(?(?:noch keine (?:bewertungen|kommentare)|no (?:ratings|comments|reviews) yet|aún no hay comentarios|pas encore de commentaires|(?:view|show|zeige|alle) comments|kommentare anzeigen)\b`)

// dropLabels drops the blocks that only name a page element (reLabelOnly).
// It runs after trimSection, which reads such labels as the start of a
// trailing section.
func dropLabels(blocks []block) []block {
	out := blocks[:0]
	for _, b := range blocks {
		if isLabelOnly(b) {
			continue
		}
		out = append(out, b)
	}
	return out
}

// isLabelOnly reports a short block, not a list and not a sentence, that
// reLabelOnly matches.
func isLabelOnly(b block) bool {
	t := strings.TrimSpace(b.text)
	return len(t) < 60 && b.kind != bList && b.kind != bFigure && !endsSentence(t) && reLabelOnly.MatchString(t)
}

// reLabelOnly matches a line that is nothing but the name of a page
// element: a table of contents, tags, sharing, contact, an external embed's
// placeholder, a pointer to more on a topic.
var reLabelOnly = mustScreen(`(?i)^(?:inhaltsverzeichnis|inhalt|table of contents|contents|índice|sommaire|indice|spis treści|содержание|tags?|tagged(?: with)?|markiert mit|schlagw(?:o|ö)rte|etiquetas|mots-clés|kontakt|contact|contacto|externer inhalt|external content|mit freunden teilen|teilen|share|compartir|partager|condividi|(?:diesen )?artikel teilen|share (?:this|the) (?:article|story|post)|partager cet article|compartir (?:esta noticia|este art[ií]culo)|condividi (?:questo articolo|l'articolo)|udostępnij|поделиться|auf dieser seite|in diesem artikel|on this page|in this article|sur cette page|dans cet article|en esta página|en este artículo|weitere informationen|quellenangaben|quellen|sources|fuentes|references|jetzt entdecken|entdecken sie jetzt|discover now|(?:https?://)?(?:www\.)?[\p{L}\d-]+(?:\.[\p{L}\d-]+)*\.(?:com|net|org|de|at|ch|fr|es|it|pl|uk|eu|info|news)/?|vorschau auf den nächsten artikel|nächster artikel|vorheriger artikel|quellen (?:ausblenden|anzeigen|einblenden)|show sources|hide sources|more information|further information|más información|plus d'informations|mehr zu(?:m)? .{1,40}|more on .{1,40}|más sobre .{1,40}|plus sur .{1,40}|mais sobre .{1,40})\s*:?$`)

// reCallStart matches a paragraph that opens with a call on the reader to
// support or join the publisher.
var reCallStart = regexp.MustCompile(`(?i)^(?:unterstütze|unterstützen sie uns|help us|apoya(?:nos)?|soutenez|sostieni|wesprzyj|únete|join us)\b`)

var reDateOnly = regexp.MustCompile(`^(?:[A-Za-zÀ-ÿ]+\.?,? )?(?:\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}\.? [A-Za-zÀ-ÿ]+\.? \d{4}|[A-Za-zÀ-ÿ]+\.? \d{1,2},? \d{4})(?:,? (?:um |at )?\d{1,2}[:.]\d{2}(?: ?[AaPp]\.?[Mm]\.?)?(?: Uhr)?(?: [A-Z]{2,4})?)?$`)

// datedLabel reports a line that is a publication or update label and
// a date, or the label alone ("Aktualisiert am 17.01.2021.", "Last
// updated: March 3, 2022", "Release Date:").
func datedLabel(t string) bool {
	m := reLineDateLabel.FindStringIndex(t)
	if m == nil {
		return false
	}
	rest := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(t[m[1]:]), "."))
	return rest == "" || reDateOnly.MatchString(rest)
}

// reLineDateLabel matches the label of a publication or update date
// opening a line.
var reLineDateLabel = regexp.MustCompile(`(?i)^(?:(?:zuletzt )?aktualisiert(?: am)?|(?:zuletzt )?geändert am|veröffentlicht(?: am)?|erstellt am|erscheinungsdatum|(?:last )?updated(?: on)?|published(?: on)?|posted on|release date|publication date|date published|publié le|mis à jour le|actualizado(?: el)?|publicado(?: el)?|pubblicato il|aggiornato il)\b\s*:?`)

// fieldList reports a line of three fields or more, each a label and its
// value, between bars or dots: an entry's metadata ("Views: 1120 | Added
// by: Jane | Tags: a, b | Rating: 0.0/0"). A date and a link to the
// comments are such fields without a label ("January 13, 2020 at 08:45
// AM | categories: Python | View Comments"), but one field at least has
// one, or is a byline ("By TPN, in News, Portugal · 31 Jan 2025, 20:02 ·
// 0 Comments").
func fieldList(t string) bool {
	t = normSpace(t)
	sep := " | "
	if !strings.Contains(t, sep) {
		sep = " · "
	}
	parts := strings.Split(t, sep)
	if len(parts) < 3 {
		return false
	}
	labelled := false
	for _, p := range parts {
		p = strings.TrimSpace(p)
		switch {
		case reField.MatchString(p), len(p) < 100 && reBylineField.MatchString(p):
			labelled = true
		case len(p) < 60 && (reDateOnly.MatchString(p) || reCommentsLink.MatchString(p)):
		default:
			return false
		}
	}
	return labelled
}

// reBylineField matches a byline among an entry's metadata fields.
var reBylineField = regexp.MustCompile(`^(?i:by|von|par|por|di|door|av|af|posted by|geschrieben von|written by) \p{Lu}`)

// reCommentsLink matches a link to an entry's comments or their count
// ("View Comments", "3 Kommentare", "Leave a comment").
var reCommentsLink = regexp.MustCompile(`(?i)^(?:(?:\d+|no|keine|view|show|read|leave an?|add an?|write an?|post an?) )?(?:comments?|kommentare?|comentarios?|commentaires?|commenti|responses?|replies)$`)

// reField matches a label of up to three words, a colon and a value.
var reField = regexp.MustCompile(`^\pL[\pL.-]*(?: [\pL.-]+){0,2} ?: *\S`)

// reEmbedConsent matches the notice a page shows in place of an external
// embed (a video, a post, a map) until the reader consents to load it:
// "Empfohlener redaktioneller Inhalt", "An dieser Stelle finden Sie einen
// externen Inhalt …", "Ich bin damit einverstanden, dass mir externe
// Inhalte angezeigt werden", "To view this content, you need to accept
// cookies".
var reEmbedConsent = regexp.MustCompile(`(?i)^(?:empfohlener (?:redaktioneller|externer) inhalt|an dieser stelle (?:findest du|finden sie|ist) (?:einen|ein) .{0,80}externe[nrs]? (?:inhalt|medium|video|beitrag)|ich bin damit einverstanden, dass mir (?:der |die )?externe[rn]? inhalte?|(?:zum|um den) (?:anzeigen|laden) (?:des|der|von) (?:externen|eingebetteten) inhalte?|this (?:content|embed|video|post) (?:is provided by|is hosted by|is from) (?:a )?third[- ]part|to (?:view|see|display|watch) this (?:content|video|post|embed),? (?:you (?:need|have) to|please) (?:accept|enable|allow|consent))`)

// rePlaceholder matches a template's marker left in the text for a script
// to fill ("$$ARTICLEAD$$", "{{ad_slot}}", "%%WIDGET%%").
var rePlaceholder = regexp.MustCompile(`^(?:\$\$|\{\{|%%|\[\[)\s*[\w.-]+\s*(?:\$\$|\}\}|%%|\]\])$`)

// squashedTitle returns squash(x.a.Title), computed once per title.
func (x *extraction) squashedTitle() string {
	if x.titleSqOf != x.a.Title {
		x.titleSqOf, x.titleSq = x.a.Title, squash(x.a.Title)
	}
	return x.titleSq
}

// keep decides whether one block belongs to the body.
func (x *extraction) keep(b *block, rule bool) bool {
	t := b.text
	if t == "" {
		return false
	}
	if x.a.Title != "" && squashEqual(t, x.squashedTitle()) {
		return false
	}
	if x.a.Image != nil && b.kind == bFigure && x.a.Image.Caption != "" && strings.Contains(t, x.a.Image.Caption) {
		return false
	}
	n := len(t)
	if rule && n > 0 {
		return !(n < 40 && reBoiler.MatchString(t))
	}
	if b.textLen > 0 && b.kind != bHeading {
		ld := float64(b.linkLen) / float64(b.textLen)
		// A paragraph that is a sentence of its own is text, however
		// much of it links elsewhere.
		sentence := b.kind == bPara && b.src != nil && b.src.DataAtom == atom.P && (b.textLen >= 80 && endsSentence(t) || enumeration(b.src) ||
			b.textLen >= 40 && 5*b.linkLen <= 4*b.textLen && endsSentence(t) && linkInSentence(b.src))
		if (ld > 0.6 && b.textLen < 400 && !sentence || ld > 0.8 && !sentence) && !(b.kind == bPara && writtenAddresses(t)) {
			return false
		}
	}
	if n < 150 && b.kind == bPara && linkTeaser(b) {
		return false
	}
	if n < 120 && reBoiler.MatchString(t) {
		return false
	}
	if n < 120 && (b.kind == bPara || b.kind == bHeading) && reCallStart.MatchString(t) {
		return false
	}
	if n < 160 && (b.kind == bPara || b.kind == bHeading) && reTailBoiler.MatchString(t) {
		return false
	}
	if n < 150 && b.kind == bPara && strings.Contains(t, "©") && !strings.HasSuffix(t, ":") {
		// A photo credit or a caption with one, a copyright line.
		return false
	}
	if n < 60 && (reDateOnly.MatchString(t) || datedLabel(t)) {
		return false
	}
	if n < 80 && b.kind == bPara && reClockTime.MatchString(t) && isDateline(t) {
		// A dateline below the first paragraph ("Heute, 12:37 Uhr",
		// "23. 12. 2024 13:31"): with a time of day, not a date alone
		// ("Einsendeschluss: 03.11.2019", "Seit Mai 2022 Chefkontrolleur").
		return false
	}
	if n < 60 && rePlaceholder.MatchString(t) {
		return false
	}
	if n < 500 && (b.kind == bPara || b.kind == bHeading) && reEmbedConsent.MatchString(t) {
		return false
	}
	if n < 240 && b.kind == bPara && fieldList(t) {
		return false
	}
	if n < 120 && x.isByline(t) {
		return false
	}
	return true
}

// writtenAddresses reports a paragraph of nothing but web or mail
// addresses written out (a source, a petition, a contact), perhaps
// numbered as notes ("[1] https://..."): the author gives the reader the
// address to read, as text, not a link to click in place of one.
func writtenAddresses(t string) bool {
	n := 0
	for f := range strings.FieldsSeq(t) {
		switch {
		case reNoteMark.MatchString(f):
		case reAddress.MatchString(f):
			n++
		default:
			return false
		}
	}
	return n > 0
}

var (
	reNoteMark = regexp.MustCompile(`^\[\d{1,3}\]$`)
	reAddress  = regexp.MustCompile(`^(?:https?://\S+\.\S+|www\.\S+\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)$`)
)

// linkTeaser reports a short paragraph, not a sentence, that ends in a link
// after a label and the link makes up a good part of it: a pointer to another story put between the
// paragraphs ("Read also: <a>Headline</a>", "<em>Kicker: <a>Headline</a></em>").
func linkTeaser(b *block) bool {
	if b.src == nil || b.linkLen == 0 || b.linkLen*3 < b.textLen || b.linkLen*10 >= b.textLen*9 || endsSentence(b.text) || enumeration(b.src) {
		return false
	}
	n := b.src
	for {
		c := n.LastChild
		for c != nil && c.Type == xhtml.TextNode && strings.TrimSpace(c.Data) == "" {
			c = c.PrevSibling
		}
		if c == nil || c.Type != xhtml.ElementNode {
			return false
		}
		switch c.DataAtom {
		case atom.A:
			// The link follows a label: "Kicker: <a>", "Read also → <a>".
			lt := normSpace(nodeText(c))
			t := normSpace(b.text)
			if lt == "" || !strings.HasSuffix(t, lt) {
				return false
			}
			head := strings.TrimSpace(strings.TrimSuffix(t, lt))
			return strings.HasSuffix(head, ":") || strings.HasSuffix(head, "|") || strings.HasSuffix(head, "→") || strings.HasSuffix(head, "»") || strings.HasSuffix(head, "–")
		case atom.Em, atom.Strong, atom.B, atom.I, atom.Span, atom.Small:
			n = c
		default:
			return false
		}
	}
}

// enumeration reports a paragraph that lists names each linked to its own
// page ("Prefecture: town, town, town" with every town a topic link): three
// links or more, each of a few words, the text between them separators.
func enumeration(p *xhtml.Node) bool {
	links, seps := 0, 0
	ok := true
	var walk func(n *xhtml.Node)
	walk = func(n *xhtml.Node) {
		for c := n.FirstChild; c != nil && ok; c = c.NextSibling {
			switch {
			case c.Type == xhtml.ElementNode && c.DataAtom == atom.A:
				if utf8.RuneCountInString(strings.TrimSpace(nodeText(c))) > 20 {
					ok = false
				}
				links++
			case c.Type == xhtml.ElementNode:
				walk(c)
			case c.Type == xhtml.TextNode:
				seps += strings.Count(c.Data, ",") + strings.Count(c.Data, "、") + strings.Count(c.Data, "·") + strings.Count(c.Data, ";")
			}
		}
	}
	walk(p)
	return ok && links >= 3 && seps >= links-1
}

// linkInSentence reports a paragraph whose links sit inside a sentence
// of its own: it opens with two words or more of plain text that the
// link goes on from, no label ("Read also: <a>…</a>") and no sentence of
// its own ("Now digital! <a>Sign up here</a>").
func linkInSentence(p *xhtml.Node) bool {
	var lead strings.Builder
	found := false
	var walk func(n *xhtml.Node)
	walk = func(n *xhtml.Node) {
		for c := n.FirstChild; c != nil && !found; c = c.NextSibling {
			switch {
			case c.Type == xhtml.ElementNode && c.DataAtom == atom.A:
				found = true
			case c.Type == xhtml.ElementNode:
				walk(c)
			case c.Type == xhtml.TextNode:
				lead.WriteString(c.Data)
			}
		}
	}
	walk(p)
	t := strings.TrimSpace(lead.String())
	return found && hasFields(t, 2) && !strings.ContainsAny(t, ":：") && !endsSentence(t)
}

// isByline reports whether t is a byline for the article's authors.
func (x *extraction) isByline(t string) bool {
	if len(x.a.Authors) == 0 {
		return false
	}
	lt := strings.ToLower(t)
	hits := 0
	for _, au := range x.a.Authors {
		if strings.Contains(lt, strings.ToLower(au)) {
			hits++
		}
	}
	if hits == 0 {
		return false
	}
	rest := lt
	for _, au := range x.a.Authors {
		rest = strings.ReplaceAll(rest, strings.ToLower(au), "")
	}
	rest = reBylinePrefix.ReplaceAllString(strings.TrimSpace(rest), "")
	return len(squash(rest)) < 40
}

// assemble turns the blocks into the article's text and HTML.
func (x *extraction) assemble(blocks []block) {
	rule := x.a.Extraction.Method == article.MethodSiteRule
	kept := blocks[:0]
	var prev string
	for i := range blocks {
		b := &blocks[i]
		if !x.keep(b, rule) || b.text == prev {
			continue
		}
		prev = b.text
		kept = append(kept, *b)
	}
	kept = x.trimLead(kept)
	kept = x.agreeWithLD(kept)
	kept = trimTail(kept)
	kept = trimSection(kept)
	kept = trimComments(kept)
	kept = dropLabels(kept)
	// Headings and scraps at the end belong to what follows the article.
	for len(kept) > 0 {
		last := kept[len(kept)-1]
		if last.kind == bHeading || last.kind == bPara && len(last.text) < 50 && !endsSentence(last.text) && !signOff(kept) {
			kept = kept[:len(kept)-1]
			continue
		}
		break
	}
	// Both builders get their size up front: growing them by doubling
	// made several copies of a long article.
	tn, hn := 0, 0
	for _, b := range kept {
		if b.kind != bFigure {
			tn += len(b.text) + 2
		}
		hn += len(b.html) + len("<blockquote><p></p></blockquote>")
		for _, it := range b.itemsH {
			hn += len(it) + len("<li></li>")
		}
		if b.kind == bPre || b.kind == bTable {
			hn += len(b.text) + len(b.text)/8 + 7*(strings.Count(b.text, "\n")+1)
		}
	}
	var tb, hb strings.Builder
	tb.Grow(tn)
	hb.Grow(hn)
	for _, b := range kept {
		if b.kind != bFigure {
			if tb.Len() > 0 {
				tb.WriteString("\n\n")
			}
			tb.WriteString(b.text)
		}
		switch b.kind {
		case bPara:
			hb.WriteString("<p>")
			hb.WriteString(b.html)
			hb.WriteString("</p>")
		case bHeading:
			l := strconv.Itoa(b.level)
			hb.WriteString("<h")
			hb.WriteString(l)
			hb.WriteString(">")
			hb.WriteString(b.html)
			hb.WriteString("</h")
			hb.WriteString(l)
			hb.WriteString(">")
		case bQuote:
			hb.WriteString("<blockquote><p>")
			hb.WriteString(b.html)
			hb.WriteString("</p></blockquote>")
		case bFigure:
			hb.WriteString("<figure>")
			hb.WriteString(b.html)
			hb.WriteString("</figure>")
		case bList:
			tag := "ul"
			if b.level == 1 {
				tag = "ol"
			}
			hb.WriteString("<")
			hb.WriteString(tag)
			hb.WriteString(">")
			for _, it := range b.itemsH {
				hb.WriteString("<li>")
				hb.WriteString(it)
				hb.WriteString("</li>")
			}
			hb.WriteString("</")
			hb.WriteString(tag)
			hb.WriteString(">")
		case bPre, bTable:
			for line := range strings.SplitSeq(b.text, "\n") {
				hb.WriteString("<p>")
				hb.WriteString(html.EscapeString(line))
				hb.WriteString("</p>")
			}
		}
	}
	x.a.Text = tb.String()
	x.a.HTML = policy.Sanitize(hb.String())
	x.a.WordCount = article.CountWords(x.a.Text)
}

// signOff reports whether the last of blocks, a short scrap, is the
// author's sign-off ("x Franzi", "Ok.", an address) rather than the label
// of what followed the article: a paragraph beside the one before it, in
// the same element, that is not a label (a colon at its end, "Label: value"),
// a link to more ("… weiter"), a note on the sources ("mit dpa") or a bare
// name (the byline again).
func signOff(blocks []block) bool {
	if len(blocks) < 2 {
		return false
	}
	last, prev := blocks[len(blocks)-1], blocks[len(blocks)-2]
	if last.src == nil || prev.src == nil || last.src.DataAtom != atom.P || prev.src.DataAtom != atom.P || prev.kind != bPara {
		return false
	}
	if last.src.Parent != prev.src.Parent {
		return false
	}
	t := strings.TrimSpace(last.text)
	switch {
	case strings.HasSuffix(t, ":"), strings.HasPrefix(t, "..."), strings.HasPrefix(t, "…"):
		// A label for what followed, a link to the rest.
		return false
	case reClosing.MatchString(t):
		// "Euer HansEhrlich", "Yours, Jane": a closing and a name.
		return true
	case reFieldLine.MatchString(t), reCreditNote.MatchString(t), reBareName.MatchString(t):
		// "Category: News", "mit dpa", the author's name: metadata.
		return false
	}
	return true
}

var (
	// reFieldLine matches a line that is a label and a value.
	reFieldLine = regexp.MustCompile(`(?m)^[\p{L} ]{1,24}\s?:\s`)
	// reCreditNote matches a note on the sources: news agencies, "with
	// reports from".
	reCreditNote = regexp.MustCompile(`(?i)^(?:mit|with|avec|con|z) (?:material|reports|additional reporting|informationen|agencias|informations)\b|\b(?:dpa|afp|ap|apa|pap|reuters|sda|kna|epd|efe|ansa|ats|sid|dts|ukrinform|ria|tass|xinhua|kyodo|anp|ntb|tt|ctk|mti)\b|^[\p{L}.]{1,6}/[\p{L}.]{1,8}$`)
	// reClosing matches a letter's closing before a name or two: the
	// author signing off, not a byline.
	reClosing = regexp.MustCompile(`^(?:Euer|Eure|Dein|Deine|Yours|Cheers|Love|Liebe Grüße|Viele Grüße|Herzliche Grüße|Grüße|Gruß|Cordialement|Saludos|Un saludo|Abrazos|Bisous|Ciao),? \p{Lu}[\p{L}'-]*(?: \p{Lu}[\p{L}'-]*)?[.!]?$`)
	// reBareName matches two or three capitalised words alone: a name.
	reBareName = regexp.MustCompile(`^\p{Lu}[\p{L}'-]*(?: \p{Lu}[\p{L}'-]*){1,2}$`)
)

// reTailBoiler matches what publishers append to an article: calls to
// follow, subscribe or share, notes on rights and on responsibility.
var reTailBoiler = mustScreen(`(?i)\b(?:follow (?:us|the|@)|folg(?:en sie|t) uns|síguenos|siguenos|suivez-nous|seguici|subscri(?:be|ption)|abonnier|newsletter|copyright|all rights reserved|alle rechte vorbehalten|written permission|not responsible for|nicht verantwortlich|opinions? expressed|opinions exprimées|opiniones expresadas|n'engagent que (?:leurs?|ses|son) auteurs?|meinung des autors|share (?:this|the) (?:article|story|post)|artikel teilen|sign up|jetzt registrieren|schon gelesen|lust auf mehr|you might also like|das könnte sie auch interessieren|stay up[- ]to[- ]date|stay informed|bleiben sie (?:informiert|auf dem laufenden)|mantente informado|restez informés?|subskrypc|suscríbete|abonnez-vous|iscriviti|ios (?:and|und|y|et|e) android|(?:telegram|youtube|whatsapp)[- ]?(?:kanal|channel)|canal de (?:telegram|youtube|whatsapp)|(?:we|this (?:web)?site) uses? cookies|wir verwenden cookies|utilizamos cookies|nous utilisons des cookies|(?:korzystamy z|używamy) (?:plików )?cookies|netiquette|para comentar|(?:log|sign) in to comment|logged in to (?:post a )?comment|als pdf herunterladen|download (?:the|our) apps?|submit (?:your|a) letter|ohne gewähr|without guarantee|sin garantía|sans garantie|senza garanzia|unter der lizenz|licensed under|creative commons|suggested citation|zitiervorschlag|cite this article|how to cite|weitere infos?(?:rmationen)? (?:unter|auf|bei)|more info(?:rmation)? (?:at|on) (?:www|http)|más información en|(?:im abo|als e-?paper)\b.*\berhältlich|medically reviewed|von (?:medizinern|ärzten) geprüft|ärztlich geprüft|folge mir auf|follow me on|join us on (?:whatsapp|telegram)|(?:do you have|have you got|got) a story(?: to (?:tell|share))?\?|read our privacy (?:policy|notice)|kommentarrichtlinien|comment(?:ing)? (?:policy|guidelines)|community guidelines|spendenfinanziert|sie sind bereits registriert|already registered\?|direkt per e-?mail|(?:straight|delivered) to your inbox|(?:loading|wird geladen|bitte warten|cargando|chargement)\s?(?:\.\.\.|…)|(?:strict standards|deprecated|warning|notice|fatal error): .{1,200}\bon line \d)`)

// trimSection drops a section at the end of the body that a short label
// opens ("Sources:", "Contact:", a "Further reading" heading) when nothing
// after the label is prose: references, addresses, lists of links. The
// earliest such label among the last blocks wins; the body before it must
// hold enough text to be the article.
func trimSection(blocks []block) []block {
	const window = 12
	before := 0
	for i, b := range blocks {
		if i >= len(blocks)-window && i >= 2 && before >= 600 && isLabel(b) {
			prose, rest := false, 0
			for _, c := range blocks[i+1:] {
				rest += len(c.text)
				if isProse(c) {
					prose = true
					break
				}
			}
			if !prose && rest < maxSection {
				return blocks[:i]
			}
		}
		before += len(b.text)
	}
	return blocks
}

// trimComments cuts the body at a heading that opens the readers'
// comments ("Comments", "3 Kommentare", "Leave a reply"): what follows is
// theirs or the page's, not the article's. The body before it must hold
// enough text to be the article.
func trimComments(blocks []block) []block {
	before := 0
	for i, b := range blocks {
		if before >= 600 && (b.kind == bHeading || b.kind == bPara) && len(b.text) < 60 && reCommentsLabel.MatchString(strings.TrimSpace(b.text)) {
			return blocks[:i]
		}
		before += len(b.text)
	}
	return blocks
}

// reCommentsLabel matches the label over the readers' comments.
var reCommentsLabel = regexp.MustCompile(`(?i)^(?:\d+\s+)?(?:comments?|kommentare?|comentarios?|commentaires?|commenti|komentarze|reacties|kommentarer|leave a (?:reply|comment)|schreibe einen kommentar|hinterlasse einen kommentar|kommentar schreiben|deja un comentario|laisser un commentaire|lascia un commento|join the discussion|diskutieren sie mit)\s*(?:\(\d+\))?\s*:?$`)

// maxSection is the most text a trailing section trimSection drops may hold.
const maxSection = 600

// isLabel reports a block that names what follows it: a short heading,
// or a short paragraph ending in a colon.
func isLabel(b block) bool {
	t := strings.TrimSpace(b.text)
	switch b.kind {
	case bHeading:
		return len(t) < 60
	case bPara:
		return len(t) < 50 && strings.HasSuffix(t, ":")
	}
	return false
}

// isProse reports what may be the article's own: a paragraph of a dozen
// words with no address or citation in it, a list or table (facts,
// steps, figures) whose items are not mostly addresses and citations, or
// preformatted text (code, a command).
func isProse(b block) bool {
	switch b.kind {
	case bPre:
		// Code or a command: the article's own, never a reference.
		return true
	case bPara, bQuote:
		return hasFields(b.text, 12) && !reCitation.MatchString(b.text)
	case bList, bTable:
		if b.kind == bList && tinyItems(b) {
			// Names of partners, tags, links: scraps, not steps.
			return false
		}
		n := 0
		for _, it := range b.items {
			if reCitation.MatchString(it) {
				n++
			}
		}
		return 2*n < len(b.items)
	}
	return false
}

// tinyItems reports a list whose items are one or two words each.
func tinyItems(b block) bool {
	for _, it := range b.items {
		if hasFields(it, 3) {
			return false
		}
	}
	return len(b.items) > 0
}

// reCitation matches what a reference or an address holds: a web address,
// a DOI, a year in brackets.
var reCitation = regexp.MustCompile(`(?i)https?://|www\.|\bdoi\b|\(\d{4}\)`)

// trimTail drops the short blocks at the end of the body that are such
// notes, from the last one up to the first that is not.
func trimTail(blocks []block) []block {
	for n := 0; n < 4 && len(blocks) > 1; n++ {
		last := blocks[len(blocks)-1]
		if last.kind != bPara && last.kind != bHeading || len(last.text) > 300 || !reTailBoiler.MatchString(last.text) {
			break
		}
		blocks = blocks[:len(blocks)-1]
	}
	return blocks
}

// trimLead drops what the article's header leaves above the first real
// paragraph: an h1 (the headline again, perhaps with a kicker), datelines
// and reading times, and lists of scraps (breadcrumbs, sharing buttons).
func (x *extraction) trimLead(blocks []block) []block {
	first := -1
	for i, b := range blocks {
		if (b.kind == bPara || b.kind == bQuote) && b.textLen >= 100 && b.linkLen*2 < b.textLen {
			first = i
			break
		}
	}
	if first <= 0 {
		return blocks
	}
	out := blocks[:0]
	for i, b := range blocks {
		if i < first && b.kind != bFigure {
			t := b.text
			if b.h1 && x.headlineAgain(b) || isDateline(t) || b.kind == bList && shortItems(b) {
				continue
			}
		}
		out = append(out, b)
	}
	return out
}

// headlineAgain reports an h1 above the body that states the headline
// again, perhaps worded otherwise, with a kicker or the site's name: the
// page's first h1, or one half of whose words are the title's. A later
// h1 that shares little with the title heads a part of the text
// ("Curriculum vitae" on an "About us" page).
func (x *extraction) headlineAgain(b block) bool {
	title := strings.ToLower(x.a.Title)
	if title == "" || len(x.info.h1) > 0 && b.src == x.info.h1[0] {
		return true
	}
	t := b.text
	words, hits := 0, 0
	for w := range strings.FieldsSeq(strings.ToLower(t)) {
		words++
		if strings.Contains(title, w) {
			hits++
		}
	}
	return 2*hits >= words
}

// reClockTime matches a time of day: hours and minutes between a colon,
// or before "Uhr" or "h".
var reClockTime = regexp.MustCompile(`\b\d{1,2}:\d{2}\b|\b\d{1,2}[.:]\d{2}\s?(?:Uhr|h)\b`)

var (
	reClock     = regexp.MustCompile(`\b\d{1,2}[:.]\d{2}\b`)
	reNumDate   = regexp.MustCompile(`\b\d{1,4}\s?[./-]\s?\d{1,2}\s?[./-]\s?\d{2,4}\b|\b(?:19|20)\d{2}\b`)
	reWordToken = regexp.MustCompile(`[\p{L}]{2,}`)
)

// shortItems reports a list of scraps (a breadcrumb trail, sharing
// buttons, tags): no item longer than 40 characters.
func shortItems(b block) bool {
	for _, it := range b.items {
		if utf8.RuneCountInString(it) > 40 {
			return false
		}
	}
	return len(b.items) > 0
}

// isDateline reports a short line that is mostly a date or a time:
// "Stand: 22.04.2024, 06:00 Uhr", "Publiziert heute um 12:19 Uhr",
// "Uppdaterad 15.59 | Publicerad 14.14".
func isDateline(t string) bool {
	if len(t) > 100 || !reClock.MatchString(t) && !reNumDate.MatchString(t) {
		return false
	}
	if endsSentence(t) && !strings.HasSuffix(t, "Min.") {
		return false
	}
	words := 0
	for _, w := range reWordToken.FindAllString(t, -1) {
		if !monthWords[strings.ToLower(w)] {
			words++
		}
	}
	return words <= 6
}

func endsSentence(t string) bool {
	t = strings.TrimRight(t, " \"'”’»)")
	return strings.HasSuffix(t, ".") || strings.HasSuffix(t, "!") || strings.HasSuffix(t, "?") || strings.HasSuffix(t, "…") || strings.HasSuffix(t, "。")
}

// agreeWithLD uses the JSON-LD articleBody as a second opinion: when it
// holds most of what the markup gave (so it is the whole article, not a
// teaser), paragraphs of the markup that share nothing with it are
// boilerplate the page put inside the body (teasers, promotions, notes).
// Headings stay: publishers leave them out of articleBody.
func (x *extraction) agreeWithLD(blocks []block) []block {
	if x.ld == nil || len(x.ld.body) < 500 {
		return blocks
	}
	ref := shingleSet(ldBodyText(x.ld.body))
	if len(ref) < 50 {
		return blocks
	}
	type score struct{ n, hit int }
	scores := make([]score, len(blocks))
	total, hits := 0, 0
	for i, b := range blocks {
		forShingles(b.text, func(h uint64) {
			scores[i].n++
			if _, ok := ref[h]; ok {
				scores[i].hit++
			}
		})
		total += scores[i].n
		hits += scores[i].hit
	}
	if total == 0 || float64(hits) < 0.7*float64(total) {
		return blocks
	}
	// What comes before the first paragraph articleBody shares is the lead
	// (standfirst, key points), which articleBody often leaves out.
	first := len(blocks)
	for i := range blocks {
		if scores[i].n >= 8 && scores[i].hit*2 >= scores[i].n {
			first = i
			break
		}
	}
	out := blocks[:0]
	for i, b := range blocks {
		if i > first && b.kind != bHeading && b.kind != bFigure && scores[i].n >= 8 && scores[i].hit*10 < scores[i].n {
			continue
		}
		out = append(out, b)
	}
	return out
}

// undouble cuts a text that holds itself twice (some CMSs write
// articleBody from two copies of the story) at the start of the copy.
func undouble(s string) string {
	s = strings.TrimSpace(s)
	const probe = 200
	if len(s) < 4*probe {
		return s
	}
	head := s[:probe]
	if i := strings.Index(s[len(s)/3:], head); i >= 0 {
		i += len(s) / 3
		if strings.HasPrefix(s, strings.TrimSpace(s[i:min(len(s), i+2*probe)])) {
			return strings.TrimSpace(s[:i])
		}
	}
	return s
}

// ldBodyText is the JSON-LD articleBody as plain text.
func ldBodyText(body string) string {
	body = html.UnescapeString(body)
	if strings.Contains(body, "<") && strings.Contains(body, ">") {
		body = stripTags(body)
	}
	return body
}

// shingleSet returns the hashes of the 4-word shingles of s.
func shingleSet(s string) map[uint64]struct{} {
	set := map[uint64]struct{}{}
	forShingles(s, func(h uint64) { set[h] = struct{}{} })
	return set
}

// forShingles calls fn with the hash of each run of four consecutive
// lower-case words (letters and digits) of s.
func forShingles(s string, fn func(uint64)) {
	var win [4]string
	n := 0
	start := -1
	emit := func(w string) {
		win[0], win[1], win[2], win[3] = win[1], win[2], win[3], strings.ToLower(w)
		n++
		if n >= 4 {
			h := fnv.New64a()
			for _, x := range win {
				h.Write([]byte(x))
				h.Write([]byte{0})
			}
			fn(h.Sum64())
		}
	}
	for i, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			emit(s[start:i])
			start = -1
		}
	}
	if start >= 0 {
		emit(s[start:])
	}
}

// fallbackBody uses the JSON-LD articleBody when the page's own markup gave
// much less text than it.
func (x *extraction) fallbackBody() {
	if x.ld == nil || x.ld.body == "" {
		return
	}
	// Most pages' own text is as long as articleBody: no need to count.
	if len(x.a.Text) > len(x.ld.body) {
		return
	}
	body := undouble(ldBodyText(x.ld.body))
	words := article.CountWords(body)
	if words < 80 || float64(x.a.WordCount) > 0.6*float64(words) {
		return
	}
	var paras []string
	var hb strings.Builder
	for _, p := range strings.Split(strings.ReplaceAll(body, "\r", ""), "\n") {
		if p = normSpace(p); p != "" {
			paras = append(paras, p)
			hb.WriteString("<p>" + html.EscapeString(p) + "</p>")
		}
	}
	x.a.Text = strings.Join(paras, "\n\n")
	x.a.HTML = policy.Sanitize(hb.String())
	x.a.WordCount = article.CountWords(x.a.Text)
}

var reTag = regexp.MustCompile(`<[^>]*>`)

func stripTags(s string) string {
	s = strings.NewReplacer("</p>", "\n", "<br>", "\n", "<br/>", "\n", "<br />", "\n").Replace(s)
	return reTag.ReplaceAllString(s, "")
}

// detectLang guesses the language of text when the page does not say.
func detectLang(text string) string {
	if len(text) < 40 {
		return ""
	}
	if len(text) > 4000 {
		text = text[:4000]
	}
	info := whatlanggo.Detect(text)
	if !info.IsReliable() && info.Confidence < 0.5 {
		return ""
	}
	return info.Lang.Iso6391()
}
