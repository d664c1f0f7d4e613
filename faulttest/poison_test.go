package faulttest

import (
	"context"
	"errors"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/internal/testsite"
	"github.com/newsfeed/newsfeed/pipeline"
	"github.com/newsfeed/newsfeed/sink"
)

// rejectSink refuses, permanently, any batch holding article id.
type rejectSink struct {
	sink.Sink
	id string
}

func (s *rejectSink) Write(ctx context.Context, batch []*article.Article) error {
	for _, a := range batch {
		if a.ID == s.id {
			return sink.Permanent(errors.New("the sink refuses article " + a.ID))
		}
	}
	return s.Sink.Write(ctx, batch)
}

// deadLetters returns "stage: reason" of every message in NEWS_DLQ.
func deadLetters(t *testing.T, url string) []string {
	t.Helper()
	_, js := jsConn(t, url)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := js.Stream(ctx, "NEWS_DLQ")
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq && info.State.Msgs > 0; seq++ {
		m, err := s.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m.Header.Get(pipeline.HeaderDLQStage)+": "+m.Header.Get(pipeline.HeaderDLQReason))
	}
	sort.Strings(out)
	return out
}

// 10. Poison messages — an item that does not decode, an article that does
// not decode, an article one sink refuses permanently — go to news.dlq.*
// with their reason, while every other article flows through every sink
// once.
func TestPoisonDeadLetteredWhileTheRestFlows(t *testing.T) {
	t.Parallel()
	const feeds, items = 4, 10
	s := newScenario(t, feeds, items, testsite.Options{Latency: 50 * time.Millisecond})
	ns := startNATS(t, filepath.Join(s.dir, "nats"), nil)
	poison, err := article.ID(s.o.URL + pagePath(1, 3))
	if err != nil {
		t.Fatal(err)
	}
	reject := func(sp *spec) {
		sp.Wrap = func(name string, sk sink.Sink) sink.Sink {
			if name == "jsonl" {
				return &rejectSink{Sink: sk, id: poison}
			}
			return sk
		}
	}
	s.addReplica("r1", ns.url(), reject)
	s.addReplica("r2", ns.url(), reject)
	acks := sampleAcks(t, ns.url())
	_, js := jsConn(t, ns.url())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for subj, data := range map[string]string{"news.item.x": "{not json", "news.article.x.en": `{"schema": 7}`} {
		if _, err := js.Publish(ctx, subj, []byte(data)); err != nil {
			t.Fatal(err)
		}
	}
	// Every article but the refused one reaches the JSONL sink; all reach
	// SQLite.
	jl := &ledger{want: map[string]string{}}
	for id, p := range s.l.want {
		if id != poison {
			jl.want[id] = p
		}
	}
	ok, took := waitFor(60*time.Second, func() bool {
		return jl.complete(jsonlIDsLive(t, s.jsonls...)) && s.l.complete(sqliteIDs(t, s.dbs...)) && drained(ns.url()) &&
			len(deadLetters(t, ns.url())) >= 4
	})
	if !ok {
		t.Errorf("the run did not complete within %v", took)
	}
	dl := deadLetters(t, ns.url())
	for _, r := range s.reps {
		r.stop()
	}
	tj := jl.tally("jsonl", jsonlIDs(t, s.jsonls...))
	tq := s.l.tally("sqlite", sqliteIDs(t, s.dbs...))
	requireClean(t, tj, tq)
	t.Logf("FIGURES poison: articles=%d dead_letters=%d complete=%v lost=%d/%d dup=%d/%d %v",
		len(s.l.want), len(dl), took.Round(time.Millisecond), tj.Lost, tq.Lost, tj.Dup, tq.Dup, acks)
	for _, d := range dl {
		t.Logf("dead letter: %.160s", d)
	}
	want := []string{"scrape: undecodable item", "sink: sink jsonl: undecodable article", "sink: sink jsonl: " + "permanent failure", "sink: sink sqlite: undecodable article"}
	if len(dl) != len(want) {
		t.Fatalf("%d dead letters, want %d", len(dl), len(want))
	}
	for _, w := range want {
		found := false
		for _, d := range dl {
			found = found || strings.HasPrefix(d, w)
		}
		if !found {
			t.Errorf("no dead letter %q", w)
		}
	}
}
