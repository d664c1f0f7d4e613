// Package dedup prepares batches for idempotent writes: one article per id
// within a batch, and a bounded memory of recently written ids for sinks that
// cannot look their output up (append-only files, streams).
package dedup

import (
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/sink"
)

// ErrNoID is wrapped (as a permanent error) for an article without an id.
var ErrNoID = errors.New("article has no id")

// Batch returns batch with nil articles dropped and one article per id: the
// one with the highest Revision, the later one on a tie. Order follows each
// id's first appearance. It returns batch itself when nothing is dropped. An
// article without an id makes the batch fail permanently.
func Batch(batch []*article.Article) ([]*article.Article, error) {
	var idx map[string]int
	var out []*article.Article
	for i, a := range batch {
		if a == nil {
			out = ensure(out, batch, i)
			continue
		}
		if a.ID == "" {
			return nil, sink.Permanent(fmt.Errorf("%w (url %q)", ErrNoID, a.URL))
		}
		if idx == nil {
			idx = make(map[string]int, len(batch))
		}
		if j, dup := idx[a.ID]; dup {
			out = ensure(out, batch, i)
			if a.Revision >= out[j].Revision {
				out[j] = a
			}
			continue
		}
		if out != nil {
			idx[a.ID] = len(out)
			out = append(out, a)
		} else {
			idx[a.ID] = i
		}
	}
	if out == nil {
		return batch, nil
	}
	return out, nil
}

// ensure starts the copy of batch[:i] the first time an article is dropped.
func ensure(out, batch []*article.Article, i int) []*article.Article {
	if out != nil {
		return out
	}
	out = make([]*article.Article, i, len(batch))
	copy(out, batch[:i])
	return out
}

// Window remembers the highest revision written for the most recent ids, up
// to a fixed number of ids (the oldest is forgotten first). It is not safe
// for concurrent use.
//
// An id is kept as the first 128 bits of its SHA-256 (two ids share them
// with probability 2⁻¹²⁸), so a window costs some 50 bytes per id
// whatever the ids' length, and holds no pointers for the collector.
type Window struct {
	max  int
	revs map[idKey]int
	ring []idKey
	next int
}

type idKey [16]byte

func keyOf(id string) idKey {
	h := sha256.Sum256([]byte(id))
	return idKey(h[:16])
}

// NewWindow returns a window of at most n ids (n < 1 means 1).
func NewWindow(n int) *Window {
	if n < 1 {
		n = 1
	}
	return &Window{max: n, revs: make(map[idKey]int)}
}

// Has reports whether id was written with a revision of at least rev, so
// that writing it again would change nothing.
func (w *Window) Has(id string, rev int) bool {
	r, ok := w.revs[keyOf(id)]
	return ok && r >= rev
}

// Add records that id was written with revision rev.
func (w *Window) Add(id string, rev int) {
	k := keyOf(id)
	if r, ok := w.revs[k]; ok {
		if rev > r {
			w.revs[k] = rev
		}
		return
	}
	if len(w.ring) < w.max {
		w.ring = append(w.ring, k)
	} else {
		delete(w.revs, w.ring[w.next])
		w.ring[w.next] = k
		w.next = (w.next + 1) % w.max
	}
	w.revs[k] = rev
}

// Len returns the number of ids remembered.
func (w *Window) Len() int { return len(w.revs) }
