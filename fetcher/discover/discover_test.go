package discover

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/newsfeed/newsfeed/fetcher"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const rssDoc = `<?xml version="1.0"?><rss version="2.0"><channel><title>%s</title><item><guid>1</guid><title>x</title><link>https://ex.org/1</link></item></channel></rss>`

func TestLinks(t *testing.T) {
	page := `<html><head><base href="https://cdn.example.org/site/">
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="All news" href="rss/all.xml">
<link rel="alternate" type="application/atom+xml" href="https://example.org/atom">
<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
<link rel="alternate" type="text/html" hreflang="de" href="/de/">
<link rel="alternate" type="application/json" href="/api/data">
<link rel="alternate" type="application/json" href="/feed.json">
<link rel="ALTERNATE feed" type="application/rss+xml; charset=utf-8" href="rss/all.xml#dup">
</head><body><a href="/comments/feed/">comments</a><a href="/about">about</a></body></html>`
	got := Links([]byte(page), "text/html", "https://example.org/page")
	want := []struct{ url, src, title string }{
		{"https://cdn.example.org/site/rss/all.xml", SourceLink, "All news"},
		{"https://example.org/atom", SourceLink, ""},
		{"https://cdn.example.org/feed.json", SourceLink, ""},
		{"https://cdn.example.org/comments/feed/", SourceAnchor, ""},
	}
	if len(got) != len(want) {
		t.Fatalf("%d candidates: %+v", len(got), got)
	}
	for i, w := range want {
		if got[i].URL != w.url || got[i].Source != w.src || got[i].Title != w.title {
			t.Errorf("%d: %+v, want %+v", i, got[i], w)
		}
	}
}

type site struct {
	*httptest.Server
	hits atomic.Int64
}

func newSite(t *testing.T, routes map[string]string) *site {
	s := &site{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		path := r.URL.Path
		if r.URL.RawQuery != "" {
			path += "?" + r.URL.RawQuery
		}
		body, ok := routes[path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if len(body) > 0 && body[0] == '<' && body[1] == '?' {
			w.Header().Set("Content-Type", "application/rss+xml")
		} else {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
		}
		fmt.Fprint(w, body)
	}))
	t.Cleanup(s.Close)
	return s
}

func client(t *testing.T) *fetcher.Client {
	c, err := fetcher.New(fetcher.Options{AllowPrivateNetworks: true, Timeout: 5 * time.Second, Proxy: func(*http.Request) (*url.URL, error) { return nil, nil }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func TestFind(t *testing.T) {
	ctx := context.Background()
	t.Run("declared feeds, broken one skipped", func(t *testing.T) {
		s := newSite(t, map[string]string{
			"/":         `<link rel="alternate" type="application/rss+xml" href="/news.rss" title="News"><link rel="alternate" type="application/rss+xml" href="/gone.rss"><link rel="alternate" type="application/atom+xml" href="/blog.rss">`,
			"/news.rss": fmt.Sprintf(rssDoc, "News feed"),
			"/blog.rss": fmt.Sprintf(rssDoc, "Blog"),
		})
		got, err := Find(ctx, client(t), s.URL+"/")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].URL != s.URL+"/news.rss" || got[0].Title != "News" || got[1].Title != "Blog" || got[0].Feed == nil {
			t.Errorf("%+v", got)
		}
	})
	t.Run("the URL is a feed", func(t *testing.T) {
		s := newSite(t, map[string]string{"/feed": fmt.Sprintf(rssDoc, "Self")})
		got, err := Find(ctx, client(t), s.URL+"/feed")
		if err != nil || len(got) != 1 || got[0].Source != SourceSelf || got[0].Title != "Self" {
			t.Errorf("%v %+v", err, got)
		}
	})
	t.Run("common path", func(t *testing.T) {
		s := newSite(t, map[string]string{
			"/blog/":        `<html><body>no links here</body></html>`,
			"/rss":          `<html>not a feed, a page</html>`,
			"/blog/rss.xml": fmt.Sprintf(rssDoc, "Guessed"),
		})
		got, err := Find(ctx, client(t), s.URL+"/blog/")
		if err != nil || len(got) != 1 || got[0].Source != SourceGuess || got[0].URL != s.URL+"/blog/rss.xml" {
			t.Errorf("%v %+v", err, got)
		}
	})
	t.Run("nothing", func(t *testing.T) {
		s := newSite(t, map[string]string{"/": `<html><body>hi</body></html>`})
		_, err := Find(ctx, client(t), s.URL+"/")
		if !errors.Is(err, ErrNoFeed) {
			t.Errorf("err %v", err)
		}
		if n := s.hits.Load(); n > MaxChecks+1 {
			t.Errorf("%d requests, cap %d", n, MaxChecks+1)
		}
	})
	t.Run("fetch error", func(t *testing.T) {
		s := newSite(t, nil)
		_, err := Find(ctx, client(t), s.URL+"/missing")
		if fetcher.ClassOf(err) != fetcher.ClassHTTP4xx {
			t.Errorf("err %v", err)
		}
	})
}

func FuzzLinks(f *testing.F) {
	f.Add([]byte(`<base href="x/"><link rel=alternate type=application/rss+xml href=a.rss><a href=/feed>`))
	f.Fuzz(func(t *testing.T, page []byte) {
		for _, c := range Links(page, "", "https://example.org/p/") {
			if !strings.HasPrefix(c.URL, "http://") && !strings.HasPrefix(c.URL, "https://") {
				t.Fatalf("candidate %+v", c)
			}
		}
	})
}
