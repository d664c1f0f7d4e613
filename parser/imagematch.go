package parser

import (
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// looseStem is stem without the size and crop tokens that image servers
// append to a file name ("_v16_9_1200", "-1445x790", "_M400x267",
// "-scaled", "@2x", "=s1000"), so that the og:image and the <img> in the
// page, which are often different renditions of one picture, match. A trailing run of
// such tokens is taken off only when one of them is unmistakable (not a
// bare number, which may be a year or a picture's number), and only while
// at least six characters remain.
func looseStem(u string) string {
	s := strings.ToLower(stem(u))
	// A size letter or two glued to a number: "34357og", "34357t".
	if n := len(s); n > 4 {
		i := n
		for i > 0 && s[i-1] >= 'a' && s[i-1] <= 'z' {
			i--
		}
		if n-i <= 2 && i >= 3 && isDigit(s[i-1]) && isDigit(s[i-2]) && isDigit(s[i-3]) {
			s = s[:i]
		}
	}
	cut := len(s)
	for end := len(s); ; {
		i := strings.LastIndexAny(s[:end], "-_.@,=")
		if i < 6 {
			break
		}
		bare, ok := sizeToken(s[i+1 : end])
		if !ok {
			break
		}
		if !bare {
			cut = i
		}
		end = i
	}
	return s[:cut]
}

// sizeToken reports a token that names a rendition, not a picture: a
// short number ("1600", "9"; bare is true), a width or version ("v16",
// "w640", "600w", "2x"), dimensions anywhere in it ("1445x790",
// "m400x267", "w2040c2040x1360o0x0"), or a size word.
func sizeToken(t string) (bare, ok bool) {
	if t == "" {
		return false, false
	}
	switch t {
	case "scaled", "large", "medium", "small", "thumb", "thumbnail", "original", "orig", "full", "big", "crop", "cropped", "retina", "hd":
		return false, true
	}
	digits, letters := 0, 0
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c >= 'a' && c <= 'z':
			letters++
		default:
			return false, false
		}
	}
	if letters == 0 {
		return true, digits <= 4
	}
	// Dimensions: digits, "x", digits.
	for i := 1; i+1 < len(t); i++ {
		if t[i] == 'x' && isDigit(t[i-1]) && isDigit(t[i+1]) {
			return false, true
		}
	}
	if letters == 1 && digits >= 1 && digits <= 4 {
		// "v16", "w640", "600w", "2x", "h360".
		c0, cn := t[0], t[len(t)-1]
		return false, !isDigit(c0) && isDigit(cn) || isDigit(c0) && !isDigit(cn)
	}
	return false, false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// imageURLs calls f with each URL-like token in an image element's source
// attributes (src, srcset, data-*) until f returns true.
func imageURLs(n *html.Node, f func(string) bool) bool {
	for _, a := range n.Attr {
		if a.Key != "src" && a.Key != "srcset" && !strings.HasPrefix(a.Key, "data-") {
			continue
		}
		v := a.Val
		if v == "" || strings.HasPrefix(v, "data:") || !strings.ContainsAny(v, "./") {
			continue
		}
		for _, part := range strings.Split(v, ",") {
			for _, tok := range strings.Fields(part) {
				if strings.ContainsAny(tok, "./") && f(tok) {
					return true
				}
				if in := proxiedURL(tok); in != "" && f(in) {
					return true
				}
			}
		}
	}
	return false
}

// proxiedURL returns the picture an image proxy or resizer serves, given
// in its query ("https://cdn.example.com/?url=https://site/img/246270.jpg&w=1000"),
// or "".
func proxiedURL(u string) string {
	q := strings.IndexByte(u, '?')
	if q < 0 {
		return ""
	}
	for _, kv := range strings.Split(u[q+1:], "&") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k != "url" && k != "src" && k != "image" && k != "img" {
			continue
		}
		if d, err := url.QueryUnescape(v); err == nil {
			v = d
		}
		if strings.HasPrefix(v, "http") || strings.HasPrefix(v, "/") {
			return v
		}
	}
	return ""
}

// findImages returns the <img> and <source> elements of the page (outside
// navigation, footers and forms) that show one of the pictures in urls:
// exact holds those with the same file name, near those that match only
// once size and crop tokens are ignored. Each list has at most limit
// elements.
func findImages(root *html.Node, urls []string, limit int) (exact, near []*html.Node) {
	stems := map[string]bool{}
	loose := map[string]bool{}
	// probes: the start of each name, which any URL that matches holds
	// (a cheap test before the URL is taken apart).
	var probes []string
	for _, u := range urls {
		s := stem(u)
		if s == "" {
			continue
		}
		stems[s] = true
		probe := s
		if l := looseStem(u); len(l) >= 6 {
			loose[l] = true
			if len(l) <= len(s) && strings.EqualFold(s[:len(l)], l) {
				probe = s[:len(l)]
			}
		}
		probes = append(probes, probe)
	}
	if len(probes) == 0 {
		return nil, nil
	}
	match := func(u string) int {
		for _, p := range probes {
			if strings.Contains(u, p) {
				if stems[stem(u)] {
					return 2
				}
				if loose[looseStem(u)] {
					return 1
				}
			}
		}
		return 0
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil && len(exact) < limit; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.Head, atom.Script, atom.Style, atom.Template, atom.Nav, atom.Footer, atom.Form, atom.Svg:
				continue
			case atom.Img, atom.Source:
				if tinyImage(c) {
					continue
				}
				kind := 0
				imageURLs(c, func(u string) bool {
					kind = max(kind, match(u))
					return kind == 2
				})
				switch {
				case kind == 2:
					exact = append(exact, c)
				case kind == 1 && len(near) < limit:
					near = append(near, c)
				}
				continue
			case atom.A:
				// A link to the full-size picture around a smaller
				// rendition (a lightbox): the image it holds shows it.
				if h := getAttr(c, "href"); h != "" && match(h) == 2 {
					if img := firstDescendant(c, atom.Img); img != nil && !tinyImage(img) {
						exact = append(exact, img)
						continue
					}
				}
			}
			walk(c)
		}
	}
	walk(root)
	return exact, near
}

