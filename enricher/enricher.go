// Package enricher adds derived fields to an article through a chain of
// small enrichers behind one interface. A failing (or panicking) enricher
// is recorded in the article's errors and never drops it.
//
// New builds the standard chain:
//
//	language     language, language_confidence (lingua-go, falling back to
//	             the page or feed declaration)
//	wordcount    word_count
//	readingtime  reading_time_minutes, by the language's reading speed
//	entities     people, organisations and places (package entities)
//	keywords     scored words and phrases (package keywords)
//	summary      two or three sentences of the text (package summary)
//	cluster      simhash, and cluster_id: the story cluster shared with
//	             near-duplicates from other outlets (MinHash LSH over a
//	             ClusterIndex: in memory, or in NATS KV for all replicas)
//
// The enrichers of a chain share one textseg.Cache, so an article's text
// is split into words and sentences once. Chains are safe for concurrent
// use. Figures (accuracy, memory, cost) and the commands that produce them
// are in bench/ENRICH.md.
package enricher

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/newsfeed/newsfeed/article"
)

// Enricher adds fields to an article in place.
type Enricher interface {
	// Name identifies the enricher in errors, logs and metrics.
	Name() string
	// Enrich modifies a. An error is recorded on the article by the chain;
	// the article continues down the pipeline.
	Enrich(ctx context.Context, a *article.Article) error
}

// Chain runs enrichers in order.
type Chain struct {
	enrichers []Enricher
	logger    *slog.Logger
}

// NewChain returns a chain of the given enrichers.
func NewChain(logger *slog.Logger, enrichers ...Enricher) *Chain {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Chain{enrichers: enrichers, logger: logger}
}

// Names returns the names of the chain's enrichers, in order.
func (c *Chain) Names() []string {
	names := make([]string, len(c.enrichers))
	for i, e := range c.enrichers {
		names[i] = e.Name()
	}
	return names
}

// Enrich runs every enricher on a, recording failures (and panics) in
// a.Errors. It returns an error only when ctx is done.
func (c *Chain) Enrich(ctx context.Context, a *article.Article) error {
	for _, e := range c.enrichers {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := run(ctx, e, a); err != nil {
			a.Errors = append(a.Errors, article.StageError{Stage: "enrich." + e.Name(), Error: err.Error()})
			c.logger.Warn("enricher failed", "enricher", e.Name(), "article", a.ID, "url", a.URL, "error", err)
		}
	}
	return nil
}

func run(ctx context.Context, e Enricher, a *article.Article) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return e.Enrich(ctx, a)
}

// WordCount sets word_count from the text.
type WordCount struct{}

var _ Enricher = WordCount{}

// Name implements Enricher.
func (WordCount) Name() string { return "wordcount" }

// Enrich implements Enricher.
func (WordCount) Enrich(_ context.Context, a *article.Article) error {
	a.WordCount = article.CountWords(a.Text)
	return nil
}
