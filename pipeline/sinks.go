package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
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
	batch, release, err := fetchBatch(ctx, cons, 1, 2*time.Second)
	if err != nil {
		return nil, err
	}
	for m := range batch.Messages() {
		msgs = append(msgs, m)
	}
	release()
	if len(msgs) == 0 || n <= 1 || ctx.Err() != nil {
		return msgs, nil
	}
	batch, release, err = fetchBatch(ctx, cons, n-1, linger)
	if err != nil {
		return msgs, nil
	}
	for m := range batch.Messages() {
		msgs = append(msgs, m)
	}
	release()
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
	arts, keep = p.dropWritten(ctx, sc, arts, keep)
	if len(arts) == 0 {
		return true
	}
	err := p.timedWrite(ctx, sc, s, arts)
	switch {
	case err == nil:
		p.markWritten(ctx, sc, arts)
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
				p.markWritten(ctx, sc, arts[i:i+1])
				p.ackAll(ctx, sc, keep[i:i+1])
				p.metrics.SinkWrites.WithLabelValues(sc.Name, "ok").Inc()
			case errors.Is(err, sink.ErrPermanent):
				p.sinkDeadLetter(ctx, sc, keep[i], err.Error())
			default:
				ok = false
				p.nakMsg(sc, keep[i], err)
			}
		}
		return ok
	default:
		p.sinkOK[sc.Name].Store(false)
		p.logger.Warn("sink write failed; batch will be redelivered", "sink", sc.Name, "articles", len(arts), "error", err)
		for _, m := range keep {
			p.nakMsg(sc, m, err)
		}
		return false
	}
}

// dropWritten acknowledges, without writing them again, the articles this
// sink has already written at the same or a higher revision, and returns
// the others. JetStream redelivers a message whose ack was lost, and a
// server that crashes forgets the acks of its last moments; the redelivery
// may reach another replica, whose file or database is not the one
// written. The mark w.<sink hash>.<id> in the seen bucket, stored after the
// write and before the ack, holds the highest revision written.
func (p *Pipeline) dropWritten(ctx context.Context, sc config.Sink, arts []*article.Article, msgs []jetstream.Msg) ([]*article.Article, []jetstream.Msg) {
	var done []jetstream.Msg
	n := 0
	for i, a := range arts {
		if p.written(ctx, sc, a) {
			done = append(done, msgs[i])
			continue
		}
		arts[n], msgs[n] = a, msgs[i]
		n++
	}
	if len(done) > 0 {
		p.logger.Info("articles already written by this sink acknowledged without a second write", "sink", sc.Name, "articles", len(done))
		p.ackAll(ctx, sc, done)
	}
	return arts[:n], msgs[:n]
}

func (p *Pipeline) written(ctx context.Context, sc config.Sink, a *article.Article) bool {
	gctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	e, err := p.stores.Seen.Get(gctx, writtenKey(sc.Name, a.ID))
	if err != nil {
		return false // not written, or unknown: write (sinks are idempotent)
	}
	rev, err := strconv.Atoi(string(e.Value()))
	return err == nil && rev >= a.Revision
}

// markWritten records that the sink holds arts. While NATS is unavailable
// (a server restarting, a stream leader being elected) it retries for up
// to half the consumer's AckWait, so that the mark is in place before a
// redelivery can come; a mark that cannot be stored in that time (the
// store is full) is given up, which only weakens the protection against a
// second write.
func (p *Pipeline) markWritten(ctx context.Context, sc config.Sink, arts []*article.Article) {
	deadline := time.Now().Add(max(p.cfg.Pipeline.AckWait, 2*sc.Timeout) / 2)
	for _, a := range arts {
		key, val := writtenKey(sc.Name, a.ID), []byte(strconv.Itoa(a.Revision))
		delay := 100 * time.Millisecond
		for {
			pctx, cancel := context.WithTimeout(ctx, min(5*time.Second, max(time.Until(deadline), 100*time.Millisecond)))
			_, err := p.stores.Seen.Put(pctx, key, val)
			cancel()
			if err == nil {
				break
			}
			if ctx.Err() != nil || time.Now().After(deadline) {
				p.logger.Warn("cannot record sink writes; a redelivery may write the articles again", "sink", sc.Name, "articles", len(arts), "error", err)
				return
			}
			sleep(ctx, min(delay, time.Until(deadline)))
			delay = min(2*delay, 2*time.Second)
		}
	}
}

// writtenKey is the seen-bucket key marking article id as written by sink
// (the sink's name is hashed: names may hold characters keys may not).
func writtenKey(sink, id string) string {
	return "w." + hash32("sink", sink)[:16] + "." + id
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
