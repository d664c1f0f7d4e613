// Package jsonl appends articles to a file as JSON lines.
package jsonl

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/sink"
)

// Sink appends one JSON line per article and fsyncs after every batch.
type Sink struct {
	mu   sync.Mutex
	path string
	f    *os.File
}

var _ sink.Sink = (*Sink)(nil)

// Open opens (creating) the file at path for appending.
func Open(path string) (*Sink, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("jsonl: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("jsonl: %w", err)
	}
	return &Sink{path: path, f: f}, nil
}

// Write appends the batch and syncs the file.
func (s *Sink) Write(_ context.Context, batch []*article.Article) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := bufio.NewWriter(s.f)
	for _, a := range batch {
		b, err := json.Marshal(a)
		if err != nil {
			return sink.Permanent(fmt.Errorf("jsonl: encode %s: %w", a.ID, err))
		}
		w.Write(b)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("jsonl: write %s: %w", s.path, err)
	}
	if err := s.f.Sync(); err != nil {
		return fmt.Errorf("jsonl: sync %s: %w", s.path, err)
	}
	return nil
}

// Check reports whether the file is still writable.
func (s *Sink) Check(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.f.Stat(); err != nil {
		return fmt.Errorf("jsonl: %w", err)
	}
	return nil
}

// Close closes the file.
func (s *Sink) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.f.Close()
}
