package parser

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// hint classifies an element by its tag and its class/id/role tokens.
type hint uint8

const (
	hintNone hint = iota
	hintPositive
	hintWeakNeg   // boilerplate unless it holds much good text
	hintStrongNeg // boilerplate unless it holds a whole article's worth of text
	hintComments  // reader comments, cookie notices: boilerplate, whatever they hold
)

var commentTokens = map[string]bool{
	"comment": true, "comments": true, "commentlist": true, "disqus": true, "kommentare": true,
	"comentarios": true, "commentaires": true, "commenti": true, "reactions": true, "replies": true,
	"cookie": true, "cookies": true, "consent": true, "gdpr": true, "onetrust": true, "didomi": true,
	"cookiebot": true, "usercentrics": true, "sourcepoint": true, "cookiebanner": true, "cookieconsent": true,
}

// Tokens of class, id, role and itemprop values. Single tokens are matched
// exactly; pairs of adjacent tokens are also matched joined ("most-read" →
// "mostread").
var strongNegTokens = map[string]bool{
	"comment": true, "comments": true, "commentlist": true, "commentary-list": true, "disqus": true,
	"cookie": true, "cookies": true, "consent": true, "gdpr": true, "cmp": true,
	"newsletter": true, "newsletters": true, "related": true, "relatedarticles": true, "relatedposts": true,
	"relatedcontent": true, "outbrain": true, "taboola": true, "sidebar": true, "footer": true,
	"breadcrumb": true, "breadcrumbs": true, "mostread": true, "mostpopular": true, "mostviewed": true,
	"popular": true, "trending": true, "recommended": true, "recommendations": true, "recommendation": true,
	"donate": true, "donation": true, "donations": true, "subscribe": true, "subscription": true,
	"signup": true, "readmore": true, "readalso": true, "seealso": true, "moreon": true, "morestories": true,
	"advert": true, "advertisement": true, "advertising": true, "adslot": true, "adunit": true, "adcontainer": true,
	"ads": true, "ad": true, "sponsored": true, "sponsor": true, "promo": true, "promotion": true,
	"share": true, "sharing": true, "sharebar": true, "shares": true, "socialshare": true, "social": true,
	"socialmedia": true, "navbar": true, "navigation": true, "nav": true, "menu": true, "toolbar": true,
	"skiplink": true, "skip": true, "modal": true, "popup": true, "overlay": true, "banner": true,
	"sronly": true, "screenreader": true, "visuallyhidden": true, "widgets": true,
	"pagination": true, "pager": true, "login": true, "paywall": true, "tags": true, "taglist": true,
	"keywords": true, "topics": true, "authorbio": true, "bio": true, "outstream": true, "dfp": true,
	"gpt": true, "teasers": true, "rating": true, "reactions": true, "feedback": true,
	"follow": true, "newsticker": true, "ticker": true, "masthead": true, "complementary": true,
	"contentinfo": true, "jumplink": true, "nocontent": true,
	"authorprofile": true, "authorbox": true, "authorinfo": true, "aboutauthor": true, "abouttheauthor": true,
	"oembed": true, "placeholder": true, "paywalled": true, "regwall": true, "piano": true,
	"postmetadata": true, "postmeta": true, "entrymeta": true, "entryfooter": true, "postfooter": true,
	"affiliate": true, "disclosure": true,
}

// firmTokens are strong names that a name for the body beside them does
// not soften: a note that the page earns from the links or products in it
// is named for its text ("affiliate-text", "disclosure-text"), and is
// boilerplate all the same.
var firmTokens = []string{"affiliate", "disclosure"}

var weakNegTokens = map[string]bool{
	"meta": true, "byline": true, "author": true, "authors": true, "info": true, "tools": true,
	"header": true, "date": true, "dateline": true, "time": true, "credit": true, "credits": true,
	"caption": true, "more": true, "aside": true, "extra": true, "links": true,
	"teaser": true, "infobox": true, "note": true, "print": true, "widget": true, "disclaimer": true, "copyright": true, "legal": true, "source": true,
}

// lineTokens are the weak names that say what a line of text is (a
// caption, a credit, a byline, a date, a disclaimer) rather than what box
// it sits in ("info", "note", "teaser", "widget").
var lineTokens = map[string]bool{
	"meta": true, "byline": true, "author": true, "authors": true, "header": true, "date": true,
	"dateline": true, "time": true, "credit": true, "credits": true, "caption": true,
	"disclaimer": true, "copyright": true, "legal": true, "source": true,
}

// namesLine reports an element whose tag or class/id names it as a line of
// metadata (lineTokens), camelCase parts included.
func namesLine(n *html.Node) bool {
	if n.DataAtom == atom.Header {
		return true
	}
	for _, t := range classTokens(n, nil) {
		if lineTokens[t] {
			return true
		}
	}
	for _, t := range camelTokens(n, nil) {
		if lineTokens[t] {
			return true
		}
	}
	return false
}

var positiveTokens = map[string]bool{
	"articlebody": true, "article": true, "body": true, "content": true, "entry": true, "main": true,
	"post": true, "story": true, "storybody": true, "text": true, "articletext": true, "articlecontent": true,
	"entrycontent": true, "postcontent": true, "postbody": true, "richtext": true, "prose": true,
	"blog": true, "page": true, "copy": true,
}

// postClassTokens mark the class list a CMS writes on a post's wrapper
// (WordPress post_class: "hentry", "status-publish"). The rest of such a
// list names the post's categories and tags ("tag-comentarios"), which say
// nothing about the element.
var postClassTokens = []string{"hentry", "statuspublish"}

