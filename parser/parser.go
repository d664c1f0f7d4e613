// Package parser extracts articles from HTML pages with goquery: the main
// content without boilerplate, and the metadata around it.
//
// The generic extractor scores every element of the page by the paragraph
// text it holds (long runs of text with few links count for it, link lists,
// short fragments and elements named for boilerplate count against it) and
// takes the best-scoring element as the body. Site rules (CSS selectors) can
// name the body and metadata for one site; what a rule leaves out, the
// generic extractor fills in.
package parser

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/internal/charset"
)

// Version is the generic extractor's version, reported in extraction.version.
const Version = "1.0"

// MaxPageSize is the largest page Extract accepts.
const MaxPageSize = 16 << 20

// Errors.
var (
	ErrNotHTML    = errors.New("parser: not an HTML document")
	ErrNotArticle = errors.New("parser: page is not an article")
	ErrTooLarge   = errors.New("parser: page too large")
	ErrTooDeep    = errors.New("parser: page nested too deeply")
)

// Rule holds CSS selectors for one site, layered over the generic extractor.
// Body names the element(s) holding the article text, Drop what to remove
// from them; Title, Byline, Date, Caption, Credit and Image name the
// metadata elements. Empty selectors leave the generic extractor's answer.
type Rule struct {
	Name    string
	Version string
	Body    string
	Drop    []string
	Title   string
	Byline  string
	Date    string
	Caption string
	Credit  string
	Image   string
}

// Options describe the page being extracted.
type Options struct {
	// URL is the page's address, for resolving links and checking the canonical URL.
	URL string
	// ContentType is the HTTP Content-Type header, for the charset.
	ContentType string
}

// Extractor extracts articles. It is safe for concurrent use: it holds only
// its rules, which it never changes after New.
type Extractor struct {
	rules map[string]Rule
}

// New returns an Extractor with the built-in site rules and the given ones,
// keyed by domain; given rules override built-in ones for the same domain.
func New(rules map[string]Rule) *Extractor {
	r := make(map[string]Rule, len(rules)+1)
	for d, rule := range BuiltinRules() {
		r[d] = rule
	}
	for d, rule := range rules {
		d = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(d)), "www.")
		if base, ok := r[d]; ok {
			rule = layerRule(base, rule)
		}
		if rule.Name == "" {
			rule.Name = d
		}
		if rule.Version == "" {
			rule.Version = "1"
		}
		r[d] = rule
	}
	return &Extractor{rules: r}
}

// extraction is the state of one Extract call.
type extraction struct {
	a         *article.Article
	doc       *goquery.Document
	root      *html.Node
	base      *url.URL
	info      *pageInfo
	ld        *ldArticle
	sc        *scorer
	container *html.Node
	titleNode *html.Node
	subNode   *html.Node
	leadFig   *html.Node
	skip      map[*html.Node]bool
	negAbove  map[*html.Node]bool // see insideNeg
	buf       []string
	// titleSq is squash(titleSqOf), the title keep compares blocks with.
	titleSq, titleSqOf string
}

// Extract returns the article in page. The result has no id, source or feed
// item; the caller sets those. A page that holds no article text gives
// ErrNotArticle; a page that has some text but does not look like an
// article (a home page, a gallery) gives a result with IsArticle false.
func (e *Extractor) Extract(page []byte, opts Options) (*article.Article, error) {
	x, err := e.extract(page, opts)
	if err != nil {
		return nil, err
	}
	x.sc.release()
	return x.a, nil
}

