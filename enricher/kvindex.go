package enricher

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsfeed/newsfeed/enricher/fingerprint"
	"github.com/newsfeed/newsfeed/internal/natsbus"
)

// ClusterBucket is the NATS KV bucket that holds the shared cluster index.
//
// Create it with ClusterBucketConfig(window), where window is the
// Options.ClusterWindow the replicas use: History 1 (only the latest value
// of a key matters), a bucket TTL (MaxAge) equal to the window, so that a
// record or bucket not written for a whole window disappears by itself,
// and memory storage: every assignment reads Bands buckets at random, and
// a file store loads a whole message block (megabytes) into memory for
// each such read, so the blocks of the whole bucket stay cached (measured
// with file storage: 188 MB of cached blocks after 10,000 articles). The
// index is derived data: a
// server restart empties it, and near-duplicates are then found again
// among the articles that follow.
//
// Keys:
//
//	a.<article id>          the article's record: JSON {c: cluster id,
//	                        t: article time, n: shingle count,
//	                        m: base64 MinHash signature (64 × uint32 LE)}
//	lease                   the founder lease, "<article id> <unix ms>",
//	                        held for the few milliseconds a new cluster
//	                        takes to found (see lshIndex.Assign)
//	b.<band>.<3 hex>        an LSH bucket, a shard of the band's values
//	                        (their first three hex digits): one line per
//	                        member, "<band value> <article id> <article
//	                        time> <recorded time>" (Unix seconds), the
//	                        newest 64 within the window. Shards bound the
//	                        bucket at Bands×4096 such keys plus one record
//	                        per article, whatever the traffic
//
// An article costs Bands+1 reads and up to 8 reads of candidates; unless
// it is a near-exact copy of a member it also costs one record write and
// Bands compare-and-set writes (8 at a time). Founding a cluster adds the
// lease (create and delete) and a second read of the buckets. Founders are
// serialised: with a local NATS server founding takes about a millisecond
// or two, which bounds the index at several hundred new stories a second
// across all replicas; joining a cluster takes no lease.
const ClusterBucket = natsbus.BucketClusters

// ClusterBucketConfig returns the configuration of the ClusterBucket for a
// cluster window, one replica: the one natsbus.Setup creates for the daemon.
func ClusterBucketConfig(window time.Duration) jetstream.KeyValueConfig {
	if window <= 0 {
		window = DefaultClusterWindow
	}
	return natsbus.ClustersConfig(window, 1)
}

// NewKVIndex returns a ClusterIndex kept in a NATS KV bucket (see
// ClusterBucket for its settings and keys), shared by every replica that
// uses the same bucket. window should equal the bucket's TTL.
func NewKVIndex(kv jetstream.KeyValue, window time.Duration) ClusterIndex {
	if window <= 0 {
		window = DefaultClusterWindow
	}
	return &lshIndex{store: &kvStore{kv: kv}, window: window, now: time.Now}
}

// kvStore is a clusterStore in a JetStream KV bucket.
type kvStore struct {
	kv jetstream.KeyValue
}

var _ clusterStore = (*kvStore)(nil)

// kvDoc is the JSON form of an article record.
type kvDoc struct {
	Cluster  string `json:"c"`
	Time     int64  `json:"t"`
	Shingles int    `json:"n"`
	MinHash  string `json:"m"`
}

func (s *kvStore) getDoc(ctx context.Context, id string) (*ClusterDoc, error) {
	e, err := s.kv.Get(ctx, "a."+id)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cluster index: get record %s: %w", id, err)
	}
	return decodeDoc(id, e.Value()), nil
}

// decodeDoc reads a record; one it cannot read is treated as absent.
func decodeDoc(id string, b []byte) *ClusterDoc {
	var r kvDoc
	if err := json.Unmarshal(b, &r); err != nil {
		return nil
	}
	raw, err := base64.RawStdEncoding.DecodeString(r.MinHash)
	if err != nil || len(raw)%4 != 0 {
		return nil
	}
	sig := make(fingerprint.MinHash, len(raw)/4)
	for i := range sig {
		sig[i] = binary.LittleEndian.Uint32(raw[4*i:])
	}
	return &ClusterDoc{ID: id, Cluster: r.Cluster, Time: time.Unix(r.Time, 0), Shingles: r.Shingles, MinHash: sig}
}

// leaseKey holds the founder lease: "<holder> <unix milliseconds>".
const leaseKey = "lease"

// lock takes the founder lease with Create, polling (0.5 ms doubling to
// 10 ms) while another replica holds it and taking over a lease older
// than leaseTTL by compare-and-set. The release deletes the lease if it is
// still ours.
func (s *kvStore) lock(ctx context.Context, holder string) (func(), error) {
	backoff := 500 * time.Microsecond
	for {
		val := []byte(holder + " " + strconv.FormatInt(time.Now().UnixMilli(), 10))
		rev, err := s.kv.Create(ctx, leaseKey, val)
		if err == nil {
			return s.release(rev), nil
		}
		if !errors.Is(err, jetstream.ErrKeyExists) {
			return nil, fmt.Errorf("cluster index: take lease: %w", err)
		}
		e, err := s.kv.Get(ctx, leaseKey)
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			continue // released meanwhile
		}
		if err != nil {
			return nil, fmt.Errorf("cluster index: read lease: %w", err)
		}
		if _, ms, ok := strings.Cut(string(e.Value()), " "); ok {
			if t, err := strconv.ParseInt(ms, 10, 64); err == nil && time.Since(time.UnixMilli(t)) > leaseTTL {
				if rev, err := s.kv.Update(ctx, leaseKey, val, e.Revision()); err == nil {
					return s.release(rev), nil
				}
				continue
			}
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
		backoff = min(2*backoff, 10*time.Millisecond)
	}
}

func (s *kvStore) release(rev uint64) func() {
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		// A lease lost to a takeover is not ours to delete; an error here
		// leaves the lease to expire.
		_ = s.kv.Delete(ctx, leaseKey, jetstream.LastRevision(rev))
	}
}

func (s *kvStore) putDoc(ctx context.Context, d *ClusterDoc) error {
	raw := make([]byte, 4*len(d.MinHash))
	for i, v := range d.MinHash {
		binary.LittleEndian.PutUint32(raw[4*i:], v)
	}
	b, err := json.Marshal(kvDoc{Cluster: d.Cluster, Time: d.Time.Unix(), Shingles: d.Shingles, MinHash: base64.RawStdEncoding.EncodeToString(raw)})
	if err != nil {
		return fmt.Errorf("cluster index: %w", err)
	}
	if _, err := s.kv.Put(ctx, "a."+d.ID, b); err != nil {
		return fmt.Errorf("cluster index: put record %s: %w", d.ID, err)
	}
	return nil
}

func (s *kvStore) getBucket(ctx context.Context, key string) (bucket, error) {
	e, err := s.kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return bucket{}, nil
	}
	if err != nil {
		return bucket{}, fmt.Errorf("cluster index: get %s: %w", key, err)
	}
	return bucket{entries: decodeBucket(e.Value()), rev: e.Revision()}, nil
}

func (s *kvStore) casBucket(ctx context.Context, key string, entries []bandEntry, rev uint64) error {
	var err error
	if rev == 0 {
		_, err = s.kv.Create(ctx, key, encodeBucket(entries))
	} else {
		_, err = s.kv.Update(ctx, key, encodeBucket(entries), rev)
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, jetstream.ErrKeyExists), errors.Is(err, jetstream.ErrKeyRevisionMismatch):
		return errConflict
	default:
		return fmt.Errorf("cluster index: write %s: %w", key, err)
	}
}
