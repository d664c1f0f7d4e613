package pipeline

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// handler processes one message and must settle it (ack, nak, term) itself.
// workCtx is cancelled only when the shutdown grace period is over.
type handler func(workCtx context.Context, msg jetstream.Msg)

// consumeLoop runs workers that fetch one message at a time from cons and
// hand it to h. Fetching stops when stopCtx is done (a pull under way runs
// to its end); handlers in flight, and messages that arrive meanwhile, run
// until they return or workCtx is done. A message that arrives after
// workCtx is done is handed back with a nak. While h runs, the
// message's AckWait is extended with InProgress so slow work is never
// redelivered to another replica.
func consumeLoop(stopCtx, workCtx context.Context, logger *slog.Logger, cons jetstream.Consumer, workers int, ackWait time.Duration, h handler) {
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for stopCtx.Err() == nil {
				batch, err := fetchBatch(stopCtx, cons, 1, 2*time.Second)
				if err != nil {
					if stopCtx.Err() != nil {
						return
					}
					if !errors.Is(err, nats.ErrTimeout) && !errors.Is(err, context.DeadlineExceeded) {
						logger.Warn("fetch from consumer failed", "error", err)
					}
					sleep(stopCtx, time.Second)
					continue
				}
				for msg := range batch.Messages() {
					// A message that arrives while stopping was delivered
					// to us: handle it while the grace period lasts, as a
					// nak'd one would wait for AckWait after a server
					// restart.
					if workCtx.Err() != nil {
						_ = msg.Nak()
						continue
					}
					runWithProgress(workCtx, msg, ackWait, h)
				}
				if err := batch.Error(); err != nil && stopCtx.Err() == nil &&
					!errors.Is(err, nats.ErrTimeout) && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
					logger.Debug("fetch batch ended", "error", err)
				}
			}
		}()
	}
	wg.Wait()
}

func runWithProgress(ctx context.Context, msg jetstream.Msg, ackWait time.Duration, h handler) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(ackWait / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				_ = msg.InProgress()
			}
		}
	}()
	h(ctx, msg)
	close(done)
	wg.Wait()
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// deliveries returns how many times msg has been delivered (1 on the first).
func deliveries(msg jetstream.Msg) uint64 {
	md, err := msg.Metadata()
	if err != nil {
		return 1
	}
	return md.NumDelivered
}

// retryDelay grows with the number of deliveries: 1s, 2s, 4s ... capped.
func retryDelay(delivered uint64, max time.Duration) time.Duration {
	d := time.Second
	for i := uint64(1); i < delivered && d < max; i++ {
		d *= 2
	}
	if d > max {
		d = max
	}
	return d
}

// fetchBatch pulls up to n messages, waiting at most wait. The pull is not
// cut short when ctx is done: a pull the client abandons drops the messages
// the server delivered meanwhile, and they then stay unacknowledged for the
// consumer's whole AckWait (and use up a delivery). It always runs to the
// server's expiry; callers hand back (nak) what arrives after ctx is done.
func fetchBatch(ctx context.Context, cons jetstream.Consumer, n int, wait time.Duration) (jetstream.MessageBatch, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return cons.Fetch(n, jetstream.FetchMaxWait(wait))
}
