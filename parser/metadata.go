package parser

import (
	"net/url"
	"path"
	"regexp"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/publicsuffix"

	"github.com/newsfeed/newsfeed/article"
)

// meta fills a's metadata from the collected page information.
func (x *extraction) meta() {
	a, p, ld := x.a, x.info, x.ld
	host := ""
	if x.base != nil {
		host = x.base.Hostname()
	}

	// Site name first: the title cleaner uses it.
	a.SiteName = p.first("og:site_name", "application-name", "al:ios:app_name", "twitter:app:name:iphone")
	if a.SiteName == "" && ld != nil {
		a.SiteName = ld.publisher
	}
	a.SiteName = normSpace(a.SiteName)

	x.title()
	x.authors()
	x.dates()

	// Language.
	lang := p.lang
	if lang == "" {
		lang = p.first("content-language", "language", "dc.language", "og:locale")
	}
	if lang == "" && ld != nil {
		lang = ld.lang
	}
	a.Language = normLang(lang)

	// Canonical URL.
	a.CanonicalURL = x.canonical()

	// Section and tags.
	if ld != nil {
		a.Section = ld.section
	}
	if a.Section == "" {
		a.Section = p.first("article:section", "section", "parsely-section", "sailthru.section", "cxenseparse:recs:articlesection")
	}
	a.Section = normSpace(a.Section)
	var tags []string
	tags = append(tags, p.meta["article:tag"]...)
	if len(tags) == 0 && ld != nil {
		tags = ld.keywords
	}
	if len(tags) == 0 {
		for _, k := range []string{"news_keywords", "keywords", "parsely-tags", "sailthru.tags"} {
			if v := p.first(k); v != "" {
				tags = strings.Split(v, ",")
				break
			}
		}
	}
	seen := map[string]bool{}
	for _, t := range tags {
		for _, tt := range strings.Split(t, ",") {
			tt = normSpace(tt)
			if tt != "" && len(tt) < 80 && !seen[strings.ToLower(tt)] {
				seen[strings.ToLower(tt)] = true
				a.Tags = append(a.Tags, tt)
			}
		}
	}

	// Paywall.
	if ld != nil && ld.free != nil && !*ld.free {
		a.Paywalled = true
	}
	if v := p.first("isaccessibleforfree"); strings.EqualFold(v, "false") {
		a.Paywalled = true
	}
	_ = host
}

func normLang(l string) string {
	l = strings.TrimSpace(strings.ReplaceAll(l, "_", "-"))
	if l == "" {
		return ""
	}
	if i := strings.IndexAny(l, ",; "); i > 0 {
		l = l[:i]
	}
	parts := strings.Split(l, "-")
	parts[0] = strings.ToLower(parts[0])
	if len(parts[0]) < 2 || len(parts[0]) > 3 {
		return ""
	}
	return parts[0]
}

