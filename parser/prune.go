package parser

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// prune removes from n's subtree what is never article text: scripts,
// styles, embedded objects, form controls, comments and hidden elements.
// Hidden elements stay when they hold a page's worth of text (streaming
// renderers park the article in a hidden element that a script moves into
// place). It returns the
// text (non-space bytes) left in n's subtree; one walk, bottom up, so
// nested hidden elements cost no more than the rest.
func prune(n *html.Node) int {
	text := 0
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		switch c.Type {
		case html.CommentNode, html.DoctypeNode:
			n.RemoveChild(c)
		case html.TextNode:
			text += countNonSpace(c.Data)
		case html.ElementNode:
			if dropElement(c) {
				n.RemoveChild(c)
				break
			}
			t := prune(c)
			if hidden(c) && t < hiddenKeep {
				n.RemoveChild(c)
				break
			}
			text += t
		}
		c = next
	}
	return text
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
	case 0:
		// Unknown elements: custom elements often hold ads and widgets, but
		// some sites wrap the text in them, so only drop the well-known ones.
		d := n.Data
		return strings.HasPrefix(d, "amp-ad") || strings.HasPrefix(d, "ad-") || d == "gpt-ad"
	}
	return false
}

func hidden(n *html.Node) bool {
	if hasAttr(n, "hidden") || getAttr(n, "aria-hidden") == "true" && n.DataAtom != atom.Figure {
		return true
	}
	st := getAttr(n, "style")
	return st != "" && hiddenStyle(st)
}

func hiddenStyle(st string) bool {
	st = strings.ToLower(st)
	st = strings.ReplaceAll(st, " ", "")
	return strings.Contains(st, "display:none") || strings.Contains(st, "visibility:hidden")
}
