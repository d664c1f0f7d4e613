// Package sqlite stores articles in a SQLite database (modernc.org/sqlite,
// no cgo) in WAL mode, one row per article id, with an FTS5 index over
// title and text for Search.
//
// Each Write is one transaction committed with synchronous=FULL, so a
// batch is either stored whole or not at all, even if the process dies
// mid-batch; an article replaces the stored one only when its Revision is
// at least as high. The schema is created and upgraded by embedded,
// numbered migrations tracked in PRAGMA user_version.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/sink"
	"github.com/newsfeed/newsfeed/sink/internal/dedup"
	"github.com/newsfeed/newsfeed/sink/internal/record"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Options configure Open.
type Options struct {
	// Path is the database file; its directory is created if missing.
	Path string
	// BusyTimeout is how long a write waits for another writer's lock
	// (default 10s).
	BusyTimeout time.Duration
	// Now returns the current time (default time.Now), for stored_at.
	Now func() time.Time
}

// Sink is a SQLite sink. It is safe for concurrent use; writes are
// serialised.
type Sink struct {
	db     *sql.DB
	path   string
	now    func() time.Time
	upsert *sql.Stmt

	mu     sync.Mutex // serialises writes
	closed bool
}

var (
	_ sink.Sink     = (*Sink)(nil)
	_ sink.Searcher = (*Sink)(nil)
)

// Open opens (creating) the database and brings its schema up to date.
func Open(ctx context.Context, opts Options) (*Sink, error) {
	if opts.Path == "" {
		return nil, errors.New("sqlite: no path")
	}
	if opts.BusyTimeout <= 0 {
		opts.BusyTimeout = 10 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if dir := filepath.Dir(opts.Path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("sqlite: %w", err)
		}
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout("+strconv.FormatInt(opts.BusyTimeout.Milliseconds(), 10)+")")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Set("_txlock", "immediate")
	dsn := "file:" + (&url.URL{Path: opts.Path}).EscapedPath() + "?" + q.Encode()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", opts.Path, err)
	}
	db.SetMaxOpenConns(4)
	db.SetMaxIdleConns(4)
	db.SetConnMaxIdleTime(5 * time.Minute)
	s := &Sink{db: db, path: opts.Path, now: opts.Now}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if s.upsert, err = db.PrepareContext(ctx, upsertSQL); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: prepare: %w", err)
	}
	return s, nil
}

// migrate applies the embedded migrations above PRAGMA user_version, each in
// its own transaction (BEGIN IMMEDIATE, so two processes opening the same
// file apply each one once).
func (s *Sink) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("sqlite: migrations: %w", err)
	}
	sort.Strings(names)
	for _, name := range names {
		base := filepath.Base(name)
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("sqlite: migration %s: bad version", base)
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return fmt.Errorf("sqlite: migration %s: %w", base, err)
		}
		if err := s.apply(ctx, v, base, string(body)); err != nil {
			return err
		}
	}
	return nil
}

func (s *Sink) apply(ctx context.Context, version int, name, body string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: open %s: %w", s.path, err)
	}
	defer tx.Rollback()
	var current int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&current); err != nil {
		return fmt.Errorf("sqlite: open %s: %w", s.path, err)
	}
	if current >= version {
		return nil
	}
	if current != version-1 {
		return fmt.Errorf("sqlite: %s: schema version %d cannot take migration %s", s.path, current, name)
	}
	if _, err := tx.ExecContext(ctx, body); err != nil {
		return fmt.Errorf("sqlite: %s: migration %s: %w", s.path, name, err)
	}
	if _, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(version)); err != nil {
		return fmt.Errorf("sqlite: %s: migration %s: %w", s.path, name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: %s: migration %s: %w", s.path, name, err)
	}
	return nil
}

const upsertSQL = `INSERT INTO articles (
	id, revision, url, canonical_url, source, source_name, source_domain, feed_url,
	title, subtitle, authors, published_at, updated_at, language, section, tags,
	image_url, text, html, word_count, summary, simhash, cluster_id, fetched_at,
	content_hash, extraction_method, doc, stored_at
) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
	?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28)
ON CONFLICT (id) DO UPDATE SET
	revision = excluded.revision, url = excluded.url, canonical_url = excluded.canonical_url,
	source = excluded.source, source_name = excluded.source_name, source_domain = excluded.source_domain,
	feed_url = excluded.feed_url, title = excluded.title, subtitle = excluded.subtitle,
	authors = excluded.authors, published_at = excluded.published_at, updated_at = excluded.updated_at,
	language = excluded.language, section = excluded.section, tags = excluded.tags,
	image_url = excluded.image_url, text = excluded.text, html = excluded.html,
	word_count = excluded.word_count, summary = excluded.summary, simhash = excluded.simhash,
	cluster_id = excluded.cluster_id, fetched_at = excluded.fetched_at,
	content_hash = excluded.content_hash, extraction_method = excluded.extraction_method,
	doc = excluded.doc, stored_at = excluded.stored_at
WHERE excluded.revision >= articles.revision`

// Write upserts the batch in one transaction.
func (s *Sink) Write(ctx context.Context, batch []*article.Article) error {
	batch, err := dedup.Batch(batch)
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	if len(batch) == 0 {
		return nil
	}
	recs := make([]record.Record, len(batch))
	for i, a := range batch {
		if recs[i], err = record.From(a); err != nil {
			return fmt.Errorf("sqlite: %w", err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("sqlite: write after close")
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return classify("begin", err)
	}
	defer tx.Rollback()
	stmt := tx.StmtContext(ctx, s.upsert)
	stored := record.TimeText(s.now())
	for i := range recs {
		r := &recs[i]
		authors, _ := json.Marshal(r.Authors)
		tags, _ := json.Marshal(r.Tags)
		if _, err := stmt.ExecContext(ctx,
			r.ID, r.Revision, r.URL, r.CanonicalURL, r.Source, r.SourceName, r.SourceDomain, r.FeedURL,
			r.Title, r.Subtitle, string(authors), record.TimeText(r.PublishedAt), record.TimeText(r.UpdatedAt),
			r.Language, r.Section, string(tags), r.ImageURL, r.Text, r.HTML, r.WordCount, r.Summary,
			r.SimHash, r.ClusterID, record.TimeText(r.FetchedAt), r.ContentHash, r.ExtractionMethod,
			string(r.Doc), stored,
		); err != nil {
			return classify("upsert "+r.ID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return classify("commit", err)
	}
	return nil
}

// classify wraps err, marking the errors that retrying cannot fix (a value
// too big, a constraint) as permanent; busy, locked, I/O and full-disk
// errors stay transient.
func classify(op string, err error) error {
	err = fmt.Errorf("sqlite: %s: %w", op, err)
	var se *msqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_TOOBIG, sqlite3.SQLITE_CONSTRAINT, sqlite3.SQLITE_MISMATCH:
			return sink.Permanent(err)
		}
	}
	return err
}

// Check pings the database.
func (s *Sink) Check(ctx context.Context) error {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return errors.New("sqlite: closed")
	}
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM (SELECT 1 FROM articles LIMIT 1)").Scan(&n); err != nil {
		return fmt.Errorf("sqlite: check %s: %w", s.path, err)
	}
	return nil
}

// Close waits for a running write and closes the database.
func (s *Sink) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.upsert.Close()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("sqlite: close %s: %w", s.path, err)
	}
	return nil
}
