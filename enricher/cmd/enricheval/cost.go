package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/enricher"
	"github.com/newsfeed/newsfeed/internal/charset"
)

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// evalCost compares, in CPU time (less sensitive than wall time to other
// load on the machine), the enrichment of an article with a proxy of its
// extraction: parsing its HTML page with goquery and dumping the
// paragraph text. Both run over the fundus pages.
func evalCost(ctx context.Context, out io.Writer, root, detName string, rounds int) error {
	docs, err := loadFundus(root)
	if err != nil {
		return err
	}
	type page struct {
		html       []byte
		title, txt string
		lang       string
	}
	var pages []page
	for _, d := range docs {
		raw, err := readGz(filepath.Join(root, d.HTMLPath))
		if err != nil {
			return err
		}
		body, _ := charset.DecodeHTML(raw, "")
		pages = append(pages, page{body, d.Title, d.Text, d.Declared})
	}
	totalBytes := 0
	for _, p := range pages {
		totalBytes += len(p.html)
	}
	// Extraction proxy.
	c0, w0 := cpuTime(), time.Now()
	for range rounds {
		for _, p := range pages {
			doc, err := goquery.NewDocumentFromReader(bytes.NewReader(p.html))
			if err != nil {
				return err
			}
			doc.Find("script, style, nav, header, footer, aside").Remove()
			var sb strings.Builder
			doc.Find("p, h2, h3, li").Each(func(_ int, s *goquery.Selection) { sb.WriteString(s.Text()) })
		}
	}
	parseCPU, parseWall := cpuTime()-c0, time.Since(w0)
	n := rounds * len(pages)
	avgKB := float64(totalBytes) / float64(len(pages)) / 1024
	fmt.Fprintf(out, "extraction proxy (goquery parse + text dump), %d pages of %.0f KB on average: cpu %v per page (%v per 100 KB), wall %v per page\n",
		len(pages), avgKB, (parseCPU / time.Duration(n)).Round(time.Microsecond),
		(time.Duration(float64(parseCPU/time.Duration(n)) * 100 / avgKB)).Round(time.Microsecond), (parseWall / time.Duration(n)).Round(time.Microsecond))

	det, err := newDetector(detName)
	if err != nil {
		return err
	}
	det.Detect("load the models before measuring")
	chain, err := enricher.New(enricher.Options{Language: det})
	if err != nil {
		return err
	}
	words := 0
	c0, w0 = cpuTime(), time.Now()
	for r := range rounds {
		for i, p := range pages {
			a := &article.Article{ID: fmt.Sprintf("%d-%d", r, i), Title: p.title, Text: p.txt, Language: p.lang, FetchedAt: time.Now()}
			if err := chain.Enrich(ctx, a); err != nil {
				return err
			}
			words += a.WordCount
		}
	}
	chainCPU, chainWall := cpuTime()-c0, time.Since(w0)
	fmt.Fprintf(out, "enrichment chain (%s, in-memory index), %d articles of %d words on average: cpu %v per article, wall %v per article\n",
		detName, n, words/n, (chainCPU / time.Duration(n)).Round(time.Microsecond), (chainWall / time.Duration(n)).Round(time.Microsecond))
	// Each enricher alone.
	for _, name := range enricher.Names {
		var disable []string
		for _, other := range enricher.Names {
			if other != name {
				disable = append(disable, other)
			}
		}
		one, err := enricher.New(enricher.Options{Language: det, Disable: disable})
		if err != nil {
			return err
		}
		c0 = cpuTime()
		for r := range rounds {
			for i, p := range pages {
				a := &article.Article{ID: fmt.Sprintf("%s-%d-%d", name, r, i), Title: p.title, Text: p.txt, Language: p.lang, FetchedAt: time.Now()}
				if err := one.Enrich(ctx, a); err != nil {
					return err
				}
			}
		}
		fmt.Fprintf(out, "  %-12s cpu %v per article\n", name, ((cpuTime() - c0) / time.Duration(n)).Round(time.Microsecond))
	}
	return nil
}

func readGz(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}
