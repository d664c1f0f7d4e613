//go:build unix

package e2e

import (
	"bytes"
	"fmt"
	"net/http/httptest"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/newsfeed/newsfeed/internal/testsite"
	"github.com/newsfeed/newsfeed/parser"
)

// loadPages returns n article pages of the load harness's site, generated
// exactly as loadrun serves them (-page-kb 100).
func loadPages(b *testing.B, n int) ([][]byte, int) {
	b.Helper()
	site := testsite.New(testsite.Options{Feeds: n, Items: n, PageKB: 100, Seed: 1})
	site.Base = "http://127.0.0.1:8089"
	var pages [][]byte
	total := 0
	for i := 0; i < n; i++ {
		rec := httptest.NewRecorder()
		site.ServeHTTP(rec, httptest.NewRequest("GET", fmt.Sprintf("%s/gen/%d/%d.html", site.Base, i, i), nil))
		if rec.Code != 200 {
			b.Fatalf("page %d: status %d", i, rec.Code)
		}
		pages = append(pages, rec.Body.Bytes())
		total += rec.Body.Len()
	}
	return pages, total
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchPages runs fn over the pages, serially or on every core, and reports
// pages/s, MB/s and CPU milliseconds per page.
func benchPages(b *testing.B, parallel bool, fn func(p []byte) error) {
	pages, total := loadPages(b, 64)
	b.SetBytes(int64(total / len(pages)))
	b.ReportAllocs()
	cpu0 := cpuTime()
	start := time.Now()
	if parallel {
		var next atomic.Int64
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := fn(pages[int(next.Add(1))%len(pages)]); err != nil {
					b.Error(err)
					return
				}
			}
		})
	} else {
		i := 0
		for b.Loop() {
			if err := fn(pages[i%len(pages)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	}
	el := time.Since(start).Seconds()
	b.ReportMetric(float64(b.N)/el, "pages/s")
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e6, "cpu-ms/page")
}

// BenchmarkBareExtract is parser.Extractor alone over the generated pages
// the end-to-end runs fetch: the rate the pipeline is compared with.
func BenchmarkBareExtract(b *testing.B) {
	x := parser.New(nil)
	extract := func(p []byte) error {
		_, err := x.Extract(p, parser.Options{URL: "http://127.0.0.1:8089/gen/0/0.html", ContentType: "text/html; charset=utf-8"})
		return err
	}
	b.Run("serial", func(b *testing.B) { benchPages(b, false, extract) })
	b.Run(fmt.Sprintf("parallel-%d", runtime.GOMAXPROCS(0)), func(b *testing.B) { benchPages(b, true, extract) })
}

// BenchmarkBareGoquery is the floor: a goquery parse of the same pages.
func BenchmarkBareGoquery(b *testing.B) {
	parse := func(p []byte) error {
		_, err := goquery.NewDocumentFromReader(bytes.NewReader(p))
		return err
	}
	b.Run("serial", func(b *testing.B) { benchPages(b, false, parse) })
	b.Run(fmt.Sprintf("parallel-%d", runtime.GOMAXPROCS(0)), func(b *testing.B) { benchPages(b, true, parse) })
}
