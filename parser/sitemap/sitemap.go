// Package sitemap reads sitemaps (sitemaps.org 0.9, with the Google News
// and image extensions), sitemap indexes and plain-text sitemaps into the
// same Feed and Item shape as parser/feed, for feeds configured with
// `type: sitemap`.
//
// A <urlset> becomes a Feed whose items are its URLs: loc is the link and
// the GUID, news:title the title, news:publication_date (else lastmod) the
// publication date, news:keywords the categories, image:loc the image; the
// feed title and language come from news:publication. A <sitemapindex>
// becomes a list of child sitemaps for the caller to fetch (they are not
// fetched here). Gzip-compressed sitemaps (.xml.gz) are decompressed under
// a cap. The same pre-processing as feeds applies (charset, forbidden
// characters, nesting and element caps, truncation repair).
package sitemap

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/newsfeed/newsfeed/internal/urlnorm"
	"github.com/newsfeed/newsfeed/internal/xmlguard"
	"github.com/newsfeed/newsfeed/parser/feed"
)

// Errors.
var (
	ErrNotSitemap = errors.New("sitemap: not a sitemap or sitemap index")
	ErrTooLarge   = errors.New("sitemap: decompressed sitemap over the cap")
)

// Limits from the sitemaps.org protocol.
const (
	MaxURLs         = 50_000
	MaxUncompressed = 50 << 20
)

// Sitemap is a child of a sitemap index.
type Sitemap struct {
	URL     string
	LastMod time.Time // zero when absent or implausible
}

// Result is a parsed sitemap: Feed for a <urlset> or a text sitemap,
// Sitemaps for a <sitemapindex>.
type Result struct {
	Feed     *feed.Feed
	Sitemaps []Sitemap
}

// Options bound parsing; zero values take the defaults.
type Options struct {
	Now time.Time // for date plausibility, default time.Now()
	// MaxUncompressed caps a gzip sitemap once decompressed, default
	// MaxUncompressed (50 MiB, the protocol's limit).
	MaxUncompressed int64
}

// Parse parses a sitemap. contentType is the HTTP Content-Type and
// baseURL the sitemap's URL (relative locations are resolved against it,
// though the protocol requires absolute ones).
func Parse(data []byte, contentType, baseURL string) (*Result, error) {
	return ParseOptions(data, contentType, baseURL, Options{})
}

// ParseOptions is Parse with options.
func ParseOptions(data []byte, contentType, baseURL string, opts Options) (*Result, error) {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.MaxUncompressed <= 0 {
		opts.MaxUncompressed = MaxUncompressed
	}
	if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
		var err error
		if data, err = gunzip(data, opts.MaxUncompressed); err != nil {
			return nil, err
		}
	}
	base, _ := url.Parse(strings.TrimSpace(baseURL))
	doc, info, warn, err := feed.Prepare(data, contentType, xmlguard.Limits{MaxDepth: 32, MaxElements: 20 * MaxURLs})
	if err != nil {
		return nil, fmt.Errorf("sitemap: %w", err)
	}
	switch info.Root {
	case "urlset":
		f, err := parseURLSet(doc, base, opts.Now)
		if err != nil {
			return nil, err
		}
		f.Warnings = append(warn, f.Warnings...)
		return &Result{Feed: f}, nil
	case "sitemapindex":
		return parseIndex(doc, base, opts.Now)
	case "":
		if f := parseText(doc, base); f != nil {
			f.Warnings = warn
			return &Result{Feed: f}, nil
		}
	}
	return nil, ErrNotSitemap
}

func gunzip(data []byte, max int64) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("sitemap: gzip: %w", err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, max+1))
	if err != nil && len(out) == 0 {
		return nil, fmt.Errorf("sitemap: gzip: %w", err)
	}
	if int64(len(out)) > max {
		return nil, ErrTooLarge
	}
	return out, nil
}

func decoder(doc []byte) *xml.Decoder {
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.Strict = false
	d.Entity = xml.HTMLEntity
	return d
}

// element collects the text of the child elements of one <url> or
// <sitemap>, keyed by namespace-less path ("loc", "news/title",
// "image/loc", ...).
type element map[string][]string

func (e element) first(k string) string {
	if v := e[k]; len(v) > 0 {
		return strings.TrimSpace(v[0])
	}
	return ""
}

