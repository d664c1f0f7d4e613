package pipeline_test

import (
	"context"
	"net"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/config"
	"github.com/newsfeed/newsfeed/internal/testsite"
)

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

func TestOnceBadInputs(t *testing.T) {
	_, base := siteServer(t, testsite.Options{})
	feeds := []config.Feed{
		{URL: base + "/mt/rss/news", Name: "good"},
		{URL: "http://" + closedPort(t) + "/feed.xml", Name: "unreachable"},
		{URL: base + "/bad/404.xml", Name: "404"},
		{URL: base + "/bad/500.xml", Name: "500"},
		{URL: base + "/bad/malformed.xml", Name: "malformed"},
		{URL: base + "/bad/notfeed.html", Name: "notfeed"},
		{URL: base + "/bad/empty.xml", Name: "empty"},
		{URL: base + "/bad/binary.xml", Name: "binary-page"},
	}
	h := start(t, setup{feeds: feeds})
	res, err := h.pipe.Once(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var failed []string
	for _, f := range res.Failed {
		failed = append(failed, f.Feed)
		if !strings.Contains(f.Error, f.URL) && !strings.Contains(f.Error, "feed") {
			t.Errorf("%s: error %q does not say which feed", f.Feed, f.Error)
		}
	}
	sort.Strings(failed)
	if want := "404,500,malformed,notfeed,unreachable"; strings.Join(failed, ",") != want {
		t.Fatalf("failed feeds %v, want %s", failed, want)
	}
	wantClass := map[string]string{"unreachable": "connect", "404": "http_4xx", "500": "http_5xx", "malformed": "parse", "notfeed": "parse", "good": "ok", "empty": "ok", "binary-page": "ok"}
	for feed, class := range wantClass {
		if v := testutil.ToFloat64(h.metrics.FeedFetches.WithLabelValues(feed, class)); v != 1 {
			t.Errorf("feed_fetches_total{feed=%q,result=%q} = %v, want 1", feed, class, v)
		}
	}
	arts := h.articles()
	if len(arts) != 4 {
		t.Fatalf("got %d articles, want 3 from the good feed and 1 fallback", len(arts))
	}
	var fallback *article.Article
	for i := range arts {
		if arts[i].Extraction.Method == article.MethodFeedFallback {
			fallback = &arts[i]
		}
	}
	if fallback == nil || fallback.Title != "A binary file" || fallback.Text != "Summary of a file that is not a page." || len(fallback.Errors) == 0 {
		t.Fatalf("binary page did not give a feed-fallback article: %+v", fallback)
	}
}

// An interrupted once loses nothing: the next run finishes the work.
func TestOnceInterruptedLosesNothing(t *testing.T) {
	const feeds, items = 4, 10
	_, base := siteServer(t, testsite.Options{Feeds: feeds, Items: items, Latency: 200 * time.Millisecond})
	var fc []config.Feed
	for f := 0; f < feeds; f++ {
		fc = append(fc, config.Feed{URL: base + "/gen/" + itoa(f) + "/feed.xml", Name: "Farm " + itoa(f)})
	}
	dir := t.TempDir()
	h := start(t, setup{feeds: fc, dir: dir})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		// Interrupt once some, but not all, articles have been written.
		deadline := time.Now().Add(30 * time.Second)
		for time.Now().Before(deadline) {
			if n := countLines(h.jsonl); n >= 4 {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
	}()
	t0 := time.Now()
	_, err := h.pipe.Once(ctx)
	t.Logf("interrupted once returned after %v", time.Since(t0))
	if err == nil {
		t.Fatal("interrupted once reported success")
	}
	first := len(h.articles())
	h.close()
	t.Logf("the interrupted run wrote %d of %d articles", first, feeds*items)
	if first >= feeds*items {
		t.Fatalf("the interruption came too late (%d articles already written); the test proves nothing", first)
	}
	h2 := start(t, setup{feeds: fc, dir: dir})
	t0 = time.Now()
	if _, err := h2.pipe.Once(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Logf("second once took %v", time.Since(t0))
	arts := h2.articles()
	ids := map[string]int{}
	for _, a := range arts {
		ids[a.ID]++
	}
	if len(ids) != feeds*items {
		t.Fatalf("after the second run: %d distinct articles, want %d (first run wrote %d)", len(ids), feeds*items, first)
	}
	for id, n := range ids {
		if n > 1 {
			t.Errorf("article %s written %d times", id, n)
		}
	}
}

func countLines(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	return strings.Count(string(b), "\n")
}
