package parser

import (
	"os"
	"testing"
	"time"
)

func FuzzExtract(f *testing.F) {
	if b, err := os.ReadFile("../internal/testsite/reference/moscowtimes-article.html"); err == nil {
		f.Add(b, "https://www.themoscowtimes.com/2022/08/03/x-a1")
	}
	f.Add([]byte(`<html><head><script type="application/ld+json">{"@type":"NewsArticle","author":[{"name":"A"}],"image":[{}]}</script></head><body><article><p>Hello</p></article></body></html>`), "")
	f.Add([]byte(`<table><tr><td><ul><li><a href="x">a</a><figure><figcaption>c © d</figcaption></figure></ul>`), "http://a/")
	f.Add([]byte("<p>a<br><br>b</p><pre>x\ny</pre><blockquote>q</blockquote>"), "::bad url")
	ex := New(map[string]Rule{"a": {Body: "[[[", Drop: []string{">>"}, Title: "h1 >", Date: "time"}})
	f.Fuzz(func(t *testing.T, page []byte, u string) {
		start := time.Now()
		a, err := ex.Extract(page, Options{URL: u})
		// Fuzz inputs are small: a slow one is a super-linear helper.
		if d := time.Since(start); d > 2*time.Second && len(page) < 1<<20 {
			t.Fatalf("%d bytes took %v", len(page), d)
		}
		if err != nil {
			if a != nil {
				t.Fatal("result with error")
			}
			return
		}
		if a.Authors == nil || a.IsArticle == nil {
			t.Fatal("nil authors or is_article")
		}
	})
}
