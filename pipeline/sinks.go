package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/config"
	"github.com/newsfeed/newsfeed/sink"
)

// runSink feeds one sink from its durable consumer until stopCtx is done:
// fetch a batch, write it, and acknowledge it only after Write returned nil.
// Transient failures nak the batch with a growing delay (the sink is then
// reported not ready); a permanent failure is narrowed down article by
// article and only the articles that still fail are dead-lettered.
func (p *Pipeline) runSink(stopCtx, workCtx context.Context, sc config.Sink, s sink.Sink, cons jetstream.Consumer) {
	var wg sync.WaitGroup
	for i := 0; i < sc.Concurrency; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			failures := 0
			for stopCtx.Err() == nil {
				msgs, err := fetchLinger(stopCtx, cons, sc.BatchSize, sc.FlushInterval)
				if err != nil {
					if stopCtx.Err() != nil {
						return
					}
					sleep(stopCtx, time.Second)
					continue
				}
				if len(msgs) == 0 {
					continue
				}
				if workCtx.Err() != nil {
					for _, m := range msgs {
						_ = m.Nak()
					}
					return
				}
				if p.writeBatch(workCtx, sc, s, msgs) {
					failures = 0
				} else {
					failures++
					sleep(stopCtx, retryDelay(uint64(failures), 30*time.Second))
				}
			}
		}()
	}
	wg.Wait()
}

// fetchLinger waits (at most 2s) for one message, then lingers at most
// linger for up to n-1 more, so a quiet stream is written at once and a busy
// one in full batches.
func fetchLinger(ctx context.Context, cons jetstream.Consumer, n int, linger time.Duration) ([]jetstream.Msg, error) {
	var msgs []jetstream.Msg
	batch, err := fetchBatch(ctx, cons, 1, 2*time.Second)
	if err != nil {
		return nil, err
	}
	for m := range batch.Messages() {
		msgs = append(msgs, m)
	}
	if len(msgs) == 0 || n <= 1 || ctx.Err() != nil {
		return msgs, nil
	}
	// Like every pull here, the linger is not cut short (see fetchBatch):
	// the caller naks what was fetched while stopping.
	batch, err = fetchBatch(ctx, cons, n-1, linger)
	if err != nil {
		return msgs, nil
	}
	for m := range batch.Messages() {
		msgs = append(msgs, m)
	}
	return msgs, nil
}

// writeBatch writes msgs to the sink and settles every message. It reports
// whether the write succeeded.
func (p *Pipeline) writeBatch(ctx context.Context, sc config.Sink, s sink.Sink, msgs []jetstream.Msg) bool {
	arts := make([]*article.Article, 0, len(msgs))
	keep := make([]jetstream.Msg, 0, len(msgs))
	for _, m := range msgs {
		var a article.Article
		if err := json.Unmarshal(m.Data(), &a); err != nil || a.ID == "" {
			if err == nil {
				err = errors.New("article has no id")
			}
			p.sinkDeadLetter(ctx, sc, m, fmt.Sprintf("undecodable article: %v", err))
			continue
		}
		arts = append(arts, &a)
		keep = append(keep, m)
	}
	arts, keep, claims, claimed := p.claimAll(ctx, sc, arts, keep)
	if len(arts) == 0 {
		return claimed
	}
	err := p.timedWrite(ctx, sc, s, arts)
	switch {
	case err == nil:
		p.markDone(ctx, sc, arts)
		p.ackAll(ctx, sc, keep)
		p.metrics.SinkWrites.WithLabelValues(sc.Name, "ok").Add(float64(len(keep)))
		p.sinkOK[sc.Name].Store(true)
		return true
	case errors.Is(err, sink.ErrPermanent):
		// Find the poison articles one by one; the rest are written.
		ok := true
		for i, a := range arts {
			err := p.timedWrite(ctx, sc, s, []*article.Article{a})
			switch {
			case err == nil:
				p.markDone(ctx, sc, arts[i:i+1])
				p.ackAll(ctx, sc, keep[i:i+1])
				p.metrics.SinkWrites.WithLabelValues(sc.Name, "ok").Inc()
			case errors.Is(err, sink.ErrPermanent):
				// The claim stays; an article published again later
				// finds it stale and takes it over.
				p.sinkDeadLetter(ctx, sc, keep[i], err.Error())
			default:
				ok = false
				p.releaseClaims(ctx, sc, arts[i:i+1], claims[i:i+1])
				p.nakMsg(sc, keep[i], err)
			}
		}
		return ok
	default:
		p.sinkOK[sc.Name].Store(false)
		p.logger.Warn("sink write failed; batch will be redelivered", "sink", sc.Name, "articles", len(arts), "error", err)
		p.releaseClaims(ctx, sc, arts, claims)
		for _, m := range keep {
			p.nakMsg(sc, m, err)
		}
		return false
	}
}

func (p *Pipeline) timedWrite(ctx context.Context, sc config.Sink, s sink.Sink, arts []*article.Article) error {
	wctx, cancel := context.WithTimeout(ctx, sc.Timeout)
	defer cancel()
	start := time.Now()
	err := s.Write(wctx, arts)
	p.metrics.SinkWriteDuration.WithLabelValues(sc.Name).Observe(time.Since(start).Seconds())
	return err
}

func (p *Pipeline) nakMsg(sc config.Sink, m jetstream.Msg, _ error) {
	p.metrics.SinkWrites.WithLabelValues(sc.Name, "retry").Inc()
	_ = m.NakWithDelay(retryDelay(deliveries(m), 30*time.Second))
}

// ackAll acknowledges msgs and waits until the acks have reached the server,
// so that a clean shutdown right after a write never causes a redelivery.
func (p *Pipeline) ackAll(ctx context.Context, sc config.Sink, msgs []jetstream.Msg) {
	now := time.Now()
	for _, m := range msgs {
		if err := m.Ack(); err != nil {
			p.logger.Warn("ack failed (the article may be redelivered; sinks are idempotent)", "sink", sc.Name, "error", err)
		}
		if t, err := time.Parse(time.RFC3339Nano, m.Headers().Get(HeaderDiscoveredAt)); err == nil {
			p.metrics.ItemToSinkLatency.Observe(now.Sub(t).Seconds())
		}
	}
	fctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_ = p.js.Conn().FlushWithContext(fctx)
}

func (p *Pipeline) sinkDeadLetter(ctx context.Context, sc config.Sink, m jetstream.Msg, reason string) {
	p.metrics.SinkWrites.WithLabelValues(sc.Name, "dead_letter").Inc()
	if err := p.deadLetter(ctx, "sink", m, "sink "+sc.Name+": "+reason); err != nil {
		p.logger.Error("cannot dead-letter; will retry", "sink", sc.Name, "error", err)
		_ = m.NakWithDelay(30 * time.Second)
	}
}
