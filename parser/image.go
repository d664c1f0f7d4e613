package parser

import (
	"regexp"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/newsfeed/newsfeed/article"
)

var creditTokens = map[string]bool{
	"credit": true, "credits": true, "copyright": true, "source": true, "author": true, "photographer": true,
	"byline": true, "attribution": true, "rights": true, "courtesy": true, "photocredit": true, "imagecredit": true,
	"quelle": true, "fotograf": true, "autor": true, "license": true, "licence": true,
}

// Credits written into a caption's text. A label ("Foto:", "Photo by")
// must end in a colon or "by", so that "Images via Getty Images" is not
// cut at "Image"; © needs nothing after it.
var (
	reCreditLabel = regexp.MustCompile(`(?i)^(.*?)[\s(\[|/–—,;-]*\b(?:(?:photos?|photograph|picture|images?|fotos?|fotografie|bild|bilder|bildquelle|bildnachweis|fotoquelle|billede|bilde|kuva|isithombe|fotó|credits?|crédit|crédito|quelle|source|fuente|fonte|copyright)\s*(?::|\s+by\s|\s+von\s)|courtesy\s+of\s)\s*(.{2,150}?)\s*$`)
	reCreditSign  = regexp.MustCompile(`(?i)^(.*?)\s*[(\[]?\s*(?:©|\(c\))\s*(.{2,150}?)\s*$`)
)

// leadImage finds the lead image, its figure, caption and credit.
//
// The candidates, in order: the elements that show the og:image (or
// twitter:image, or the JSON-LD image) in the page, matched by file name
// and then ignoring size and crop tokens; a <figure> holding that image; a
// captioned figure near the body's start; the first image between the
// headline and the body. Each gives a holder (a figure or a short block of
// text around the image) and the element its caption is read from. The
// first candidate with a usable caption wins; failing that, the first.
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
	urls := []string{metaImg}

	type cand struct {
		fig, capRoot     *html.Node
		caption, credit  string
		rejected, tested bool
	}
	var first *cand
	seen := map[*html.Node]bool{}
	// try reads a candidate's caption; it reports whether the caption is
	// usable.
	try := func(fig, capRoot *html.Node) *cand {
		if fig == nil || seen[fig] {
			return nil
		}
		seen[fig] = true
		c := &cand{fig: fig, capRoot: capRoot}
		root := capRoot
		if root == nil {
			root = firstDescendant(fig, atom.Figcaption)
		}
		c.caption, c.credit = captionParts(root)
		if c.credit == "" && root != fig {
			c.credit = cleanCredit(creditBeside(fig, root))
		}
		if c.caption == "" && c.credit == "" {
			if dc := dataCaption(fig); dc != "" {
				c.caption, c.credit = splitCaptionText(dc)
			}
		}
		if c.caption != "" && (!usableCaption(c.caption) || x.namesAuthor(c.caption)) {
			c.caption, c.credit, c.rejected = "", "", true
		}
		if first == nil {
			first = c
		}
		if c.caption == "" {
			return nil
		}
		return c
	}
	// Figures with a <figcaption> that show the image come first (those
	// with its file name, then those that show it at another size), then
	// the other holders of the image.
	type holder struct{ fig, capRoot *html.Node }
	var figs, nearFigs, boxes []holder
	exact, near := findImages(x.root, urls, 4)
	for i, list := range [][]*html.Node{exact, near} {
		for _, n := range list {
			f, r := x.imageHolder(n)
			switch {
			case f == nil:
			case f.DataAtom == atom.Figure && r == nil && i == 0:
				figs = append(figs, holder{f, r})
			case f.DataAtom == atom.Figure && r == nil:
				nearFigs = append(nearFigs, holder{f, r})
			default:
				boxes = append(boxes, holder{f, r})
			}
		}
	}
	var got *cand
	for _, h := range figs {
		if got = try(h.fig, h.capRoot); got != nil {
			break
		}
	}
	if got == nil {
		if s := stem(metaImg); s != "" {
			for _, f := range p.figures {
				if figureHasImage(f, s) {
					got = try(f, nil)
					break
				}
			}
		}
	}
	for _, h := range append(nearFigs, boxes...) {
		if got != nil {
			break
		}
		got = try(h.fig, h.capRoot)
	}
	// By position: a figure tried and found wanting (a byline in a
	// <figure>) is passed over for the next one.
	for i := 0; i < 3 && got == nil && x.container != nil; i++ {
		f := x.firstFigureNear(x.container, seen)
		if f == nil {
			break
		}
		got = try(f, nil)
	}
	for i := 0; i < 3 && got == nil && x.container != nil; i++ {
		f, r := x.leadInRegion(seen)
		if f == nil || seen[f] {
			break
		}
		got = try(f, r)
	}
	if got == nil && first != nil && !first.rejected {
		got = first
	}

	img := &article.Image{URL: x.resolveURL(metaImg)}
	if got != nil {
		fig := got.fig
		if x.a.Image == nil || x.a.Image.URL == "" {
			if src := figureImageURL(fig); src != "" && (img.URL == "" || stem(src) == stem(metaImg)) {
				img.URL = x.resolveURL(src)
			}
		}
		img.Caption, img.Credit = got.caption, got.credit
		if img.Credit == "" {
			img.Credit = cleanCredit(x.creditAfter(fig))
		}
		if fig.DataAtom == atom.Figure || x.sc.stat(fig).text <= maxBoxText {
			x.leadFig = fig
		}
	}
	if img.Caption == "" && ldImg.caption != "" && (stem(ldImg.url) == stem(img.URL)) {
		img.Caption = normSpace(ldImg.caption)
		img.Credit = normSpace(ldImg.credit)
	}
	// A caption that is only a labelled credit ("Picture: iStock").
	if c, ok := creditOnly(img.Caption); ok {
		img.Caption = ""
		if img.Credit == "" {
			img.Credit = c
		}
	}
	// The page shows no credit: the JSON-LD image's (creditText,
	// copyrightHolder, author) when it is the same picture.
	if img.Credit == "" && ldImg.credit != "" && stem(img.URL) != "" && stem(ldImg.url) == stem(img.URL) {
		img.Credit = cleanCredit(normSpace(ldImg.credit))
	}
	if img.URL != "" || img.Caption != "" {
		x.a.Image = img
	}
}

