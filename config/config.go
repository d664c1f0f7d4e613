// Package config loads and validates newsfeed's YAML configuration
// (DESIGN §5): defaults first, then strict decoding (unknown keys are errors
// that name the key and its line), then environment overrides, then
// validation, so that a bad file fails at start-up with one clear message.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Config is the whole configuration file.
type Config struct {
	NATS     NATS                `yaml:"nats"`
	HTTP     HTTP                `yaml:"http"`
	Feeds    []Feed              `yaml:"feeds"`
	OPML     string              `yaml:"opml"`
	Sites    map[string]SiteRule `yaml:"sites"`
	Sinks    []Sink              `yaml:"sinks"`
	Metrics  Metrics             `yaml:"metrics"`
	Log      Log                 `yaml:"log"`
	Schedule Schedule            `yaml:"schedule"`
	Pipeline Pipeline            `yaml:"pipeline"`
	Enrich   Enrich              `yaml:"enrich"`

	// Path is the file the configuration was read from ("" for defaults).
	Path string `yaml:"-"`
}

// NATS selects the embedded server or an external one.
type NATS struct {
	URL      string   `yaml:"url"`
	Creds    string   `yaml:"creds"`
	NKey     string   `yaml:"nkey"`
	User     string   `yaml:"user"`
	Password string   `yaml:"password"`
	Token    string   `yaml:"token"`
	TLS      TLS      `yaml:"tls"`
	Embedded Embedded `yaml:"embedded"`
	// Replicas is the replica count of streams and buckets (1 or 3 on a cluster).
	Replicas int `yaml:"replicas"`
	// ArticleRetention is the max age of NEWS_ARTICLES messages.
	ArticleRetention time.Duration `yaml:"article_retention"`
	// SeenTTL is how long an item id stays in the newsfeed_seen bucket.
	SeenTTL time.Duration `yaml:"seen_ttl"`
	// DuplicateWindow is the streams' Nats-Msg-Id window.
	DuplicateWindow time.Duration `yaml:"duplicate_window"`
	// Prefix is prepended to stream and bucket names (for sharing a server).
	ConnectTimeout time.Duration `yaml:"connect_timeout"`
}

// TLS holds client TLS files for an external NATS.
type TLS struct {
	CA   string `yaml:"ca"`
	Cert string `yaml:"cert"`
	Key  string `yaml:"key"`
}

// Embedded configures the in-process nats-server used when NATS.URL is empty.
type Embedded struct {
	// Listen is host:port for clients; "" means in-process connections only.
	Listen     string `yaml:"listen"`
	StoreDir   string `yaml:"store_dir"`
	SyncAlways bool   `yaml:"sync_always"`
	// MaxStore caps JetStream file storage (0: server default).
	MaxStore ByteSize `yaml:"max_store"`
}

// HTTP configures every outgoing request.
type HTTP struct {
	UserAgent            string        `yaml:"user_agent"`
	Timeout              time.Duration `yaml:"timeout"`
	MaxBody              ByteSize      `yaml:"max_body"`
	PerHost              PerHost       `yaml:"per_host"`
	RespectRobots        bool          `yaml:"respect_robots"`
	AllowPrivateNetworks bool          `yaml:"allow_private_networks"`
	AllowHTTPSDowngrade  bool          `yaml:"allow_https_downgrade"`
	MaxRedirects         int           `yaml:"max_redirects"`
}

// PerHost limits requests to one host.
type PerHost struct {
	Concurrency int           `yaml:"concurrency"`
	MinInterval time.Duration `yaml:"min_interval"`
}

// Feed is one configured feed.
type Feed struct {
	URL           string        `yaml:"url"`
	Name          string        `yaml:"name"`
	Interval      time.Duration `yaml:"interval"`
	FetchArticles *bool         `yaml:"fetch_articles"`
	// Type is "feed" (RSS, Atom, JSON Feed; the default) or "sitemap".
	Type string `yaml:"type"`
	// Source overrides the subject token derived from the domain.
	Source string `yaml:"source"`
	// Language is used when neither page nor feed declares one.
	Language string `yaml:"language"`

	// Line is where the feed was declared (0 when it came from OPML).
	Line int `yaml:"-"`
}

