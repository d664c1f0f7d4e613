package parser

import (
	"sort"
	"strings"
	"sync"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// nstat holds what the scorer learnt about one element.
type nstat struct {
	text     int     // non-space bytes of text in the subtree
	link     int     // of which inside links
	good     float64 // sum of paragraph weights in the subtree, hints ignored
	adj      float64 // the same with class/id/tag hints applied
	own      float64 // the weight of the element's own runs of text
	paras    int     // good paragraphs in the subtree
	hasBlock bool    // the subtree holds a block element
	neg      bool    // the element is boilerplate, by its hints
	hasTitle bool    // the subtree holds the headline
	inNeg    bool    // an ancestor is boilerplate
	// an ancestor is boilerplate other than by a weak hint
	inStrongNeg bool
	h           hint
}

// scorer finds the element that holds the article body: the one whose
// subtree maximises good paragraph text minus boilerplate text.
type scorer struct {
	stats map[*html.Node]*nstat
	pool  []nstat
	buf   []string
	cbuf  []string
	ibuf  []string
	cands []*html.Node
	title *html.Node // the headline element, if known
	best  *html.Node
	score float64
	// discussion is set when every candidate lies in reader comments: the
	// page is a forum thread or a guestbook, and the posts are its text.
	discussion bool
	// weakText is set when no candidate is left at all: every paragraph
	// of the page sits in an element with a weak name (a slide show whose
	// slides' text is named "caption description"), and those are its
	// text.
	weakText bool
	// commentGood is the most good text one element named for comments
	// holds.
	commentGood float64
	// room is the number of elements stats was made for.
	room int
	// ingredients are the elements named for a recipe's ingredients, in
	// document order.
	ingredients []*html.Node
}

// scorers holds released scorers: their table and nstats are most of what
// the extractor allocates beyond the parse, and a page's are dead once it
// is extracted.
var scorers sync.Pool

// maxPooledElements is the most elements a scorer that goes back to
// scorers may have room for: one huge page should not pin its tables.
const maxPooledElements = 1 << 15

// newScorer returns a scorer for the elements under body (body included),
// with room for at least those: visit records one nstat per element.
func newScorer(body *html.Node) *scorer {
	n := countElements(body)
	if s, _ := scorers.Get().(*scorer); s != nil && s.room >= n {
		if cap(s.pool) < n {
			s.pool = make([]nstat, 0, n)
		}
		return s
	}
	return &scorer{stats: make(map[*html.Node]*nstat, n), pool: make([]nstat, 0, n), room: n}
}

// release hands s back for another page. Nothing may use s afterwards.
func (s *scorer) release() {
	if s.room > maxPooledElements {
		return
	}
	clear(s.stats)
	clear(s.buf[:cap(s.buf)])
	clear(s.cbuf[:cap(s.cbuf)])
	clear(s.ibuf[:cap(s.ibuf)])
	clear(s.ingredients[:cap(s.ingredients)])
	*s = scorer{stats: s.stats, pool: s.pool[:0], buf: s.buf[:0], cbuf: s.cbuf[:0], ibuf: s.ibuf[:0], room: s.room, ingredients: s.ingredients[:0]}
	scorers.Put(s)
}

// countElements counts the element nodes in n's subtree, n included.
func countElements(n *html.Node) int {
	c := 0
	if n.Type == html.ElementNode {
		c++
	}
	for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
		if ch.FirstChild != nil || ch.Type == html.ElementNode {
			c += countElements(ch)
		}
	}
	return c
}

func (s *scorer) alloc() *nstat {
	if len(s.pool) == cap(s.pool) {
		s.pool = make([]nstat, 0, 256)
	}
	s.pool = s.pool[:len(s.pool)+1]
	st := &s.pool[len(s.pool)-1]
	*st = nstat{} // a released scorer's pool holds the last page's
	return st
}

func (s *scorer) stat(n *html.Node) *nstat {
	if st := s.stats[n]; st != nil {
		return st
	}
	return &nstat{}
}

// unitWeight scores one paragraph-like run of inline text.
func unitWeight(text, link int) (float64, bool) {
	if text == 0 {
		return 0, false
	}
	t := float64(text)
	ld := float64(link) / t
	switch {
	case ld > 0.5:
		return -0.5 * t, false
	case text >= 80:
		return t * (1 - ld), true
	case text >= 30:
		return 0.3 * t * (1 - ld), false
	default:
		return -0.2 * t, false
	}
}

// countNonSpace counts the bytes of s other than HTML's ASCII whitespace.
// It runs over every text node twice (prune, then visit); a table lookup
// with no branch is more than twice as fast as a switch.
func countNonSpace(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n += int(nonSpace[s[i]])
	}
	return n
}