// namesAuthor reports whether a caption is only the name of one of the
// article's authors: the picture is a byline's portrait.
func (x *extraction) namesAuthor(caption string) bool {
	for _, a := range x.a.Authors {
		if strings.EqualFold(a, caption) {
			return true
		}
	}
	return false
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

// firstFigureNear returns a figure with an image and a caption just before
// the container (a sibling of one of its near ancestors) or first in it,
// passing over those in skip.
func (x *extraction) firstFigureNear(c *html.Node, skip map[*html.Node]bool) *html.Node {
	// Inside the container, before any good paragraph.
	var found *html.Node
	stop := false
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for ch := n.FirstChild; ch != nil && !stop && found == nil; ch = ch.NextSibling {
			if ch.Type != html.ElementNode {
				continue
			}
			if ch.DataAtom == atom.Figure && !skip[ch] {
				if hasFigcaption(ch) && hasImage(ch) {
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
			if s.DataAtom == atom.Figure && hasFigcaption(s) && hasImage(s) && !skip[s] {
				return s
			}
			// A block that holds no paragraph but the figure's own (a
			// caption may count as one).
			if f := firstDescendant(s, atom.Figure); f != nil && hasFigcaption(f) && hasImage(f) && !skip[f] && x.sc.stat(s).paras == x.sc.stat(f).paras {
				return f
			}
		}
	}
	return nil
}

func hasFigcaption(f *html.Node) bool { return firstDescendant(f, atom.Figcaption) != nil }

// hasImage reports whether n holds an image: an <img>, <picture>, <video>
// or any element with a src (custom image elements such as
// <storefront-image>, <amp-img>).
func hasImage(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		switch c.DataAtom {
		case atom.Img, atom.Picture, atom.Video:
			return true
		}
		if hasAttr(c, "src") || hasAttr(c, "data-src") || hasImage(c) {
			return true
		}
	}
	return false
}

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
	reAgency         = regexp.MustCompile(`(?i)/|getty|reuters|\bap\b|afp|dpa|keystone|imago|epa|picture alliance|shutterstock|associated press|xinhua|tass|anadolu|\bpa\b|istock|연합뉴스|뉴시스|뉴스1`)
	// A Japanese credit: "（代表撮影）", "(共同通信社撮影)".
	reJaCredit = regexp.MustCompile(`^(.+?)\s*[（(]([^（）()]{1,30}?)撮影[）)]$`)
)

// creditBeside returns a credit written in a figure outside its
// figcaption: a <footer>, <small> or <cite>, an element named for a
// credit, or one whose text is a labelled credit ("Foto: Agency").
func creditBeside(fig, fc *html.Node) string {
	var buf []string
	var found string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil && found == ""; c = c.NextSibling {
			if c.Type != html.ElementNode || c == fc {
				continue
			}
			credit := c.DataAtom == atom.Footer || c.DataAtom == atom.Small || c.DataAtom == atom.Cite
			buf = classTokens(c, buf)
			for _, t := range buf {
				if creditTokens[t] {
					credit = true
				}
			}
			if credit {
				if t, all := boundedTextAll(c, 400); all && t != "" {
					found = t
				}
				continue
			}
			// An element that says it is a credit ("Foto: Agency").
			if t, all := boundedTextAll(c, 200); all && t != "" {
				if cr, ok := creditOnly(t); ok {
					found = cr
					continue
				}
			}
			walk(c)
		}
	}
	walk(fig)
	return found
}

