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
	if hasAttr(n, "hidden") {
		return true
	}
	if getAttr(n, "aria-hidden") == "true" && n.DataAtom != atom.Figure {
		return true
	}
	if st := getAttr(n, "style"); st != "" && hiddenStyle(st) {
		return true
	}
	return false
}

func hiddenStyle(st string) bool {
	st = strings.ToLower(st)
	st = strings.ReplaceAll(st, " ", "")
	return strings.Contains(st, "display:none") || strings.Contains(st, "visibility:hidden")
}
