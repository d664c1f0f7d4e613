package enricher

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/enricher/fingerprint"
	"github.com/newsfeed/newsfeed/enricher/textseg"
)

// Cluster sets simhash (the 64-bit SimHash of the text's shingles, 16 hex
// digits) and cluster_id: the story cluster of the most similar earlier
// article within the index's window, or the article's own id. The cluster
// decision uses MinHash signatures, not the SimHash: on the development
// corpus SimHash distances of shortened or reframed copies overlapped those
// of unrelated articles (see bench/ENRICH.md). When the index fails, the
// article keeps its own id as cluster_id and the error is recorded.
type Cluster struct {
	index ClusterIndex
	same  Similarity
	now   func() time.Time
	seg   *textseg.Cache
}

var _ Enricher = (*Cluster)(nil)

// NewCluster returns the cluster enricher over index, joining articles
// whose similarity passes threshold (DefaultClusterThreshold when 0).
func NewCluster(index ClusterIndex, threshold float64) *Cluster {
	if threshold <= 0 {
		threshold = DefaultClusterThreshold
	}
	return &Cluster{index: index, same: JaccardSimilarity(threshold), now: time.Now}
}

// Name implements Enricher.
func (*Cluster) Name() string { return "cluster" }

// Enrich implements Enricher.
func (c *Cluster) Enrich(ctx context.Context, a *article.Article) error {
	sh := fingerprint.ShinglesOf(c.seg.Words(a.Text))
	a.SimHash = ""
	if len(sh) > 0 {
		a.SimHash = FormatSimHash(fingerprint.SimHash(sh))
	}
	a.ClusterID = a.ID
	if len(sh) < minShingles || a.ID == "" || c.index == nil {
		return nil
	}
	d := ClusterDoc{ID: a.ID, Time: articleTime(a, c.now), Shingles: len(sh), MinHash: fingerprint.NewMinHash(sh, SignatureSize)}
	id, err := c.index.Assign(ctx, d, c.same)
	if err != nil {
		return fmt.Errorf("cluster: %w", err)
	}
	a.ClusterID = id
	return nil
}

// FormatSimHash renders a SimHash as the message carries it: 16 lower-case
// hex digits.
func FormatSimHash(h uint64) string {
	s := strconv.FormatUint(h, 16)
	return strings.Repeat("0", 16-len(s)) + s
}

// ParseSimHash is the inverse of FormatSimHash.
func ParseSimHash(s string) (uint64, error) {
	h, err := strconv.ParseUint(s, 16, 64)
	if err != nil {
		return 0, fmt.Errorf("enricher: simhash %q: %w", s, err)
	}
	return h, nil
}

// articleTime is the time the cluster window is measured on: published,
// else fetched, else now. A publication date more than a day in the future
// is not trusted.
func articleTime(a *article.Article, now func() time.Time) time.Time {
	n := now()
	if !a.PublishedAt.IsZero() && a.PublishedAt.Before(n.Add(24*time.Hour)) {
		return a.PublishedAt
	}
	if !a.FetchedAt.IsZero() {
		return a.FetchedAt
	}
	return n
}