// ShouldFetchArticles reports whether article pages are fetched (default true).
func (f Feed) ShouldFetchArticles() bool { return f.FetchArticles == nil || *f.FetchArticles }

// SiteRule holds CSS selectors layered over the generic extractor for one domain.
type SiteRule struct {
	Body    string   `yaml:"body"`
	Drop    []string `yaml:"drop"`
	Title   string   `yaml:"title"`
	Byline  string   `yaml:"byline"`
	Date    string   `yaml:"date"`
	Caption string   `yaml:"caption"`
	Credit  string   `yaml:"credit"`
	Image   string   `yaml:"image"`
	Version string   `yaml:"version"`
}

// Sink is one sink. Fields apply to the types noted.
type Sink struct {
	Type string `yaml:"type"` // sqlite, postgres, jsonl, webhook, stdout
	Name string `yaml:"name"` // defaults to Type; the consumer is sink-<name>

	Path string `yaml:"path"` // sqlite, jsonl
	DSN  string `yaml:"dsn"`  // postgres
	// DSNEnv names an environment variable holding the DSN (postgres).
	DSNEnv string `yaml:"dsn_env"`
	// Schema is the PostgreSQL schema holding the tables (default "public").
	Schema string `yaml:"schema"`
	URL    string `yaml:"url"` // webhook
	// SecretEnv names the environment variable holding the HMAC secret (webhook).
	SecretEnv string            `yaml:"secret_env"`
	Headers   map[string]string `yaml:"headers"` // webhook
	// Mode is "single" (one POST per article, the default) or "batch" (one
	// POST per batch) (webhook).
	Mode string `yaml:"mode"`

	BatchSize     int           `yaml:"batch_size"`
	FlushInterval time.Duration `yaml:"flush_interval"`
	// MaxAckPending bounds unacknowledged articles for this sink's consumer.
	MaxAckPending int           `yaml:"max_ack_pending"`
	Timeout       time.Duration `yaml:"timeout"`
	Concurrency   int           `yaml:"concurrency"`

	// Fsync is "batch" (default), "always" or "never" (jsonl).
	Fsync       string   `yaml:"fsync"`
	RotateSize  ByteSize `yaml:"rotate_size"`  // jsonl; 0 = never
	RotateDaily bool     `yaml:"rotate_daily"` // jsonl
	Compress    *bool    `yaml:"compress"`     // jsonl rotated files (default true)

	AllowPrivateNetworks bool `yaml:"allow_private_networks"` // webhook

	Line int `yaml:"-"`
}

// ConsumerName returns the durable consumer name of the sink.
func (s Sink) ConsumerName() string { return "sink-" + s.Name }

// Metrics configures the HTTP endpoint for /metrics, /healthz and /readyz.
type Metrics struct {
	Listen string `yaml:"listen"` // "" disables the endpoint
	Pprof  bool   `yaml:"pprof"`
	// MaxFeedSeries bounds per-feed series: with more feeds than this, the
	// feed label carries the feed's source (its outlet) instead of its name.
	MaxFeedSeries int `yaml:"max_feed_series"`
}

// Log configures log/slog.
type Log struct {
	Level  string `yaml:"level"`  // debug, info, warn, error
	Format string `yaml:"format"` // auto, json, text
}

// Schedule bounds the polling cadence.
type Schedule struct {
	DefaultInterval time.Duration `yaml:"default_interval"`
	MinInterval     time.Duration `yaml:"min_interval"`
	MaxInterval     time.Duration `yaml:"max_interval"`
	MaxBackoff      time.Duration `yaml:"max_backoff"`
	Tick            time.Duration `yaml:"tick"`
	// AdaptiveFactor caps how far a feed's observed publishing rate may
	// stretch its interval, as a multiple of the configured interval
	// (0: the observed rate is ignored).
	AdaptiveFactor int `yaml:"adaptive_factor"`
}

// Pipeline tunes the stages.
type Pipeline struct {
	Roles         []string      `yaml:"roles"` // scheduler, poller, scraper, sink; empty = all
	Pollers       int           `yaml:"pollers"`
	Scrapers      int           `yaml:"scrapers"`
	AckWait       time.Duration `yaml:"ack_wait"`
	MaxDeliver    int           `yaml:"max_deliver"`
	ShutdownGrace time.Duration `yaml:"shutdown_grace"`
	// OnceTimeout bounds `newsfeed once` as a whole.
	OnceTimeout time.Duration `yaml:"once_timeout"`
}

