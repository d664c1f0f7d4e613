// Package stdout writes articles as JSON lines to a writer (standard
// output, for piping into jq or another program).
//
// Each Write hands the whole batch to the writer in one Write call, so
// lines from concurrent Writes never interleave. Articles already written
// at the same or a higher revision (for the most recent DedupWindow ids)
// are skipped, so redelivery does not repeat lines within a run.
package stdout

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/sink"
	"github.com/newsfeed/newsfeed/sink/internal/dedup"
)

// Options configure New.
type Options struct {
	// W receives the lines; it is not closed by Close.
	W io.Writer
	// DedupWindow is the number of recent ids remembered (default 100,000).
	DedupWindow int
}

// Sink writes JSON lines; it is safe for concurrent use.
type Sink struct {
	w io.Writer

	mu     sync.Mutex
	seen   *dedup.Window
	buf    bytes.Buffer
	closed bool
}

var _ sink.Sink = (*Sink)(nil)

// New returns a sink writing to opts.W.
func New(opts Options) (*Sink, error) {
	if opts.W == nil {
		return nil, errors.New("stdout: no writer")
	}
	if opts.DedupWindow <= 0 {
		opts.DedupWindow = 100_000
	}
	return &Sink{w: opts.W, seen: dedup.NewWindow(opts.DedupWindow)}, nil
}

// Write writes one line per article not written before.
func (s *Sink) Write(ctx context.Context, batch []*article.Article) error {
	batch, err := dedup.Batch(batch)
	if err != nil {
		return fmt.Errorf("stdout: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("stdout: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("stdout: write after close")
	}
	s.buf.Reset()
	enc := json.NewEncoder(&s.buf)
	enc.SetEscapeHTML(false)
	var written []*article.Article
	for _, a := range batch {
		if s.seen.Has(a.ID, a.Revision) {
			continue
		}
		if err := enc.Encode(a); err != nil {
			return sink.Permanent(fmt.Errorf("stdout: encode %s: %w", a.ID, err))
		}
		written = append(written, a)
	}
	if len(written) == 0 {
		return nil
	}
	if _, err := s.w.Write(s.buf.Bytes()); err != nil {
		return fmt.Errorf("stdout: %w", err)
	}
	for _, a := range written {
		s.seen.Add(a.ID, a.Revision)
	}
	return nil
}

// Check fails after Close.
func (s *Sink) Check(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("stdout: closed")
	}
	return nil
}

// Close stops further writes; the writer is left open.
func (s *Sink) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}
