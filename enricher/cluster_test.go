package enricher

import (
	"context"
	"fmt"
	"github.com/newsfeed/newsfeed/internal/natstest"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/enricher/fingerprint"
)

func doc(id, text string, t time.Time) ClusterDoc {
	sh := fingerprint.Shingles(text)
	return ClusterDoc{ID: id, Time: t, Shingles: len(sh), MinHash: fingerprint.NewMinHash(sh, SignatureSize)}
}

// variants of a text: the same story as other outlets carry it.
func withFurniture(text string) string {
	return "Advertisement\n\n" + text + "\n\nSign up for our newsletter to get the news in your inbox.\n\n© 2024 AFP"
}

func shortened(text string) string {
	ps := strings.Split(text, "\n\n")
	return strings.Join(ps[:max(2, len(ps)*6/10)], "\n\n")
}

func edited(text string) string {
	r := rand.New(rand.NewPCG(9, 9))
	ws := strings.Fields(text)
	for i := range ws {
		if r.IntN(25) == 0 {
			ws[i] = "edited"
		}
	}
	return strings.Join(ws, " ")
}

// indexes returns the index implementations under test: the in-memory
// one, and the NATS KV one over an in-process server.
func indexes(t *testing.T, window time.Duration, now func() time.Time) map[string]*lshIndex {
	t.Helper()
	kv := newKV(t, window)
	x := NewKVIndex(kv, window).(*lshIndex)
	x.now = now
	return map[string]*lshIndex{
		"memory": newMemoryIndex(window, now),
		"kv":     x,
	}
}

func startNATS(t *testing.T) *server.Server { return natstest.Run(t, nil) }

func connectKV(t *testing.T, s *server.Server, window time.Duration, create bool) jetstream.KeyValue {
	t.Helper()
	nc, err := nats.Connect(s.ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var kv jetstream.KeyValue
	if create {
		kv, err = js.CreateKeyValue(ctx, ClusterBucketConfig(window))
	} else {
		kv, err = js.KeyValue(ctx, ClusterBucket)
	}
	if err != nil {
		t.Fatal(err)
	}
	return kv
}

func newKV(t *testing.T, window time.Duration) jetstream.KeyValue {
	return connectKV(t, startNATS(t), window, true)
}

type corpusDoc struct {
	ID, Lang, Title, Text string
}

func TestClusterIndexes(t *testing.T) {
	docs := loadCorpus(t)
	ref := reference(t)
	t0 := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	now := t0
	clock := func() time.Time { return now }
	same := JaccardSimilarity(DefaultClusterThreshold)
	for name, idx := range indexes(t, 72*time.Hour, clock) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			assign := func(d ClusterDoc) string {
				t.Helper()
				c, err := idx.Assign(ctx, d, same)
				if err != nil {
					t.Fatal(err)
				}
				return c
			}
			if c := assign(doc("orig", ref, t0)); c != "orig" {
				t.Fatalf("first article founds its own cluster, got %q", c)
			}
			for _, v := range []struct{ id, text string }{
				{"furniture", withFurniture(ref)},
				{"shortened", shortened(ref)},
				{"edited", edited(ref)},
			} {
				if c := assign(doc(v.id, v.text, t0.Add(time.Hour))); c != "orig" {
					t.Errorf("%s copy joined %q, want orig", v.id, c)
				}
			}
			// Unrelated articles found their own clusters.
			for _, d := range docs {
				if c := assign(doc(d.ID, d.Text, t0.Add(2*time.Hour))); c != d.ID {
					t.Errorf("unrelated %s joined %q", d.ID, c)
				}
			}
			// Assigning again returns the earlier cluster.
			if c := assign(doc("shortened", shortened(ref), t0.Add(3*time.Hour))); c != "orig" {
				t.Errorf("re-assigned article got %q", c)
			}
			// Outside the window (article time) a copy starts afresh.
			if c := assign(doc("late", ref+"\n\nUpdate: more.", t0.Add(100*time.Hour))); c != "late" {
				t.Errorf("copy outside the window joined %q", c)
			}
		})
	}
}

func TestClusterIndexExpiry(t *testing.T) {
	ref := reference(t)
	t0 := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	now := t0
	idx := newMemoryIndex(time.Hour, func() time.Time { return now })
	same := JaccardSimilarity(DefaultClusterThreshold)
	if _, err := idx.Assign(context.Background(), doc("a", ref, t0), same); err != nil {
		t.Fatal(err)
	}
	now = t0.Add(2 * time.Hour) // recorded more than a window ago
	c, err := idx.Assign(context.Background(), doc("b", withFurniture(ref), t0), same)
	if err != nil {
		t.Fatal(err)
	}
	if c != "b" {
		t.Errorf("expired article still joined: %q", c)
	}
}