// ingredientTokens name a recipe's list of ingredients: part of the
// recipe's text, whatever else its name says ("ingredients table-header").
var ingredientTokens = []string{"ingredients", "ingredient", "zutaten", "zutatenliste", "ingredientes", "ingredienti"}

// Token flags: one map lookup answers for every list.
const (
	tokComment uint8 = 1 << iota
	tokStrong
	tokWeak
	tokPositive
	tokPostClass
	tokIngredients
	tokFirm
)

var tokenFlags = func() map[string]uint8 {
	m := map[string]uint8{}
	for t := range commentTokens {
		m[t] |= tokComment
	}
	for t := range strongNegTokens {
		m[t] |= tokStrong
	}
	for t := range weakNegTokens {
		m[t] |= tokWeak
	}
	for t := range positiveTokens {
		m[t] |= tokPositive
	}
	for _, t := range postClassTokens {
		m[t] |= tokPostClass
	}
	for _, t := range ingredientTokens {
		m[t] |= tokIngredients
	}
	for _, t := range firmTokens {
		m[t] |= tokFirm
	}
	return m
}()

// classify returns the hint for element n. buf is scratch space.
func classify(n *html.Node, buf []string) (hint, []string) {
	h, buf, _ := classifyCamel(n, buf, nil)
	return h, buf
}

// classifyCamel is classify with a second scratch buffer for camelCase
// tokens, returned for reuse.
func classifyCamel(n *html.Node, buf, cbuf []string) (hint, []string, []string) {
	switch n.DataAtom {
	case atom.Nav, atom.Aside, atom.Footer, atom.Menu, atom.Form:
		return hintStrongNeg, buf, cbuf
	case atom.Header:
		return hintWeakNeg, buf, cbuf
	case atom.Html, atom.Body:
		return hintNone, buf, cbuf
	}
	if getAttr(n, "itemprop") == "articleBody" {
		return hintPositive, buf, cbuf
	}
	buf = classTokens(n, buf)
	if n.DataAtom == 0 && strings.IndexByte(n.Data, '-') > 0 {
		// A custom element's name says what it is as a class does
		// ("pp-inline-teaser", "social-share-bar").
		buf = splitTokens(n.Data, buf, false)
	}
	if len(buf) == 0 {
		return hintNone, buf, cbuf
	}
	h := hintNone
	pos, comments, ingredients, firm := false, false, false, false
	var jb [64]byte
	for i, t := range buf {
		f := tokenFlags[t]
		if f == 0 && len(t) > 1 && t[len(t)-1] <= '9' {
			// A numbered name ("sidebar1", "content2") names what its
			// stem does.
			f = tokenFlags[trimDigits(t)]
		}
		if f&tokPostClass != 0 {
			return hintNone, buf, cbuf
		}
		if f&tokIngredients != 0 {
			ingredients = true
		}
		comments = comments || f&tokComment != 0
		firm = firm || f&tokFirm != 0
		if f&tokStrong != 0 {
			h = hintStrongNeg
		} else if f&tokWeak != 0 && h < hintWeakNeg {
			h = hintWeakNeg
		}
		if f&tokPositive != 0 {
			pos = true
		}
		if i > 0 {
			// Adjacent tokens joined ("most-read" → "mostread"), built in a
			// stack buffer: the lookup does not allocate.
			pf := tokenFlags[string(append(append(jb[:0], buf[i-1]...), t...))]
			if pf&tokStrong != 0 {
				h = hintStrongNeg
			}
			if pf&tokPositive != 0 {
				pos = true
			}
			if pf&tokPostClass != 0 {
				return hintNone, buf, cbuf
			}
		}
	}
	if comments {
		return hintComments, buf, cbuf
	}
	if ingredients {
		return hintPositive, buf, cbuf
	}
	if h == hintNone {
		// camelCase names ("NewsletterBox", "authorProfile") count for
		// boilerplate only: their parts are too loose to name the body.
		if ct := camelTokens(n, cbuf); ct != nil {
			cbuf = ct
			for i, t := range ct {
				f := tokenFlags[t]
				var pf uint8
				if i > 0 {
					pf = tokenFlags[string(append(append(jb[:0], ct[i-1]...), t...))]
				}
				switch {
				case f&tokComment != 0:
					return hintComments, buf, cbuf
				case f&tokStrong != 0 || pf&tokStrong != 0:
					h = hintStrongNeg
				case f&tokWeak != 0 && h < hintWeakNeg:
					h = hintWeakNeg
				}
			}
		}
	}
	if h == hintNone && pos {
		return hintPositive, buf, cbuf
	}
	if h == hintStrongNeg && !firm && (pos || n.DataAtom == atom.Article || n.DataAtom == atom.Main) {
		// "article-sidebar" or "content-ad": a weak signal either way.
		h = hintWeakNeg
	}
	// "article-comments", "post-share": a negative token wins, but a node
	// named both for the body and for a weak hint ("article-meta") stays weak.
	return h, buf, cbuf
}

// trimDigits returns t without the digits it ends in, or t when it is
// all digits or ends in none.
func trimDigits(t string) string {
	i := len(t)
	for i > 0 && t[i-1] >= '0' && t[i-1] <= '9' {
		i--
	}
	if i == 0 {
		return t
	}
	return t[:i]
}

// namesIngredients reports an element named for a recipe's ingredients.
// buf is scratch space, returned for reuse.
func namesIngredients(n *html.Node, buf []string) (bool, []string) {
	buf = classTokens(n, buf)
	for _, t := range buf {
		if tokenFlags[t]&tokIngredients != 0 {
			return true, buf
		}
	}
	return false, buf
}
