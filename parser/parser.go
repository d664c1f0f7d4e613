// Package parser extracts articles from HTML pages with goquery: the main
// content without boilerplate, and the metadata around it.
package parser

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/internal/charset"
	"github.com/newsfeed/newsfeed/internal/urlnorm"
)

// Version is the generic extractor's version, reported in extraction.version.
const Version = "0.1"

// Errors.
var (
	ErrNotHTML    = errors.New("parser: not an HTML document")
	ErrNotArticle = errors.New("parser: page is not an article")
)

// Rule holds CSS selectors for one site, layered over the generic extractor.
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

// Extractor extracts articles. It is safe for concurrent use.
type Extractor struct {
	rules map[string]Rule
}

// New returns an Extractor with the given site rules, keyed by domain.
func New(rules map[string]Rule) *Extractor {
	r := make(map[string]Rule, len(rules))
	for d, rule := range rules {
		r[strings.TrimPrefix(strings.ToLower(d), "www.")] = rule
	}
	return &Extractor{rules: r}
}

// Extract returns the article in page. The result has no id, source or feed
// item; the caller sets those.
func (e *Extractor) Extract(page []byte, opts Options) (*article.Article, error) {
	if !looksLikeHTML(page) {
		return nil, ErrNotHTML
	}
	utf, _ := charset.DecodeHTML(page, opts.ContentType)
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(utf))
	if err != nil {
		return nil, fmt.Errorf("parser: %w", err)
	}
	base, _ := url.Parse(opts.URL)
	a := &article.Article{Schema: article.Schema, URL: opts.URL, Authors: []string{}}
	a.Title = strings.TrimSpace(attr(doc, `meta[property="og:title"]`, "content"))
	if a.Title == "" {
		a.Title = strings.TrimSpace(doc.Find("title").First().Text())
	}
	a.CanonicalURL = urlnorm.Resolve(base, attr(doc, `link[rel="canonical"]`, "href"))
	if a.CanonicalURL == "" {
		a.CanonicalURL = opts.URL
	}
	a.Language, _ = doc.Find("html").Attr("lang")
	if t, err := time.Parse(time.RFC3339, attr(doc, `meta[property="article:published_time"]`, "content")); err == nil {
		a.PublishedAt = t
	}
	if au := attr(doc, `meta[name="author"]`, "content"); au != "" {
		a.Authors = append(a.Authors, au)
	}
	scope := doc.Find("article").First()
	if scope.Length() == 0 {
		scope = doc.Find("body")
	}
	var paras []string
	scope.Find("p").Each(func(_ int, s *goquery.Selection) {
		if t := strings.Join(strings.Fields(s.Text()), " "); t != "" {
			paras = append(paras, t)
		}
	})
	a.Text = strings.Join(paras, "\n\n")
	a.WordCount = article.CountWords(a.Text)
	a.Extraction = article.Extraction{Method: article.MethodGeneric, Version: Version}
	return a, nil
}

func attr(doc *goquery.Document, sel, name string) string {
	v, _ := doc.Find(sel).First().Attr(name)
	return v
}

func looksLikeHTML(b []byte) bool {
	head := b
	if len(head) > 1024 {
		head = head[:1024]
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return false
	}
	return bytes.Contains(bytes.ToLower(head), []byte("<"))
}
