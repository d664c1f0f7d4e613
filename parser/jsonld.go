package parser

import (
	"encoding/json"
	"html"
	"strconv"
	"strings"
)

// ldArticle is what newsfeed takes from a JSON-LD article object.
type ldArticle struct {
	typ         string
	headline    string
	nameOnly    bool // headline is the object's name: it has no headline
	altHeadline string
	description string
	body        string
	section     string
	published   string
	modified    string
	lang        string
	publisher   string
	url         string
	authors     []string
	keywords    []string
	images      []ldImage
	free        *bool
}

type ldImage struct{ url, caption, credit string }

var articleTypes = map[string]int{
	"newsarticle": 3, "article": 3, "reportagenewsarticle": 3, "analysisnewsarticle": 3,
	"opinionnewsarticle": 3, "reviewnewsarticle": 3, "backgroundnewsarticle": 3, "blogposting": 3,
	"socialmediaposting": 2, "liveblogposting": 3, "techarticle": 3, "scholarlyarticle": 2, "report": 2,
	"posting": 2, "review": 1, "webpage": 1, "itempage": 1, "medicalwebpage": 1, "recipe": 1, "videoobject": 0,
}

// parseJSONLD returns the best article object among the page's JSON-LD
// scripts, or nil.
func parseJSONLD(scripts []string) *ldArticle {
	var best *ldArticle
	bestRank := -1
	var objs []map[string]any
	for _, s := range scripts {
		s = strings.TrimSpace(s)
		s = strings.TrimPrefix(s, "<!--")
		s = strings.TrimSuffix(s, "-->")
		s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), ";"))
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			// Raw control characters inside strings are a common fault.
			fixed := strings.Map(func(r rune) rune {
				if r < 0x20 {
					return ' '
				}
				return r
			}, s)
			if json.Unmarshal([]byte(fixed), &v) != nil {
				continue
			}
		}
		objs = flattenLD(v, objs, 0)
	}
	refs := ldRefs(objs)
	for _, o := range objs {
		rank := -1
		for _, t := range ldTypes(o) {
			if r, ok := articleTypes[strings.ToLower(t)]; ok && r > rank {
				rank = r
			}
		}
		if rank < 0 {
			continue
		}
		a := toArticle(o, refs)
		if a.published != "" || a.body != "" {
			rank++
		}
		if rank > bestRank {
			best, bestRank = a, rank
		}
	}
	// A WebPage without a date gives little; fill gaps from other objects.
	if best != nil {
		for _, o := range objs {
			for _, t := range ldTypes(o) {
				switch strings.ToLower(t) {
				case "organization", "newsmediaorganization", "website":
					if best.publisher == "" {
						best.publisher = ldString(o["name"])
					}
				}
			}
		}
	}
	return best
}

func flattenLD(v any, out []map[string]any, depth int) []map[string]any {
	if depth > 4 {
		return out
	}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			out = flattenLD(e, out, depth+1)
		}
	case map[string]any:
		out = append(out, x)
		if g, ok := x["@graph"]; ok {
			out = flattenLD(g, out, depth+1)
		}
		if m, ok := x["mainEntity"]; ok {
			out = flattenLD(m, out, depth+1)
		}
	}
	return out
}

// ldRefs maps the @id of every object that says more than its @id to the
// object: a graph (Yoast SEO's, on many WordPress sites) names an
// article's author, image and publisher by reference,
// {"author": {"@id": "…/#/schema/person/c49…"}}, and gives the Person
// elsewhere in the graph.
func ldRefs(objs []map[string]any) map[string]map[string]any {
	var refs map[string]map[string]any
	for _, o := range objs {
		id, ok := o["@id"].(string)
		if !ok || id == "" || len(o) < 3 {
			continue
		}
		if refs == nil {
			refs = make(map[string]map[string]any)
		}
		if _, dup := refs[id]; !dup {
			refs[id] = o
		}
	}
	return refs
}

// ldResolve replaces a reference ({"@id": …} alone, or with its @type)
// by the object it names, in v or in the elements of v.
func ldResolve(v any, refs map[string]map[string]any) any {
	if refs == nil {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		if id, ok := x["@id"].(string); ok && len(x) <= 2 && (len(x) == 1 || x["@type"] != nil) {
			if o, ok := refs[id]; ok {
				return o
			}
		}
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = ldResolve(e, refs)
		}
		return out
	}
	return v
}