// captionTokens name an element that holds an image's caption.
var captionTokens = map[string]bool{
	"caption": true, "captions": true, "figcaption": true, "legend": true, "legende": true, "légende": true,
	"bu": true, "bildunterschrift": true, "bildtext": true, "imgcaption": true, "imagecaption": true,
	"photocaption": true, "piccaption": true, "mediacaption": true, "imginfo": true, "imageinfo": true,
	"imagetext": true, "imgtext": true, "pietitulo": true, "didascalia": true, "bijschrift": true,
}

// namedCaption reports an element whose class, id or role names it as a
// caption ("caption", "img-info", "bu").
func namedCaption(n *html.Node, buf []string) ([]string, bool) {
	return namedAs(n, buf, captionTokens)
}

// imageHolder returns what holds an image found in the page and where its
// caption is: the enclosing <figure> (caption root nil: its
// <figcaption>, or the figure itself when it holds only a short text);
// else the short block of text around the image; else a figcaption or an
// element named for a caption just after the image's wrapper.
func (x *extraction) imageHolder(img *html.Node) (fig, capRoot *html.Node) {
	for a := img.Parent; a != nil && a.DataAtom != atom.Body; a = a.Parent {
		if a.DataAtom != atom.Figure {
			continue
		}
		if hasFigcaption(a) {
			return a, nil
		}
		if h, fc := x.looseFigcaption(a); fc != nil {
			return h, fc
		}
		if st := x.sc.stat(a); st.text > 0 && st.text <= maxBoxText {
			return a, a
		}
		return a, nil
	}
	if box := x.captionBox(img); box != nil {
		return box, box
	}
	// The highest ancestor without text: the image's wrapper.
	w := img
	for w.Parent != nil && w.Parent.Type == html.ElementNode && x.sc.stat(w.Parent).text == 0 && w.Parent.DataAtom != atom.Body {
		w = w.Parent
	}
	i := 0
	for s := w.NextSibling; s != nil && i < 3; s = s.NextSibling {
		if s.Type != html.ElementNode {
			continue
		}
		i++
		ok := s.DataAtom == atom.Figcaption
		if !ok {
			x.buf, ok = namedCaption(s, x.buf)
		}
		if ok {
			if st := x.sc.stat(s); st.text > 0 && st.text <= maxBoxText {
				return w, s
			}
		}
	}
	return nil, nil
}

// looseFigcaption finds a <figcaption> a page put after a <figure>
// rather than in it: the next element after the figure or after one of
// its two nearest wrappers (empty elements between are passed over), or
// a caption box there that holds a figcaption. It returns the element
// that holds both and the caption's element.
func (x *extraction) looseFigcaption(fig *html.Node) (holder, fc *html.Node) {
	w := fig
	for i := 0; i < 3 && w != nil && w.Parent != nil && w.Parent.DataAtom != atom.Body; i, w = i+1, w.Parent {
		s := w.NextSibling
		for s != nil && (s.Type != html.ElementNode || x.sc.stat(s).text == 0 && s.DataAtom != atom.Figcaption) {
			if s.Type == html.TextNode && strings.TrimSpace(s.Data) != "" {
				return nil, nil
			}
			s = s.NextSibling
		}
		if s != nil {
			if s.DataAtom == atom.Figcaption {
				return w.Parent, s
			}
			var named bool
			if x.buf, named = namedCaption(s, x.buf); named && firstDescendant(s, atom.Figcaption) != nil && x.sc.stat(s).text <= maxBoxText {
				return w.Parent, s
			}
			return nil, nil
		}
		for p := w.PrevSibling; p != nil; p = p.PrevSibling {
			if p.Type == html.ElementNode && x.sc.stat(p).text > 0 || p.Type == html.TextNode && strings.TrimSpace(p.Data) != "" {
				// w has siblings with text: its parent is more than a
				// wrapper.
				return nil, nil
			}
		}
	}
	return nil, nil
}

// dataCaption returns a caption kept in an attribute of an image in n
// (data-caption, data-title), or "".
func dataCaption(n *html.Node) string {
	var found string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if found != "" || n.Type != html.ElementNode && n.Type != html.DocumentNode {
			return
		}
		for _, k := range []string{"data-caption", "data-image-caption", "data-legend"} {
			if v := normSpace(html.UnescapeString(getAttr(n, k))); v != "" && !strings.HasPrefix(v, "<") {
				found = v
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return found
}

var reRelTime = regexp.MustCompile(`(?i)^(?:vor\s+\d+\s+\pL+|\d+\s+\pL+\s+ago|hace\s+\d+\s+\pL+|il y a\s+\d+\s+\pL+|för\s+\d+\s+\pL+\s+sedan|\d+\s+\pL+\s+geleden)$`)

// usableCaption reports whether t can be an image caption: not a date,
// a relative time ("vor 14 Minuten") or a byline with a date.
func usableCaption(t string) bool {
	switch {
	case len(t) > maxCaptionText:
		// Paragraphs of the story set in a figcaption, not a caption.
		return false
	case reDateOnly.MatchString(t), reRelTime.MatchString(t):
		return false
	case reBylinePrefix.MatchString(t) && reDigits.MatchString(t):
		return false
	}
	return true
}
