package faulttest

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsfeed/newsfeed/internal/testsite"
)

// waitNATSStatus waits until every replica's connection has status st.
func waitNATSStatus(t *testing.T, reps []*replica, st nats.Status, d time.Duration) {
	t.Helper()
	ok, _ := waitFor(d, func() bool {
		for _, r := range reps {
			if r.bus.Conn.Status() != st {
				return false
			}
		}
		return true
	})
	if !ok {
		t.Fatalf("replicas' NATS connections did not reach %v within %v", st, d)
	}
}

// notReady reports whether every replica reports itself not ready.
func notReady(reps []*replica) bool {
	for _, r := range reps {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		err := r.pipe.Ready(ctx)
		cancel()
		if err == nil {
			return false
		}
	}
	return true
}

// 1. NATS restarted mid-stream: two replicas lose their server while
// articles flow; it comes back on the same port and store, the replicas
// reconnect, and the run finishes with every article once in every sink.
func TestNATSRestartMidStream(t *testing.T) {
	const feeds, items = 8, 10
	s := newScenario(t, feeds, items, testsite.Options{Latency: 100 * time.Millisecond})
	ns := startNATS(t, filepath.Join(s.dir, "nats"), nil)
	s.addReplica("r1", ns.url(), nil)
	s.addReplica("r2", ns.url(), nil)
	acks := sampleAcks(t, ns.url())
	s.waitWritten(feeds*items/4, 60*time.Second)

	before := s.written()
	down := time.Now()
	ns.shutdown()
	waitNATSStatus(t, s.reps, nats.RECONNECTING, 10*time.Second)
	if ok, _ := waitFor(10*time.Second, func() bool { return notReady(s.reps) }); !ok {
		t.Error("a replica stayed ready while NATS was down")
	}
	outage := time.Since(down)
	ns.start()
	up := time.Now()
	waitNATSStatus(t, s.reps, nats.CONNECTED, 20*time.Second)
	took := s.waitComplete(ns.url(), 90*time.Second)
	recovery := time.Since(up)
	retries := s.publishRetries()
	jl, sq := s.finish()
	st := s.o.stats()
	t.Logf("FIGURES nats-restart: articles=%d written_before=%d outage=%v lost=%d/%d dup=%d/%d sink_redeliveries=%d/%d publish_retries=%d page_refetches=%d recovery=%v (complete %v after restart) %v",
		len(s.l.want), before, outage.Round(time.Millisecond), jl.Lost, sq.Lost, jl.Dup, sq.Dup,
		s.rec.redeliveries("jsonl"), s.rec.redeliveries("sqlite"), retries, st.PageRefetches, recovery.Round(time.Millisecond), took.Round(time.Millisecond), acks)
	if before >= feeds*items {
		t.Fatalf("NATS went down after the run had finished (%d articles); the test proves nothing", before)
	}
}

// 2. nats-server killed with SIGKILL mid-stream and started again on the
// same store, without and with sync_always.
func TestNATSKilled(t *testing.T) {
	long(t)
	for _, syncAlways := range []bool{false, true} {
		name := "default-sync"
		if syncAlways {
			name = "sync-always"
		}
		t.Run(name, func(t *testing.T) {
			const feeds, items = 8, 10
			s := newScenario(t, feeds, items, testsite.Options{Latency: 100 * time.Millisecond})
			np := startNATSProc(t, filepath.Join(s.dir, "nats"), syncAlways)
			s.addReplica("r1", np.url(), nil)
			s.addReplica("r2", np.url(), nil)
			acks := sampleAcks(t, np.url())
			s.waitWritten(feeds*items/4, 60*time.Second)
			before := s.written()
			down := time.Now()
			np.kill(syscall.SIGKILL)
			waitNATSStatus(t, s.reps, nats.RECONNECTING, 10*time.Second)
			if ok, _ := waitFor(10*time.Second, func() bool { return notReady(s.reps) }); !ok {
				t.Error("a replica stayed ready while NATS was down")
			}
			np.start()
			outage := time.Since(down)
			up := time.Now()
			waitNATSStatus(t, s.reps, nats.CONNECTED, 20*time.Second)
			s.waitComplete(np.url(), 90*time.Second)
			retries := s.publishRetries()
			jl, sq := s.finish()
			st := s.o.stats()
			t.Logf("FIGURES nats-sigkill sync_always=%v: articles=%d written_before=%d outage=%v lost=%d/%d dup=%d/%d sink_redeliveries=%d/%d publish_retries=%d page_refetches=%d recovery=%v %v",
				syncAlways, len(s.l.want), before, outage.Round(time.Millisecond), jl.Lost, sq.Lost, jl.Dup, sq.Dup,
				s.rec.redeliveries("jsonl"), s.rec.redeliveries("sqlite"), retries, st.PageRefetches, time.Since(up).Round(time.Millisecond), acks)
			if before >= feeds*items {
				t.Fatalf("NATS was killed after the run had finished (%d articles); the test proves nothing", before)
			}
		})
	}
}