// nonSpace is 1 for the bytes countNonSpace counts.
var nonSpace = func() (t [256]uint8) {
	for c := range t {
		switch c {
		case ' ', '\n', '\t', '\r', '\f':
		default:
			t[c] = 1
		}
	}
	return t
}()

func (s *scorer) visit(n *html.Node, inLink bool) *nstat {
	st := s.alloc()
	s.stats[n] = st
	st.h, s.buf, s.cbuf = classifyCamel(n, s.buf, s.cbuf)
	if st.h == hintPositive {
		var ok bool
		if ok, s.ibuf = namesIngredients(n, s.ibuf); ok {
			s.ingredients = append(s.ingredients, n)
		}
	}
	isLink := inLink || n.DataAtom == atom.A
	neutral := isHeading(n.DataAtom) || n.DataAtom == atom.Figcaption || n.DataAtom == atom.Caption
	runText, runLink := 0, 0
	var own float64
	flush := func() {
		if runText > 0 && !neutral {
			w, good := unitWeight(runText, runLink)
			own += w
			if good {
				st.paras++
			}
		}
		runText, runLink = 0, 0
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			l := countNonSpace(c.Data)
			st.text += l
			runText += l
			if isLink {
				st.link += l
				runLink += l
			}
		case html.ElementNode:
			cs := s.visit(c, isLink)
			st.text += cs.text
			st.link += cs.link
			if c.DataAtom == atom.Br {
				continue
			}
			if !isBlockAtom(c.DataAtom) && !cs.hasBlock {
				runText += cs.text
				runLink += cs.link
				continue
			}
			flush()
			st.hasBlock = true
			st.good += cs.good
			st.paras += cs.paras
		}
	}
	flush()
	st.good += own
	st.own = own // the children's share is added by adjust
	if n == s.title {
		st.hasTitle = true
	}
	return st
}

// prose reports an element that is all plain paragraph text: no links,
// and most of its text in paragraphs of a sentence or more.
func (st *nstat) prose() bool {
	return st.paras > 0 && st.link == 0 && st.text >= 150 && st.good >= 0.8*float64(st.text)
}

// adjust applies the hints once the page's total is known: an element
// named for boilerplate is boilerplate unless it holds the headline or most
// of the page's good text (layout wrappers such as "has-sidebar").
func (s *scorer) adjust(n *html.Node, total float64) float64 {
	st := s.stats[n]
	if st == nil {
		return 0
	}
	sum := st.own
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		cs := s.stats[c]
		ca := s.adjust(c, total)
		if cs != nil && cs.hasTitle {
			st.hasTitle = true
		}
		if cs != nil && (isBlockAtom(c.DataAtom) || cs.hasBlock) {
			sum += ca
		}
	}
	// An element with most of the page's good text is the article, whatever
	// its name says: several paragraphs of it, or one long run (text split by
	// <br> rather than <p>).
	major := st.good >= 0.5*total && (st.paras >= 3 || st.good >= 800)
	// Folded text: its own runs hold all its good text (an empty block
	// beside them, a toggle's placeholder, does not count).
	if st.h == hintStrongNeg && (!st.hasBlock || st.good == st.own) && st.prose() && foldedText(n) {
		st.h = hintNone
	}
	switch st.h {
	case hintComments:
		st.neg = !st.hasTitle && !s.discussion
		if st.neg {
			s.commentGood = max(s.commentGood, st.good)
		}
	case hintStrongNeg:
		st.neg = !st.hasTitle && !major
	case hintWeakNeg:
		st.neg = !st.hasTitle && !major && (st.paras < 3 || st.good < 300) && !s.weakText
	}
	// A box with a weak name ("info", "note") that holds unlinked prose
	// (a fact box, a note on the story, a lead set apart) is neither
	// boilerplate that counts against the article around it nor a
	// candidate for the body on its own: it counts for nothing.
	if st.neg && st.h == hintWeakNeg && st.prose() && !namesLine(n) {
		st.neg, sum = false, 0
	}
	if st.neg {
		sum = -0.5 * float64(st.text)
	}
	st.adj = sum
	if (isBlockAtom(n.DataAtom) || st.hasBlock) && sum > 0 {
		s.cands = append(s.cands, n)
	}
	return sum
}

// foldedText reports an element named for a "read more" toggle
// ("js-readmore", "read-more"): when it holds unlinked prose, it is text
// the page shows folded until the reader opens it, not a link to more.
func foldedText(n *html.Node) bool {
	ts := classTokens(n, nil)
	for i, t := range ts {
		if t == "readmore" || t == "more" && i > 0 && ts[i-1] == "read" {
			return true
		}
	}
	return false
}