// walk calls fn for each element named entry (url or sitemap).
func walk(doc []byte, entry string, fn func(element)) error {
	d := decoder(doc)
	var (
		cur  element
		path []string
		text strings.Builder
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := strings.ToLower(t.Name.Local)
			if cur == nil {
				if name == entry {
					cur, path = element{}, nil
				}
				continue
			}
			path = append(path, name)
			text.Reset()
		case xml.CharData:
			if cur != nil && text.Len() < 64<<10 {
				text.Write(t)
			}
		case xml.EndElement:
			if cur == nil {
				continue
			}
			if len(path) == 0 { // the entry itself ends
				fn(cur)
				cur = nil
				continue
			}
			key := path[len(path)-1]
			if len(path) > 1 {
				key = path[0] + "/" + key
				if path[0] == "news" && len(path) > 2 {
					key = path[1] + "/" + path[len(path)-1] // publication/name
				}
			}
			if s := strings.TrimSpace(text.String()); s != "" {
				cur[key] = append(cur[key], s)
			}
			text.Reset()
			path = path[:len(path)-1]
		}
	}
}

func parseURLSet(doc []byte, base *url.URL, now time.Time) (*feed.Feed, error) {
	f := &feed.Feed{Format: "sitemap"}
	var warn []string
	seen := map[string]bool{}
	err := walk(doc, "url", func(e element) {
		link := urlnorm.Resolve(base, e.first("loc"))
		if link == "" {
			warn = append(warn, "entries without an http(s) loc were dropped")
			return
		}
		if seen[link] {
			warn = append(warn, "repeated locations were dropped")
			return
		}
		if len(f.Items) >= MaxURLs {
			warn = append(warn, fmt.Sprintf("more than %d URLs: the rest were dropped", MaxURLs))
			return
		}
		seen[link] = true
		it := feed.Item{
			GUID:       link,
			Link:       link,
			Title:      e.first("news/title"),
			Authors:    []string{},
			Categories: keywords(e.first("news/keywords")),
		}
		if img := urlnorm.Resolve(base, e.first("image/loc")); img != "" {
			it.Image = img
		}
		it.PublishedAt = date(e.first("news/publication_date"), now, &warn)
		it.UpdatedAt = date(e.first("lastmod"), now, &warn)
		if it.PublishedAt.IsZero() {
			it.PublishedAt = it.UpdatedAt
		}
		if f.Title == "" {
			f.Title = e.first("publication/name")
		}
		if f.Language == "" {
			f.Language = e.first("publication/language")
		}
		f.Items = append(f.Items, it)
	})
	if err != nil && len(f.Items) == 0 {
		return nil, fmt.Errorf("sitemap: %w", err)
	}
	if err != nil {
		warn = append(warn, "malformed XML: entries after the damage were dropped")
	}
	f.Warnings = dedupe(warn)
	return f, nil
}

func parseIndex(doc []byte, base *url.URL, now time.Time) (*Result, error) {
	r := &Result{}
	seen := map[string]bool{}
	var warn []string
	err := walk(doc, "sitemap", func(e element) {
		u := urlnorm.Resolve(base, e.first("loc"))
		if u == "" || seen[u] || len(r.Sitemaps) >= MaxURLs {
			return
		}
		seen[u] = true
		r.Sitemaps = append(r.Sitemaps, Sitemap{URL: u, LastMod: date(e.first("lastmod"), now, &warn)})
	})
	if err != nil && len(r.Sitemaps) == 0 {
		return nil, fmt.Errorf("sitemap: %w", err)
	}
	return r, nil
}

// parseText reads a text sitemap: one absolute URL per line.
func parseText(doc []byte, base *url.URL) *feed.Feed {
	f := &feed.Feed{Format: "sitemap"}
	seen := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(doc))
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	for sc.Scan() && len(f.Items) < MaxURLs {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if !strings.HasPrefix(line, "http://") && !strings.HasPrefix(line, "https://") {
			return nil // not a text sitemap
		}
		link := urlnorm.Resolve(base, line)
		if link == "" || seen[link] {
			continue
		}
		seen[link] = true
		f.Items = append(f.Items, feed.Item{GUID: link, Link: link, Authors: []string{}, Categories: []string{}})
	}
	if len(f.Items) == 0 {
		return nil
	}
	return f
}

func date(s string, now time.Time, warn *[]string) time.Time {
	if s == "" {
		return time.Time{}
	}
	d, ok := feed.ParseDate(s)
	if !ok {
		*warn = append(*warn, "unparsable dates were dropped")
		return time.Time{}
	}
	if d.Time.Before(feed.MinDate) || d.Time.After(now.Add(feed.MaxFuture)) {
		*warn = append(*warn, "implausible dates were dropped")
		return time.Time{}
	}
	return d.Time
}

func keywords(s string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, k := range strings.Split(s, ",") {
		k = strings.TrimSpace(k)
		if k != "" && !seen[strings.ToLower(k)] {
			seen[strings.ToLower(k)] = true
			out = append(out, k)
		}
	}
	return out
}

func dedupe(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
