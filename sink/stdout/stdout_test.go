package stdout

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"sync"
	"testing"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/sink"
	"github.com/newsfeed/newsfeed/sink/internal/sinktest"
)

type lockedBuffer struct {
	mu     sync.Mutex
	b      bytes.Buffer
	writes int
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes++
	return l.b.Write(p)
}

func lines(t *testing.T, b []byte) []*article.Article {
	t.Helper()
	var out []*article.Article
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var a article.Article
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("bad line %.80q: %v", sc.Text(), err)
		}
		out = append(out, &a)
	}
	return out
}

func TestWrite(t *testing.T) {
	var w lockedBuffer
	s, err := New(Options{W: &w})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := s.Write(t.Context(), sinktest.Batch(0, 4)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Write(t.Context(), []*article.Article{sinktest.Revised(sinktest.Article(1), 2), sinktest.Revised(sinktest.Article(1), 1)}); err != nil {
		t.Fatal(err)
	}
	got := lines(t, w.b.Bytes())
	if len(got) != 5 || w.writes != 2 {
		t.Fatalf("%d lines in %d writes, want 5 in 2", len(got), w.writes)
	}
	sinktest.SameArticle(t, got[0], sinktest.Article(0))
	if got[4].Revision != 2 {
		t.Fatalf("last line revision %d, want 2", got[4].Revision)
	}
	if !bytes.Contains(w.b.Bytes(), []byte(`"html":"<p>`)) {
		t.Fatal("HTML escaped")
	}
}

func TestConcurrentWritesDoNotInterleave(t *testing.T) {
	var w lockedBuffer
	s, _ := New(Options{W: &w})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 5 {
				if err := s.Write(t.Context(), sinktest.Batch(g*1000+i*10, 10)); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if n := len(lines(t, w.b.Bytes())); n != 200 {
		t.Fatalf("%d lines, want 200", n)
	}
}

type failing struct{}

func (failing) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func TestErrors(t *testing.T) {
	if _, err := New(Options{}); err == nil {
		t.Fatal("New without a writer succeeded")
	}
	s, _ := New(Options{W: failing{}})
	if err := s.Write(t.Context(), sinktest.Batch(0, 1)); err == nil || errors.Is(err, sink.ErrPermanent) {
		t.Fatalf("Write to a broken writer = %v, want transient", err)
	}
	a := sinktest.Article(0)
	a.ID = ""
	var w lockedBuffer
	s, _ = New(Options{W: &w})
	if err := s.Write(t.Context(), []*article.Article{a}); !errors.Is(err, sink.ErrPermanent) {
		t.Fatalf("Write(no id) = %v", err)
	}
	s.Close()
	if s.Write(t.Context(), sinktest.Batch(0, 1)) == nil || s.Check(t.Context()) == nil {
		t.Fatal("closed sink still works")
	}
}
