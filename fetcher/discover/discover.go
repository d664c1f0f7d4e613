// Package discover finds the feeds of a web site: the URL itself when it is
// a feed, the page's <link rel="alternate"> feeds, links that look like
// feeds, and finally common feed paths (/feed, /rss.xml, /atom.xml, ...).
// Every candidate is fetched and parsed before it is returned, so the
// result holds only working feeds. `newsfeed feed https://site/` calls it
// when the URL is an HTML page.
package discover

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"golang.org/x/net/html"

	"github.com/newsfeed/newsfeed/fetcher"
	"github.com/newsfeed/newsfeed/internal/charset"
	"github.com/newsfeed/newsfeed/internal/urlnorm"
	"github.com/newsfeed/newsfeed/parser/feed"
)

// ErrNoFeed is returned when no working feed was found.
var ErrNoFeed = errors.New("discover: no feed found")

// Getter fetches URLs; *fetcher.Client satisfies it.
type Getter interface {
	Fetch(ctx context.Context, req fetcher.Request) (*fetcher.Response, error)
}

// Sources of a candidate.
const (
	SourceSelf   = "self"   // the URL given is a feed
	SourceLink   = "link"   // <link rel="alternate" type="application/rss+xml" ...>
	SourceAnchor = "anchor" // <a href> that looks like a feed
	SourceGuess  = "guess"  // a common feed path
)

// Candidate is a feed found for a page.
type Candidate struct {
	URL    string
	Title  string // the link's title, else the feed's
	Type   string // declared MIME type ("" for anchors and guesses)
	Source string
	// Feed is the parsed feed (set for verified candidates).
	Feed *feed.Feed
}

var feedTypes = map[string]bool{
	"application/rss+xml":    true,
	"application/atom+xml":   true,
	"application/feed+json":  true,
	"application/rdf+xml":    true,
	"application/x-rss+xml":  true,
	"application/x-atom+xml": true,
	"text/xml":               false, // only with rel=alternate and a feed-like href
	"application/xml":        false,
	"application/json":       false,
}

// Common feed paths, most likely first. Paths without a leading slash are
// tried relative to the page's directory too.
var guesses = []string{
	"/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml",
	"/feed.json", "/feeds/posts/default", "/?feed=rss2", "/index.rss", "/rss/news",
	"feed", "rss.xml",
}

// MaxChecks bounds how many candidates Find fetches.
const MaxChecks = 16

// Links extracts feed candidates from an HTML page (unverified): <link>
// elements with rel alternate (or feed) and a feed type, then <a> links
// whose address looks like a feed. <base href> is honoured; links that are
// not http or https are dropped.
func Links(page []byte, contentType, pageURL string) []Candidate {
	doc, _ := charset.DecodeHTML(page, contentType)
	base, _ := url.Parse(pageURL)
	var links, anchors []Candidate
	seen := map[string]bool{}
	add := func(list *[]Candidate, c Candidate) {
		key, err := urlnorm.Normalize(c.URL)
		if err != nil || seen[key] {
			return
		}
		seen[key] = true
		*list = append(*list, c)
	}
	z := html.NewTokenizer(bytes.NewReader(doc))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		if !hasAttr {
			continue
		}
		tag := string(name)
		if tag != "link" && tag != "a" && tag != "base" {
			continue
		}
		attrs := map[string]string{}
		for {
			k, v, more := z.TagAttr()
			attrs[string(k)] = strings.TrimSpace(string(v))
			if !more {
				break
			}
		}
		switch tag {
		case "base":
			if b, err := url.Parse(attrs["href"]); err == nil && attrs["href"] != "" {
				if base != nil {
					b = base.ResolveReference(b)
				}
				base = b
			}
		case "link":
			rel := " " + strings.ToLower(attrs["rel"]) + " "
			typ := strings.ToLower(strings.TrimSpace(strings.Split(attrs["type"], ";")[0]))
			href := urlnorm.Resolve(base, attrs["href"])
			if href == "" {
				continue
			}
			strong, known := feedTypes[typ]
			alternate := strings.Contains(rel, " alternate ") || strings.Contains(rel, " feed ")
			if !alternate || strings.Contains(rel, " stylesheet ") {
				continue
			}
			if strong || (known && looksLikeFeed(href)) || (typ == "" && strings.Contains(rel, " feed ")) {
				add(&links, Candidate{URL: href, Title: attrs["title"], Type: typ, Source: SourceLink})
			}
		case "a":
			href := urlnorm.Resolve(base, attrs["href"])
			if href != "" && looksLikeFeed(href) {
				add(&anchors, Candidate{URL: href, Title: strings.TrimSpace(attrs["title"]), Source: SourceAnchor})
			}
		}
	}
	return append(links, anchors...)
}

