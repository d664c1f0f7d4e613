package faulttest

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	_ "modernc.org/sqlite"
)

// ledger holds the article ids a run must deliver (from the site's items)
// and checks sink state against them.
type ledger struct {
	want map[string]string // id → page path
}

func newLedger(t *testing.T, o *origin) *ledger { return &ledger{want: o.expected(t)} }

// tally is one sink's state measured against the ledger. Every stored
// occurrence counts: a JSONL line, a database row (several files or
// databases of one logical sink are read as their union).
type tally struct {
	Sink     string
	Stored   int // occurrences
	Distinct int
	Lost     int // expected, not stored
	Dup      int // occurrences beyond the first of an id
	Extra    int // distinct ids stored that were not expected
	lostIDs  []string
}

func (t tally) String() string {
	return fmt.Sprintf("%s: stored=%d distinct=%d lost=%d dup=%d extra=%d", t.Sink, t.Stored, t.Distinct, t.Lost, t.Dup, t.Extra)
}

func (l *ledger) tally(sinkName string, ids []string) tally {
	tl := tally{Sink: sinkName, Stored: len(ids)}
	n := map[string]int{}
	for _, id := range ids {
		n[id]++
	}
	tl.Distinct = len(n)
	for id, c := range n {
		tl.Dup += c - 1
		if _, ok := l.want[id]; !ok {
			tl.Extra++
		}
	}
	for id, path := range l.want {
		if n[id] == 0 {
			tl.Lost++
			tl.lostIDs = append(tl.lostIDs, path)
		}
	}
	sort.Strings(tl.lostIDs)
	return tl
}

// complete reports whether every expected article is stored.
func (l *ledger) complete(ids []string) bool {
	have := map[string]bool{}
	for _, id := range ids {
		have[id] = true
	}
	for id := range l.want {
		if !have[id] {
			return false
		}
	}
	return true
}

// requireClean fails the test unless every tally has lost = 0, dup = 0 and
// extra = 0.
func requireClean(t *testing.T, tallies ...tally) {
	t.Helper()
	for _, tl := range tallies {
		t.Log(tl)
		if tl.Lost != 0 || tl.Dup != 0 || tl.Extra != 0 {
			lost := tl.lostIDs
			if len(lost) > 10 {
				lost = lost[:10]
			}
			t.Errorf("sink %s is not exactly-once: %v (lost pages, first 10: %v)", tl.Sink, tl, lost)
		}
	}
}

// jsonlIDs returns the id of every line of the files (missing files are
// empty). The files must be complete: every line ends in a newline.
func jsonlIDs(t *testing.T, paths ...string) []string {
	t.Helper()
	return readJSONL(t, false, paths)
}

// jsonlIDsLive is jsonlIDs for files being written: a last line without
// its newline is not read yet.
func jsonlIDsLive(t *testing.T, paths ...string) []string {
	t.Helper()
	return readJSONL(t, true, paths)
}

func readJSONL(t *testing.T, live bool, paths []string) []string {
	t.Helper()
	var ids []string
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if i := bytes.LastIndexByte(data, '\n'); i+1 < len(data) {
			if !live {
				t.Fatalf("%s ends in a torn line: %.80q", p, data[i+1:])
			}
			data = data[:i+1]
		}
		for _, line := range bytes.Split(data, []byte("\n")) {
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			var a struct {
				ID string `json:"id"`
			}
			if err := json.Unmarshal(line, &a); err != nil {
				t.Fatalf("%s: bad line: %v", p, err)
			}
			ids = append(ids, a.ID)
		}
	}
	return ids
}

// sqliteIDs returns the article ids stored in the databases.
func sqliteIDs(t *testing.T, paths ...string) []string {
	t.Helper()
	var ids []string
	for _, p := range paths {
		if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
			continue
		}
		db, err := sql.Open("sqlite", "file:"+p+"?mode=ro&_pragma=busy_timeout(5000)")
		if err != nil {
			t.Fatal(err)
		}
		rows, err := db.Query("SELECT id FROM articles")
		if err != nil {
			db.Close()
			t.Fatalf("%s: %v", p, err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		err = rows.Err()
		rows.Close()
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

// postgresIDs returns the article ids in schema.articles.
func postgresIDs(t *testing.T, dsn, schema string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "SELECT id FROM "+pgx.Identifier{schema, "articles"}.Sanitize())
	if err != nil {
		t.Fatal(err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// waitFor polls cond every 50ms until it holds or d has passed; it returns
// whether it held and how long it took.
func waitFor(d time.Duration, cond func() bool) (bool, time.Duration) {
	start := time.Now()
	deadline := start.Add(d)
	for {
		if cond() {
			return true, time.Since(start)
		}
		if time.Now().After(deadline) {
			return false, time.Since(start)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
