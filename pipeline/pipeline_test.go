package pipeline_test

import (
	"bufio"
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.uber.org/goleak"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/config"
	"github.com/newsfeed/newsfeed/enricher"
	"github.com/newsfeed/newsfeed/fetcher"
	"github.com/newsfeed/newsfeed/internal/natsbus"
	"github.com/newsfeed/newsfeed/internal/testsite"
	"github.com/newsfeed/newsfeed/metrics"
	"github.com/newsfeed/newsfeed/parser"
	"github.com/newsfeed/newsfeed/pipeline"
	"github.com/newsfeed/newsfeed/schema"
	"github.com/newsfeed/newsfeed/sink"
	"github.com/newsfeed/newsfeed/sink/jsonl"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// The HTTP transport's idle connections close asynchronously.
		goleak.IgnoreTopFunction("internal/poll.runtime_pollWait"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
	)
}

// harness is one newsfeed process: NATS, sinks and the pipeline.
type harness struct {
	t       *testing.T
	cfg     *config.Config
	bus     *natsbus.Bus
	pipe    *pipeline.Pipeline
	sinks   map[string]sink.Sink
	reg     *prometheus.Registry
	metrics *metrics.Metrics
	jsonl   string
}

type setup struct {
	feeds   []config.Feed
	natsURL string // external server; "" = embedded in-process
	dir     string // store dir and sink files; "" = t.TempDir()
	// pipeline overrides the pipeline: block (YAML flow mapping).
	pipeline string
}

