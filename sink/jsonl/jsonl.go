// Package jsonl appends articles to a file as JSON lines, one article per
// line, with an fsync policy, rotation by size and by UTC day, and gzip
// compression of rotated files.
//
// A crash never leaves a torn line behind: each batch (each line with
// FsyncAlways) is written with a single write, a failed write is truncated
// away, and Open cuts off whatever follows the last newline, which is all
// a crash can leave.
//
// Files: the active file is Path (say articles.jsonl); a rotated file is
// renamed to articles-2025-03-14.001.jsonl (the UTC day its first line was
// written, and a sequence number) and then compressed in the background to
// articles-2025-03-14.001.jsonl.gz, written to a .tmp name, synced and
// renamed, so a compressed file is always complete; Open finishes what a
// crash interrupted. A lock file (Path + ".lock") keeps a second process
// from appending to the same file.
//
// An append-only file cannot update a line, so idempotency is by memory:
// the sink remembers the highest revision written for the most recent ids
// (DedupWindow of them, reloaded from the tail of the active file on Open)
// and skips an article it has already written at the same or a higher
// revision. A newer revision is appended as a new line; readers take the
// last line per id.
package jsonl

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/sink"
	"github.com/newsfeed/newsfeed/sink/internal/dedup"
)

// Fsync policies.
const (
	FsyncBatch  = "batch"  // fsync once per Write (default)
	FsyncAlways = "always" // write and fsync each line on its own
	FsyncNever  = "never"  // leave flushing to the operating system
)

// Options configure Open.
type Options struct {
	// Path is the active file; its directory is created if missing.
	Path string
	// Fsync is FsyncBatch (default), FsyncAlways or FsyncNever.
	Fsync string
	// RotateSize rotates the file before a batch would take it past this
	// many bytes (0: never by size).
	RotateSize int64
	// RotateDaily rotates the file when the UTC day changes.
	RotateDaily bool
	// Compress gzips rotated files.
	Compress bool
	// DedupWindow is the number of recent ids remembered for idempotency
	// (default 100,000).
	DedupWindow int
	// Now returns the current time (default time.Now).
	Now func() time.Time
	// OnError, if set, receives errors of background compression (the
	// uncompressed file is kept and compression is retried on next Open).
	OnError func(error)
}

// queueSize bounds the rotated files waiting for compression.
const queueSize = 64

// tailScan bounds how much of the active file Open reads to reload the
// dedup window.
const tailScan = 32 << 20

// Sink is a JSON lines file sink, safe for concurrent use.
type Sink struct {
	opts Options
	lock *os.File

	mu      sync.Mutex
	f       *os.File
	size    int64
	day     string // UTC day of the active file's first line, "" when empty
	damaged bool   // a failed write could not be truncated away
	closed  bool
	seen    *dedup.Window
	buf     bytes.Buffer

	jobs chan string // rotated files to compress
	done chan struct{}
}

var _ sink.Sink = (*Sink)(nil)

