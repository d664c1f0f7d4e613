package faulttest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

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
