package parser

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/newsfeed/newsfeed/article"
)

var creditTokens = map[string]bool{
	"credit": true, "credits": true, "copyright": true, "source": true, "author": true, "photographer": true,
	"byline": true, "attribution": true, "rights": true, "courtesy": true, "photocredit": true, "imagecredit": true,
	"quelle": true, "fotograf": true, "autor": true, "license": true, "licence": true,
}

var reCreditText = regexp.MustCompile(`(?i)^(.*?)[\s(\[|/–—-]*(?:photo|photograph|picture|image|foto|bild|fotó|zdjęcie|фото|credit|crédit|©|\(c\)|copyright|quelle|source|fuente|fonte)\s*(?:by|:)?\s*([^()\[\]]{2,120}?)[)\]]?\s*$`)

// leadImage finds the lead image, its figure, caption and credit.
func (x *extraction) leadImage() {
	p, ld := x.info, x.ld
	metaImg := p.first("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src", "thumbnailurl")
	var ldImg ldImage
	if ld != nil && len(ld.images) > 0 {
		ldImg = ld.images[0]
		if metaImg == "" {
			metaImg = ldImg.url
		}
	}
	var fig *html.Node
	if s := stem(metaImg); s != "" {
		for _, f := range p.figures {
			if figureHasImage(f, s) {
				fig = f
				break
			}
		}
	}
	if fig == nil && x.container != nil {
		fig = x.firstFigureNear(x.container)
	}
	img := &article.Image{URL: x.resolveURL(metaImg)}
	if fig != nil {
		if x.a.Image == nil || x.a.Image.URL == "" {
			if src := figureImageURL(fig); src != "" && (img.URL == "" || stem(src) == stem(metaImg)) {
				img.URL = x.resolveURL(src)
			}
		}
		img.Caption, img.Credit = splitCaption(fig)
		x.leadFig = fig
		if reBylinePrefix.MatchString(img.Caption) && reDigits.MatchString(img.Caption) {
			img.Caption, img.Credit = "", ""
			x.leadFig = nil
		}
	}
	if img.Caption == "" && ldImg.caption != "" && stem(ldImg.url) == stem(img.URL) {
		img.Caption = normSpace(ldImg.caption)
		img.Credit = normSpace(ldImg.credit)
	}
	if img.URL != "" || img.Caption != "" {
		x.a.Image = img
	}
}

func figureHasImage(f *html.Node, s string) bool {
	found := false
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if found {
			return
		}
		if n.Type == html.ElementNode && (n.DataAtom == atom.Img || n.DataAtom == atom.Source) {
			for _, a := range n.Attr {
				if (a.Key == "src" || a.Key == "srcset" || strings.HasPrefix(a.Key, "data-")) && strings.Contains(a.Val, s) {
					found = true
					return
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(f)
	return found
}

func figureImageURL(f *html.Node) string {
	var src string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if src != "" {
			return
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.Img {
			for _, k := range []string{"src", "data-src", "data-original", "data-lazy-src"} {
				if v := strings.TrimSpace(getAttr(n, k)); v != "" && !strings.HasPrefix(v, "data:") {
					src = v
					return
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(f)
	return src
}

// firstFigureNear returns a figure with a caption just before the container
// (a sibling of one of its near ancestors) or first in it.
func (x *extraction) firstFigureNear(c *html.Node) *html.Node {
	// Inside the container, before any good paragraph.
	var found *html.Node
	stop := false
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for ch := n.FirstChild; ch != nil && !stop && found == nil; ch = ch.NextSibling {
			if ch.Type != html.ElementNode {
				continue
			}
			if ch.DataAtom == atom.Figure {
				if hasFigcaption(ch) {
					found = ch
				}
				return
			}
			if ch.DataAtom == atom.P && x.sc.stat(ch).paras > 0 {
				stop = true
				return
			}
			walk(ch)
		}
	}
	walk(c)
	if found != nil {
		return found
	}
	for anc, depth := c, 0; anc != nil && anc.Parent != nil && depth < 3; anc, depth = anc.Parent, depth+1 {
		for s := anc.PrevSibling; s != nil; s = s.PrevSibling {
			if s.Type != html.ElementNode {
				continue
			}
			if s.DataAtom == atom.Figure && hasFigcaption(s) {
				return s
			}
			if f := firstDescendant(s, atom.Figure); f != nil && hasFigcaption(f) && x.sc.stat(s).paras == 0 {
				return f
			}
		}
	}
	return nil
}

func hasFigcaption(f *html.Node) bool { return firstDescendant(f, atom.Figcaption) != nil }

func firstDescendant(n *html.Node, a atom.Atom) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if c.DataAtom == a {
			return c
		}
		if f := firstDescendant(c, a); f != nil {
			return f
		}
	}
	return nil
}

var (
	reTrailingCredit = regexp.MustCompile(`^(.*[.!?"”»])\s*\(([^()]{2,80})\)\s*$`)
	reAgency         = regexp.MustCompile(`(?i)/|getty|reuters|\bap\b|afp|dpa|keystone|imago|epa|picture alliance|shutterstock|associated press|xinhua|tass|anadolu|\bpa\b`)
)

// splitCaption returns a figure's caption and credit, kept apart.
func splitCaption(fig *html.Node) (caption, credit string) {
	fc := firstDescendant(fig, atom.Figcaption)
	if fc == nil {
		return "", ""
	}
	var capB strings.Builder
	var credits []string
	var buf []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				capB.WriteString(c.Data)
			case html.ElementNode:
				buf = classTokens(c, buf)
				isCredit := c.DataAtom == atom.Small || c.DataAtom == atom.Cite
				for _, t := range buf {
					if creditTokens[t] {
						isCredit = true
					}
				}
				if isCredit {
					if t := nodeText(c); t != "" {
						credits = append(credits, t)
					}
					continue
				}
				if isBlockAtom(c.DataAtom) {
					capB.WriteByte(' ')
				}
				walk(c)
				if isBlockAtom(c.DataAtom) {
					capB.WriteByte(' ')
				}
			}
		}
	}
	walk(fc)
	caption = normSpace(capB.String())
	credit = normSpace(strings.Join(credits, " "))
	if credit == "" {
		if m := reCreditText.FindStringSubmatch(caption); m != nil && len(m[1]) > 0 {
			caption, credit = strings.TrimSpace(m[1]), strings.TrimSpace(m[2])
		}
	}
	if credit == "" {
		// "Caption. (Agency)" or "Caption. Name/Agency".
		if m := reTrailingCredit.FindStringSubmatch(caption); m != nil && reAgency.MatchString(m[2]) {
			caption, credit = strings.TrimSpace(m[1]), strings.TrimSpace(m[2])
		}
	}
	credit = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(credit, "©"), "(c)"))
	for _, pfx := range []string{"Photo by", "Photo:", "Foto:", "Bild:", "Credit:", "Image:", "Photograph:", "Quelle:", "Source:", "Fotos:", "Foto von"} {
		if len(credit) > len(pfx) && strings.EqualFold(credit[:len(pfx)], pfx) {
			credit = strings.TrimSpace(credit[len(pfx):])
		}
	}
	return caption, credit
}

