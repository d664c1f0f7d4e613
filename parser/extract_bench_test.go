//go:build unix

package parser

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/newsfeed/newsfeed/internal/testsite"
)

func sitePage(b *testing.B, site *testsite.Site, path string) []byte {
	b.Helper()
	rec := httptest.NewRecorder()
	site.ServeHTTP(rec, httptest.NewRequest("GET", "http://site.test"+path, nil))
	body, _ := io.ReadAll(rec.Result().Body)
	if rec.Code != 200 || len(body) == 0 {
		b.Fatalf("%s: status %d", path, rec.Code)
	}
	return body
}

type benchCase struct {
	name  string
	pages [][]byte
}

// benchCases are the pages BenchmarkExtract and BenchmarkParse run on: a
// generated ~100 KB page of the load harness's site (navigation, ads,
// comments), the Moscow Times reference page, and the real-world pages in
// testdata/pages together.
func benchCases(b *testing.B) []benchCase {
	site := testsite.New(testsite.Options{Feeds: 1, Items: 1, PageKB: 100})
	cases := []benchCase{
		{"generated-100KB", [][]byte{sitePage(b, site, "/gen/0/0.html")}},
		{"moscowtimes", [][]byte{sitePage(b, site, testsite.MoscowTimesPath)}},
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "pages", "*.html.gz"))
	var real [][]byte
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		z, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			b.Fatal(err)
		}
		p, err := io.ReadAll(z)
		if err != nil {
			b.Fatal(err)
		}
		real = append(real, p)
	}
	if len(real) > 0 {
		cases = append(cases, benchCase{"testdata-pages", real})
	}
	return cases
}

// runPages runs f over c's pages in turn and reports bytes, allocations,
// CPU time and pages per second.
func runPages(b *testing.B, c benchCase, f func(page []byte)) {
	total := 0
	for _, p := range c.pages {
		total += len(p)
	}
	b.SetBytes(int64(total / len(c.pages)))
	b.ReportAllocs()
	i := 0
	cpu0 := cpuTime()
	for b.Loop() {
		f(c.pages[i%len(c.pages)])
		i++
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}

// BenchmarkExtract measures page extraction (the scraper's CPU per
// article) on benchCases.
func BenchmarkExtract(b *testing.B) {
	x := New(nil)
	for _, c := range benchCases(b) {
		b.Run(c.name, func(b *testing.B) {
			runPages(b, c, func(p []byte) {
				if _, err := x.Extract(p, Options{URL: "http://site.test/gen/0/0.html", ContentType: "text/html; charset=utf-8"}); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

// BenchmarkParse is BenchmarkExtract's floor: parsing the same pages into
// a goquery document and nothing else.
func BenchmarkParse(b *testing.B) {
	for _, c := range benchCases(b) {
		b.Run(c.name, func(b *testing.B) {
			runPages(b, c, func(p []byte) {
				if _, err := goquery.NewDocumentFromReader(bytes.NewReader(p)); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}
