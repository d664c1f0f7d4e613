package parser

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// getAttr returns the value of attribute key on n, or "".
func getAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// nodeText returns the whitespace-normalised text of n's subtree.
func nodeText(n *html.Node) string {
	var b strings.Builder
	appendText(&b, n)
	return normSpace(b.String())
}

// boundedText is nodeText that stops reading once it has limit bytes of
// raw text: for labels and short fields, where a huge subtree must not
// cost its whole size (and nested matches must not cost quadratic time).
func boundedText(n *html.Node, limit int) string {
	t, _ := boundedTextAll(n, limit)
	return t
}

// boundedTextAll is boundedText that also reports whether it read all the
// text (false: the subtree has at least limit bytes of raw text).
func boundedTextAll(n *html.Node, limit int) (string, bool) {
	var b strings.Builder
	all := appendBounded(&b, n, limit)
	return normSpace(b.String()), all
}

func appendBounded(b *strings.Builder, n *html.Node, limit int) bool {
	if b.Len() >= limit {
		return false
	}
	switch n.Type {
	case html.TextNode:
		d := n.Data
		if room := limit - b.Len(); len(d) > room {
			d = d[:room]
		}
		b.WriteString(d)
		return b.Len() < limit
	case html.ElementNode:
		switch n.DataAtom {
		case atom.Script, atom.Style, atom.Noscript, atom.Template:
			return true
		case atom.Br:
			b.WriteByte(' ')
			return true
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if !appendBounded(b, c, limit) {
			return false
		}
	}
	if n.Type == html.ElementNode && isBlockAtom(n.DataAtom) {
		b.WriteByte(' ')
	}
	return b.Len() < limit
}

func appendText(b *strings.Builder, n *html.Node) {
	switch n.Type {
	case html.TextNode:
		b.WriteString(n.Data)
		return
	case html.ElementNode:
		switch n.DataAtom {
		case atom.Script, atom.Style, atom.Noscript, atom.Template:
			return
		case atom.Br:
			b.WriteByte(' ')
			return
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		appendText(b, c)
	}
	if n.Type == html.ElementNode && isBlockAtom(n.DataAtom) {
		b.WriteByte(' ')
	}
}

// normSpace collapses runs of white space (including no-break spaces) into
// single spaces and trims the ends.
func normSpace(s string) string {
	if s == "" {
		return s
	}
	clean := true
	prevSpace := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' {
			if prevSpace {
				clean = false
				break
			}
			prevSpace = true
			continue
		}
		if c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c >= 0x80 {
			clean = false
			break
		}
		prevSpace = false
	}
	if clean && !prevSpace {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if isSpaceRune(r) {
			space = b.Len() > 0
			continue
		}
		if r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\ufeff' || r == '\u00ad' {
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isSpaceRune(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\f', '\v', 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200A
}

// isBlockAtom reports whether an element breaks the inline flow.
func isBlockAtom(a atom.Atom) bool {
	switch a {
	case atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Details, atom.Dialog,
		atom.Dd, atom.Div, atom.Dl, atom.Dt, atom.Fieldset, atom.Figcaption, atom.Figure,
		atom.Footer, atom.Form, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Header, atom.Hgroup, atom.Hr, atom.Li, atom.Main, atom.Nav, atom.Ol, atom.P,
		atom.Pre, atom.Section, atom.Table, atom.Ul, atom.Tr, atom.Td, atom.Th, atom.Tbody,
		atom.Thead, atom.Tfoot, atom.Caption, atom.Body, atom.Html, atom.Summary, atom.Menu,
		atom.Center, atom.Iframe, atom.Video, atom.Audio, atom.Picture, atom.Canvas, atom.Svg,
		atom.Noscript, atom.Select, atom.Textarea, atom.Button, atom.Input, atom.Object:
		return true
	}
	return false
}

func isHeading(a atom.Atom) bool {
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

// hasFields reports whether s has at least n whitespace-separated fields,
// as strings.Fields splits it, without building them.
func hasFields(s string, n int) bool {
	for range strings.FieldsSeq(s) {
		if n--; n <= 0 {
			return true
		}
	}
	return n <= 0
}

// classTokens splits the class, id, role and itemprop of n into lower-case
// alphanumeric tokens. For BEM names ("sidebar-grid__content") only the
// element and modifier parts count: the block part names the component the
// element sits in, not what the element is.
func classTokens(n *html.Node, buf []string) []string {
	return nameTokens(n, buf, false)
}

// camelTokens is classTokens with camelCase names split too
// ("NewsletterBox": "newsletter", "box"); it returns nil when no name is
// in camelCase.
func camelTokens(n *html.Node, buf []string) []string {
	camel := false
	for _, a := range n.Attr {
		switch a.Key {
		case "class", "id", "data-component", "data-testid":
			for i := 1; i < len(a.Val); i++ {
				if a.Val[i] >= 'A' && a.Val[i] <= 'Z' && a.Val[i-1] >= 'a' && a.Val[i-1] <= 'z' {
					camel = true
					break
				}
			}
		}
	}
	if !camel {
		return nil
	}
	return nameTokens(n, buf, true)
}

func nameTokens(n *html.Node, buf []string, camel bool) []string {
	buf = buf[:0]
	for _, a := range n.Attr {
		switch a.Key {
		case "class", "id", "role", "itemprop", "data-component", "data-testid":
		default:
			continue
		}
		if a.Key == "id" && isHeading(n.DataAtom) {
			// A heading's id is an anchor to link to, made from its
			// words or a counter ("nav_the_results__1",
			// "cc-m-header-1298"), not a name for what it is.
			continue
		}
		for name := range strings.FieldsSeq(a.Val) {
			if a.Key == "class" && strings.IndexByte(name, ':') >= 0 {
				// A utility class under a variant ("print:hidden",
				// "dark:text-white", "md:w-1/2"): styling for one
				// medium or state, never the element's name.
				continue
			}
			if i := strings.Index(name, "__"); i > 0 && i+2 < len(name) {
				// "card__title" names the title of a card; but in
				// "image-source__rbsO4" the tail is a CSS-module hash and
				// the head is the name.
				if tail := name[i+2:]; !cssHash(tail) {
					// The block still counts when it names
					// boilerplate: "Newsletter__container" is part
					// of a newsletter box.
					if head := name[:i]; tokenFlags[strings.ToLower(head)]&(tokStrong|tokComment) != 0 {
						buf = splitTokens(head, buf, camel)
					}
					name = tail
					if j := strings.Index(name, "--"); j > 0 {
						// A modifier on a block's element
						// ("TestReport__Section--Ads") says what
						// the element holds besides its own
						// content, not what it is.
						name = name[:j]
					}
				} else {
					name = name[:i]
				}
			}
			buf = splitTokens(name, buf, camel)
		}
	}
	return buf
}

func splitTokens(v string, buf []string, camel bool) []string {
	start := -1
	for i := 0; i <= len(v); i++ {
		alnum := i < len(v) && (v[i] >= 'a' && v[i] <= 'z' || v[i] >= 'A' && v[i] <= 'Z' || v[i] >= '0' && v[i] <= '9')
		if camel && alnum && start >= 0 && v[i] >= 'A' && v[i] <= 'Z' && v[i-1] >= 'a' && v[i-1] <= 'z' {
			buf = append(buf, strings.ToLower(v[start:i]))
			start = i
			continue
		}
		if alnum {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			buf = append(buf, strings.ToLower(v[start:i]))
			start = -1
		}
	}
	return buf
}

// removeNode detaches n from its parent.
func removeNode(n *html.Node) {
	if n.Parent != nil {
		n.Parent.RemoveChild(n)
	}
}

// findBody returns the body element of the document rooted at root.
func findBody(root *html.Node) *html.Node {
	var walk func(n *html.Node) *html.Node
	walk = func(n *html.Node) *html.Node {
		if n.Type == html.ElementNode && n.DataAtom == atom.Body {
			return n
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode || c.Type == html.DocumentNode {
				if b := walk(c); b != nil {
					return b
				}
			}
		}
		return nil
	}
	return walk(root)
}

// cssHash reports a generated class-name suffix: short, with a digit or an
// upper-case letter ("rbsO4", "Dzaa9", "lZ5kc").
func cssHash(s string) bool {
	if len(s) > 8 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' {
			return true
		}
	}
	return false
}

// hasAncestor reports whether some ancestor of n is an element of type a.
func hasAncestor(n *html.Node, a atom.Atom) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && p.DataAtom == a {
			return true
		}
	}
	return false
}
