package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/newsfeed/newsfeed/sink"
	"github.com/newsfeed/newsfeed/sink/internal/query"
)

// DefaultLimit is the number of hits when Query.Limit is 0.
const DefaultLimit = 20

// configs are the text search configurations newsfeed_ts_config returns.
var configs = []string{
	"simple", "arabic", "danish", "dutch", "english", "finnish", "french", "german", "greek",
	"hungarian", "indonesian", "irish", "italian", "lithuanian", "nepali", "norwegian",
	"portuguese", "romanian", "russian", "spanish", "swedish", "tamil", "turkish",
}

// searchSQL matches against a query built in every configuration (an
// article's vector uses its own language's), so a word finds its stemmed
// form whatever the language; exclusions apply in every configuration. The
// query is a scalar subquery (an InitPlan) so that the planner can use it
// as a GIN index condition.
var searchSQL = func() string {
	// either ORs the query's forms in every configuration, each distinct
	// form once (ranking cost grows with the query's size).
	either := func(param string) string {
		parts := make([]string, len(configs))
		for i, c := range configs {
			parts[i] = "to_tsquery('pg_catalog." + c + "', " + param + ")"
		}
		return `(SELECT string_agg(DISTINCT '(' || t::text || ')', ' | ')::tsquery
		FROM unnest(ARRAY[` + strings.Join(parts, ", ") + `]) t WHERE numnode(t) > 0)`
	}
	return `WITH q AS MATERIALIZED (
	SELECT CASE WHEN $2 = '' THEN pos ELSE coalesce(pos && !! ` + either("$2") + `, pos) END AS q
	FROM (SELECT ` + either("$1") + ` AS pos) p
), hits AS (
	SELECT a.id, a.title, a.url, a.source_name, a.source_domain, a.published_at, a.language, a.text,
		ts_rank_cd(a.tsv, (SELECT q FROM q), 1) AS score
	FROM {{schema}}.articles a
	WHERE a.tsv @@ (SELECT q FROM q)
		AND ($3 = '' OR a.source = $3 OR a.source_domain = lower($3) OR a.source_name = $3)
		AND ($4::timestamptz IS NULL OR coalesce(a.published_at, a.fetched_at) >= $4)
	ORDER BY score DESC, a.published_at DESC NULLS LAST
	LIMIT $5
)
SELECT id, title, url, source_name, source_domain, published_at,
	ts_headline({{schema}}.newsfeed_ts_config(language), title || E'\n\n' || left(text, 100000), (SELECT q FROM q),
		'StartSel=**, StopSel=**, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "'),
	score
FROM hits
ORDER BY score DESC, published_at DESC NULLS LAST`
}()

// Search runs q (in the syntax of sink.Query.Text) against the GIN-indexed
// vectors, best first by ts_rank_cd (title weighs more than text, and the
// score is normalised by document length). Snippets come from ts_headline
// over the title and text.
func (s *Sink) Search(ctx context.Context, q sink.Query) ([]sink.Hit, error) {
	e := query.Parse(q.Text)
	if e.Empty() {
		return nil, nil
	}
	pos := query.Expr{Clauses: e.Clauses}.TSQuery()
	neg := ""
	if len(e.Not) > 0 {
		var clause []query.Term
		clause = append(clause, e.Not...)
		neg = query.Expr{Clauses: [][]query.Term{clause}}.TSQuery()
	}
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	var since any
	if !q.Since.IsZero() {
		since = q.Since
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, fmt.Errorf("postgres: search after close")
	}
	rows, err := s.pool.Query(ctx, s.search, pos, neg, strings.TrimSpace(q.Source), since, limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: search %q: %w", q.Text, err)
	}
	defer rows.Close()
	var hits []sink.Hit
	for rows.Next() {
		var h sink.Hit
		var name, domain string
		var pub *time.Time
		var score float32
		if err := rows.Scan(&h.ID, &h.Title, &h.URL, &name, &domain, &pub, &h.Snippet, &score); err != nil {
			return nil, fmt.Errorf("postgres: search: %w", err)
		}
		h.Source = name
		if h.Source == "" {
			h.Source = domain
		}
		if pub != nil {
			h.PublishedAt = *pub
		}
		h.Score = float64(score)
		hits = append(hits, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: search: %w", err)
	}
	return hits, nil
}