// strongCreditTokens name an element as an image credit beyond doubt
// (not "author" or "source", which name bylines and sources too).
var strongCreditTokens = map[string]bool{
	"credit": true, "credits": true, "copyright": true, "photographer": true, "rights": true, "courtesy": true,
	"photocredit": true, "imagecredit": true, "fotograf": true, "attribution": true, "bildrechte": true,
}

// creditAfter returns the credit in a separate element that follows the
// lead image's holder: an element named for a credit or copyright
// (strongCreditTokens) among the next two elements after the holder or
// after one of its two nearest ancestors, with a short text.
func (x *extraction) creditAfter(fig *html.Node) string {
	var buf []string
	steps := 0
	var find func(n *html.Node) string
	find = func(n *html.Node) string {
		if n.Type != html.ElementNode || steps > 60 {
			return ""
		}
		steps++
		buf = classTokens(n, buf)
		for _, t := range buf {
			if strongCreditTokens[t] {
				if t, all := boundedTextAll(n, 200); all && t != "" {
					return t
				}
				return ""
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if t := find(c); t != "" {
				return t
			}
		}
		return ""
	}
	w := fig
	for level := 0; level < 3 && w != nil && w.DataAtom != atom.Body && w != x.container; level++ {
		i := 0
		for s := w.NextSibling; s != nil && i < 2; s = s.NextSibling {
			if s.Type != html.ElementNode {
				continue
			}
			i++
			if x.sc.stat(s).text > maxBoxText {
				return ""
			}
			if t := find(s); t != "" {
				return t
			}
		}
		w = w.Parent
	}
	return ""
}

// cleanCredit strips what surrounds a credit: brackets, ©, and labels
// such as "Foto:" or "Photo by".
func cleanCredit(c string) string {
	for {
		before := c
		c = strings.TrimSpace(c)
		if len(c) > 2 && (c[0] == '(' && c[len(c)-1] == ')' || c[0] == '[' && c[len(c)-1] == ']') {
			c = c[1 : len(c)-1]
		}
		// A closing bracket left over from "(Foto: X)".
		if strings.HasSuffix(c, ")") && strings.Count(c, ")") > strings.Count(c, "(") ||
			strings.HasSuffix(c, "]") && strings.Count(c, "]") > strings.Count(c, "[") {
			c = c[:len(c)-1]
		}
		c = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(c, "©"), "(c)"))
		c = strings.TrimLeft(c, "|/–—-· ")
		c = strings.TrimRight(c, ";, ")
		if m := reCreditPrefix.FindStringIndex(c); m != nil && m[1] < len(c) {
			c = c[m[1]:]
		}
		// "Copyright Shakh Aivazov/Copyright 2024 The AP. All rights
		// reserved": the agency's notice after the photographer goes
		if m := reCopyrightTail.FindStringIndex(c); m != nil && m[0] > 0 {
			c = c[:m[0]]
		}
		c = halfRepeated(c)
		if c == before {
			return c
		}
	}
}

var reCopyrightTail = regexp.MustCompile(`(?i)\s*[/|]\s*(?:copyright|©)\s.*$`)

// halfRepeated returns one half of a string that is the same text twice
// ("Tous droits réservés Euronews Tous droits réservés Euronews"), as a
// credit printed for two layouts reads.
func halfRepeated(s string) string {
	if len(s) < 9 || len(s)%2 == 0 {
		return s
	}
	h := len(s) / 2
	if s[h] == ' ' && s[:h] == s[h+1:] {
		return s[:h]
	}
	return s
}

var reCreditPrefix = regexp.MustCompile(`(?i)^(?:(?:photos?|photograph|picture|images?|fotos?|bild|bilder|bildrechte|bildquelle|bildnachweis|fotoquelle|isithombe|credits?|quelle|source|copyright|symbolfoto|symbolbild)\s*(?::|\s+by\s|\s+von\s)|(?:photo\s+)?courtesy\s+of\s|copyright\s+(?:\(c\)\s*|©\s*)?(?:(?:19|20)\d\d\s+)?)\s*`)