// Enrich configures the enricher chain.
type Enrich struct {
	Disable       []string      `yaml:"disable"`
	Keywords      int           `yaml:"keywords"`
	ClusterWindow time.Duration `yaml:"cluster_window"`
	// ClusterThreshold is the similarity (0..1) above which two articles
	// join one story cluster; 0 takes the enricher's default.
	ClusterThreshold float64 `yaml:"cluster_threshold"`
	// ClusterMaxMembers bounds the articles each replica's near-duplicate
	// index holds in memory (about 550 bytes each); past it the oldest
	// leave before their window ends. 0 means no bound but the window.
	ClusterMaxMembers int `yaml:"cluster_max_members"`
}

// DefaultClusterMaxMembers bounds the near-duplicate index by default:
// 72 hours of about 33,000 articles a day, some 55 MB per replica.
const DefaultClusterMaxMembers = 100_000

// Default returns the configuration used for keys a file leaves out.
func Default() Config {
	return Config{
		NATS: NATS{
			Embedded:         Embedded{Listen: "127.0.0.1:4222", StoreDir: "./data/nats"},
			Replicas:         1,
			ArticleRetention: 30 * 24 * time.Hour,
			SeenTTL:          30 * 24 * time.Hour,
			DuplicateWindow:  2 * time.Hour,
			ConnectTimeout:   10 * time.Second,
		},
		HTTP: HTTP{
			UserAgent:     "newsfeed/1 (+https://example.org/newsfeed)",
			Timeout:       20 * time.Second,
			MaxBody:       10 << 20,
			PerHost:       PerHost{Concurrency: 2, MinInterval: time.Second},
			RespectRobots: true,
			MaxRedirects:  5,
		},
		Metrics:  Metrics{Listen: "127.0.0.1:9090", MaxFeedSeries: 10000},
		Log:      Log{Level: "info", Format: "auto"},
		Schedule: Schedule{DefaultInterval: 5 * time.Minute, MinInterval: time.Minute, MaxInterval: 24 * time.Hour, MaxBackoff: 6 * time.Hour, Tick: time.Second, AdaptiveFactor: 6},
		Pipeline: Pipeline{Pollers: 4, Scrapers: 8, AckWait: 60 * time.Second, MaxDeliver: 6, ShutdownGrace: 25 * time.Second, OnceTimeout: 30 * time.Minute},
		Enrich:   Enrich{Keywords: 10, ClusterWindow: 72 * time.Hour, ClusterMaxMembers: DefaultClusterMaxMembers},
		Sinks:    nil,
	}
}

// DefaultSinks are used when the file configures none.
func DefaultSinks() []Sink {
	return []Sink{
		{Type: "sqlite", Path: "./data/articles.db"},
		{Type: "jsonl", Path: "./data/articles.jsonl"},
	}
}

// Load reads the file at path. A missing file is an error unless optional
// is set, in which case the defaults are returned (with env overrides).
func Load(path string, optional bool) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if optional && errors.Is(err, os.ErrNotExist) {
			return Parse(nil, "", os.Getenv)
		}
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(data, path, os.Getenv)
}

var unknownField = regexp.MustCompile(`line (\d+): field (\S+) not found in type config\.(\w+)`)

// section names the YAML block of a config struct, for error messages.
var section = map[string]string{
	"Config": "the top level", "NATS": "nats", "TLS": "nats.tls", "Embedded": "nats.embedded",
	"HTTP": "http", "PerHost": "http.per_host", "Feed": "a feed", "SiteRule": "a site rule",
	"Sink": "a sink", "Metrics": "metrics", "Log": "log", "Schedule": "schedule",
	"Pipeline": "pipeline", "Enrich": "enrich", "plain": "the top level",
}