// title chooses the headline. The JSON-LD headline, og:title and the
// page's display heading are independent statements of it; the one most
// of them agree on wins (ties go to JSON-LD, then og:title, then the
// heading; a meta title that only adds a lead the page does not show
// votes for the heading). The display heading is the first h1 outside
// breadcrumbs and other boilerplate that some meta title confirms;
// failing that, or when that h1 ends a trail of links, an h2 that shows a
// meta title exactly (pages whose h1 is a breadcrumb's last crumb or an
// SEO title). An h1 that links to the home page is the site's logo. When
// the display heading is a kicker followed by an element holding the
// headline proper, and a meta title confirms that element, its text is
// the title. Meta titles lose their site-name suffix first. twitter:title,
// other meta titles and <title> are fallbacks. The headline element's own
// quotes and dashes win over a meta title's (headingForm).
func (x *extraction) title() {
	a, p, ld := x.a, x.info, x.ld
	host := ""
	if x.base != nil {
		host = x.base.Hostname()
	}
	var h1s []string
	var h1Nodes []*html.Node
	logo := ""
	for _, h := range p.h1 {
		if t, all := boundedTextAll(h, 4000); all && len(t) >= 4 && len(t) < 400 {
			if logo == "" && homeLinked(h, t) {
				logo = t // the site's name, not a headline
				continue
			}
			h1s = append(h1s, t)
			h1Nodes = append(h1Nodes, h)
			if len(h1s) == 6 {
				break
			}
		}
	}
	raw := []string{ldHeadline(ld), p.first("og:title"), p.first("twitter:title"), p.first("headline", "dc.title", "title"), p.title}
	refs := append([]string{}, h1s...)
	for _, t := range raw {
		if t = normSpace(t); t != "" {
			refs = append(refs, t)
		}
	}
	clean := make([]string, len(raw))
	for i, t := range raw {
		if t = normSpace(t); t != "" && !x.isSiteName(t) {
			t = stripSiteName(t, a.SiteName, host, refs)
			if logo != "" && t != "" {
				t = stripSiteName(t, logo, "", refs)
			}
			if t != "" && !x.isSiteName(t) && squash(t) != squash(logo) {
				clean[i] = t
			}
		}
	}
	x.keepSharedSuffix(raw, clean, ld, host)
	// Every meta statement of the headline, squashed, for recognising the
	// display heading.
	var metas []string
	for _, m := range append(clean, ldAltHeadline(ld)) {
		if m = squash(m); len(m) >= 4 {
			metas = append(metas, m)
		}
	}
	// The h1 that some meta title confirms.
	h1, h1Node := "", (*html.Node)(nil)
	for i, h := range h1s {
		if x.insideNeg(h1Nodes[i]) {
			continue
		}
		hs := squash(h)
		for _, m := range metas {
			if closeTitles(hs, m) {
				h1, h1Node = h, h1Nodes[i]
				break
			}
		}
		if h1 != "" {
			break
		}
	}
	if h1Node != nil && lastCrumb(h1Node) {
		// An h1 that ends a trail of links is the trail's last crumb;
		// an h2 that shows a meta title is then the display heading.
		if d, dn := x.displayH2(metas); dn != nil {
			h1, h1Node = d, dn
		}
	}
	disp, dispNode := h1, h1Node
	if dispNode == nil {
		disp, dispNode = x.displayH2(metas)
	}
	if dispNode != nil {
		// A meta title the display heading shows whole keeps the prefix
		// the site-name cut took from it: a lead the page shows in its
		// heading is the headline's (a kicker), not the site's. A cut
		// suffix stays cut: some headings repeat the site name.
		ds := squash(boundedText(dispNode, 2000))
		for i, t := range raw {
			if t = normSpace(t); clean[i] != "" && clean[i] != t && strings.HasSuffix(t, clean[i]) && squashEqual(t, ds) {
				clean[i] = t
			}
		}
	}
	best := ""
	if dispNode != nil {
		if best = kickerless(dispNode, metas); best != "" {
			// og:title is the headline as the publisher shows it whole;
			// when it carries the kicker, the kicker belongs to the title.
			best = ogWithKicker(dispNode, p.first("og:title"), clean[1], best)
		}
	} else {
		// An h1 no meta title confirms whole may still show one's
		// headline after a kicker of its own.
		for i := range h1s {
			if !x.insideNeg(h1Nodes[i]) {
				best = kickerless(h1Nodes[i], metas)
				break
			}
		}
	}
	if best == "" {
		voters := []string{clean[0], clean[1], disp}
		bestVotes := 0
		for _, c := range voters {
			if c == "" {
				continue
			}
			cs, votes := squash(c), 0
			for _, v := range voters {
				if v != "" && (squash(v) == cs || c == disp && x.leadUnshown(v, disp, dispNode)) {
					votes++
				}
			}
			if votes > bestVotes {
				best, bestVotes = c, votes
			}
		}
	}
	if best == "" {
		for _, c := range clean[2:] {
			if c != "" {
				best = c
				break
			}
		}
	}
	if best == "" && len(h1s) > 0 {
		best, h1Node = h1s[0], h1Nodes[0]
	}
	a.Title = best
	x.titleNode = x.headlineNode(best, h1Node, dispNode, h1s, h1Nodes)
	ldHead := clean[0]
	if ld != nil && ld.nameOnly {
		ldHead = "" // a WebPage's name: the SEO title again, not a headline
	}
	a.Title = x.headingForm(best, ldHead, clean[1])
}

// homeLinked reports whether the heading h, of text t, is a link to the
// site's home page (inside it or around it): a logo, which names the site.
func homeLinked(h *html.Node, t string) bool {
	if a := firstDescendant(h, atom.A); a != nil && squashEqual(boundedText(a, 4000), squash(t)) && homeHref(getAttr(a, "href")) {
		return true
	}
	for a, i := h.Parent, 0; a != nil && i < 3; a, i = a.Parent, i+1 {
		if a.DataAtom == atom.A {
			return homeHref(getAttr(a, "href"))
		}
	}
	return false
}

