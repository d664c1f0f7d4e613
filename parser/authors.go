package parser

import (
	"regexp"
	"strings"
	"unicode"
)

var (
	// Go's \b knows ASCII letters only ("Eßlinger" would end at "E"), so
	// word edges are spelt out: start or white space before, and white
	// space, a colon or the end after.
	reBylinePrefix = regexp.MustCompile(`(?i)^\s*(?:(?:written|reported|posted|published|compiled|edited|text|texte|texto|story|words|analysis|interview|kommentar|ein kommentar|gastbeitrag|commentary|opinion|post author|veröffentlicht|erstellt|geschrieben|verfasst|publiziert|eingestellt|gespeichert|publié|publicado|escrito)\s+)?(?:by|von|vom|por|par|di|scritto da|pubblicato da|door|av|af|od|przez|от|автор|autor|autorin|author|authors|text|texto|texte|redaktion|reporter)(?:\s*[:：]\s*|\s+|$)`)
	// reGluedLabel finds a byline label run into the name after it, as
	// text joined from separate elements gives it ("AuthorAndreas Kalt",
	// "Veröffentlicht vonChris Jung").
	reGluedLabel = regexp.MustCompile(`^((?:[Pp]ost )?[Aa]uthor|[Aa]utor(?:in)?|(?:\p{L}+ )?von|[Bb]y)(\p{Lu}\p{Ll})`)
	// reMorePosts is an author-box link after the name.
	reMorePosts   = regexp.MustCompile(`(?i)\s+(?:more posts|all posts|view all posts|see all posts|alle beiträge|alle artikel|weitere beiträge|weitere artikel|tous ses articles)(?:\s.*)?$`)
	reAuthorSplit = regexp.MustCompile(`(?i)\s*(?:,|;|\||/|•|·|&)\s*|\s+(?:and|und|et|y|e|og|och|sowie|i|и)\s+`)
	reParens      = regexp.MustCompile(`\([^)]*\)|\[[^\]]*\]`)
	reDigits      = regexp.MustCompile(`\d`)
)

var roleWords = map[string]bool{
	"reporter": true, "reporters": true, "correspondent": true, "editor": true, "editors": true,
	"writer": true, "writers": true, "staff": true, "journalist": true, "columnist": true,
	"contributor": true, "contributors": true, "photographer": true, "senior": true, "chief": true,
	"bureau": true, "desk": true, "political": true, "economics": true, "business": true,
	"science": true, "health": true, "sports": true, "foreign": true, "affairs": true, "special": true,
	"deputy": true, "managing": true, "associate": true, "contributing": true, "news": true,
	"redakteur": true, "redakteurin": true, "redaktion": true, "korrespondent": true,
	"korrespondentin": true, "autor": true, "autorin": true, "author": true, "updated": true,
	"published": true, "posted": true, "on": true, "at": true, "am": true, "um": true, "the": true,
	"of": true, "for": true, "in": true, "and": true, "analyst": true, "producer": true, "host": true,
	"anchor": true, "fellow": true, "professor": true, "freelance": true, "freier": true, "mitarbeiter": true,
	"team": true, "video": true, "photos": true, "photo": true, "foto": true, "fotos": true,
	"kommentar": true, "commentary": true, "comment": true, "opinion": true, "analyse": true, "analysis": true,
	"gastbeitrag": true, "interview": true, "von": true, "by": true, "ein": true, "eine": true,
	"follow": true, "about": true, "this": true, "please": true, "enter": true, "your": true, "name": true,
	"here": true, "zeige": true, "share": true, "teilen": true, "more": true, "mehr": true, "artikel": true,
	"기자": true, "특파원": true, "記者": true, "记者": true, "编辑": true, "特派員": true,
}

// isJob reports a job title around a name: a job word, or a compound
// that ends in one ("FOCUS-Online-Experte").
func isJob(w string) bool {
	lw := strings.ToLower(strings.Trim(w, ".,"))
	if jobWords[lw] {
		return true
	}
	i := strings.LastIndexByte(lw, '-')
	return i > 0 && jobWords[lw[i+1:]]
}

