// Package sinktest holds what the sink packages' tests share: article
// fixtures, a conformance suite (idempotency, revision order, bad data,
// reopening), a crash test that SIGKILLs a writer mid-batch, and a
// throughput benchmark.
package sinktest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/newsfeed/newsfeed/article"
)

var words = strings.Fields(`the government said on monday that new rules for energy markets
would take effect next year after months of talks between ministers regional officials and
industry groups who warned that prices could rise sharply during winter while analysts expect
inflation to ease as supply chains recover and central banks keep interest rates steady
parliament voted late in the evening on a budget that includes spending on schools hospitals
railways and defence opposition leaders criticised the plan saying it ignores rural towns
where unemployment remains high scientists published a study showing warmer oceans and
shrinking glaciers across the northern hemisphere police arrested two men after protests in
the capital turned violent witnesses described crowds running through streets near the
station the company reported quarterly profits above forecasts shares climbed in early trading`)

// Base is the publication time of Article(0); article i is i minutes later.
var Base = time.Date(2025, 3, 14, 9, 30, 0, 0, time.FixedZone("MSK", 3*3600))

// ID returns the id of fixture article i (32 hex characters).
func ID(i int) string { return fmt.Sprintf("%032x", uint64(i)+0xa000) }

// Text returns n words of deterministic English-like prose for seed,
// in paragraphs separated by blank lines.
func Text(seed uint64, n int) string {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	var b strings.Builder
	for i := 0; i < n; i++ {
		w := words[r.IntN(len(words))]
		switch {
		case i == 0:
			w = strings.ToUpper(w[:1]) + w[1:]
		case i%60 == 0:
			b.WriteString(".\n\n")
			w = strings.ToUpper(w[:1]) + w[1:]
		case i%12 == 0:
			b.WriteString(". ")
			w = strings.ToUpper(w[:1]) + w[1:]
		default:
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	b.WriteByte('.')
	return b.String()
}

// Article returns fixture article i: a complete v1 message with about 600
// words of text, from one of three sources.
func Article(i int) *article.Article {
	domains := []string{"www.themoscowtimes.com", "www.bbc.co.uk", "www.spiegel.de"}
	d := domains[i%len(domains)]
	u := fmt.Sprintf("https://%s/news/2025/03/14/story-%d", d, i)
	text := Text(uint64(i), 600)
	pub := Base.Add(time.Duration(i) * time.Minute)
	yes := true
	return &article.Article{
		Schema:       article.Schema,
		ID:           ID(i),
		URL:          u,
		CanonicalURL: u,
		Source:       article.Source{Name: d, Domain: d, FeedURL: "https://" + d + "/rss"},
		Title:        fmt.Sprintf("Story %d: %s", i, Text(uint64(i)+1<<32, 8)),
		Subtitle:     "A standfirst",
		Authors:      []string{"Anna Petrova", "Reuters"},
		PublishedAt:  pub,
		UpdatedAt:    pub.Add(time.Hour),
		Language:     "en",
		Section:      "News",
		Tags:         []string{"politics", "energy"},
		Image:        &article.Image{URL: "https://" + d + "/img/" + fmt.Sprint(i) + ".jpg", Caption: "A caption", Credit: "Photo: Agency"},
		Text:         text,
		HTML:         "<p>" + strings.ReplaceAll(text, "\n\n", "</p><p>") + "</p>",
		WordCount:    article.CountWords(text),
		Summary:      Text(uint64(i)+2<<32, 30),
		Keywords:     []article.Keyword{{Term: "energy", Score: 0.8}},
		Entities:     []article.Entity{{Text: "Anna Petrova", Type: "person", Count: 1}},
		SimHash:      fmt.Sprintf("%016x", uint64(i)*0x9e3779b97f4a7c15),
		IsArticle:    &yes,
		FeedItem:     &article.FeedItem{GUID: u, Title: "feed title", Link: u, PublishedAt: pub},
		FetchedAt:    pub.Add(2 * time.Minute).UTC(),
		Extraction:   article.Extraction{Method: article.MethodGeneric, Version: "1"},
	}
}

// Batch returns fixture articles from, from+1, ..., from+n-1.
func Batch(from, n int) []*article.Article {
	out := make([]*article.Article, n)
	for i := range out {
		out[i] = Article(from + i)
	}
	return out
}

// Revised returns a copy of a with revision rev and a title that says so.
func Revised(a *article.Article, rev int) *article.Article {
	c := *a
	c.Revision = rev
	c.Title = fmt.Sprintf("%s (revision %d)", a.Title, rev)
	return &c
}

// Rows is what database/sql's and pgx's result sets have in common.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// ScanDocs reads (id, whole-message JSON) rows into the map a Store's
// Stored returns, failing when a row's document is not the article its id
// names.
func ScanDocs(t testing.TB, rows Rows) map[string][]*article.Article {
	t.Helper()
	out := map[string][]*article.Article{}
	for rows.Next() {
		var id, doc string
		if err := rows.Scan(&id, &doc); err != nil {
			t.Fatal(err)
		}
		var a article.Article
		if err := json.Unmarshal([]byte(doc), &a); err != nil {
			t.Fatalf("%s: doc is not an article: %v", id, err)
		}
		if a.ID != id {
			t.Fatalf("row %s holds article %s", id, a.ID)
		}
		out[id] = append(out[id], &a)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
