package pipeline

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/newsfeed/newsfeed/config"
)

func benchFeedConfigs(n int) []config.Feed {
	out := make([]config.Feed, n)
	for i := range out {
		out[i] = config.Feed{URL: fmt.Sprintf("http://site%d.test/gen/%d/feed.xml", i%500, i), Name: fmt.Sprintf("feed %d", i), Interval: 5 * time.Minute}
	}
	return out
}

// BenchmarkSchedulerTick measures one scheduler tick with a fixed number of
// feeds due (100) and a growing number configured: the cost must follow
// the feeds due, not the feeds configured. Each tick pops the due feeds,
// re-arms them as after a publish (retryLater) and records their next due
// time as the KV watch would (set), so the heap holds stale entries as in
// the daemon.
func BenchmarkSchedulerTick(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("feeds=%d", n), func(b *testing.B) { benchTick(b, n, 100) })
	}
}

// BenchmarkSchedulerTickDue measures a tick with 100,000 feeds configured
// and a growing number due (10, 100, 1,000): the cost per tick should grow
// with the feeds due, about tenfold per step.
func BenchmarkSchedulerTickDue(b *testing.B) {
	for _, due := range []int{10, 100, 1_000} {
		b.Run(fmt.Sprintf("due=%d", due), func(b *testing.B) { benchTick(b, 100_000, due) })
	}
}

func benchTick(b *testing.B, n, duePerTick int) {
	p := &Pipeline{feeds: NewFeeds(benchFeedConfigs(n), 0), byID: map[string]*Feed{}}
	for _, f := range p.feeds {
		p.byID[f.ID] = f
	}
	s := newScheduler(p)
	t0 := time.Unix(1_800_000_000, 0)
	cycle := time.Duration(n/duePerTick) * time.Second // every feed due once per cycle
	due := s.popDue(nil, t0)                           // the start-up round: everything due
	for i, f := range p.feeds {
		s.set(f.ID, t0.Add(time.Second+time.Duration(i/duePerTick)*time.Second))
	}
	now := t0
	popped := 0
	b.ReportAllocs()
	for b.Loop() {
		now = now.Add(time.Second)
		due = s.popDue(due[:0], now)
		for _, e := range due {
			s.retryLater(e, now.Add(2*time.Minute))
			s.set(s.feedID(e), now.Add(cycle))
		}
		popped += len(due)
	}
	b.ReportMetric(float64(popped)/float64(b.N), "due/tick")
	b.ReportMetric(float64(len(s.heap)), "heap-entries")
}

// BenchmarkSchedulerMemory reports the heap held per configured feed by the
// feed identities, the id index and the scheduler's map and heap.
func BenchmarkSchedulerMemory(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("feeds=%d", n), func(b *testing.B) {
			cfgs := benchFeedConfigs(n)
			var held uint64
			for b.Loop() {
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				p := &Pipeline{feeds: NewFeeds(cfgs, 0), byID: map[string]*Feed{}}
				for _, f := range p.feeds {
					p.byID[f.ID] = f
				}
				s := newScheduler(p)
				runtime.GC()
				runtime.ReadMemStats(&after)
				held = after.HeapAlloc - before.HeapAlloc
				runtime.KeepAlive(s)
			}
			b.ReportMetric(float64(held)/float64(n), "heap-B/feed")
			b.ReportMetric(float64(held)/(1<<20), "heap-MiB")
		})
	}
}
