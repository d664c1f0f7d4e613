package pipeline

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// scheduler publishes a poll job for every feed whose next due time has
// come. Every replica runs the same scheduler over the same KV state; a job's
// message id is <feed id>@<due slot>, so the NEWS_JOBS duplicate window keeps
// exactly one job per feed per slot whatever the number of replicas. Due
// times sit in a min-heap fed by a KV watch, so each tick costs work in
// proportion to the feeds that are due, not to the feeds configured.
type scheduler struct {
	p *Pipeline

	mu sync.Mutex
	// due holds each feed's current due time in Unix nanoseconds (0: due
	// now), indexed like p.feeds. Indexes and integer times keep the
	// scheduler's memory at 8 bytes per feed plus 24 per heap entry, with
	// nothing for the GC to scan: at 100,000 feeds it is most of what the
	// scheduler role holds.
	due  []int64
	heap dueHeap
}

type dueEntry struct {
	at   int64 // when to publish, Unix nanoseconds
	slot int64 // the due time from KV, which names the job (0: none yet)
	idx  int32 // index into p.feeds
}

// dueHeap is a min-heap of entries by at. It is written out rather than
// built on container/heap, whose interface boxes every entry pushed: one
// allocation per feed and tick.
type dueHeap []dueEntry

func (h *dueHeap) push(e dueEntry) {
	*h = append(*h, e)
	q := *h
	for i := len(q) - 1; i > 0; {
		parent := (i - 1) / 2
		if q[parent].at <= q[i].at {
			break
		}
		q[parent], q[i] = q[i], q[parent]
		i = parent
	}
}

func (h *dueHeap) pop() dueEntry {
	q := *h
	top := q[0]
	last := len(q) - 1
	q[0] = q[last]
	q = q[:last]
	for i := 0; ; {
		small, l, r := i, 2*i+1, 2*i+2
		if l < len(q) && q[l].at < q[small].at {
			small = l
		}
		if r < len(q) && q[r].at < q[small].at {
			small = r
		}
		if small == i {
			break
		}
		q[i], q[small] = q[small], q[i]
		i = small
	}
	*h = q
	return top
}

// unixNano is t in Unix nanoseconds, 0 for the zero time.
func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func newScheduler(p *Pipeline) *scheduler {
	s := &scheduler{p: p, due: make([]int64, len(p.feeds)), heap: make(dueHeap, len(p.feeds))}
	for i := range p.feeds {
		// Due now until the KV says otherwise; equal keys make a heap.
		s.heap[i] = dueEntry{idx: int32(i)}
	}
	return s
}

// feedID is the id of the feed an entry schedules.
func (s *scheduler) feedID(e dueEntry) string { return s.p.feeds[e.idx].ID }

// set records a feed's due time (from KV) and schedules it.
func (s *scheduler) set(id string, at time.Time) {
	f := s.p.byID[id]
	if f == nil {
		return // not our feed
	}
	n := unixNano(at)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.due[f.index] == n {
		return
	}
	s.due[f.index] = n
	s.heap.push(dueEntry{at: n, slot: n, idx: int32(f.index)})
}

// exportState sets the feed gauges from the shared state, so every replica
// reports the same values whichever replica polled the feed.
func (s *scheduler) exportState(id string, st *FeedState) {
	f := s.p.byID[id]
	if f == nil {
		return
	}
	m := s.p.metrics
	m.FeedFailures.WithLabelValues(f.Label).Set(float64(st.Failures))
	if !st.LastSuccess.IsZero() {
		m.FeedLastSuccess.WithLabelValues(f.Label).Set(float64(st.LastSuccess.Unix()))
	}
}

// popDue removes the feeds due at now from the heap and appends them, with
// their slots, to buf.
func (s *scheduler) popDue(buf []dueEntry, now time.Time) []dueEntry {
	n := now.UnixNano()
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.heap) > 0 && s.heap[0].at <= n {
		e := s.heap.pop()
		if s.due[e.idx] != e.slot {
			continue // superseded by a newer due time
		}
		buf = append(buf, e)
	}
	return buf
}

// retryLater re-arms a feed whose job was published but whose state has not
// moved yet; publishing the same slot again is absorbed by the duplicate
// window, and re-creates the job if it was lost.
func (s *scheduler) retryLater(e dueEntry, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.due[e.idx] == e.slot {
		s.heap.push(dueEntry{at: at.UnixNano(), slot: e.slot, idx: e.idx})
	}
}

func (s *scheduler) run(ctx context.Context) {
	p := s.p
	w, err := p.stores.Feeds.Watch(ctx, "feed.*")
	if err != nil {
		p.logger.Error("scheduler: cannot watch feed state; polling every feed at its configured interval", "error", err)
	} else {
		defer func() { _ = w.Stop() }()
	}
	var updates <-chan jetstream.KeyValueEntry
	if w != nil {
		updates = w.Updates()
	}
	tick := time.NewTicker(p.cfg.Schedule.Tick)
	defer tick.Stop()
	// Until the watch has replayed the stored state, every feed looks due.
	loaded := updates == nil
	var due []dueEntry // reused from tick to tick
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-updates:
			if !ok {
				updates = nil
				continue
			}
			if e == nil {
				loaded = true
				continue
			}
			if e.Operation() != jetstream.KeyValuePut {
				continue
			}
			var st FeedState
			if json.Unmarshal(e.Value(), &st) == nil {
				id := strings.TrimPrefix(e.Key(), "feed.")
				s.set(id, st.NextDue)
				s.exportState(id, &st)
			}
		case <-tick.C:
			if !loaded {
				continue
			}
			now := p.now()
			due = s.popDue(due[:0], now)
			for _, e := range due {
				if err := s.publishJob(ctx, e); err != nil {
					if ctx.Err() != nil {
						return
					}
					p.logger.Warn("scheduler: cannot publish poll job", "feed_id", s.feedID(e), "error", err)
					s.retryLater(e, now.Add(5*time.Second))
					continue
				}
				s.retryLater(e, now.Add(max(time.Minute, p.cfg.Pipeline.AckWait*2)))
			}
		}
	}
}

func (s *scheduler) publishJob(ctx context.Context, e dueEntry) error {
	f := s.p.feeds[e.idx]
	// The slot names the due time exactly (nanoseconds, as stored in KV, so
	// every replica names it alike): due times a second apart or less, as
	// after quick failures, must not share a job id, or the later job is
	// absorbed as a duplicate and the feed is not polled again.
	slot := e.slot
	data, _ := json.Marshal(Job{FeedID: f.ID, URL: f.URL, Slot: slot})
	msg := &nats.Msg{Subject: "news.job.poll." + f.ID, Data: data}
	ack, err := s.p.pub.publish(ctx, "NEWS_JOBS", msg, f.ID+"@"+strconv.FormatInt(slot, 10))
	if err != nil {
		return err
	}
	if !ack.Duplicate {
		s.p.metrics.JobsScheduled.Inc()
	}
	return nil
}
