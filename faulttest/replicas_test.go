package faulttest

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/newsfeed/newsfeed/internal/testsite"
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
