package dedup

import (
	"errors"
	"fmt"
	"runtime"
	"testing"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/sink"
)

func art(id string, rev int, title string) *article.Article {
	return &article.Article{ID: id, Revision: rev, Title: title}
}

func TestBatch(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []*article.Article
		want string
	}{
		{"empty", nil, ""},
		{"distinct", []*article.Article{art("a", 0, "a0"), art("b", 0, "b0")}, "a0 b0 "},
		{"nil dropped", []*article.Article{nil, art("a", 0, "a0"), nil}, "a0 "},
		{"higher revision wins", []*article.Article{art("a", 2, "a2"), art("b", 0, "b0"), art("a", 1, "a1")}, "a2 b0 "},
		{"later revision replaces in place", []*article.Article{art("a", 1, "a1"), art("b", 0, "b0"), art("a", 3, "a3")}, "a3 b0 "},
		{"tie: later wins", []*article.Article{art("a", 1, "first"), art("a", 1, "second")}, "second "},
		{"three deliveries", []*article.Article{art("a", 0, "x"), art("a", 0, "x"), art("a", 0, "x")}, "x "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Batch(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			for _, a := range out {
				got += a.Title + " "
			}
			if got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestBatchKeepsCleanInput(t *testing.T) {
	in := []*article.Article{art("a", 0, ""), art("b", 0, "")}
	out, _ := Batch(in)
	if &out[0] != &in[0] {
		t.Fatal("a batch without duplicates was copied")
	}
	in2 := []*article.Article{art("a", 0, "a"), art("a", 1, "b")}
	if _, err := Batch(in2); err != nil || in2[0].Title != "a" {
		t.Fatal("input slice was modified")
	}
}

func TestBatchNoID(t *testing.T) {
	_, err := Batch([]*article.Article{art("a", 0, ""), {URL: "https://x/"}})
	if !errors.Is(err, sink.ErrPermanent) || !errors.Is(err, ErrNoID) {
		t.Fatalf("err = %v, want permanent ErrNoID", err)
	}
}

func TestWindow(t *testing.T) {
	w := NewWindow(3)
	w.Add("a", 1)
	if !w.Has("a", 1) || !w.Has("a", 0) || w.Has("a", 2) || w.Has("b", 0) {
		t.Fatal("Has after one Add is wrong")
	}
	w.Add("a", 0) // a lower revision does not lower the record
	if !w.Has("a", 1) {
		t.Fatal("lower revision overwrote")
	}
	w.Add("a", 5)
	if !w.Has("a", 5) {
		t.Fatal("higher revision not recorded")
	}
	for i := range 3 {
		w.Add(fmt.Sprint("id", i), 0)
	}
	if w.Has("a", 0) {
		t.Fatal("oldest id not evicted")
	}
	if w.Len() != 3 {
		t.Fatalf("Len = %d, want 3", w.Len())
	}
	for i := range 3 {
		if !w.Has(fmt.Sprint("id", i), 0) {
			t.Fatalf("id%d evicted too early", i)
		}
	}
}

// BenchmarkWindowMemory reports the live heap a full window of 100,000
// article ids holds per id (heap-B/id).
func BenchmarkWindowMemory(b *testing.B) {
	const n = 100_000
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%032x", uint64(i)*0x9E3779B97F4A7C15)
	}
	var perID float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		w := NewWindow(n)
		for i, id := range ids {
			// The pipeline's ids are fresh strings, not shared with a list.
			w.Add(string(append([]byte(nil), id...)), i%3)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		perID = float64(after.HeapAlloc-before.HeapAlloc) / n
		runtime.KeepAlive(w)
	}
	b.ReportMetric(perID, "heap-B/id")
}
