package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

// loadState returns a feed's state and its KV revision (0 when absent).
func (p *Pipeline) loadState(ctx context.Context, id string) (FeedState, uint64, error) {
	var st FeedState
	e, err := p.stores.Feeds.Get(ctx, feedKey(id))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return st, 0, nil
	}
	if err != nil {
		return st, 0, fmt.Errorf("load feed state %s: %w", id, err)
	}
	if err := json.Unmarshal(e.Value(), &st); err != nil {
		// A corrupt record is replaced rather than blocking the feed forever.
		return FeedState{}, e.Revision(), nil
	}
	return st, e.Revision(), nil
}

// updateState applies fn to the feed's state with compare-and-set on the
// KV revision, retrying on a concurrent change.
func (p *Pipeline) updateState(ctx context.Context, id string, fn func(*FeedState)) (FeedState, error) {
	var lastErr error
	for attempt := 0; attempt < 8; attempt++ {
		st, rev, err := p.loadState(ctx, id)
		if err != nil {
			return st, err
		}
		fn(&st)
		b, err := json.Marshal(&st)
		if err != nil {
			return st, err
		}
		if rev == 0 {
			_, err = p.stores.Feeds.Create(ctx, feedKey(id), b)
		} else {
			_, err = p.stores.Feeds.Update(ctx, feedKey(id), b, rev)
		}
		if err == nil {
			return st, nil
		}
		lastErr = err
		if !errors.Is(err, jetstream.ErrKeyExists) && !isWrongSequence(err) {
			return st, fmt.Errorf("save feed state %s: %w", id, err)
		}
	}
	return FeedState{}, fmt.Errorf("save feed state %s: too many concurrent updates: %w", id, lastErr)
}

func isWrongSequence(err error) bool {
	var apiErr *jetstream.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence
	}
	return false
}

// hostCooldown returns the host's cool-down, zero when none.
func (p *Pipeline) hostCooldown(ctx context.Context, host string) HostState {
	var hs HostState
	e, err := p.stores.Feeds.Get(ctx, hostKey(host))
	if err != nil {
		return hs
	}
	_ = json.Unmarshal(e.Value(), &hs)
	return hs
}

func (p *Pipeline) setHostCooldown(ctx context.Context, host string, hs HostState) {
	b, _ := json.Marshal(&hs)
	if _, err := p.stores.Feeds.Put(ctx, hostKey(host), b); err != nil {
		p.logger.Warn("cannot store host cool-down", "host", host, "error", err)
	}
}