// looksLikeName reports a short run of capitalised words: "Edu Luque".
func looksLikeName(s string) bool {
	w := strings.Fields(s)
	if len(w) < 2 || len(w) > 4 {
		return false
	}
	for _, x := range w {
		r := []rune(x)
		if !unicode.IsUpper(r[0]) {
			return false
		}
	}
	return true
}

// splitCaption returns a figure's caption and credit, kept apart.
func splitCaption(fig *html.Node) (caption, credit string) {
	return captionParts(firstDescendant(fig, atom.Figcaption))
}

// captionParts returns the caption and the credit written in fc (a
// figcaption, or the element that holds an image and its caption).
func captionParts(fc *html.Node) (caption, credit string) {
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
				switch c.DataAtom {
				case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Button:
					continue
				case atom.Br:
					capB.WriteByte(lineBreak)
					continue
				}
				buf = classTokens(c, buf)
				isCredit := c.DataAtom == atom.Small || c.DataAtom == atom.Cite
				for _, t := range buf {
					if creditTokens[t] {
						isCredit = true
					}
				}
				if isCredit {
					// The same credit twice (one copy for small screens)
					// is one credit.
					if t := nodeText(c); t != "" && !slices.Contains(credits, t) {
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
	text := capB.String()
	if len(credits) == 0 && strings.IndexByte(text, lineBreak) >= 0 {
		text, credit = creditLine(text)
		if credit != "" {
			return normSpace(text), cleanCredit(credit)
		}
	}
	caption = normSpace(strings.ReplaceAll(text, string(lineBreak), " "))
	credit = normSpace(strings.Join(credits, " "))
	if credit == "" {
		return splitCaptionText(caption)
	}
	return strings.TrimRight(caption, " |/–—-"), cleanCredit(credit)
}

// lineBreak marks a <br> in a caption's text.
const lineBreak = '\x00'

// creditLine splits off a caption's first or last line (lines end at a
// <br>) when it is a credit: a name or an agency, no sentence, while the
// rest is the caption ("<span>The Yomiuri Shimbun</span><br>Caption.").
func creditLine(text string) (caption, credit string) {
	lines := strings.Split(text, string(lineBreak))
	var kept []string
	for _, l := range lines {
		if l = normSpace(l); l != "" {
			kept = append(kept, l)
		}
	}
	creditLike := func(t string) bool {
		return len(t) >= 2 && len(t) <= 80 && !hasFields(t, 7) && !strings.ContainsAny(t, ".!?:") &&
			(reAgency.MatchString(t) || looksLikeName(t))
	}
	if len(kept) == 2 {
		switch {
		case creditLike(kept[0]) && len(kept[1]) >= 20 && !creditLike(kept[1]):
			return kept[1], kept[0]
		case creditLike(kept[1]) && len(kept[0]) >= 20 && !creditLike(kept[0]):
			return kept[0], kept[1]
		}
	}
	return strings.Join(kept, " "), ""
}

// reCreditOnly matches a caption that is only a labelled credit:
// "Picture: iStock", "коллаж: Jane Doe", "© Agency", "(Foto: dpa)".
var reCreditOnly = regexp.MustCompile(`(?i)^[(\[]?\s*(?:(?:photos?|photograph|picture|images?|fotos?|fotografie|bild|bilder|bildquelle|bildnachweis|fotoquelle|symbolfoto|symbolbild|billede|bilde|kuva|fotó|credits?|crédit|crédito|quelle|source|fuente|fonte|copyright|фото|фотография|коллаж|колаж|иллюстрация|ілюстрація|источник|джерело)\s*(?::|\s+by\s|\s+von\s)|courtesy\s+of\s|©|\(c\)\s)\s*([^:]{2,80}?)\s*[)\]]?$`)

// creditOnly returns the credit when s is nothing but a labelled credit
// (a short one: a name or an agency, not a sentence).
func creditOnly(s string) (string, bool) {
	m := reCreditOnly.FindStringSubmatch(s)
	if m == nil || hasFields(m[1], 9) || strings.Contains(m[1], ". ") {
		return "", false
	}
	return cleanCredit(m[1]), true
}

// splitCaptionText splits a credit written into a caption's text off it:
// "Caption. Foto: Agency", "Caption © Agency", "Caption. (Agency)". A
// caption that is only a labelled credit ("Picture: iStock") is a credit.
func splitCaptionText(s string) (caption, credit string) {
	caption = normSpace(s)
	if c, ok := creditOnly(caption); ok {
		return "", c
	}
	for _, re := range []*regexp.Regexp{reCreditLabel, reCreditSign} {
		if m := re.FindStringSubmatch(caption); m != nil && len(strings.TrimSpace(m[1])) > 0 {
			caption, credit = strings.TrimSpace(m[1]), strings.TrimSpace(m[2])
			break
		}
	}
	if credit == "" {
		// "Caption. (Agency)", "Caption. (Jane Doe)".
		if m := reTrailingCredit.FindStringSubmatch(caption); m != nil && (reAgency.MatchString(m[2]) || looksLikeName(m[2])) {
			caption, credit = strings.TrimSpace(m[1]), strings.TrimSpace(m[2])
		}
	}
	if credit == "" {
		if m := reJaCredit.FindStringSubmatch(caption); m != nil {
			caption, credit = m[1], m[2]
		}
	}
	if credit == "" {
		caption, credit = splitTrailingCredit(caption)
	}
	credit = cleanCredit(credit)
	caption = strings.TrimRight(caption, " |/–—-")
	return caption, credit
}

// splitTrailingCredit splits a credit written after a caption without a
// label: after its last sentence ("Caption. IMAGO/Jane Doe", "Caption.
// 연합뉴스": an agency), after " | " ("Caption | Jane Doe/PA Images via
// Getty Images": an agency or a name) or after " / " (a name only).
func splitTrailingCredit(s string) (caption, credit string) {
	creditLike := func(t string, names bool) bool {
		if len(t) < 2 || len(t) > 80 || hasFields(t, 9) || endsSentence(t) {
			return false
		}
		return reAgency.MatchString(t) || names && looksLikeName(t)
	}
	head := func(i int) bool { return len(strings.TrimSpace(s[:i])) >= 20 }
	// After the last sentence.
	for i := len(s) - 2; i > 0; i-- {
		if s[i] == ' ' && strings.ContainsRune(".!?。", rune(s[i-1])) {
			if t := s[i+1:]; head(i) && creditLike(t, false) && !strings.ContainsAny(t, ".!?") {
				return s[:i], t
			}
			break
		}
	}
	if i := strings.LastIndex(s, " | "); i > 0 && head(i) && creditLike(s[i+3:], true) {
		return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+3:])
	}
	if i := strings.LastIndex(s, " / "); i > 0 && head(i) && looksLikeName(s[i+3:]) {
		return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+3:])
	}
	return s, ""
}

