package main

import (
	"math"
	"testing"
	"time"

	"github.com/google/pprof/profile"
	"github.com/nats-io/nats.go"
)

func TestHistQuantile(t *testing.T) {
	m := map[string]float64{
		`h_bucket{le="1"}`:    10,
		`h_bucket{le="2"}`:    50,
		`h_bucket{le="4"}`:    100,
		`h_bucket{le="+Inf"}`: 100,
		`h_count`:             100,
	}
	for _, tc := range []struct{ q, want float64 }{
		{0.05, 0.5}, // within the first bucket, from 0
		{0.5, 2},    // exactly the second bucket's bound
		{0.75, 3},   // halfway through the third
		{0.99, 3.96},
	} {
		if got := histQuantile(m, "h", tc.q); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("q=%v: got %v, want %v", tc.q, got, tc.want)
		}
	}
	if got := histQuantile(map[string]float64{}, "h", 0.5); got != 0 {
		t.Errorf("empty histogram: got %v", got)
	}
}

func TestQuantileNearestRank(t *testing.T) {
	d := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	for _, tc := range []struct{ q, want float64 }{{0.5, 5}, {0.9, 9}, {0.99, 10}, {0, 1}} {
		if got := quantile(d, tc.q); got != tc.want {
			t.Errorf("q=%v: got %v, want %v", tc.q, got, tc.want)
		}
	}
}

func TestMonitorLatencies(t *testing.T) {
	m := newMonitor(0)
	t0 := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	m.discovered[7] = t0
	m.published[7] = t0.Add(2 * time.Second)
	// Both ack subject forms; a nak and a progress ack are ignored, and a
	// later redelivered ack does not replace the first.
	for _, a := range []struct {
		subject, data string
	}{
		{"$JS.ACK.NEWS_ARTICLES.sink-sqlite.1.7.3.1764000000000000000.0", "-NAK"},
		{"$JS.ACK.NEWS_ARTICLES.sink-sqlite.1.7.3.1764000000000000000.0", "+WPI"},
		{"$JS.ACK.NEWS_ARTICLES.sink-sqlite.1.7.3.1764000000000000000.0", "+ACK"},
		{"$JS.ACK.hub.ACCHASH.NEWS_ARTICLES.sink-jsonl.1.7.3.1764000000000000000.0.tok", ""},
		{"$JS.ACK.NEWS_ITEMS.scraper.1.7.3.1764000000000000000.0", "+ACK"},
	} {
		m.onAck(&nats.Msg{Subject: a.subject, Data: []byte(a.data)})
	}
	if len(m.acked["sink-sqlite"]) != 1 || len(m.acked["sink-jsonl"]) != 1 || len(m.acked["scraper"]) != 0 {
		t.Fatalf("acks recorded: %v", m.acked)
	}
	// Pin the ack times to check the arithmetic.
	m.acked["sink-sqlite"][7] = t0.Add(3 * time.Second)
	m.acked["sink-jsonl"][7] = t0.Add(5 * time.Second)
	l := m.latencies()
	if l["sqlite"].P50 != 3 || l["jsonl"].Max != 5 || l["sqlite: published to written"].P50 != 1 || l["jsonl: discovered to published"].P50 != 2 {
		t.Errorf("latencies: %+v", l)
	}
}

func TestClassify(t *testing.T) {
	stack := func(names ...string) *profile.Sample {
		s := &profile.Sample{}
		for _, n := range names { // leaf first, as in a profile
			s.Location = append(s.Location, &profile.Location{Line: []profile.Line{{Function: &profile.Function{Name: n}}}})
		}
		return s
	}
	for _, tc := range []struct {
		s    *profile.Sample
		want string
	}{
		{stack("golang.org/x/net/html.(*Tokenizer).Next", mod+"parser.(*Extractor).Extract", mod+"pipeline.(*Pipeline).scrapePage", mod+"pipeline.(*Pipeline).handleScrape"), "scrape: extract (parser)"},
		{stack("io.ReadAll", mod+"fetcher.(*Client).Fetch", mod+"pipeline.(*Pipeline).scrapePage"), "scrape: fetch page (HTTP)"},
		{stack("io.ReadAll", mod+"fetcher.(*Client).Fetch", mod+"pipeline.(*Pipeline).poll", mod+"pipeline.(*Pipeline).handlePoll"), "poll: fetch feed (HTTP)"},
		{stack("modernc.org/sqlite/lib.X", mod+"sink/sqlite.(*Sink).Write", mod+"pipeline.(*Pipeline).runSink.func1"), "sink: sqlite write"},
		{stack("runtime.scanobject", "runtime.gcBgMarkWorker"), "garbage collector"},
		{stack("github.com/nats-io/nats-server/v2/server.(*fileStore).StoreMsg"), "embedded nats-server (JetStream)"},
		{stack("runtime.futex"), "other (runtime, scheduler, syscalls)"},
	} {
		if got := classify(tc.s); got != tc.want {
			t.Errorf("classify(%v...) = %q, want %q", tc.s.Location[0].Line[0].Function.Name, got, tc.want)
		}
	}
}