// Parse decodes data (strictly), applies env overrides from getenv and
// validates. name is used in error messages.
func Parse(data []byte, name string, getenv func(string) string) (*Config, error) {
	cfg := Default()
	cfg.Path = name
	where := name
	if where == "" {
		where = "config"
	}
	if len(bytes.TrimSpace(data)) > 0 {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: %s", where, yamlError(err))
		}
	}
	if err := applyEnv(&cfg, getenv); err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	if len(cfg.Sinks) == 0 {
		cfg.Sinks = DefaultSinks()
	}
	if err := cfg.Validate(); err != nil {
		// Name the line of the feed or sink at fault. The node tree is built
		// only now: for a large generated file it costs as much as the
		// decoding itself.
		var root yaml.Node
		if len(data) > 0 && yaml.Unmarshal(data, &root) == nil {
			recordLines(&root, &cfg)
			if err2 := cfg.Validate(); err2 != nil {
				err = err2
			}
		}
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	return &cfg, nil
}

func yamlError(err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msgs := make([]string, 0, len(te.Errors))
		for _, e := range te.Errors {
			if m := unknownField.FindStringSubmatch(e); m != nil {
				sec := section[m[3]]
				if sec == "" {
					sec = m[3]
				}
				msgs = append(msgs, fmt.Sprintf("line %s: unknown key %q in %s", m[1], m[2], sec))
				continue
			}
			msgs = append(msgs, strings.TrimPrefix(e, "yaml: "))
		}
		return strings.Join(msgs, "; ")
	}
	return strings.TrimPrefix(err.Error(), "yaml: ")
}

// recordLines stores the line of each feed and sink for later messages.
func recordLines(root *yaml.Node, cfg *Config) {
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return
	}
	m := root.Content[0]
	if m.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		key, val := m.Content[i].Value, m.Content[i+1]
		if val.Kind != yaml.SequenceNode {
			continue
		}
		for j, item := range val.Content {
			switch {
			case key == "feeds" && j < len(cfg.Feeds):
				cfg.Feeds[j].Line = item.Line
			case key == "sinks" && j < len(cfg.Sinks):
				cfg.Sinks[j].Line = item.Line
			}
		}
	}
}