var subtitleTokens = map[string]bool{
	"standfirst": true, "dek": true, "deck": true, "subtitle": true, "subheadline": true, "subheading": true,
	"lead": true, "lede": true, "intro": true, "summary": true, "excerpt": true, "description": true,
	"abstract": true, "strapline": true, "teaser": true, "kicker": false, "sapo": true, "chapo": true,
	"entradilla": true, "bajada": true, "sottotitolo": true, "occhiello": false, "vorspann": true, "einleitung": true,
	"articlelead": true, "articleintro": true, "leadtext": true, "introtext": true, "headline2": true,
}

// namedStandfirst reports an element whose class or id names it as a
// standfirst ("lead", "intro", "einleitung").
func namedStandfirst(n *html.Node, buf []string) ([]string, bool) {
	return namedAs(n, buf, subtitleTokens)
}

// namedAs reports an element whose class or id tokens, alone or two run
// together ("img-info" → "imginfo"), are among names.
func namedAs(n *html.Node, buf []string, names map[string]bool) ([]string, bool) {
	buf = classTokens(n, buf)
	for i, t := range buf {
		if names[t] || i > 0 && names[buf[i-1]+t] {
			return buf, true
		}
	}
	return buf, false
}

// maxStandfirst is the longest text (bytes) taken as a standfirst: a
// long lead runs to 150 words. A text with a photo credit ("©") is a
// caption, not a standfirst.
const maxStandfirst = 1200

// subtitle looks for the standfirst near the headline: an element named
// for it (standfirst, lead, dek, ...), an h2 beside the headline, or the
// paragraph that directly follows the headline outside the body. Without a
// headline element it looks just before the body.
func (x *extraction) subtitle() {
	if x.a.Subtitle != "" {
		return
	}
	if n := x.findSubtitle(); n != nil {
		x.a.Subtitle = x.moreLead(n, x.a.Subtitle)
	}
}

// moreLead adds to the standfirst t, the text of paragraph n, the
// paragraphs after n that continue it: siblings of the same kind (tag and
// class) outside the body container that end a sentence, as a lead of two
// or three short paragraphs is set (not a credit line after it). One
// paragraph a line.
func (x *extraction) moreLead(n *html.Node, t string) string {
	if n.DataAtom != atom.P || x.container == nil || contains(x.container, n) || contains(n, x.container) {
		return t
	}
	class := getAttr(n, "class")
	for s := n.NextSibling; s != nil; s = s.NextSibling {
		if s.Type == html.TextNode && strings.TrimSpace(s.Data) == "" {
			continue
		}
		if s.Type != html.ElementNode || s.DataAtom != atom.P || getAttr(s, "class") != class {
			break
		}
		st := x.sc.stat(s)
		if st.text == 0 || 3*st.link >= st.text || contains(s, x.container) {
			break
		}
		u, all := boundedTextAll(s, 4000)
		if !all || len(t)+len(u) > maxStandfirst || !endsSentence(u) || strings.Contains(u, "©") || reBoiler.MatchString(u) || isDateline(u) || x.isByline(u) {
			break
		}
		t += "\n" + u
	}
	return t
}

