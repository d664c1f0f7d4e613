package sitemap

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/newsfeed/newsfeed/internal/xmlguard"
)

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestNewsSitemap(t *testing.T) {
	r, err := ParseOptions(read(t, "news.xml"), "application/xml", "https://www.example.org/news-sitemap.xml", Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	f := r.Feed
	if f == nil || r.Sitemaps != nil {
		t.Fatalf("%+v", r)
	}
	if f.Title != "The Example Times" || f.Language != "en" || f.Format != "sitemap" {
		t.Errorf("feed %q %q %q", f.Title, f.Language, f.Format)
	}
	if len(f.Items) != 3 {
		t.Fatalf("%d items: %+v", len(f.Items), f.Items)
	}
	a := f.Items[0]
	if a.Link != "https://www.example.org/business/article55.html" || a.GUID != a.Link || a.Title != "Companies A & B in merger talks" ||
		a.Image != "https://img.example.org/55.jpg" || strings.Join(a.Categories, "|") != "business|merger|acquisition" {
		t.Errorf("item 0: %+v", a)
	}
	if want := time.Date(2026, 2, 28, 16, 0, 0, 0, time.UTC); !a.PublishedAt.Equal(want) || !a.UpdatedAt.Equal(want.Add(65*time.Minute)) {
		t.Errorf("dates %v %v", a.PublishedAt, a.UpdatedAt)
	}
	if f.Items[1].Link != "https://www.example.org/world/article56.html" || f.Items[1].Title != "Second story" {
		t.Errorf("item 1: %+v", f.Items[1])
	}
	if !f.Items[2].PublishedAt.IsZero() {
		t.Errorf("1900 kept: %v", f.Items[2].PublishedAt)
	}
	for _, w := range []string{"repeated", "without an http(s) loc", "implausible"} {
		if !strings.Contains(strings.Join(f.Warnings, ";"), w) {
			t.Errorf("no %q warning in %q", w, f.Warnings)
		}
	}
}

func TestIndex(t *testing.T) {
	r, err := ParseOptions(read(t, "index.xml"), "", "https://www.example.org/sitemap.xml", Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if r.Feed != nil || len(r.Sitemaps) != 2 {
		t.Fatalf("%+v", r)
	}
	if r.Sitemaps[0].URL != "https://www.example.org/sitemap-news.xml" || r.Sitemaps[0].LastMod.IsZero() || !r.Sitemaps[1].LastMod.IsZero() {
		t.Errorf("%+v", r.Sitemaps)
	}
}

func TestGzipAndText(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(read(t, "news.xml"))
	zw.Close()
	r, err := ParseOptions(buf.Bytes(), "application/x-gzip", "https://www.example.org/s.xml.gz", Options{Now: now})
	if err != nil || len(r.Feed.Items) != 3 {
		t.Fatalf("gzip: %v %+v", err, r)
	}
	r, err = Parse([]byte("https://a.example/1\n\nhttps://a.example/2\r\nhttps://a.example/1\n"), "text/plain", "")
	if err != nil || len(r.Feed.Items) != 2 {
		t.Fatalf("text: %v %+v", err, r)
	}
}

func TestBad(t *testing.T) {
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	zw.Write(bytes.Repeat([]byte("<"), 2<<20))
	zw.Close()
	for _, tc := range []struct {
		name string
		doc  []byte
		err  error
	}{
		{"rss", []byte(`<rss><channel/></rss>`), ErrNotSitemap},
		{"html", []byte(`<html><body>hi</body></html>`), ErrNotSitemap},
		{"text with junk", []byte("https://a.example/\nnot a url\n"), ErrNotSitemap},
		{"gzip bomb", bomb.Bytes(), ErrTooLarge},
		{"too deep", []byte("<urlset>" + strings.Repeat("<url>", 100)), xmlguard.ErrRejected},
	} {
		_, err := ParseOptions(tc.doc, "", "", Options{MaxUncompressed: 1 << 20})
		if !errors.Is(err, tc.err) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.err)
		}
	}
	// truncated: the entries before the cut are kept
	doc := read(t, "news.xml")
	r, err := ParseOptions(doc[:bytes.Index(doc, []byte("Second story"))], "", "https://www.example.org/", Options{Now: now})
	if err != nil || len(r.Feed.Items) != 1 {
		t.Fatalf("truncated: %v %+v", err, r)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`<urlset><url><loc>https://a/</loc><news:news><news:title>t</news:title></news:news></url></urlset>`))
	f.Add([]byte(`<sitemapindex><sitemap><loc>https://a/s.xml</loc></sitemap></sitemapindex>`))
	f.Add([]byte("https://a.example/1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseOptions(data, "", "https://example.org/sitemap.xml", Options{Now: now})
		if err != nil {
			return
		}
		if r.Feed != nil {
			for _, it := range r.Feed.Items {
				if !strings.HasPrefix(it.Link, "http") || it.GUID == "" {
					t.Fatalf("item %+v", it)
				}
			}
		}
	})
}