var subtitleTokens = map[string]bool{
	"standfirst": true, "dek": true, "deck": true, "subtitle": true, "subheadline": true, "subheading": true,
	"lead": true, "lede": true, "intro": true, "summary": true, "excerpt": true, "description": true,
	"abstract": true, "strapline": true, "teaser": true, "kicker": false, "sapo": true, "chapo": true,
	"entradilla": true, "bajada": true, "sottotitolo": true, "occhiello": false, "vorspann": true, "einleitung": true,
	"articlelead": true, "articleintro": true, "leadtext": true, "introtext": true, "headline2": true,
}

// subtitle looks for the standfirst near the headline: an element named
// for it (standfirst, lead, dek, ...), an h2 beside the headline, or the
// paragraph that directly follows the headline outside the body. Without a
// headline element it looks just before the body.
func (x *extraction) subtitle() {
	if x.a.Subtitle != "" {
		return
	}
	var buf []string
	check := func(n *html.Node) string {
		if n.Type != html.ElementNode {
			return ""
		}
		switch n.DataAtom {
		case atom.Figure, atom.Figcaption, atom.Picture, atom.Img, atom.Nav, atom.Aside, atom.Footer, atom.Form:
			return ""
		}
		buf = classTokens(n, buf)
		hit := x.titleNode != nil && n.Parent == x.titleNode.Parent &&
			(n.DataAtom == atom.H2 || n.DataAtom == atom.P && prevElement(n) == x.titleNode)
		for i, t := range buf {
			if subtitleTokens[t] || i > 0 && subtitleTokens[buf[i-1]+t] {
				hit = true
			}
		}
		if !hit || firstDescendant(n, atom.Img) != nil || firstDescendant(n, atom.Figcaption) != nil {
			return ""
		}
		t, all := boundedTextAll(n, 4000)
		if !all || len(t) < 30 || len(t) > 800 || squash(t) == squash(x.a.Title) || reDateOnly.MatchString(t) || x.isByline(t) {
			return ""
		}
		return t
	}
	// holds: the body container and its ancestors.
	holds := map[*html.Node]bool{}
	for a := x.container; a != nil; a = a.Parent {
		holds[a] = true
	}
	// search looks at n and its descendants (three levels) in document
	// order, stopping at the body container.
	stop := false
	var search func(n *html.Node, depth int) string
	search = func(n *html.Node, depth int) string {
		if x.container != nil && n == x.container {
			stop = true
			return ""
		}
		if !holds[n] {
			if t := check(n); t != "" {
				return t
			}
		}
		if depth >= 3 {
			return ""
		}
		for c := n.FirstChild; c != nil && !stop; c = c.NextSibling {
			if t := search(c, depth+1); t != "" {
				return t
			}
		}
		return ""
	}
	if x.titleNode != nil {
		anc := x.titleNode
		for level := 0; level < 3 && anc != nil && !stop; level++ {
			for s := anc.NextSibling; s != nil && !stop; s = s.NextSibling {
				if t := search(s, 0); t != "" {
					x.a.Subtitle, x.subNode = t, s
					return
				}
			}
			anc = anc.Parent
		}
		return
	}
	if x.container == nil {
		return
	}
	// No headline element: the nearest element before the body.
	anc := x.container
	for level := 0; level < 3 && anc != nil; level++ {
		for s := anc.PrevSibling; s != nil; s = s.PrevSibling {
			if t := search(s, 0); t != "" {
				x.a.Subtitle, x.subNode = t, s
				return
			}
		}
		anc = anc.Parent
	}
}

// prevElement returns the element before n among its siblings.
func prevElement(n *html.Node) *html.Node {
	for s := n.PrevSibling; s != nil; s = s.PrevSibling {
		if s.Type == html.ElementNode {
			return s
		}
	}
	return nil
}

func contains(a, b *html.Node) bool {
	for n := b; n != nil; n = n.Parent {
		if n == a {
			return true
		}
	}
	return false
}