// findSubtitle sets the subtitle and returns the paragraph it took it
// from, if it knows it.
func (x *extraction) findSubtitle() *html.Node {
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
		// A line that is mostly a link points elsewhere ("This article is
		// part of the special <a>…</a>"): a standfirst is the story's own.
		if st := x.sc.stat(n); 3*st.link >= st.text && st.text > 0 {
			return ""
		}
		t, all := boundedTextAll(n, 4000)
		if !all || len(t) < 30 || len(t) > maxStandfirst || strings.Contains(t, "©") || squash(t) == squash(x.a.Title) || reDateOnly.MatchString(t) || isDateline(t) || x.isByline(t) {
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
	var hit *html.Node // the element search took the text of
	var search func(n *html.Node, depth int) string
	search = func(n *html.Node, depth int) string {
		if x.container != nil && n == x.container {
			stop = true
			return ""
		}
		if !holds[n] {
			if t := check(n); t != "" {
				hit = n
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
					return hit
				}
			}
			anc = anc.Parent
		}
		if t, n := x.leadParagraph(x.titleNode); n != nil {
			x.a.Subtitle, x.subNode = t, n
			return n
		}
		return nil
	}
	if x.container == nil {
		return nil
	}
	// No headline element: the nearest element before the body.
	anc := x.container
	for level := 0; level < 3 && anc != nil; level++ {
		for s := anc.PrevSibling; s != nil; s = s.PrevSibling {
			if t := search(s, 0); t != "" {
				x.a.Subtitle, x.subNode = t, s
				return hit
			}
		}
		anc = anc.Parent
	}
	// Failing that, the page's first <h1> outside boilerplate still
	// heads the article, though it did not match the page's title: a
	// paragraph under it is the standfirst.
	for _, h := range x.info.h1 {
		if x.insideNeg(h) {
			continue
		}
		if t, n := x.leadParagraph(h); n != nil {
			x.a.Subtitle, x.subNode = t, n
			return n
		}
		break
	}
	return nil
}

// leadScan is how many nodes leadParagraph looks at after the headline: a
// headline set in a breadcrumb lies a page header's worth of markup above
// the standfirst.
const leadScan = 400

// leadParagraph finds a standfirst that carries no name: the first
// paragraph of plain text (a sentence or more, few links), or subheading
// or <div> named for a standfirst that ends a sentence, between the
// headline and the body container, in
// document order, outside figures and boxes named for boilerplate (a
// header box is fine).
func (x *extraction) leadParagraph(head *html.Node) (string, *html.Node) {
	if x.container == nil || head == nil || contains(head, x.container) {
		return "", nil
	}
	n := head
	inside := false
	for i := 0; i < leadScan; i++ {
		n = nextInOrder(n, head)
		if n == nil || contains(n, x.container) && n.DataAtom == atom.P {
			return "", nil
		}
		if n == x.container {
			// The headline above the body's container: a standfirst at
			// its top, named for one, in a box the body leaves out
			// (named "header") is still the standfirst; the body's first
			// paragraph ends the search.
			inside = true
			continue
		}
		if inside && n.Type == html.ElementNode {
			st := x.sc.stat(n)
			if !st.inNeg && !st.neg && n.DataAtom == atom.P && st.paras > 0 {
				return "", nil
			}
			var named bool
			if x.buf, named = namedStandfirst(n, x.buf); !named || !st.inNeg && !st.neg {
				continue
			}
		}
		if n.Type == html.ElementNode && (n.DataAtom == atom.Ul || n.DataAtom == atom.Ol) && n.Parent == head.Parent {
			if t := x.leadPoints(n); t != "" {
				return t, n
			}
		}
		if n.Type != html.ElementNode || n.DataAtom != atom.P && !leadHeadingAtom(n.DataAtom) && !x.namedLeadBlock(n) || contains(n, x.container) {
			continue
		}
		st := x.sc.stat(n)
		if st.text < 80 || 5*st.link >= st.text || st.inStrongNeg || st.h >= hintStrongNeg || insideFigure(n) {
			continue
		}
		t, all := boundedTextAll(n, 4000)
		if !all || len(t) > maxStandfirst || strings.Contains(t, "©") || isDateline(t) || x.isByline(t) {
			continue
		}
		// A standfirst set as a subheading (an h2 under the h1) reads as
		// one: a sentence or more of text, not a section's title.
		if n.DataAtom != atom.P && (st.text < leadText || !endsSentence(t) && st.text < longLeadHeading) {
			continue
		}
		return t, n
	}
	return "", nil
}