// TestClusterIndexConcurrent assigns many copies of one story at once,
// from several goroutines and, for KV, several connections (replicas):
// they must all end in one cluster.
func TestClusterIndexConcurrent(t *testing.T) {
	ref := reference(t)
	t0 := time.Now()
	same := JaccardSimilarity(DefaultClusterThreshold)
	s := startNATS(t)
	connectKV(t, s, time.Hour, true)
	cases := map[string]func(i int) ClusterIndex{}
	mem := NewMemoryIndex(time.Hour)
	cases["memory"] = func(int) ClusterIndex { return mem }
	var replicas []ClusterIndex
	for range 3 {
		replicas = append(replicas, NewKVIndex(connectKV(t, s, time.Hour, false), time.Hour))
	}
	cases["kv"] = func(i int) ClusterIndex { return replicas[i%len(replicas)] }
	for name, pick := range cases {
		t.Run(name, func(t *testing.T) {
			for round := range 5 {
				const n = 8
				got := make([]string, n)
				errs := make([]error, n)
				var wg sync.WaitGroup
				start := make(chan struct{})
				for i := range n {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						// Distinct copies: furniture and a different last line each.
						text := withFurniture(ref) + fmt.Sprintf("\n\nRound %d copy %d of the story.", round, i)
						if i%2 == 1 {
							text = edited(text)
						}
						got[i], errs[i] = pick(i).Assign(context.Background(), doc(fmt.Sprintf("r%dc%d", round, i), text, t0.Add(time.Duration(i)*time.Second)), same)
					}()
				}
				close(start)
				wg.Wait()
				for i := range n {
					if errs[i] != nil {
						t.Fatal(errs[i])
					}
				}
				// Round 0 founds a cluster; later rounds join it.
				for i := 1; i < n; i++ {
					if got[i] != got[0] {
						t.Fatalf("round %d: copies split into clusters %v", round, got)
					}
				}
			}
		})
	}
}

