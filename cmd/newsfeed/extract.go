package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/fetcher"
	"github.com/newsfeed/newsfeed/parser"
	"github.com/newsfeed/newsfeed/render"
)

// maxInput caps a local file or stdin read by extract and feed.
const maxInput = 64 << 20

func cmdExtract(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "extract", "[--url URL] [--format json|markdown|text] FILE|URL|- ...",
		"Extract article pages and print one article per input (JSON lines for json),\nin input order, using all cores.")
	cfgPath := configFlag(fs)
	pageURL := fs.String("url", "", "the page's address, for files and stdin (resolves links, checks the canonical URL)")
	format := fs.String("format", "json", "output format: json, markdown or text")
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	switch *format {
	case "json", "markdown", "text":
	default:
		fmt.Fprintf(e.stderr, "newsfeed extract: --format %q: want json, markdown or text\n", *format)
		return exitUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(e.stderr, "newsfeed extract: no input (give FILE, URL or - for stdin)")
		return exitUsage
	}
	cfg, err := loadConfig(e, *cfgPath)
	if err != nil {
		return fail(e, "extract", err)
	}
	fc, _, err := newFetcher(cfg)
	if err != nil {
		return fail(e, "extract", err)
	}
	ex := newExtractor(cfg)
	enr, err := newEnricher(cfg, newLogger(cfg.Log, e.stderr), nil)
	if err != nil {
		return fail(e, "extract", err)
	}

	inputs := fs.Args()
	type result struct {
		out string
		err error
	}
	results := make([]chan result, len(inputs))
	for i := range results {
		results[i] = make(chan result, 1)
	}
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, in := range inputs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			a, err := extractOne(ctx, e, fc, ex, in, *pageURL)
			if err == nil {
				_ = enr.Enrich(ctx, a)
			}
			if err != nil {
				results[i] <- result{err: err}
				return
			}
			results[i] <- result{out: formatArticle(a, *format)}
		}()
	}
	code := exitOK
	for i, ch := range results {
		r := <-ch
		if r.err != nil {
			fmt.Fprintf(e.stderr, "newsfeed extract: %s: %v\n", inputs[i], r.err)
			code = exitFail
			continue
		}
		if *format != "json" && i > 0 {
			fmt.Fprintln(e.stdout)
		}
		io.WriteString(e.stdout, r.out)
	}
	wg.Wait()
	return code
}

func extractOne(ctx context.Context, e *env, fc *fetcher.Client, ex *parser.Extractor, in, pageURL string) (*article.Article, error) {
	var (
		body        []byte
		contentType string
		err         error
	)
	u := pageURL
	switch {
	case isURL(in):
		resp, ferr := fc.Fetch(ctx, fetcher.Request{URL: in, Kind: fetcher.KindPage})
		if ferr != nil {
			return nil, ferr
		}
		body, contentType = resp.Body, resp.ContentType
		if u == "" {
			u = resp.URL
		}
	case in == "-":
		body, err = readLimited(e.stdin)
	default:
		var f *os.File
		if f, err = os.Open(in); err == nil {
			body, err = readLimited(f)
			f.Close()
		}
	}
	if err != nil {
		return nil, err
	}
	a, err := ex.Extract(body, parser.Options{URL: u, ContentType: contentType})
	if err != nil {
		return nil, err
	}
	if a.URL == "" {
		a.URL = u
	}
	if a.CanonicalURL == "" {
		a.CanonicalURL = a.URL
	}
	if id, err := article.ID(a.CanonicalURL); err == nil {
		a.ID = id
	}
	a.FetchedAt = time.Now().UTC()
	a.WordCount = article.CountWords(a.Text)
	return a, nil
}

func readLimited(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxInput+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxInput {
		return nil, fmt.Errorf("input larger than %d MiB", maxInput>>20)
	}
	return b, nil
}

func formatArticle(a *article.Article, format string) string {
	switch format {
	case "markdown":
		return render.Markdown(a)
	case "text":
		return render.Text(a)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(a)
	return buf.String()
}
