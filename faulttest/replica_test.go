package faulttest

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/newsfeed/newsfeed/internal/testsite"
)

// waitReady waits until every process answers /readyz with 200.
func waitReady(t *testing.T, procs ...*proc) {
	t.Helper()
	for _, p := range procs {
		if ok, _ := waitFor(90*time.Second, p.ready); !ok {
			t.Fatalf("replica %s not ready within 90s", p.name)
		}
	}
}

// 4. SIGTERM to a replica (a `newsfeed run` process) while it scrapes:
// it turns unready, finishes what it holds within the grace period and
// exits 0; nothing it held is handed to the other replica (no redelivery,
// no page fetched twice), and the other replica does the rest.
func TestReplicaSIGTERMDrains(t *testing.T) {
	long(t)
	const feeds, items = 8, 10
	s := newScenario(t, feeds, items, testsite.Options{Latency: 300 * time.Millisecond})
	ns := startNATS(t, filepath.Join(s.dir, "nats"), nil)
	r1 := s.addProc("r1", ns.url(), nil)
	r2 := s.addProc("r2", ns.url(), nil)
	waitReady(t, r1, r2)
	acks := sampleAcks(t, ns.url())
	s.waitWritten(feeds*items/4, 60*time.Second)
	before := s.written()
	term := time.Now()
	r1.signal(syscall.SIGTERM)
	unready, _ := waitFor(2*time.Second, func() bool { return !r1.ready() })
	ok, exited := r1.wait(30 * time.Second)
	if !ok {
		t.Fatal("r1 did not exit within 30s of SIGTERM")
	}
	stopTime := exited.Sub(term)
	if r1.exit != nil {
		t.Errorf("r1 exited with %v after SIGTERM, want status 0", r1.exit)
	}
	if !unready {
		t.Error("r1 still answered /readyz with 200 after SIGTERM")
	}
	// Pages r1 was fetching when told to stop, finished after the signal.
	inflight := 0
	for _, h := range s.o.hits() {
		if isPage(h.Path) && h.UA == userAgent("r1") && h.At.After(term) {
			inflight++
		}
	}
	s.waitComplete(ns.url(), 90*time.Second)
	jl, sq := s.finish()
	st := s.o.stats()
	grace := 5 * time.Second // defaultPipeline
	t.Logf("FIGURES sigterm-replica: articles=%d written_before=%d pages_in_flight_at_sigterm=%d exit_after=%v (grace %v) lost=%d/%d dup=%d/%d page_refetches=%d %v",
		len(s.l.want), before, inflight, stopTime.Round(time.Millisecond), grace, jl.Lost, sq.Lost, jl.Dup, sq.Dup, st.PageRefetches, acks)
	if before >= feeds*items {
		t.Fatalf("r1 was stopped after the run had finished (%d articles); the test proves nothing", before)
	}
	if inflight == 0 {
		t.Error("r1 was fetching nothing when told to stop; the test proves nothing")
	}
	// The grace period bounds the work; a pull under way (2 s) and the
	// connection's drain come on top.
	if stopTime > grace+5*time.Second {
		t.Errorf("r1 took %v to stop, grace period %v", stopTime, grace)
	}
	if n := acks.redeliveries("scraper") + acks.redeliveries("sink-jsonl") + acks.redeliveries("sink-sqlite"); n != 0 || st.PageRefetches != 0 {
		t.Errorf("work r1 held was redelivered (%d redeliveries, %d pages fetched twice): it did not drain", n, st.PageRefetches)
	}
}

// 5. SIGKILL to a replica in the middle of a message: the item it was
// scraping stays unacknowledged, and the other replica gets it after
// AckWait and finishes it.
func TestReplicaSIGKILLMidMessage(t *testing.T) {
	t.Parallel()
	const feeds, items = 4, 10
	const ackWait = 3 * time.Second
	s := newScenario(t, feeds, items, testsite.Options{})
	ns := startNATS(t, filepath.Join(s.dir, "nats"), nil)
	victimPage := pagePath(0, 0)
	arrived, release := s.o.holdNext(victimPage)
	defer release()
	pipe := func(sp *spec) {
		sp.Pipeline = "{ack_wait: 3s, max_deliver: 6, shutdown_grace: 5s, pollers: 2, scrapers: 4}"
	}
	r1 := s.addProc("r1", ns.url(), pipe)
	r2 := s.addProc("r2", ns.url(), pipe)
	select {
	case <-arrived:
	case <-time.After(90 * time.Second):
		t.Fatalf("nobody fetched %s", victimPage)
	}
	victim, other := r1, r2
	if s.o.heldBy(victimPage) == userAgent("r2") {
		victim, other = r2, r1
	}
	// Everything else finishes first, so the victim holds exactly one
	// message when it dies.
	ok, _ := waitFor(60*time.Second, func() bool {
		cs := consumers(ns.url())
		if cs == nil || cs["scraper"] == nil || cs["sink-jsonl"] == nil || cs["sink-sqlite"] == nil {
			return false
		}
		sc, sj, sq := cs["scraper"], cs["sink-jsonl"], cs["sink-sqlite"]
		return s.written() == feeds*items-1 && sc.NumPending == 0 && sc.NumAckPending == 1 &&
			sj.NumPending == 0 && sj.NumAckPending == 0 && sq.NumPending == 0 && sq.NumAckPending == 0
	})
	if !ok {
		t.Fatalf("the run did not settle around the held page (%d articles written)", s.written())
	}
	kill := time.Now()
	victim.signal(syscall.SIGKILL)
	if ok, _ := victim.wait(10 * time.Second); !ok {
		t.Fatal("the victim survived SIGKILL")
	}
	release()
	recovery := s.waitComplete(ns.url(), 60*time.Second)
	jl, sq := s.finish()
	var attempts []string
	for _, h := range s.o.hits() {
		if h.Path == victimPage {
			attempts = append(attempts, h.UA)
		}
	}
	st := s.o.stats()
	t.Logf("FIGURES sigkill-replica: articles=%d victim=%s ack_wait=%v recovery=%v lost=%d/%d dup=%d/%d page_refetches=%d fetches_of_held_page=%v",
		len(s.l.want), victim.name, ackWait, recovery.Round(time.Millisecond), jl.Lost, sq.Lost, jl.Dup, sq.Dup, st.PageRefetches, attempts)
	if len(attempts) != 2 || attempts[1] != userAgent(other.name) {
		t.Errorf("the held page was fetched by %v, want the victim then %s", attempts, other.name)
	}
	if recovery > ackWait+10*time.Second {
		t.Errorf("the other replica took %v to finish the work, AckWait is %v", recovery, ackWait)
	}
	_ = kill
}