// namedLeadBlock reports a block of text with no blocks inside (a <div>
// used as a paragraph) named for a standfirst ("c-summary__intro").
func (x *extraction) namedLeadBlock(n *html.Node) bool {
	if n.DataAtom != atom.Div && n.DataAtom != atom.Section || x.sc.stat(n).hasBlock {
		return false
	}
	var ok bool
	x.buf, ok = namedStandfirst(n, x.buf)
	return ok
}

// longLeadHeading is the text (non-space bytes) of a heading under the
// headline that is a standfirst even without a full stop at its end (as
// Spanish and Italian papers set theirs): far longer than a section's
// title.
const longLeadHeading = 120

// maxLeadPoints is the most items a standfirst set as a list holds.
const maxLeadPoints = 5

// leadPoints returns the text of a standfirst set as a short list of
// points beside the headline ("What matters: - … - …"), one item a line:
// two to maxLeadPoints items of plain text (no links), a sentence's worth
// in all. It returns "" for other lists.
func (x *extraction) leadPoints(l *html.Node) string {
	st := x.sc.stat(l)
	if st.link > 0 || st.text < 80 || st.h >= hintWeakNeg || st.inNeg {
		return ""
	}
	var items []string
	for c := l.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if c.DataAtom != atom.Li || len(items) == maxLeadPoints {
			return ""
		}
		t, all := boundedTextAll(c, maxStandfirst)
		if !all || t == "" {
			return ""
		}
		items = append(items, t)
	}
	if len(items) < 2 {
		return ""
	}
	t := strings.Join(items, "\n")
	if len(t) > maxStandfirst || strings.Contains(t, "©") {
		return ""
	}
	return t
}

// leadHeadingAtom reports the headings a standfirst may be set as.
func leadHeadingAtom(a atom.Atom) bool {
	return a == atom.H2 || a == atom.H3 || a == atom.H4
}

// nextInOrder returns the element after n in document order, not
// descending into from (where the walk started).
func nextInOrder(n, from *html.Node) *html.Node {
	if n != from && n.FirstChild != nil {
		return n.FirstChild
	}
	for ; n != nil; n = n.Parent {
		if n.NextSibling != nil {
			return n.NextSibling
		}
	}
	return nil
}