// Open opens (creating) the active file, repairs a torn last line, reloads
// the dedup window and resumes compression of rotated files a crash left
// uncompressed.
func Open(opts Options) (*Sink, error) {
	if opts.Path == "" {
		return nil, errors.New("jsonl: no path")
	}
	switch opts.Fsync {
	case "":
		opts.Fsync = FsyncBatch
	case FsyncBatch, FsyncAlways, FsyncNever:
	default:
		return nil, fmt.Errorf("jsonl: fsync %q (want batch, always or never)", opts.Fsync)
	}
	if opts.RotateSize < 0 {
		return nil, fmt.Errorf("jsonl: negative rotate size %d", opts.RotateSize)
	}
	if opts.DedupWindow <= 0 {
		opts.DedupWindow = 100_000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := os.MkdirAll(filepath.Dir(opts.Path), 0o755); err != nil {
		return nil, fmt.Errorf("jsonl: %w", err)
	}
	lock, err := os.OpenFile(opts.Path+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("jsonl: %w", err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lock.Close()
		return nil, fmt.Errorf("jsonl: %s is in use by another process: %w", opts.Path, err)
	}
	s := &Sink{opts: opts, lock: lock, seen: dedup.NewWindow(opts.DedupWindow)}
	if err := s.openActive(); err != nil {
		lock.Close()
		return nil, err
	}
	if err := s.loadSeen(); err != nil {
		s.f.Close()
		lock.Close()
		return nil, err
	}
	pending, err := s.leftovers()
	if err != nil {
		s.f.Close()
		lock.Close()
		return nil, err
	}
	s.jobs = make(chan string, queueSize)
	s.done = make(chan struct{})
	go s.compressor(s.jobs)
	for _, p := range pending {
		s.jobs <- p
	}
	return s, nil
}

// openActive opens the active file and cuts off anything after its last
// newline.
func (s *Sink) openActive() error {
	f, err := os.OpenFile(s.opts.Path, os.O_CREATE|os.O_RDWR|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("jsonl: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("jsonl: %w", err)
	}
	s.f, s.size = f, fi.Size()
	if err := s.repair(); err != nil { // changes the mtime: read it first
		f.Close()
		return err
	}
	s.day = ""
	if s.size > 0 {
		s.day = day(fi.ModTime())
	}
	return syncDir(s.opts.Path)
}

// repair truncates the active file after its last newline.
func (s *Sink) repair() error {
	end, err := lastNewline(s.f, s.size)
	if err != nil {
		return fmt.Errorf("jsonl: repair %s: %w", s.opts.Path, err)
	}
	if end == s.size {
		s.damaged = false
		return nil
	}
	if err := s.f.Truncate(end); err != nil {
		return fmt.Errorf("jsonl: repair %s: %w", s.opts.Path, err)
	}
	if err := s.f.Sync(); err != nil {
		return fmt.Errorf("jsonl: repair %s: %w", s.opts.Path, err)
	}
	s.size, s.damaged = end, false
	return nil
}

// lastNewline returns the offset just past the last '\n' in the first size
// bytes of f (0 when there is none).
func lastNewline(f *os.File, size int64) (int64, error) {
	const chunk = 64 << 10
	buf := make([]byte, chunk)
	for end := size; end > 0; {
		start := max(0, end-chunk)
		n, err := f.ReadAt(buf[:end-start], start)
		if err != nil && !(errors.Is(err, io.EOF) && int64(n) == end-start) {
			return 0, err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			return start + int64(i) + 1, nil
		}
		end = start
	}
	return 0, nil
}

// loadSeen fills the dedup window from the tail of the active file.
func (s *Sink) loadSeen() error {
	start := max(0, s.size-tailScan)
	r := io.NewSectionReader(s.f, start, s.size-start)
	data, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("jsonl: read %s: %w", s.opts.Path, err)
	}
	if start > 0 {
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			data = data[i+1:]
		}
	}
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		var a struct {
			ID       string `json:"id"`
			Revision int    `json:"revision"`
		}
		if json.Unmarshal(line, &a) == nil && a.ID != "" {
			s.seen.Add(a.ID, a.Revision)
		}
	}
	return nil
}

