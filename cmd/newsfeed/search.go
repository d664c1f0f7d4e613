package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/newsfeed/newsfeed/config"
	"github.com/newsfeed/newsfeed/sink"
)

func cmdSearch(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "search", "[--sink NAME] [--since TIME] [--source SOURCE] [--limit N] [--format text|json] QUERY",
		"Full-text search over the SQLite or PostgreSQL sink, best matches first, with highlighted snippets.\n"+
			"QUERY: words and \"phrases\" are all required; OR between two makes either do; -word excludes; word* matches a prefix.")
	cfgPath := configFlag(fs)
	sinkName := fs.String("sink", "", "the sink to search (default: the first sqlite or postgres sink)")
	since := fs.String("since", "", "only articles published since TIME (RFC 3339, 2006-01-02 or a duration ago such as 48h)")
	source := fs.String("source", "", "only articles from this source (slug, domain or name)")
	limit := fs.Int("limit", 20, "at most this many results")
	format := fs.String("format", "text", "output: text or json (JSON lines)")
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(e.stderr, "newsfeed search: give a QUERY")
		return exitUsage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(e.stderr, "newsfeed search: --format %q: want text or json\n", *format)
		return exitUsage
	}
	q := sink.Query{Text: strings.Join(fs.Args(), " "), Source: *source, Limit: *limit}
	if *since != "" {
		t, err := parseWhen(*since, time.Now())
		if err != nil {
			fmt.Fprintf(e.stderr, "newsfeed search: --since: %v\n", err)
			return exitUsage
		}
		q.Since = t
	}
	cfg, err := loadConfig(e, *cfgPath)
	if err != nil {
		return fail(e, "search", err)
	}
	var sc *config.Sink
	for i := range cfg.Sinks {
		s := &cfg.Sinks[i]
		if (*sinkName == "" && (s.Type == "sqlite" || s.Type == "postgres")) || s.Name == *sinkName {
			sc = s
			break
		}
	}
	if sc == nil {
		if *sinkName != "" {
			return fail(e, "search", fmt.Errorf("no sink named %q", *sinkName))
		}
		return fail(e, "search", fmt.Errorf("no sqlite or postgres sink is configured"))
	}
	s, err := openSink(ctx, e, *sc, newLogger(cfg.Log, e.stderr))
	if err != nil {
		return fail(e, "search", fmt.Errorf("sink %s: %w", sc.Name, err))
	}
	defer s.Close()
	searcher, ok := s.(sink.Searcher)
	if !ok {
		return fail(e, "search", fmt.Errorf("sink %s (%s) cannot search; use a sqlite or postgres sink", sc.Name, sc.Type))
	}
	hits, err := searcher.Search(ctx, q)
	if err != nil {
		return fail(e, "search", err)
	}
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		for _, h := range hits {
			_ = enc.Encode(h)
		}
		return exitOK
	}
	if len(hits) == 0 {
		fmt.Fprintln(e.stdout, "no matches")
		return exitOK
	}
	for i, h := range hits {
		date := ""
		if !h.PublishedAt.IsZero() {
			date = h.PublishedAt.Format("2006-01-02") + " · "
		}
		fmt.Fprintf(e.stdout, "%d. %s\n   %s%s · %s\n   %s\n\n", i+1, h.Title, date, h.Source, h.URL, oneLine(h.Snippet, 300))
	}
	return exitOK
}
