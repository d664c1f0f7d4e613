package faulttest

import (
	"context"
	"errors"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsfeed/newsfeed/internal/testsite"
)

// cpuTime returns the CPU time the test process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// 12. JetStream's storage limit is reached mid-stream (a ballast stream
// fills the server's max_store): publishes fail with "insufficient
// resources" and are retried with backoff — no busy loop — the replicas
// report themselves not ready, and when space is freed the run finishes
// with every article once in every sink.
func TestStoreFullRetriesWithoutBusyLoop(t *testing.T) {
	long(t)
	const feeds, items = 6, 10
	const fullFor = 7 * time.Second
	s := newScenario(t, feeds, items, testsite.Options{Latency: 200 * time.Millisecond})
	ns := startNATS(t, filepath.Join(s.dir, "nats"), func(o *server.Options) { o.JetStreamMaxStore = 16 << 20 })
	s.addReplica("r1", ns.url(), nil)
	s.addReplica("r2", ns.url(), nil)
	acks := sampleAcks(t, ns.url())
	s.waitWritten(feeds*items/4, 60*time.Second)
	// The origin holds its answers while the store fills, so that the
	// pages being fetched now are published into a full store.
	s.o.pause()
	defer s.o.resume()

	_, js := jsConn(t, ns.url())
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "BALLAST", Subjects: []string{"ballast"}, Storage: jetstream.FileStorage}); err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 256<<10)
	var fillErr error
	for i := 0; i < 1000 && fillErr == nil; i++ {
		_, fillErr = js.Publish(ctx, "ballast", chunk)
	}
	var apiErr *jetstream.APIError
	const insufficientResources = 10023 // JSInsufficientResourcesErr
	if !errors.As(fillErr, &apiErr) || apiErr.ErrorCode != insufficientResources {
		t.Fatalf("filling the store ended with %v, want insufficient resources", fillErr)
	}
	full := time.Now()
	s.o.resume()
	before := s.written()
	notReadyAfter := time.Duration(-1)
	var retries0, retries1 int
	var cpu0, cpu1 time.Duration
	var t0, t1 time.Time
	for time.Since(full) < fullFor {
		if notReadyAfter < 0 && notReady(s.reps) {
			notReadyAfter = time.Since(full)
		}
		// The retry rate once backoff has grown: from 3 s to the end.
		if t0.IsZero() && time.Since(full) > 3*time.Second {
			t0, retries0, cpu0 = time.Now(), s.publishRetries(), cpuTime()
		}
		time.Sleep(200 * time.Millisecond) // sampling interval
	}
	t1, retries1, cpu1 = time.Now(), s.publishRetries(), cpuTime()
	stillNotReady := notReady(s.reps)
	during := s.written() - before
	window := t1.Sub(t0)
	rate := float64(retries1-retries0) / window.Seconds()
	cpu := float64(cpu1-cpu0) / float64(window) * 100
	if err := js.DeleteStream(ctx, "BALLAST"); err != nil {
		t.Fatal(err)
	}
	freed := time.Now()
	took := s.waitComplete(ns.url(), 120*time.Second)
	retries := s.publishRetries()
	jl, sq := s.finish()
	t.Logf("FIGURES store-full: articles=%d written_before=%d written_while_full=%d full_for=%v not_ready_after=%v still_not_ready_at_end=%v publish_retries_total=%d retry_rate_late=%.1f/s test_process_cpu=%.0f%% complete_after_freeing=%v lost=%d/%d dup=%d/%d %v",
		len(s.l.want), before, during, fullFor, notReadyAfter.Round(time.Millisecond), stillNotReady, retries, rate, cpu, took.Round(time.Millisecond), jl.Lost, sq.Lost, jl.Dup, sq.Dup, acks)
	_ = freed
	if before >= feeds*items {
		t.Fatalf("the store filled after the run had finished (%d articles); the test proves nothing", before)
	}
	if retries == 0 {
		t.Error("no publish was retried: the test proves nothing")
	}
	if notReadyAfter < 0 || !stillNotReady {
		t.Errorf("replicas not ready after %v, still not ready at the end: %v", notReadyAfter, stillNotReady)
	}
	// Each of the 2 × (4 scrapers + 2 pollers) workers retries at most
	// about once a second after 3 s of backoff (0.1 s doubling to 5 s); a
	// busy loop would show thousands per second.
	if rate > 2*12 {
		t.Errorf("publishes retried %.1f times a second while the store was full: a busy loop", rate)
	}
}