// looksLikeFeed reports whether a URL's path or query names a feed.
func looksLikeFeed(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	p := strings.ToLower(strings.TrimSuffix(u.Path, "/"))
	for _, suffix := range []string{".rss", ".atom", ".rdf", "/rss.xml", "/atom.xml", "/feed.xml", "/feed", "/rss", "/atom", "/feed.json", "/index.xml"} {
		if strings.HasSuffix(p, suffix) {
			return true
		}
	}
	q := strings.ToLower(u.RawQuery)
	return strings.Contains(q, "feed=rss") || strings.Contains(q, "feed=atom") || strings.Contains(q, "format=rss")
}

// Find returns the working feeds of pageURL: the URL itself when it is a
// feed, else what FromPage finds.
func Find(ctx context.Context, g Getter, pageURL string) ([]Candidate, error) {
	resp, err := g.Fetch(ctx, fetcher.Request{URL: pageURL, Kind: fetcher.KindFeed})
	if err != nil {
		return nil, fmt.Errorf("discover: %w", err)
	}
	if f, err := feed.Parse(resp.Body, resp.ContentType, resp.URL); err == nil {
		return []Candidate{{URL: resp.URL, Title: f.Title, Type: mediaType(resp.ContentType), Source: SourceSelf, Feed: f}}, nil
	}
	return FromPage(ctx, g, resp.URL, resp.Body, resp.ContentType)
}

// FromPage returns the working feeds of an HTML page already fetched: its
// declared feeds and feed-like links in page order (all of them that
// work), else the first common path that answers with a feed.
func FromPage(ctx context.Context, g Getter, pageURL string, page []byte, contentType string) ([]Candidate, error) {
	checks := 0
	var out []Candidate
	for _, c := range Links(page, contentType, pageURL) {
		if checks >= MaxChecks || ctx.Err() != nil {
			break
		}
		checks++
		if v, ok := verify(ctx, g, c); ok {
			out = append(out, v)
		}
	}
	if len(out) > 0 {
		return out, nil
	}
	base, err := url.Parse(pageURL)
	if err != nil {
		return nil, fmt.Errorf("discover: %w", err)
	}
	tried := map[string]bool{}
	for _, p := range guesses {
		if checks >= MaxChecks || ctx.Err() != nil {
			break
		}
		ref, err := url.Parse(p)
		if err != nil {
			continue
		}
		u := base.ResolveReference(ref).String()
		if tried[u] {
			continue
		}
		tried[u] = true
		checks++
		if v, ok := verify(ctx, g, Candidate{URL: u, Source: SourceGuess}); ok {
			return []Candidate{v}, nil
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("discover: %w", err)
	}
	return nil, fmt.Errorf("%w at %s (%d addresses tried)", ErrNoFeed, pageURL, checks)
}

func verify(ctx context.Context, g Getter, c Candidate) (Candidate, bool) {
	resp, err := g.Fetch(ctx, fetcher.Request{URL: c.URL, Kind: fetcher.KindFeed})
	if err != nil {
		return c, false
	}
	f, err := feed.Parse(resp.Body, resp.ContentType, resp.URL)
	if err != nil {
		return c, false
	}
	c.URL, c.Feed = resp.URL, f
	if c.Title == "" {
		c.Title = f.Title
	}
	if c.Type == "" {
		c.Type = mediaType(resp.ContentType)
	}
	return c, true
}

func mediaType(ct string) string {
	return strings.ToLower(strings.TrimSpace(strings.Split(ct, ";")[0]))
}
