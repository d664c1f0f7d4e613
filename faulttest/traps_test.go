package faulttest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/newsfeed/newsfeed/config"
	"github.com/newsfeed/newsfeed/internal/natsbus"
	"github.com/newsfeed/newsfeed/internal/testsite"
)

// jsConn connects to url and returns the JetStream context.
func jsConn(t *testing.T, url string, opts ...nats.Option) (*nats.Conn, jetstream.JetStream) {
	t.Helper()
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return nc, js
}

// Trap: a pull (Fetch) cut short by its context drops the messages the
// server delivered meanwhile; they stay unacknowledged until AckWait. The
// pipeline once fetched with FetchContext and a short linger, which held
// some articles back for the sinks' whole AckWait (60 s by default). A pull
// bounded by FetchMaxWait runs to the server's expiry and loses nothing.
func TestTrapFetchContextDropsDeliveries(t *testing.T) {
	t.Parallel()
	ns := startNATS(t, filepath.Join(t.TempDir(), "nats"), nil)
	_, js := jsConn(t, ns.url())
	// The pulling client sits behind a link that delays what the server
	// sends by 30 ms, as a busy replica reads its socket late.
	px := newProxy(t, ns.opts.Host+":"+fmt.Sprint(ns.opts.Port))
	px.delayBack.Store(int64(30 * time.Millisecond))
	pullConn, pull := jsConn(t, "nats://"+px.addr())
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "T", Subjects: []string{"t.>"}}); err != nil {
		t.Fatal(err)
	}
	run := func(name string, fetch func(c jetstream.Consumer) (jetstream.MessageBatch, func(), error)) (stranded int) {
		c, err := pull.CreateConsumer(ctx, "T", jetstream.ConsumerConfig{
			Durable: name, AckPolicy: jetstream.AckExplicitPolicy, AckWait: time.Minute,
			FilterSubject: "t." + name, DeliverPolicy: jetstream.DeliverNewPolicy,
		})
		if err != nil {
			t.Fatal(err)
		}
		const n = 300
		var wg sync.WaitGroup
		var finished atomic.Bool
		wg.Add(1)
		go func() { // a steady trickle, so deliveries race the pulls' ends
			defer wg.Done()
			defer finished.Store(true)
			for i := 0; i < n; i++ {
				if _, err := js.Publish(ctx, "t."+name, []byte(fmt.Sprint(i))); err != nil {
					t.Error(err)
					return
				}
				time.Sleep(time.Millisecond) // pacing, not synchronisation
			}
		}()
		got := 0
		for {
			published := finished.Load()
			b, release, err := fetch(c)
			if err != nil {
				t.Fatal(err)
			}
			k := 0
			for m := range b.Messages() {
				_ = m.Ack()
				k++
			}
			release()
			got += k
			if published && k == 0 {
				break // everything published has been pulled, or stranded
			}
		}
		wg.Wait()
		if err := pullConn.Flush(); err != nil { // the acks reach the server
			t.Fatal(err)
		}
		info, err := c.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: received %d of %d; %d delivered but never seen (unacknowledged until AckWait)", name, got, n, info.NumAckPending)
		return info.NumAckPending
	}
	cut := run("ctx", func(c jetstream.Consumer) (jetstream.MessageBatch, func(), error) {
		fctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		b, err := c.Fetch(1000, jetstream.FetchContext(fctx))
		if err != nil {
			cancel()
			return nil, nil, err
		}
		return b, cancel, nil
	})
	whole := run("maxwait", func(c jetstream.Consumer) (jetstream.MessageBatch, func(), error) {
		b, err := c.Fetch(1000, jetstream.FetchMaxWait(100*time.Millisecond))
		return b, func() {}, err
	})
	if whole != 0 {
		t.Errorf("FetchMaxWait stranded %d deliveries", whole)
	}
	if cut == 0 {
		t.Error("FetchContext stranded nothing: the trap did not show")
	}
}