// extract does Extract's work and returns its whole state.
func (e *Extractor) extract(page []byte, opts Options) (*extraction, error) {
	if len(page) > MaxPageSize {
		return nil, fmt.Errorf("%w: %d bytes", ErrTooLarge, len(page))
	}
	if !looksLikeHTML(page) {
		return nil, ErrNotHTML
	}
	ct := opts.ContentType
	if !strings.Contains(strings.ToLower(ct), "charset") && hasNonASCII(page) && utf8.Valid(page) {
		// Bytes that are valid UTF-8 and not plain ASCII are UTF-8 whatever
		// a stale <meta charset> says: legacy encodings almost never form
		// valid multi-byte sequences by chance.
		ct = "text/html; charset=utf-8"
	}
	utf, _ := charset.DecodeHTML(page, ct)
	root, err := html.Parse(bytes.NewReader(utf))
	if err != nil {
		if strings.Contains(err.Error(), "exceeds") {
			return nil, fmt.Errorf("%w: %v", ErrTooDeep, err)
		}
		return nil, fmt.Errorf("parser: %w", err)
	}
	x := &extraction{
		a:    &article.Article{Schema: article.Schema, URL: opts.URL, Authors: []string{}},
		doc:  goquery.NewDocumentFromNode(root),
		root: root,
		skip: map[*html.Node]bool{},
	}
	if opts.URL != "" {
		if u, err := url.Parse(opts.URL); err == nil && u.Host != "" {
			x.base = u
		}
	}
	x.info = collect(root)
	x.ld = parseJSONLD(x.info.jsonld)
	x.meta()

	rule, hasRule := Rule{}, false
	if x.base != nil {
		rule, hasRule = e.ruleFor(x.base.Hostname())
	}
	if hasRule {
		x.applyRuleMeta(rule)
	}

	body := findBody(root)
	if body == nil {
		return nil, ErrNotArticle
	}
	var ruleNodes []*html.Node
	if hasRule {
		ruleNodes = x.ruleBody(rule)
	}
	prune(body)
	x.sc = newScorer(body)
	x.sc.title = x.titleNode
	x.sc.visit(body, false)
	x.sc.pick(body)

	var blocks []block
	if len(ruleNodes) > 0 {
		x.container = ruleNodes[0]
		x.a.Extraction = article.Extraction{Method: article.MethodSiteRule, Rule: rule.Name, Version: rule.Version}
		x.finishMeta(true)
		for _, n := range ruleNodes {
			blocks = x.emit(blocks, n, true)
		}
	} else {
		x.container = x.tabPanes(x.mergeSections(x.widen(x.oneArticle(x.sc.best))))
		x.a.Extraction = article.Extraction{Method: article.MethodGeneric, Version: Version}
		x.finishMeta(false)
		if x.container != nil {
			before, after := x.extend(x.container)
			ib, ia := x.ingredients(x.container)
			if q := x.question(x.container); q != nil {
				ib = append([]*html.Node{q}, ib...)
			}
			before = append(apart(ib, before, after), before...)
			after = append(after, apart(ia, before, after)...)
			ref := x.sc.stat(x.container).good
			for _, n := range before {
				blocks = x.emitRef(blocks, n, ref)
			}
			blocks = x.emit(blocks, x.container, false)
			for _, n := range after {
				blocks = x.emitRef(blocks, n, ref)
			}
		}
	}
	x.assemble(blocks)
	x.fallbackBody()
	if x.a.WordCount < minOwnWords && len(x.info.flight) > 0 {
		e.flightBody(x, opts)
	}
	if x.a.WordCount < minOwnWords && x.a.Subtitle == "" {
		x.describedLead()
	}
	if x.a.Language == "" {
		x.a.Language = detectLang(x.a.Text)
	}
	if x.a.Text == "" && x.a.Title == "" {
		return nil, ErrNotArticle
	}
	isArt := x.isArticle()
	x.a.IsArticle = &isArt
	return x, nil
}

// describedLead takes the page's description (og:description, the meta
// description) as the standfirst of a page whose markup holds next to no
// text (a client-rendered page): it is all the page says of the story
// before its script runs. A description the text already holds is not
// taken.
func (x *extraction) describedLead() {
	d := normSpace(x.info.first("og:description", "description", "twitter:description"))
	if len(d) < 80 || len(d) > maxStandfirst || strings.Contains(x.a.Text, d) || squash(d) == squash(x.a.Title) {
		return
	}
	x.a.Subtitle = d
}

// apart returns the nodes of add that neither hold nor lie in a node of
// before or after: what extend took already is not emitted twice.
func apart(add, before, after []*html.Node) []*html.Node {
	if len(add) == 0 {
		return add
	}
	taken := append(before[:len(before):len(before)], after...)
	out := add[:0]
	for _, n := range add {
		ok := true
		for _, m := range taken {
			if contains(m, n) || contains(n, m) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, n)
		}
	}
	return out
}

// minOwnWords is the fewest words of body the page's markup must give
// before the payload of a client-rendered page is not read.
const minOwnWords = 50

// flightBody takes the body from the Next.js payload (flightHTML) when the
// markup gave next to none: the payload's HTML is extracted as a page of
// its own, and its text replaces the markup's when it holds an article's
// worth of words.
func (e *Extractor) flightBody(x *extraction, opts Options) {
	h := flightHTML(x.info.flight)
	if h == "" {
		return
	}
	sub, err := e.extract([]byte("<!DOCTYPE html><html><body><article>"+h+"</article></body></html>"), Options{URL: opts.URL, ContentType: "text/html; charset=utf-8"})
	if err != nil {
		return
	}
	sub.sc.release()
	if sub.a.WordCount < 80 || sub.a.WordCount < 2*x.a.WordCount {
		return
	}
	x.a.Text, x.a.HTML, x.a.WordCount = sub.a.Text, sub.a.HTML, sub.a.WordCount
}

// finishMeta finds what needs the body container: the lead image and the
// subtitle.
func (x *extraction) finishMeta(rule bool) {
	if !rule || x.a.Image == nil || x.a.Image.Caption == "" {
		x.leadImage()
	}
	x.subtitle()
	if x.a.PublishedAt.IsZero() && x.container != nil {
		x.a.PublishedAt = x.dateAtContainer()
	}
}

// emit appends n's blocks to dst.
func (x *extraction) emit(dst []block, n *html.Node, rule bool) []block {
	return x.emitWith(&emitter{sc: x.sc, base: x.base, root: n, rootGood: x.sc.stat(n).good, skip: x.skip, rule: rule, blocks: dst})
}