// Write appends the articles not already written at the same or a higher
// revision, rotating first if the batch would cross a size or day limit.
func (s *Sink) Write(ctx context.Context, batch []*article.Article) error {
	batch, err := dedup.Batch(batch)
	if err != nil {
		return fmt.Errorf("jsonl: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("jsonl: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("jsonl: write after close")
	}
	if s.f == nil { // a rotation failed to open the new file
		if err := s.openActive(); err != nil {
			return err
		}
	}
	if s.damaged {
		if err := s.repair(); err != nil {
			return err
		}
	}
	s.buf.Reset()
	enc := json.NewEncoder(&s.buf)
	enc.SetEscapeHTML(false)
	var ends []int // end offset of each line in buf
	var written []*article.Article
	for _, a := range batch {
		if s.seen.Has(a.ID, a.Revision) {
			continue
		}
		if err := enc.Encode(a); err != nil {
			return sink.Permanent(fmt.Errorf("jsonl: encode %s: %w", a.ID, err))
		}
		ends = append(ends, s.buf.Len())
		written = append(written, a)
	}
	if len(written) == 0 {
		return nil
	}
	now := s.opts.Now()
	if s.size > 0 && ((s.opts.RotateDaily && day(now) != s.day) ||
		(s.opts.RotateSize > 0 && s.size+int64(s.buf.Len()) > s.opts.RotateSize)) {
		if err := s.rotate(); err != nil {
			return err
		}
	}
	if s.size == 0 {
		s.day = day(now)
	}
	data := s.buf.Bytes()
	if s.opts.Fsync == FsyncAlways {
		start := 0
		for i, end := range ends {
			if err := s.append(data[start:end], true); err != nil {
				return err
			}
			s.seen.Add(written[i].ID, written[i].Revision)
			start = end
		}
		return nil
	}
	if err := s.append(data, s.opts.Fsync == FsyncBatch); err != nil {
		return err
	}
	for _, a := range written {
		s.seen.Add(a.ID, a.Revision)
	}
	return nil
}

// append writes data with one write and optionally syncs; on failure it
// truncates the file back so that no partial line stays.
func (s *Sink) append(data []byte, sync bool) error {
	n, err := s.f.Write(data)
	if err == nil && sync {
		err = s.f.Sync()
	}
	if err != nil {
		if terr := s.f.Truncate(s.size); terr != nil && n > 0 {
			s.damaged = true
		}
		return fmt.Errorf("jsonl: write %s: %w", s.opts.Path, err)
	}
	s.size += int64(n)
	return nil
}

// rotate renames the active file to its rotated name, starts a new one and
// queues the old one for compression.
func (s *Sink) rotate() error {
	if s.opts.Fsync != FsyncNever {
		if err := s.f.Sync(); err != nil {
			return fmt.Errorf("jsonl: rotate %s: %w", s.opts.Path, err)
		}
	}
	name, err := s.rotatedName(s.day)
	if err != nil {
		return err
	}
	if err := os.Rename(s.opts.Path, name); err != nil {
		return fmt.Errorf("jsonl: rotate %s: %w", s.opts.Path, err)
	}
	s.f.Close()
	s.f = nil
	if err := s.openActive(); err != nil {
		return err // Write tries again
	}
	if s.opts.Compress {
		select {
		case s.jobs <- name:
		default: // queue full: compressed on next Open
		}
	}
	return nil
}

// stem and ext split Path: "dir/articles.jsonl" → "dir/articles", ".jsonl".
func (s *Sink) stem() (string, string) {
	ext := filepath.Ext(s.opts.Path)
	return strings.TrimSuffix(s.opts.Path, ext), ext
}

func (s *Sink) rotatedName(d string) (string, error) {
	if d == "" {
		d = day(s.opts.Now())
	}
	stem, ext := s.stem()
	for n := 1; n < 1000; n++ {
		name := fmt.Sprintf("%s-%s.%03d%s", stem, d, n, ext)
		if exists(name) || exists(name+".gz") {
			continue
		}
		return name, nil
	}
	return "", fmt.Errorf("jsonl: rotate %s: 999 files for %s already", s.opts.Path, d)
}

var rotatedPattern = regexp.MustCompile(`^-\d{4}-\d{2}-\d{2}\.\d{3}$`)

// Rotated lists the rotated files of the sink at path, oldest first
// (compressed or not).
func Rotated(path string) ([]string, error) {
	ext := filepath.Ext(path)
	stem := strings.TrimSuffix(path, ext)
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("jsonl: %w", err)
	}
	base := filepath.Base(stem)
	var out []string
	for _, e := range entries {
		name := e.Name()
		rest, ok := strings.CutPrefix(name, base)
		if !ok {
			continue
		}
		rest = strings.TrimSuffix(rest, ".gz")
		rest, ok = strings.CutSuffix(rest, ext)
		if ok && rotatedPattern.MatchString(rest) {
			out = append(out, filepath.Join(filepath.Dir(path), name))
		}
	}
	sort.Strings(out)
	return out, nil
}

