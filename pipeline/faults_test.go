package pipeline_test

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/config"
	"github.com/newsfeed/newsfeed/internal/natsbus"
	"github.com/newsfeed/newsfeed/internal/testsite"
	"github.com/newsfeed/newsfeed/parser/feed"
	"github.com/newsfeed/newsfeed/pipeline"
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
		{URL: base + "/bad/malformed.xml", Name: "truncated"},
		{URL: base + "/bad/garbage.xml", Name: "garbage"},
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
	if want := "404,500,garbage,notfeed,unreachable"; strings.Join(failed, ",") != want {
		t.Fatalf("failed feeds %v, want %s", failed, want)
	}
	wantClass := map[string]string{"unreachable": "connect", "404": "http_4xx", "500": "http_5xx", "garbage": "parse", "truncated": "ok", "notfeed": "parse", "good": "ok", "empty": "ok", "binary-page": "ok"}
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

// An edited story is published again as the next revision under the same
// id; an unchanged one is not published again.
func TestRevisions(t *testing.T) {
	site, base := siteServer(t, testsite.Options{Feeds: 1, Items: 3})
	feeds := []config.Feed{{URL: base + "/gen/0/feed.xml", Name: "Farm 0"}}
	dir := t.TempDir()
	h := start(t, setup{feeds: feeds, dir: dir})
	if _, err := h.pipe.Once(context.Background()); err != nil {
		t.Fatal(err)
	}
	first := h.articles()
	h.close()
	site.SetEdition(1)
	h2 := start(t, setup{feeds: feeds, dir: dir})
	if _, err := h2.pipe.Once(context.Background()); err != nil {
		t.Fatal(err)
	}
	arts := h2.articles()
	if len(first) != 3 || len(arts) != 4 {
		t.Fatalf("articles after the first run %d (want 3), after the edit %d (want 4)", len(first), len(arts))
	}
	rev := arts[3]
	if rev.Revision != 1 || rev.ID != idOf(first, "/gen/0/0.html") || !strings.Contains(rev.Text, "Update 1:") {
		t.Fatalf("the edited story is not revision 1 of the same id: rev=%d id=%s text=%.80q", rev.Revision, rev.ID, rev.Text)
	}
	if n := site.Hits("/gen/0/1.html"); n != 1 {
		t.Fatalf("an unchanged story was fetched %d times", n)
	}
}

func idOf(arts []article.Article, suffix string) string {
	for _, a := range arts {
		if strings.HasSuffix(a.URL, suffix) {
			return a.ID
		}
	}
	return ""
}

// A message whose workers die on it every time (so no handler sees the last
// failure) is moved to news.dlq.scrape by the max-deliveries advisory and
// leaves the work queue.
func TestMaxDeliveriesGoToDeadLetters(t *testing.T) {
	h := start(t, setup{pipeline: "{ack_wait: 1s, max_deliver: 2, once_timeout: 60s, shutdown_grace: 2s}"})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	data, _ := json.Marshal(pipeline.ItemMsg{Key: "k1", FeedURL: "http://127.0.0.1:1/feed", Source: "x", FetchArticles: true,
		Item: feed.Item{GUID: "g", Title: "Poison", Link: "http://127.0.0.1:1/a"}})
	if _, err := h.bus.JS.Publish(ctx, "news.item.x", data); err != nil {
		t.Fatal(err)
	}
	// Two deliveries to "replicas" that die without acknowledging.
	cons, err := h.bus.JS.Consumer(ctx, natsbus.StreamItems, pipeline.ConsumerScraper)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		b, err := cons.Fetch(1, jetstream.FetchMaxWait(5*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for range b.Messages() {
			n++
		}
		if n != 1 {
			t.Fatalf("delivery %d: got %d messages", i+1, n)
		}
	}
	// A healthy replica starts: it must not process the message a third
	// time, and the advisory moves it to the dead letters.
	rctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = h.pipe.Run(rctx, pipeline.Roles{Scraper: true})
	}()
	defer func() { stop(); <-done }()
	deadline := time.Now().Add(20 * time.Second)
	for {
		dlq, _ := h.bus.JS.Stream(ctx, natsbus.StreamDLQ)
		items, _ := h.bus.JS.Stream(ctx, natsbus.StreamItems)
		di, _ := dlq.Info(ctx)
		ii, _ := items.Info(ctx)
		if di.State.Msgs == 1 && ii.State.Msgs == 0 {
			m, err := dlq.GetMsg(ctx, di.State.LastSeq)
			if err != nil {
				t.Fatal(err)
			}
			if m.Header.Get(pipeline.HeaderDLQStage) != "scrape" || !strings.Contains(m.Header.Get(pipeline.HeaderDLQReason), "max_deliver") || string(m.Data) != string(data) {
				t.Fatalf("dead letter headers %v data %q", m.Header, m.Data)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 20s: %d dead letters, %d items left in the work queue", di.State.Msgs, ii.State.Msgs)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if n := countLines(h.jsonl); n != 0 {
		t.Fatalf("the poison item was processed a third time (%d articles)", n)
	}
}

// Two replicas scheduling the same feeds at the same moment queue one job
// per feed: the message id <feed>@<slot> is the same on both.
func TestTwoSchedulersOneJob(t *testing.T) {
	s := runServer(t)
	var feeds []config.Feed
	for i := 0; i < 20; i++ {
		feeds = append(feeds, config.Feed{URL: "http://127.0.0.1:1/feed-" + itoa(i%10) + itoa(i/10) + ".xml", Name: "f" + itoa(i%10) + itoa(i/10)})
	}
	a := start(t, setup{feeds: feeds, natsURL: s.ClientURL()})
	b := start(t, setup{feeds: feeds, natsURL: s.ClientURL()})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	for _, h := range []*harness{a, b} {
		go func() {
			_ = h.pipe.Run(ctx, pipeline.Roles{Scheduler: true})
			done <- struct{}{}
		}()
	}
	// Let both schedulers tick several times (tick = 1s).
	deadline := time.Now().Add(10 * time.Second)
	var msgs uint64
	for time.Now().Before(deadline) {
		st, _ := a.bus.JS.Stream(context.Background(), natsbus.StreamJobs)
		info, _ := st.Info(context.Background())
		msgs = info.State.Msgs
		if msgs >= uint64(len(feeds)) && time.Until(deadline) < 7*time.Second {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	t0 := time.Now()
	cancel()
	<-done
	<-done
	t.Logf("schedulers stopped in %v", time.Since(t0))
	if msgs != uint64(len(feeds)) {
		t.Fatalf("NEWS_JOBS holds %d jobs for %d feeds", msgs, len(feeds))
	}
	published := testutil.ToFloat64(a.metrics.JobsScheduled) + testutil.ToFloat64(b.metrics.JobsScheduled)
	if published != float64(len(feeds)) {
		t.Fatalf("the schedulers stored %v new jobs, want %d (duplicates must be absorbed)", published, len(feeds))
	}
}
