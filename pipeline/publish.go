package pipeline

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsfeed/newsfeed/metrics"
)

// publisher publishes with a message id and waits for the JetStream ack,
// retrying with the same id (so the stream's duplicate window absorbs a
// publish that was stored although its ack was lost).
type publisher struct {
	js      jetstream.JetStream
	metrics *metrics.Metrics
	// attemptTimeout bounds one publish attempt.
	attemptTimeout time.Duration

	mu sync.Mutex
	// failingSince is when the current run of failed attempts began (zero
	// while publishing works); readiness turns false after a few seconds.
	failingSince time.Time
	lastErr      error
}

func (p *publisher) record(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err == nil {
		p.failingSince, p.lastErr = time.Time{}, nil
		return
	}
	if p.failingSince.IsZero() {
		p.failingSince = time.Now()
	}
	p.lastErr = err
}

// health returns an error when publishes have been failing for over d.
func (p *publisher) health(d time.Duration) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.failingSince.IsZero() && time.Since(p.failingSince) > d {
		return fmt.Errorf("publishing to JetStream has failed for %v: %w", time.Since(p.failingSince).Round(time.Second), p.lastErr)
	}
	return nil
}

func (p *publisher) publish(ctx context.Context, stream string, msg *nats.Msg, id string) (*jetstream.PubAck, error) {
	if msg.Header == nil {
		msg.Header = nats.Header{}
	}
	msg.Header.Set(HeaderMsgID, id)
	delay := 100 * time.Millisecond
	var lastErr error
	for attempt := 0; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, p.attemptTimeout)
		ack, err := p.js.PublishMsg(actx, msg, jetstream.WithMsgID(id), jetstream.WithExpectStream(stream))
		cancel()
		p.record(err)
		if err == nil {
			return ack, nil
		}
		lastErr = err
		if ctx.Err() != nil {
			return nil, fmt.Errorf("publish %s to %s: %w (after %d attempts; last error: %v)", id, msg.Subject, ctx.Err(), attempt+1, lastErr)
		}
		if p.metrics != nil {
			p.metrics.PublishRetries.WithLabelValues(stream).Inc()
		}
		sleep(ctx, delay)
		if delay < 5*time.Second {
			delay *= 2
		}
		if attempt >= 30 {
			return nil, fmt.Errorf("publish %s to %s: %w", id, msg.Subject, lastErr)
		}
	}
}