// homeHref reports whether href names a site's home page: "/", or an
// absolute URL with no path ("https://example.org/", also as the last
// URL of an archive's address).
func homeHref(href string) bool {
	href = strings.TrimSpace(href)
	if href == "" || href[0] == '#' || href[0] == '?' {
		return false
	}
	if i := strings.LastIndex(href, "://"); i >= 0 {
		rest := href[i+3:]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			href = rest[j:]
		} else {
			href = ""
		}
	} else if !strings.HasPrefix(href, "/") {
		return false
	}
	if i := strings.IndexAny(href, "?#"); i >= 0 {
		href = href[:i]
	}
	switch href {
	case "", "/", "/index.html", "/index.htm", "/index.php":
		return true
	}
	return false
}

// keepSharedSuffix gives the meta titles back a suffix the site-name cut
// took when every statement (a JSON-LD headline, og:title, twitter:title,
// <title>; three at least) carries it and it does not name the site: a
// phrase the publisher puts in every statement is part of its headline.
func (x *extraction) keepSharedSuffix(raw, clean []string, ld *ldArticle, host string) {
	if ld == nil || ld.nameOnly || clean[0] == "" {
		return
	}
	full := normSpace(raw[0])
	if full == clean[0] || !strings.HasPrefix(full, clean[0]) {
		return
	}
	suffix := full[len(clean[0]):]
	ss := squash(suffix)
	if ss == "" || x.a.SiteName != "" && (strings.Contains(ss, squash(x.a.SiteName)) || strings.Contains(squash(x.a.SiteName), ss)) || host != "" && strings.Contains(ss, squash(hostLabel(host))) {
		return
	}
	n := 0
	for _, i := range []int{0, 1, 2, 4} {
		if t := normSpace(raw[i]); t != "" {
			if !strings.HasSuffix(t, suffix) {
				return
			}
			n++
		}
	}
	if n < 3 {
		return
	}
	for _, i := range []int{0, 1, 2, 4} {
		if t := normSpace(raw[i]); clean[i] != "" && t == clean[i]+suffix {
			clean[i] = t
		}
	}
}

// headlineNode returns the headline element: an h1 that shows the title
// best, perhaps with a kicker or a suffix, or the display heading.
func (x *extraction) headlineNode(best string, h1Node, dispNode *html.Node, h1s []string, h1Nodes []*html.Node) *html.Node {
	if h1Node != nil && closeTitles(squash(boundedText(h1Node, 800)), squash(best)) && !x.insideNeg(h1Node) {
		return h1Node
	}
	bs := squash(best)
	if dispNode != nil && dispNode != h1Node && strings.HasSuffix(squash(boundedText(dispNode, 2000)), bs) {
		// The display h2 of a page whose h1 is a crumb.
		return dispNode
	}
	var near *html.Node
	for i, h := range h1s {
		if closeTitles(squash(h), bs) {
			// Not the last crumb of a breadcrumb trail, if there is another.
			if !x.insideNeg(h1Nodes[i]) {
				return h1Nodes[i]
			}
			if near == nil {
				near = h1Nodes[i]
			}
		}
	}
	return near
}

// headingForm returns the headline element's text when it is the title t
// set differently: curly or straight quotes, an ellipsis or three dots, a
// dash or a hyphen. The page shows the headline as its editors typeset it;
// meta titles are often retyped in plain ASCII by the CMS. The meta form
// stays when the JSON-LD headline and og:title (ld, og) agree on it: two
// statements written that way are the publisher's choice.
func (x *extraction) headingForm(t, ld, og string) string {
	if x.titleNode == nil || t == "" {
		return t
	}
	h := boundedText(x.titleNode, 2000)
	if h == t || foldTypography(h) != foldTypography(t) {
		return t
	}
	if ld == t && og == t {
		return t
	}
	return h
}

