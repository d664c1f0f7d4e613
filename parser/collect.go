package parser

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// pageInfo is what one walk over the whole document collects for the
// metadata: meta tags, links, JSON-LD, microdata and a few elements.
type pageInfo struct {
	meta       map[string][]string // lower-case name/property/itemprop (in head) → contents
	canonical  string
	title      string
	lang       string
	jsonld     []string
	flight     []string     // Next.js streamed payload scripts (self.__next_f.push)
	scripts    []*html.Node // other scripts with text (the first maxScripts)
	authorRel  []*html.Node // rel=author links
	authorHref []*html.Node // links to an author's page (/author/jane-doe/), the first maxAuthorHrefs
	h1         []*html.Node
	h2         []*html.Node // the first maxH2 h2 elements
	times      []*html.Node
	itemprops  map[string][]*html.Node // microdata outside <meta>
	figures    []*html.Node
}

// rdfaDate holds the schema.org date properties read from RDFa property
// attributes (after any prefix) outside <meta>.
var rdfaDate = map[string]bool{"datePublished": true, "dateCreated": true, "dateModified": true}

// maxAuthorHrefs bounds the links to author pages kept.
const maxAuthorHrefs = 20

// authorHref reports a link to an author's page on the site: a path with
// an /author/, /authors/, /autor/, /autoren/ or /auteur/ segment followed
// by the author's slug.
func authorHref(href string) bool {
	for _, seg := range []string{"/author/", "/authors/", "/autor/", "/autoren/", "/auteur/"} {
		if i := strings.Index(href, seg); i >= 0 {
			rest := strings.Trim(href[i+len(seg):], "/")
			return rest != "" && !strings.ContainsAny(rest, "?#")
		}
	}
	return false
}

// maxScripts bounds the scripts kept for reading dates from their data.
const maxScripts = 100

// maxH2 bounds the h2 elements kept as headline candidates.
const maxH2 = 40

func collect(root *html.Node) *pageInfo {
	p := &pageInfo{meta: make(map[string][]string, 32), itemprops: make(map[string][]*html.Node)}
	var walk func(n *html.Node, inHead bool)
	walk = func(n *html.Node, inHead bool) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Html:
				if p.lang == "" {
					p.lang = strings.TrimSpace(getAttr(n, "lang"))
					if p.lang == "" {
						p.lang = strings.TrimSpace(getAttr(n, "xml:lang"))
					}
				}
			case atom.Head:
				inHead = true
			case atom.Meta:
				content := getAttr(n, "content")
				if content == "" {
					content = getAttr(n, "value")
				}
				for _, a := range n.Attr {
					switch a.Key {
					case "name", "property", "itemprop", "http-equiv":
						for k := range strings.FieldsSeq(strings.ToLower(a.Val)) {
							p.meta[k] = append(p.meta[k], content)
						}
					}
				}
				if v := getAttr(n, "charset"); v != "" {
					p.meta["charset"] = append(p.meta["charset"], v)
				}
			case atom.Link:
				rel := strings.ToLower(getAttr(n, "rel"))
				for r := range strings.FieldsSeq(rel) {
					if r == "canonical" && p.canonical == "" {
						p.canonical = getAttr(n, "href")
					}
				}
			case atom.Title:
				if p.title == "" && inHead || p.title == "" && n.Parent != nil && n.Parent.DataAtom != atom.Svg {
					p.title = nodeText(n)
				}
			case atom.Script:
				if n.FirstChild != nil && (strings.Contains(strings.ToLower(getAttr(n, "type")), "ld+json") || untypedLD(n)) {
					p.jsonld = append(p.jsonld, n.FirstChild.Data)
				} else if n.FirstChild != nil && strings.HasPrefix(n.FirstChild.Data, flightPrefix) {
					p.flight = append(p.flight, n.FirstChild.Data)
				} else if n.FirstChild != nil && n.FirstChild.Type == html.TextNode && len(p.scripts) < maxScripts {
					p.scripts = append(p.scripts, n)
				}
				return
			case atom.Style, atom.Noscript, atom.Template:
				return
			case atom.H1:
				p.h1 = append(p.h1, n)
			case atom.H2:
				if len(p.h2) < maxH2 {
					p.h2 = append(p.h2, n)
				}
			case atom.Time:
				p.times = append(p.times, n)
			case atom.Figure:
				p.figures = append(p.figures, n)
			case atom.A:
				if strings.Contains(strings.ToLower(getAttr(n, "rel")), "author") {
					p.authorRel = append(p.authorRel, n)
				} else if len(p.authorHref) < maxAuthorHrefs && authorHref(getAttr(n, "href")) {
					p.authorHref = append(p.authorHref, n)
				}
			}
			if n.DataAtom != atom.Meta {
				if ip := getAttr(n, "itemprop"); ip != "" {
					for k := range strings.FieldsSeq(ip) {
						p.itemprops[k] = append(p.itemprops[k], n)
					}
				}
				// RDFa dates: <span property="schema:dateCreated" content="…">
				if pr := getAttr(n, "property"); pr != "" {
					for k := range strings.FieldsSeq(pr) {
						if k = k[strings.IndexByte(k, ':')+1:]; rdfaDate[k] {
							p.itemprops[k] = append(p.itemprops[k], n)
						}
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode || c.Type == html.DocumentNode {
				walk(c, inHead)
			}
		}
	}
	walk(root, false)
	return p
}

// first returns the first non-empty meta value among keys.
func (p *pageInfo) first(keys ...string) string {
	for _, k := range keys {
		for _, v := range p.meta[k] {
			if v = strings.TrimSpace(v); v != "" {
				return v
			}
		}
	}
	return ""
}

// untypedLD reports a script without a type (or typed as JavaScript) whose
// whole text is a schema.org JSON object: JSON-LD a CMS forgot to label.
func untypedLD(n *html.Node) bool {
	switch t := strings.ToLower(strings.TrimSpace(getAttr(n, "type"))); t {
	case "", "text/javascript", "application/json":
	default:
		return false
	}
	d := strings.TrimSpace(n.FirstChild.Data)
	if len(d) < 20 || d[0] != '{' || d[len(d)-1] != '}' {
		return false
	}
	head := d[:min(len(d), 200)]
	return strings.Contains(head, `"@context"`) && strings.Contains(head, "schema.org")
}
