package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/newsfeed/newsfeed/config"
	"github.com/newsfeed/newsfeed/enricher"
	"github.com/newsfeed/newsfeed/fetcher"
	"github.com/newsfeed/newsfeed/parser"
	"github.com/newsfeed/newsfeed/sink"
	"github.com/newsfeed/newsfeed/sink/sinks"
)

const defaultConfig = "newsfeed.yaml"

// configFlag registers --config on fs.
func configFlag(fs *flag.FlagSet) *string {
	return fs.String("config", "", "configuration file (default: "+defaultConfig+" in the working directory, if present; env NEWSFEED_CONFIG)")
}

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
	return config.Parse(data, path, e.getenv)
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

func newEnricher(_ *config.Config, logger *slog.Logger) *enricher.Chain {
	return enricher.NewChain(logger, enricher.WordCount{})
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
