package enricher

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// NewMemoryIndex returns a ClusterIndex held in this process's memory, for
// tests, the command line and single-replica use. Articles older than
// window (by when they were recorded) are forgotten; when maxMembers is
// positive, so are the oldest beyond that many.
func NewMemoryIndex(window time.Duration, maxMembers int) ClusterIndex {
	if window <= 0 {
		window = DefaultClusterWindow
	}
	return &memIndex{lsh: newLSH(window, maxMembers), now: time.Now}
}

func newMemoryIndex(window time.Duration, now func() time.Time) *memIndex {
	return &memIndex{lsh: newLSH(window, 0), now: now}
}

// memIndex is the in-memory ClusterIndex: one lock around an lsh.
type memIndex struct {
	mu  sync.Mutex
	lsh *lsh
	now func() time.Time
}

var _ ClusterIndex = (*memIndex)(nil)

// Assign implements ClusterIndex.
func (x *memIndex) Assign(_ context.Context, d ClusterDoc, same Similarity) (string, error) {
	if err := checkSignature(d); err != nil {
		return "", err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	now := x.now()
	if c, ok := x.lsh.cluster(d.ID); ok {
		return c, nil
	}
	best, score := x.lsh.best(&d, same, now)
	d.Cluster = d.ID
	if best != nil {
		d.Cluster = best.Cluster
		if score >= redundantSimilarity {
			return d.Cluster, nil
		}
	}
	x.lsh.add(d, now.Unix(), now)
	return d.Cluster, nil
}

func checkSignature(d ClusterDoc) error {
	if len(d.MinHash) < Bands*BandRows {
		return fmt.Errorf("signature has %d values, want at least %d", len(d.MinHash), Bands*BandRows)
	}
	return nil
}
