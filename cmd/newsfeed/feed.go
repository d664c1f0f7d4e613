package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/newsfeed/newsfeed/fetcher"
	"github.com/newsfeed/newsfeed/fetcher/discover"
	"github.com/newsfeed/newsfeed/parser/feed"
)

func cmdFeed(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "feed", "[--format json|text] FILE|URL|-", "Parse one feed and print its normalised items (JSON lines by default).")
	cfgPath := configFlag(fs)
	format := fs.String("format", "json", "output format: json or text")
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	if *format != "json" && *format != "text" {
		fmt.Fprintf(e.stderr, "newsfeed feed: --format %q: want json or text\n", *format)
		return exitUsage
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(e.stderr, "newsfeed feed: give exactly one FILE, URL or - for stdin")
		return exitUsage
	}
	in := fs.Arg(0)
	cfg, err := loadConfig(e, *cfgPath)
	if err != nil {
		return fail(e, "feed", err)
	}
	var (
		body        []byte
		contentType string
		base        string
		fc          *fetcher.Client
	)
	switch {
	case isURL(in):
		fc, _, err = newFetcher(cfg)
		if err != nil {
			return fail(e, "feed", err)
		}
		resp, err := fc.Fetch(ctx, fetcher.Request{URL: in, Kind: fetcher.KindFeed})
		if err != nil {
			return fail(e, "feed", err)
		}
		body, contentType, base = resp.Body, resp.ContentType, resp.URL
	case in == "-":
		if body, err = readLimited(e.stdin); err != nil {
			return fail(e, "feed", err)
		}
	default:
		f, err := os.Open(in)
		if err != nil {
			return fail(e, "feed", err)
		}
		body, err = readLimited(f)
		f.Close()
		if err != nil {
			return fail(e, "feed", err)
		}
	}
	parsed, err := feed.Parse(body, contentType, base)
	if errors.Is(err, feed.ErrNotFeed) && fc != nil {
		// A web page: find its feed (<link rel=alternate>, feed-like links,
		// common paths) and use the first that parses.
		cands, derr := discover.FromPage(ctx, fc, base, body, contentType)
		if derr != nil || len(cands) == 0 {
			return fail(e, "feed", fmt.Errorf("%s is not a feed and no feed was found from it", in))
		}
		fmt.Fprintf(e.stderr, "newsfeed feed: %s is a web page; using its feed %s (%s)\n", in, cands[0].URL, cands[0].Source)
		parsed = cands[0].Feed
		err = nil
	}
	if err != nil {
		return fail(e, "feed", fmt.Errorf("%s: %w", in, err))
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	for _, line := range parsed.Lines() {
		if *format == "text" {
			fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", line.PublishedAt.Format("2006-01-02 15:04"), strings.TrimSpace(line.Title), line.Link)
			continue
		}
		if err := enc.Encode(line); err != nil {
			return fail(e, "feed", err)
		}
	}
	return exitOK
}
