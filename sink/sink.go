// Package sink defines where articles end up. Each sink is fed by its own
// durable JetStream consumer (sink-<name>); the pipeline acknowledges a batch
// only after Write returns nil, so Write must not return before the batch is
// durable.
package sink

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/newsfeed/newsfeed/article"
)

// Sink persists or forwards articles.
type Sink interface {
	// Write stores batch durably and returns nil only when every article in it
	// is stored. It must be idempotent: writing an article whose id is
	// already stored replaces it only when the new Revision is higher (or
	// equal, making redelivery harmless), so redelivery never duplicates.
	// An error wrapping ErrPermanent means retrying the same batch will never
	// succeed (the pipeline then retries articles one by one and
	// dead-letters those that still fail permanently); any other error is
	// transient and the batch is redelivered later.
	Write(ctx context.Context, batch []*article.Article) error
	// Check reports whether the sink can take writes now (for /readyz).
	Check(ctx context.Context) error
	// Close flushes and releases resources.
	Close() error
}

// ErrPermanent marks failures that retrying cannot fix.
var ErrPermanent = errors.New("permanent failure")

// Permanent wraps err so that errors.Is(err, ErrPermanent) holds.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrPermanent, err)
}

// Searcher is implemented by sinks that can answer full-text queries (the
// SQLite and PostgreSQL sinks).
type Searcher interface {
	// Search returns the articles matching q, best first.
	Search(ctx context.Context, q Query) ([]Hit, error)
}

// Query is a full-text search. Text is free text: words and "quoted
// phrases" are all required, OR between two of them makes either do, a
// leading - excludes a word or phrase and a trailing * matches a prefix.
// Since (published at or after, fetch time when unknown), Source (the
// source slug, domain or name) and Limit (0 means 20) are optional.
type Query struct {
	Text   string
	Since  time.Time
	Source string
	Limit  int
}

// Hit is one search result. Snippet is a short excerpt of the title or
// text with each matched term wrapped in ** (Markdown bold); Score is
// higher for better matches and only comparable within one result list.
// Its JSON form uses the article message's snake_case names.
type Hit struct {
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	URL         string    `json:"url"`
	Source      string    `json:"source"`
	PublishedAt time.Time `json:"published_at,omitzero"`
	Snippet     string    `json:"snippet"`
	Score       float64   `json:"score"`
}
