package faulttest

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/newsfeed/newsfeed/internal/testsite"
	"github.com/newsfeed/newsfeed/pipeline"
)

// Two replicas on one nats-server over 21 feeds and 210 items put every
// article into each sink exactly once and fetch every page and feed exactly
// once. Each replica has its own JSONL file and SQLite database; the sinks'
// durable consumers are shared, so the union over replicas must hold each
// article once.
func TestTwoReplicasExactlyOnce(t *testing.T) {
	const feeds, items = 21, 10
	dir := t.TempDir()
	o := newOrigin(t, feeds, items, testsite.Options{Latency: 5 * time.Millisecond})
	ns := startNATS(t, filepath.Join(dir, "nats"), nil)
	rec := newRecorder()
	var reps []*replica
	var jsonls, dbs []string
	start := time.Now()
	for i := 1; i <= 2; i++ {
		j, db := filepath.Join(dir, fmt.Sprintf("r%d.jsonl", i)), filepath.Join(dir, fmt.Sprintf("r%d.db", i))
		jsonls, dbs = append(jsonls, j), append(dbs, db)
		reps = append(reps, startReplica(t, dir, spec{
			Name: fmt.Sprintf("r%d", i), NATSURL: ns.url(), Feeds: o.feedConfigs(), Rec: rec,
			Sinks: []string{jsonlSink(j), fmt.Sprintf("{type: sqlite, name: sqlite, path: %q}", db)},
		}))
	}
	l := newLedger(t, o)
	ok, took := waitFor(90*time.Second, func() bool {
		return l.complete(jsonlIDsLive(t, jsonls...)) && l.complete(sqliteIDs(t, dbs...)) && drained(ns.url())
	})
	if !ok {
		t.Errorf("not every article arrived within %v", took)
	} else if took > 30*time.Second {
		// Nothing here should wait for an AckWait (60 s for these sinks).
		t.Errorf("the articles took %v: some deliveries were held back until AckWait", took)
	}
	for _, r := range reps {
		r.stop()
	}
	st := o.stats()
	jl, sq := l.tally("jsonl", jsonlIDs(t, jsonls...)), l.tally("sqlite", sqliteIDs(t, dbs...))
	requireClean(t, jl, sq)
	perReplica := []int{len(jsonlIDs(t, jsonls[0])), len(jsonlIDs(t, jsonls[1]))}
	t.Logf("FIGURES two-replicas: articles=%d lost=%d/%d dup=%d/%d sink_redeliveries=%d/%d page_fetches=%d page_refetches=%d feed_fetches=%d per_replica=%v time=%v",
		len(l.want), jl.Lost, sq.Lost, jl.Dup, sq.Dup, rec.redeliveries("jsonl"), rec.redeliveries("sqlite"),
		st.PageOK, st.PageRefetches, st.FeedRequests, perReplica, time.Since(start).Round(time.Millisecond))
	if st.PageRefetches != 0 || st.PageOK != feeds*items {
		t.Errorf("pages fetched %d times for %d pages (%d refetches)", st.PageOK, feeds*items, st.PageRefetches)
	}
	if st.FeedRequests != feeds {
		t.Errorf("feeds fetched %d times, want %d (one poll each)", st.FeedRequests, feeds)
	}
	if perReplica[0] == 0 || perReplica[1] == 0 {
		t.Errorf("one replica did all the work: %v", perReplica)
	}
}

// 11. Two replicas' schedulers see the same feeds fall due at the same
// moment (every feed's next due time moved to one instant through the KV
// watch both follow): each feed gets one poll job per slot, and is fetched
// once per slot. (pipeline.TestTwoSchedulersOneJob covers the schedulers
// alone; this runs the whole pipeline.)
func TestTwoSchedulersOneJobPerSlot(t *testing.T) {
	t.Parallel()
	const feeds, items = 10, 2
	s := newScenario(t, feeds, items, testsite.Options{})
	ns := startNATS(t, filepath.Join(s.dir, "nats"), nil)
	r1 := s.addReplica("r1", ns.url(), nil)
	r2 := s.addReplica("r2", ns.url(), nil)
	s.waitComplete(ns.url(), 60*time.Second)
	// Every feed is due again at one instant, 1 s from now.
	_, js := jsConn(t, ns.url())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	kv, err := js.KeyValue(ctx, "newsfeed_feeds")
	if err != nil {
		t.Fatal(err)
	}
	due := time.Now().Add(time.Second).UTC()
	for _, f := range s.o.feedConfigs() {
		key := "feed." + pipeline.FeedID(f.URL)
		e, err := kv.Get(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		var st map[string]any
		if err := json.Unmarshal(e.Value(), &st); err != nil {
			t.Fatal(err)
		}
		st["next_due"] = due.Format(time.RFC3339Nano)
		b, _ := json.Marshal(st)
		if _, err := kv.Update(ctx, key, b, e.Revision()); err != nil {
			t.Fatal(err)
		}
	}
	polled := func() int {
		n := 0
		for _, h := range s.o.hits() {
			if isFeed(h.Path) {
				n++
			}
		}
		return n
	}
	if ok, _ := waitFor(30*time.Second, func() bool { return polled() >= 2*feeds && drained(ns.url()) }); !ok {
		t.Fatalf("%d feed polls after the second slot, want %d", polled(), 2*feeds)
	}
	// Give a duplicate job time to show (a scheduler tick is 250 ms).
	time.Sleep(2 * time.Second) // waiting for something that must not happen
	jobs := testutil.ToFloat64(r1.metrics.JobsScheduled) + testutil.ToFloat64(r2.metrics.JobsScheduled)
	jl, sq := s.finish()
	perFeed := map[string]int{}
	for _, h := range s.o.hits() {
		if isFeed(h.Path) {
			perFeed[h.Path]++
		}
	}
	info := streamInfo(t, ns.url(), "NEWS_JOBS")
	t.Logf("FIGURES two-schedulers: feeds=%d slots=2 jobs_stored=%d (stream last seq) jobs_published_new=%v feed_fetches=%d lost=%d/%d dup=%d/%d",
		feeds, info.State.LastSeq, jobs, polled(), jl.Lost, sq.Lost, jl.Dup, sq.Dup)
	for p, n := range perFeed {
		if n != 2 {
			t.Errorf("%s fetched %d times in two slots", p, n)
		}
	}
	if info.State.LastSeq != 2*feeds || jobs != 2*feeds {
		t.Errorf("%d jobs stored, %v reported new, for %d feeds in two slots", info.State.LastSeq, jobs, feeds)
	}
}
