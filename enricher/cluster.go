package enricher

import (
	"context"
	"time"

	"github.com/newsfeed/newsfeed/enricher/fingerprint"
)

// Near-duplicate parameters. Articles are compared by MinHash signatures of
// SignatureSize values over their 3-word shingles. Candidates are found by
// locality-sensitive hashing: the first Bands×BandRows values are cut into
// Bands bands of BandRows values, and two articles are candidates when any
// band is equal. With 16 bands of 2 rows an article is found by another
// with Jaccard similarity 0.5 with probability 0.99, 0.4 with 0.94, 0.3 with
// 0.78; unrelated articles (similarity below 0.05) share a band with
// probability below 0.04. Candidates are then verified on the whole
// signature.
const (
	SignatureSize = 64
	Bands         = 16
	BandRows      = 2

	// DefaultClusterWindow is how long an article can be joined.
	DefaultClusterWindow = 72 * time.Hour
	// DefaultClusterThreshold is the estimated Jaccard similarity of the
	// shingle sets above which two articles tell the same story.
	DefaultClusterThreshold = 0.25
	// containmentThreshold admits a shortened copy: when at least this
	// share of the smaller article's shingles is estimated to be in the
	// larger one, half the Jaccard threshold is enough.
	containmentThreshold = 0.6
	// redundantSimilarity marks a copy so close to a member already indexed
	// that indexing it too would find nothing new; it joins without being
	// written.
	redundantSimilarity = 0.9
	// minShingles is the smallest text that is clustered; shorter texts
	// keep their own cluster.
	minShingles = 12
	// maxVerify bounds the candidates verified on their whole signature.
	maxVerify = 8
	// maxBandRun bounds the members of one band value that are looked at
	// (the newest first): a value that common says little about a story.
	maxBandRun = 64
)

// ClusterDoc is an article as the cluster index sees it.
type ClusterDoc struct {
	ID       string
	Cluster  string    // the cluster it joined (set by the index)
	Time     time.Time // the article's time: published, else fetched
	Shingles int       // number of distinct shingles of its text
	MinHash  fingerprint.MinHash
}

// Similarity decides whether two articles tell the same story and scores
// how alike they are (higher is closer).
type Similarity func(a, b *ClusterDoc) (score float64, same bool)

// ClusterIndex assigns articles to story clusters. Implementations are safe
// for concurrent use, also from several processes when they share a store.
type ClusterIndex interface {
	// Assign finds, among the articles recorded within the index's window
	// of d.Time, the one most similar to d for which same holds, records d
	// as a member of its cluster and returns the cluster id. With no such
	// article d starts a cluster named d.ID. An article assigned before
	// (same ID) gets its earlier cluster back.
	Assign(ctx context.Context, d ClusterDoc, same Similarity) (string, error)
}

// JaccardSimilarity returns the Similarity the Cluster enricher uses: the
// estimated Jaccard similarity must reach threshold, or half of it when the
// smaller text is estimated to lie mostly (containmentThreshold) within the
// larger one, as a shortened copy does.
func JaccardSimilarity(threshold float64) Similarity {
	return func(a, b *ClusterDoc) (float64, bool) {
		j := fingerprint.Jaccard(a.MinHash, b.MinHash)
		if j >= threshold {
			return j, true
		}
		c := fingerprint.Containment(j, a.Shingles, b.Shingles)
		return j, j >= threshold/2 && c >= containmentThreshold
	}
}
