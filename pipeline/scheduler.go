package pipeline

import (
	"container/heap"
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

	mu   sync.Mutex
	due  map[string]time.Time // feed id → current due time
	heap dueHeap
}

type dueEntry struct {
	at   time.Time // when to publish
	slot time.Time // the due time from KV, which names the job
	id   string
}

type dueHeap []dueEntry

func (h dueHeap) Len() int           { return len(h) }
func (h dueHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h dueHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *dueHeap) Push(x any)        { *h = append(*h, x.(dueEntry)) }
func (h *dueHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}

func newScheduler(p *Pipeline) *scheduler {
	s := &scheduler{p: p, due: make(map[string]time.Time, len(p.feeds))}
	for _, f := range p.feeds {
		s.due[f.ID] = time.Time{} // due now until the KV says otherwise
		s.heap = append(s.heap, dueEntry{id: f.ID})
	}
	heap.Init(&s.heap)
	return s
}

// set records a feed's due time (from KV) and schedules it.
func (s *scheduler) set(id string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.due[id]; !ok {
		return // not our feed
	}
	if s.due[id].Equal(at) {
		return
	}
	s.due[id] = at
	heap.Push(&s.heap, dueEntry{at: at, slot: at, id: id})
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

// popDue removes and returns the feeds due at now with their slots.
func (s *scheduler) popDue(now time.Time) []dueEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []dueEntry
	for s.heap.Len() > 0 && !s.heap[0].at.After(now) {
		e := heap.Pop(&s.heap).(dueEntry)
		if cur, ok := s.due[e.id]; !ok || !cur.Equal(e.slot) {
			continue // superseded by a newer due time
		}
		out = append(out, e)
	}
	return out
}

// retryLater re-arms a feed whose job was published but whose state has not
// moved yet; publishing the same slot again is absorbed by the duplicate
// window, and re-creates the job if it was lost.
func (s *scheduler) retryLater(e dueEntry, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur, ok := s.due[e.id]; ok && cur.Equal(e.slot) {
		heap.Push(&s.heap, dueEntry{at: at, slot: e.slot, id: e.id})
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
			for _, e := range s.popDue(now) {
				if err := s.publishJob(ctx, e); err != nil {
					if ctx.Err() != nil {
						return
					}
					p.logger.Warn("scheduler: cannot publish poll job", "feed_id", e.id, "error", err)
					s.retryLater(e, now.Add(5*time.Second))
					continue
				}
				s.retryLater(e, now.Add(max(time.Minute, p.cfg.Pipeline.AckWait*2)))
			}
		}
	}
}

func (s *scheduler) publishJob(ctx context.Context, e dueEntry) error {
	f := s.p.byID[e.id]
	// The slot names the due time exactly (nanoseconds, as stored in KV, so
	// every replica names it alike): due times a second apart or less, as
	// after quick failures, must not share a job id, or the later job is
	// absorbed as a duplicate and the feed is not polled again.
	slot := int64(0)
	if !e.slot.IsZero() {
		slot = e.slot.UnixNano()
	}
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
