package faulttest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/config"
	"github.com/newsfeed/newsfeed/enricher"
	"github.com/newsfeed/newsfeed/fetcher"
	"github.com/newsfeed/newsfeed/internal/natsbus"
	"github.com/newsfeed/newsfeed/metrics"
	"github.com/newsfeed/newsfeed/parser"
	"github.com/newsfeed/newsfeed/pipeline"
	"github.com/newsfeed/newsfeed/sink"
	"github.com/newsfeed/newsfeed/sink/sinks"
)

// spec describes one replica's configuration.
type spec struct {
	Name     string
	NATSURL  string
	Replicas int // stream and bucket replicas (default 1)
	Feeds    []config.Feed
	// Sinks are YAML flow mappings, e.g. {type: jsonl, path: "..."}.
	Sinks []string
	// Pipeline, Schedule and HTTP are YAML flow mappings replacing the
	// test defaults.
	Pipeline, Schedule, HTTP string
	// Metrics is metrics.listen ("" = off).
	Metrics string
	// SeenTTL and DuplicateWindow override the defaults when set.
	Extra string // more top-level YAML

	// In-process only:
	Roles *pipeline.Roles
	// Wrap, if set, wraps each sink (after the recorder).
	Wrap func(name string, s sink.Sink) sink.Sink
	// Rec counts every successful sink write (shared between replicas).
	Rec *recorder
}

const (
	defaultPipeline = "{ack_wait: 2s, max_deliver: 6, shutdown_grace: 5s, pollers: 2, scrapers: 4}"
	defaultSchedule = "{tick: 250ms, max_backoff: 5s}"
	// defaultHTTP takes the user agent, newsfeed-<replica name>, which
	// tells the origin who asked.
	defaultHTTP = "{allow_private_networks: true, respect_robots: false, timeout: 5s, per_host: {concurrency: 4, min_interval: 0s}, user_agent: %q}"
)

func (s spec) yaml() string {
	var b strings.Builder
	replicas := s.Replicas
	if replicas == 0 {
		replicas = 1
	}
	fmt.Fprintf(&b, "nats: {url: %q, replicas: %d}\n", s.NATSURL, replicas)
	fmt.Fprintf(&b, "http: %s\n", or(s.HTTP, fmt.Sprintf(defaultHTTP, userAgent(s.Name))))
	fmt.Fprintf(&b, "schedule: %s\n", or(s.Schedule, defaultSchedule))
	fmt.Fprintf(&b, "pipeline: %s\n", or(s.Pipeline, defaultPipeline))
	fmt.Fprintf(&b, "metrics: {listen: %q}\n", s.Metrics)
	b.WriteString("log: {level: info, format: json}\n")
	b.WriteString("feeds:\n")
	for _, f := range s.Feeds {
		fmt.Fprintf(&b, "  - {url: %q, name: %q}\n", f.URL, f.Name)
	}
	b.WriteString("sinks:\n")
	for _, sk := range s.Sinks {
		fmt.Fprintf(&b, "  - %s\n", sk)
	}
	b.WriteString(s.Extra)
	return b.String()
}

func userAgent(replica string) string { return "newsfeed-" + replica }

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (s spec) config(t *testing.T) *config.Config {
	t.Helper()
	cfg, err := config.Parse([]byte(s.yaml()), s.Name+".yaml", func(string) string { return "" })
	if err != nil {
		t.Fatalf("config:\n%s\n%v", s.yaml(), err)
	}
	return cfg
}

// jsonlSink is a JSONL sink named jsonl (one durable consumer shared by
// every replica) writing to its own file.
func jsonlSink(path string) string { return fmt.Sprintf("{type: jsonl, name: jsonl, path: %q}", path) }

// replica is one newsfeed process run in the test process: its own NATS
// connection, fetcher, sinks and pipeline.
type replica struct {
	t       *testing.T
	name    string
	cfg     *config.Config
	bus     *natsbus.Bus
	pipe    *pipeline.Pipeline
	sinks   map[string]sink.Sink
	metrics *metrics.Metrics
	logPath string
	logFile *os.File

	cancel  context.CancelFunc
	done    chan struct{}
	stopped bool
}