// pick chooses the best candidate that does not lie inside boilerplate.
// When none is left outside reader comments, or what is left is a scrap
// beside them (mostlyComments), the page is a discussion (a forum thread,
// a guestbook, a live ticker) and the posts are scored as text.
func (s *scorer) pick(body *html.Node) {
	s.pickFrom(body)
	if s.best == nil && !s.discussion || s.mostlyComments() {
		s.discussion = true
		s.cands = s.cands[:0]
		s.pickFrom(body)
	}
	if s.best == nil {
		s.weakText = true
		s.cands = s.cands[:0]
		s.pickFrom(body)
	}
}

// mostlyComments reports a page whose best candidate outside reader
// comments is a scrap beside them: the comments' good text is
// minDiscussion times its score (a live ticker whose entries are named
// comments, a thread under a one-line question).
func (s *scorer) mostlyComments() bool {
	return !s.discussion && s.best != nil && s.commentGood >= minDiscussion*s.score
}

// minDiscussion is how many times the score of the best candidate outside
// comments their good text must be for the comments to be the page's text.
const minDiscussion = 50

// pickFrom scores the tree under body and takes the best candidate.
func (s *scorer) pickFrom(body *html.Node) {
	s.adjust(body, s.stat(body).good)
	s.markInside(body, false, false)
	sort.Slice(s.cands, func(i, j int) bool { return s.stats[s.cands[i]].adj > s.stats[s.cands[j]].adj })
	for _, c := range s.cands {
		if !s.stats[c].inNeg {
			s.best, s.score = c, s.stats[c].adj
			return
		}
	}
	// Every candidate lies in something named for boilerplate: take the
	// best one that is inside weak boilerplate only (a "date-posts" or
	// "widget-container" wrapper), never one in comments, forms or menus.
	for _, c := range s.cands {
		if !s.stats[c].inStrongNeg {
			s.best, s.score = c, s.stats[c].adj
			return
		}
	}
}

// markInside records, top down, which elements lie inside boilerplate
// (neg) and inside boilerplate other than weak (strong).
func (s *scorer) markInside(n *html.Node, neg, strong bool) {
	st := s.stats[n]
	if st == nil {
		return
	}
	st.inNeg, st.inStrongNeg = neg, strong
	if st.neg {
		neg = true
		strong = strong || st.h != hintWeakNeg
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			s.markInside(c, neg, strong)
		}
	}
}

// oneArticle narrows a container that holds several <article> elements
// with text of their own (an infinite-scroll page that appended the next
// story) to the one that holds the headline: its best candidate.
func (x *extraction) oneArticle(c *html.Node) *html.Node {
	if c == nil || x.titleNode == nil || !contains(c, x.titleNode) {
		return c
	}
	var arts []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			if ch.Type != html.ElementNode {
				continue
			}
			if ch.DataAtom == atom.Article {
				if x.sc.stat(ch).paras >= 2 {
					arts = append(arts, ch)
				}
				continue
			}
			walk(ch)
		}
	}
	walk(c)
	if len(arts) < 2 {
		return c
	}
	for _, a := range arts {
		if !contains(a, x.titleNode) {
			continue
		}
		if best := x.sc.bestWithin(a); best != nil {
			return best
		}
		return a
	}
	return c
}

// widen turns a single winning paragraph or list into the run it belongs
// to: when the best candidate is one <p>, <ul> or <ol> (its siblings, a
// share bar or an ad between paragraphs, short lines around a long list,
// pulled its parent's score below its own), the parent is the container
// and the siblings that score below zero are left out.
func (x *extraction) widen(c *html.Node) *html.Node {
	if c == nil || c.DataAtom != atom.P && c.DataAtom != atom.Ul && c.DataAtom != atom.Ol {
		return c
	}
	p := c.Parent
	if p == nil || p.Type != html.ElementNode || p.DataAtom == atom.Body || p.DataAtom == atom.Html {
		return c
	}
	for a := p; a != nil; a = a.Parent {
		if st := x.sc.stats[a]; st != nil && st.neg {
			return c
		}
	}
	for s := p.FirstChild; s != nil; s = s.NextSibling {
		if s == c || s.Type != html.ElementNode {
			continue
		}
		// Short paragraphs of text stay; link lists, share bars and ads go.
		st := x.sc.stat(s)
		textual := (s.DataAtom == atom.P || isHeading(s.DataAtom) || s.DataAtom == atom.Blockquote) && 2*st.link < st.text ||
			s.DataAtom == atom.P && st.text < 400 && writtenAddresses(boundedText(s, 800))
		if st.text > 0 && st.adj < 0 && !textual {
			x.skip[s] = true
		}
	}
	return p
}