// foldTypography replaces typographic quotes, dashes and the ellipsis by
// their plain ASCII forms.
func foldTypography(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch r {
		case '‘', '’', '‚', '‛', '′', '`', '´':
			b.WriteByte('\'')
		case '“', '”', '„', '‟', '″', '«', '»':
			b.WriteByte('"')
		case '…':
			b.WriteString("...")
		case '‐', '‑', '‒', '–', '—', '−':
			b.WriteByte('-')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// lastCrumb reports whether the heading n ends a trail of links: it
// is its parent's last element with text, and every element before it
// is a link or holds no text (a separator icon).
func lastCrumb(n *html.Node) bool {
	for s := n.NextSibling; s != nil; s = s.NextSibling {
		if s.Type == html.ElementNode && squash(boundedText(s, 200)) != "" || s.Type == html.TextNode && squash(s.Data) != "" {
			return false
		}
	}
	links := 0
	for p := n.PrevSibling; p != nil; p = p.PrevSibling {
		switch {
		case p.Type == html.TextNode:
			if squash(p.Data) != "" {
				return false
			}
		case p.Type != html.ElementNode:
		case p.DataAtom == atom.A:
			links++
		case squash(boundedText(p, 200)) != "":
			return false
		}
	}
	return links > 0
}

// displayH2 returns the first h2 outside boilerplate and links whose text,
// or whose headline after a kicker element, is one of the (squashed) meta
// titles: the display heading of a page whose h1 is not one.
func (x *extraction) displayH2(metas []string) (string, *html.Node) {
	for _, h := range x.info.h2 {
		if x.insideNeg(h) || hasAncestor(h, atom.A) {
			continue
		}
		t, all := boundedTextAll(h, 2000)
		if !all || len(t) < 4 || len(t) >= 400 {
			continue
		}
		ts := squash(t)
		for _, m := range metas {
			if ts == m {
				return t, h
			}
		}
		// A kicker, then the headline in an element of its own.
		if k := kickerless(h, metas); k != "" {
			ks := squash(k)
			for _, m := range metas {
				if ks == m {
					return k, h
				}
			}
		}
	}
	return "", nil
}

// kickerless returns the headline proper of a display heading that is a
// kicker followed by it in an element of its own: the text of the
// heading's largest descendant element that ends the heading's text after
// a short lead, when some meta title is exactly that element's text, or,
// when no meta title shows the heading whole, ends with it (after a
// kicker of its own). Many publishers' meta titles carry the kicker; then
// the heading whole is the title. "" when there is none.
func kickerless(h *html.Node, metas []string) string {
	hs := squash(boundedText(h, 2000))
	whole := false
	for _, m := range metas {
		whole = whole || m == hs
	}
	var found string
	var walk func(n *html.Node, depth int) bool
	walk = func(n *html.Node, depth int) bool {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			t := boundedText(c, 2000)
			cs := squash(t)
			if len(cs) < 15 || len(cs) >= len(hs) || len(hs)-len(cs) > maxKicker || !strings.HasSuffix(hs, cs) {
				if depth < 4 && walk(c, depth+1) {
					return true
				}
				continue
			}
			for _, m := range metas {
				if m == cs || !whole && strings.HasSuffix(m, cs) && len(m)-len(cs) <= maxKicker {
					found = t
					return true
				}
			}
		}
		return false
	}
	walk(h, 0)
	return found
}

// ogWithKicker returns og:title, site name removed (clean) or as written
// (raw), when it is the display heading h whole, kicker included, and
// headline otherwise. The meta form is returned because the markup often
// runs kicker and headline together without the separator a reader sees.
func ogWithKicker(h *html.Node, raw, clean, headline string) string {
	hs := squash(boundedText(h, 2000))
	for _, t := range []string{clean, normSpace(raw)} {
		if t != "" && squashEqual(t, hs) {
			return t
		}
	}
	return headline
}

// kickerSeps end the lead a meta title puts before the headline.
var kickerSeps = []string{": ", " - ", " – ", " — ", " | "}

// leadUnshown reports whether the meta title m is the display heading
// h (element n) after a lead and a separator ("Topic: Headline") that
// the page shows neither before the heading nor with it in any h1 or h2.
// Such a lead is a label for feeds and search results, not part of the
// headline as the page presents it, so m speaks for h.
func (x *extraction) leadUnshown(m, h string, n *html.Node) bool {
	hs := squash(h)
	if n == nil || len(hs) < 15 {
		return false
	}
	lead := ""
	for _, sep := range kickerSeps {
		if i := strings.Index(m, sep); i > 0 && squashEqual(m[i+len(sep):], hs) {
			if l := squash(m[:i]); l != "" && len(l) <= maxKicker {
				lead = l
				break
			}
		}
	}
	if lead == "" {
		return false
	}
	ms := squash(m)
	for _, hn := range append(append([]*html.Node{}, x.info.h1...), x.info.h2...) {
		if squashEqual(boundedText(hn, 2000), ms) {
			return false
		}
	}
	// A kicker element just before the heading, in its block.
	for a, depth := n, 0; a != nil && depth < 3; a, depth = a.Parent, depth+1 {
		k := 0
		for p := a.PrevSibling; p != nil && k < 3; p = p.PrevSibling {
			if p.Type != html.ElementNode {
				continue
			}
			k++
			if strings.Contains(squash(boundedText(p, 400)), lead) {
				return false
			}
		}
	}
	return true
}

// maxKicker is the longest kicker (squashed bytes) before a headline.
const maxKicker = 80

// closeTitles reports whether two squashed titles are the same headline:
// equal, or one the other plus a short kicker or suffix.
func closeTitles(a, b string) bool {
	if len(a) < 4 || len(b) < 4 {
		return false
	}
	if a == b {
		return true
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	return len(a) >= 15 && len(b) < len(a)+60 && (strings.HasPrefix(b, a) || strings.HasSuffix(b, a))
}

func (x *extraction) isSiteName(t string) bool {
	return x.a.SiteName != "" && squash(t) == squash(x.a.SiteName)
}

func ldAltHeadline(ld *ldArticle) string {
	if ld == nil {
		return ""
	}
	return normSpace(ld.altHeadline)
}

func ldHeadline(ld *ldArticle) string {
	if ld == nil {
		return ""
	}
	return ld.headline
}

// bylineClassWords name a byline element (matched inside class and id).
var bylineClassWords = []string{"byline", "author", "autor", "writer", "creator", "journalist", "verfasser"}

func bylineClass(cls string) bool {
	cls = strings.ToLower(cls)
	if strings.Contains(cls, "comment") {
		return false
	}
	for _, w := range bylineClassWords {
		if strings.Contains(cls, w) {
			return true
		}
	}
	return false
}

func (x *extraction) authors() {
	a, p, ld := x.a, x.info, x.ld
	var cands [][]string
	if ld != nil && len(ld.authors) > 0 {
		cands = append(cands, ld.authors)
	}
	for _, k := range []string{"author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl", "dcterms.creator", "cxenseparse:author", "twitter:creator"} {
		var vs []string
		for _, v := range p.meta[k] {
			if k == "twitter:creator" && strings.HasPrefix(v, "@") {
				continue
			}
			vs = append(vs, v)
		}
		if len(vs) > 0 {
			cands = append(cands, vs)
		}
	}
	// Bylines in the markup: not those in related-article lists.
	var dom [][]string
	if ns := p.itemprops["author"]; len(ns) > 0 {
		var vs []string
		for _, n := range ns {
			if x.insideNeg(n) {
				continue
			}
			if nn := findItemprop(n, "name"); nn != nil {
				vs = append(vs, itemValue(nn))
			} else {
				vs = append(vs, boundedText(n, 300))
			}
		}
		dom = append(dom, vs)
	}
	var rel []string
	for _, n := range p.authorRel {
		if !x.insideNeg(n) {
			if t := boundedText(n, 300); t != "" {
				rel = append(rel, t)
			}
		}
	}
	dom = append(dom, rel)
	// Links to an author's page, as the byline shows them: the first
	// one whose text names the author of the page it links to, and those
	// beside it (a byline of several authors shares its element).
	var hrefs []string
	var first *html.Node
	for _, n := range p.authorHref {
		if first != nil && !sameByline(first, n) || x.insideNeg(n) || inComments(n) {
			continue
		}
		if t := boundedText(n, 300); t != "" && slugNames(getAttr(n, "href"), t) {
			if first == nil {
				first = n
			}
			hrefs = append(hrefs, t)
		}
	}
	dom = append(dom, hrefs)
	var siteOnly []string
	take := func(raw []string, fromDOM, handles bool) bool {
		names := cleanAuthorsFrom(raw, handles)
		// Many names in the markup are a list of staff or of other
		// stories' authors: the first one is the byline.
		if fromDOM && len(names) > 5 {
			names = names[:1]
		}
		var people []string
		for _, n := range names {
			if !x.siteLike(n) {
				people = append(people, n)
			}
		}
		if len(people) > 0 {
			a.Authors = people
			return true
		}
		if siteOnly == nil && len(names) > 0 {
			siteOnly = names
		}
		return false
	}
	for _, c := range cands {
		if take(c, false, true) {
			return
		}
	}
	for _, c := range dom {
		if take(c, true, true) {
			return
		}
	}
	// Structured data that names only the publication beats a guess from
	// class names.
	if siteOnly != nil {
		a.Authors = siteOnly
		return
	}
	take(x.bylineFromDOM(), false, false)
	if len(a.Authors) == 0 && siteOnly != nil {
		a.Authors = siteOnly
	}
}

// siteLike reports a byline that names the publication rather than a
// person or agency: its site name, publisher or host, or a domain name.
func (x *extraction) siteLike(name string) bool {
	s := squash(name)
	if s == "" {
		return false
	}
	if x.a.SiteName != "" && s == squash(x.a.SiteName) || x.ld != nil && x.ld.publisher != "" && s == squash(x.ld.publisher) {
		return true
	}
	if x.base != nil {
		h := strings.TrimPrefix(strings.ToLower(x.base.Hostname()), "www.")
		if i := strings.IndexByte(h, '.'); i > 0 && (s == squash(h[:i]) || s == squash(h)) {
			return true
		}
	}
	return !strings.Contains(name, " ") && reDomain.MatchString(name)
}

var reDomain = regexp.MustCompile(`(?i)^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,6}$`)

// bylineFromDOM looks for a short element whose class names a byline.
func (x *extraction) bylineFromDOM() []string {
	var found []string
	var walk func(n *html.Node, depth int) bool
	walk = func(n *html.Node, depth int) bool {
		if n.Type != html.ElementNode || depth > 60 {
			return false
		}
		switch n.DataAtom {
		case atom.Script, atom.Style, atom.Nav, atom.Footer:
			return false
		}
		cls := getAttr(n, "class") + " " + getAttr(n, "id") + " " + getAttr(n, "rel")
		if bylineClass(cls) {
			t, all := boundedTextAll(n, 2000)
			if all && t != "" && len(t) < 150 && !sentences(t) {
				if names := cleanAuthors([]string{t}); len(names) > 0 && len(names) <= 6 {
					found = names
					return true
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if walk(c, depth+1) {
				return true
			}
		}
		return false
	}
	if body := findBody(x.root); body != nil {
		walk(body, 0)
	}
	return found
}

// sameByline reports whether links a and b sit in one byline: the same
// parent or grandparent.
func sameByline(a, b *html.Node) bool {
	pa, pb := a.Parent, b.Parent
	if pa == nil || pb == nil {
		return false
	}
	return pa == pb || pa.Parent != nil && pa.Parent == pb.Parent
}

// slugNames reports whether the text of a link to an author's page names
// that author: a word of the text of three or more letters is in the
// page's slug ("/autoren/gathmann-moritz" and "MORITZ GATHMANN",
// "/author/tanderson/" and "Tim Anderson"), not "Zeige alle Artikel".
func slugNames(href, text string) bool {
	slug := strings.ToLower(href)
	if i := strings.IndexAny(slug, "?#"); i >= 0 {
		slug = slug[:i]
	}
	slug = strings.Trim(slug, "/")
	if i := strings.LastIndexByte(slug, '/'); i >= 0 {
		slug = slug[i+1:]
	}
	slug = umlauts.Replace(slug)
	for _, w := range strings.Fields(strings.ToLower(text)) {
		w = umlauts.Replace(strings.Trim(w, ".,;:()"))
		if len(w) >= 3 && strings.Contains(slug, foldASCII(w)) {
			return true
		}
	}
	return false
}

// umlauts spells German letters as URL slugs do ("führes" → "fuehres").
var umlauts = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "ß", "ss")

// foldASCII drops the accents of Latin letters ("josé" → "jose"), as
// URL slugs do.
func foldASCII(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case 'á', 'à', 'â', 'ã', 'å':
			return 'a'
		case 'é', 'è', 'ê', 'ë':
			return 'e'
		case 'í', 'ì', 'î', 'ï':
			return 'i'
		case 'ó', 'ò', 'ô', 'õ', 'ø':
			return 'o'
		case 'ú', 'ù', 'û':
			return 'u'
		case 'ñ':
			return 'n'
		case 'ç':
			return 'c'
		}
		return r
	}, s)
}

