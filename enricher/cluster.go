package enricher

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

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
	// maxVerify bounds the candidates whose signatures are fetched.
	maxVerify = 8
	// maxBucketEntries bounds a bucket (a shard of a band's values); the
	// newest entries are kept. 4096 shards of 64 per band hold a window of
	// about 260,000 articles before the oldest entries give way (sooner
	// in shards of common band values, which say little anyway).
	maxBucketEntries = 64
	// maxCASAttempts bounds the retries of one bucket update.
	maxCASAttempts = 32
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

// shardHex is how many hex digits of a band's value name its bucket: the
// buckets of a band are 16^shardHex shards, each holding the entries of
// every band value that starts with those digits. One key per band value
// would make the bucket's key count grow with the articles in the window
// (Bands keys per article, each a subject the NATS server indexes in
// memory); shards bound it at Bands×4096 keys.
const shardHex = 3

// bandKeys returns the LSH bucket keys of a signature, "b.<band>.<shard>",
// and the band values ("<row><row>" in hex) that entries in them carry.
func bandKeys(sig fingerprint.MinHash) (keys, values []string) {
	if len(sig) < Bands*BandRows {
		return nil, nil
	}
	keys, values = make([]string, Bands), make([]string, Bands)
	for b := range Bands {
		var vb strings.Builder
		vb.Grow(8 * BandRows)
		for r := range BandRows {
			v := strconv.FormatUint(uint64(sig[b*BandRows+r]), 16)
			vb.WriteString(strings.Repeat("0", 8-len(v)))
			vb.WriteString(v)
		}
		values[b] = vb.String()
		keys[b] = fmt.Sprintf("b.%02d.%s", b, values[b][:shardHex])
	}
	return keys, values
}

// bandEntry is one article in an LSH bucket, under one band value.
type bandEntry struct {
	Band string // the band's value, hex
	ID   string
	Time int64 // article time, Unix seconds
	Seen int64 // when it was recorded, Unix seconds
}

func encodeBucket(entries []bandEntry) []byte {
	var b []byte
	for _, e := range entries {
		b = append(b, e.Band...)
		b = append(b, ' ')
		b = append(b, e.ID...)
		b = append(b, ' ')
		b = strconv.AppendInt(b, e.Time, 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, e.Seen, 10)
		b = append(b, '\n')
	}
	return b
}

