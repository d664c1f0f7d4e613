package enricher

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/enricher/fingerprint"
	"github.com/newsfeed/newsfeed/internal/natstest"
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
// one, and the stream one over an in-process server.
func indexes(t *testing.T, window time.Duration, now func() time.Time) map[string]ClusterIndex {
	t.Helper()
	s := startNATS(t)
	createClusterStream(t, s, window)
	x := newStreamIndex(t, s, window)
	x.now = now
	return map[string]ClusterIndex{
		"memory": newMemoryIndex(window, now),
		"stream": x,
	}
}

func startNATS(t testing.TB) *server.Server { return natstest.Run(t, nil) }

func connectJS(t testing.TB, s *server.Server) jetstream.JetStream {
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
	return js
}

func createClusterStream(t testing.TB, s *server.Server, window time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := connectJS(t, s).CreateStream(ctx, ClusterStreamConfig(window)); err != nil {
		t.Fatal(err)
	}
}

// newStreamIndex starts a replica's index over its own connection.
func newStreamIndex(t testing.TB, s *server.Server, window time.Duration) *StreamIndex {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	js := connectJS(t, s)
	st, err := js.Stream(ctx, ClusterStreamConfig(window).Name)
	if err != nil {
		t.Fatal(err)
	}
	x, err := NewStreamIndex(ctx, js, st, StreamIndexOptions{Window: window})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(x.Close)
	return x
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
// from several goroutines and, for the stream, several replicas:
// they must all end in one cluster.
func TestClusterIndexConcurrent(t *testing.T) {
	ref := reference(t)
	t0 := time.Now()
	same := JaccardSimilarity(DefaultClusterThreshold)
	s := startNATS(t)
	createClusterStream(t, s, time.Hour)
	cases := map[string]func(i int) ClusterIndex{}
	mem := NewMemoryIndex(time.Hour, 0)
	cases["memory"] = func(int) ClusterIndex { return mem }
	var replicas []ClusterIndex
	for range 3 {
		replicas = append(replicas, newStreamIndex(t, s, time.Hour))
	}
	cases["stream"] = func(i int) ClusterIndex { return replicas[i%len(replicas)] }
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
	c := NewCluster(NewMemoryIndex(0, 0), 0)
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

func TestRecordEncoding(t *testing.T) {
	d := doc("a1", "The quick brown fox jumps over the lazy dog near the river bank today.", time.Unix(1700000000, 0))
	d.Cluster = "c9"
	b, err := encodeRecord(&d, 1700000100)
	if err != nil {
		t.Fatal(err)
	}
	got, seen, ok := decodeRecord(b)
	if !ok || seen != 1700000100 || got.ID != "a1" || got.Cluster != "c9" || !got.Time.Equal(d.Time) ||
		got.Shingles != d.Shingles || fmt.Sprint(got.MinHash) != fmt.Sprint(d.MinHash) {
		t.Fatalf("round trip: %+v seen %d ok %v", got, seen, ok)
	}
	for _, bad := range []string{``, `{}`, `not json`, `{"id":"a","c":"a","m":"AAAA"}`, `{"id":"a","c":"a","m":"!!"}`, `{"id":"","c":"a"}`} {
		if _, _, ok := decodeRecord([]byte(bad)); ok {
			t.Errorf("%q decoded", bad)
		}
	}
}

func FuzzDecodeRecord(f *testing.F) {
	d := doc("a", "one two three four five six seven eight nine ten eleven twelve thirteen", time.Unix(1, 0))
	d.Cluster = "a"
	b, _ := encodeRecord(&d, 2)
	f.Add(b)
	f.Add([]byte(`{"id":"x","c":"y","t":-1,"n":3,"s":9,"m":""}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, seen, ok := decodeRecord(b)
		if !ok {
			return
		}
		if len(d.MinHash) < Bands*BandRows || d.ID == "" || d.Cluster == "" {
			t.Fatalf("accepted an unusable record: %+v", d)
		}
		again, err := encodeRecord(&d, seen)
		if err != nil {
			t.Fatal(err)
		}
		d2, seen2, ok := decodeRecord(again)
		if !ok || seen2 != seen || d2.ID != d.ID || d2.Cluster != d.Cluster || fmt.Sprint(d2.MinHash) != fmt.Sprint(d.MinHash) {
			t.Fatalf("not stable: %+v vs %+v", d, d2)
		}
	})
}

// TestStreamIndexReplay: a replica started later (or restarted) reads the
// records already in the stream before it assigns, skips those older than
// the window, and joins the clusters they recorded.
func TestStreamIndexReplay(t *testing.T) {
	ref := reference(t)
	docs := loadCorpus(t)
	same := JaccardSimilarity(DefaultClusterThreshold)
	s := startNATS(t)
	createClusterStream(t, s, time.Hour)
	ctx := context.Background()
	first := newStreamIndex(t, s, time.Hour)
	if c, err := first.Assign(ctx, doc("orig", ref, time.Now()), same); err != nil || c != "orig" {
		t.Fatalf("orig: %q %v", c, err)
	}
	// A record recorded "two hours ago" by a replica with a slow clock is
	// in the stream but outside the window.
	old := doc(docs[0].ID, docs[0].Text, time.Now())
	old.Cluster = old.ID
	rec, err := encodeRecord(&old, time.Now().Add(-2*time.Hour).Unix())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := connectJS(t, s).Publish(ctx, subjectClusterFound, rec); err != nil {
		t.Fatal(err)
	}
	first.Close()

	second := newStreamIndex(t, s, time.Hour)
	if c, err := second.Assign(ctx, doc("copy", withFurniture(ref), time.Now()), same); err != nil || c != "orig" {
		t.Fatalf("copy on a new replica: %q %v, want orig", c, err)
	}
	if c, err := second.Assign(ctx, doc("orig", ref, time.Now()), same); err != nil || c != "orig" {
		t.Fatalf("orig again: %q %v", c, err)
	}
	if c, err := second.Assign(ctx, doc("late", withFurniture(docs[0].Text), time.Now()), same); err != nil || c != "late" {
		t.Fatalf("copy of an expired record: %q %v, want its own cluster", c, err)
	}
	// copy is a near-exact copy of orig, so it is not recorded.
	if n := second.Len(); n != 2 {
		t.Errorf("replica holds %d members, want 2 (orig, late)", n)
	}
}

// TestStreamIndexFoundingConflict: a replica whose index lags behind the
// stream (another replica founded a cluster it has not read yet) has its
// founding publish refused, reads up, and joins instead.
func TestStreamIndexFoundingConflict(t *testing.T) {
	ref := reference(t)
	same := JaccardSimilarity(DefaultClusterThreshold)
	s := startNATS(t)
	createClusterStream(t, s, time.Hour)
	ctx := context.Background()
	a := newStreamIndex(t, s, time.Hour)
	b := newStreamIndex(t, s, time.Hour)
	b.Close() // b stops reading: it will not see a's record by itself
	if c, err := a.Assign(ctx, doc("first", ref, time.Now()), same); err != nil || c != "first" {
		t.Fatalf("first: %q %v", c, err)
	}
	// Let b read again only once its founding publish was refused.
	follow := func() {
		cons, err := b.stream.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{DeliverPolicy: jetstream.DeliverAllPolicy})
		if err != nil {
			t.Error(err)
			return
		}
		cc, err := cons.Consume(b.apply)
		if err != nil {
			t.Error(err)
			return
		}
		t.Cleanup(cc.Stop)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		// Wait for b's refused attempt: the last founding record on the
		// server is a's, which b has not applied.
		for deadline := time.Now().Add(10 * time.Second); b.conflicts.Load() == 0 && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
		follow()
	}()
	c, err := b.Assign(ctx, doc("second", withFurniture(ref), time.Now()), same)
	<-done
	if err != nil || c != "first" {
		t.Fatalf("lagging replica: %q %v, want first", c, err)
	}
	if n := b.conflicts.Load(); n != 1 {
		t.Errorf("%d refused founding publishes, want 1", n)
	}
}

// TestBandCandidates: only an equal band value makes two articles
// candidates of each other.
func TestBandCandidates(t *testing.T) {
	always := func(a, b *ClusterDoc) (float64, bool) { return 0.5, true }
	sig := func(low uint32) fingerprint.MinHash {
		s := make(fingerprint.MinHash, SignatureSize)
		for i := range s {
			s[i] = 0xabc00000 | uint32(i)<<8 | low
		}
		return s
	}
	ctx := context.Background()
	idx := NewMemoryIndex(time.Hour, 0)
	now := time.Now()
	a := ClusterDoc{ID: "a", Time: now, Shingles: 100, MinHash: sig(1)}
	if c, err := idx.Assign(ctx, a, always); err != nil || c != "a" {
		t.Fatalf("a: cluster %q, %v", c, err)
	}
	b := ClusterDoc{ID: "b", Time: now, Shingles: 100, MinHash: sig(2)}
	if c, err := idx.Assign(ctx, b, always); err != nil || c != "b" {
		t.Fatalf("b shares no band value with a: cluster %q, %v; want its own", c, err)
	}
	c := ClusterDoc{ID: "c", Time: now, Shingles: 100, MinHash: sig(3)}
	c.MinHash[0], c.MinHash[1] = a.MinHash[0], a.MinHash[1] // band 0 equal to a's
	if got, err := idx.Assign(ctx, c, always); err != nil || got != "a" {
		t.Fatalf("c shares band 0 with a: cluster %q, %v", got, err)
	}
	if _, err := idx.Assign(ctx, ClusterDoc{ID: "short", MinHash: sig(1)[:10]}, always); err == nil {
		t.Error("a short signature was accepted")
	}
}

// TestLSHSweep: expired members leave the index and every band chain.
func TestLSHSweep(t *testing.T) {
	docs := loadCorpus(t)
	t0 := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	l := newLSH(time.Hour, 0)
	for i, d := range docs {
		cd := doc(d.ID, d.Text, t0)
		cd.Cluster = cd.ID
		seen := t0
		if i%2 == 0 {
			seen = t0.Add(-2 * time.Hour)
		}
		l.add(cd, seen.Unix(), t0)
	}
	l.sweep(t0)
	want := len(docs) / 2
	if l.len() != want {
		t.Fatalf("%d members after the sweep, want %d", l.len(), want)
	}
	for i, d := range docs {
		if _, ok := l.cluster(d.ID); ok != (i%2 == 1) {
			t.Errorf("%s (expired %v) found: %v", d.ID, i%2 == 0, ok)
		}
	}
	for b := range Bands {
		n := 0
		for _, head := range l.bands[b] {
			for i := head; i >= 0; i = l.at(i).next[b] {
				if !l.at(i).used {
					t.Fatalf("band %d still links released slot %d", b, i)
				}
				n++
			}
		}
		if n != want {
			t.Fatalf("band %d links %d members, want %d", b, n, want)
		}
	}
	// Released slots and arena bytes are used again.
	slots := 0
	for _, c := range l.chunks {
		slots += len(c)
	}
	for i, d := range docs[:want] {
		cd := doc(fmt.Sprintf("new-%d-%s", i, d.ID), d.Text, t0)
		cd.Cluster = "cluster-" + cd.ID
		l.add(cd, t0.Unix(), t0)
	}
	after := 0
	for _, c := range l.chunks {
		after += len(c)
	}
	if after != slots || l.len() != 2*want || len(l.free) != slots-2*want {
		t.Errorf("%d members in %d slots (%d before), %d free, after refilling the released slots", l.len(), after, slots, len(l.free))
	}
	for i, d := range docs[:want] {
		id := fmt.Sprintf("new-%d-%s", i, d.ID)
		if c, ok := l.cluster(id); !ok || c != "cluster-"+id {
			t.Errorf("cluster(%s) = %q, %v", id, c, ok)
		}
	}
	// An expired id can be recorded again.
	again := doc(docs[0].ID, docs[0].Text, t0)
	again.Cluster = again.ID
	if !l.add(again, t0.Unix(), t0) {
		t.Errorf("%s, expired, could not be recorded again", again.ID)
	}
	l.compact()
	for i, d := range docs {
		if c, ok := l.cluster(d.ID); ok != (i%2 == 1 || i == 0) || ok && c != d.ID {
			t.Errorf("after compaction %s: cluster %q, %v", d.ID, c, ok)
		}
	}
}

// TestLSHMaxMembers: past its bound the index drops its oldest members,
// from the id map and every band chain, and counts them; sweeps keep the
// order of the rest.
func TestLSHMaxMembers(t *testing.T) {
	docs := loadCorpus(t)
	if len(docs) < 12 {
		t.Fatalf("corpus has %d documents", len(docs))
	}
	t0 := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	const bound = 5
	l := newLSH(time.Hour, bound)
	for i, d := range docs[:12] {
		cd := doc(d.ID, d.Text, t0)
		cd.Cluster = cd.ID
		seen := t0.Add(time.Duration(i) * time.Second)
		l.add(cd, seen.Unix(), seen)
		if l.len() > bound {
			t.Fatalf("%d members after %d additions, bound %d", l.len(), i+1, bound)
		}
	}
	if got := l.evictions(); got != 12-bound {
		t.Errorf("%d evictions, want %d", got, 12-bound)
	}
	for i, d := range docs[:12] {
		if _, ok := l.cluster(d.ID); ok != (i >= 12-bound) {
			t.Errorf("%s (added %d of 12) held: %v", d.ID, i+1, ok)
		}
	}
	for b := range Bands {
		n := 0
		for _, head := range l.bands[b] {
			for i := head; i >= 0; i = l.at(i).next[b] {
				n++
			}
		}
		if n != bound {
			t.Fatalf("band %d links %d members, want %d", b, n, bound)
		}
	}
	// A sweep an hour and 9 s on releases the two oldest held (the 8th
	// and 9th added); four more then evict the 10th and 11th, in order.
	l.sweep(t0.Add(time.Hour + 9*time.Second))
	if l.len() != bound-2 || len(l.order) != bound-2 {
		t.Fatalf("after the sweep: %d members, %d in order; want %d", l.len(), len(l.order), bound-2)
	}
	later := t0.Add(time.Hour + 9*time.Second)
	for i, d := range docs[:4] {
		cd := doc(fmt.Sprintf("late-%d-%s", i, d.ID), d.Text, later)
		cd.Cluster = cd.ID
		l.add(cd, later.Unix(), later)
	}
	if _, ok := l.cluster(docs[9].ID); ok {
		t.Errorf("the oldest member left is still held after the bound was reached again")
	}
	if _, ok := l.cluster(docs[11].ID); !ok {
		t.Errorf("the newest original member was evicted before the older ones")
	}
	if l.len() != bound || l.evictions() != 12-bound+2 {
		t.Errorf("%d members, %d evictions; want %d and %d", l.len(), l.evictions(), bound, 12-bound+2)
	}
	// Held at its bound for long, the index's memory stays level: its
	// arena is compacted as evictions free it, and the order is trimmed.
	for i := range 20000 {
		cd := doc(fmt.Sprintf("churn-%06d-%s", i, strings.Repeat("x", 40)), docs[i%len(docs)].Text, later)
		cd.MinHash = append(fingerprint.MinHash(nil), cd.MinHash...)
		cd.MinHash[0] += uint32(i) // a new band 0 value: no redundant copies
		l.add(cd, later.Unix(), later)
	}
	if l.len() != bound || len(l.arena) > 2*(64<<10) || cap(l.order) > 64 {
		t.Errorf("after 20,000 additions at bound %d: %d members, arena %d bytes, order capacity %d", bound, l.len(), len(l.arena), cap(l.order))
	}
}

// BenchmarkAssign measures one assignment of a new story (the MinHash of
// its text included) with each index; for the stream one over an
// in-process nats-server on loopback TCP.
func BenchmarkAssign(b *testing.B) {
	docs := loadCorpus(b)
	same := JaccardSimilarity(DefaultClusterThreshold)
	s := startNATS(b)
	createClusterStream(b, s, time.Hour)
	for name, idx := range map[string]ClusterIndex{"memory": NewMemoryIndex(time.Hour, 0), "stream": newStreamIndex(b, s, time.Hour)} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
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

// BenchmarkLSHMemory reports the live heap an index holds per member
// (heap-B/member), with 20,000 members of random signatures and ids like
// the pipeline's.
func BenchmarkLSHMemory(b *testing.B) {
	const n = 20000
	rng := rand.New(rand.NewPCG(1, 2))
	docs := make([]ClusterDoc, n)
	now := time.Now()
	for i := range docs {
		sig := make(fingerprint.MinHash, SignatureSize)
		for j := range sig {
			sig[j] = rng.Uint32()
		}
		id := fmt.Sprintf("%032x", rng.Uint64())
		docs[i] = ClusterDoc{ID: id, Cluster: id, Time: now, Shingles: 400, MinHash: sig}
		if i%4 == 0 && i > 0 {
			docs[i].Cluster = docs[i-1].ID
		}
	}
	var perMember float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		l := newLSH(time.Hour, 0)
		for _, d := range docs {
			l.add(d, now.Unix(), now)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		perMember = float64(after.HeapAlloc-before.HeapAlloc) / n
		runtime.KeepAlive(l)
	}
	b.ReportMetric(perMember, "heap-B/member")
}
