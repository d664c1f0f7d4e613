// Package metrics defines newsfeed's Prometheus metrics, built against an
// injected registerer. Label values for feed, source and sink come from the
// configuration, never from URLs seen at run time, so cardinality is bounded.
package metrics

import (
	"runtime"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Fields whose presence is counted per extraction.
var Fields = []string{"title", "authors", "published_at", "image", "text"}

// Metrics holds every newsfeed metric.
type Metrics struct {
	FeedFetches        *prometheus.CounterVec
	FeedFetchDuration  prometheus.Histogram
	FeedLastSuccess    *prometheus.GaugeVec
	FeedFailures       *prometheus.GaugeVec
	ItemsDiscovered    *prometheus.CounterVec
	ArticleFetches     *prometheus.CounterVec
	Extractions        *prometheus.CounterVec
	FieldPresent       *prometheus.CounterVec
	ArticleWords       prometheus.Histogram
	ArticlesPublished  *prometheus.CounterVec
	SinkWrites         *prometheus.CounterVec
	SinkWriteDuration  *prometheus.HistogramVec
	ConsumerPending    *prometheus.GaugeVec
	ConsumerAckPending *prometheus.GaugeVec
	DeadLetters        *prometheus.CounterVec
	JobsScheduled      prometheus.Counter
	PublishRetries     *prometheus.CounterVec
	ItemToSinkLatency  prometheus.Histogram
	EnrichErrors       *prometheus.CounterVec
	BuildInfo          *prometheus.GaugeVec
	HostCooldowns      prometheus.Counter
	NetworkOutage      prometheus.Gauge
	Ready              prometheus.Gauge
}

// New creates the metrics and registers them (plus the Go and process
// collectors) with reg.
func New(reg prometheus.Registerer, version string) *Metrics {
	m := &Metrics{
		FeedFetches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsfeed_feed_fetches_total", Help: "Feed polls by feed and result (ok, not_modified or an error class).",
		}, []string{"feed", "result"}),
		FeedFetchDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "newsfeed_feed_fetch_duration_seconds", Help: "Time to fetch a feed, including waiting for politeness.",
			Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 20, 40},
		}),
		FeedLastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "newsfeed_feed_last_success_timestamp_seconds", Help: "Unix time of the feed's last successful poll (0: never).",
		}, []string{"feed"}),
		FeedFailures: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "newsfeed_feed_consecutive_failures", Help: "Failed polls of the feed since its last success.",
		}, []string{"feed"}),
		ItemsDiscovered: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsfeed_items_discovered_total", Help: "New feed items queued for scraping, by source.",
		}, []string{"source"}),
		ArticleFetches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsfeed_article_fetches_total", Help: "Article page fetches by source and result (ok or an error class).",
		}, []string{"source", "result"}),
		Extractions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsfeed_extractions_total", Help: "Articles extracted, by source and method (site-rule, generic, feed-fallback).",
		}, []string{"source", "method"}),
		FieldPresent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsfeed_extraction_field_present_total", Help: "Extracted articles in which the field was found, by source and field.",
		}, []string{"source", "field"}),
		ArticleWords: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "newsfeed_article_words", Help: "Words in extracted article bodies.",
			Buckets: []float64{0, 50, 100, 200, 400, 800, 1600, 3200, 6400},
		}),
		ArticlesPublished: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsfeed_articles_published_total", Help: "Articles published on news.article.>, by source and language.",
		}, []string{"source", "language"}),
		SinkWrites: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsfeed_sink_writes_total", Help: "Articles written by each sink, by result (ok, retry, dead_letter).",
		}, []string{"sink", "result"}),
		SinkWriteDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "newsfeed_sink_write_duration_seconds", Help: "Time to write one batch durably, by sink.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 3, 12),
		}, []string{"sink"}),
		ConsumerPending: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "newsfeed_consumer_pending_messages", Help: "Messages not yet delivered to the durable consumer.",
		}, []string{"consumer"}),
		ConsumerAckPending: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "newsfeed_consumer_ack_pending_messages", Help: "Messages delivered to the durable consumer and not yet acknowledged.",
		}, []string{"consumer"}),
		DeadLetters: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsfeed_dead_letters_total", Help: "Messages moved to news.dlq.<stage>, by stage.",
		}, []string{"stage"}),
		JobsScheduled: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newsfeed_poll_jobs_published_total", Help: "Poll jobs published by this replica's scheduler (duplicates across replicas are absorbed by JetStream).",
		}),
		PublishRetries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsfeed_publish_retries_total", Help: "JetStream publishes retried after a failure, by stream.",
		}, []string{"stream"}),
		ItemToSinkLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "newsfeed_item_to_sink_seconds", Help: "Time from an item's discovery to its article being written by a sink.",
			// Factor 2 from 10 ms to 22 min: p99 interpolated within a
			// factor of 2 (it was 2.5); a native histogram too, for
			// servers that scrape them.
			Buckets:                        prometheus.ExponentialBuckets(0.01, 2, 18),
			NativeHistogramBucketFactor:    1.1,
			NativeHistogramMaxBucketNumber: 160,
		}),
		EnrichErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsfeed_enrich_errors_total", Help: "Enricher failures (the article is still published), by enricher.",
		}, []string{"enricher"}),
		BuildInfo: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "newsfeed_build_info", Help: "Constant 1, labelled with the build's version and Go version.",
		}, []string{"version", "goversion"}),
		HostCooldowns: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newsfeed_host_cooldowns_total", Help: "Hosts paused after a 429 or 503 with Retry-After.",
		}),
		NetworkOutage: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "newsfeed_network_outage", Help: "1 while every recently tried host fails (our own network is likely down).",
		}),
		Ready: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "newsfeed_ready", Help: "1 when /readyz answers 200.",
		}),
	}
	m.BuildInfo.WithLabelValues(version, runtime.Version()).Set(1)
	if reg != nil {
		reg.MustRegister(
			m.FeedFetches, m.FeedFetchDuration, m.FeedLastSuccess, m.FeedFailures, m.ItemsDiscovered,
			m.ArticleFetches, m.Extractions, m.FieldPresent, m.ArticleWords, m.ArticlesPublished,
			m.SinkWrites, m.SinkWriteDuration, m.ConsumerPending, m.ConsumerAckPending, m.DeadLetters,
			m.JobsScheduled, m.PublishRetries, m.ItemToSinkLatency, m.EnrichErrors, m.BuildInfo,
			m.HostCooldowns, m.NetworkOutage, m.Ready,
			collectors.NewGoCollector(),
			collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		)
	}
	return m
}