// decodeBucket reads a bucket's lines, skipping those it cannot read. The
// strings of the entries share one copy of b: a bucket holds up to
// maxBucketEntries lines and every assignment reads Bands buckets.
func decodeBucket(b []byte) []bandEntry {
	str := string(b)
	out := make([]bandEntry, 0, strings.Count(str, "\n")+1)
	for len(str) > 0 {
		line := str
		if i := strings.IndexByte(str, '\n'); i >= 0 {
			line, str = str[:i], str[i+1:]
		} else {
			str = ""
		}
		var f [4]string
		n := 0
		for line != "" && n <= len(f) {
			line = strings.TrimLeft(line, " ")
			if line == "" {
				break
			}
			w := line
			if i := strings.IndexByte(line, ' '); i >= 0 {
				w, line = line[:i], line[i+1:]
			} else {
				line = ""
			}
			if n < len(f) {
				f[n] = w
			}
			n++
		}
		if n != 4 || !isBandValue(f[0]) {
			continue
		}
		t, err1 := strconv.ParseInt(f[2], 10, 64)
		s, err2 := strconv.ParseInt(f[3], 10, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		out = append(out, bandEntry{Band: f[0], ID: f[1], Time: t, Seen: s})
	}
	return out
}

func isBandValue(s string) bool {
	if len(s) != 8*BandRows {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// bucket is an LSH bucket with the revision it was read at (0: absent).
type bucket struct {
	entries []bandEntry
	rev     uint64
}

// errConflict reports a compare-and-set that lost to another writer.
var errConflict = errors.New("revision conflict")

// clusterStore is the storage behind the LSH index: article records and
// buckets with compare-and-set. The in-memory and NATS KV indexes differ
// only in their store.
type clusterStore interface {
	getDoc(ctx context.Context, id string) (*ClusterDoc, error) // nil, nil when absent
	putDoc(ctx context.Context, d *ClusterDoc) error
	getBucket(ctx context.Context, key string) (bucket, error)
	// casBucket replaces the bucket when its revision is still rev (0:
	// create it); it returns errConflict when another writer came first.
	casBucket(ctx context.Context, key string, entries []bandEntry, rev uint64) error
	// lock takes the index-wide founder lease for holder, waiting while
	// another holds it (a lease older than leaseTTL is taken over), and
	// returns its release.
	lock(ctx context.Context, holder string) (release func(), err error)
}

// assignTimeout bounds one assignment, whatever the caller's context.
const assignTimeout = 15 * time.Second

// leaseTTL is how long a founder lease is honoured; founding takes
// milliseconds, so only a crashed holder's lease runs out.
const leaseTTL = 5 * time.Second

// lshIndex is the ClusterIndex over a clusterStore.
type lshIndex struct {
	store  clusterStore
	window time.Duration
	now    func() time.Time
}

var _ ClusterIndex = (*lshIndex)(nil)

// Assign implements ClusterIndex.
//
// Protocol. Read the article's own record and its Bands buckets, and
// verify the candidates (most shared bands first) against their records;
// join the cluster of the most similar. Only an article that finds none
// founds a cluster, and founding is serialised: the founder takes the
// index's founder lease, reads the buckets again (a copy assigned
// meanwhile by another replica is there now) and joins what it finds or
// founds. Either way the record is written before the article is added to
// its buckets by compare-and-set (re-read and retried on conflict), so
// whoever finds a bucket entry finds its record. Two copies of a story
// assigned at the same moment on two replicas therefore end in one
// cluster; joining needs no lease.
func (x *lshIndex) Assign(ctx context.Context, d ClusterDoc, same Similarity) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, assignTimeout)
	defer cancel()
	keys, values := bandKeys(d.MinHash)
	if keys == nil {
		return "", fmt.Errorf("signature has %d values, want at least %d", len(d.MinHash), Bands*BandRows)
	}
	own, buckets, err := x.read(ctx, d.ID, keys)
	if err != nil {
		return "", err
	}
	if own != nil && own.Cluster != "" {
		return own.Cluster, nil
	}
	best, score, err := x.best(ctx, d, values, buckets, same)
	if err != nil {
		return "", err
	}
	if best == nil {
		release, err := x.store.lock(ctx, d.ID)
		if err != nil {
			return "", err
		}
		defer release()
		if _, buckets, err = x.read(ctx, "", keys); err != nil {
			return "", err
		}
		if best, score, err = x.best(ctx, d, values, buckets, same); err != nil {
			return "", err
		}
	}
	rec := d
	rec.Cluster = d.ID
	if best != nil {
		rec.Cluster = best.Cluster
		if score >= redundantSimilarity {
			return rec.Cluster, nil
		}
	}
	if err := x.store.putDoc(ctx, &rec); err != nil {
		return "", err
	}
	if err := x.addToBuckets(ctx, keys, values, buckets, d); err != nil {
		return "", err
	}
	return rec.Cluster, nil
}

// read fetches a record (when id is set) and the buckets, concurrently.
func (x *lshIndex) read(ctx context.Context, id string, keys []string) (*ClusterDoc, []bucket, error) {
	buckets := make([]bucket, len(keys))
	var own *ClusterDoc
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	if id != "" {
		g.Go(func() error {
			var err error
			own, err = x.store.getDoc(gctx, id)
			return err
		})
	}
	for i, k := range keys {
		g.Go(func() error {
			var err error
			buckets[i], err = x.store.getBucket(gctx, k)
			return err
		})
	}
	return own, buckets, g.Wait()
}

// best returns the most similar recorded article that shares a band value
// with d, with its score; nil when none passes same. values are d's band
// values, one per bucket.
func (x *lshIndex) best(ctx context.Context, d ClusterDoc, values []string, buckets []bucket, same Similarity) (*ClusterDoc, float64, error) {
	minSeen := x.now().Add(-x.window).Unix()
	shared := map[string]int{}
	for i, b := range buckets {
		for _, e := range b.entries {
			if e.Band == values[i] && e.ID != d.ID && e.Seen >= minSeen && x.inWindow(d.Time, e.Time) {
				shared[e.ID]++
			}
		}
	}
	cands := make([]string, 0, len(shared))
	for id := range shared {
		cands = append(cands, id)
	}
	slices.SortFunc(cands, func(a, b string) int {
		if c := cmp.Compare(shared[b], shared[a]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	if len(cands) > maxVerify {
		cands = cands[:maxVerify]
	}
	docs := make([]*ClusterDoc, len(cands))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for i, id := range cands {
		g.Go(func() error {
			var err error
			docs[i], err = x.store.getDoc(gctx, id)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, 0, err
	}
	var best *ClusterDoc
	bestScore := 0.0
	for _, c := range docs {
		if c == nil || c.Cluster == "" {
			continue
		}
		if s, ok := same(&d, c); ok && (best == nil || s > bestScore) {
			best, bestScore = c, s
		}
	}
	return best, bestScore, nil
}

// addToBuckets appends d to each bucket by compare-and-set, re-reading a
// bucket after a conflict.
func (x *lshIndex) addToBuckets(ctx context.Context, keys, values []string, buckets []bucket, d ClusterDoc) error {
	now := x.now()
	minSeen := now.Add(-x.window).Unix()
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for i, k := range keys {
		self := bandEntry{Band: values[i], ID: d.ID, Time: d.Time.Unix(), Seen: now.Unix()}
		g.Go(func() error {
			b := buckets[i]
			for range maxCASAttempts {
				entries := pruneBucket(b.entries, d.ID, minSeen)
				err := x.store.casBucket(gctx, k, append(entries, self), b.rev)
				if err == nil {
					return nil
				}
				if !errors.Is(err, errConflict) {
					return err
				}
				if b, err = x.store.getBucket(gctx, k); err != nil {
					return err
				}
			}
			return fmt.Errorf("bucket %s: %d compare-and-set conflicts", k, maxCASAttempts)
		})
	}
	return g.Wait()
}

func (x *lshIndex) inWindow(t time.Time, unix int64) bool {
	d := t.Sub(time.Unix(unix, 0))
	return d <= x.window && d >= -x.window
}

// pruneBucket drops expired entries and the article's own, and keeps the
// newest maxBucketEntries-1 so that one more fits.
func pruneBucket(entries []bandEntry, self string, minSeen int64) []bandEntry {
	out := make([]bandEntry, 0, len(entries)+1)
	for _, e := range entries {
		if e.ID != self && e.Seen >= minSeen {
			out = append(out, e)
		}
	}
	if len(out) >= maxBucketEntries {
		slices.SortStableFunc(out, func(a, b bandEntry) int { return cmp.Compare(a.Seen, b.Seen) })
		out = out[len(out)-maxBucketEntries+1:]
	}
	return out
}
