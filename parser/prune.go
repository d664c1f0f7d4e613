package parser

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// prune removes from n's subtree what is never article text: scripts,
// styles, embedded objects, form controls, comments and hidden elements.
func prune(n *html.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		switch c.Type {
		case html.CommentNode, html.DoctypeNode:
			n.RemoveChild(c)
		case html.ElementNode:
			if dropElement(c) {
				n.RemoveChild(c)
			} else {
				prune(c)
			}
		}
		c = next
	}
}

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
	hidden := hasAttr(n, "hidden") || getAttr(n, "aria-hidden") == "true" && n.DataAtom != atom.Figure
	if !hidden {
		if st := getAttr(n, "style"); st != "" && hiddenStyle(st) {
			hidden = true
		}
	}
	// Hidden elements are dropped unless they hold a page's worth of text:
	// streaming renderers park the article in a hidden element that a script
	// moves into place.
	return hidden && !hasMuchText(n, 1500)
}

// hasMuchText reports whether n's subtree has at least limit bytes of text.
func hasMuchText(n *html.Node, limit int) bool {
	total := 0
	var walk func(*html.Node) bool
	walk = func(x *html.Node) bool {
		for c := x.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				total += countNonSpace(c.Data)
				if total >= limit {
					return true
				}
			case html.ElementNode:
				if c.DataAtom == atom.Script || c.DataAtom == atom.Style || c.DataAtom == atom.Template {
					continue
				}
				if walk(c) {
					return true
				}
			}
		}
		return false
	}
	return walk(n)
}

func hiddenStyle(st string) bool {
	st = strings.ToLower(st)
	st = strings.ReplaceAll(st, " ", "")
	return strings.Contains(st, "display:none") || strings.Contains(st, "visibility:hidden")
}