// Known are the label values known from configuration; Init creates every
// series at zero so alerts and rates work from the first scrape.
type Known struct {
	Feeds     []string
	Sources   []string
	Languages []string // per source, the languages expected ("und" always added)
	Sinks     []string
	Consumers []string
	Stages    []string
	Results   []string // error classes
	Enrichers []string
	Streams   []string
}

// Init creates the series for the known label values.
func (m *Metrics) Init(k Known) {
	feedResults := append([]string{"ok", "not_modified"}, k.Results...)
	for _, f := range k.Feeds {
		for _, r := range feedResults {
			m.FeedFetches.WithLabelValues(f, r)
		}
		m.FeedLastSuccess.WithLabelValues(f)
		m.FeedFailures.WithLabelValues(f)
	}
	langs := append([]string{"und"}, k.Languages...)
	for _, s := range k.Sources {
		m.ItemsDiscovered.WithLabelValues(s)
		m.ArticleFetches.WithLabelValues(s, "ok")
		for _, r := range k.Results {
			m.ArticleFetches.WithLabelValues(s, r)
		}
		for _, meth := range []string{"site-rule", "generic", "feed-fallback"} {
			m.Extractions.WithLabelValues(s, meth)
		}
		for _, f := range Fields {
			m.FieldPresent.WithLabelValues(s, f)
		}
		for _, l := range langs {
			m.ArticlesPublished.WithLabelValues(s, l)
		}
	}
	for _, s := range k.Sinks {
		for _, r := range []string{"ok", "retry", "dead_letter"} {
			m.SinkWrites.WithLabelValues(s, r)
		}
		m.SinkWriteDuration.WithLabelValues(s)
	}
	for _, c := range k.Consumers {
		m.ConsumerPending.WithLabelValues(c)
		m.ConsumerAckPending.WithLabelValues(c)
	}
	for _, s := range k.Stages {
		m.DeadLetters.WithLabelValues(s)
	}
	for _, e := range k.Enrichers {
		m.EnrichErrors.WithLabelValues(e)
	}
	for _, s := range k.Streams {
		m.PublishRetries.WithLabelValues(s)
	}
}

// ClusterIndex is what the near-duplicate index reports about itself.
type ClusterIndex interface {
	// Len is the number of articles the index holds.
	Len() int
	// Conflicts is the number of founding publishes another replica's
	// record refused so far.
	Conflicts() int64
	// Evictions is the number of articles dropped before the end of their
	// window to keep the index within its bound.
	Evictions() int64
}

// RegisterClusterIndex registers the near-duplicate index's metrics with
// reg: the members it holds (its memory grows with them) and the founding
// conflicts between replicas (a steady rise means replicas contend for
// new stories).
func RegisterClusterIndex(reg prometheus.Registerer, idx ClusterIndex) error {
	for _, c := range []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "newsfeed_cluster_index_members", Help: "Articles held by this replica's near-duplicate index (the cluster window's).",
		}, func() float64 { return float64(idx.Len()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "newsfeed_cluster_founding_conflicts_total", Help: "Founding publishes refused because another replica recorded a story first; the article was looked up again.",
		}, func() float64 { return float64(idx.Conflicts()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "newsfeed_cluster_index_evictions_total", Help: "Articles dropped from this replica's near-duplicate index before their cluster window ended, to keep within enrich.cluster_max_members; a steady rise means the bound is below the window's articles.",
		}, func() float64 { return float64(idx.Evictions()) }),
	} {
		if err := reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}
