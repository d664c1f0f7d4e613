// Package feed parses RSS, Atom and JSON feeds (through gofeed) into
// newsfeed's normalised items, after converting the document to UTF-8.
package feed

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/newsfeed/newsfeed/internal/charset"
	"github.com/newsfeed/newsfeed/internal/urlnorm"
)

// ErrNotFeed is returned when the document is not a feed gofeed knows.
var ErrNotFeed = errors.New("feed: not an RSS, Atom or JSON feed")

// Feed is a parsed feed.
type Feed struct {
	Title    string `json:"title"`
	Link     string `json:"link,omitempty"`
	Language string `json:"language,omitempty"`
	// TTL is the RSS <ttl> (0 when absent).
	TTL time.Duration `json:"-"`
	// UpdatePeriod is sy:updatePeriod divided by sy:updateFrequency (0 when absent).
	UpdatePeriod time.Duration  `json:"-"`
	SkipHours    []int          `json:"-"`
	SkipDays     []time.Weekday `json:"-"`
	Items        []Item         `json:"-"`
}

// Item is one normalised feed item.
type Item struct {
	GUID        string    `json:"guid"`
	Title       string    `json:"title"`
	Link        string    `json:"link"`
	PublishedAt time.Time `json:"published_at,omitzero"`
	UpdatedAt   time.Time `json:"updated_at,omitzero"`
	Authors     []string  `json:"authors"`
	Categories  []string  `json:"categories"`
	Summary     string    `json:"summary"`
	Content     string    `json:"content"`
	Image       string    `json:"image,omitempty"`
}

// Parse parses a feed document. contentType is the HTTP Content-Type (for
// its charset) and baseURL the feed's URL (for relative links).
func Parse(data []byte, contentType, baseURL string) (*Feed, error) {
	utf, _ := charset.DecodeXML(data, contentType)
	gf, err := gofeed.NewParser().Parse(bytes.NewReader(utf))
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			return nil, ErrNotFeed
		}
		return nil, fmt.Errorf("feed: %w", err)
	}
	base, _ := url.Parse(baseURL)
	f := &Feed{
		Title:    strings.TrimSpace(gf.Title),
		Language: strings.TrimSpace(gf.Language),
	}
	f.Link = urlnorm.Resolve(base, gf.Link)
	for _, it := range gf.Items {
		if it == nil {
			continue
		}
		f.Items = append(f.Items, item(base, it))
	}
	return f, nil
}

func item(base *url.URL, it *gofeed.Item) Item {
	out := Item{
		GUID:       strings.TrimSpace(it.GUID),
		Title:      strings.TrimSpace(it.Title),
		Link:       urlnorm.Resolve(base, it.Link),
		Summary:    strings.TrimSpace(it.Description),
		Content:    strings.TrimSpace(it.Content),
		Categories: nonEmpty(it.Categories),
		Authors:    []string{},
	}
	if out.Categories == nil {
		out.Categories = []string{}
	}
	if out.Link == "" && len(it.Links) > 0 {
		for _, l := range it.Links {
			if out.Link = urlnorm.Resolve(base, l); out.Link != "" {
				break
			}
		}
	}
	if it.PublishedParsed != nil {
		out.PublishedAt = *it.PublishedParsed
	}
	if it.UpdatedParsed != nil {
		out.UpdatedAt = *it.UpdatedParsed
	}
	for _, a := range it.Authors {
		if a != nil && strings.TrimSpace(a.Name) != "" {
			out.Authors = append(out.Authors, strings.TrimSpace(a.Name))
		}
	}
	if it.Image != nil {
		out.Image = urlnorm.Resolve(base, it.Image.URL)
	}
	if out.Image == "" {
		for _, e := range it.Enclosures {
			if e != nil && strings.HasPrefix(e.Type, "image/") {
				out.Image = urlnorm.Resolve(base, e.URL)
				break
			}
		}
	}
	return out
}

func nonEmpty(in []string) []string {
	var out []string
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
