package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/newsfeed/newsfeed/fetcher"
	"github.com/newsfeed/newsfeed/parser/feed"
)

// feedLine is one line of `newsfeed feed` output (DESIGN §2).
type feedLine struct {
	feed.Item
	Feed feedInfo `json:"feed"`
}

type feedInfo struct {
	Title    string `json:"title"`
	Link     string `json:"link"`
	Language string `json:"language"`
}

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
	)
	switch {
	case isURL(in):
		fc, err := newFetcher(cfg)
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
	if err != nil {
		return fail(e, "feed", fmt.Errorf("%s: %w", in, err))
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	info := feedInfo{Title: parsed.Title, Link: parsed.Link, Language: parsed.Language}
	for _, it := range parsed.Items {
		if *format == "text" {
			fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", it.PublishedAt.Format("2006-01-02 15:04"), strings.TrimSpace(it.Title), it.Link)
			continue
		}
		if err := enc.Encode(feedLine{Item: it, Feed: info}); err != nil {
			return fail(e, "feed", err)
		}
	}
	return exitOK
}