// The loss window of a SIGKILLed nats-server: a publisher stores
// messages as fast as acknowledgements come back, the server is killed
// mid-flow and restarted, and every acknowledged message must still be in
// the stream. A file-store stream with one replica writes each message to
// the file (the OS page cache) before acknowledging it, so a process kill
// loses nothing either way; without sync_always the data reaches the disk
// only at the next background sync (every 2 minutes by default), so a
// host crash or power cut could lose up to that much acknowledged data, and
// sync_always closes that window at the cost measured here.
func TestNATSKillLossWindow(t *testing.T) {
	for _, syncAlways := range []bool{false, true} {
		t.Run(map[bool]string{false: "default-sync", true: "sync-always"}[syncAlways], func(t *testing.T) {
			dir := t.TempDir()
			np := startNATSProc(t, dir, syncAlways)
			nc, js := jsConn(t, np.url(), nats.MaxReconnects(-1), nats.ReconnectWait(100*time.Millisecond))
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "W", Subjects: []string{"w"}, Storage: jetstream.FileStorage, Duplicates: time.Hour}); err != nil {
				t.Fatal(err)
			}
			var acked atomic.Int64 // highest acknowledged sequence
			stop := make(chan struct{})
			done := make(chan struct{})
			payload := make([]byte, 512)
			go func() {
				defer close(done)
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					pctx, pcancel := context.WithTimeout(ctx, time.Second)
					ack, err := js.Publish(pctx, "w", payload, jetstream.WithMsgID(fmt.Sprint("m", i)))
					pcancel()
					if err != nil {
						return // the server is gone
					}
					acked.Store(int64(ack.Sequence))
				}
			}()
			if ok, _ := waitFor(30*time.Second, func() bool { return acked.Load() >= 2000 }); !ok {
				t.Fatalf("only %d messages acknowledged", acked.Load())
			}
			t0 := time.Now()
			n0 := acked.Load()
			if ok, _ := waitFor(30*time.Second, func() bool { return acked.Load() >= n0+1000 }); !ok {
				t.Fatal("publishing stalled")
			}
			rate := float64(acked.Load()-n0) / time.Since(t0).Seconds()
			np.kill(syscall.SIGKILL)
			close(stop)
			<-done
			last := acked.Load()
			nc.Close()
			np.start()
			info := streamInfo(t, np.url(), "W")
			lost := int64(0)
			if int64(info.State.LastSeq) < last {
				lost = last - int64(info.State.LastSeq)
			}
			t.Logf("FIGURES nats-kill-loss sync_always=%v: acknowledged=%d stored_after_restart=%d lost_acknowledged=%d stored_unacknowledged=%d publish_rate=%.0f msg/s (sync, one at a time, 512 B)",
				syncAlways, last, info.State.LastSeq, lost, max(0, int64(info.State.LastSeq)-last), rate)
			if lost != 0 {
				t.Errorf("%d acknowledged messages lost to a process kill", lost)
			}
		})
	}
}

// 3. A three-node cluster (streams and buckets with three replicas) loses
// the leader of NEWS_ARTICLES mid-stream; the other two elect a new one and
// the run finishes with every article once in every sink.
func TestClusterStreamLeaderKilled(t *testing.T) {
	long(t)
	const feeds, items = 8, 10
	s := newScenario(t, feeds, items, testsite.Options{Latency: 100 * time.Millisecond})
	c := startCluster(t, filepath.Join(s.dir, "cluster"))
	replicas3 := func(sp *spec) {
		sp.Replicas = 3
		// An AckWait longer than the election: items being scraped are
		// not handed to another replica meanwhile.
		sp.Pipeline = "{ack_wait: 15s, max_deliver: 6, shutdown_grace: 5s, pollers: 2, scrapers: 4}"
		// Sink consumers' AckWait 20 s: the sink-write marks are retried
		// for half of it, longer than an election.
		for i, sk := range sp.Sinks {
			sp.Sinks[i] = strings.Replace(sk, "timeout: "+sinkTimeout, "timeout: 10s", 1)
		}
	}
	s.addReplica("r1", c.urls(), replicas3)
	s.addReplica("r2", c.urls(), replicas3)
	acks := sampleAcks(t, c.urls())
	s.waitWritten(feeds*items/4, 60*time.Second)
	before := s.written()
	leader := c.streamLeader("NEWS_ARTICLES")
	if leader == nil {
		t.Fatal("NEWS_ARTICLES has no leader")
	}
	var led []string
	for _, name := range []string{"NEWS_JOBS", "NEWS_ITEMS", "NEWS_ARTICLES", "KV_newsfeed_seen", "KV_newsfeed_feeds"} {
		if c.streamLeader(name) == leader {
			led = append(led, name)
		}
	}
	down := time.Now()
	c.isolate(c.index(leader))
	ok, election := waitFor(30*time.Second, func() bool { return c.streamLeader("NEWS_ARTICLES", leader) != nil })
	if !ok {
		t.Fatal("no new NEWS_ARTICLES leader within 30s")
	}
	var rest *natsNode
	for _, n := range c.nodes {
		if n != leader {
			rest = n
		}
	}
	took := s.waitComplete(rest.url(), 90*time.Second)
	retries := s.publishRetries()
	jl, sq := s.finish()
	st := s.o.stats()
	t.Logf("FIGURES cluster-leader-kill: articles=%d written_before=%d killed=%s (leading %v) election=%v lost=%d/%d dup=%d/%d sink_redeliveries=%d/%d publish_retries=%d page_refetches=%d recovery=%v %v",
		len(s.l.want), before, leader.opts.ServerName, led, election.Round(time.Millisecond), jl.Lost, sq.Lost, jl.Dup, sq.Dup,
		s.rec.redeliveries("jsonl"), s.rec.redeliveries("sqlite"), retries, st.PageRefetches, time.Since(down).Round(time.Millisecond), acks)
	_ = took
	if before >= feeds*items {
		t.Fatalf("the leader was killed after the run had finished (%d articles); the test proves nothing", before)
	}
}
