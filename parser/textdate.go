package parser

import (
	"regexp"
	"strings"
	"time"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/newsfeed/newsfeed/internal/months"
)

// Dates written for readers, the last resort of dates() when a page has no
// machine-readable publication date (many blogs and small sites): an hAtom
// title ("<abbr class=published title=2009-08-06T14:12:32+0200>"), or the
// text of an element whose class or id names a date or the post's
// metadata ("entry-date", "postmeta", "submitted", "datum") and that
// holds a date in one of the usual written forms.

// reDateHint matches class and id values of elements that state a post's
// date or its metadata line.
var reDateHint = regexp.MustCompile(`(?i)date|time|posted|publish|meta|byline|submitted|datum|fecha|dateline|created|info|stamp|author|header`)

// rePublishedClass matches the hAtom/microformat class of a publication
// date.
var rePublishedClass = regexp.MustCompile(`(?i)(?:^|\s)(?:published|dt-published|entry-date|post-date|date-published|publishdate)(?:\s|$)`)

// reNumericDate matches day.month.year, year-month-day, day/month/year and
// month/day/year with an optional time of day.
var reNumericDate = regexp.MustCompile(`(?:^|[^\d.])(\d{1,2})\.\s?(\d{1,2})\.\s?((?:19|20)\d{2})|((?:19|20)\d{2})-(\d{2})-(\d{2})|(?:^|[^\d/])(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})`)

// reTimeOfDay matches a time of day right after a date.
var reTimeOfDay = regexp.MustCompile(`^[\s,|·–-]*(?:(?:um|at|à|a las|alle|às|в|om|kl\.?)\s+)?(\d{1,2})[:.h](\d{2})(?:\s*(am|pm|a\.m\.|p\.m\.))?`)

// reWordDate matches "5. Juni 2015", "8 January 2020", "November 22,
// 2011", "Jan. 21, 2015", "3 de maio de 2022", "21 января 2020".
var reWordDate = regexp.MustCompile(`(?i)(?:^|[^\p{L}\d])(?:(\d{1,2})(?:\.|º|er)?\s*(?:de\s+)?(\p{L}{3,10})\.?,?\s*(?:de\s+)?((?:19|20)\d{2})|(\p{L}{3,10})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{2}))(?:[^\d]|$)`)

// textDate finds the first date written in s, with its time of day when
// one follows. dayFirst decides an ambiguous "03/04/2020".
func textDate(s string, dayFirst bool) (time.Time, bool) {
	t, _, ok := textDateSpan(s, dayFirst)
	return t, ok
}

// textDateSpan is textDate that also reports how many bytes of s the
// date (and its time of day) takes.
func textDateSpan(s string, dayFirst bool) (time.Time, int, bool) {
	best, bestAt, bestLen := time.Time{}, -1, 0
	consider := func(y, mo, d, end, at int) {
		if mo < 1 || mo > 12 || d < 1 || d > 31 || (bestAt >= 0 && at >= bestAt) {
			return
		}
		t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
		if t.Day() != d { // 31 June
			return
		}
		span := end - at
		if at < len(s) && (s[at] < '0' || s[at] > '9') && s[at] < 0x80 && !unicode.IsLetter(rune(s[at])) {
			span-- // the separator the pattern took before the date
		}
		if m := reTimeOfDay.FindStringSubmatch(s[end:]); m != nil {
			span += len(m[0])
			h, mi := atoi(m[1]), atoi(m[2])
			switch strings.ReplaceAll(strings.ToLower(m[3]), ".", "") {
			case "pm":
				if h < 12 {
					h += 12
				}
			case "am":
				if h == 12 {
					h = 0
				}
			}
			if h < 24 && mi < 60 {
				t = t.Add(time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute)
			}
		}
		best, bestAt, bestLen = t, at, span
	}
	for _, m := range reNumericDate.FindAllStringSubmatchIndex(s, 3) {
		g := func(i int) int { return atoi(s[m[2*i]:m[2*i+1]]) }
		switch {
		case m[2] >= 0:
			consider(g(3), g(2), g(1), m[1], m[0])
		case m[8] >= 0:
			consider(g(4), g(5), g(6), m[1], m[0])
		case m[14] >= 0:
			a, b := g(7), g(8)
			switch {
			case a > 12:
				consider(g(9), b, a, m[1], m[0])
			case b > 12:
				consider(g(9), a, b, m[1], m[0])
			case dayFirst:
				consider(g(9), b, a, m[1], m[0])
			default:
				consider(g(9), a, b, m[1], m[0])
			}
		}
	}
	for _, m := range reWordDate.FindAllStringSubmatchIndex(s, 3) {
		end := m[1]
		if end > m[0] && end < len(s) {
			end-- // the trailing non-digit the pattern consumed
		}
		if m[2] >= 0 {
			if mo, ok := months.Lookup(s[m[4]:m[5]]); ok {
				consider(atoi(s[m[6]:m[7]]), int(mo), atoi(s[m[2]:m[3]]), end, m[0])
			}
			continue
		}
		if mo, ok := months.Lookup(s[m[8]:m[9]]); ok {
			consider(atoi(s[m[12]:m[13]]), int(mo), atoi(s[m[10]:m[11]]), end, m[0])
		}
	}
	return best, bestLen, bestAt >= 0
}

