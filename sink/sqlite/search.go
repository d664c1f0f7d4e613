package sqlite

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/newsfeed/newsfeed/sink"
	"github.com/newsfeed/newsfeed/sink/internal/query"
	"github.com/newsfeed/newsfeed/sink/internal/record"
)

// DefaultLimit is the number of hits when Query.Limit is 0.
const DefaultLimit = 20

const searchSQL = `SELECT a.id, a.title, a.url, a.source_name, a.source_domain,
	coalesce(a.published_at, ''),
	snippet(articles_fts, -1, '**', '**', '…', 24),
	bm25(articles_fts, 4.0, 1.0) AS rank
FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid
WHERE articles_fts MATCH ?1
	AND (?2 = '' OR a.source = ?2 OR a.source_domain = lower(?2) OR a.source_name = ?2)
	AND (?3 = '' OR coalesce(a.published_at, a.fetched_at) >= ?3)
ORDER BY rank
LIMIT ?4`

// Search runs q (in the syntax of sink.Query.Text) against the FTS5 index,
// best matches first by BM25, a title match weighing four times a text match.
// Words are stemmed with the Porter stemmer (English) after Unicode case and
// diacritic folding.
func (s *Sink) Search(ctx context.Context, q sink.Query) ([]sink.Hit, error) {
	match := query.Parse(q.Text).FTS5()
	if match == "" {
		return nil, nil
	}
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	since := ""
	if !q.Since.IsZero() {
		since = record.TimeText(q.Since).(string)
	}
	rows, err := s.db.QueryContext(ctx, searchSQL, match, strings.TrimSpace(q.Source), since, limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: search %q: %w", q.Text, err)
	}
	defer rows.Close()
	var hits []sink.Hit
	for rows.Next() {
		var h sink.Hit
		var name, domain, pub string
		var rank float64
		if err := rows.Scan(&h.ID, &h.Title, &h.URL, &name, &domain, &pub, &h.Snippet, &rank); err != nil {
			return nil, fmt.Errorf("sqlite: search: %w", err)
		}
		h.Source = name
		if h.Source == "" {
			h.Source = domain
		}
		if pub != "" {
			h.PublishedAt, _ = time.Parse(record.TimeLayout, pub)
		}
		h.Score = -rank
		hits = append(hits, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: search: %w", err)
	}
	return hits, nil
}
