package pipeline

import (
	"encoding/json"
	"io"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/internal/testsite"
	"github.com/newsfeed/newsfeed/parser"
	"github.com/newsfeed/newsfeed/parser/feed"
)

// benchArticle is an article as the scraper publishes it, extracted from a
// generated ~100 KB page of the load harness's site.
func benchArticle(b *testing.B) *article.Article {
	b.Helper()
	site := testsite.New(testsite.Options{Feeds: 1, Items: 1, PageKB: 100})
	rec := httptest.NewRecorder()
	site.ServeHTTP(rec, httptest.NewRequest("GET", "http://site.test/gen/0/0.html", nil))
	page, _ := io.ReadAll(rec.Result().Body)
	a, err := parser.New(nil).Extract(page, parser.Options{URL: "http://site.test/gen/0/0.html", ContentType: "text/html; charset=utf-8"})
	if err != nil {
		b.Fatal(err)
	}
	a.Schema = article.Schema
	a.ID, _ = article.ID(a.CanonicalURL)
	a.URL = "http://site.test/gen/0/0.html"
	a.Source = article.Source{Name: "Farm Daily", Domain: "site.test", FeedURL: "http://site.test/gen/0/feed.xml"}
	a.FeedItem = &article.FeedItem{GUID: "gen-0-0", Title: a.Title, Link: a.URL, PublishedAt: a.PublishedAt}
	a.FetchedAt = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	a.WordCount = article.CountWords(a.Text)
	a.ContentHash = article.ContentHash(a)
	return a
}

// BenchmarkArticleEncode is the scraper's encoding of an article for
// news.article.<source>.<lang>.
func BenchmarkArticleEncode(b *testing.B) {
	a := benchArticle(b)
	data, _ := json.Marshal(a)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(a); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkArticleDecode is a sink consumer's decoding of one article message.
func BenchmarkArticleDecode(b *testing.B) {
	data, _ := json.Marshal(benchArticle(b))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var a article.Article
		if err := json.Unmarshal(data, &a); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkItemEncode is the poller's encoding of one news.item message.
func BenchmarkItemEncode(b *testing.B) {
	im := ItemMsg{
		Key: "g0123456789abcdef0123456789abcdef", FeedID: "0123456789abcdef", FeedURL: "http://site.test/gen/0/feed.xml",
		FeedName: "gen0", FeedTitle: "Farm feed 0", FeedLanguage: "en", Source: "site", FetchArticles: true,
		Item: feed.Item{
			GUID: "gen-0-0", Title: "Generated Story 0-0: Government minister said on Wednesday", Link: "http://site.test/gen/0/0.html",
			PublishedAt: time.Date(2025, 11, 24, 16, 0, 0, 0, time.UTC), Summary: "Summary of story 0-0.",
		},
		DiscoveredAt: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC),
	}
	data, _ := json.Marshal(&im)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(&im); err != nil {
			b.Fatal(err)
		}
	}
}
