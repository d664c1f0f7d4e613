package faulttest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/newsfeed/newsfeed/internal/testsite"
)

// sinkTimeout is the scenarios' sink timeout.
const sinkTimeout = "3s"

// scenario is a site, a ledger and in-process replicas with a JSONL file
// and a SQLite database each (sinks jsonl and sqlite, shared consumers).
type scenario struct {
	t      *testing.T
	dir    string
	o      *origin
	l      *ledger
	rec    *recorder
	reps   []*replica
	procs  []*proc
	jsonls []string
	dbs    []string
	start  time.Time
}

func newScenario(t *testing.T, feeds, items int, opts testsite.Options) *scenario {
	t.Helper()
	s := &scenario{t: t, dir: t.TempDir(), rec: newRecorder(), start: time.Now()}
	s.o = newOrigin(t, feeds, items, opts)
	s.l = newLedger(t, s.o)
	return s
}

// addReplica starts replica name on natsURL; mod may change its spec.
func (s *scenario) addReplica(name, natsURL string, mod func(*spec)) *replica {
	s.t.Helper()
	r := startReplica(s.t, s.dir, s.spec(name, natsURL, mod))
	s.reps = append(s.reps, r)
	return r
}

// addProc starts replica name as a `newsfeed run` process.
func (s *scenario) addProc(name, natsURL string, mod func(*spec)) *proc {
	s.t.Helper()
	p := startProc(s.t, s.dir, s.spec(name, natsURL, mod))
	s.procs = append(s.procs, p)
	return p
}

func (s *scenario) spec(name, natsURL string, mod func(*spec)) spec {
	j, db := filepath.Join(s.dir, name+".jsonl"), filepath.Join(s.dir, name+".db")
	s.jsonls, s.dbs = append(s.jsonls, j), append(s.dbs, db)
	sp := spec{
		Name: name, NATSURL: natsURL, Feeds: s.o.feedConfigs(), Rec: s.rec,
		// A sink consumer's AckWait is 2 × the sink timeout: 6 s here
		// rather than 60 s, so deliveries lost in transit come back soon.
		Sinks: []string{
			fmt.Sprintf("{type: jsonl, name: jsonl, path: %q, timeout: %s}", j, sinkTimeout),
			fmt.Sprintf("{type: sqlite, name: sqlite, path: %q, timeout: %s}", db, sinkTimeout),
		},
	}
	if mod != nil {
		mod(&sp)
	}
	return sp
}

// written returns the articles in the JSONL sink so far (union).
func (s *scenario) written() int { return len(jsonlIDsLive(s.t, s.jsonls...)) }

// waitWritten waits until at least n articles are in the JSONL sink.
func (s *scenario) waitWritten(n int, d time.Duration) {
	s.t.Helper()
	if ok, took := waitFor(d, func() bool { return s.written() >= n }); !ok {
		s.t.Fatalf("only %d articles written after %v, want %d", s.written(), took, n)
	}
}

// waitComplete waits until every expected article is in both sinks and
// url's consumers are drained; it returns how long that took.
func (s *scenario) waitComplete(url string, d time.Duration) time.Duration {
	s.t.Helper()
	ok, took := waitFor(d, func() bool {
		return s.l.complete(jsonlIDsLive(s.t, s.jsonls...)) && s.l.complete(sqliteIDs(s.t, s.dbs...)) && drained(url)
	})
	if !ok {
		s.t.Errorf("the run did not complete within %v", took)
	}
	return took
}

// finish stops every replica and checks both sinks; it returns the
// tallies.
func (s *scenario) finish() (jsonl, sqlite tally) {
	s.t.Helper()
	for _, r := range s.reps {
		r.stop()
	}
	for _, p := range s.procs {
		p.signal(syscall.SIGTERM)
		if ok, _ := p.wait(60 * time.Second); !ok {
			s.t.Errorf("replica %s did not stop within 60s of SIGTERM", p.name)
		}
	}
	if w := s.warnings(); len(w) > 0 {
		s.t.Logf("replica warnings: %v", w)
	}
	jsonl = s.l.tally("jsonl", jsonlIDs(s.t, s.jsonls...))
	sqlite = s.l.tally("sqlite", sqliteIDs(s.t, s.dbs...))
	requireClean(s.t, jsonl, sqlite)
	return jsonl, sqlite
}

// publishRetries sums the replicas' publish retries.
func (s *scenario) publishRetries() int {
	n := 0
	for _, r := range s.reps {
		n += int(sumCounterVec(r.metrics.PublishRetries))
	}
	return n
}

// sumCounterVec adds up every series of a counter vector.
func sumCounterVec(c prometheus.Collector) float64 {
	ch := make(chan prometheus.Metric, 256)
	go func() {
		c.Collect(ch)
		close(ch)
	}()
	var sum float64
	for m := range ch {
		var pb dto.Metric
		if m.Write(&pb) == nil && pb.Counter != nil {
			sum += pb.Counter.GetValue()
		}
	}
	return sum
}

// warnings counts the replicas' WARN and ERROR log lines by message.
func (s *scenario) warnings() map[string]int {
	out := map[string]int{}
	var logs []string
	for _, r := range s.reps {
		logs = append(logs, r.logPath)
	}
	for _, p := range s.procs {
		logs = append(logs, p.log)
	}
	for _, path := range logs {
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		for _, line := range bytes.Split(data, []byte("\n")) {
			var e struct {
				Level string `json:"level"`
				Msg   string `json:"msg"`
				Error string `json:"error"`
			}
			if json.Unmarshal(line, &e) != nil || (e.Level != "WARN" && e.Level != "ERROR") {
				continue
			}
			key := e.Msg
			if e.Error != "" {
				key += ": " + shorten(e.Error)
			}
			out[key]++
		}
	}
	return out
}

var hexID = regexp.MustCompile(`[0-9a-f]{32}`)

// shorten drops the variable parts of an error for grouping.
func shorten(s string) string {
	s = hexID.ReplaceAllString(s, "ID")
	if i := strings.Index(s, "http://"); i >= 0 {
		if j := strings.IndexAny(s[i:], " :"); j > 0 {
			s = s[:i] + "URL" + s[i+j:]
		}
	}
	if len(s) > 120 {
		s = s[:120]
	}
	return s
}
