package enricher

import (
	"context"
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

func newMemoryIndex(window time.Duration, now func() time.Time) *lshIndex {
	return &lshIndex{store: &memStore{window: window, now: now, docs: map[string]memDoc{}, buckets: map[string]memBucket{}, lease: make(chan struct{}, 1)}, window: window, now: now}
}

// memStore is a clusterStore in maps. Expired records and buckets are swept
// every sweepEvery writes.
type memStore struct {
	mu      sync.Mutex
	window  time.Duration
	now     func() time.Time
	docs    map[string]memDoc
	buckets map[string]memBucket
	rev     uint64
	writes  int
	lease   chan struct{} // the founder lease: a one-slot semaphore
}

type memDoc struct {
	doc     ClusterDoc
	written time.Time
}

type memBucket struct {
	entries []bandEntry
	rev     uint64
	written time.Time
}

const sweepEvery = 1024

var _ clusterStore = (*memStore)(nil)

func (m *memStore) getDoc(_ context.Context, id string) (*ClusterDoc, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.docs[id]
	if !ok || m.expired(d.written) {
		return nil, nil
	}
	c := d.doc
	return &c, nil
}

func (m *memStore) putDoc(_ context.Context, d *ClusterDoc) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.docs[d.ID] = memDoc{doc: *d, written: m.now()}
	m.wrote()
	return nil
}

func (m *memStore) lock(ctx context.Context, _ string) (func(), error) {
	select {
	case m.lease <- struct{}{}:
		return func() { <-m.lease }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (m *memStore) getBucket(_ context.Context, key string) (bucket, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b, ok := m.buckets[key]
	if !ok || m.expired(b.written) {
		return bucket{}, nil
	}
	return bucket{entries: append([]bandEntry(nil), b.entries...), rev: b.rev}, nil
}

func (m *memStore) casBucket(_ context.Context, key string, entries []bandEntry, rev uint64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	cur, ok := m.buckets[key]
	if ok && m.expired(cur.written) {
		ok = false
	}
	switch {
	case !ok && rev != 0, ok && cur.rev != rev:
		return errConflict
	}
	m.rev++
	m.buckets[key] = memBucket{entries: append([]bandEntry(nil), entries...), rev: m.rev, written: m.now()}
	m.wrote()
	return nil
}

func (m *memStore) expired(t time.Time) bool { return m.now().Sub(t) > m.window }

// wrote counts a write and sweeps expired entries now and then. m.mu is held.
func (m *memStore) wrote() {
	m.writes++
	if m.writes%sweepEvery != 0 {
		return
	}
	for k, d := range m.docs {
		if m.expired(d.written) {
			delete(m.docs, k)
		}
	}
	for k, b := range m.buckets {
		if m.expired(b.written) {
			delete(m.buckets, k)
		}
	}
}
