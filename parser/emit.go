package parser

import (
	"html"
	"net/url"
	"regexp"
	"strings"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

type blockKind uint8

const (
	bPara blockKind = iota
	bHeading
	bList
	bQuote
	bFigure
	bPre
	bTable
)

// block is one unit of the article body.
type block struct {
	kind    blockKind
	level   int      // heading level 2..4; list: 1 ordered
	h1      bool     // a heading that was an h1
	text    string   // plain text
	html    string   // inline HTML (para, heading, quote, figure)
	items   []string // list items and table rows: plain text
	itemsH  []string // list items: inline HTML
	textLen int
	linkLen int
	src     *xhtml.Node // the element whose text the block holds
}

// emitter walks the chosen container and turns it into blocks.
type emitter struct {
	sc       *scorer
	base     *url.URL
	root     *xhtml.Node
	rootGood float64
	skip     map[*xhtml.Node]bool // nodes dropped by a site rule or used as metadata
	blocks   []block
	buf      []string
	rule     bool // a site rule chose the container: trust it more
	// cards holds the ingredient lists and their ancestors up to
	// cardLevels, built when first needed.
	cards map[*xhtml.Node]bool
}

// inl accumulates inline text and HTML.
type inl struct {
	t          strings.Builder
	h          strings.Builder
	text, link int
}

func (e *emitter) skipNode(n *xhtml.Node) bool {
	if e.skip[n] {
		return true
	}
	if n == e.root {
		return false
	}
	switch n.DataAtom {
	case atom.Nav, atom.Aside, atom.Footer, atom.Form, atom.Menu, atom.Img, atom.Picture, atom.Hr:
		return true
	}
	st := e.sc.stat(n)
	if st.hasBlock && !e.rule && (relatedBox(n, st, e.sc.stat(e.root)) || authorBox(n, st, e.sc.stat(e.root))) {
		return true
	}
	switch st.h {
	case hintComments:
		return !e.sc.discussion
	case hintStrongNeg:
		return st.neg || st.good < 0.5*e.rootGood
	case hintWeakNeg:
		if e.sc.weakText {
			// The page's text is all in weakly named elements.
			return false
		}
		// A heading scores nothing by itself: a weak name ("widget-title",
		// "time") does not make a subhead boilerplate; its box would be.
		// Nor does a box's name ("info", "note") make the unlinked prose
		// in it boilerplate (a fact box, a note on the story), unless the
		// name says the text is a caption, a byline or the like.
		return !isHeading(n.DataAtom) && st.good < 0.3*e.rootGood && st.paras < 2 && !(st.prose() && !namesLine(n)) && !panelToggle(n, st) && !e.holdsIngredients(n)
	}
	return false
}

// relatedBox reports a box that a heading over pointers to other stories
// opens ("Related", "Read next", "Weitere Artikel") and that lists them:
// its first child element is such a heading, a quarter of its text or
// more is links, and below the heading it holds the headlines of the
// stories. It holds less than half the body's text. Only the box goes:
// the article may go on below it. A note under such a heading that
// points to further reading ("Mehr zum Thema: details in the help
// centre", and a list of links) has no headlines and stays; its links
// alone are judged as links.
func relatedBox(n *xhtml.Node, st, root *nstat) bool {
	if 2*st.text >= root.text || 4*st.link < st.text {
		return false
	}
	c := n.FirstChild
	for c != nil && (c.Type != xhtml.ElementNode && (c.Type != xhtml.TextNode || strings.TrimSpace(c.Data) == "")) {
		c = c.NextSibling
	}
	if c == nil || c.Type != xhtml.ElementNode || !isHeading(c.DataAtom) {
		return false
	}
	t := nodeText(c)
	if len(t) >= 80 || !reRelatedHeading.MatchString(strings.TrimSpace(t)) {
		return false
	}
	for s := c.NextSibling; s != nil; s = s.NextSibling {
		if s.Type == xhtml.ElementNode && (isHeading(s.DataAtom) || hasHeading(s)) {
			return true
		}
	}
	return false
}

// authorBox reports a box about the author that a label opens ("Autor",
// "Über den Autor", "About the author"): its first child element is the
// label alone, and the box holds a short bio, less than a third of the
// body's text.
func authorBox(n *xhtml.Node, st, root *nstat) bool {
	if st.text > maxAuthorBox || 3*st.text >= root.text {
		return false
	}
	c := n.FirstChild
	for c != nil && (c.Type != xhtml.ElementNode && (c.Type != xhtml.TextNode || strings.TrimSpace(c.Data) == "")) {
		c = c.NextSibling
	}
	if c == nil || c.Type != xhtml.ElementNode || c.NextSibling == nil {
		return false
	}
	t := nodeText(c)
	return len(t) < 40 && reAuthorLabel.MatchString(strings.TrimSpace(t))
}

// maxAuthorBox is the most text (non-space bytes) a box about the author
// holds.
const maxAuthorBox = 1000

// reAuthorLabel matches the label over a box about the author.
var reAuthorLabel = regexp.MustCompile(`(?i)^(?:(?:über (?:den|die) |zum |zur |der |die |the |about the |sobre el |sobre la |à propos de l'|l'|el |la |o |a |l')?(?:autor|autorin|autor:innen|autorinnen|author|authors|auteur|auteure|autore|autrice)|zur person)\s*:?$`)

// reRelatedHeading matches the label over a list of other stories, alone
// or with a gloss after a dash ("Related — 有關").
var reRelatedHeading = regexp.MustCompile(`(?i)^(?:related(?: (?:articles|posts|stories|content|news|reading|links))?|read (?:next|more|also|further)|more (?:stories|articles|news|from|on this|to read)|you (?:might|may) also (?:like|enjoy)|recommended(?: for you| articles| stories)?|also read|see also|more like this|weitere (?:artikel|beiträge|themen|nachrichten|meldungen)|ähnliche (?:artikel|beiträge|themen)|verwandte (?:artikel|beiträge|themen)|mehr zum thema|lesen sie auch|auch interessant|das könnte (?:sie|dich) auch interessieren|artículos relacionados|noticias relacionadas|te puede interesar|también te puede interesar|articles similaires|à lire aussi|lire aussi|leia também|articoli correlati|leggi anche|neueste (?:artikel|beiträge|nachrichten)|(?:latest|recent|popular) (?:posts|news|articles|stories)|most (?:read|popular|viewed)|meistgelesen|top stories|trending|últimas noticias|lo más leído|les plus lus|derniers articles)\s*[:.!]?\s*(?:[—–|-].*)?$`)

// holdsIngredients reports a box that holds a recipe's ingredients, up
// to cardLevels above them: the recipe card, whatever its name says
// ("header-content-align-left").
func (e *emitter) holdsIngredients(n *xhtml.Node) bool {
	if len(e.sc.ingredients) == 0 {
		return false
	}
	if e.cards == nil {
		e.cards = map[*xhtml.Node]bool{}
		for _, i := range e.sc.ingredients {
			a := i
			for level := 0; level < cardLevels && a != nil && !e.cards[a]; level++ {
				e.cards[a] = true
				a = a.Parent
			}
		}
	}
	return e.cards[n]
}

// cardLevels is how far above a recipe's ingredients its card may lie.
const cardLevels = 6

// panelToggle reports the title of a collapsible panel (an FAQ's
// question, an accordion's section): a short unlinked line that is, or
// holds within two levels, the control that opens the panel (aria-expanded,
// aria-controls, data-toggle="collapse"). Named "card-header" or
// "panel-heading", it is a heading for the text under it.
func panelToggle(n *xhtml.Node, st *nstat) bool {
	if st.link > 0 || st.text == 0 || st.text > 200 {
		return false
	}
	var find func(*xhtml.Node, int) bool
	find = func(m *xhtml.Node, depth int) bool {
		for _, a := range m.Attr {
			switch a.Key {
			case "aria-expanded", "aria-controls":
				return true
			case "data-toggle", "data-bs-toggle":
				if a.Val == "collapse" {
					return true
				}
			}
		}
		if depth == 2 {
			return false
		}
		for c := m.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == xhtml.ElementNode && find(c, depth+1) {
				return true
			}
		}
		return false
	}
	return find(n, 0)
}

