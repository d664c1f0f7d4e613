package feed

import (
	"strings"

	"github.com/microcosm-cc/bluemonday"
	xhtml "golang.org/x/net/html"

	"github.com/newsfeed/newsfeed/internal/urlnorm"
)

// htmlPolicy is what an item's summary and content may keep: text
// structure, emphasis, links and images, nothing active (no script, style,
// frames, forms, event handlers or inline styles). bluemonday drops the
// contents of script, style, iframe and noscript along with the elements. Policies are safe
// for concurrent use once built.
var htmlPolicy = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
		"blockquote", "pre", "code", "figure", "figcaption", "em", "strong", "b", "i", "u", "s",
		"sub", "sup", "small", "q", "cite", "abbr", "hr", "table", "thead", "tbody", "tr", "th", "td")
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("src", "alt", "width", "height").OnElements("img")
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(true) // resolved against the item's address below
	// the fallback text of an object or a frameset is text for a reader
	// (these are not raw-text elements: their markup is parsed as such)
	p.AllowElementsContent("object", "frameset", "frame")
	return p
}()

// textEscaper escapes what HTML text must escape, and nothing more, so a
// plain-text summary stays readable ("don't", not "don&#39;t").
var textEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// SanitizeHTML cleans an item's summary or content for output: it keeps
// the elements of htmlPolicy, resolves relative link and image addresses
// against base (the item's link), and drops those that are not http(s) or
// mailto. A fragment without markup or entities is returned unchanged.
func SanitizeHTML(fragment, base string) string {
	fragment = strings.TrimSpace(fragment)
	if !strings.ContainsAny(fragment, "<>&") {
		return fragment
	}
	clean := htmlPolicy.Sanitize(fragment)
	b := parseBase(base)
	var out strings.Builder
	out.Grow(len(clean))
	z := xhtml.NewTokenizer(strings.NewReader(clean))
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return strings.TrimSpace(out.String())
		case xhtml.TextToken:
			// the tokenizer unescapes; escape again, minimally
			textEscaper.WriteString(&out, string(z.Text()))
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			tok := z.Token()
			attrs := tok.Attr[:0]
			for _, a := range tok.Attr {
				if (a.Key == "href" || a.Key == "src") && !strings.HasPrefix(strings.ToLower(a.Val), "mailto:") {
					if a.Val = urlnorm.Resolve(b, a.Val); a.Val == "" {
						continue
					}
				}
				attrs = append(attrs, a)
			}
			tok.Attr = attrs
			if tok.Data == "img" && !hasAttr(attrs, "src") {
				continue // an image without a usable address
			}
			out.WriteString(tok.String())
		default:
			out.Write(z.Raw())
		}
	}
}

func hasAttr(attrs []xhtml.Attribute, key string) bool {
	for _, a := range attrs {
		if a.Key == key {
			return true
		}
	}
	return false
}

// itemBase is the address an item's relative links are read against: its
// own link, else the feed's.
func itemBase(it Item, feedLink string) string {
	if it.Link != "" {
		return it.Link
	}
	return feedLink
}
