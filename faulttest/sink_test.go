package faulttest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/internal/testsite"
	"github.com/newsfeed/newsfeed/sink"
)

const pgDSNEnv = "NEWSFEED_TEST_POSTGRES_DSN"

// pgSchema returns a fresh schema name, dropped when the test ends.
func pgSchema(t *testing.T, dsn string) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "faulttest_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return schema
}

// 6. The PostgreSQL sink's database is unreachable for 60 s (a proxy in
// front of it resets every connection and refuses new ones), then back:
// the replicas report themselves not ready the whole time, the other sinks
// carry on, and afterwards every article is in PostgreSQL exactly once.
func TestSinkDatabaseOutage(t *testing.T) {
	dsn := os.Getenv(pgDSNEnv)
	if dsn == "" {
		t.Skipf("%s is not set: the PostgreSQL outage test needs a server (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)", pgDSNEnv)
	}
	long(t)
	// Mostly waiting: it runs beside the other parallel tests.
	t.Parallel()
	u, err := url.Parse(dsn)
	if err != nil || u.Host == "" {
		t.Skipf("%s is not a URL with a host; cannot put a proxy in front of it", pgDSNEnv)
	}
	const outage = 60 * time.Second
	const feeds, items = 6, 10
	s := newScenario(t, feeds, items, testsite.Options{Latency: 200 * time.Millisecond})
	ns := startNATS(t, filepath.Join(s.dir, "nats"), nil)
	px := newProxy(t, u.Host)
	schema := pgSchema(t, dsn)
	pu := *u
	pu.Host = px.addr()
	withPG := func(sp *spec) {
		sp.Sinks = append(sp.Sinks, fmt.Sprintf("{type: postgres, name: postgres, dsn: %q, schema: %q, timeout: 5s}", pu.String(), schema))
	}
	s.addReplica("r1", ns.url(), withPG)
	s.addReplica("r2", ns.url(), withPG)
	acks := sampleAcks(t, ns.url())
	pgIDs := func() []string { return postgresIDs(t, dsn, schema) }
	if ok, _ := waitFor(60*time.Second, func() bool { return len(pgIDs()) >= feeds*items/4 }); !ok {
		t.Fatalf("only %d articles in PostgreSQL after 60s", len(pgIDs()))
	}
	for _, r := range s.reps {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := r.pipe.Ready(ctx)
		cancel()
		if err != nil {
			t.Fatalf("replica %s not ready before the outage: %v", r.name, err)
		}
	}
	px.Cut()
	cut := time.Now()
	_, notReadyAfter := waitFor(5*time.Second, func() bool { return notReady(s.reps) })
	// A commit already on its way may still land; count from here.
	var before int
	waitFor(5*time.Second, func() bool {
		n := len(pgIDs())
		stable := n == before
		before = n
		return stable && time.Since(cut) > time.Second
	})
	// Sample readiness through the outage: every replica must report not
	// ready every time.
	var samples, readySamples int
	var reason string
	for time.Since(cut) < outage {
		nr := notReady(s.reps)
		if nr && reason == "" {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			reason = fmt.Sprint(s.reps[0].pipe.Ready(ctx))
			cancel()
		}
		samples++
		if !nr {
			readySamples++
		}
		time.Sleep(500 * time.Millisecond) // sampling interval
	}
	// Meanwhile the other sinks got everything.
	otherDone := s.l.complete(jsonlIDsLive(t, s.jsonls...)) && s.l.complete(sqliteIDs(t, s.dbs...))
	during := len(pgIDs()) - before
	px.Restore()
	restored := time.Now()
	ok, took := waitFor(90*time.Second, func() bool { return s.l.complete(pgIDs()) })
	if !ok {
		t.Errorf("PostgreSQL incomplete %v after the outage", took)
	}
	readyAgain, readyTook := waitFor(30*time.Second, func() bool {
		for _, r := range s.reps {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			err := r.pipe.Ready(ctx)
			cancel()
			if err != nil {
				return false
			}
		}
		return true
	})
	if !readyAgain {
		t.Error("replicas not ready 30s after the database came back")
	}
	s.waitComplete(ns.url(), 30*time.Second)
	jl, sq := s.finish()
	pg := s.l.tally("postgres", pgIDs())
	requireClean(t, pg)
	t.Logf("FIGURES pg-outage: articles=%d in_pg_before=%d written_during_outage=%d outage=%v not_ready_after=%v ready_samples_during_outage=%d/%d (%s) other_sinks_complete_during_outage=%v pg_complete_after=%v ready_again_after=%v lost=%d/%d/%d dup=%d/%d/%d sink_redeliveries_pg=%d %v",
		len(s.l.want), before, during, outage, notReadyAfter.Round(time.Millisecond), readySamples, samples, reason, otherDone,
		took.Round(time.Millisecond), readyTook.Round(time.Millisecond), pg.Lost, jl.Lost, sq.Lost, pg.Dup, jl.Dup, sq.Dup, s.rec.redeliveries("postgres"), acks)
	_ = restored
	if readySamples > 0 {
		t.Errorf("a replica reported ready %d times of %d during the database outage", readySamples, samples)
	}
	if during != 0 {
		t.Errorf("%d articles reached PostgreSQL through a cut link", during)
	}
	if !otherDone {
		t.Error("the other sinks stalled with PostgreSQL")
	}
}