func (e *emitter) walk(n *xhtml.Node) {
	if n.Type != xhtml.ElementNode || e.skipNode(n) {
		return
	}
	switch n.DataAtom {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		var in inl
		e.inlineChildren(n, &in, false)
		lv := int(n.Data[1] - '0')
		lv = max(2, min(lv, 4))
		e.add(block{kind: bHeading, level: lv, h1: n.DataAtom == atom.H1, src: n}, &in)
		return
	case atom.P:
		e.container(n, bPara)
		return
	case atom.A:
		// A link wrapping blocks (a teaser card) is one link paragraph.
		var in inl
		e.inline(n, &in, false)
		e.add(block{kind: bPara, src: n}, &in)
		return
	case atom.Ul, atom.Ol:
		e.list(n)
		return
	case atom.Blockquote:
		start := len(e.blocks)
		e.container(n, bPara)
		for i := start; i < len(e.blocks); i++ {
			if e.blocks[i].kind == bPara {
				e.blocks[i].kind = bQuote
			}
		}
		return
	case atom.Figure:
		e.figure(n)
		return
	case atom.Pre:
		t := strings.TrimSpace(rawText(n))
		if t != "" {
			e.blocks = append(e.blocks, block{kind: bPre, text: t, textLen: len(t)})
		}
		return
	case atom.Table:
		if e.dataTable(n) {
			e.table(n)
			return
		}
	}
	e.container(n, bPara)
}

