package metrics

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
)

func gather(t *testing.T) (*prometheus.Registry, map[string]int) {
	t.Helper()
	reg := prometheus.NewRegistry()
	m := New(reg, "v1.2.3")
	m.Init(Known{
		Feeds:     []string{"moscowtimes-news"},
		Sources:   []string{"moscowtimes"},
		Languages: []string{"en"},
		Sinks:     []string{"sqlite"},
		Consumers: []string{"scraper"},
		Stages:    []string{"scrape"},
		Results:   []string{"timeout", "http_5xx"},
		Enrichers: []string{"language"},
		Streams:   []string{"NEWS_ARTICLES"},
	})
	if err := RegisterClusterIndex(reg, fakeIndex{}); err != nil {
		t.Fatal(err)
	}
	m.ItemToSinkLatency.Observe(1.5)
	m.ArticleWords.Observe(400)
	m.FeedFetchDuration.Observe(0.2)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	series := map[string]int{}
	for _, mf := range mfs {
		series[mf.GetName()] = len(mf.GetMetric())
	}
	return reg, series
}

// TestPromlint holds every metric to the Prometheus naming conventions.
func TestPromlint(t *testing.T) {
	reg, _ := gather(t)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	problems, err := promlint.NewWithMetricFamilies(mfs).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("promlint: %s: %s", p.Metric, p.Text)
	}
}

// TestRequiredMetrics checks the metrics operators' dashboards and alerts
// are built on (issue 8, deploy/) exist with series from the first scrape.
func TestRequiredMetrics(t *testing.T) {
	_, series := gather(t)
	for _, name := range []string{
		"newsfeed_feed_fetches_total",
		"newsfeed_feed_fetch_duration_seconds",
		"newsfeed_feed_last_success_timestamp_seconds",
		"newsfeed_feed_consecutive_failures",
		"newsfeed_items_discovered_total",
		"newsfeed_article_fetches_total",
		"newsfeed_extractions_total",
		"newsfeed_extraction_field_present_total",
		"newsfeed_article_words",
		"newsfeed_articles_published_total",
		"newsfeed_sink_writes_total",
		"newsfeed_sink_write_duration_seconds",
		"newsfeed_consumer_pending_messages",
		"newsfeed_dead_letters_total",
		"newsfeed_build_info",
		"newsfeed_item_to_sink_seconds",
		"go_goroutines",
		"process_resident_memory_bytes",
	} {
		if series[name] == 0 {
			t.Errorf("%s: no series after Init", name)
		}
	}
	// ok, not_modified and the two error classes, for the one feed.
	if got := series["newsfeed_feed_fetches_total"]; got != 4 {
		t.Errorf("newsfeed_feed_fetches_total has %d series, want 4", got)
	}
}

type fakeIndex struct{}

func (fakeIndex) Len() int         { return 42 }
func (fakeIndex) Conflicts() int64 { return 3 }
func (fakeIndex) Evictions() int64 { return 5 }

// TestClusterIndexMetrics reads the index's figures at scrape time.
func TestClusterIndexMetrics(t *testing.T) {
	reg, _ := gather(t)
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			switch {
			case m.GetGauge() != nil:
				got[mf.GetName()] = m.GetGauge().GetValue()
			case m.GetCounter() != nil:
				got[mf.GetName()] = m.GetCounter().GetValue()
			}
		}
	}
	if got["newsfeed_cluster_index_members"] != 42 || got["newsfeed_cluster_founding_conflicts_total"] != 3 || got["newsfeed_cluster_index_evictions_total"] != 5 {
		t.Errorf("members %v, conflicts %v, evictions %v; want 42, 3, 5", got["newsfeed_cluster_index_members"],
			got["newsfeed_cluster_founding_conflicts_total"], got["newsfeed_cluster_index_evictions_total"])
	}
}