// Validate checks every field and fills derived defaults (sink names, feed
// intervals). It returns the first problem found.
func (c *Config) Validate() error {
	if c.NATS.URL != "" {
		for _, u := range strings.Split(c.NATS.URL, ",") {
			pu, err := url.Parse(strings.TrimSpace(u))
			if err != nil || pu.Host == "" {
				return fmt.Errorf("nats.url: %q is not a NATS URL (want nats://host:port)", u)
			}
			switch pu.Scheme {
			case "nats", "tls", "ws", "wss":
			default:
				return fmt.Errorf("nats.url: scheme %q not supported (nats, tls, ws, wss)", pu.Scheme)
			}
		}
	} else {
		if c.NATS.Embedded.Listen != "" {
			if _, _, err := net.SplitHostPort(c.NATS.Embedded.Listen); err != nil {
				return fmt.Errorf("nats.embedded.listen: %q is not host:port", c.NATS.Embedded.Listen)
			}
		}
		if c.NATS.Embedded.StoreDir == "" {
			return errors.New("nats.embedded.store_dir: must not be empty")
		}
	}
	if c.NATS.Replicas != 1 && c.NATS.Replicas != 3 && c.NATS.Replicas != 5 {
		return fmt.Errorf("nats.replicas: %d (want 1, 3 or 5)", c.NATS.Replicas)
	}
	for name, d := range map[string]time.Duration{
		"nats.article_retention": c.NATS.ArticleRetention, "nats.seen_ttl": c.NATS.SeenTTL,
		"nats.duplicate_window": c.NATS.DuplicateWindow, "http.timeout": c.HTTP.Timeout,
		"schedule.default_interval": c.Schedule.DefaultInterval, "schedule.min_interval": c.Schedule.MinInterval,
		"schedule.max_interval": c.Schedule.MaxInterval, "schedule.max_backoff": c.Schedule.MaxBackoff,
		"schedule.tick": c.Schedule.Tick, "pipeline.ack_wait": c.Pipeline.AckWait,
		"pipeline.shutdown_grace": c.Pipeline.ShutdownGrace, "pipeline.once_timeout": c.Pipeline.OnceTimeout,
	} {
		if d <= 0 {
			return fmt.Errorf("%s: must be positive, got %v", name, d)
		}
	}
	if c.Schedule.MinInterval > c.Schedule.MaxInterval {
		return fmt.Errorf("schedule.min_interval (%v) is above schedule.max_interval (%v)", c.Schedule.MinInterval, c.Schedule.MaxInterval)
	}
	if c.Schedule.AdaptiveFactor < 0 {
		return fmt.Errorf("schedule.adaptive_factor: must not be negative, got %d", c.Schedule.AdaptiveFactor)
	}
	if c.HTTP.MaxBody <= 0 {
		return errors.New("http.max_body: must be positive")
	}
	if c.HTTP.PerHost.Concurrency < 1 {
		return fmt.Errorf("http.per_host.concurrency: must be at least 1, got %d", c.HTTP.PerHost.Concurrency)
	}
	if c.HTTP.PerHost.MinInterval < 0 {
		return fmt.Errorf("http.per_host.min_interval: must not be negative, got %v", c.HTTP.PerHost.MinInterval)
	}
	if c.HTTP.MaxRedirects < 0 || c.HTTP.MaxRedirects > 20 {
		return fmt.Errorf("http.max_redirects: %d (want 0..20)", c.HTTP.MaxRedirects)
	}
	if c.Pipeline.MaxDeliver < 1 {
		return fmt.Errorf("pipeline.max_deliver: must be at least 1, got %d", c.Pipeline.MaxDeliver)
	}
	if c.Pipeline.Pollers < 1 || c.Pipeline.Scrapers < 1 {
		return errors.New("pipeline.pollers and pipeline.scrapers: must be at least 1")
	}
	for _, r := range c.Pipeline.Roles {
		switch r {
		case "scheduler", "poller", "scraper", "sink":
		default:
			return fmt.Errorf("pipeline.roles: unknown role %q (scheduler, poller, scraper, sink)", r)
		}
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("log.level: %q (want debug, info, warn or error)", c.Log.Level)
	}
	switch c.Log.Format {
	case "auto", "json", "text":
	default:
		return fmt.Errorf("log.format: %q (want auto, json or text)", c.Log.Format)
	}
	if c.Metrics.MaxFeedSeries < 0 {
		return fmt.Errorf("metrics.max_feed_series: must not be negative, got %d", c.Metrics.MaxFeedSeries)
	}
	if c.Metrics.Listen != "" {
		if _, _, err := net.SplitHostPort(c.Metrics.Listen); err != nil {
			return fmt.Errorf("metrics.listen: %q is not host:port", c.Metrics.Listen)
		}
	}
	seen := map[string]int{}
	for i := range c.Feeds {
		if err := c.Feeds[i].validate(c.Schedule); err != nil {
			return fmt.Errorf("%s: %w", c.Feeds[i].where(i), err)
		}
		if prev, dup := seen[c.Feeds[i].URL]; dup {
			return fmt.Errorf("%s: duplicate of feed %d (%s)", c.Feeds[i].where(i), prev+1, c.Feeds[i].URL)
		}
		seen[c.Feeds[i].URL] = i
	}
	names := map[string]bool{}
	for i := range c.Sinks {
		s := &c.Sinks[i]
		if err := s.validate(); err != nil {
			return fmt.Errorf("%s: %w", s.where(i), err)
		}
		if names[s.Name] {
			return fmt.Errorf("%s: another sink is already named %q (set name: to tell them apart)", s.where(i), s.Name)
		}
		names[s.Name] = true
	}
	if c.Enrich.ClusterThreshold < 0 || c.Enrich.ClusterThreshold > 1 {
		return fmt.Errorf("enrich.cluster_threshold: %v (want 0..1)", c.Enrich.ClusterThreshold)
	}
	if c.Enrich.ClusterMaxMembers < 0 {
		return fmt.Errorf("enrich.cluster_max_members: must not be negative, got %d (0: bounded by cluster_window only)", c.Enrich.ClusterMaxMembers)
	}
	if c.Enrich.Keywords < 0 {
		return fmt.Errorf("enrich.keywords: must not be negative, got %d", c.Enrich.Keywords)
	}
	for domain, r := range c.Sites {
		if strings.TrimSpace(domain) == "" || strings.ContainsAny(domain, "/ ") {
			return fmt.Errorf("sites: %q is not a domain", domain)
		}
		if r.Body == "" && len(r.Drop) == 0 && r.Title == "" && r.Byline == "" && r.Date == "" && r.Caption == "" && r.Credit == "" && r.Image == "" {
			return fmt.Errorf("sites.%s: the rule sets no selector", domain)
		}
	}
	return nil
}