// container emits the inline runs of n as paragraphs and walks its block
// children.
func (e *emitter) container(n *xhtml.Node, kind blockKind) {
	var in inl
	brs := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case xhtml.TextNode:
			if strings.TrimSpace(c.Data) == "" {
				in.t.WriteString(" ")
				continue
			}
			brs = 0
			e.inline(c, &in, false)
		case xhtml.ElementNode:
			if c.DataAtom == atom.Br {
				brs++
				if brs >= 2 {
					e.add(block{kind: kind, src: n}, &in)
					in = inl{}
				} else {
					in.t.WriteString("\n")
					in.h.WriteString(" ")
				}
				continue
			}
			brs = 0
			if !isBlockAtom(c.DataAtom) && !e.sc.stat(c).hasBlock {
				if e.skip[c] {
					continue
				}
				if st := e.sc.stat(c); st.h == hintStrongNeg && c.DataAtom != atom.A && st.text < 200 && !e.rule {
					continue
				}
				e.inline(c, &in, false)
				continue
			}
			e.add(block{kind: kind, src: n}, &in)
			in = inl{}
			e.walk(c)
		}
	}
	e.add(block{kind: kind, src: n}, &in)
}

func (e *emitter) inlineChildren(n *xhtml.Node, in *inl, inLink bool) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		e.inline(c, in, inLink)
	}
}

func (e *emitter) inline(n *xhtml.Node, in *inl, inLink bool) {
	switch n.Type {
	case xhtml.TextNode:
		in.t.WriteString(n.Data)
		in.h.WriteString(html.EscapeString(n.Data))
		l := countNonSpace(n.Data)
		in.text += l
		if inLink {
			in.link += l
		}
		return
	case xhtml.ElementNode:
	default:
		return
	}
	if e.skip[n] || e.inlineCredit(n) {
		return
	}
	switch n.DataAtom {
	case atom.Br:
		in.t.WriteString("\n")
		in.h.WriteString(" ")
		return
	case atom.Img, atom.Picture, atom.Figure:
		return
	case atom.A:
		href := e.resolve(getAttr(n, "href"))
		if href == "" || inLink {
			e.inlineChildren(n, in, true)
			return
		}
		in.h.WriteString(`<a href="`)
		in.h.WriteString(html.EscapeString(href))
		in.h.WriteString(`">`)
		e.inlineChildren(n, in, true)
		in.h.WriteString("</a>")
		return
	case atom.Em, atom.I, atom.Cite, atom.Dfn:
		in.h.WriteString("<em>")
		e.inlineChildren(n, in, inLink)
		in.h.WriteString("</em>")
		return
	case atom.Strong, atom.B:
		in.h.WriteString("<strong>")
		e.inlineChildren(n, in, inLink)
		in.h.WriteString("</strong>")
		return
	}
	if isBlockAtom(n.DataAtom) {
		in.t.WriteString(" ")
		in.h.WriteString(" ")
		e.inlineChildren(n, in, inLink)
		in.t.WriteString(" ")
		in.h.WriteString(" ")
		return
	}
	e.inlineChildren(n, in, inLink)
}

// inlineCredit reports an inline element named for a credit ("credit",
// "credits", "photo-credit") with a short text, in a caption or a
// paragraph: the agency or photographer of a picture ("DCV / Oppitz"),
// not part of the sentence. A site rule's body keeps it.
func (e *emitter) inlineCredit(n *xhtml.Node) bool {
	if e.rule || n.DataAtom == atom.A {
		return false
	}
	st := e.sc.stat(n)
	if st.h != hintWeakNeg || st.text == 0 || st.text > maxInlineCredit || st.hasBlock {
		return false
	}
	e.buf = classTokens(n, e.buf)
	for _, t := range e.buf {
		switch t {
		case "credit", "credits", "photocredit", "imagecredit":
			return true
		}
	}
	return false
}