// sentences reports text that runs on past the end of a sentence (a word
// of four or more letters ending in a full stop, then more text): an
// author's biography, not a byline.
func sentences(t string) bool {
	for i := strings.Index(t, ". "); i >= 0; {
		j := i - 1
		for j >= 0 && (t[j] >= 'a' && t[j] <= 'z' || t[j] >= 0x80) {
			j--
		}
		if i-j-1 >= 4 && i+2 < len(t) {
			return true
		}
		k := strings.Index(t[i+2:], ". ")
		if k < 0 {
			break
		}
		i += 2 + k
	}
	return false
}

func findItemprop(n *html.Node, prop string) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if getAttr(c, "itemprop") == prop {
			return c
		}
		if f := findItemprop(c, prop); f != nil {
			return f
		}
	}
	return nil
}

func itemValue(n *html.Node) string {
	for _, k := range []string{"content", "datetime", "value"} {
		if v := getAttr(n, k); v != "" {
			return v
		}
	}
	return boundedText(n, 300)
}

func (x *extraction) dates() {
	a, p, ld := x.a, x.info, x.ld
	try := func(vals ...string) time.Time {
		for _, v := range vals {
			if t, ok := parseDate(v); ok {
				return t
			}
		}
		return time.Time{}
	}
	var pub []string
	if ld != nil {
		pub = append(pub, ld.published)
	}
	pub = append(pub, p.first("article:published_time"), p.first("og:published_time", "article:published", "published_time",
		"datepublished", "pubdate", "publishdate", "publish-date", "publication_date", "date.available", "dc.date.issued",
		"dcterms.issued", "dcterms.created", "dc.date", "dc.date.created", "sailthru.date", "parsely-pub-date", "date", "article.published",
		"cxenseparse:recs:publishtime", "article_date_original", "originalpublicationdate", "datecreated", "publication-date", "released"))
	for _, n := range p.itemprops["datePublished"] {
		// an hAtom <abbr> keeps the machine date in its title
		pub = append(pub, itemValue(n), getAttr(n, "title"))
	}
	for _, n := range p.itemprops["dateCreated"] {
		pub = append(pub, itemValue(n))
	}
	a.PublishedAt = try(pub...)
	if a.PublishedAt.IsZero() {
		// a labelled publication date written for readers:
		// <span itemprop="datePublished">28. Dezember 2022</span>
		for _, n := range p.itemprops["datePublished"] {
			if t, ok := textDate(boundedText(n, 200), x.dayFirst()); ok {
				a.PublishedAt = t
				break
			}
		}
	}
	var mod []string
	if ld != nil {
		mod = append(mod, ld.modified)
	}
	mod = append(mod, p.first("article:modified_time", "og:updated_time", "datemodified", "dc.date.modified", "dcterms.modified", "last-modified", "lastmod"))
	for _, n := range p.itemprops["dateModified"] {
		mod = append(mod, itemValue(n))
	}
	a.UpdatedAt = try(mod...)
	var boilerTime time.Time
	if a.PublishedAt.IsZero() {
		a.PublishedAt, boilerTime = x.timeElement()
	}
	if a.PublishedAt.IsZero() {
		// no machine-readable date: the one the page writes for readers,
		// else the URL's; the written one wins when they agree on the
		// day (it may hold the time) or the URL has none
		var fromURL time.Time
		if x.base != nil {
			fromURL, _ = dateFromURL(x.base.Path)
		}
		written := x.visibleDate()
		switch {
		case !written.IsZero() && (fromURL.IsZero() || sameDay(written, fromURL)):
			a.PublishedAt = written
		case !fromURL.IsZero():
			a.PublishedAt = fromURL
		default:
			a.PublishedAt = boilerTime
		}
	}
	if _, off := a.PublishedAt.Zone(); off == 0 && !a.PublishedAt.IsZero() {
		// a date given in UTC takes the publisher's offset when another
		// statement of the same instant on the page shows it (offset.go);
		// an update time in UTC then takes it too
		alts := append(append([]string{}, pub...), mod...)
		for _, n := range x.info.times {
			alts = append(alts, getAttr(n, "datetime"))
		}
		if z := x.publisherZone(a.PublishedAt, alts); z != nil {
			a.PublishedAt = a.PublishedAt.In(z)
			if _, off := a.UpdatedAt.Zone(); off == 0 && !a.UpdatedAt.IsZero() {
				a.UpdatedAt = a.UpdatedAt.In(z)
			}
		}
	}
	if !a.UpdatedAt.IsZero() && !a.PublishedAt.IsZero() && a.UpdatedAt.Before(a.PublishedAt) {
		a.UpdatedAt = time.Time{}
	}
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

var reUpdatedLabel = regexp.MustCompile(`(?i)updated|aktualisiert|actualizado|mis à jour|modifi|aggiornat|обновлено|last edited`)

// timeElement returns the first <time datetime> that is not marked as an
// update time.
func (x *extraction) timeElement() (t, inBoiler time.Time) {
	for _, n := range x.info.times {
		dt := getAttr(n, "datetime")
		if dt == "" {
			dt = getAttr(n, "content")
		}
		t, ok := parseDate(dt)
		if !ok {
			continue
		}
		label := getAttr(n, "class") + " " + getAttr(n, "itemprop") + " " + boundedText(n, 200)
		if n.Parent != nil {
			label += " " + getAttr(n.Parent, "class") + " " + boundedText(n.Parent, 40)
		}
		if reUpdatedLabel.MatchString(label) && !rePublishedClass.MatchString(getAttr(n, "class")) {
			continue
		}
		if inComments(n) {
			continue // a reader's date
		}
		if x.negHere(n) {
			// what the body counts as boilerplate is also where pages put
			// their article header: a last resort
			if inBoiler.IsZero() {
				inBoiler = t
			}
			continue
		}
		return t, inBoiler
	}
	return time.Time{}, inBoiler
}

// negHere reports whether n is, or lies inside, boilerplate.
func (x *extraction) negHere(n *html.Node) bool {
	var h hint
	h, x.buf = classify(n, x.buf)
	return h == hintStrongNeg || x.insideNeg(n)
}

// insideNeg reports whether n lies inside a related-articles list, a
// sidebar or comments. An element's answer is remembered, so asking for
// many elements walks each ancestor once.
func (x *extraction) insideNeg(n *html.Node) bool {
	if x.negAbove == nil {
		x.negAbove = map[*html.Node]bool{}
	}
	var path []*html.Node
	res := false
	for p := n.Parent; p != nil; p = p.Parent {
		if v, ok := x.negAbove[p]; ok {
			res = v
			break
		}
		path = append(path, p)
		if p.Type == html.ElementNode {
			var h hint
			h, x.buf = classify(p, x.buf)
			if h == hintStrongNeg {
				res = true
				break
			}
		}
	}
	// negAbove[p]: p or one of its ancestors is boilerplate. Every element
	// on the path shares the answer: below the boilerplate element, or with
	// no boilerplate up to the remembered one.
	for _, p := range path {
		x.negAbove[p] = res
	}
	return res
}

// canonical returns the canonical URL when it plausibly names the same
// article as the fetched URL, else the fetched URL.
func (x *extraction) canonical() string {
	cands := []string{x.info.canonical, x.info.first("og:url")}
	for _, c := range cands {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		u, err := url.Parse(c)
		if err != nil {
			continue
		}
		if x.base != nil {
			u = x.base.ResolveReference(u)
		}
		if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
			continue
		}
		if p := strings.Trim(u.Path, "/"); p == "" || p == "index.html" || p == "index.php" {
			continue
		}
		if x.base != nil && x.base.Host != "" && !sameSite(u.Hostname(), x.base.Hostname()) {
			continue
		}
		u.Fragment = ""
		return u.String()
	}
	return x.a.URL
}

func sameSite(a, b string) bool {
	a, b = strings.ToLower(a), strings.ToLower(b)
	if a == b {
		return true
	}
	ra, err1 := publicsuffix.EffectiveTLDPlusOne(a)
	rb, err2 := publicsuffix.EffectiveTLDPlusOne(b)
	return err1 == nil && err2 == nil && ra == rb
}

// stem returns the file name of an image URL without extension, for
// matching the same image at different sizes.
func stem(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	b := path.Base(u)
	if i := strings.LastIndexByte(b, '.'); i > 0 {
		b = b[:i]
	}
	if len(b) < 6 {
		return ""
	}
	return b
}

var _ = article.Schema
