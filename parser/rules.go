package parser

import (
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"github.com/newsfeed/newsfeed/article"
)

// BuiltinRules returns the site rules that ship with newsfeed, keyed by
// domain. Rules given to New override them.
func BuiltinRules() map[string]Rule {
	return map[string]Rule{
		"themoscowtimes.com": {
			Name:    "themoscowtimes",
			Version: "1",
			Body:    ".article__content",
			Drop: []string{
				".article__block--article", ".article__block--newsletter", ".banner",
				".article__bottom", ".article__tags", ".contribute-teaser", ".social",
			},
			Title:   ".article__header h1",
			Byline:  ".article__byline .byline__author__name",
			Date:    ".article__byline time[datetime]",
			Caption: ".article__featured-image__caption",
			Credit:  ".article__featured-image__credits",
			Image:   ".article__featured-image img",
		},
	}
}

// ruleFor returns the rule for host or one of its parent domains.
func (e *Extractor) ruleFor(host string) (Rule, bool) {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	for h != "" {
		if r, ok := e.rules[strings.TrimPrefix(h, "www.")]; ok {
			return r, true
		}
		i := strings.IndexByte(h, '.')
		if i < 0 {
			break
		}
		h = h[i+1:]
		if !strings.Contains(h, ".") {
			break
		}
	}
	return Rule{}, false
}

// safeFind runs a selector that came from configuration; an invalid
// selector matches nothing rather than panicking.
func safeFind(doc *goquery.Document, sel string) (s *goquery.Selection) {
	if strings.TrimSpace(sel) == "" {
		return doc.Find("__nothing__")
	}
	defer func() {
		if recover() != nil {
			s = doc.Find("__nothing__")
		}
	}()
	return doc.Find(sel)
}

// applyRuleMeta takes the metadata a rule selects; what it does not find
// stays as the generic extractor found it.
func (x *extraction) applyRuleMeta(r Rule) {
	doc := x.doc
	if t := normSpace(safeFind(doc, r.Title).First().Text()); t != "" {
		x.a.Title = t
		if n := safeFind(doc, r.Title).First(); n.Length() > 0 {
			x.titleNode = n.Get(0)
		}
	}
	if r.Byline != "" {
		var raw []string
		safeFind(doc, r.Byline).Each(func(_ int, s *goquery.Selection) {
			raw = append(raw, s.Text())
		})
		if names := cleanAuthors(raw); len(names) > 0 {
			x.a.Authors = names
		}
	}
	if s := safeFind(doc, r.Date).First(); s.Length() > 0 {
		for _, v := range []string{s.AttrOr("datetime", ""), s.AttrOr("content", ""), s.Text()} {
			if t, ok := parseDate(v); ok {
				x.a.PublishedAt = t
				break
			}
		}
	}
	capt := normSpace(safeFind(doc, r.Caption).First().Text())
	cred := normSpace(safeFind(doc, r.Credit).First().Text())
	src := ""
	if s := safeFind(doc, r.Image).First(); s.Length() > 0 {
		src = s.AttrOr("src", s.AttrOr("data-src", ""))
	}
	if capt != "" || cred != "" || src != "" {
		img := x.a.Image
		if img == nil {
			img = &article.Image{}
		}
		if src != "" {
			img.URL = x.resolveURL(src)
		}
		if capt != "" || cred != "" {
			img.Caption, img.Credit = capt, cred
		}
		x.a.Image = img
	}
}

// ruleBody returns the rule's body elements and marks what it drops.
func (x *extraction) ruleBody(r Rule) []*html.Node {
	if r.Body == "" {
		return nil
	}
	nodes := safeFind(x.doc, r.Body).Nodes
	if len(nodes) == 0 {
		return nil
	}
	for _, d := range r.Drop {
		for _, n := range safeFind(x.doc, d).Nodes {
			x.skip[n] = true
		}
	}
	// Keep the outermost matches only.
	var out []*html.Node
	for _, n := range nodes {
		nested := false
		for _, o := range nodes {
			if o != n && contains(o, n) {
				nested = true
				break
			}
		}
		if !nested {
			out = append(out, n)
		}
	}
	return out
}

// layerRule lays a configured rule over a built-in one for the same domain:
// each selector the configuration sets replaces the built-in one, drop lists
// are joined, and the version names both ("1+config" unless the
// configuration gives its own).
func layerRule(base, over Rule) Rule {
	out := base
	for _, f := range []struct {
		dst *string
		v   string
	}{
		{&out.Body, over.Body}, {&out.Title, over.Title}, {&out.Byline, over.Byline}, {&out.Date, over.Date},
		{&out.Caption, over.Caption}, {&out.Credit, over.Credit}, {&out.Image, over.Image},
	} {
		if f.v != "" {
			*f.dst = f.v
		}
	}
	out.Drop = append(append([]string(nil), base.Drop...), over.Drop...)
	v := over.Version
	if v == "" {
		v = "config"
	}
	out.Version = base.Version + "+" + v
	return out
}