func TestClusterEnricher(t *testing.T) {
	ref := reference(t)
	c := NewCluster(NewMemoryIndex(0), 0)
	t0 := time.Date(2022, 8, 3, 10, 0, 0, 0, time.UTC)
	a := &article.Article{ID: "a1", Text: ref, PublishedAt: t0}
	if err := c.Enrich(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	if len(a.SimHash) != 16 || a.ClusterID != "a1" {
		t.Fatalf("simhash %q cluster %q", a.SimHash, a.ClusterID)
	}
	h, err := ParseSimHash(a.SimHash)
	if err != nil || FormatSimHash(h) != a.SimHash {
		t.Fatalf("simhash does not round-trip: %q %v", a.SimHash, err)
	}
	b := &article.Article{ID: "b1", Text: withFurniture(ref), FetchedAt: t0.Add(5 * time.Hour)}
	if err := c.Enrich(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	if b.ClusterID != "a1" {
		t.Errorf("copy joined %q, want a1", b.ClusterID)
	}
	// A short text keeps its own cluster and is not indexed.
	s := &article.Article{ID: "s1", Text: "Breaking news."}
	if err := c.Enrich(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	if s.ClusterID != "s1" || s.SimHash == "" {
		t.Errorf("short text: cluster %q simhash %q", s.ClusterID, s.SimHash)
	}
}

type failingIndex struct{}

func (failingIndex) Assign(context.Context, ClusterDoc, Similarity) (string, error) {
	return "", fmt.Errorf("nats: connection closed")
}

func TestClusterEnricherIndexFailure(t *testing.T) {
	a := &article.Article{ID: "x", Text: reference(t)}
	chain := NewChain(nil, NewCluster(failingIndex{}, 0))
	if err := chain.Enrich(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	if a.ClusterID != "x" || a.SimHash == "" {
		t.Errorf("cluster %q simhash %q", a.ClusterID, a.SimHash)
	}
	if len(a.Errors) != 1 || a.Errors[0].Stage != "enrich.cluster" || !strings.Contains(a.Errors[0].Error, "connection closed") {
		t.Errorf("errors: %+v", a.Errors)
	}
}

func TestBucketEncoding(t *testing.T) {
	in := []bandEntry{{"00ff00ff00ff00ff", "a", 1, 2}, {"0123456789abcdef", "b", -5, 7}}
	got := decodeBucket(encodeBucket(in))
	if fmt.Sprint(got) != fmt.Sprint(in) {
		t.Errorf("round trip: %v", got)
	}
	if got := decodeBucket([]byte("garbage\nx 1\ny 1 2 3\n0123456789abcdef a b c\na 1 2\n0123456789ABCDEF a 1 2\n")); len(got) != 0 {
		t.Errorf("garbage decoded to %v", got)
	}
	sig := make(fingerprint.MinHash, SignatureSize)
	sig[6], sig[7] = 0xabcdef01, 0x2
	keys, values := bandKeys(sig)
	if len(keys) != Bands || keys[3] != "b.03.abc" || values[3] != "abcdef0100000002" || keys[0] != "b.00.000" {
		t.Errorf("keys: %v, values %v", keys, values)
	}
	if k, _ := bandKeys(fingerprint.MinHash{1}); k != nil {
		t.Error("short signature gave keys")
	}
}

func FuzzDecodeBucket(f *testing.F) {
	f.Add([]byte("00ff00ff00ff00ff a 1 2\n0000000000000000 b 3 4\n"))
	f.Add([]byte(""))
	f.Add([]byte("abababababababab x -1 99999999999999999999\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		es := decodeBucket(b)
		again := decodeBucket(encodeBucket(es))
		if fmt.Sprint(es) != fmt.Sprint(again) {
			t.Fatalf("not stable: %v vs %v", es, again)
		}
	})
}

// BenchmarkAssign measures one assignment (a new story: lease, reads,
// record and bucket writes) with each index; for KV over an in-process
// nats-server on loopback TCP.
func BenchmarkAssign(b *testing.B) {
	docs := loadCorpus(b)
	same := JaccardSimilarity(DefaultClusterThreshold)
	s := natstest.Run(b, nil)
	nc, err := nats.Connect(s.ClientURL())
	if err != nil {
		b.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		b.Fatal(err)
	}
	kv, err := js.CreateKeyValue(context.Background(), ClusterBucketConfig(time.Hour))
	if err != nil {
		b.Fatal(err)
	}
	for name, idx := range map[string]ClusterIndex{"memory": NewMemoryIndex(time.Hour), "kv": NewKVIndex(kv, time.Hour)} {
		b.Run(name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				d := docs[i%len(docs)]
				// A fresh id and a changed text: a new story each time.
				text := d.Text + fmt.Sprintf("\n\nVariant %d of the story, with several new words added %d.", i, i*7)
				if _, err := idx.Assign(context.Background(), doc(fmt.Sprintf("%s-%d", name, i), text, time.Now()), same); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// TestShardedBuckets: articles whose band values only share their shards
// are not candidates of each other; one equal band value makes them so.
func TestShardedBuckets(t *testing.T) {
	always := func(a, b *ClusterDoc) (float64, bool) { return 0.5, true }
	sig := func(low uint32) fingerprint.MinHash {
		s := make(fingerprint.MinHash, SignatureSize)
		for i := range s {
			s[i] = 0xabc00000 | uint32(i)<<8 | low // same top 12 bits: same shards
		}
		return s
	}
	ctx := context.Background()
	idx := NewMemoryIndex(time.Hour)
	now := time.Now()
	a := ClusterDoc{ID: "a", Time: now, Shingles: 100, MinHash: sig(1)}
	if c, err := idx.Assign(ctx, a, always); err != nil || c != "a" {
		t.Fatalf("a: cluster %q, %v", c, err)
	}
	b := ClusterDoc{ID: "b", Time: now, Shingles: 100, MinHash: sig(2)}
	if c, err := idx.Assign(ctx, b, always); err != nil || c != "b" {
		t.Fatalf("b shares only shards with a: cluster %q, %v; want its own", c, err)
	}
	c := ClusterDoc{ID: "c", Time: now, Shingles: 100, MinHash: sig(2)}
	c.MinHash[0], c.MinHash[1] = a.MinHash[0], a.MinHash[1] // band 0 equal to a's
	if got, err := idx.Assign(ctx, c, always); err != nil || got != "a" && got != "b" {
		t.Fatalf("c shares band values: cluster %q, %v", got, err)
	}
}

func BenchmarkDecodeBucket(b *testing.B) {
	entries := make([]bandEntry, maxBucketEntries)
	for i := range entries {
		entries[i] = bandEntry{Band: fmt.Sprintf("%016x", i*7919), ID: fmt.Sprintf("%032x", i), Time: 1764150000 + int64(i), Seen: 1764150000}
	}
	raw := encodeBucket(entries)
	b.ReportAllocs()
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if got := decodeBucket(raw); len(got) != len(entries) {
			b.Fatalf("%d entries", len(got))
		}
	}
}
