package jsonl

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/sink"
	"github.com/newsfeed/newsfeed/sink/internal/sinktest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type store struct {
	opts Options
}

func newStore(t testing.TB) sinktest.Store {
	return &store{opts: Options{Path: filepath.Join(t.TempDir(), "out", "articles.jsonl"), Compress: true}}
}

func (st *store) Open(t testing.TB) sink.Sink {
	t.Helper()
	s, err := Open(st.opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func (st *store) Stored(t testing.TB) map[string][]*article.Article {
	t.Helper()
	out := map[string][]*article.Article{}
	for _, line := range readAll(t, st.opts.Path) {
		var a article.Article
		if err := json.Unmarshal(line, &a); err != nil {
			t.Fatalf("torn or bad line %.80q: %v", line, err)
		}
		out[a.ID] = append(out[a.ID], &a)
	}
	return out
}

// readAll returns every line of the rotated files (oldest first) and then
// of the active file.
func readAll(t testing.TB, path string) [][]byte {
	t.Helper()
	files, err := Rotated(path)
	if err != nil {
		t.Fatal(err)
	}
	var lines [][]byte
	for _, name := range append(files, path) {
		lines = append(lines, readLines(t, name)...)
	}
	return lines
}

func readLines(t testing.TB, name string) [][]byte {
	t.Helper()
	f, err := os.Open(name)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(name, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		r = zr
	}
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		t.Fatalf("%s does not end with a newline", name)
	}
	var lines [][]byte
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		lines = append(lines, bytes.Clone(sc.Bytes()))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

func TestConformance(t *testing.T) { sinktest.Run(t, newStore) }

func TestCrashHelper(t *testing.T) {
	sinktest.CrashChild(t, func(_ context.Context, arg string) (sink.Sink, error) {
		policy, path, _ := strings.Cut(arg, ":")
		return Open(Options{Path: path, Fsync: policy})
	})
}

func TestKilledMidBatch(t *testing.T) {
	// With fsync always each line is its own write, so a kill can leave a
	// prefix of the batch: whole lines only.
	for _, policy := range []string{FsyncBatch, FsyncAlways} {
		t.Run(policy, func(t *testing.T) {
			st := newStore(t).(*store)
			st.opts.Fsync = policy
			sinktest.Crash(t, "TestCrashHelper", policy+":"+st.opts.Path, st, false, 3)
		})
	}
}

func TestFsyncPolicies(t *testing.T) {
	for _, policy := range []string{"", FsyncBatch, FsyncAlways, FsyncNever} {
		t.Run(policy, func(t *testing.T) {
			st := newStore(t).(*store)
			st.opts.Fsync = policy
			s := st.Open(t)
			for i := range 3 {
				if err := s.Write(t.Context(), sinktest.Batch(i*5, 5)); err != nil {
					t.Fatal(err)
				}
			}
			s.Close()
			lines := readAll(t, st.opts.Path)
			if len(lines) != 15 {
				t.Fatalf("%d lines, want 15", len(lines))
			}
			for i, l := range lines {
				var a article.Article
				if err := json.Unmarshal(l, &a); err != nil || a.ID != sinktest.ID(i) {
					t.Fatalf("line %d: id %q, %v", i, a.ID, err)
				}
			}
		})
	}
	if _, err := Open(Options{Path: filepath.Join(t.TempDir(), "x.jsonl"), Fsync: "sometimes"}); err == nil {
		t.Fatal("Open accepted fsync \"sometimes\"")
	}
}

func TestHTMLNotEscaped(t *testing.T) {
	st := newStore(t).(*store)
	s := st.Open(t)
	if err := s.Write(t.Context(), sinktest.Batch(0, 1)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	line := readAll(t, st.opts.Path)[0]
	if !bytes.Contains(line, []byte(`"html":"<p>`)) {
		t.Fatalf("html escaped: %.200s", line)
	}
}

func TestRepairTornLine(t *testing.T) {
	for _, tc := range []struct {
		name, tail string
	}{
		{"partial line", `{"schema":"newsfeed.article/v1","id":"dead","tit`},
		{"zero-filled tail", "\x00\x00\x00\x00\x00\x00\x00\x00"},
		{"partial line with newline missing", `{"id":"x"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := newStore(t).(*store)
			s := st.Open(t)
			if err := s.Write(t.Context(), sinktest.Batch(0, 3)); err != nil {
				t.Fatal(err)
			}
			s.Close()
			f, err := os.OpenFile(st.opts.Path, os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.WriteString(tc.tail)
			f.Close()
			s = st.Open(t)
			if err := s.Write(t.Context(), sinktest.Batch(3, 2)); err != nil {
				t.Fatal(err)
			}
			s.Close()
			got := st.Stored(t)
			if len(got) != 5 {
				t.Fatalf("%d articles after repair, want 5", len(got))
			}
		})
	}
	t.Run("only a partial line", func(t *testing.T) {
		st := newStore(t).(*store)
		os.MkdirAll(filepath.Dir(st.opts.Path), 0o755)
		os.WriteFile(st.opts.Path, []byte(`{"id":"torn`), 0o644)
		s := st.Open(t)
		s.Close()
		if fi, err := os.Stat(st.opts.Path); err != nil || fi.Size() != 0 {
			t.Fatalf("size after repair %v, %v; want 0", fi.Size(), err)
		}
	})
}

func TestRotateBySize(t *testing.T) {
	st := newStore(t).(*store)
	one, _ := json.Marshal(sinktest.Article(0))
	st.opts.RotateSize = int64(len(one)) * 25 // about 25 articles a file
	s := st.Open(t)
	for i := range 10 {
		if err := s.Write(t.Context(), sinktest.Batch(i*10, 10)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	files, err := Rotated(st.opts.Path)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 4 { // 20 articles a file (two batches), 100 in all
		t.Fatalf("rotated files %q, want 4", files)
	}
	for _, f := range files {
		if !strings.HasSuffix(f, ".jsonl.gz") {
			t.Fatalf("%s is not compressed", f)
		}
		if fi, err := os.Stat(strings.TrimSuffix(f, ".gz")); err == nil {
			t.Fatalf("uncompressed %s left behind", fi.Name())
		}
		if n := len(readLines(t, f)); n != 20 {
			t.Fatalf("%s holds %d lines, want 20", f, n)
		}
	}
	lines := readAll(t, st.opts.Path)
	if len(lines) != 100 {
		t.Fatalf("%d lines in all, want 100", len(lines))
	}
	for i, l := range lines {
		var a article.Article
		if err := json.Unmarshal(l, &a); err != nil || a.ID != sinktest.ID(i) {
			t.Fatalf("line %d: id %q, %v: order or content lost across rotation", i, a.ID, err)
		}
	}
	// A batch bigger than the limit goes to a file of its own, whole.
	s2 := st.Open(t)
	if err := s2.Write(t.Context(), sinktest.Batch(100, 30)); err != nil {
		t.Fatal(err)
	}
	s2.Close()
	if n := len(readLines(t, st.opts.Path)); n != 30 {
		t.Fatalf("active file holds %d lines, want the whole batch of 30", n)
	}
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

func TestRotateDaily(t *testing.T) {
	st := newStore(t).(*store)
	c := &clock{t: time.Date(2025, 3, 14, 23, 59, 0, 0, time.UTC)}
	st.opts.RotateDaily, st.opts.Now, st.opts.Compress = true, c.Now, false
	s := st.Open(t)
	write := func(from int) {
		t.Helper()
		if err := s.Write(t.Context(), sinktest.Batch(from, 2)); err != nil {
			t.Fatal(err)
		}
	}
	write(0)
	c.Set(c.Now().Add(30 * time.Second))
	write(2)                                                               // same day
	c.Set(time.Date(2025, 3, 15, 0, 0, 1, 0, time.FixedZone("", -5*3600))) // 05:00 UTC on the 15th
	write(4)
	c.Set(time.Date(2025, 3, 17, 8, 0, 0, 0, time.UTC))
	write(6)
	s.Close()
	dir := filepath.Dir(st.opts.Path)
	for name, n := range map[string]int{"articles-2025-03-14.001.jsonl": 4, "articles-2025-03-15.001.jsonl": 2, "articles.jsonl": 2} {
		if got := len(readLines(t, filepath.Join(dir, name))); got != n {
			t.Errorf("%s: %d lines, want %d", name, got, n)
		}
	}
	files, _ := Rotated(st.opts.Path)
	if len(files) != 2 {
		t.Fatalf("rotated %q, want 2 uncompressed files", files)
	}
}

func TestRotateDailyAfterRestart(t *testing.T) {
	st := newStore(t).(*store)
	st.opts.RotateDaily, st.opts.Compress = true, false
	s := st.Open(t)
	if err := s.Write(t.Context(), sinktest.Batch(0, 2)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	// The file was last written two days ago; the first write after a
	// restart rotates it under that day.
	old := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(st.opts.Path, old, old); err != nil {
		t.Fatal(err)
	}
	s = st.Open(t)
	if err := s.Write(t.Context(), sinktest.Batch(2, 1)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	want := filepath.Join(filepath.Dir(st.opts.Path), "articles-"+old.UTC().Format("2006-01-02")+".001.jsonl")
	if n := len(readLines(t, want)); n != 2 {
		t.Fatalf("%s: %d lines, want 2", want, n)
	}
}

func TestCompressionLeftovers(t *testing.T) {
	st := newStore(t).(*store)
	dir := filepath.Dir(st.opts.Path)
	os.MkdirAll(dir, 0o755)
	line := []byte(`{"id":"a"}` + "\n")
	// A rotated file never compressed, a half-written .gz.tmp, and a file
	// whose .gz was finished but not yet removed.
	os.WriteFile(filepath.Join(dir, "articles-2025-01-01.001.jsonl"), line, 0o644)
	os.WriteFile(filepath.Join(dir, "articles-2025-01-02.001.jsonl"), line, 0o644)
	os.WriteFile(filepath.Join(dir, "articles-2025-01-02.001.jsonl.gz.tmp"), []byte("garbage"), 0o644)
	os.WriteFile(filepath.Join(dir, "articles-2025-01-03.001.jsonl"), line, 0o644)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(line)
	zw.Close()
	os.WriteFile(filepath.Join(dir, "articles-2025-01-03.001.jsonl.gz"), gz.Bytes(), 0o644)
	os.WriteFile(filepath.Join(dir, "other-2025-01-01.001.jsonl"), line, 0o644) // not ours

	s := st.Open(t)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := "articles-2025-01-01.001.jsonl.gz articles-2025-01-02.001.jsonl.gz articles-2025-01-03.001.jsonl.gz articles.jsonl articles.jsonl.lock other-2025-01-01.001.jsonl"
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("files:\n got %s\nwant %s", got, want)
	}
	for _, n := range names[:3] {
		if l := readLines(t, filepath.Join(dir, n)); len(l) != 1 || string(l[0]) != `{"id":"a"}` {
			t.Fatalf("%s holds %q", n, l)
		}
	}
}

func TestLocked(t *testing.T) {
	st := newStore(t).(*store)
	s := st.Open(t)
	if _, err := Open(st.opts); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("second Open = %v, want in use", err)
	}
	s.Close()
	s2 := st.Open(t) // free again after Close
	s2.Close()
}

func TestDedupWindow(t *testing.T) {
	st := newStore(t).(*store)
	st.opts.DedupWindow = 2
	s := st.Open(t)
	for _, i := range []int{0, 1, 0, 1, 2, 3, 0} {
		if err := s.Write(t.Context(), sinktest.Batch(i, 1)); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	got := st.Stored(t)
	// 0 and 1 are remembered while they are among the last two ids; 0 is
	// written again once 2 and 3 have pushed it out (the documented limit).
	if len(got[sinktest.ID(0)]) != 2 || len(got[sinktest.ID(1)]) != 1 || len(got) != 4 {
		t.Fatalf("versions: 0:%d 1:%d ids:%d", len(got[sinktest.ID(0)]), len(got[sinktest.ID(1)]), len(got))
	}
}

func BenchmarkWrite(b *testing.B) {
	for _, policy := range []string{FsyncBatch, FsyncNever} {
		b.Run("fsync="+policy, func(b *testing.B) {
			sinktest.Bench(b, func(b *testing.B) sink.Sink {
				s, err := Open(Options{Path: filepath.Join(b.TempDir(), "bench.jsonl"), Fsync: policy})
				if err != nil {
					b.Fatal(err)
				}
				return s
			}, 1, 10, 100, 1000)
		})
	}
}