// maxInlineCredit is the most text (non-space bytes) an inline credit
// holds.
const maxInlineCredit = 80

func (e *emitter) resolve(href string) string {
	href = strings.TrimSpace(href)
	if href == "" || strings.HasPrefix(href, "#") {
		return ""
	}
	u, err := url.Parse(href)
	if err != nil {
		return ""
	}
	if e.base != nil {
		u = e.base.ResolveReference(u)
	}
	if u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "mailto" {
		return ""
	}
	if u.Scheme != "mailto" && u.Host == "" {
		return ""
	}
	return u.String()
}

// add turns the accumulated inline content into a block.
func (e *emitter) add(b block, in *inl) {
	if in.text == 0 {
		return
	}
	b.text = normLines(in.t.String())
	if b.text == "" {
		return
	}
	b.html = strings.TrimSpace(collapseSpace(in.h.String()))
	b.textLen, b.linkLen = in.text, in.link
	e.blocks = append(e.blocks, b)
}

// normLines normalises the white space of each line and drops empty lines.
func normLines(s string) string {
	if !strings.Contains(s, "\n") {
		return normSpace(s)
	}
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		if l = normSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func collapseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	sp := false
	for _, r := range s {
		if isSpaceRune(r) {
			sp = true
			continue
		}
		if sp && b.Len() > 0 {
			b.WriteByte(' ')
		}
		sp = false
		b.WriteRune(r)
	}
	return b.String()
}

func (e *emitter) list(n *xhtml.Node) {
	st := e.sc.stat(n)
	if st.text > 0 && float64(st.link)/float64(st.text) > 0.5 && !e.rule {
		return
	}
	b := block{kind: bList}
	if n.DataAtom == atom.Ol {
		b.level = 1
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != xhtml.ElementNode || c.DataAtom != atom.Li || e.skipNode(c) {
			continue
		}
		var in inl
		e.inlineChildren(c, &in, false)
		t := normSpace(in.t.String())
		if t == "" {
			continue
		}
		b.items = append(b.items, t)
		b.itemsH = append(b.itemsH, strings.TrimSpace(collapseSpace(in.h.String())))
		b.textLen += in.text
		b.linkLen += in.link
	}
	if len(b.items) == 0 {
		return
	}
	b.text = "- " + strings.Join(b.items, "\n- ")
	e.blocks = append(e.blocks, b)
}

func (e *emitter) figure(n *xhtml.Node) {
	var cap *xhtml.Node
	var find func(*xhtml.Node)
	find = func(x *xhtml.Node) {
		for c := x.FirstChild; c != nil && cap == nil; c = c.NextSibling {
			if c.Type == xhtml.ElementNode {
				if c.DataAtom == atom.Figcaption {
					cap = c
					return
				}
				find(c)
			}
		}
	}
	find(n)
	if cap == nil && e.sc.stat(n).paras > 0 && !e.skip[n] {
		// A figure without a caption may still wrap text (some sites use
		// figure for embedded quotes).
		e.container(n, bPara)
		return
	}
	// A figure that wraps a table, a quotation or a code listing (block
	// editors put each in one) holds text: that is walked as text, the
	// caption stays a caption.
	if !e.skip[n] {
		e.figureText(n)
	}
	if cap == nil || e.skip[cap] || e.skip[n] {
		return
	}
	if e.sc.stat(cap).text > maxCaptionText {
		// A figcaption of a hundred words or more holds the story's
		// paragraphs, not a caption.
		e.container(cap, bPara)
		return
	}
	var in inl
	e.inlineChildren(cap, &in, false)
	e.add(block{kind: bFigure, src: n}, &in)
}

// maxCaptionText is the most text a caption holds: longer, it is the
// story's paragraphs set in a figcaption.
const maxCaptionText = 500

// figureText walks the tables, quotations and listings in figure n,
// outside its caption.
func (e *emitter) figureText(n *xhtml.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != xhtml.ElementNode {
			continue
		}
		switch c.DataAtom {
		case atom.Table, atom.Blockquote, atom.Pre:
			e.walk(c)
		case atom.Figcaption:
		default:
			e.figureText(c)
		}
	}
}