func insideFigure(n *html.Node) bool {
	for a := n.Parent; a != nil; a = a.Parent {
		if a.DataAtom == atom.Figure || a.DataAtom == atom.Figcaption {
			return true
		}
	}
	return false
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

// leadInRegion looks at what lies between the headline (or the start of
// the body) and the body's first paragraph, in document order, for the
// lead image: a <figure> (returned with a nil caption root), or an image
// inside a short block of text (returned with that block as both),
// passing over those in skip. It reads a bounded number of elements.
func (x *extraction) leadInRegion(skip map[*html.Node]bool) (fig, capRoot *html.Node) {
	c := x.container
	var firstPara *html.Node
	var find func(*html.Node) bool
	find = func(n *html.Node) bool {
		for ch := n.FirstChild; ch != nil; ch = ch.NextSibling {
			if ch.Type != html.ElementNode {
				continue
			}
			if ch.DataAtom == atom.P && x.sc.stat(ch).paras > 0 {
				var lead bool
				if x.buf, lead = namedStandfirst(ch, x.buf); !lead {
					firstPara = ch
					return true
				}
				continue
			}
			if x.sc.stat(ch).paras > 0 && find(ch) {
				return true
			}
		}
		return false
	}
	find(c)
	// Where to look: after the headline; failing that, from the start of
	// the headline's parent and grandparent (an opener image above the
	// headline); without a headline, the body's start.
	type from struct {
		n       *html.Node
		descend bool
	}
	var starts []from
	t := x.titleNode
	if t == nil {
		// No headline matched a meta title: the page's first <h1> before
		// the body still marks where the article's head is.
		for _, h := range x.info.h1 {
			if precedes(h, c) && !x.insideNeg(h) {
				t = h
				break
			}
		}
	}
	if t != nil && (precedes(t, c) || contains(c, t)) {
		starts = append(starts, from{t, false})
		for a, i := t.Parent, 0; a != nil && i < 2 && a != c && !contains(a, c); a, i = a.Parent, i+1 {
			starts = append(starts, from{a, true})
		}
	} else {
		starts = append(starts, from{c, true})
	}
	for _, st := range starts {
		if f, r := x.leadFrom(st.n, st.descend, firstPara, skip); f != nil {
			return f, r
		}
	}
	return nil, nil
}

// leadFrom walks from start (into it, or past it) towards stop for the
// lead image; see leadInRegion.
func (x *extraction) leadFrom(start *html.Node, descend bool, stop *html.Node, skip map[*html.Node]bool) (fig, capRoot *html.Node) {
	n := skipSubtree(start)
	if descend {
		n = nextNode(start)
	}
	for steps := 0; n != nil && n != stop && steps < 4000; {
		if n.Type == html.ElementNode {
			steps++
			switch n.DataAtom {
			case atom.Nav, atom.Footer, atom.Form, atom.Menu:
				// Menus hold no lead image, and can be long.
				n = skipSubtree(n)
				continue
			case atom.Figure:
				if !skip[n] && (firstDescendant(n, atom.Img) != nil || firstDescendant(n, atom.Picture) != nil) {
					if !x.insideNeg(n) {
						if firstDescendant(n, atom.Figcaption) != nil {
							return n, nil
						}
						if st := x.sc.stat(n); st.text > 0 && st.text <= maxBoxText {
							return n, n
						}
					}
				}
			case atom.Img, atom.Picture:
				if box := x.captionBox(n); box != nil && !skip[box] {
					return box, box
				}
			}
		}
		n = nextNode(n)
	}
	return nil, nil
}

// captionBox returns the short block of text around an image: the nearest
// ancestor holding text, when it is short, not a paragraph or heading, and
// not the headline's or the body's container.
func (x *extraction) captionBox(img *html.Node) *html.Node {
	if tinyImage(img) {
		return nil
	}
	for a := img.Parent; a != nil; a = a.Parent {
		if a.Type != html.ElementNode || a == x.container || a.DataAtom == atom.Body {
			return nil
		}
		st := x.sc.stat(a)
		if st.text == 0 {
			continue
		}
		var named bool
		x.buf, named = namedCaption(a, x.buf)
		switch a.DataAtom {
		case atom.P, atom.Li, atom.Td, atom.Th, atom.Blockquote, atom.A,
			atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
			if !named || a.DataAtom == atom.A {
				return nil
			}
		}
		if st.text > maxBoxText || x.titleNode != nil && contains(a, x.titleNode) || x.insideNeg(a) {
			return nil
		}
		if !named && !isBlockAtom(a.DataAtom) && !st.hasBlock && hasOwnText(a) {
			// An image inside a run of text ("<strong><img>Text").
			return nil
		}
		if !named && a.DataAtom != atom.Figure && holdsHeadingOrList(a) {
			// A heading or a list beside the picture: a section of text
			// with an illustration (a welcome with a portrait, a product's
			// points beside its shot), not a caption.
			return nil
		}
		return a
	}
	return nil
}

// hasOwnText reports whether n has a text child that is not white space.
func hasOwnText(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode && strings.TrimSpace(c.Data) != "" {
			return true
		}
	}
	return false
}

// nextNode returns the node after n in document order.
func nextNode(n *html.Node) *html.Node {
	if n.FirstChild != nil {
		return n.FirstChild
	}
	return skipSubtree(n)
}

// skipSubtree returns the node after n's subtree in document order.
func skipSubtree(n *html.Node) *html.Node {
	for ; n != nil; n = n.Parent {
		if n.NextSibling != nil {
			return n.NextSibling
		}
	}
	return nil
}

// precedes reports whether a comes before b in document order (and does
// not contain it).
func precedes(a, b *html.Node) bool {
	// Walk up from both to their common ancestor and compare the children
	// they descend through.
	depth := func(n *html.Node) int {
		d := 0
		for ; n != nil; n = n.Parent {
			d++
		}
		return d
	}
	da, db := depth(a), depth(b)
	for da > db {
		a, da = a.Parent, da-1
	}
	for db > da {
		b, db = b.Parent, db-1
	}
	if a == b {
		return false
	}
	for a.Parent != b.Parent {
		a, b = a.Parent, b.Parent
	}
	for s := a.NextSibling; s != nil; s = s.NextSibling {
		if s == b {
			return true
		}
	}
	return false
}

// holdsHeadingOrList reports whether n's subtree holds a heading or a
// list.
func holdsHeadingOrList(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if isHeading(c.DataAtom) || c.DataAtom == atom.Ul || c.DataAtom == atom.Ol || holdsHeadingOrList(c) {
			return true
		}
	}
	return false
}
