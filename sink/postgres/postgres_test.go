package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.uber.org/goleak"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/sink"
	"github.com/newsfeed/newsfeed/sink/internal/sinktest"
)

// dsnEnv names the variable holding the test server's DSN, for example
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const dsnEnv = "NEWSFEED_TEST_POSTGRES_DSN"

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func testDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(dsnEnv)
	if dsn == "" {
		t.Skip(dsnEnv + " is not set: skipping the PostgreSQL tests (set it to e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	}
	return dsn
}

// newSchema returns a fresh schema name, dropped when the test ends.
func newSchema(t testing.TB) string {
	t.Helper()
	dsn := testDSN(t)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "nf_test_" + hex.EncodeToString(b)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Errorf("cleanup: %v", err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("cleanup: drop schema %s: %v", schema, err)
		}
	})
	return schema
}

type store struct {
	dsn, schema string
}

func newStore(t testing.TB) sinktest.Store {
	return &store{dsn: testDSN(t), schema: newSchema(t)}
}

func (st *store) Open(t testing.TB) sink.Sink {
	t.Helper()
	s, err := Open(t.Context(), Options{DSN: st.dsn, Schema: st.schema})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func (st *store) conn(t testing.TB) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), st.dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func (st *store) Stored(t testing.TB) map[string][]*article.Article {
	t.Helper()
	rows, err := st.conn(t).Query(t.Context(), "SELECT id, doc::text FROM "+pgx.Identifier{st.schema}.Sanitize()+".articles")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	return sinktest.ScanDocs(t, rows)
}

func TestConformance(t *testing.T) { sinktest.Run(t, newStore) }

func TestCrashHelper(t *testing.T) {
	sinktest.CrashChild(t, func(ctx context.Context, arg string) (sink.Sink, error) {
		dsn, schema, _ := strings.Cut(arg, " ")
		return Open(ctx, Options{DSN: dsn, Schema: schema})
	})
}

func TestKilledMidBatch(t *testing.T) {
	st := newStore(t).(*store)
	sinktest.Crash(t, "TestCrashHelper", st.dsn+" "+st.schema, st, true, 3)
}

func TestTypedColumns(t *testing.T) {
	st := newStore(t).(*store)
	s := st.Open(t)
	a := sinktest.Article(4)
	a.Title = "Zero\x00byte \xff"
	a.Language = "ru-RU"
	a.UpdatedAt = time.Time{}
	if err := s.Write(t.Context(), []*article.Article{a}); err != nil {
		t.Fatal(err)
	}
	var title, source, domain, lang, cfg string
	var authors []string
	var pub time.Time
	var upd *time.Time
	var words int
	err := st.conn(t).QueryRow(t.Context(),
		"SELECT title, source, source_domain, published_at, updated_at, authors, language, word_count, "+
			pgx.Identifier{st.schema}.Sanitize()+".newsfeed_ts_config(language)::text FROM "+
			pgx.Identifier{st.schema}.Sanitize()+".articles WHERE id = $1", a.ID).
		Scan(&title, &source, &domain, &pub, &upd, &authors, &lang, &words, &cfg)
	if err != nil {
		t.Fatal(err)
	}
	if title != "Zerobyte \uFFFD" || source != "bbc" || domain != "www.bbc.co.uk" || lang != "ru-ru" || words != a.WordCount || cfg != "russian" {
		t.Fatalf("row: %q %q %q %q %d %q", title, source, domain, lang, words, cfg)
	}
	if !pub.Equal(a.PublishedAt) || upd != nil || !slices.Equal(authors, a.Authors) {
		t.Fatalf("published_at %v updated_at %v authors %q", pub, upd, authors)
	}
}

