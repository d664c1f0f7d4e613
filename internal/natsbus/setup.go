package natsbus

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsfeed/newsfeed/config"
)

// Stream, bucket and subject names (DESIGN §4).
const (
	StreamJobs     = "NEWS_JOBS"
	StreamItems    = "NEWS_ITEMS"
	StreamArticles = "NEWS_ARTICLES"
	StreamDLQ      = "NEWS_DLQ"
	// StreamClusters holds the near-duplicate index's membership records
	// (see enricher/streamindex.go).
	StreamClusters = "NEWS_CLUSTERS"

	BucketFeeds = "newsfeed_feeds"
	BucketSeen  = "newsfeed_seen"
	// BucketSinkWrites holds each sink's write claims (see pipeline's sink
	// claims); they guard against redeliveries, which come within minutes,
	// so they expire after SinkWritesTTL instead of the seen set's 30 days.
	BucketSinkWrites = "newsfeed_sinkwrites"
	SinkWritesTTL    = 6 * time.Hour

	SubjectJobs     = "news.job.>"
	SubjectItems    = "news.item.>"
	SubjectArticles = "news.article.>"
	SubjectDLQ      = "news.dlq.>"
	SubjectClusters = "news.cluster.>"
)

// Stores are the streams and buckets the pipeline uses.
type Stores struct {
	Feeds      jetstream.KeyValue
	Seen       jetstream.KeyValue
	Clusters   jetstream.Stream // nil when clustering is off
	SinkWrites jetstream.KeyValue
}

// Setup creates or updates the streams and buckets idempotently.
func Setup(ctx context.Context, js jetstream.JetStream, cfg config.NATS, clusterWindow time.Duration) (*Stores, error) {
	r := cfg.Replicas
	streams := []jetstream.StreamConfig{
		{
			Name: StreamJobs, Subjects: []string{SubjectJobs}, Retention: jetstream.WorkQueuePolicy,
			Storage: jetstream.FileStorage, Replicas: r, Duplicates: cfg.DuplicateWindow,
			MaxAge: 7 * 24 * time.Hour, Description: "newsfeed poll jobs: one per feed per due slot",
		},
		{
			Name: StreamItems, Subjects: []string{SubjectItems}, Retention: jetstream.WorkQueuePolicy,
			Storage: jetstream.FileStorage, Replicas: r, Duplicates: cfg.DuplicateWindow,
			MaxAge: 7 * 24 * time.Hour, Description: "newsfeed feed items awaiting scraping",
		},
		{
			Name: StreamArticles, Subjects: []string{SubjectArticles}, Retention: jetstream.LimitsPolicy,
			Storage: jetstream.FileStorage, Replicas: r, Duplicates: cfg.DuplicateWindow,
			MaxAge: cfg.ArticleRetention, Description: "newsfeed normalised articles (newsfeed.article/v1)",
		},
		{
			Name: StreamDLQ, Subjects: []string{SubjectDLQ}, Retention: jetstream.LimitsPolicy,
			Storage: jetstream.FileStorage, Replicas: r, MaxAge: 30 * 24 * time.Hour,
			Description: "newsfeed dead letters; the reason is in the Newsfeed-Dlq-* headers",
		},
	}
	for _, sc := range streams {
		if err := ensureStream(ctx, js, sc); err != nil {
			return nil, err
		}
	}
	st := &Stores{}
	var err error
	if st.Feeds, err = ensureKV(ctx, js, jetstream.KeyValueConfig{
		Bucket: BucketFeeds, History: 1, Storage: jetstream.FileStorage, Replicas: r,
		Description: "newsfeed feed state: validators, next due time, failures; host cool-downs",
	}); err != nil {
		return nil, err
	}
	if st.Seen, err = ensureKV(ctx, js, jetstream.KeyValueConfig{
		Bucket: BucketSeen, History: 1, Storage: jetstream.FileStorage, Replicas: r, TTL: cfg.SeenTTL,
		Description: "newsfeed item ids already turned into work",
	}); err != nil {
		return nil, err
	}
	if st.SinkWrites, err = ensureKV(ctx, js, jetstream.KeyValueConfig{
		Bucket: BucketSinkWrites, History: 1, Storage: jetstream.FileStorage, Replicas: r, TTL: SinkWritesTTL,
		Description: "newsfeed sink write claims: one write per article and sink across replicas",
	}); err != nil {
		return nil, err
	}
	if clusterWindow > 0 {
		sc := ClustersConfig(clusterWindow, r)
		if err := ensureStream(ctx, js, sc); err != nil {
			return nil, err
		}
		if st.Clusters, err = js.Stream(ctx, sc.Name); err != nil {
			return nil, fmt.Errorf("natsbus: stream %s: %w", sc.Name, err)
		}
	}
	return st, nil
}

// ClustersConfig is the near-duplicate index's stream for a cluster
// window (see enricher/streamindex.go for its records): limits retention
// with MaxAge equal to the window, file storage. Replicas read it from
// the start once, then follow its end, so the file store serves it from
// sequential blocks and keeps little of it in memory; a replica started
// after a restart finds the window's stories again.
func ClustersConfig(window time.Duration, replicas int) jetstream.StreamConfig {
	return jetstream.StreamConfig{
		Name: StreamClusters, Subjects: []string{SubjectClusters}, Retention: jetstream.LimitsPolicy,
		Storage: jetstream.FileStorage, Replicas: replicas, MaxAge: window,
		Duplicates:  min(window, 2*time.Minute),
		Description: "newsfeed near-duplicate index: one membership record per article",
	}
}

func ensureStream(ctx context.Context, js jetstream.JetStream, sc jetstream.StreamConfig) error {
	_, err := js.CreateOrUpdateStream(ctx, sc)
	if err == nil {
		return nil
	}
	// A stream created by another version may differ in settings that
	// cannot change (retention, storage); keep it rather than fail, if it
	// serves the right subjects.
	if s, gerr := js.Stream(ctx, sc.Name); gerr == nil {
		info := s.CachedInfo()
		if info.Config.Retention == sc.Retention {
			return nil
		}
		return fmt.Errorf("natsbus: stream %s exists with retention %v, want %v: %w", sc.Name, info.Config.Retention, sc.Retention, err)
	}
	return fmt.Errorf("natsbus: create stream %s: %w", sc.Name, err)
}

func ensureKV(ctx context.Context, js jetstream.JetStream, kc jetstream.KeyValueConfig) (jetstream.KeyValue, error) {
	kv, err := js.CreateOrUpdateKeyValue(ctx, kc)
	if err == nil {
		return kv, nil
	}
	if kv, gerr := js.KeyValue(ctx, kc.Bucket); gerr == nil {
		return kv, nil
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return nil, fmt.Errorf("natsbus: create bucket %s: timed out (is JetStream enabled?)", kc.Bucket)
	}
	return nil, fmt.Errorf("natsbus: create bucket %s: %w", kc.Bucket, err)
}
