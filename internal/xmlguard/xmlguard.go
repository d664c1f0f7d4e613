// Package xmlguard checks untrusted XML and JSON documents before a real
// parser sees them. It is a single linear pass without recursion: it rejects
// documents nested deeper or holding more elements than a limit (gofeed and
// encoding/xml users recurse per level, so a million-deep feed costs seconds
// and gigabytes there and microseconds here), removes characters XML forbids
// (NUL and other C0 controls, U+FFFE, U+FFFF), and repairs truncated
// documents by cutting the incomplete tail and closing the open elements.
package xmlguard

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Errors returned by Scan. They wrap ErrRejected.
var (
	ErrRejected        = errors.New("xmlguard: document rejected")
	ErrTooDeep         = fmt.Errorf("%w: nested too deeply", ErrRejected)
	ErrTooManyElements = fmt.Errorf("%w: too many elements", ErrRejected)
)

// Limits bound a document. Zero values take the defaults.
type Limits struct {
	MaxDepth    int // default 256
	MaxElements int // default 1,000,000
}

// Default limits.
const (
	DefaultMaxDepth    = 256
	DefaultMaxElements = 1_000_000
)

func (l Limits) withDefaults() Limits {
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxElements <= 0 {
		l.MaxElements = DefaultMaxElements
	}
	return l
}

// Open is an element still open where the document ends.
type Open struct {
	Name   string // qualified name as written
	Offset int    // byte offset of its '<'
}

// Info describes a scanned document.
type Info struct {
	JSON     bool   // the document is JSON, not XML
	Root     string // local name of the root element, lower case
	Elements int
	MaxDepth int
	// Entities counts <!ENTITY declarations in the DOCTYPE (they are never
	// expanded by encoding/xml; the count is for reporting).
	Entities int
	// Truncated is set when the document ends inside markup or with
	// elements still open.
	Truncated bool
	// Open lists the elements open at the end, outermost first.
	Open []Open
	// cut is where the incomplete tail starts (len(doc) when none).
	cut int
	// ItemBases holds, for each <item> or <entry> element in document
	// order, the xml:base values in scope there, outermost first (nil when
	// there were none).
	ItemBases [][]string
}

type frame struct {
	name  string
	start int
	base  string
}

// Scan checks doc against lim in one pass.
func Scan(doc []byte, lim Limits) (*Info, error) {
	lim = lim.withDefaults()
	i := skipSpace(doc, 0)
	if i < len(doc) && (doc[i] == '{' || doc[i] == '[') {
		return scanJSON(doc, i, lim)
	}
	info := &Info{cut: len(doc)}
	var stack []frame
	n := len(doc)
	for i < n {
		lt := bytes.IndexByte(doc[i:], '<')
		if lt < 0 {
			break
		}
		i += lt
		start := i
		if i+1 >= n {
			info.Truncated, info.cut = true, start
			break
		}
		switch c := doc[i+1]; {
		case c == '!':
			var end int
			var ok bool
			switch {
			case bytes.HasPrefix(doc[i:], []byte("<!--")):
				end, ok = indexFrom(doc, i+4, "-->", 3)
			case bytes.HasPrefix(doc[i:], []byte("<![CDATA[")):
				end, ok = indexFrom(doc, i+9, "]]>", 3)
			case hasPrefixFold(doc[i:], "<!DOCTYPE"):
				end, ok = skipDoctype(doc, i+9, info)
			default:
				end, ok = indexFrom(doc, i+2, ">", 1)
			}
			if !ok {
				info.Truncated, info.cut = true, start
				i = n
				continue
			}
			i = end
		case c == '?':
			end, ok := indexFrom(doc, i+2, "?>", 2)
			if !ok {
				info.Truncated, info.cut = true, start
				i = n
				continue
			}
			i = end
		case c == '/':
			name, j := readName(doc, i+2)
			end, ok := indexFrom(doc, j, ">", 1)
			if !ok {
				info.Truncated, info.cut = true, start
				i = n
				continue
			}
			i = end
			// pop to the matching element; ignore a stray end tag
			for k := len(stack) - 1; k >= 0; k-- {
				if stack[k].name == name {
					stack = stack[:k]
					break
				}
			}
		case isNameStart(c):
			name, j := readName(doc, i+1)
			end, selfClosing, base, ok := readAttrs(doc, j)
			if !ok {
				info.Truncated, info.cut = true, start
				i = n
				continue
			}
			i = end
			info.Elements++
			if info.Elements > lim.MaxElements {
				return info, fmt.Errorf("%w (more than %d)", ErrTooManyElements, lim.MaxElements)
			}
			local := strings.ToLower(localName(name))
			if info.Root == "" {
				info.Root = local
			}
			if local == "item" || local == "entry" {
				info.ItemBases = append(info.ItemBases, bases(stack, base))
			}
			if depth := len(stack) + 1; depth > info.MaxDepth {
				info.MaxDepth = depth
				if depth > lim.MaxDepth {
					return info, fmt.Errorf("%w (more than %d levels)", ErrTooDeep, lim.MaxDepth)
				}
			}
			if selfClosing || (len(stack) > 0 && voidHTML[local] && !strings.Contains(name, ":")) {
				continue
			}
			stack = append(stack, frame{name: name, start: start, base: base})
		default:
			i++ // a stray '<' in text
		}
	}
	if len(stack) > 0 {
		info.Truncated = true
		for _, f := range stack {
			info.Open = append(info.Open, Open{Name: f.name, Offset: f.start})
		}
	}
	return info, nil
}

