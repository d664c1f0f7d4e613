package parser

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// prune removes from n's subtree what is never article text: scripts,
// styles, embedded objects, form controls, comments, hidden elements and
// ruby annotations without a fallback (readings set above East Asian
// characters).
// Hidden elements stay when they hold a page's worth of text (streaming
// renderers park the article in a hidden element that a script moves into
// place). HTML templates that hold an article (Blogger renders its posts
// from <script type="text/template">) are parsed in place. It returns the
// text (non-space bytes) left in n's subtree; one walk, bottom up, so
// nested hidden elements cost no more than the rest.
func prune(n *html.Node) int {
	text := 0
	var shown map[string]bool // kinds of n's shown children, made when needed
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		switch c.Type {
		case html.CommentNode, html.DoctypeNode:
			n.RemoveChild(c)
		case html.TextNode:
			text += countNonSpace(c.Data)
		case html.ElementNode:
			if inl := inflateTemplate(c); inl != nil {
				for _, k := range inl {
					n.InsertBefore(k, c)
				}
				n.RemoveChild(c)
				next = inl[0] // prune what the template held
				break
			}
			if dropElement(c) {
				n.RemoveChild(c)
				break
			}
			t := prune(c)
			if hidden(c) && t < hiddenKeep {
				if shown == nil {
					shown = shownKinds(n)
				}
				if k := firstClass(c); k == "" || !shown[c.Data+"."+k] {
					n.RemoveChild(c)
					break
				}
			}
			text += t
		}
		c = next
	}
	return text
}

// shownKinds returns the kinds (tag and first class name) of n's children
// that are not hidden. A hidden element of a kind that is shown beside it
// is the next page of a paged article or slide show, which a script shows
// in turn: it stays.
func shownKinds(n *html.Node) map[string]bool {
	m := map[string]bool{}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && !hidden(c) {
			if k := firstClass(c); k != "" {
				m[c.Data+"."+k] = true
			}
		}
	}
	return m
}

// hiddenKeep is the text a hidden element must hold to stay.
const hiddenKeep = 1500

func dropElement(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg, atom.Math, atom.Canvas,
		atom.Iframe, atom.Object, atom.Embed, atom.Input, atom.Button, atom.Select, atom.Textarea,
		atom.Option, atom.Link, atom.Meta, atom.Dialog, atom.Audio, atom.Video, atom.Source,
		atom.Map, atom.Area, atom.Head, atom.Title, atom.Label:
		return true
	case atom.Blockquote:
		return socialEmbed(n)
	case atom.Rt, atom.Rtc:
		// Ruby annotations: a reading glossed over the base text
		// (<ruby>漢字<rt>かんじ</rt></ruby>), not part of the sentence;
		// kept, it splits every glossed word in two. A page that gives
		// <rp> parentheses asks for "漢字（かんじ）" where ruby is not
		// shown, and gets it.
		return !rubyFallback(n)
	case 0:
		// Unknown elements: custom elements often hold ads and widgets, but
		// some sites wrap the text in them, so only drop the well-known ones.
		d := n.Data
		return strings.HasPrefix(d, "amp-ad") || strings.HasPrefix(d, "ad-") || d == "gpt-ad"
	}
	return false
}

// socialEmbed reports the markup an Instagram or TikTok embed leaves
// before its script replaces it: a link to the post ("View this post on
// Instagram", "Sieh dir diesen Beitrag auf Instagram an") and the name of
// the account that shared it, never the article's text. Tweets are left
// alone: articles quote what a tweet says.
func socialEmbed(n *html.Node) bool {
	for c := range strings.FieldsSeq(getAttr(n, "class")) {
		switch c {
		case "instagram-media", "tiktok-embed":
			return true
		}
	}
	return false
}

// rubyFallback reports whether the ruby element around n gives <rp>
// parentheses for its annotations.
func rubyFallback(n *html.Node) bool {
	p := n.Parent
	if p != nil && p.DataAtom == atom.Rtc {
		p = p.Parent
	}
	if p == nil {
		return false
	}
	for c := p.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.DataAtom == atom.Rp {
			return true
		}
	}
	return false
}

// inFigcaption reports whether n lies in a figcaption (three levels up at
// most). A caption hidden from screen readers (aria-hidden, since the
// image's alt says the same) is still shown.
func inFigcaption(n *html.Node) bool {
	for a, i := n.Parent, 0; a != nil && i < 3; a, i = a.Parent, i+1 {
		if a.DataAtom == atom.Figcaption {
			return true
		}
	}
	return false
}

func hidden(n *html.Node) bool {
	if hasAttr(n, "hidden") || getAttr(n, "aria-hidden") == "true" && n.DataAtom != atom.Figure && !inFigcaption(n) {
		return true
	}
	// CSS frameworks' utility classes for display:none. Only these exact
	// names: "hidden-xs" and the like hide on some screens and show on
	// others.
	for c := range strings.FieldsSeq(getAttr(n, "class")) {
		switch c {
		case "hidden", "d-none", "is-hidden", "u-hidden", "display-none", "visually-hidden", "sr-only":
			return true
		}
	}
	st := getAttr(n, "style")
	return st != "" && hiddenStyle(st)
}

// inflateTemplate parses the HTML inside <script type="text/template"> when
// it is all an element named for the article body holds and it has
// paragraphs of text, and returns the nodes (nil otherwise).
func inflateTemplate(n *html.Node) []*html.Node {
	if n.DataAtom != atom.Script || n.FirstChild == nil || n.FirstChild.Type != html.TextNode {
		return nil
	}
	switch strings.ToLower(strings.TrimSpace(getAttr(n, "type"))) {
	case "text/template", "text/x-template":
	default:
		return nil
	}
	// Only a template in place of an article body: the one element (but a
	// <noscript> copy) inside an element named for one (Blogger:
	// itemprop=articleBody). Cookie
	// banners, teasers and widgets come as templates too.
	if n.Parent == nil || n.Parent.Type != html.ElementNode {
		return nil
	}
	for c := n.Parent.FirstChild; c != nil; c = c.NextSibling {
		if c != n && c.Type == html.ElementNode && c.DataAtom != atom.Noscript {
			return nil
		}
	}
	if h, _ := classify(n.Parent, nil); h != hintPositive {
		return nil
	}
	src := n.FirstChild.Data
	if len(src) < 500 || !strings.Contains(src, "<p") {
		return nil
	}
	ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := html.ParseFragment(strings.NewReader(src), ctx)
	if err != nil || len(nodes) == 0 {
		return nil
	}
	// A fragment whose nodes hold templates again is left alone: one level
	// is what Blogger uses, and more would let a page multiply itself.
	for _, k := range nodes {
		if k.Type == html.ElementNode && (k.DataAtom == atom.Script || firstDescendant(k, atom.Script) != nil) {
			return nil
		}
	}
	return nodes
}

func hiddenStyle(st string) bool {
	st = strings.ToLower(st)
	st = strings.ReplaceAll(st, " ", "")
	return strings.Contains(st, "display:none") || strings.Contains(st, "visibility:hidden")
}
