package parser

import (
	"slices"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// extendLevels is how many ancestors of the container extend looks
// beside.
const extendLevels = 3

// maxExtendClimbs bounds the ancestors extend passes, wrappers with
// nothing beside the container included.
const maxExtendClimbs = 8

// extend finds the blocks beside the container that continue the article:
// an intro or a lead set apart from the body (a standfirst in its own
// column, a lead paragraph marked up as a heading) and sections after it
// that the page's layout split off. It looks at the container's siblings,
// and its ancestors' siblings up to extendLevels, in document order from
// the container out, and takes each one that reads like the article (see
// continues) until one that does not. It climbs only while everything
// beside the element on that side was taken, so what it returns is
// adjacent to the container. before is in document order, as is after.
func (x *extraction) extend(c *html.Node) (before, after []*html.Node) {
	if c == nil {
		return nil, nil
	}
	preOpen, postOpen := true, true
	n := c
	for level, climbs := 0, 0; level < extendLevels && climbs < maxExtendClimbs && (preOpen || postOpen); climbs++ {
		p := n.Parent
		if p == nil || p.Type != html.ElementNode || p.DataAtom == atom.Body || p.DataAtom == atom.Html {
			break
		}
		if st := x.sc.stats[p]; st == nil || st.neg || st.inNeg {
			break
		}
		if onlyText(p, n, x.sc) {
			// A wrapper with nothing beside n (a CMS's row, container
			// and boundary divs): no level spent on it.
			n = p
			continue
		}
		level++
		if preOpen {
			var run []*html.Node
			for s := n.PrevSibling; s != nil; s = s.PrevSibling {
				if s.Type != html.ElementNode || x.sc.stat(s).text == 0 {
					continue
				}
				if x.illustration(s) || x.scrap(s) {
					continue
				}
				if !x.continues(s, true) {
					preOpen = false
					break
				}
				run = append(run, s)
			}
			// run is nearest first; what lies further out comes first.
			slices.Reverse(run)
			before = append(run, before...)
		}
		if postOpen {
			for s := n.NextSibling; s != nil; s = s.NextSibling {
				if s.Type != html.ElementNode || x.sc.stat(s).text == 0 {
					continue
				}
				if x.illustration(s) {
					continue
				}
				if !x.continues(s, false) {
					postOpen = false
					break
				}
				after = append(after, s)
			}
		}
		n = p
	}
	return before, after
}

// ingredientLevels is how far above the container a recipe's list of
// ingredients may lie.
const ingredientLevels = 4

// ingredients returns the recipe ingredient lists outside the container c
// that lie beside it, under one of its ancestors up to ingredientLevels
// (not the page's body), and not in boilerplate: a recipe's method won the
// score, and its ingredients, a table or a list of short lines, are as
// much the recipe. before and after are in document order.
func (x *extraction) ingredients(c *html.Node) (before, after []*html.Node) {
	if c == nil || len(x.sc.ingredients) == 0 {
		return nil, nil
	}
	top := c
	for level := 0; level < ingredientLevels; level++ {
		p := top.Parent
		if p == nil || p.Type != html.ElementNode || p.DataAtom == atom.Body || p.DataAtom == atom.Html {
			break
		}
		top = p
	}
	var last *html.Node
	for _, n := range x.sc.ingredients {
		if last != nil && contains(last, n) || contains(c, n) || contains(n, c) || !contains(top, n) || x.skip[n] {
			continue
		}
		st := x.sc.stat(n)
		if st.text == 0 || st.inNeg || st.hasTitle {
			continue
		}
		last = n
		if precedes(n, c) {
			before = append(before, n)
		} else {
			after = append(after, n)
		}
	}
	return before, after
}

// question returns the question a container of answers answers (a Q&A
// page: the answers won the score, and the question above them is as
// much the page's text): the container or one of its two nearest
// ancestors is named "answers", and an earlier sibling of that element is
// named "question". It returns nil on other pages.
func (x *extraction) question(c *html.Node) *html.Node {
	n := c
	for level := 0; level <= 2 && n != nil && n.Type == html.ElementNode; level++ {
		if namesToken(n, "answers") {
			for s := n.PrevSibling; s != nil; s = s.PrevSibling {
				if s.Type == html.ElementNode && namesToken(s, "question") {
					if st := x.sc.stat(s); st.text > 0 && !st.neg && !st.inNeg {
						return s
					}
					return nil
				}
			}
			return nil
		}
		n = n.Parent
	}
	return nil
}

// namesToken reports whether n's class, id or role holds token.
func namesToken(n *html.Node, token string) bool {
	for _, a := range n.Attr {
		switch a.Key {
		case "class", "id", "role":
			for f := range strings.FieldsSeq(a.Val) {
				for _, t := range splitTokens(f, nil, false) {
					if t == token {
						return true
					}
				}
			}
		}
	}
	return false
}

// continues reports whether s, beside the container, reads like the
// article: it is not named for boilerplate, few of its words are links,
// and it holds a paragraph of sentences; before the container, a lead
// set as a heading (a sentence or more of text) counts too. Nothing that
// holds the headline is taken.
func (x *extraction) continues(s *html.Node, lead bool) bool {
	st := x.sc.stat(s)
	if st.neg || st.h >= hintWeakNeg || x.skip[s] || st.adj < 0 || 5*st.link >= st.text {
		return false
	}
	switch s.DataAtom {
	case atom.Nav, atom.Aside, atom.Footer, atom.Form, atom.Menu, atom.Header, atom.H1:
		return false
	}
	if st.hasTitle || x.titleNode != nil && contains(s, x.titleNode) || firstDescendant(s, atom.H1) != nil ||
		x.a.Title != "" && strings.Contains(squash(nodeText(s)), squash(x.a.Title)) {
		// The headline's block: taken only before the container, when
		// the rest of it is a standfirst (emit leaves the headline out).
		return lead && x.leadUnderHeadline(s)
	}
	if lead && !x.hasSentence(s) {
		return false
	}
	if st.paras > 0 && st.adj > 0 && (lead || st.good >= minAfter) {
		return true
	}
	return lead && leadHeading(s, x.sc)
}

// leadHeading reports a lead set as a heading: s is, or holds, one h2-h6
// with a sentence's worth of text (leadText), and little else.
func leadHeading(s *html.Node, sc *scorer) bool {
	var h *html.Node
	var find func(*html.Node) bool
	find = func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		if isHeading(n.DataAtom) {
			if h != nil {
				return false
			}
			h = n
			return true
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if !find(c) {
				return false
			}
		}
		return true
	}
	if !find(s) || h == nil {
		return false
	}
	hs, st := sc.stat(h), sc.stat(s)
	return hs.text >= leadText && 2*hs.link < hs.text && 10*hs.text >= 9*st.text
}