// leftovers removes half-written compressed files and returns the rotated
// files still to compress.
func (s *Sink) leftovers() ([]string, error) {
	stem, ext := s.stem()
	tmps, _ := filepath.Glob(stem + "-*" + ext + ".gz.tmp")
	for _, t := range tmps {
		os.Remove(t)
	}
	if !s.opts.Compress {
		return nil, nil
	}
	rotated, err := Rotated(s.opts.Path)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range rotated {
		if !strings.HasSuffix(r, ".gz") {
			out = append(out, r)
		}
	}
	if len(out) > queueSize {
		out = out[:queueSize] // the rest on a later Open
	}
	return out, nil
}

// compressor gzips queued rotated files until Close.
func (s *Sink) compressor(jobs <-chan string) {
	defer close(s.done)
	for name := range jobs {
		if err := compress(name); err != nil && s.opts.OnError != nil {
			s.opts.OnError(err)
		}
	}
}

// compress writes name.gz through a synced temporary file, then removes
// name. If name.gz exists already, a crash came between the two steps.
func compress(name string) error {
	gz := name + ".gz"
	if exists(gz) {
		if err := os.Remove(name); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("jsonl: compress %s: %w", name, err)
		}
		return nil
	}
	src, err := os.Open(name)
	if err != nil {
		return fmt.Errorf("jsonl: compress %s: %w", name, err)
	}
	defer src.Close()
	tmp := gz + ".tmp"
	dst, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("jsonl: compress %s: %w", name, err)
	}
	zw := gzip.NewWriter(dst)
	zw.Name = filepath.Base(name)
	_, err = io.Copy(zw, src)
	if err == nil {
		err = zw.Close()
	}
	if err == nil {
		err = dst.Sync()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, gz)
	}
	if err == nil {
		err = syncDir(gz)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("jsonl: compress %s: %w", name, err)
	}
	if err := os.Remove(name); err != nil {
		return fmt.Errorf("jsonl: compress %s: %w", name, err)
	}
	return syncDir(gz)
}

// Check reports whether the file is open and undamaged.
func (s *Sink) Check(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("jsonl: closed")
	}
	if s.f == nil {
		return fmt.Errorf("jsonl: %s is not open (a rotation failed)", s.opts.Path)
	}
	if s.damaged {
		return fmt.Errorf("jsonl: %s: a failed write could not be undone yet", s.opts.Path)
	}
	if _, err := s.f.Stat(); err != nil {
		return fmt.Errorf("jsonl: %w", err)
	}
	return nil
}

// Close syncs and closes the file and waits for queued compression.
func (s *Sink) Close() error {
	s.mu.Lock()
	if s.closed && s.f == nil && s.jobs == nil {
		s.mu.Unlock()
		return nil
	}
	wasClosed := s.closed
	s.closed = true
	var err error
	if s.f != nil {
		if s.opts.Fsync != FsyncNever && !wasClosed {
			err = s.f.Sync()
		}
		if cerr := s.f.Close(); err == nil {
			err = cerr
		}
		s.f = nil
	}
	jobs := s.jobs
	s.jobs = nil
	s.mu.Unlock()
	if jobs != nil {
		close(jobs)
		<-s.done
	}
	s.lock.Close()
	if err != nil {
		return fmt.Errorf("jsonl: close %s: %w", s.opts.Path, err)
	}
	return nil
}

func day(t time.Time) string { return t.UTC().Format("2006-01-02") }

func exists(name string) bool {
	_, err := os.Lstat(name)
	return err == nil
}

// syncDir fsyncs the directory holding name, making renames durable.
func syncDir(name string) error {
	d, err := os.Open(filepath.Dir(name))
	if err != nil {
		return fmt.Errorf("jsonl: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("jsonl: sync dir: %w", err)
	}
	return nil
}