// HTML elements that are often left unclosed inside unescaped feed markup.
var voidHTML = map[string]bool{
	"br": true, "hr": true, "img": true, "meta": true, "input": true, "wbr": true,
	"area": true, "col": true, "embed": true, "param": true, "track": true,
}

func bases(stack []frame, own string) []string {
	var out []string
	for _, f := range stack {
		if f.base != "" {
			out = append(out, f.base)
		}
	}
	if own != "" {
		out = append(out, own)
	}
	return out
}

// Repair returns doc with an incomplete tail removed and the open elements
// closed. When the document was cut inside an entry (<item>, <entry>, or a
// sitemap's <url> or <sitemap>), that partial entry is dropped. It returns doc unchanged when nothing was
// truncated.
func Repair(doc []byte, info *Info) []byte {
	if info == nil || !info.Truncated || info.JSON {
		return doc
	}
	cut := info.cut
	open := info.Open
	for k := range open {
		switch strings.ToLower(localName(open[k].Name)) {
		case "item", "entry", "url", "sitemap":
			cut = open[k].Offset
			open = open[:k]
		default:
			continue
		}
		break
	}
	if cut > len(doc) {
		cut = len(doc)
	}
	// stray '<' left at the new end would read as a cut tag again
	for cut > 0 && doc[cut-1] == '<' {
		cut--
	}
	out := make([]byte, 0, cut+64)
	out = append(out, doc[:cut]...)
	for k := len(open) - 1; k >= 0; k-- {
		out = append(out, "</"...)
		out = append(out, open[k].Name...)
		out = append(out, '>')
	}
	return out
}

// Clean removes the characters XML 1.0 forbids (C0 controls other than tab,
// line feed and carriage return, U+FFFE and U+FFFF) from UTF-8 text and
// returns how many it removed. Invalid UTF-8 is left to the caller.
func Clean(b []byte) ([]byte, int) {
	bad := 0
	for i := 0; i < len(b); {
		c := b[i]
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			bad++
			i++
			continue
		}
		if c == 0xEF && i+2 < len(b) && b[i+1] == 0xBF && (b[i+2] == 0xBE || b[i+2] == 0xBF) {
			bad++
			i += 3
			continue
		}
		i++
	}
	if bad == 0 {
		return b, 0
	}
	out := make([]byte, 0, len(b)-bad)
	for i := 0; i < len(b); {
		c := b[i]
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			i++
			continue
		}
		if c == 0xEF && i+2 < len(b) && b[i+1] == 0xBF && (b[i+2] == 0xBE || b[i+2] == 0xBF) {
			i += 3
			continue
		}
		out = append(out, c)
		i++
	}
	return out, bad
}