func ldTypes(o map[string]any) []string {
	switch t := o["@type"].(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, e := range t {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func ldString(v any) string {
	switch x := v.(type) {
	case string:
		if strings.IndexByte(x, '&') >= 0 {
			// Publishers often put HTML entities into JSON strings.
			x = html.UnescapeString(x)
		}
		return strings.TrimSpace(x)
	case []any:
		for _, e := range x {
			if s := ldString(e); s != "" {
				return s
			}
		}
	case map[string]any:
		if s := ldString(x["@value"]); s != "" {
			return s
		}
		return ldString(x["name"])
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return ""
}

func ldStrings(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, ldStrings(e)...)
		}
		return out
	case map[string]any:
		if s := ldString(x); s != "" {
			return []string{s}
		}
	}
	return nil
}

func toArticle(o map[string]any, refs map[string]map[string]any) *ldArticle {
	a := &ldArticle{
		headline:    ldString(o["headline"]),
		altHeadline: ldString(o["alternativeHeadline"]),
		description: ldString(o["description"]),
		body:        ldString(o["articleBody"]),
		published:   ldString(o["datePublished"]),
		modified:    ldString(o["dateModified"]),
		lang:        ldString(o["inLanguage"]),
	}
	if t := ldTypes(o); len(t) > 0 {
		a.typ = t[0]
	}
	if a.headline == "" {
		a.headline = ldString(o["name"])
		a.nameOnly = a.headline != ""
	}
	if a.published == "" {
		a.published = ldString(o["dateCreated"])
	}
	if s := ldStrings(o["articleSection"]); len(s) > 0 {
		a.section = strings.TrimSpace(s[0])
	}
	if p, ok := o["publisher"]; ok {
		a.publisher = ldString(ldResolve(p, refs))
	}
	switch u := o["mainEntityOfPage"].(type) {
	case string:
		a.url = u
	case map[string]any:
		a.url = ldString(u["@id"])
	}
	if a.url == "" {
		a.url = ldString(o["url"])
	}
	a.authors = ldAuthors(ldResolve(o["author"], refs))
	if len(a.authors) == 0 {
		a.authors = ldAuthors(ldResolve(o["creator"], refs))
	}
	switch k := o["keywords"].(type) {
	case string:
		for _, t := range strings.Split(k, ",") {
			if t = strings.TrimSpace(t); t != "" {
				a.keywords = append(a.keywords, t)
			}
		}
	case []any:
		for _, t := range ldStrings(k) {
			if t = strings.TrimSpace(t); t != "" {
				a.keywords = append(a.keywords, t)
			}
		}
	}
	a.images = ldImages(ldResolve(o["image"], refs), nil)
	switch f := o["isAccessibleForFree"].(type) {
	case bool:
		a.free = &f
	case string:
		v := !strings.EqualFold(strings.TrimSpace(f), "false")
		a.free = &v
	}
	return a
}

func ldAuthors(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			out = append(out, ldAuthors(e)...)
		}
		return out
	case map[string]any:
		if n := ldString(x["name"]); n != "" {
			return []string{n}
		}
		g, f := ldString(x["givenName"]), ldString(x["familyName"])
		if n := strings.TrimSpace(g + " " + f); n != "" {
			return []string{n}
		}
	}
	return nil
}

// ldImageCredit returns an ImageObject's credit: its creditText, else
// the name of its copyrightHolder, author or creator.
func ldImageCredit(x map[string]any) string {
	for _, k := range []string{"creditText", "copyrightHolder", "author", "creator"} {
		if s := ldString(x[k]); s != "" {
			return s
		}
	}
	return ""
}

func ldImages(v any, out []ldImage) []ldImage {
	switch x := v.(type) {
	case string:
		out = append(out, ldImage{url: x})
	case []any:
		for _, e := range x {
			out = ldImages(e, out)
		}
	case map[string]any:
		u := ldString(x["url"])
		if u == "" {
			u = ldString(x["contentUrl"])
		}
		if u != "" {
			out = append(out, ldImage{url: u, caption: ldString(x["caption"]), credit: ldImageCredit(x)})
		}
	}
	return out
}