// visibleDate is the publication date a page shows its readers: the first
// hAtom-style published title, else the first date in the text of a
// date-named element outside boilerplate (comments, sidebars, related
// lists) whose text does not label it as an update. Zero when none.
func (x *extraction) visibleDate() time.Time {
	body := findBody(x.root)
	if body == nil {
		return time.Time{}
	}
	dayFirst := x.dayFirst()
	var titled, written time.Time
	// a bound on the date-named elements read: a page of thousands of
	// "meta" boxes must not cost thousands of text scans
	budget := 300
	var walk func(n *html.Node, depth int) bool
	walk = func(n *html.Node, depth int) bool {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg, atom.Select, atom.Form:
				continue
			}
			class := getAttr(c, "class")
			if titled.IsZero() && rePublishedClass.MatchString(class) {
				if t, ok := parseDate(getAttr(c, "title")); ok && !x.insideNeg(c) {
					titled = t
					return true
				}
			}
			if written.IsZero() && budget > 0 && (reDateHint.MatchString(class) || reDateHint.MatchString(getAttr(c, "id"))) {
				budget--
				if t, ok := x.writtenDate(c, dayFirst); ok {
					written = t
				}
			}
			if depth < 64 && walk(c, depth+1) {
				return true
			}
		}
		return false
	}
	walk(body, 0)
	if !titled.IsZero() {
		return titled
	}
	if written.IsZero() {
		written = x.labelledDate(body, dayFirst)
	}
	if written.IsZero() {
		written = x.dateNearTitle(dayFirst)
	}
	return written
}

// dateNearTitle reads a short line (up to 60 bytes) holding a date among
// the elements right after the display heading, before the body's prose
// starts: "<h1>…</h1><p><em>10.11.2021</em></p>", "Stand: 05. Februar
// 2020".
func (x *extraction) dateNearTitle(dayFirst bool) time.Time {
	if x.titleNode == nil {
		return time.Time{}
	}
	seen := 0
	for n := skipSubtree(x.titleNode); n != nil && seen < 40; n = nextNode(n) {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.DataAtom {
		case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg:
			n = lastDescendant(n)
			continue
		}
		seen++
		t, all := boundedTextAll(n, 200)
		if !all {
			if n.DataAtom == atom.P {
				break // the prose has started
			}
			continue
		}
		if len(t) > 60 || len(t) < 6 || !hasDigits(t, 4) || reUpdatedLabel.MatchString(t) {
			if n.DataAtom == atom.P && len(t) > 150 {
				break
			}
			continue
		}
		if d, ok := textDate(t, dayFirst); ok && d.Year() >= 1995 && !d.After(time.Now().Add(48*time.Hour)) && !x.negHere(n) && !inComments(n) {
			return d
		}
	}
	return time.Time{}
}