// dataTable tells a table of data from a table used for layout.
func (e *emitter) dataTable(n *xhtml.Node) bool {
	layout := false
	var walk func(*xhtml.Node)
	walk = func(x *xhtml.Node) {
		for c := x.FirstChild; c != nil && !layout; c = c.NextSibling {
			if c.Type != xhtml.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.Table, atom.P, atom.Div, atom.Ul, atom.Ol, atom.H1, atom.H2, atom.H3, atom.Blockquote:
				layout = true
				return
			case atom.Td, atom.Th:
				if e.sc.stat(c).text > 400 {
					layout = true
					return
				}
				if c.DataAtom == atom.Th && e.sc.stat(c).text <= maxHeaderCell {
					// A heading in a header cell titles the table or a
					// group of its rows ("For the base:").
					continue
				}
			}
			walk(c)
		}
	}
	walk(n)
	return !layout
}

// maxHeaderCell is the most text a header cell may hold and still title
// a data table's rows with a heading.
const maxHeaderCell = 100

func (e *emitter) table(n *xhtml.Node) {
	b := block{kind: bTable}
	var rows func(*xhtml.Node)
	rows = func(x *xhtml.Node) {
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != xhtml.ElementNode {
				continue
			}
			if c.DataAtom == atom.Tr {
				var cells []string
				for td := c.FirstChild; td != nil; td = td.NextSibling {
					if td.Type == xhtml.ElementNode && (td.DataAtom == atom.Td || td.DataAtom == atom.Th) {
						if t := nodeText(td); t != "" {
							cells = append(cells, t)
						}
					}
				}
				if len(cells) > 0 {
					b.items = append(b.items, strings.Join(cells, " | "))
				}
				continue
			}
			rows(c)
		}
	}
	rows(n)
	st := e.sc.stat(n)
	if len(b.items) == 0 || (st.text > 0 && float64(st.link)/float64(st.text) > 0.5) {
		return
	}
	b.text = strings.Join(b.items, "\n")
	b.textLen, b.linkLen = st.text, st.link
	e.blocks = append(e.blocks, b)
}

func rawText(n *xhtml.Node) string {
	var b strings.Builder
	var walk func(*xhtml.Node)
	walk = func(x *xhtml.Node) {
		if x.Type == xhtml.TextNode {
			b.WriteString(x.Data)
		}
		if x.Type == xhtml.ElementNode && x.DataAtom == atom.Br {
			b.WriteByte('\n')
		}
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

// markImageBoxes marks the elements that hold an image and only a short
// text beside it: a caption or credit without <figure> markup, or a teaser
// card. They stay out of the body. A box whose text is a real paragraph
// (a <p> of a sentence or more, not a link) is dropped only while such
// boxes hold a small share of the body: many of them are the body itself
// (a slide show, recipe steps).
func (e *emitter) markImageBoxes(root *xhtml.Node) {
	// box remembers, for each element passed on the way up from an image,
	// the box above it (nil for none), so that each element is climbed
	// through once however many images lie below it.
	box := map[*xhtml.Node]*xhtml.Node{}
	seen := map[*xhtml.Node]bool{}
	var paraBoxes []*xhtml.Node
	rootText := e.sc.stat(root).text
	var walk func(n *xhtml.Node)
	walk = func(n *xhtml.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != xhtml.ElementNode {
				continue
			}
			if c.DataAtom != atom.Img && c.DataAtom != atom.Picture {
				walk(c)
				continue
			}
			if tinyImage(c) {
				continue
			}
			b := e.imageBox(c, box, rootText)
			if b == nil || seen[b] {
				continue
			}
			seen[b] = true
			st := e.sc.stat(b)
			if st.link == 0 && b.DataAtom != atom.Figure && holdsList(b) {
				// Points set beside a picture (an icon and what it
				// stands for): a caption holds no list, a teaser links.
				continue
			}
			if 5*st.link < st.text && hasLongPara(b, e.sc) {
				if e.titledSection(b) {
					continue
				}
				paraBoxes = append(paraBoxes, b)
			} else {
				e.skip[b] = true
			}
		}
	}
	walk(root)
	total := 0
	for _, b := range paraBoxes {
		total += e.sc.stat(b).text
	}
	if 4*total < rootText {
		for _, b := range paraBoxes {
			e.skip[b] = true
		}
	}
}

// titledSection reports an image box that is a section of text with a
// picture: a heading over unlinked prose, in a box whose name says
// nothing of boilerplate or of pictures. A caption has no heading, a
// teaser links its heading to the story, and bios and promotions are
// named for what they are.
func (e *emitter) titledSection(b *xhtml.Node) bool {
	st := e.sc.stat(b)
	if st.link > 0 || st.h != hintNone && st.h != hintPositive || st.inNeg || b.DataAtom == atom.Figure || firstDescendant(b, atom.Figcaption) != nil {
		return false
	}
	for _, t := range classTokens(b, nil) {
		if mediaTokens[t] {
			return false
		}
	}
	return hasHeading(b)
}

// mediaTokens name a box for the picture it holds.
var mediaTokens = map[string]bool{
	"media": true, "image": true, "img": true, "images": true, "photo": true, "picture": true, "pic": true,
	"figure": true, "fig": true, "gallery": true, "bild": true, "foto": true, "video": true, "thumbnail": true,
	"thumb": true, "textpic": true, "imgbox": true,
}

// hasHeading reports whether n's subtree holds a heading element.
func hasHeading(n *xhtml.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != xhtml.ElementNode {
			continue
		}
		if isHeading(c.DataAtom) || hasHeading(c) {
			return true
		}
	}
	return false
}