// Trap: the duplicate window counts from a message id's first store, is
// not extended by the duplicates it absorbs, and outlives the message in a
// work queue (the ack removes the message, not its id). For newsfeed this
// is what keeps one poll job per feed and slot (<feed>@<slot>) and one item
// per feed entry even after they were processed; the publisher's retries
// with the same id (at most about 2 minutes) must stay inside the window
// (nats.duplicate_window, 2 h by default).
func TestTrapDuplicateWindow(t *testing.T) {
	t.Parallel()
	ns := startNATS(t, filepath.Join(t.TempDir(), "nats"), nil)
	_, js := jsConn(t, ns.url())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const window = 2 * time.Second
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "Q", Subjects: []string{"q"}, Retention: jetstream.WorkQueuePolicy, Duplicates: window}); err != nil {
		t.Fatal(err)
	}
	pub := func() *jetstream.PubAck {
		ack, err := js.Publish(ctx, "q", []byte("job"), jetstream.WithMsgID("feed@slot"))
		if err != nil {
			t.Fatal(err)
		}
		return ack
	}
	first := time.Now()
	if pub().Duplicate {
		t.Fatal("first publish reported duplicate")
	}
	c, err := js.CreateConsumer(ctx, "Q", jetstream.ConsumerConfig{Durable: "w", AckPolicy: jetstream.AckExplicitPolicy})
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.Fetch(1, jetstream.FetchMaxWait(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	for m := range b.Messages() {
		if err := m.DoubleAck(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if info := streamInfo(t, ns.url(), "Q"); info.State.Msgs != 0 {
		t.Fatalf("the acknowledged job is still in the work queue (%d)", info.State.Msgs)
	}
	// Still absorbed after the ack, and re-publishing keeps being absorbed
	// without moving the window.
	absorbed := 0
	for time.Since(first) < window/2 {
		if !pub().Duplicate {
			t.Fatalf("a re-publish %v after the first store, after its ack, was stored again", time.Since(first))
		}
		absorbed++
		time.Sleep(100 * time.Millisecond) // pacing
	}
	// Once the window from the first store has passed, the id is new
	// again, although it was re-published moments ago.
	ok, took := waitFor(3*window, func() bool { return !pub().Duplicate })
	if !ok {
		t.Fatal("the id was never accepted again")
	}
	since := time.Since(first)
	t.Logf("FIGURES trap-dup-window: window=%v absorbed_after_ack=%d stored_again_after=%v (from first store)", window, absorbed, since.Round(time.Millisecond))
	_ = took
	if since < window || since > window+time.Second {
		t.Errorf("the id was accepted again %v after its first store, window %v: the window is not fixed from the first store", since, window)
	}
}

// Trap: kv.Update drops a key's own TTL (a key created with KeyTTL expires,
// an updated one no longer does). newsfeed's seen bucket therefore has no
// per-key TTL: natsbus.Setup gives it a bucket MaxAge (nats.seen_ttl), which
// ages every revision, whether written by Create, Put or Update.
func TestTrapKVUpdateDropsKeyTTL(t *testing.T) {
	t.Parallel()
	ns := startNATS(t, filepath.Join(t.TempDir(), "nats"), nil)
	_, js := jsConn(t, ns.url())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	const ttl = time.Second
	kv, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "pk", LimitMarkerTTL: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kv.Create(ctx, "expires", []byte("1"), jetstream.KeyTTL(ttl)); err != nil {
		t.Fatal(err)
	}
	rev, err := kv.Create(ctx, "updated", []byte("1"), jetstream.KeyTTL(ttl))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kv.Update(ctx, "updated", []byte("2"), rev); err != nil {
		t.Fatal(err)
	}
	gone := func(k string) bool {
		_, err := kv.Get(ctx, k)
		return errors.Is(err, jetstream.ErrKeyNotFound)
	}
	if ok, _ := waitFor(10*time.Second, func() bool { return gone("expires") }); !ok {
		t.Fatal("a key created with KeyTTL did not expire")
	}
	// The updated key outlives its TTL by far.
	time.Sleep(ttl) // the key expired above was created at the same moment
	if gone("updated") {
		t.Fatal("kv.Update kept the key's TTL: the trap no longer holds")
	}

	// newsfeed's seen bucket: bucket MaxAge, no per-key TTL.
	cfg := config.Default().NATS
	cfg.SeenTTL = ttl
	stores, err := natsbus.Setup(ctx, js, cfg, 0)
	if err != nil {
		t.Fatal(err)
	}
	st, err := stores.Seen.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.TTL() != ttl || st.LimitMarkerTTL() != 0 {
		t.Fatalf("seen bucket: MaxAge %v (want %v), per-key TTL markers %v (want none)", st.TTL(), ttl, st.LimitMarkerTTL())
	}
	for _, k := range []string{"put", "updated"} {
		r, err := stores.Seen.Put(ctx, k, []byte("1"))
		if err != nil {
			t.Fatal(err)
		}
		if k == "updated" {
			if _, err := stores.Seen.Update(ctx, k, []byte("2"), r); err != nil {
				t.Fatal(err)
			}
		}
	}
	ok, took := waitFor(10*time.Second, func() bool {
		_, e1 := stores.Seen.Get(ctx, "put")
		_, e2 := stores.Seen.Get(ctx, "updated")
		return errors.Is(e1, jetstream.ErrKeyNotFound) && errors.Is(e2, jetstream.ErrKeyNotFound)
	})
	t.Logf("FIGURES trap-kv-ttl: key_ttl_kept_after_update=false seen_bucket_keys_expired_after=%v (MaxAge %v)", took.Round(time.Millisecond), ttl)
	if !ok {
		t.Error("keys of the seen bucket did not expire with the bucket's MaxAge after Put and Update")
	}
}

// Trap: a message that reaches MaxDeliver stays in a work-queue stream
// (nothing removes it; the consumer just stops delivering it). The
// pipeline moves such messages to news.dlq.<stage> on the max-deliveries
// advisory: pipeline.TestMaxDeliveriesGoToDeadLetters.
func TestTrapMaxDeliverStaysInWorkQueue(t *testing.T) {
	t.Parallel()
	ns := startNATS(t, filepath.Join(t.TempDir(), "nats"), nil)
	_, js := jsConn(t, ns.url())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "Q", Subjects: []string{"q"}, Retention: jetstream.WorkQueuePolicy}); err != nil {
		t.Fatal(err)
	}
	c, err := js.CreateConsumer(ctx, "Q", jetstream.ConsumerConfig{Durable: "w", AckPolicy: jetstream.AckExplicitPolicy, AckWait: 300 * time.Millisecond, MaxDeliver: 2})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := js.Publish(ctx, "q", []byte("poison")); err != nil {
		t.Fatal(err)
	}
	got := 0
	for i := 0; i < 4; i++ { // deliveries never acknowledged, as by crashing workers
		b, err := c.Fetch(1, jetstream.FetchMaxWait(time.Second))
		if err != nil {
			t.Fatal(err)
		}
		for range b.Messages() {
			got++
		}
	}
	info := streamInfo(t, ns.url(), "Q")
	t.Logf("FIGURES trap-max-deliver: deliveries=%d (max 2) left_in_work_queue=%d", got, info.State.Msgs)
	if got != 2 || info.State.Msgs != 1 {
		t.Fatalf("%d deliveries, %d messages left in the work queue; want 2 and 1", got, info.State.Msgs)
	}
}

// Trap: the file store syncs to disk only every 2 minutes unless
// sync_always is set (the server reports the interval it uses). The
// embedded server passes nats.embedded.sync_always through (TestNATSKillLossWindow measures what it costs and what a process
// kill loses).
func TestTrapEmbeddedSyncAlways(t *testing.T) {
	t.Parallel()
	for _, always := range []bool{false, true} {
		cfg := config.Default().NATS
		cfg.Embedded.Listen = ""
		cfg.Embedded.StoreDir = t.TempDir()
		cfg.Embedded.SyncAlways = always
		b, err := natsbus.Open(context.Background(), cfg, nil, "trap")
		if err != nil {
			t.Fatal(err)
		}
		jc := b.Server.JetStreamConfig()
		b.Close()
		t.Logf("FIGURES trap-sync: embedded sync_always=%v: server sync_always=%v sync_interval=%v", always, jc.SyncAlways, jc.SyncInterval)
		if jc.SyncAlways != always || (!always && jc.SyncInterval != 2*time.Minute) {
			t.Errorf("embedded sync_always=%v gave server sync_always=%v, sync_interval=%v", always, jc.SyncAlways, jc.SyncInterval)
		}
	}
}

// Trap: an asynchronous publish has no ack timeout by default (a lost ack
// leaves its future unresolved), and when the connection comes back every
// pending publish fails with ErrDisconnected, although the server stored
// it. Publishing again with the same message id is what makes this safe:
// the duplicate window absorbs the second copy. newsfeed's publisher
// publishes synchronously with a per-attempt timeout and retries with the
// same id (TestPublisherRetryAfterLostAck).
func TestTrapAsyncPublishDisconnected(t *testing.T) {
	t.Parallel()
	ns := startNATS(t, filepath.Join(t.TempDir(), "nats"), nil)
	_, direct := jsConn(t, ns.url())
	px := newProxy(t, fmt.Sprintf("127.0.0.1:%d", ns.opts.Port))
	_, js := jsConn(t, "nats://"+px.addr(), nats.MaxReconnects(-1), nats.ReconnectWait(100*time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := direct.CreateStream(ctx, jetstream.StreamConfig{Name: "A", Subjects: []string{"a"}, Duplicates: time.Hour}); err != nil {
		t.Fatal(err)
	}
	const n = 20
	px.dropBack.Store(true) // the acks are lost on the way back
	var futures []jetstream.PubAckFuture
	for i := 0; i < n; i++ {
		f, err := js.PublishAsync("a", []byte("x"), jetstream.WithMsgID(fmt.Sprint("id-", i)))
		if err != nil {
			t.Fatal(err)
		}
		futures = append(futures, f)
	}
	if ok, _ := waitFor(10*time.Second, func() bool { return streamInfo(t, ns.url(), "A").State.Msgs == n }); !ok {
		t.Fatal("the server did not store the publishes")
	}
	time.Sleep(time.Second) // long enough for an ack timeout, had there been one
	unresolved := 0
	for _, f := range futures {
		select {
		case <-f.Ok():
		case <-f.Err():
		default:
			unresolved++
		}
	}
	px.Cut()
	px.dropBack.Store(false)
	px.Restore()
	disconnected := 0
	for _, f := range futures {
		select {
		case err := <-f.Err():
			if errors.Is(err, nats.ErrDisconnected) {
				disconnected++
			}
		case <-f.Ok():
		case <-time.After(10 * time.Second):
		}
	}
	dups := 0
	for i := 0; i < n; i++ {
		ack, err := js.Publish(ctx, "a", []byte("x"), jetstream.WithMsgID(fmt.Sprint("id-", i)))
		if err != nil {
			t.Fatal(err)
		}
		if ack.Duplicate {
			dups++
		}
	}
	stored := streamInfo(t, ns.url(), "A").State.Msgs
	t.Logf("FIGURES trap-async-publish: published=%d stored=%d unresolved_after_1s=%d failed_ErrDisconnected=%d republished_as_duplicates=%d stored_after_republish=%d",
		n, n, unresolved, disconnected, dups, stored)
	if unresolved != n || disconnected != n {
		t.Errorf("%d of %d futures unresolved without an ack, %d failed with ErrDisconnected: the trap no longer holds", unresolved, n, disconnected)
	}
	if dups != n || stored != n {
		t.Errorf("re-publishing with the same ids: %d duplicates, %d stored; want %d and %d", dups, stored, n, n)
	}
}

// The pipeline's publisher after a lost ack: the connection dies right
// after the server stored an article and before its ack reached the
// replica. The publisher's attempt times out, it retries with the same
// message id once reconnected, the stream absorbs the copy, and the
// article is stored and written once.
func TestPublisherRetryAfterLostAck(t *testing.T) {
	const feeds, items = 1, 3
	s := newScenario(t, feeds, items, testsite.Options{})
	ns := startNATS(t, filepath.Join(s.dir, "nats"), nil)
	px := newProxy(t, fmt.Sprintf("127.0.0.1:%d", ns.opts.Port))
	var fired atomic.Bool
	kill := func(b []byte) bool {
		return bytes.Contains(b, []byte(`"stream":"NEWS_ARTICLES"`)) && fired.CompareAndSwap(false, true)
	}
	px.killOn.Store(&kill)
	r := s.addReplica("r1", "nats://"+px.addr(), nil)
	took := s.waitComplete(ns.url(), 60*time.Second)
	retries := testutil.ToFloat64(r.metrics.PublishRetries.WithLabelValues("NEWS_ARTICLES"))
	jl, sq := s.finish()
	info := streamInfo(t, ns.url(), "NEWS_ARTICLES")
	t.Logf("FIGURES publisher-lost-ack: articles=%d ack_lost=%v publish_retries=%v stored_in_stream=%d complete=%v lost=%d/%d dup=%d/%d",
		len(s.l.want), fired.Load(), retries, info.State.Msgs, took.Round(time.Millisecond), jl.Lost, sq.Lost, jl.Dup, sq.Dup)
	if !fired.Load() || retries < 1 {
		t.Fatalf("no ack was lost (%v) or nothing was retried (%v): the test proves nothing", fired.Load(), retries)
	}
	if info.State.Msgs != uint64(len(s.l.want)) {
		t.Errorf("NEWS_ARTICLES holds %d messages for %d articles", info.State.Msgs, len(s.l.want))
	}
}