func scanJSON(doc []byte, i int, lim Limits) (*Info, error) {
	info := &Info{JSON: true, cut: len(doc)}
	depth := 0
	inString := false
	for ; i < len(doc); i++ {
		c := doc[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
			info.Elements++
			if depth > info.MaxDepth {
				info.MaxDepth = depth
			}
			if depth > lim.MaxDepth {
				return info, fmt.Errorf("%w (more than %d levels)", ErrTooDeep, lim.MaxDepth)
			}
			if info.Elements > lim.MaxElements {
				return info, fmt.Errorf("%w (more than %d)", ErrTooManyElements, lim.MaxElements)
			}
		case '}', ']':
			if depth > 0 {
				depth--
			}
		}
	}
	info.Truncated = depth > 0 || inString
	return info, nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\r', '\n':
			i++
			continue
		}
		if bytes.HasPrefix(b[i:], []byte{0xEF, 0xBB, 0xBF}) {
			i += 3
			continue
		}
		break
	}
	return i
}

// indexFrom returns the offset just past the first sep at or after from.
func indexFrom(b []byte, from int, sep string, l int) (int, bool) {
	if from > len(b) {
		return 0, false
	}
	k := bytes.Index(b[from:], []byte(sep))
	if k < 0 {
		return 0, false
	}
	return from + k + l, true
}

func hasPrefixFold(b []byte, p string) bool {
	return len(b) >= len(p) && strings.EqualFold(string(b[:len(p)]), p)
}

// skipDoctype skips a DOCTYPE declaration with its internal subset,
// counting entity declarations.
func skipDoctype(b []byte, i int, info *Info) (int, bool) {
	depth := 0
	for i < len(b) {
		switch c := b[i]; c {
		case '"', '\'':
			k := bytes.IndexByte(b[i+1:], c)
			if k < 0 {
				return 0, false
			}
			i += k + 2
			continue
		case '[':
			depth++
		case ']':
			if depth > 0 {
				depth--
			}
		case '<':
			if bytes.HasPrefix(b[i:], []byte("<!--")) {
				end, ok := indexFrom(b, i+4, "-->", 3)
				if !ok {
					return 0, false
				}
				i = end
				continue
			}
			if hasPrefixFold(b[i:], "<!ENTITY") {
				info.Entities++
			}
		case '>':
			if depth == 0 {
				return i + 1, true
			}
		}
		i++
	}
	return 0, false
}

func isNameStart(c byte) bool {
	return c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80
}

func isNameByte(c byte) bool {
	return isNameStart(c) || c == '-' || c == '.' || (c >= '0' && c <= '9')
}

func readName(b []byte, i int) (string, int) {
	j := i
	for j < len(b) && isNameByte(b[j]) {
		j++
	}
	if j-i > 256 {
		return string(b[i : i+256]), j
	}
	return string(b[i:j]), j
}

func localName(q string) string {
	if k := strings.LastIndexByte(q, ':'); k >= 0 {
		return q[k+1:]
	}
	return q
}

// readAttrs reads a start tag's attributes up to and including '>'. It
// returns the offset after the tag, whether it was self-closing, and the
// value of an xml:base attribute.
func readAttrs(b []byte, i int) (end int, selfClosing bool, base string, ok bool) {
	for i < len(b) {
		switch c := b[i]; c {
		case '>':
			return i + 1, i > 0 && b[i-1] == '/', base, true
		case '"', '\'':
			k := bytes.IndexByte(b[i+1:], c)
			if k < 0 {
				return 0, false, "", false
			}
			i += k + 2
			continue
		default:
			if c == 'x' && bytes.HasPrefix(b[i:], []byte("xml:base")) {
				if v, j, found := attrValue(b, i+8); found {
					base = v
					i = j
					continue
				}
			}
		}
		i++
	}
	return 0, false, "", false
}

// attrValue reads `= "value"` starting at i.
func attrValue(b []byte, i int) (string, int, bool) {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	if i >= len(b) || b[i] != '=' {
		return "", i, false
	}
	i++
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	if i >= len(b) || (b[i] != '"' && b[i] != '\'') {
		return "", i, false
	}
	q := b[i]
	k := bytes.IndexByte(b[i+1:], q)
	if k < 0 {
		return "", i, false
	}
	v := string(b[i+1 : i+1+k])
	if !utf8.ValidString(v) {
		v = strings.ToValidUTF8(v, "")
	}
	return v, i + k + 2, true
}
