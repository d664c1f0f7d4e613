package faulttest

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
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