// minAfter is the good text a block after the container needs: more
// than a call to subscribe or a note beside it.
const minAfter = 150

// leadText is the text (non-space bytes) a heading must hold to be a lead.
const leadText = 100

// illustration reports an image with a short text beside it (a caption, a
// credit) between the container and a block that continues it: it is
// passed over, neither taken nor ending the search.
func (x *extraction) illustration(s *html.Node) bool {
	st := x.sc.stat(s)
	if st.paras > 0 || st.text > maxBoxText/2 {
		return false
	}
	return s.DataAtom == atom.Figure || firstDescendant(s, atom.Img) != nil || firstDescendant(s, atom.Picture) != nil || firstDescendant(s, atom.Figure) != nil
}

// hasSentence reports whether n's subtree holds a block of text (no
// blocks inside) of a sentence's worth that ends one: a paragraph rather
// than a headline or a label.
func (x *extraction) hasSentence(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		st := x.sc.stat(c)
		if st.text < 80 {
			continue
		}
		if !st.hasBlock && isBlockAtom(c.DataAtom) {
			if endsSentence(nodeText(c)) {
				return true
			}
			continue
		}
		if x.hasSentence(c) {
			return true
		}
	}
	return false
}

// leadUnderHeadline reports a block before the container that holds the
// headline and, beside it, a standfirst: a paragraph of sentences that is
// most of the rest of its text (a breadcrumb or a topic label may sit
// above the headline).
func (x *extraction) leadUnderHeadline(s *html.Node) bool {
	st := x.sc.stat(s)
	if st.paras == 0 || st.good < leadText || !x.hasSentence(s) {
		return false
	}
	rest := st.text
	if x.titleNode != nil && contains(s, x.titleNode) {
		rest -= x.sc.stat(x.titleNode).text
	}
	return 10*st.good >= 6*float64(rest)
}

// scrap reports a block of a few words between a lead and the container
// (a jump-list label, a topic line): it is passed over, neither taken nor
// ending the search.
func (x *extraction) scrap(s *html.Node) bool {
	st := x.sc.stat(s)
	return st.text < 30 && st.paras == 0 && !st.hasTitle && (x.titleNode == nil || !contains(s, x.titleNode))
}

// onlyText reports whether n is the only child of p that holds text.
func onlyText(p, n *html.Node, sc *scorer) bool {
	for c := p.FirstChild; c != nil; c = c.NextSibling {
		if c != n && c.Type == html.ElementNode && sc.stat(c).text > 0 || c.Type == html.TextNode && strings.TrimSpace(c.Data) != "" {
			return false
		}
	}
	return true
}