// jobWords are the role words that stand before or after a name.
var jobWords = map[string]bool{
	"reporter": true, "correspondent": true, "editor": true, "writer": true, "journalist": true,
	"columnist": true, "contributor": true, "photographer": true, "redakteur": true, "redakteurin": true,
	"korrespondent": true, "korrespondentin": true, "기자": true, "특파원": true, "記者": true, "记者": true,
	"编辑": true, "特派員": true, "experte": true, "expertin": true,
	"ceo": true, "cto": true, "founder": true, "co-founder": true, "gründer": true, "gründerin": true,
}

var monthWords = map[string]bool{
	"january": true, "february": true, "march": true, "april": true, "may": true, "june": true,
	"july": true, "august": true, "september": true, "october": true, "november": true, "december": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true, "januar": true, "februar": true,
	"märz": true, "mai": true, "juni": true, "juli": true, "oktober": true, "dezember": true,
}

// cleanAuthors turns raw byline strings into names: "By" and job titles
// removed, "A, B and C" split, no dates, no e-mail addresses, no duplicates.
func cleanAuthors(raw []string) []string { return cleanAuthorsFrom(raw, false) }

// cleanAuthorsFrom is cleanAuthors; handles allows a single lower-case
// word as a name (a blog's user name, "gizzmo") when the source says it is
// an author's name (structured data, meta author, rel=author,
// itemprop=author), unless it is a generic account ("admin").
func cleanAuthorsFrom(raw []string, handles bool) []string {
	out := []string{}
	seen := map[string]bool{}
	if len(raw) > maxAuthors {
		raw = raw[:maxAuthors]
	}
	for _, r := range raw {
		if len(out) >= maxAuthors {
			break
		}
		r = normSpace(r)
		if r == "" || strings.Contains(r, "://") || strings.HasPrefix(r, "www.") {
			continue
		}
		r = reParens.ReplaceAllString(r, " ")
		// Cut at a date or a time: "John Smith, 3 August 2022" / "Jane Doe | 12:30".
		if i := strings.IndexAny(r, "\n|"); i > 0 {
			r = r[:i]
		}
		r = reGluedLabel.ReplaceAllString(r, "$1 $2")
		r = reMoreBy.ReplaceAllString(r, "")
		r = reMorePosts.ReplaceAllString(r, "")
		for i := 0; i < 3; i++ {
			r2 := reBylinePrefix.ReplaceAllString(r, "")
			if r2 == r {
				break
			}
			r = r2
		}
		for _, p := range reAuthorSplit.Split(r, -1) {
			if name := cleanName(p, handles); name != "" {
				k := strings.ToLower(name)
				if !seen[k] {
					seen[k] = true
					out = append(out, name)
				}
			}
		}
	}
	return out
}

// maxAuthors bounds the byline: more names than this are a list of staff,
// not the authors of one article.
const maxAuthors = 30

func cleanName(p string, handles bool) string {
	p = strings.TrimFunc(p, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) && r != '.' && r != '\'' || r == '.' || unicode.IsSymbol(r)
	})
	if initialEnd(p) {
		p += "." // "Nicolas Gutierrez C." keeps the point of its initial
	}
	p = reBylinePrefix.ReplaceAllString(p, "")
	p = halfRepeat(p)
	if p == "" || len(p) > 60 || strings.ContainsAny(p, "@#:") || reDigits.MatchString(p) {
		return ""
	}
	if notAName(p) {
		return ""
	}
	words := strings.Fields(p)
	// "Reporter Jane Doe", "신현주 기자": job titles around a name go, when
	// what is left is a name ("Guardian staff reporter" stays whole).
	w := words
	for len(w) > 1 && isJob(w[0]) {
		w = w[1:]
	}
	for len(w) > 1 && isJob(w[len(w)-1]) {
		w = w[:len(w)-1]
	}
	if len(w) < len(words) {
		plain := true
		for _, x := range w {
			if roleWords[strings.ToLower(strings.Trim(x, ".,"))] {
				plain = false
			}
		}
		if plain {
			words = w
			p = strings.Join(words, " ")
		}
	}
	if len(words) > 5 || len(words) == 1 && degrees[strings.ToLower(words[0])] {
		return "" // a degree or suffix split off a name ("Grant Tinsley, PhD")
	}
	roles := 0
	for _, w := range words {
		lw := strings.ToLower(strings.Trim(w, ".,"))
		// Month names are also first names (Jan, May, June): they count
		// against a name only with role words around them.
		if roleWords[lw] || monthWords[lw] || isJob(w) {
			roles++
		}
	}
	if roles == len(words) {
		return ""
	}
	// A single lower-case word is not a name ("admin", "redaktion").
	if len(words) == 1 {
		r := []rune(words[0])
		lower := unicode.IsLower(r[0]) && strings.ToLower(words[0]) == words[0]
		if len(r) < 2 || lower && len(r) > 4 && (!handles || genericAccounts[words[0]]) {
			return ""
		}
	}
	return p
}