func TestMigrationsConcurrent(t *testing.T) {
	st := newStore(t).(*store)
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for range 3 {
		wg.Go(func() {
			s, err := Open(t.Context(), Options{DSN: st.dsn, Schema: st.schema})
			if err == nil {
				err = s.Write(t.Context(), sinktest.Batch(0, 10))
				s.Close()
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := st.conn(t).QueryRow(t.Context(), "SELECT count(*) FROM "+pgx.Identifier{st.schema}.Sanitize()+".newsfeed_migrations").Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d migrations recorded (%v), want 1", n, err)
	}
}

func TestPermanentAndTransient(t *testing.T) {
	st := newStore(t).(*store)
	s := st.Open(t).(*Sink)
	// A date beyond PostgreSQL's range is refused by the server for the
	// data's sake: permanent.
	a := sinktest.Article(1)
	a.PublishedAt = time.Date(295000, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := s.Write(t.Context(), []*article.Article{sinktest.Article(0), a}); !errors.Is(err, sink.ErrPermanent) {
		t.Fatalf("Write(out of range) = %v, want permanent", err)
	}
	if got := st.Stored(t); len(got) != 0 {
		t.Fatalf("a failed batch stored %d articles", len(got))
	}
	// A dropped table is not the data's fault: transient.
	if _, err := st.conn(t).Exec(t.Context(), "ALTER TABLE "+pgx.Identifier{st.schema}.Sanitize()+".articles RENAME TO gone"); err != nil {
		t.Fatal(err)
	}
	err := s.Write(t.Context(), sinktest.Batch(0, 1))
	if err == nil || errors.Is(err, sink.ErrPermanent) {
		t.Fatalf("Write(no table) = %v, want a transient error", err)
	}
}

// proxy forwards TCP connections to target until cut, after which it cuts
// every open connection and refuses new ones until resumed.
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	down   bool
	hang   bool // accept connections but never answer
	conns  map[net.Conn]bool
	wg     sync.WaitGroup
}

func newProxy(t *testing.T, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	p.wg.Go(p.serve)
	t.Cleanup(func() {
		ln.Close()
		p.cut()
		p.wg.Wait()
	})
	return p
}

func (p *proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.down {
			p.mu.Unlock()
			c.Close()
			continue
		}
		if p.hang {
			p.conns[c] = true
			p.mu.Unlock()
			continue
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			p.mu.Unlock()
			c.Close()
			continue
		}
		p.conns[c], p.conns[up] = true, true
		p.mu.Unlock()
		p.wg.Go(func() { io.Copy(up, c); up.Close(); c.Close() })
		p.wg.Go(func() { io.Copy(c, up); up.Close(); c.Close() })
	}
}

func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

func (p *proxy) resume() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down, p.hang = false, false
}

// blackhole cuts open connections and then lets new ones hang.
func (p *proxy) blackhole() {
	p.cut()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down, p.hang = false, true
}

func TestLostConnection(t *testing.T) {
	st := newStore(t).(*store)
	u, err := url.Parse(st.dsn)
	if err != nil || u.Host == "" {
		t.Skipf("%s is not a URL with a host; cannot proxy it", dsnEnv)
	}
	p := newProxy(t, u.Host)
	u.Host = p.ln.Addr().String()
	s, err := Open(t.Context(), Options{DSN: u.String(), Schema: st.schema})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Write(t.Context(), sinktest.Batch(0, 10)); err != nil {
		t.Fatal(err)
	}
	p.cut()
	err = s.Write(t.Context(), sinktest.Batch(10, 10))
	if err == nil || errors.Is(err, sink.ErrPermanent) {
		t.Fatalf("Write over a lost connection = %v, want a transient error", err)
	}
	if err := s.Check(t.Context()); err == nil {
		t.Fatal("Check succeeded while the server is unreachable")
	}
	p.resume()
	// The pool reconnects; the redelivered batch is stored.
	deadline := time.Now().Add(10 * time.Second)
	for s.Check(t.Context()) != nil {
		if time.Now().After(deadline) {
			t.Fatal("Check still failing after the connection came back")
		}
		runtime.Gosched()
	}
	if err := s.Write(t.Context(), sinktest.Batch(10, 10)); err != nil {
		t.Fatalf("Write after reconnect: %v", err)
	}
	if got := st.Stored(t); len(got) != 20 {
		t.Fatalf("%d stored, want 20", len(got))
	}
}

func TestWriteTimeout(t *testing.T) {
	st := newStore(t).(*store)
	u, err := url.Parse(st.dsn)
	if err != nil || u.Host == "" {
		t.Skipf("%s is not a URL with a host; cannot proxy it", dsnEnv)
	}
	p := newProxy(t, u.Host)
	u.Host = p.ln.Addr().String()
	s, err := Open(t.Context(), Options{DSN: u.String(), Schema: st.schema, Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p.blackhole()
	start := time.Now()
	err = s.Write(t.Context(), sinktest.Batch(0, 5))
	if err == nil || errors.Is(err, sink.ErrPermanent) {
		t.Fatalf("Write to a server that never answers = %v, want a transient error", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Write took %v with a 300ms timeout", d)
	}
	p.resume()
	if err := s.Write(t.Context(), sinktest.Batch(0, 5)); err != nil {
		t.Fatalf("Write after the server came back: %v", err)
	}
}

func TestSearch(t *testing.T) {
	st := newStore(t).(*store)
	s := st.Open(t).(*Sink)
	mk := func(i int, lang, title, text, domain string, pub time.Time) *article.Article {
		a := sinktest.Article(i)
		a.Language, a.Title, a.Text, a.Source.Domain, a.Source.Name, a.PublishedAt = lang, title, text, domain, "", pub
		return a
	}
	day := time.Date(2025, 5, 1, 12, 0, 0, 0, time.UTC)
	batch := []*article.Article{
		mk(1, "en", "Central bank raises interest rates", "The central bank raised rates by half a point on Thursday, citing inflation.", "www.bbc.co.uk", day),
		mk(2, "en", "Football results", "The home team won after a late goal. Fans celebrated. The bank holiday crowd was large.", "www.bbc.co.uk", day.Add(-48*time.Hour)),
		mk(3, "en", "Energy prices fall", "Gas and oil prices fell as the winter ended; the central heating season is over.", "www.spiegel.de", day.Add(time.Hour)),
		mk(4, "en", "Banking regulation", "Regulators proposed rules for banks and their capital.", "www.themoscowtimes.com", time.Time{}),
		mk(5, "ru", "Кремль и экономика", "Центральный банк повысил ставку. Новости экономики.", "www.themoscowtimes.com", day),
		mk(6, "de", "Kaffeehäuser in der Hauptstadt", "Die Preise für Kaffee steigen in den Städten.", "www.spiegel.de", day),
		mk(7, "", "Untagged capital story", "No language is known for this capital article.", "example.org", day),
	}
	batch[3].FetchedAt = day.Add(-72 * time.Hour)
	if err := s.Write(t.Context(), batch); err != nil {
		t.Fatal(err)
	}
	ids := func(hits []sink.Hit, sorted bool) string {
		var out []string
		for _, h := range hits {
			out = append(out, h.ID[len(h.ID)-1:])
		}
		if sorted {
			slices.Sort(out)
		}
		return strings.Join(out, ",")
	}
	for _, tc := range []struct {
		name    string
		q       sink.Query
		want    string // last hex digit of each id
		ordered bool
	}{
		{"stemmed", sink.Query{Text: "bank"}, "1,2,4", false},
		{"title beats text", sink.Query{Text: "capital"}, "7,4", true},
		{"stemming", sink.Query{Text: "raising rate"}, "1", false},
		{"phrase", sink.Query{Text: `"central bank"`}, "1", false},
		{"phrase not adjacent", sink.Query{Text: `"central heating"`}, "3", false},
		{"and", sink.Query{Text: "prices winter"}, "3", false},
		{"or", sink.Query{Text: "goal OR regulators"}, "2,4", false},
		{"not", sink.Query{Text: "bank -inflation"}, "2,4", false},
		{"excluded in every language", sink.Query{Text: "bank -inflations"}, "2,4", false},
		{"prefix", sink.Query{Text: "bank*"}, "1,2,4", false},
		{"source slug", sink.Query{Text: "prices OR bank", Source: "bbc"}, "1,2", false},
		{"source domain", sink.Query{Text: "prices OR bank", Source: "www.spiegel.de"}, "3", false},
		{"since", sink.Query{Text: "bank OR prices OR regulators", Since: day}, "1,3", false},
		{"since uses fetch time when unpublished", sink.Query{Text: "regulators", Since: day.Add(-73 * time.Hour)}, "4", false},
		{"russian stemming", sink.Query{Text: "новость"}, "5", false},
		{"german stemming", sink.Query{Text: "Städte"}, "6", false},
		{"german word", sink.Query{Text: "Kaffee"}, "6", false},
		{"unknown language", sink.Query{Text: "untagged"}, "7", false},
		{"stop words only", sink.Query{Text: "the and"}, "", false},
		{"excluding a stop word excludes nothing", sink.Query{Text: "bank -the"}, "1,2,4", false},
		{"syntax is literal", sink.Query{Text: `bank' & !:* <-> (`}, "1,2,4", false},
		{"empty", sink.Query{Text: "  "}, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hits, err := s.Search(t.Context(), tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(hits, !tc.ordered); got != tc.want {
				t.Fatalf("Search(%+v) = %s, want %s", tc.q, got, tc.want)
			}
		})
	}
	hits, err := s.Search(t.Context(), sink.Query{Text: "bank", Limit: 1})
	if err != nil || len(hits) != 1 {
		t.Fatalf("limit 1: %d hits, %v", len(hits), err)
	}
	hits, err = s.Search(t.Context(), sink.Query{Text: "inflation"})
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
	dsn := testDSN(b)
	sinktest.Bench(b, func(b *testing.B) sink.Sink {
		s, err := Open(b.Context(), Options{DSN: dsn, Schema: newSchema(b)})
		if err != nil {
			b.Fatal(err)
		}
		return s
	}, 1, 10, 100, 1000)
}

func BenchmarkWriteParallel(b *testing.B) {
	dsn := testDSN(b)
	for _, p := range []int{1, 2} {
		b.Run(fmt.Sprintf("writers=%d/batch=100", p*runtime.GOMAXPROCS(0)), func(b *testing.B) {
			sinktest.BenchParallel(b, func(b *testing.B) sink.Sink {
				s, err := Open(b.Context(), Options{DSN: dsn, Schema: newSchema(b), MaxConns: 8})
				if err != nil {
					b.Fatal(err)
				}
				return s
			}, 100, p)
		})
	}
}

func BenchmarkSearch(b *testing.B) {
	st := newStore(b).(*store)
	s := st.Open(b).(*Sink)
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
	if _, err := st.conn(b).Exec(b.Context(), "VACUUM ANALYZE "+pgx.Identifier{st.schema}.Sanitize()+".articles"); err != nil {
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
