package enricher

import (
	"context"
	"fmt"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/enricher/entities"
	"github.com/newsfeed/newsfeed/enricher/keywords"
	"github.com/newsfeed/newsfeed/enricher/summary"
	"github.com/newsfeed/newsfeed/enricher/textseg"
)

// Entities sets entities: people, organisations and places named in the
// title, text and byline (see package entities). An entity named only in
// the title or byline (a news agency credited as author) has First -1.
type Entities struct {
	x *entities.Extractor
}

var _ Enricher = (*Entities)(nil)

// NewEntities returns the entity enricher with the built-in gazetteer.
func NewEntities() (*Entities, error) { return newEntities(nil) }

func newEntities(seg *textseg.Cache) (*Entities, error) {
	x, err := entities.New()
	if err != nil {
		return nil, fmt.Errorf("enricher: %w", err)
	}
	x.Seg = seg
	return &Entities{x: x}, nil
}

// Name implements Enricher.
func (*Entities) Name() string { return "entities" }

// Enrich implements Enricher.
func (e *Entities) Enrich(_ context.Context, a *article.Article) error {
	a.Entities = e.x.Extract(a.Title, a.Text, a.Language, a.Authors)
	return nil
}

// Keywords sets keywords: the N best words and phrases of the title and
// text in the article's language (see package keywords).
type Keywords struct {
	N   int
	seg *textseg.Cache
}

var _ Enricher = Keywords{}

// DefaultKeywords is the number of keywords when Options.Keywords is 0.
const DefaultKeywords = 10

// Name implements Enricher.
func (Keywords) Name() string { return "keywords" }

// Enrich implements Enricher.
func (k Keywords) Enrich(_ context.Context, a *article.Article) error {
	n := k.N
	if n <= 0 {
		n = DefaultKeywords
	}
	a.Keywords = keywords.Extractor{Seg: k.seg}.Extract(a.Title, a.Text, a.Language, n)
	return nil
}

// Summary sets summary: two or three sentences of the text (see package
// summary). An article without text keeps the summary it has.
type Summary struct {
	seg *textseg.Cache
}

var _ Enricher = Summary{}

// Name implements Enricher.
func (Summary) Name() string { return "summary" }

// Enrich implements Enricher.
func (s Summary) Enrich(_ context.Context, a *article.Article) error {
	if s := (summary.Summarizer{Seg: s.seg}).Summarize(a.Text, a.Language); s != "" {
		a.Summary = s
	}
	return nil
}
