// Package postgres stores articles in PostgreSQL (12 or later) through
// jackc/pgx v5: one row per article id in <schema>.articles, with typed
// columns, the whole message as jsonb, and a generated, language-aware
// tsvector with a GIN index for Search.
//
// Each Write sends the batch's upserts in one round trip, run as one
// implicit transaction, so a batch is stored whole or not at all; the
// server's synchronous_commit makes it durable before Write returns. An
// article replaces the stored one only when its Revision is at least as
// high. NUL bytes and invalid UTF-8, which PostgreSQL refuses, are cleaned
// first. A lost connection is a transient error (and Check fails) until the
// pool reconnects; data the server refuses (SQLSTATE classes 22, 23 and 54)
// is a permanent one.
//
// The schema is created and upgraded by embedded, numbered migrations
// recorded in <schema>.newsfeed_migrations and serialised by an advisory
// lock, so replicas may start together.
package postgres

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/sink"
	"github.com/newsfeed/newsfeed/sink/internal/dedup"
	"github.com/newsfeed/newsfeed/sink/internal/record"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Options configure Open.
type Options struct {
	// DSN is a libpq connection string or URL.
	DSN string
	// Schema holds the tables (default "public"); it is created if missing.
	Schema string
	// MaxConns caps the pool (default 4).
	MaxConns int32
	// Timeout bounds one Write, so that a connection that hangs without
	// breaking still ends in a (transient) error (default 30s).
	Timeout time.Duration
}

// Sink is a PostgreSQL sink, safe for concurrent use.
type Sink struct {
	pool    *pgxpool.Pool
	timeout time.Duration
	schema  string // quoted
	upsert  string
	search  string

	mu     sync.RWMutex
	closed bool
}

var (
	_ sink.Sink     = (*Sink)(nil)
	_ sink.Searcher = (*Sink)(nil)
)

// Open connects, creates the schema if needed and applies migrations. It
// fails when the server cannot be reached within ctx.
func Open(ctx context.Context, opts Options) (*Sink, error) {
	if opts.DSN == "" {
		return nil, errors.New("postgres: no dsn")
	}
	if opts.Schema == "" {
		opts.Schema = "public"
	}
	if opts.MaxConns <= 0 {
		opts.MaxConns = 4
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 30 * time.Second
	}
	cfg, err := pgxpool.ParseConfig(opts.DSN)
	if err != nil {
		return nil, fmt.Errorf("postgres: dsn: %w", err)
	}
	cfg.MaxConns = opts.MaxConns
	cfg.MaxConnIdleTime = 5 * time.Minute
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	s := &Sink{pool: pool, timeout: opts.Timeout, schema: pgx.Identifier{opts.Schema}.Sanitize()}
	s.upsert = strings.ReplaceAll(upsertSQL, "{{schema}}", s.schema)
	s.search = strings.ReplaceAll(searchSQL, "{{schema}}", s.schema)
	if err := s.migrate(ctx, opts.Schema); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// migrate applies the embedded migrations not yet recorded, in one
// transaction under an advisory lock for the schema.
func (s *Sink) migrate(ctx context.Context, schema string) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	sort.Strings(names)
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("postgres: connect: %w", err)
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", "newsfeed.migrate."+schema); err != nil {
		return fmt.Errorf("postgres: migration lock: %w", err)
	}
	if schema != "public" {
		if _, err := tx.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+s.schema); err != nil {
			return fmt.Errorf("postgres: create schema %s: %w", s.schema, err)
		}
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS `+s.schema+`.newsfeed_migrations (
		version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return fmt.Errorf("postgres: migrations table: %w", err)
	}
	var current int
	if err := tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM "+s.schema+".newsfeed_migrations").Scan(&current); err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	for _, name := range names {
		base := path.Base(name)
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("postgres: migration %s: bad version", base)
		}
		if v <= current {
			continue
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return fmt.Errorf("postgres: migration %s: %w", base, err)
		}
		if _, err := tx.Exec(ctx, strings.ReplaceAll(string(body), "{{schema}}", s.schema)); err != nil {
			return fmt.Errorf("postgres: migration %s: %w", base, err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO "+s.schema+".newsfeed_migrations (version, name) VALUES ($1, $2)", v, base); err != nil {
			return fmt.Errorf("postgres: migration %s: %w", base, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	return nil
}

const upsertSQL = `INSERT INTO {{schema}}.articles AS a (
	id, revision, url, canonical_url, source, source_name, source_domain, feed_url,
	title, subtitle, authors, published_at, updated_at, language, section, tags,
	image_url, text, html, word_count, summary, simhash, cluster_id, fetched_at,
	content_hash, extraction_method, doc
) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
	$17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27)
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
	doc = excluded.doc, stored_at = now()
WHERE excluded.revision >= a.revision`

// Write upserts the batch in one round trip and one transaction.
func (s *Sink) Write(ctx context.Context, batch []*article.Article) error {
	batch, err := dedup.Batch(batch)
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	if len(batch) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	for _, a := range batch {
		r, err := record.From(a)
		if err != nil {
			return fmt.Errorf("postgres: %w", err)
		}
		b.Queue(s.upsert,
			r.ID, r.Revision, r.URL, r.CanonicalURL, r.Source, r.SourceName, r.SourceDomain, r.FeedURL,
			r.Title, r.Subtitle, r.Authors, ts(r.PublishedAt), ts(r.UpdatedAt), r.Language, r.Section, r.Tags,
			r.ImageURL, r.Text, r.HTML, r.WordCount, r.Summary, r.SimHash, r.ClusterID, ts(r.FetchedAt),
			r.ContentHash, r.ExtractionMethod, json.RawMessage(r.Doc))
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return errors.New("postgres: write after close")
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	// SendBatch pipelines the statements with one Sync: PostgreSQL runs
	// them as one implicit transaction.
	br := s.pool.SendBatch(ctx, b)
	for _, a := range batch {
		if _, err := br.Exec(); err != nil {
			br.Close()
			return classify("upsert "+a.ID, err)
		}
	}
	if err := br.Close(); err != nil {
		return classify("commit", err)
	}
	return nil
}

func ts(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// classify wraps err, marking what the server refuses for the data's sake
// (data exceptions, integrity violations, program limits such as a too long
// tsvector) as permanent. Everything else — lost connections, timeouts,
// shutdowns, serialization failures, a missing table — stays transient.
func classify(op string, err error) error {
	err = fmt.Errorf("postgres: %s: %w", op, err)
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code[:2] {
		case "22", "23", "54":
			return sink.Permanent(err)
		}
	}
	return err
}

// Check pings the server.
func (s *Sink) Check(ctx context.Context) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return errors.New("postgres: closed")
	}
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("postgres: check: %w", err)
	}
	return nil
}

// Close waits for running writes and closes the pool.
func (s *Sink) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.pool.Close()
	return nil
}