func start(t *testing.T, s setup) *harness {
	t.Helper()
	dir := s.dir
	if dir == "" {
		dir = t.TempDir()
	}
	yaml := "nats:\n  url: \"" + s.natsURL + "\"\n  embedded: {listen: \"\", store_dir: \"" + filepath.Join(dir, "nats") + "\"}\n" +
		"http: {allow_private_networks: true, respect_robots: false, per_host: {concurrency: 4, min_interval: 0s}}\n" +
		"pipeline: " + firstNonEmpty(s.pipeline, "{ack_wait: 10s, max_deliver: 3, once_timeout: 60s, shutdown_grace: 5s}") + "\n"
	cfg, err := config.Parse([]byte(yaml), "test.yaml", func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg.Feeds = s.feeds
	for i := range cfg.Feeds {
		if cfg.Feeds[i].Interval == 0 {
			cfg.Feeds[i].Interval = 5 * time.Minute
		}
		if cfg.Feeds[i].Type == "" {
			cfg.Feeds[i].Type = "feed"
		}
	}
	cfg.Sinks = []config.Sink{{Type: "jsonl", Name: "jsonl", Path: filepath.Join(dir, "articles.jsonl")}}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, cfg: cfg, reg: prometheus.NewRegistry(), jsonl: cfg.Sinks[0].Path}
	h.metrics = metrics.New(h.reg, "test")
	ctx := context.Background()
	h.bus, err = natsbus.Open(ctx, cfg.NATS, nil, "test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.close)
	stores, err := natsbus.Setup(ctx, h.bus.JS, cfg.NATS, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	fc, err := fetcher.New(fetcher.Options{AllowPrivateNetworks: true, PerHostConcurrency: 4, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	js, err := jsonl.Open(jsonl.Options{Path: cfg.Sinks[0].Path})
	if err != nil {
		t.Fatal(err)
	}
	h.sinks = map[string]sink.Sink{"jsonl": js}
	index, err := enricher.NewStreamIndex(context.Background(), h.bus.JS, stores.Clusters, enricher.StreamIndexOptions{Window: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(index.Close)
	enr, err := enricher.New(enricher.Options{Index: index, ClusterWindow: time.Hour, Language: sharedDetector(t)})
	if err != nil {
		t.Fatal(err)
	}
	h.pipe, err = pipeline.New(pipeline.Deps{
		Config: cfg, Bus: h.bus, Stores: stores, Fetcher: fc, Extractor: parser.New(nil),
		Enricher: enr, Sinks: h.sinks, Metrics: h.metrics, Logger: testLogger(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.pipe.Setup(ctx); err != nil {
		t.Fatal(err)
	}
	return h
}

func (h *harness) close() {
	if h.bus != nil {
		h.bus.Close()
		h.bus = nil
	}
	for _, s := range h.sinks {
		_ = s.Close()
	}
	h.sinks = nil
}

// articles reads the JSONL sink, validating each line against the schema.
func (h *harness) articles() []article.Article {
	h.t.Helper()
	f, err := os.Open(h.jsonl)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		h.t.Fatal(err)
	}
	defer f.Close()
	var out []article.Article
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		if err := schema.ValidateArticle(sc.Bytes()); err != nil {
			h.t.Errorf("message does not match schema/article.v1.json: %v\n%s", err, sc.Bytes())
		}
		var a article.Article
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			h.t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

func siteServer(t *testing.T, opts testsite.Options) (*testsite.Site, string) {
	t.Helper()
	site := testsite.New(opts)
	srv := httptest.NewServer(site)
	t.Cleanup(srv.Close)
	site.Base = srv.URL
	return site, srv.URL
}

func TestOnceEndToEnd(t *testing.T) {
	site, base := siteServer(t, testsite.Options{Feeds: 3, Items: 4})
	feeds := []config.Feed{{URL: base + "/mt/rss/news", Name: "The Moscow Times"}}
	for f := 0; f < 3; f++ {
		feeds = append(feeds, config.Feed{URL: base + "/gen/" + itoa(f) + "/feed.xml", Name: "Farm " + itoa(f)})
	}
	dir := t.TempDir()
	h := start(t, setup{feeds: feeds, dir: dir})
	res, err := h.pipe.Once(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failed) != 0 {
		t.Fatalf("failed feeds: %+v", res.Failed)
	}
	arts := h.articles()
	if len(arts) != 3+3*4 {
		t.Fatalf("got %d articles, want 15", len(arts))
	}
	ids := map[string]bool{}
	var mt *article.Article
	for i := range arts {
		ids[arts[i].ID] = true
		if strings.Contains(arts[i].Title, "Myanmar") {
			mt = &arts[i]
		}
	}
	if len(ids) != 15 {
		t.Fatalf("%d distinct ids in 15 articles", len(ids))
	}
	if mt == nil {
		t.Fatal("Moscow Times article missing")
	}
	checkReference(t, mt)
	if v := testutil.ToFloat64(h.metrics.ArticlesPublished.WithLabelValues("127-0-0-1", "en")); v != 15 {
		t.Errorf("articles_published_total{source=127-0-0-1,language=en} = %v, want 15", v)
	}
	h.close()

	// A second run over the same store adds nothing and revalidates.
	before := site.ConditionalRequests()
	h2 := start(t, setup{feeds: feeds, dir: dir})
	if _, err := h2.pipe.Once(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(h2.articles()); n != 15 {
		t.Fatalf("second run: %d articles in the sink, want still 15", n)
	}
	if got := site.ConditionalRequests() - before; got < int64(len(feeds)) {
		t.Fatalf("second run sent %d conditional requests, want at least %d", got, len(feeds))
	}
	if v := testutil.ToFloat64(h2.metrics.FeedFetches.WithLabelValues("The Moscow Times", "not_modified")); v != 1 {
		t.Errorf("feed_fetches_total{result=not_modified} = %v, want 1", v)
	}
	for _, p := range []string{testsite.MoscowTimesPath, "/gen/0/0.html", "/gen/2/3.html"} {
		if n := site.Hits(p); n != 1 {
			t.Errorf("%s fetched %d times, want once", p, n)
		}
	}
}

// checkReference compares the Moscow Times article with the fields of
// internal/testsite/reference/moscowtimes-article.expected.json the extractor gives.
func checkReference(t *testing.T, a *article.Article) {
	t.Helper()
	b, err := os.ReadFile("../internal/testsite/reference/moscowtimes-article.expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var want struct {
		Title        string   `json:"title"`
		Authors      []string `json:"authors"`
		PublishedAt  string   `json:"published_at"`
		Language     string   `json:"language"`
		MustNot      []string `json:"must_not_contain"`
		CanonicalURL string   `json:"canonical_url"`
	}
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	if a.Title != want.Title {
		t.Errorf("title %q, want %q", a.Title, want.Title)
	}
	if strings.Join(a.Authors, "|") != strings.Join(want.Authors, "|") {
		t.Errorf("authors %q, want %q", a.Authors, want.Authors)
	}
	if got := a.PublishedAt.Format(time.RFC3339); got != want.PublishedAt {
		t.Errorf("published_at %s, want %s", got, want.PublishedAt)
	}
	if a.Language != want.Language {
		t.Errorf("language %q, want %q", a.Language, want.Language)
	}
	for _, s := range want.MustNot {
		if strings.Contains(a.Text, s) {
			t.Errorf("text keeps boilerplate %q", s)
		}
	}
	// Served from loopback, the page's canonical URL (themoscowtimes.com) is
	// another site, so it must not be trusted.
	if a.CanonicalURL != a.URL || a.CanonicalURL == want.CanonicalURL {
		t.Errorf("canonical_url %q trusted for url %q", a.CanonicalURL, a.URL)
	}
	if a.Source.Name != "The Moscow Times" || a.FeedItem == nil || a.FeedItem.GUID == "" {
		t.Errorf("source/feed_item not set: %+v %+v", a.Source, a.FeedItem)
	}
}

func itoa(i int) string { return string(rune('0' + i)) }

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// A news sitemap index works as a feed: every article of its children.
func TestOnceSitemapIndex(t *testing.T) {
	_, base := siteServer(t, testsite.Options{Feeds: 2, Items: 3})
	h := start(t, setup{feeds: []config.Feed{{URL: base + "/sitemap/index.xml", Name: "Farm sitemap", Type: "sitemap"}}})
	res, err := h.pipe.Once(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failed) != 0 {
		t.Fatalf("failed: %+v", res.Failed)
	}
	arts := h.articles()
	if len(arts) != 6 {
		t.Fatalf("%d articles from the sitemap index, want 6", len(arts))
	}
	for _, a := range arts {
		if a.FeedItem == nil || a.FeedItem.Title == "" || a.Title == "" {
			t.Fatalf("article without its sitemap title: %+v", a.FeedItem)
		}
	}
}

func testLogger() *slog.Logger {
	if os.Getenv("NEWSFEED_TEST_LOG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

var (
	detectorOnce sync.Once
	detector     enricher.LanguageDetector
	detectorErr  error
)

// sharedDetector loads the language models once per test binary (they take
// seconds to load under the race detector).
func sharedDetector(t *testing.T) enricher.LanguageDetector {
	detectorOnce.Do(func() { detector, detectorErr = enricher.NewLinguaDetector() })
	if detectorErr != nil {
		t.Fatal(detectorErr)
	}
	return detector
}