// lastDescendant is the last node of n's subtree in document order.
func lastDescendant(n *html.Node) *html.Node {
	for n.LastChild != nil {
		n = n.LastChild
	}
	return n
}

// dayFirst reports whether "03/04/2020" is 3 April: everywhere but in
// American English (the language is read after the dates, so from the
// page's own declarations).
func (x *extraction) dayFirst() bool {
	lang := strings.ToLower(x.info.lang)
	if lang == "" {
		lang = strings.ToLower(x.info.first("content-language", "og:locale"))
	}
	return !(lang == "en" || strings.HasPrefix(lang, "en-us") || strings.HasPrefix(lang, "en_us"))
}

// writtenDate reads the date in a date-named element's own short text.
func (x *extraction) writtenDate(n *html.Node, dayFirst bool) (time.Time, bool) {
	t, all := boundedTextAll(n, 160)
	if loc := reUpdatedLabel.FindStringIndex(t); loc != nil {
		t = t[:loc[0]] // "Written: 2023-11-07 15:03 / Updated: ...": what precedes the label
	}
	if !all || len(t) < 6 || !hasDigits(t, 4) {
		return time.Time{}, false
	}
	d, ok := textDate(t, dayFirst)
	if !ok || d.Year() < 1995 || d.After(time.Now().Add(48*time.Hour)) || x.insideNeg(n) || inComments(n) {
		return time.Time{}, false
	}
	return d, true
}

// reComments matches a class or id token that names reader comments (not
// "comments-open" or "comment-count", which mark a post that has them).
var reComments = regexp.MustCompile(`(?i)(?:^|\s)(?:comments?|commentlist|comment-(?:list|body|content|meta|metadata|text|author|date|wrap)|commentmetadata|kommentare?|replies)(?:\s|$)`)

// inComments reports whether n lies in reader comments, whose dates are
// the readers'.
func inComments(n *html.Node) bool {
	for p := n; p != nil && p.DataAtom != atom.Body; p = p.Parent {
		if p.Type == html.ElementNode && (reComments.MatchString(getAttr(p, "class")) || reComments.MatchString(getAttr(p, "id"))) {
			return true
		}
	}
	return false
}

// dateAtContainer is the last resort once the article's container is
// known (boilerplate pruned): a short line that is mostly a date in the few
// blocks just before the container or among its first elements, before
// its prose starts, where pages put an unlabelled date over the text.
func (x *extraction) dateAtContainer() time.Time {
	dayFirst := x.dayFirst()
	prose := false // past the first paragraph of prose, a line must be mostly its date
	try := func(n *html.Node) (time.Time, bool) {
		t, all := boundedTextAll(n, 100)
		if !all || len(t) < 6 || len(t) > 60 || !hasDigits(t, 4) || reUpdatedLabel.MatchString(t) || inComments(n) {
			return time.Time{}, false
		}
		d, span, ok := textDateSpan(t, dayFirst)
		if !ok || d.Year() < 1995 || d.After(time.Now().Add(48*time.Hour)) || prose && 2*span < len(t) {
			return time.Time{}, false
		}
		return d, true
	}
	prev := x.container.PrevSibling
	for i := 0; prev != nil && i < 5; prev = prev.PrevSibling {
		if prev.Type != html.ElementNode {
			continue
		}
		i++
		if d, ok := try(prev); ok {
			return d
		}
	}
	seen := 0
	for n := x.container.FirstChild; n != nil && seen < 40; n = nextInOrder(n, x.container) {
		if !contains(x.container, n) {
			break
		}
		if n.Type != html.ElementNode {
			continue
		}
		seen++
		if n.DataAtom == atom.P && !prose {
			t, all := boundedTextAll(n, 150)
			prose = !all // "Meeting on 10.11.2021" in the text is no dateline
			if d, ok := datelineDate(t, dayFirst); ok && !reUpdatedLabel.MatchString(t[:min(len(t), 48)]) {
				return d
			}
		}
		if d, ok := try(n); ok {
			return d
		}
	}
	return time.Time{}
}

