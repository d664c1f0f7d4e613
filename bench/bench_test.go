package bench

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// The benchmarks read the fundus pages of the development corpus; set
// NEWSFEED_TESTDATA to its root (default /work/shared/testdata).
func loadPages(b *testing.B) ([][]byte, int) {
	root := os.Getenv("NEWSFEED_TESTDATA")
	if root == "" {
		root = "/work/shared/testdata"
	}
	files, _ := filepath.Glob(filepath.Join(root, "pages/fundus/*/*.html.gz"))
	if len(files) == 0 {
		b.Skip("no corpus at " + root)
	}
	var pages [][]byte
	total := 0
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
		pages = append(pages, p)
		total += len(p)
	}
	return pages, total
}

func benchPages(b *testing.B, run func(page []byte)) {
	pages, total := loadPages(b)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	n := 0
	bytesDone := 0
	for i := 0; i < b.N; i++ {
		p := pages[i%len(pages)]
		run(p)
		n++
		bytesDone += len(p)
	}
	el := time.Since(start).Seconds()
	b.ReportMetric(float64(n)/el, "pages/s")
	b.ReportMetric(float64(bytesDone)/el/1e6, "MB/s")
	_ = total
}

func BenchmarkNewsfeed(b *testing.B) {
	t := Ours()
	benchPages(b, func(p []byte) { t.Run(p, "https://example.org/news/article-1") })
}

func BenchmarkGoTrafilatura(b *testing.B) {
	t := Trafilatura(true)
	benchPages(b, func(p []byte) { t.Run(p, "https://example.org/news/article-1") })
}

func BenchmarkGoTrafilaturaNoFallback(b *testing.B) {
	t := Trafilatura(false)
	benchPages(b, func(p []byte) { t.Run(p, "https://example.org/news/article-1") })
}

func BenchmarkGoReadability(b *testing.B) {
	t := Readability()
	benchPages(b, func(p []byte) { t.Run(p, "https://example.org/news/article-1") })
}

// BenchmarkGoqueryParse is the floor: parsing the page into a goquery
// document and nothing else.
func BenchmarkGoqueryParse(b *testing.B) {
	benchPages(b, func(p []byte) {
		if _, err := goquery.NewDocumentFromReader(bytes.NewReader(p)); err != nil {
			b.Fatal(err)
		}
	})
}