// emitRef appends the blocks of n, a block beside the container, to dst,
// judging the boilerplate inside it against the container's good text (ref).
func (x *extraction) emitRef(dst []block, n *html.Node, ref float64) []block {
	return x.emitWith(&emitter{sc: x.sc, base: x.base, root: n, rootGood: ref, skip: x.skip, blocks: dst})
}

func (x *extraction) emitWith(em *emitter) []block {
	n := em.root
	if x.leadFig != nil {
		x.skip[x.leadFig] = true
	}
	if x.titleNode != nil {
		x.skip[x.titleNode] = true
	}
	em.markImageBoxes(n)
	em.walk(n)
	return em.blocks
}

func (x *extraction) resolveURL(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	if x.base != nil {
		u = x.base.ResolveReference(u)
	}
	if u.Scheme == "" && strings.HasPrefix(s, "//") {
		u.Scheme = "https"
	}
	return u.String()
}

// isArticle tells an article from a home page, a section or tag front, a
// search result or a gallery. Long texts are articles unless the address
// is a front; shorter ones need evidence that they are one story: an
// article type in JSON-LD or og:type, a publication date, a headline
// element, a byline, an address that names the story (a slug or an id).
func (x *extraction) isArticle() bool {
	a := x.a
	front := false
	if x.base != nil {
		p := strings.Trim(x.base.Path, "/")
		switch {
		case (p == "" || p == "index.html" || p == "index.php" || p == "index.htm") && x.base.RawQuery == "":
			front = true
		case listingPath(p):
			front = true
		}
	}
	typed := x.ld != nil && articleTypes[strings.ToLower(x.ld.typ)] >= 2 || strings.EqualFold(x.info.first("og:type"), "article")
	if front {
		return typed && a.WordCount >= 300
	}
	evidence := 0
	for _, ok := range []bool{typed, !a.PublishedAt.IsZero(), x.titleNode != nil, len(a.Authors) > 0, x.base != nil && storyPath(x.base.Path)} {
		if ok {
			evidence++
		}
	}
	switch {
	case a.WordCount >= 150:
		return true
	case a.WordCount >= 40:
		return evidence >= 2
	case a.WordCount >= 15:
		return typed && evidence >= 3
	}
	return false
}

// listingKeys name the fronts that list stories: sections by topic, tags,
// authors, archives, search results.
var listingKeys = map[string]bool{
	"tag": true, "tags": true, "category": true, "categories": true, "topic": true, "topics": true,
	"themen": true, "author": true, "authors": true, "autor": true, "search": true, "suche": true,
	"archive": true, "archiv": true,
}

// listingPath reports the address of a front: a listing key as the last
// segment, or followed by one segment that does not name a story
// ("/tag/politics/", not "/themen/aydan-oezoguz-vizepraesidentin"), or
// "/page/2".
func listingPath(p string) bool {
	segs := strings.Split(strings.ToLower(p), "/")
	n := len(segs)
	switch {
	case n >= 1 && listingKeys[segs[n-1]]:
		return true
	case n >= 2 && listingKeys[segs[n-2]] && !storyPath(segs[n-1]):
		return true
	case n >= 2 && segs[n-2] == "page" && segs[n-1] != "" && strings.Trim(segs[n-1], "0123456789") == "":
		return true
	}
	return false
}

// storyPath reports an address that names one story: a last segment that
// is a slug of three or more words, or that holds a long number.
func storyPath(p string) bool {
	seg := p
	if i := strings.LastIndexByte(strings.TrimRight(p, "/"), '/'); i >= 0 {
		seg = strings.TrimRight(p, "/")[i+1:]
	}
	if strings.Count(seg, "-")+strings.Count(seg, "_") >= 2 {
		return true
	}
	digits := 0
	for _, c := range seg {
		if c >= '0' && c <= '9' {
			digits++
			if digits >= 5 {
				return true
			}
		} else {
			digits = 0
		}
	}
	return false
}

func hasNonASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

var binaryMagic = [][]byte{
	[]byte("%PDF"), []byte("\x89PNG"), []byte("GIF8"), []byte("\xff\xd8\xff"), []byte("PK\x03\x04"),
	[]byte("\x1f\x8b"), []byte("RIFF"), []byte("\x00\x00\x01\x00"), []byte("OggS"), []byte("ID3"),
	[]byte("\x7fELF"), []byte("BZh"), []byte("7z\xbc\xaf"),
}

func looksLikeHTML(b []byte) bool {
	for _, m := range binaryMagic {
		if bytes.HasPrefix(b, m) {
			return false
		}
	}
	head := b
	if len(head) > 1024 {
		head = head[:1024]
	}
	// UTF-16 pages have NUL bytes; a BOM says so.
	if bytes.HasPrefix(head, []byte{0xFE, 0xFF}) || bytes.HasPrefix(head, []byte{0xFF, 0xFE}) {
		return true
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return false
	}
	return bytes.IndexByte(b[:min(len(b), 64<<10)], '<') >= 0
}