// mergeSections joins an article split into sibling sections of the same
// kind (same tag, same first class name), each with paragraphs of its own:
// the container becomes their parent, and what lies before the first or
// after the last section, or scores below zero between them, is left out.
// It looks up to five levels above the container for such siblings.
func (x *extraction) mergeSections(c *html.Node) *html.Node {
	if c == nil {
		return c
	}
	n := c
	for level := 0; level < 5; level++ {
		p := n.Parent
		if p == nil || p.Type != html.ElementNode || p.DataAtom == atom.Body || p.DataAtom == atom.Html {
			return c
		}
		if st := x.sc.stats[p]; st == nil || st.neg {
			return c
		}
		kind := firstClass(n)
		var first, last *html.Node
		same := 0
		for s := p.FirstChild; s != nil; s = s.NextSibling {
			if s.Type != html.ElementNode {
				continue
			}
			if s == n || s.DataAtom == n.DataAtom && s.Data == n.Data && firstClass(s) == kind && x.section(s) {
				if first == nil {
					first = s
				}
				last = s
				same++
			}
		}
		if same >= 2 {
			in := false
			for s := p.FirstChild; s != nil; s = s.NextSibling {
				if s == first {
					in = true
				}
				if s.Type == html.ElementNode && s != n {
					st := x.sc.stat(s)
					if !in || st.text > 0 && st.adj < 0 && !isHeading(s.DataAtom) {
						x.skip[s] = true
					}
				}
				if s == last {
					in = false
				}
			}
			return p
		}
		n = p
	}
	return c
}

// tabLevels is how many ancestors of the container tabPanes looks at.
const tabLevels = 3

// tabPanes widens a container that is, or lies in, one pane of a set of
// tabs (a product's description beside its details, a drug's label beside
// its prices) to the set: the panes a script shows one at a time are one
// page of text, and the one that scored best is only the longest. The
// panes are the tab panel's siblings of the same kind (tag and first
// class name) that are tab panels too.
func (x *extraction) tabPanes(c *html.Node) *html.Node {
	n := c
	for level := 0; level <= tabLevels && n != nil; level++ {
		p := n.Parent
		if p == nil || p.Type != html.ElementNode || p.DataAtom == atom.Body || p.DataAtom == atom.Html {
			return c
		}
		if st := x.sc.stats[p]; st == nil || st.neg || st.inNeg {
			return c
		}
		if tabPanel(n) {
			kind := firstClass(n)
			for s := p.FirstChild; s != nil; s = s.NextSibling {
				if s != n && s.Type == html.ElementNode && s.Data == n.Data && firstClass(s) == kind && tabPanel(s) && x.sc.stat(s).text > 0 {
					return p
				}
			}
		}
		n = p
	}
	return c
}

// tabPanel reports an element named as one pane of a set of tabs:
// role=tabpanel, or a class such as "tab-pane", "tab--container",
// "tabs__panel".
func tabPanel(n *html.Node) bool {
	if getAttr(n, "role") == "tabpanel" {
		return true
	}
	prev := ""
	for f := range strings.FieldsSeq(getAttr(n, "class")) {
		for _, t := range splitTokens(f, nil, false) {
			switch t {
			case "tabpane", "tabpanel", "tabcontent":
				return true
			case "pane", "panel", "container", "content":
				if prev == "tab" || prev == "tabs" {
					return true
				}
			}
			prev = t
		}
		prev = ""
	}
	return false
}

// section reports whether n holds article paragraphs: good text, few links,
// no boilerplate name.
func (x *extraction) section(n *html.Node) bool {
	st := x.sc.stat(n)
	if st.h == hintWeakNeg && !st.neg && st.prose() && !namesLine(n) {
		// A box with a weak name that holds unlinked prose ("print-step"
		// around each step of a how-to) is a section as much as an
		// unnamed one.
		return true
	}
	return st.paras > 0 && st.adj > 0 && !st.neg && st.h < hintWeakNeg && 3*st.link < st.text
}

func firstClass(n *html.Node) string {
	for f := range strings.FieldsSeq(getAttr(n, "class")) {
		return f
	}
	return ""
}

// bestWithin returns the best-scoring candidate with paragraphs in n's
// subtree (n included), or nil.
func (s *scorer) bestWithin(n *html.Node) *html.Node {
	var best *html.Node
	bestAdj := 0.0
	var walk func(*html.Node)
	walk = func(m *html.Node) {
		st := s.stats[m]
		if st == nil {
			return
		}
		if st.paras > 0 && st.adj > bestAdj && (isBlockAtom(m.DataAtom) || st.hasBlock) {
			best, bestAdj = m, st.adj
		}
		for c := m.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode {
				walk(c)
			}
		}
	}
	walk(n)
	return best
}
