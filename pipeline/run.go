package pipeline

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
)

// Roles selects what a replica runs; the zero value runs everything.
type Roles struct {
	Scheduler, Poller, Scraper, Sinks bool
}

// AllRoles runs every stage.
func AllRoles() Roles { return Roles{Scheduler: true, Poller: true, Scraper: true, Sinks: true} }

// ParseRoles turns config role names into Roles (empty = all).
func ParseRoles(names []string) Roles {
	if len(names) == 0 {
		return AllRoles()
	}
	var r Roles
	for _, n := range names {
		switch n {
		case "scheduler":
			r.Scheduler = true
		case "poller":
			r.Poller = true
		case "scraper":
			r.Scraper = true
		case "sink":
			r.Sinks = true
		}
	}
	return r
}

// Run runs the selected stages until ctx is done, then shuts down
// gracefully: it stops taking new work, lets work in flight finish for at
// most the configured grace period (unfinished messages go back to NATS),
// and returns.
func (p *Pipeline) Run(ctx context.Context, roles Roles) error {
	workCtx, cancelWork := p.graceContext(ctx)
	defer cancelWork()
	var wg sync.WaitGroup
	p.startStages(ctx, workCtx, roles, &wg)
	if roles.Scheduler {
		wg.Add(1)
		go func() {
			defer wg.Done()
			newScheduler(p).run(ctx)
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		for {
			p.collectConsumerMetrics(ctx)
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	wg.Wait()
	return nil
}

// graceContext returns a context for work in flight: it is cancelled
// ShutdownGrace after ctx is done.
func (p *Pipeline) graceContext(ctx context.Context) (context.Context, context.CancelFunc) {
	workCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() {
		t := time.NewTimer(p.cfg.Pipeline.ShutdownGrace)
		defer t.Stop()
		select {
		case <-t.C:
			cancel()
		case <-workCtx.Done():
		}
	})
	return workCtx, func() {
		stop()
		cancel()
	}
}

func (p *Pipeline) startStages(stopCtx, workCtx context.Context, roles Roles, wg *sync.WaitGroup) {
	aw := p.cfg.Pipeline.AckWait
	if roles.Poller || roles.Scraper {
		if stop, err := p.watchMaxDeliveries(stopCtx); err != nil {
			p.logger.Error("dead letters after max deliveries are not watched", "error", err)
		} else {
			context.AfterFunc(stopCtx, stop)
		}
	}
	if roles.Poller {
		wg.Add(1)
		go func() {
			defer wg.Done()
			consumeLoop(stopCtx, workCtx, p.logger.With("stage", "poller"), p.consumers[ConsumerPoller], p.cfg.Pipeline.Pollers, aw, p.handlePoll)
		}()
	}
	if roles.Scraper {
		wg.Add(1)
		go func() {
			defer wg.Done()
			consumeLoop(stopCtx, workCtx, p.logger.With("stage", "scraper"), p.consumers[ConsumerScraper], p.cfg.Pipeline.Scrapers, aw, p.handleScrape)
		}()
	}
	if roles.Sinks {
		for _, sc := range p.cfg.Sinks {
			s, ok := p.sinks[sc.Name]
			cons := p.consumers[sc.ConsumerName()]
			if !ok || cons == nil {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				p.runSink(stopCtx, workCtx, sc, s, cons)
			}()
		}
	}
}

// FeedFailure is a feed that failed during `once`.
type FeedFailure struct {
	Feed, URL, Error string
}

// OnceResult summarises `once`.
type OnceResult struct {
	Feeds    int
	Failed   []FeedFailure
	Duration time.Duration
}

// Once polls every feed once, waits until every new item has passed through
// the scraper and every sink, and returns. Feeds that fail are reported in
// the result; the others are still processed.
func (p *Pipeline) Once(ctx context.Context) (*OnceResult, error) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, p.cfg.Pipeline.OnceTimeout)
	defer cancel()
	stopCtx, stopStages := context.WithCancel(ctx)
	workCtx, cancelWork := p.graceContext(stopCtx)
	defer cancelWork()
	var wg sync.WaitGroup
	p.startStages(stopCtx, workCtx, AllRoles(), &wg)
	defer func() {
		stopStages()
		wg.Wait()
	}()

	run := newRunID()
	for _, f := range p.feeds {
		data, _ := json.Marshal(Job{FeedID: f.ID, URL: f.URL, Run: run})
		msg := &nats.Msg{Subject: "news.job.poll." + f.ID, Data: data}
		if _, err := p.pub.publish(ctx, "NEWS_JOBS", msg, f.ID+"@run-"+run); err != nil {
			return nil, fmt.Errorf("once: queue poll of %s: %w", f.URL, err)
		}
	}
	res := &OnceResult{Feeds: len(p.feeds)}
	pending := map[string]*Feed{}
	for _, f := range p.feeds {
		pending[f.ID] = f
	}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	drainedOnce := false
	for {
		select {
		case <-ctx.Done():
			var left []string
			for _, f := range pending {
				left = append(left, f.LogURL)
			}
			return nil, fmt.Errorf("once: not finished after %v (feeds still pending: %d %v): %w", p.cfg.Pipeline.OnceTimeout, len(left), left, ctx.Err())
		case <-tick.C:
		}
		for id, f := range pending {
			st, _, err := p.loadState(ctx, id)
			if err != nil || st.LastRun != run {
				continue
			}
			delete(pending, id)
			if st.RunError != "" {
				res.Failed = append(res.Failed, FeedFailure{Feed: f.Label, URL: f.LogURL, Error: st.RunError})
			}
		}
		if len(pending) > 0 {
			continue
		}
		if p.drained(ctx) {
			if drainedOnce {
				break
			}
			drainedOnce = true
		} else {
			drainedOnce = false
		}
	}
	p.collectConsumerMetrics(ctx)
	res.Duration = time.Since(start)
	return res, nil
}

// drained reports whether the scraper and every sink consumer have nothing
// pending or unacknowledged.
func (p *Pipeline) drained(ctx context.Context) bool {
	for name, c := range p.consumers {
		if name == ConsumerPoller {
			continue
		}
		info, err := c.Info(ctx)
		if err != nil || info.NumPending > 0 || info.NumAckPending > 0 {
			return false
		}
	}
	return true
}

func newRunID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return time.Now().UTC().Format("20060102T150405") + "-" + hex.EncodeToString(b[:])
}