// slowSink takes d for every write.
type slowSink struct {
	sink.Sink
	d time.Duration
}

func (s *slowSink) Write(ctx context.Context, batch []*article.Article) error {
	select {
	case <-time.After(s.d):
	case <-ctx.Done():
		return ctx.Err()
	}
	return s.Sink.Write(ctx, batch)
}

// 7. A sink that takes 2 s per write, longer than the pipeline's AckWait
// (1 s): its consumer's AckWait (2 × the sink timeout) covers the write,
// so nothing is redelivered while a write is under way, and the articles
// go through in batches rather than a storm of retries.
func TestSlowSinkNoRedeliveryStorm(t *testing.T) {
	t.Parallel()
	const feeds, items = 4, 10
	const writeTime = 2 * time.Second
	s := newScenario(t, feeds, items, testsite.Options{})
	ns := startNATS(t, filepath.Join(s.dir, "nats"), nil)
	slow := func(sp *spec) {
		sp.Pipeline = "{ack_wait: 1s, max_deliver: 6, shutdown_grace: 5s, pollers: 2, scrapers: 4}"
		sp.Sinks = []string{
			fmt.Sprintf("{type: jsonl, name: jsonl, path: %q, timeout: 3s, batch_size: 10}", filepath.Join(s.dir, sp.Name+".jsonl")),
			fmt.Sprintf("{type: sqlite, name: sqlite, path: %q, timeout: 3s, batch_size: 10}", filepath.Join(s.dir, sp.Name+".db")),
		}
		sp.Wrap = func(_ string, sk sink.Sink) sink.Sink { return &slowSink{Sink: sk, d: writeTime} }
	}
	s.addReplica("r1", ns.url(), slow)
	s.addReplica("r2", ns.url(), slow)
	acks := sampleAcks(t, ns.url())
	took := s.waitComplete(ns.url(), 120*time.Second)
	s.rec.mu.Lock()
	calls := s.rec.calls
	s.rec.mu.Unlock()
	jl, sq := s.finish()
	red := acks.redeliveries("sink-jsonl") + acks.redeliveries("sink-sqlite")
	t.Logf("FIGURES slow-sink: articles=%d write_time=%v writes=%d (both sinks, two replicas) articles_per_write=%.1f time=%v lost=%d/%d dup=%d/%d sink_redeliveries=%d %v",
		len(s.l.want), writeTime, calls, float64(2*len(s.l.want))/float64(max(calls, 1)), took.Round(time.Millisecond), jl.Lost, sq.Lost, jl.Dup, sq.Dup, red, acks)
	if red != 0 || s.rec.redeliveries("jsonl")+s.rec.redeliveries("sqlite") != 0 {
		t.Errorf("slow writes caused redeliveries: %d JetStream, %d rewrites", red, s.rec.redeliveries("jsonl")+s.rec.redeliveries("sqlite"))
	}
	// 40 articles per sink in batches of at most 10: a handful of writes,
	// not one per article and retry.
	if calls > 2*2*len(s.l.want)/3 {
		t.Errorf("%d writes for %d articles in two sinks: a retry storm", calls, len(s.l.want))
	}
}
