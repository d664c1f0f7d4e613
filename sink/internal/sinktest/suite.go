package sinktest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/sink"
	"github.com/newsfeed/newsfeed/sink/internal/clean"
)

// Store is one sink's storage under test.
type Store interface {
	// Open opens a sink on the storage; it is called more than once to
	// test reopening, and every call reaches the same storage.
	Open(t testing.TB) sink.Sink
	// Stored returns every stored version of each article, oldest first: a
	// table holds one per id, an append-only file may hold several.
	Stored(t testing.TB) map[string][]*article.Article
}

// Run runs the conformance suite; newStore returns fresh, empty storage.
func Run(t *testing.T, newStore func(t testing.TB) Store) {
	t.Run("empty batch", func(t *testing.T) {
		st := newStore(t)
		s := st.Open(t)
		if err := s.Write(t.Context(), nil); err != nil {
			t.Fatalf("Write(nil) = %v", err)
		}
		if err := s.Check(t.Context()); err != nil {
			t.Fatalf("Check = %v", err)
		}
		closeSink(t, s)
		if got := st.Stored(t); len(got) != 0 {
			t.Fatalf("stored %d articles, want 0", len(got))
		}
	})

	t.Run("round trip", func(t *testing.T) {
		st := newStore(t)
		s := st.Open(t)
		want := Batch(0, 3)
		want[1].PublishedAt = want[1].PublishedAt.UTC()
		want[2].Language = "de"
		write(t, s, want...)
		closeSink(t, s)
		got := st.Stored(t)
		for _, w := range want {
			vs := got[w.ID]
			if len(vs) != 1 {
				t.Fatalf("%s: %d versions stored, want 1", w.ID, len(vs))
			}
			SameArticle(t, vs[0], w)
		}
	})

	t.Run("idempotent", func(t *testing.T) {
		st := newStore(t)
		s := st.Open(t)
		for range 3 {
			write(t, s, Article(1))
		}
		write(t, s, Article(2), Article(2), Article(2))
		closeSink(t, s)
		got := st.Stored(t)
		if len(got) != 2 {
			t.Fatalf("%d ids stored, want 2", len(got))
		}
		for _, i := range []int{1, 2} {
			if n := len(got[ID(i)]); n != 1 {
				t.Fatalf("article %d delivered 3 times is stored %d times", i, n)
			}
			SameArticle(t, got[ID(i)][0], Article(i))
		}
	})

	t.Run("revisions", func(t *testing.T) {
		st := newStore(t)
		s := st.Open(t)
		a, b := Article(7), Article(8)
		write(t, s, Revised(a, 2))
		write(t, s, Revised(a, 1)) // older: ignored
		write(t, s, Revised(a, 0))
		latest(t, st, a.ID, 2)
		write(t, s, Revised(a, 3)) // newer: replaces
		latest(t, st, a.ID, 3)
		write(t, s, Revised(b, 1), Revised(b, 5), Revised(b, 2)) // one batch
		latest(t, st, b.ID, 5)
		write(t, s, Revised(b, 4))
		latest(t, st, b.ID, 5)
		closeSink(t, s)
		got := st.Stored(t)
		for _, id := range []string{a.ID, b.ID} {
			prev := -1
			for _, v := range got[id] {
				if v.Revision <= prev {
					t.Fatalf("%s: revision %d stored after %d", id, v.Revision, prev)
				}
				prev = v.Revision
			}
		}
	})

	t.Run("bad data", func(t *testing.T) {
		st := newStore(t)
		s := st.Open(t)
		nul := Article(20)
		nul.Title = "NUL\x00in\x00title"
		nul.Authors = []string{"A\x00B"}
		nul.Text = "text with a NUL \x00 byte and \\u0000 written out"
		nul.Tags = []string{"t\x00"}
		bad := Article(21)
		bad.Title = "caf\xe9 \xff\xfe title"
		bad.Text = "Invalid \xc3\x28 UTF-8 \xed\xa0\x80 (a surrogate) and \xf0\x28\x8c\x28 more"
		bad.Source.Name = "Source \xff"
		big := Article(22)
		big.Text = strings.Repeat(Text(22, 1000)+"\n\n", bigText/len(Text(22, 1000)))
		big.HTML = "<p>" + big.Text + "</p>"
		big.WordCount = article.CountWords(big.Text)
		if len(big.Text) < bigText-10000 {
			t.Fatalf("big text is only %d bytes", len(big.Text))
		}
		write(t, s, nul, bad, big)
		closeSink(t, s)
		got := st.Stored(t)
		for _, w := range []*article.Article{nul, bad, big} {
			vs := got[w.ID]
			if len(vs) != 1 {
				t.Fatalf("%s: %d versions, want 1", w.ID, len(vs))
			}
			g := vs[0]
			for _, f := range [][2]string{{g.Title, w.Title}, {g.Text, w.Text}, {g.Source.Name, w.Source.Name}, {strings.Join(g.Authors, ","), strings.Join(w.Authors, ",")}} {
				if !utf8.ValidString(f[0]) {
					t.Errorf("%s: stored %q is not valid UTF-8", w.ID, trim(f[0]))
				}
				if clean.String(f[0]) != clean.String(f[1]) {
					t.Errorf("%s: stored %q, want %q (cleaned)", w.ID, trim(f[0]), trim(clean.String(f[1])))
				}
			}
		}
		if n := len(got[big.ID][0].Text); n != len(big.Text) {
			t.Fatalf("big text stored with %d bytes, want %d", n, len(big.Text))
		}
	})

	t.Run("no id is permanent", func(t *testing.T) {
		st := newStore(t)
		s := st.Open(t)
		defer closeSink(t, s)
		a := Article(30)
		a.ID = ""
		if err := s.Write(t.Context(), []*article.Article{a}); !errors.Is(err, sink.ErrPermanent) {
			t.Fatalf("Write(no id) = %v, want a permanent error", err)
		}
	})

	t.Run("large batch and reopen", func(t *testing.T) {
		st := newStore(t)
		s := st.Open(t)
		write(t, s, Batch(100, 250)...)
		closeSink(t, s)
		s = st.Open(t)
		write(t, s, Batch(400, 10)...)
		write(t, s, Batch(100, 250)...) // redelivered after a restart
		closeSink(t, s)
		got := st.Stored(t)
		if len(got) != 260 {
			t.Fatalf("%d ids stored, want 260", len(got))
		}
		for id, vs := range got {
			if len(vs) != 1 {
				t.Fatalf("%s stored %d times", id, len(vs))
			}
		}
		SameArticle(t, got[ID(250)][0], Article(250))
	})

	t.Run("closed", func(t *testing.T) {
		st := newStore(t)
		s := st.Open(t)
		closeSink(t, s)
		if err := s.Write(t.Context(), Batch(0, 1)); err == nil {
			t.Fatal("Write after Close succeeded")
		}
		if err := s.Check(t.Context()); err == nil {
			t.Fatal("Check after Close succeeded")
		}
		_ = s.Close() // a second Close must not panic
	})

	t.Run("canceled context", func(t *testing.T) {
		st := newStore(t)
		s := st.Open(t)
		defer closeSink(t, s)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		err := s.Write(ctx, Batch(0, 5))
		if err == nil {
			// A sink may finish a local write before looking at ctx; then it
			// must be complete.
			if got := st.Stored(t); len(got) != 5 {
				t.Fatalf("Write returned nil but stored %d of 5", len(got))
			}
			return
		}
		if errors.Is(err, sink.ErrPermanent) {
			t.Fatalf("Write(canceled) = %v: must not be permanent", err)
		}
	})
}

func write(t testing.TB, s sink.Sink, batch ...*article.Article) {
	t.Helper()
	if err := s.Write(t.Context(), batch); err != nil {
		t.Fatalf("Write: %v", err)
	}
}

func closeSink(t testing.TB, s sink.Sink) {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

func latest(t testing.TB, st Store, id string, rev int) {
	t.Helper()
	vs := st.Stored(t)[id]
	if len(vs) == 0 {
		t.Fatalf("%s not stored", id)
	}
	l := vs[len(vs)-1]
	if l.Revision != rev || !strings.HasSuffix(l.Title, "(revision "+itoa(rev)+")") {
		t.Fatalf("%s: latest stored is revision %d %q, want %d", id, l.Revision, l.Title, rev)
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

func trim(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// SameArticle fails t unless got and want encode to the same JSON (so
// times compare by instant and offset, not by zone name).
func SameArticle(t testing.TB, got, want *article.Article) {
	t.Helper()
	g, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	w, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(g, w) {
		t.Fatalf("stored article differs:\n got %s\nwant %s", trim(diffAt(g, w)), trim(diffAt(w, g)))
	}
}

func diffAt(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-40)
	return "..." + string(a[from:])
}