// startReplica opens everything the daemon opens and runs the pipeline.
func startReplica(t *testing.T, dir string, s spec) *replica {
	t.Helper()
	cfg := s.config(t)
	r := &replica{t: t, name: s.Name, cfg: cfg, logPath: filepath.Join(dir, s.Name+".log")}
	lf, err := os.OpenFile(r.logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	r.logFile = lf
	logger := slog.New(slog.NewJSONHandler(lf, &slog.HandlerOptions{Level: slog.LevelInfo})).With("replica", s.Name)
	t.Cleanup(r.stop)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	r.bus, err = natsbus.Open(ctx, cfg.NATS, logger, "newsfeed-"+s.Name)
	if err != nil {
		t.Fatal(err)
	}
	stores, err := natsbus.Setup(ctx, r.bus.JS, cfg.NATS, cfg.Enrich.ClusterWindow)
	if err != nil {
		t.Fatal(err)
	}
	fo := fetcher.OptionsFromConfig(cfg.HTTP)
	fo.Outage = fetcher.NewOutageDetector(0, 0)
	fc, err := fetcher.New(fo)
	if err != nil {
		t.Fatal(err)
	}
	r.sinks = map[string]sink.Sink{}
	for _, sc := range cfg.Sinks {
		sk, err := sinks.Open(ctx, sc, sinks.Options{Logger: logger})
		if err != nil {
			t.Fatal(err)
		}
		if s.Rec != nil {
			sk = &recSink{Sink: sk, rec: s.Rec, name: sc.Name}
		}
		if s.Wrap != nil {
			sk = s.Wrap(sc.Name, sk)
		}
		r.sinks[sc.Name] = sk
	}
	r.metrics = metrics.New(prometheus.NewRegistry(), "test")
	r.pipe, err = pipeline.New(pipeline.Deps{
		Config: cfg, Bus: r.bus, Stores: stores, Fetcher: fc, Extractor: parser.New(nil),
		Enricher: enricher.NewChain(logger, enricher.WordCount{}), Sinks: r.sinks, Metrics: r.metrics,
		Logger: logger, Outage: fo.Outage,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.pipe.Setup(ctx); err != nil {
		t.Fatal(err)
	}
	roles := pipeline.AllRoles()
	if s.Roles != nil {
		roles = *s.Roles
	}
	rctx, rcancel := context.WithCancel(context.Background())
	r.cancel, r.done = rcancel, make(chan struct{})
	go func() {
		defer close(r.done)
		_ = r.pipe.Run(rctx, roles)
	}()
	return r
}

// shutdown cancels the pipeline and returns how long Run took to return.
func (r *replica) shutdown() time.Duration {
	r.t.Helper()
	if r.cancel == nil {
		return 0
	}
	start := time.Now()
	r.cancel()
	select {
	case <-r.done:
	case <-time.After(r.cfg.Pipeline.ShutdownGrace + 30*time.Second):
		r.t.Errorf("replica %s did not stop within the grace period + 30s", r.name)
	}
	r.cancel = nil
	return time.Since(start)
}

// stop shuts the replica down and releases everything.
func (r *replica) stop() {
	if r.stopped {
		return
	}
	r.stopped = true
	r.shutdown()
	if r.bus != nil {
		r.bus.Close()
	}
	for _, s := range r.sinks {
		_ = s.Close()
	}
	if r.logFile != nil {
		r.logFile.Close()
	}
	if r.t.Failed() {
		dumpTail(r.t, r.logPath, 40)
	}
}

func dumpTail(t *testing.T, path string, n int) {
	b, err := os.ReadFile(path)
	if err != nil {
		return
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	t.Logf("last lines of %s:\n%s", path, strings.Join(lines, "\n"))
}

// recorder counts the articles every sink wrote successfully, per sink
// and id, across replicas.
type recorder struct {
	mu     sync.Mutex
	writes map[string]map[string]int // sink → id → successful writes
	calls  int
}

func newRecorder() *recorder { return &recorder{writes: map[string]map[string]int{}} }

// redeliveries returns, for sink name, the successful writes of ids
// already written before: articles handed to the sink again.
func (r *recorder) redeliveries(name string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.writes[name] {
		n += c - 1
	}
	return n
}

type recSink struct {
	sink.Sink
	rec  *recorder
	name string
}

func (s *recSink) Write(ctx context.Context, batch []*article.Article) error {
	err := s.Sink.Write(ctx, batch)
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	s.rec.calls++
	if err != nil {
		return err
	}
	m := s.rec.writes[s.name]
	if m == nil {
		m = map[string]int{}
		s.rec.writes[s.name] = m
	}
	for _, a := range batch {
		m[a.ID]++
	}
	return nil
}

// proc is a `newsfeed run` process.
type proc struct {
	t       *testing.T
	name    string
	cmd     *exec.Cmd
	done    chan struct{}
	exit    error
	log     string
	metrics string
	exited  time.Time
}

// startProc writes s's configuration and starts `newsfeed run` with it.
func startProc(t *testing.T, dir string, s spec) *proc {
	t.Helper()
	if s.Metrics == "" {
		s.Metrics = fmt.Sprintf("127.0.0.1:%d", freePort(t))
	}
	cfgPath := filepath.Join(dir, s.Name+".yaml")
	if err := os.WriteFile(cfgPath, []byte(s.yaml()), 0o644); err != nil {
		t.Fatal(err)
	}
	p := &proc{t: t, name: s.Name, log: filepath.Join(dir, s.Name+".log"), metrics: s.Metrics}
	lf, err := os.OpenFile(p.log, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(newsfeedBinary(t), "run", "--config", cfgPath)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = lf, lf
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NEWSFEED_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	if err := cmd.Start(); err != nil {
		lf.Close()
		t.Fatal(err)
	}
	p.cmd, p.done = cmd, make(chan struct{})
	go func() {
		p.exit = cmd.Wait()
		p.exited = time.Now()
		lf.Close()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.signal(syscall.SIGKILL)
		<-p.done
		if t.Failed() {
			dumpTail(t, p.log, 40)
		}
	})
	return p
}

func (p *proc) signal(sig syscall.Signal) {
	select {
	case <-p.done:
	default:
		_ = p.cmd.Process.Signal(sig)
	}
}

// wait waits at most d for the process to exit and returns when it did.
func (p *proc) wait(d time.Duration) (bool, time.Time) {
	select {
	case <-p.done:
		return true, p.exited
	case <-time.After(d):
		return false, time.Time{}
	}
}

// ready probes /readyz.
func (p *proc) ready() bool {
	return probeReady("http://" + p.metrics + "/readyz")
}

func probeReady(u string) bool {
	c := http.Client{Timeout: 3 * time.Second}
	resp, err := c.Get(u)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode == http.StatusOK
}
