// Package record flattens an article into the typed columns that the SQL
// sinks store, cleaned of NUL bytes and invalid UTF-8, plus the whole
// message as JSON.
package record

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/sink"
	"github.com/newsfeed/newsfeed/sink/internal/clean"
)

// Record is one article's row.
type Record struct {
	ID           string
	Revision     int
	URL          string
	CanonicalURL string
	// Source is the outlet's slug (article.SourceSlug of its domain).
	Source           string
	SourceName       string
	SourceDomain     string
	FeedURL          string
	Title            string
	Subtitle         string
	Authors          []string
	PublishedAt      time.Time // zero when unknown
	UpdatedAt        time.Time
	Language         string // lower case, "" when unknown
	Section          string
	Tags             []string
	ImageURL         string
	Text             string
	HTML             string
	WordCount        int
	Summary          string
	SimHash          string
	ClusterID        string
	FetchedAt        time.Time
	ContentHash      string
	ExtractionMethod string
	// Doc is the message as JSON, without NUL characters.
	Doc []byte
}

// From builds the record of a. An article that cannot be encoded (a NaN
// score, say) is a permanent error.
func From(a *article.Article) (Record, error) {
	doc, err := json.Marshal(a)
	if err != nil {
		return Record{}, sink.Permanent(fmt.Errorf("encode %s: %w", a.ID, err))
	}
	r := Record{
		ID:               clean.String(a.ID),
		Revision:         a.Revision,
		URL:              clean.String(a.URL),
		CanonicalURL:     clean.String(a.CanonicalURL),
		Source:           article.SourceSlug(clean.String(a.Source.Domain)),
		SourceName:       clean.String(a.Source.Name),
		SourceDomain:     clean.String(strings.ToLower(a.Source.Domain)),
		FeedURL:          clean.String(a.Source.FeedURL),
		Title:            clean.String(a.Title),
		Subtitle:         clean.String(a.Subtitle),
		Authors:          clean.Strings(a.Authors),
		PublishedAt:      a.PublishedAt,
		UpdatedAt:        a.UpdatedAt,
		Language:         clean.String(strings.ToLower(a.Language)),
		Section:          clean.String(a.Section),
		Tags:             clean.Strings(a.Tags),
		Text:             clean.String(a.Text),
		HTML:             clean.String(a.HTML),
		WordCount:        a.WordCount,
		Summary:          clean.String(a.Summary),
		SimHash:          clean.String(a.SimHash),
		ClusterID:        clean.String(a.ClusterID),
		FetchedAt:        a.FetchedAt,
		ContentHash:      clean.String(a.ContentHash),
		ExtractionMethod: clean.String(a.Extraction.Method),
		Doc:              clean.JSON(doc),
	}
	if a.Image != nil {
		r.ImageURL = clean.String(a.Image.URL)
	}
	if r.Authors == nil {
		r.Authors = []string{}
	}
	if r.Tags == nil {
		r.Tags = []string{}
	}
	return r, nil
}

// TimeLayout is the fixed-width UTC layout used where times are stored as
// text, so that they sort and compare as text.
const TimeLayout = "2006-01-02T15:04:05.000000000Z"

// TimeText returns t in TimeLayout, or nil for the zero time.
func TimeText(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(TimeLayout)
}
