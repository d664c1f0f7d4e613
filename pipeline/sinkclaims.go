package pipeline

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/config"
)

// Sink-write claims make each sink write an article once across replicas.
//
// JetStream redelivers a message whose ack was lost, and a nats-server
// that crashes forgets the acks (and deliveries) of its last moments, so
// an article may come again — as a fresh delivery — to another replica,
// whose JSONL file or SQLite database is not the one written, or while
// the first replica is still writing it. So before writing, a replica
// claims each article under w.<sink hash>.<article id> in the sink-writes bucket
// with a compare-and-set ("p <revision> <unix ns>"); after the write it
// marks it done ("d <revision>"), then acknowledges. A delivery that finds
// the article done at the same or a higher revision is acknowledged
// without a write; one that finds a live claim is handed back until the
// claimant is done; a claim older than the lease (its claimant died
// before finishing) is taken over. One case remains: a replica that dies
// between its write and its done mark leaves the article to be written
// again by the next claimant.

const (
	markPending = "p"
	markDone    = "d"
)

// markBudget is how long a done mark is retried while NATS is unavailable:
// half the sink consumer's AckWait, so that it lands before a redelivery.
func (p *Pipeline) markBudget(sc config.Sink) time.Duration {
	return max(p.cfg.Pipeline.AckWait, 2*sc.Timeout) / 2
}

// claimLease is how long a claim stands: the write, the done mark, and a
// margin.
func (p *Pipeline) claimLease(sc config.Sink) time.Duration {
	return sc.Timeout + p.markBudget(sc) + 5*time.Second
}

// writtenKey is the sink-writes key of article id in sink (the sink's name
// is hashed: names may hold characters keys may not).
func writtenKey(sink, id string) string {
	return "w." + hash32("sink", sink)[:16] + "." + id
}

// parseMark reads a mark; a bare revision (an older form) is a done mark.
func parseMark(v []byte) (pending bool, rev int, at time.Time, ok bool) {
	f := strings.Fields(string(v))
	if len(f) == 1 {
		f = []string{markDone, f[0]}
	}
	if len(f) < 2 {
		return false, 0, time.Time{}, false
	}
	rev, err := strconv.Atoi(f[1])
	if err != nil {
		return false, 0, time.Time{}, false
	}
	switch {
	case f[0] == markDone:
		return false, rev, time.Time{}, true
	case f[0] == markPending && len(f) == 3:
		ns, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil {
			return false, 0, time.Time{}, false
		}
		return true, rev, time.Unix(0, ns), true
	}
	return false, 0, time.Time{}, false
}

type claimResult int

const (
	claimed claimResult = iota // write it
	written                    // already written: acknowledge
	busy                       // claimed by another writer: hand back for later
	failed                     // the claim could not be made (NATS unavailable)
)

// claim claims a for sc. It returns the claim's KV revision when claimed,
// and how long to wait when busy.
func (p *Pipeline) claim(ctx context.Context, sc config.Sink, a *article.Article) (claimResult, uint64, time.Duration) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	key := writtenKey(sc.Name, a.ID)
	now := time.Now()
	val := []byte(fmt.Sprintf("%s %d %d", markPending, a.Revision, now.UnixNano()))
	// Most articles come once: try to create the claim first, and read
	// the mark only when there is one.
	rev, err := p.stores.SinkWrites.Create(ctx, key, val)
	if err == nil {
		return claimed, rev, 0
	}
	if !errors.Is(err, jetstream.ErrKeyExists) {
		return failed, 0, 0
	}
	e, err := p.stores.SinkWrites.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return busy, 0, 100 * time.Millisecond // released a moment ago: try again soon
	}
	if err != nil {
		return failed, 0, 0
	}
	if pending, rev, at, ok := parseMark(e.Value()); ok && rev >= a.Revision {
		if !pending {
			return written, 0, 0
		}
		if age := now.Sub(at); age < p.claimLease(sc) {
			// Look again soon: the claimant is probably about done.
			return busy, 0, min(p.claimLease(sc)-age, 5*time.Second)
		}
	}
	// An older revision, a stale claim or an unreadable mark: take it over.
	rev, err = p.stores.SinkWrites.Update(ctx, key, val, e.Revision())
	if err != nil {
		if errors.Is(err, jetstream.ErrKeyExists) || isWrongSequence(err) {
			return busy, 0, time.Second
		}
		return failed, 0, 0
	}
	return claimed, rev, 0
}

// claimAll claims the batch: it acknowledges the articles already written,
// hands back those claimed by another writer or that cannot be claimed
// now, and returns the claimed ones with their claim revisions. ok is
// false when a claim failed (NATS unavailable).
func (p *Pipeline) claimAll(ctx context.Context, sc config.Sink, arts []*article.Article, msgs []jetstream.Msg) ([]*article.Article, []jetstream.Msg, []uint64, bool) {
	var done []jetstream.Msg
	var claims []uint64
	ok := true
	n := 0
	for i, a := range arts {
		res, rev, wait := p.claim(ctx, sc, a)
		switch res {
		case claimed:
			arts[n], msgs[n] = a, msgs[i]
			claims = append(claims, rev)
			n++
		case written:
			done = append(done, msgs[i])
		case busy:
			_ = msgs[i].NakWithDelay(wait)
		case failed:
			ok = false
			_ = msgs[i].NakWithDelay(retryDelay(deliveries(msgs[i]), 30*time.Second))
		}
	}
	if len(done) > 0 {
		p.logger.Info("articles already written by this sink acknowledged without a second write", "sink", sc.Name, "articles", len(done))
		p.ackAll(ctx, sc, done)
	}
	return arts[:n], msgs[:n], claims, ok
}

// markDone records that the sink holds arts. While NATS is unavailable (a
// server restarting, a stream leader being elected) it retries for the
// mark budget; a mark not stored in that time (the store is full) leaves
// the claim to expire, after which a redelivery writes the article again.
func (p *Pipeline) markDone(ctx context.Context, sc config.Sink, arts []*article.Article) {
	deadline := time.Now().Add(p.markBudget(sc))
	for _, a := range arts {
		key, val := writtenKey(sc.Name, a.ID), []byte(fmt.Sprintf("%s %d", markDone, a.Revision))
		for {
			pctx, cancel := context.WithTimeout(ctx, min(2*time.Second, max(time.Until(deadline), 100*time.Millisecond)))
			_, err := p.stores.SinkWrites.Put(pctx, key, val)
			cancel()
			if err == nil {
				break
			}
			if ctx.Err() != nil || time.Now().After(deadline) {
				p.logger.Warn("cannot record sink writes; a redelivery may write the articles again", "sink", sc.Name, "articles", len(arts), "error", err)
				return
			}
			// Retry soon: a redelivery may already be on its way.
			sleep(ctx, min(250*time.Millisecond, time.Until(deadline)))
		}
	}
}

// releaseClaims gives up the claims of articles that were not written, so
// that their redelivery need not wait for the lease.
func (p *Pipeline) releaseClaims(ctx context.Context, sc config.Sink, arts []*article.Article, claims []uint64) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	for i, a := range arts {
		_ = p.stores.SinkWrites.Delete(ctx, writtenKey(sc.Name, a.ID), jetstream.LastRevision(claims[i]))
	}
}
