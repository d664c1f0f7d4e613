package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/sink"
	"github.com/newsfeed/newsfeed/sink/internal/sinktest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.IgnoreTopFunction("database/sql.(*DB).connectionOpener"))
}

type store struct{ path string }

func newStore(t testing.TB) sinktest.Store {
	return &store{path: filepath.Join(t.TempDir(), "sub", "articles.db")}
}

func (st *store) Open(t testing.TB) sink.Sink {
	t.Helper()
	s, err := Open(t.Context(), Options{Path: st.path})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func (st *store) db(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+st.path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func (st *store) Stored(t testing.TB) map[string][]*article.Article {
	t.Helper()
	rows, err := st.db(t).QueryContext(t.Context(), "SELECT id, doc FROM articles")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	return sinktest.ScanDocs(t, rows)
}

func TestConformance(t *testing.T) { sinktest.Run(t, newStore) }

func TestCrashHelper(t *testing.T) {
	sinktest.CrashChild(t, func(ctx context.Context, arg string) (sink.Sink, error) {
		return Open(ctx, Options{Path: arg})
	})
}

func TestKilledMidBatch(t *testing.T) {
	st := newStore(t).(*store)
	sinktest.Crash(t, "TestCrashHelper", st.path, st, true, 3)
}

func TestTypedColumns(t *testing.T) {
	st := newStore(t).(*store)
	s := st.Open(t)
	a := sinktest.Article(4)
	a.Title = "Zero\x00byte"
	if err := s.Write(t.Context(), []*article.Article{a}); err != nil {
		t.Fatal(err)
	}
	var title, source, domain, pub, authors, lang string
	var words int
	err := st.db(t).QueryRowContext(t.Context(),
		"SELECT title, source, source_domain, published_at, authors, language, word_count FROM articles WHERE id = ?", a.ID).
		Scan(&title, &source, &domain, &pub, &authors, &lang, &words)
	if err != nil {
		t.Fatal(err)
	}
	if title != "Zerobyte" || source != "bbc" || domain != "www.bbc.co.uk" || lang != "en" || words != a.WordCount {
		t.Fatalf("row: %q %q %q %q %d", title, source, domain, lang, words)
	}
	if want := a.PublishedAt.UTC().Format("2006-01-02T15:04:05.000000000Z"); pub != want {
		t.Fatalf("published_at = %q, want %q", pub, want)
	}
	if authors != `["Anna Petrova","Reuters"]` {
		t.Fatalf("authors = %s", authors)
	}
}

func TestMigrationsOnce(t *testing.T) {
	st := newStore(t).(*store)
	s1 := st.Open(t)
	s2 := st.Open(t) // a second sink on the same file: no second migration
	var v int
	if err := st.db(t).QueryRowContext(t.Context(), "PRAGMA user_version").Scan(&v); err != nil {
		t.Fatal(err)
	}
	if v != 1 {
		t.Fatalf("user_version = %d, want 1", v)
	}
	var mode string
	if err := st.db(t).QueryRowContext(t.Context(), "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v", mode, err)
	}
	// Both write concurrently.
	errs := make(chan error, 2)
	go func() { errs <- s1.Write(context.Background(), sinktest.Batch(0, 50)) }()
	go func() { errs <- s2.Write(context.Background(), sinktest.Batch(25, 50)) }()
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if n := len(st.Stored(t)); n != 75 {
		t.Fatalf("%d stored, want 75", n)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	st := newStore(t).(*store)
	s := st.Open(t)
	s.Close()
	db, err := sql.Open("sqlite", st.path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA user_version = 0; DROP TABLE articles"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	// A database whose version says 0 but already has the table: the
	// migration fails with a clear error instead of half-applying.
	if _, err := Open(t.Context(), Options{Path: st.path}); err == nil || !strings.Contains(err.Error(), "migration 0001") {
		t.Fatalf("Open = %v, want a migration error", err)
	}
}

func TestSearch(t *testing.T) {
	st := newStore(t).(*store)
	s := st.Open(t).(*Sink)
	mk := func(i int, title, text, domain string, pub time.Time) *article.Article {
		a := sinktest.Article(i)
		a.Title, a.Text, a.Source.Domain, a.Source.Name, a.PublishedAt = title, text, domain, "", pub
		return a
	}
	day := time.Date(2025, 5, 1, 12, 0, 0, 0, time.UTC)
	batch := []*article.Article{
		mk(1, "Central bank raises interest rates", "The central bank raised rates by half a point on Thursday, citing inflation.", "www.bbc.co.uk", day),
		mk(2, "Football results", "The home team won after a late goal. Fans celebrated. The bank holiday crowd was large.", "www.bbc.co.uk", day.Add(-48*time.Hour)),
		mk(3, "Energy prices fall", "Gas and oil prices fell as the winter ended; the central heating season is over.", "www.spiegel.de", day.Add(time.Hour)),
		mk(4, "Banking regulation", "Regulators proposed rules for banks and their capital.", "www.themoscowtimes.com", time.Time{}),
		mk(5, "Кремль и экономика", "Центральный банк повысил ставку. Новости экономики.", "www.themoscowtimes.com", day),
		mk(6, "Café culture in the capital", "Crème brûlée in a small café near the station.", "www.spiegel.de", day),
	}
	batch[3].FetchedAt = day.Add(-72 * time.Hour)
	if err := s.Write(t.Context(), batch); err != nil {
		t.Fatal(err)
	}
	ids := func(hits []sink.Hit) string {
		var out []string
		for _, h := range hits {
			out = append(out, h.ID[len(h.ID)-1:])
		}
		return strings.Join(out, ",")
	}
	sorted := func(s string) string {
		p := strings.Split(s, ",")
		slices.Sort(p)
		return strings.Join(p, ",")
	}
	for _, tc := range []struct {
		name string
		q    sink.Query
		want string // last hex digit of each id, best first
	}{
		{"stemmed", sink.Query{Text: "bank"}, "1,2,4"},
		{"title beats text", sink.Query{Text: "capital"}, "6,4"},
		{"stemming", sink.Query{Text: "raising rate"}, "1"},
		{"phrase", sink.Query{Text: `"central bank"`}, "1"},
		{"phrase not adjacent", sink.Query{Text: `"central heating"`}, "3"},
		{"and", sink.Query{Text: "prices winter"}, "3"},
		{"or", sink.Query{Text: "goal OR regulators"}, "2,4"},
		{"not", sink.Query{Text: "bank -inflation"}, "2,4"},
		{"prefix", sink.Query{Text: "bank*"}, "1,2,4"},
		{"source slug", sink.Query{Text: "prices OR bank", Source: "bbc"}, "1,2"},
		{"source domain", sink.Query{Text: "prices OR bank", Source: "www.spiegel.de"}, "3"},
		{"since", sink.Query{Text: "bank OR prices OR regulators", Since: day}, "1,3"},
		{"since uses fetch time when unpublished", sink.Query{Text: "regulators", Since: day.Add(-73 * time.Hour)}, "4"},
		{"cyrillic", sink.Query{Text: "банк"}, "5"},
		{"cyrillic prefix", sink.Query{Text: "новост*"}, "5"},
		{"cyrillic is not stemmed", sink.Query{Text: "новость"}, ""},
		{"diacritics folded", sink.Query{Text: "cafe creme"}, "6"},
		{"limit", sink.Query{Text: "the", Limit: 1}, ""},
		{"syntax is literal", sink.Query{Text: `bank" AND NEAR(`}, ""},
		{"exclusion", sink.Query{Text: "bank -football"}, "1,4"},
		{"empty", sink.Query{Text: "  "}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hits, err := s.Search(t.Context(), tc.q)
			if err != nil {
				t.Fatal(err)
			}
			got := ids(hits)
			if tc.name != "title beats text" {
				got = sorted(got)
			}
			if tc.name == "limit" {
				if len(hits) != 1 {
					t.Fatalf("%d hits, want 1", len(hits))
				}
				return
			}
			if got != tc.want {
				t.Fatalf("Search(%+v) = %s, want %s", tc.q, got, tc.want)
			}
		})
	}
	hits, err := s.Search(t.Context(), sink.Query{Text: "inflation"})
	if err != nil || len(hits) != 1 {
		t.Fatalf("hits %v, %v", hits, err)
	}
	h := hits[0]
	if !strings.Contains(h.Snippet, "**inflation**") || h.Title != batch[0].Title || h.URL != batch[0].URL ||
		h.Source != "www.bbc.co.uk" || !h.PublishedAt.Equal(day) || h.Score <= 0 {
		t.Fatalf("hit = %+v", h)
	}
}

func BenchmarkWrite(b *testing.B) {
	sinktest.Bench(b, func(b *testing.B) sink.Sink {
		s, err := Open(b.Context(), Options{Path: filepath.Join(b.TempDir(), "bench.db")})
		if err != nil {
			b.Fatal(err)
		}
		return s
	}, 1, 10, 100, 1000)
}

func BenchmarkWriteParallel(b *testing.B) {
	b.Run(fmt.Sprintf("writers=%d/batch=100", runtime.GOMAXPROCS(0)), func(b *testing.B) {
		sinktest.BenchParallel(b, func(b *testing.B) sink.Sink {
			s, err := Open(b.Context(), Options{Path: filepath.Join(b.TempDir(), "bench.db")})
			if err != nil {
				b.Fatal(err)
			}
			return s
		}, 100, 1)
	})
}

func BenchmarkSearch(b *testing.B) {
	s, err := Open(b.Context(), Options{Path: filepath.Join(b.TempDir(), "bench.db")})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for i := 0; i < 2000; i += 500 {
		if err := s.Write(b.Context(), sinktest.Batch(i, 500)); err != nil {
			b.Fatal(err)
		}
	}
	a := sinktest.Article(99999)
	a.Text += " zyzzyva"
	if err := s.Write(b.Context(), []*article.Article{a}); err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{"zyzzyva", "inflation prices"} {
		b.Run(strings.ReplaceAll(q, " ", "_"), func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Search(b.Context(), sink.Query{Text: q}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