func (f Feed) where(i int) string {
	if f.Line > 0 {
		return fmt.Sprintf("feed %d (line %d)", i+1, f.Line)
	}
	return fmt.Sprintf("feed %d", i+1)
}

func (f *Feed) validate(s Schedule) error {
	f.URL = strings.TrimSpace(f.URL)
	if f.URL == "" {
		return errors.New("url is missing")
	}
	u, err := url.Parse(f.URL)
	if err != nil {
		return fmt.Errorf("url %q: %w", f.URL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("url %q: scheme must be http or https", f.URL)
	}
	if u.Host == "" {
		return fmt.Errorf("url %q: no host", f.URL)
	}
	if f.Interval < 0 {
		return fmt.Errorf("interval: must not be negative, got %v", f.Interval)
	}
	if f.Interval == 0 {
		f.Interval = s.DefaultInterval
	}
	switch f.Type {
	case "":
		f.Type = "feed"
	case "feed", "sitemap":
	default:
		return fmt.Errorf("type: %q (want feed or sitemap)", f.Type)
	}
	if f.Source != "" && !regexp.MustCompile(`^[a-z0-9_-]+$`).MatchString(f.Source) {
		return fmt.Errorf("source: %q must be a lower-case slug (a-z, 0-9, - and _)", f.Source)
	}
	if f.Name == "" {
		f.Name = u.Hostname()
	}
	return nil
}

func (s Sink) where(i int) string {
	if s.Line > 0 {
		return fmt.Sprintf("sink %d (line %d)", i+1, s.Line)
	}
	return fmt.Sprintf("sink %d", i+1)
}

var (
	sinkName     = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
	pgSchemaName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,62}$`)
)

func (s *Sink) validate() error {
	if s.Name == "" {
		s.Name = s.Type
	}
	if !sinkName.MatchString(s.Name) {
		return fmt.Errorf("name %q: use letters, digits, - and _ only", s.Name)
	}
	switch s.Type {
	case "sqlite", "jsonl":
		if s.Path == "" {
			return fmt.Errorf("type %s needs a path", s.Type)
		}
	case "postgres":
		if s.DSN == "" && s.DSNEnv == "" {
			return errors.New("type postgres needs dsn or dsn_env")
		}
		if s.Schema != "" && !pgSchemaName.MatchString(s.Schema) {
			return fmt.Errorf("schema %q: use letters, digits and _ (not starting with a digit)", s.Schema)
		}
	case "webhook":
		u, err := url.Parse(s.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("type webhook needs an http(s) url, got %q", s.URL)
		}
	case "stdout":
	case "":
		return errors.New("type is missing (sqlite, postgres, jsonl, webhook or stdout)")
	default:
		return fmt.Errorf("unknown type %q (sqlite, postgres, jsonl, webhook or stdout)", s.Type)
	}
	switch s.Mode {
	case "":
		if s.Type == "webhook" {
			s.Mode = "single"
		}
	case "single", "batch":
		if s.Type != "webhook" {
			return fmt.Errorf("mode: only webhook sinks take a mode, not %s", s.Type)
		}
	default:
		return fmt.Errorf("mode: %q (want single or batch)", s.Mode)
	}
	switch s.Fsync {
	case "":
		s.Fsync = "batch"
	case "batch", "always", "never":
	default:
		return fmt.Errorf("fsync: %q (want batch, always or never)", s.Fsync)
	}
	if s.BatchSize < 0 || s.MaxAckPending < 0 || s.Concurrency < 0 || s.Timeout < 0 || s.FlushInterval < 0 {
		return errors.New("batch_size, max_ack_pending, concurrency, timeout and flush_interval must not be negative")
	}
	if s.BatchSize == 0 {
		s.BatchSize = 100
	}
	if s.MaxAckPending == 0 {
		s.MaxAckPending = 1000
	}
	if s.MaxAckPending < s.BatchSize {
		s.MaxAckPending = s.BatchSize
	}
	if s.Concurrency == 0 {
		s.Concurrency = 1
	}
	if s.Timeout == 0 {
		s.Timeout = 30 * time.Second
	}
	if s.FlushInterval == 0 {
		s.FlushInterval = 100 * time.Millisecond
	}
	return nil
}