// genericAccounts are user names that name no one.
var genericAccounts = map[string]bool{
	"admin": true, "administrator": true, "administrador": true, "webmaster": true, "root": true,
	"editor": true, "editors": true, "redaktion": true, "redaction": true, "rédaction": true, "redazione": true,
	"redacción": true, "staff": true, "author": true, "autor": true, "guest": true, "gast": true, "user": true,
	"anonymous": true, "anonym": true, "unknown": true, "desk": true, "newsroom": true, "team": true,
	"wordpress": true, "blogger": true, "wpadmin": true, "siteadmin": true, "content": true, "default": true,
}

// degrees are academic degrees and name suffixes that a comma splits off
// a name.
var degrees = map[string]bool{
	"phd": true, "ph.d": true, "md": true, "m.d": true, "mph": true, "mba": true, "msc": true, "bsc": true,
	"rd": true, "rn": true, "dr": true, "prof": true, "jr": true, "sr": true, "esq": true, "ma": true, "ms": true,
}

// initialEnd reports a name that ends in a one-letter initial whose point
// the trim took ("Joe S").
func initialEnd(p string) bool {
	i := strings.LastIndexByte(p, ' ')
	if i < 0 || i+1 >= len(p) {
		return false
	}
	last := []rune(p[i+1:])
	return len(last) == 1 && unicode.IsUpper(last[0])
}

// reMoreBy matches the label of a link to an author's other articles
// ("Alle Artikel von", "More from", "View all posts by").
var reMoreBy = regexp.MustCompile(`(?i)^(?:zeige\s+)?(?:alle\s+(?:artikel|beiträge)(?:\s+von)?|mehr(?:\s+(?:artikel|beiträge))?\s+von|(?:view\s+)?(?:all|more)\s+(?:posts|articles|stories)\s+(?:by|from)|more\s+(?:from|by)|(?:articles|posts)\s+by)(?:\s+|$)`)

// halfRepeat returns the first half of a name printed twice ("Kathrin
// Führes Kathrin Führes": an image's alt text and the link's text).
func halfRepeat(p string) string {
	w := strings.Fields(p)
	if n := len(w); n >= 2 && n%2 == 0 {
		a, b := strings.Join(w[:n/2], " "), strings.Join(w[n/2:], " ")
		if a == b {
			return a
		}
	}
	return p
}

// notAName reports the other text of a post's metadata line that a byline
// element may hold: a publication label without its date ("Publiziert
// am", "Posted on"), a category ("in Uncategorized") or a link to the
// comments ("Hinterlasse einen Kommentar", "Leave a comment").
func notAName(p string) bool {
	if loc := reDateLabel.FindStringIndex(p); loc != nil && loc[0] == 0 {
		return true
	}
	if strings.HasPrefix(p, "in ") || strings.HasPrefix(p, "im ") {
		return true
	}
	l := strings.ToLower(p)
	return strings.Contains(l, "kommentar") || strings.Contains(l, "comment") || strings.Contains(l, "reply") || strings.Contains(l, "antworten")
}