// reDateLabel matches a label that introduces a publication date in
// running text: "Veröffentlicht am:", "Posted on", "Publié le",
// "Pressemitteilung vom".
var reDateLabel = regexp.MustCompile(`(?i)(?:veröffentlicht|veröffentlichung|erschienen am|publiziert am|posted on|published on|published:|publié le|publicado el|publicado em|pubblicato il|pressemitteilung vom|opublikowano|gepubliceerd op|publicerad)[\s:]*`)

// dateLabelHints are byte strings one of which every match of reDateLabel
// holds, in either case of its first letter: a cheap screen before the
// regexp.
var dateLabelHints = []string{"ffentlich", "rschienen", "ubliz", "osted", "ublished", "ublié", "ublicad", "ubblicat", "itteilung", "publikow", "epubliceerd", "ublicerad"}

// maxLabelNodes bounds the text nodes labelledDate reads.
const maxLabelNodes = 4000

// labelledDate finds a date that a publication label introduces in a short
// line outside boilerplate and comments: "<span>Veröffentlicht am:</span>
// <abbr>6. August 2009</abbr>", "Posted on September 21, 2020 by …". The
// date must follow the label closely (within 30 bytes); a line that also
// labels an update is passed over.
func (x *extraction) labelledDate(body *html.Node, dayFirst bool) time.Time {
	read := 0
	for n := body; n != nil && read < maxLabelNodes; n = nextNode(n) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg, atom.Select:
				n = lastDescendant(n)
			}
			continue
		}
		if n.Type != html.TextNode {
			continue
		}
		read++
		if len(n.Data) > 200 || !hasLabelHint(n.Data) {
			continue
		}
		line := n.Parent
		t, all := boundedTextAll(line, 160)
		long := !all || len(t) > 150
		if long {
			// a long line: a label that opens this text, and its date
			// ("Pressemitteilung vom 25. Januar 2022 | Berlin – …"); a
			// label inside prose ("the book was published on …") is not
			t = normSpace(n.Data)
		}
		if len(t) < 30 && line.Parent != nil {
			// the date may sit in the label's next sibling
			if pt, pall := boundedTextAll(line.Parent, 160); pall && len(pt) <= 150 {
				t = pt
			}
		}
		loc := reDateLabel.FindStringIndex(t)
		if loc == nil || long && loc[0] > 0 || reUpdatedLabel.MatchString(t) {
			continue
		}
		rest := t[loc[1]:]
		rest = rest[:min(len(rest), 30)]
		d, ok := textDate(rest, dayFirst)
		if !ok || d.Year() < 1995 || d.After(time.Now().Add(48*time.Hour)) || inComments(line) || x.insideNeg(line) {
			continue
		}
		return d
	}
	return time.Time{}
}

func hasLabelHint(s string) bool {
	for _, h := range dateLabelHints {
		if strings.Contains(s, h) {
			return true
		}
	}
	return false
}

// datelineDate reads a dateline that opens a paragraph: "01.02.2022 –
// Der Arbeitsmarkt …", "Berlin, 25. Januar 2022 – …". The part before the
// first dash, bar or opening quote (within 48 bytes) must be mostly the
// date.
func datelineDate(t string, dayFirst bool) (time.Time, bool) {
	head := t[:min(len(t), 48)]
	k := -1
	for _, sep := range []string{" - ", "–", "—", "|", "„", "“", "\""} {
		if i := strings.Index(head, sep); i > 0 && (k < 0 || i < k) {
			k = i
		}
	}
	if k < 0 {
		return time.Time{}, false
	}
	seg := strings.TrimSpace(head[:k])
	d, span, ok := textDateSpan(seg, dayFirst)
	if !ok || 2*span < len(seg) || d.Year() < 1995 || d.After(time.Now().Add(48*time.Hour)) {
		return time.Time{}, false
	}
	return d, true
}