// maxBoxText is the most text (non-space bytes) an image box may hold.
const maxBoxText = 400

// imageBox returns the nearest ancestor of img that holds text, if that is
// a short block that is not most of the body. Paragraphs, list items,
// cells and table rows are never boxes: an image in one of them sits in
// text (a row with a picture in one cell is a row of data).
func (e *emitter) imageBox(img *xhtml.Node, memo map[*xhtml.Node]*xhtml.Node, rootText int) *xhtml.Node {
	var path []*xhtml.Node
	var res *xhtml.Node
	for a := img.Parent; a != nil && a != e.root; a = a.Parent {
		if r, ok := memo[a]; ok {
			res = r
			break
		}
		st := e.sc.stat(a)
		if st.text == 0 {
			path = append(path, a)
			continue
		}
		switch {
		case a.DataAtom == atom.P, a.DataAtom == atom.Li, a.DataAtom == atom.Dd, a.DataAtom == atom.Dt,
			a.DataAtom == atom.Td, a.DataAtom == atom.Th, a.DataAtom == atom.Tr, a.DataAtom == atom.Blockquote,
			isHeading(a.DataAtom), a.DataAtom == atom.Body:
		case !isBlockAtom(a.DataAtom) && !st.hasBlock:
			// An image inside a run of text.
		case st.text > maxBoxText || 3*st.text >= rootText:
			// Most of the body, with an illustration.
		default:
			res = a
		}
		path = append(path, a)
		break
	}
	for _, p := range path {
		memo[p] = res
	}
	return res
}

// tinyImage reports an icon or emoji: an image declared at most 32 pixels
// wide or high, or named for an emoji, an icon or a smiley ("smilie",
// "wp-smiley": forums' emoji).
func tinyImage(img *xhtml.Node) bool {
	for _, k := range []string{"width", "height"} {
		if v := getAttr(img, k); v != "" {
			n := 0
			for _, c := range v {
				if c < '0' || c > '9' {
					break
				}
				n = n*10 + int(c-'0')
			}
			if n > 0 && n <= 32 {
				return true
			}
		}
	}
	c := strings.ToLower(getAttr(img, "class"))
	return strings.Contains(c, "emoji") || strings.Contains(c, "icon") || strings.Contains(c, "smil")
}

// hasLongPara reports whether n's subtree holds a <p> with a sentence's
// worth of text (80 non-space bytes).
func hasLongPara(n *xhtml.Node, sc *scorer) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != xhtml.ElementNode {
			continue
		}
		if c.DataAtom == atom.P && sc.stat(c).text >= 80 || hasLongPara(c, sc) {
			return true
		}
	}
	return false
}

// holdsList reports whether n's subtree holds a list with two items or
// more.
func holdsList(n *xhtml.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != xhtml.ElementNode {
			continue
		}
		if c.DataAtom == atom.Ul || c.DataAtom == atom.Ol {
			items := 0
			for li := c.FirstChild; li != nil; li = li.NextSibling {
				if li.Type == xhtml.ElementNode && li.DataAtom == atom.Li {
					items++
				}
			}
			if items >= 2 {
				return true
			}
		}
		if holdsList(c) {
			return true
		}
	}
	return false
}
