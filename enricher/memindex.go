package enricher

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// NewMemoryIndex returns a ClusterIndex held in this process's memory, for
// tests, the command line and single-replica use. Articles older than
// window (by when they were recorded) are forgotten.
func NewMemoryIndex(window time.Duration) ClusterIndex {
	if window <= 0 {
		window = DefaultClusterWindow
	}
	return newMemoryIndex(window, time.Now)
}

func newMemoryIndex(window time.Duration, now func() time.Time) *memIndex {
	return &memIndex{lsh: newLSH(window), now: now}
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
	if own := x.lsh.get(d.ID); own != nil {
		return own.doc.Cluster, nil
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

// lsh is the locality-sensitive-hashing index both ClusterIndex
// implementations keep in memory: the members recorded within the window,
// and for each band a chain of the members per band value, newest first.
// It is not safe for concurrent use.
//
// A member costs its record (the 64-value signature and two ids, about
// 400 bytes) and one map entry per band (about 30 bytes each).
type lsh struct {
	window  time.Duration
	members map[string]*member
	bands   [Bands]map[uint64]*member
	// oldest is the smallest recorded time among the members (a lower
	// bound); sweep skips its walk while nothing can have expired.
	oldest int64
	adds   int
}

// member is one recorded article. next links the members that share its
// value in each band.
type member struct {
	doc  ClusterDoc
	seen int64 // when it was recorded, Unix seconds
	next [Bands]*member
}

func newLSH(window time.Duration) *lsh {
	l := &lsh{window: window, members: map[string]*member{}}
	for b := range l.bands {
		l.bands[b] = map[uint64]*member{}
	}
	return l
}

// bandValue is band b of a signature: its BandRows values in one word.
func bandValue(sig []uint32, b int) uint64 {
	return uint64(sig[b*BandRows])<<32 | uint64(sig[b*BandRows+1])
}

// get returns the member with the id, nil when none.
func (l *lsh) get(id string) *member { return l.members[id] }

// add records d (its Cluster set) as seen at the Unix time seen; a member
// with its id already recorded is left as it is. It sweeps expired
// members now and then.
func (l *lsh) add(d ClusterDoc, seen int64, now time.Time) bool {
	if checkSignature(d) != nil || l.members[d.ID] != nil {
		return false
	}
	m := &member{doc: d, seen: seen}
	l.members[d.ID] = m
	for b := range Bands {
		v := bandValue(d.MinHash, b)
		m.next[b] = l.bands[b][v]
		l.bands[b][v] = m
	}
	if len(l.members) == 1 || seen < l.oldest {
		l.oldest = seen
	}
	l.adds++
	if l.adds%sweepEvery == 0 {
		l.sweep(now)
	}
	return true
}

// sweepEvery is how many additions pass between sweeps of expired members.
const sweepEvery = 1024

// sweep removes the members recorded more than a window before now.
func (l *lsh) sweep(now time.Time) {
	minSeen := now.Add(-l.window).Unix()
	if l.oldest >= minSeen {
		return
	}
	oldest := now.Unix()
	for id, m := range l.members {
		if m.seen >= minSeen {
			oldest = min(oldest, m.seen)
			continue
		}
		delete(l.members, id)
		for b := range Bands {
			v := bandValue(m.doc.MinHash, b)
			head := l.bands[b][v]
			if head == m {
				if m.next[b] == nil {
					delete(l.bands[b], v)
				} else {
					l.bands[b][v] = m.next[b]
				}
				continue
			}
			for p := head; p != nil; p = p.next[b] {
				if p.next[b] == m {
					p.next[b] = m.next[b]
					break
				}
			}
		}
	}
	l.oldest = oldest
}

// best returns the most similar member for which same holds among those
// sharing a band value with d, recorded within the window of now and with
// an article time within the window of d's; nil when none. Candidates are
// verified most shared bands first, at most maxVerify of them.
func (l *lsh) best(d *ClusterDoc, same Similarity, now time.Time) (*ClusterDoc, float64) {
	minSeen := now.Add(-l.window).Unix()
	shared := map[*member]int{}
	for b := range Bands {
		n := 0
		for m := l.bands[b][bandValue(d.MinHash, b)]; m != nil && n < maxBandRun; m = m.next[b] {
			n++
			if m.doc.ID != d.ID && m.seen >= minSeen && l.inWindow(d.Time, m.doc.Time) {
				shared[m]++
			}
		}
	}
	if len(shared) == 0 {
		return nil, 0
	}
	cands := make([]*member, 0, len(shared))
	for m := range shared {
		cands = append(cands, m)
	}
	slices.SortFunc(cands, func(a, b *member) int {
		if c := cmp.Compare(shared[b], shared[a]); c != 0 {
			return c
		}
		return strings.Compare(a.doc.ID, b.doc.ID)
	})
	if len(cands) > maxVerify {
		cands = cands[:maxVerify]
	}
	var best *ClusterDoc
	bestScore := 0.0
	for _, m := range cands {
		if s, ok := same(d, &m.doc); ok && (best == nil || s > bestScore) {
			best, bestScore = &m.doc, s
		}
	}
	return best, bestScore
}

func (l *lsh) inWindow(t, u time.Time) bool {
	d := t.Sub(u)
	return d <= l.window && d >= -l.window
}
