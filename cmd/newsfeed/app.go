package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"

	"golang.org/x/term"

	"github.com/newsfeed/newsfeed/config"
	"github.com/newsfeed/newsfeed/enricher"
	"github.com/newsfeed/newsfeed/fetcher"
	"github.com/newsfeed/newsfeed/parser"
	"github.com/newsfeed/newsfeed/parser/opml"
	"github.com/newsfeed/newsfeed/sink"
	"github.com/newsfeed/newsfeed/sink/sinks"
)

const defaultConfig = "newsfeed.yaml"

// configFlag registers --config on fs.
func configFlag(fs *flag.FlagSet) *string {
	return fs.String("config", "", "configuration file (default: "+defaultConfig+" in the working directory, if present; env NEWSFEED_CONFIG)")
}

// largeConfig is the size of a configuration file above which loadFile
// collects garbage eagerly while decoding it (about 15,000 feeds).
const largeConfig = 1 << 20

// loadConfig reads the file named by --config or NEWSFEED_CONFIG; without
// either, newsfeed.yaml is read if present and the defaults are used if not.
func loadConfig(e *env, path string) (*config.Config, error) {
	if path == "" {
		path = e.getenv("NEWSFEED_CONFIG")
	}
	if path != "" {
		return loadFile(e, path, false)
	}
	return loadFile(e, defaultConfig, true)
}

func loadFile(e *env, path string, optional bool) (*config.Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if optional && errors.Is(err, os.ErrNotExist) {
			return config.Parse(nil, "", e.getenv)
		}
		return nil, fmt.Errorf("config: %w", err)
	}
	if len(data) > largeConfig {
		// The YAML decoder builds the whole node tree first, about 1 KB
		// per feed, and drops it once decoded. With the default GOGC the
		// heap may grow to twice that tree before it is collected, and for
		// a file of 100,000 feeds that one-off spike set the process's
		// peak RSS. Collecting eagerly while decoding costs a fraction of
		// a second once. The collection at the end frees the tree before
		// GOGC is restored: the next heap goal is then twice the config,
		// not twice the config and its tree.
		old := debug.SetGCPercent(25)
		defer func() {
			runtime.GC()
			debug.SetGCPercent(old)
		}()
	}
	cfg, err := config.Parse(data, path, e.getenv)
	if err != nil {
		return nil, err
	}
	if err := addOPML(cfg); err != nil {
		return nil, fmt.Errorf("%s: opml: %w", path, err)
	}
	return cfg, nil
}

// addOPML appends the feeds of the configured OPML file (a path relative to
// the configuration file) that the feed list does not already hold.
func addOPML(cfg *config.Config) error {
	if cfg.OPML == "" {
		return nil
	}
	p := cfg.OPML
	if !filepath.IsAbs(p) && cfg.Path != "" {
		p = filepath.Join(filepath.Dir(cfg.Path), p)
	}
	data, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	outlines, err := opml.Parse(data)
	if err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	have := map[string]bool{}
	for _, f := range cfg.Feeds {
		have[f.URL] = true
	}
	for _, o := range outlines {
		if o.URL == "" || have[o.URL] {
			continue
		}
		have[o.URL] = true
		cfg.Feeds = append(cfg.Feeds, config.Feed{URL: o.URL, Name: o.Title})
	}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	return nil
}

// newLogger returns a JSON logger, or a text one when w is a terminal.
func newLogger(cfg config.Log, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.Level))
	opts := &slog.HandlerOptions{Level: level}
	format := cfg.Format
	if format == "auto" {
		format = "json"
		if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			format = "text"
		}
	}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// newFetcher returns the HTTP client with the configured limits, and the
// outage detector it reports to.
func newFetcher(cfg *config.Config) (*fetcher.Client, *fetcher.OutageDetector, error) {
	opts := fetcher.OptionsFromConfig(cfg.HTTP)
	opts.Outage = fetcher.NewOutageDetector(0, 0)
	c, err := fetcher.New(opts)
	return c, opts.Outage, err
}

func newExtractor(cfg *config.Config) *parser.Extractor {
	rules := make(map[string]parser.Rule, len(cfg.Sites))
	for domain, r := range cfg.Sites {
		rules[domain] = parser.Rule{
			Name: domain, Version: r.Version, Body: r.Body, Drop: r.Drop, Title: r.Title, Byline: r.Byline,
			Date: r.Date, Caption: r.Caption, Credit: r.Credit, Image: r.Image,
		}
	}
	return parser.New(rules)
}

// newEnricher builds the enrichment chain; index is the shared cluster
// index (nil: in-memory, for one-shot commands).
func newEnricher(cfg *config.Config, logger *slog.Logger, index enricher.ClusterIndex) (*enricher.Chain, error) {
	return enricher.New(enricher.Options{
		Logger: logger, Index: index, Keywords: cfg.Enrich.Keywords, ClusterWindow: cfg.Enrich.ClusterWindow,
		ClusterThreshold: cfg.Enrich.ClusterThreshold, Disable: cfg.Enrich.Disable,
	})
}

// openSinks opens every configured sink; on failure it closes those
// already open.
func openSinks(ctx context.Context, e *env, cfg *config.Config, logger *slog.Logger) (map[string]sink.Sink, error) {
	out := map[string]sink.Sink{}
	for _, sc := range cfg.Sinks {
		s, err := openSink(ctx, e, sc, logger)
		if err != nil {
			closeSinks(out)
			return nil, fmt.Errorf("sink %s (%s): %w", sc.Name, sc.Type, err)
		}
		out[sc.Name] = s
	}
	return out, nil
}

func openSink(ctx context.Context, e *env, sc config.Sink, logger *slog.Logger) (sink.Sink, error) {
	return sinks.Open(ctx, sc, sinks.Options{Logger: logger.With("sink", sc.Name), Stdout: e.stdout, Getenv: e.getenv})
}

func closeSinks(s map[string]sink.Sink) {
	for _, v := range s {
		_ = v.Close()
	}
}

func isURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}
