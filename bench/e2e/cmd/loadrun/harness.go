package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/newsfeed/newsfeed/internal/testsite"
)

// Result is what one load run measured. Times are seconds, sizes KiB.
type Result struct {
	Label   string    `json:"label"`
	Mode    string    `json:"mode"`
	Started time.Time `json:"started"`
	Command string    `json:"command"`
	// LoadBefore and LoadAfter are /proc/loadavg at the start and the end.
	LoadBefore string `json:"load_before"`
	LoadAfter  string `json:"load_after"`

	Feeds      int    `json:"feeds"`
	Items      int    `json:"items"`
	PageKB     int    `json:"page_kb"`
	PerHost    int    `json:"per_host"`
	Scrapers   int    `json:"scrapers"`
	SyncAlways bool   `json:"sync_always"`
	GoMemLimit string `json:"gomemlimit,omitempty"`
	// ClusterMax is enrich.cluster_max_members when set (-1: the default).
	ClusterMax int     `json:"cluster_max_members,omitempty"`
	Sinks      string  `json:"sinks"`
	PageBytes  float64 `json:"mean_page_bytes"`

	Articles int            `json:"articles"` // expected
	Written  map[string]int `json:"written"`  // per sink, counted afterwards
	ExitCode int            `json:"exit_code"`

	Wall      float64 `json:"wall_s"`
	User      float64 `json:"user_s"`
	Sys       float64 `json:"sys_s"`
	MaxRSSKiB int64   `json:"max_rss_kib"`
	EndRSSKiB int64   `json:"end_rss_kib,omitempty"`
	OriginCPU float64 `json:"origin_cpu_s"` // the test site and the monitor (loadrun itself)
	// With -nats-server: the separate server's CPU seconds and peak RSS
	// (not in User, Sys and MaxRSSKiB, which are newsfeed's own).
	NATSServerCPU    float64 `json:"nats_server_cpu_s,omitempty"`
	NATSServerRSSKiB int64   `json:"nats_server_max_rss_kib,omitempty"`
	ArticlesPerSec   float64 `json:"articles_per_s"`
	CPUmsPerArt      float64 `json:"cpu_ms_per_article"`
	// CPUBoundRate is the articles/s the run's CPU cost per article allows
	// on all of this machine's cores (NumCPU / CPU s per article).
	CPUBoundRate float64 `json:"cpu_bound_articles_per_s"`
	NumCPU       int     `json:"num_cpu"`

	Latency map[string]Latency `json:"latency,omitempty"` // per sink, from discovery to ack
	// Histogram quantiles of newsfeed_item_to_sink_seconds (run mode).
	HistP50 float64 `json:"hist_p50_s,omitempty"`
	HistP99 float64 `json:"hist_p99_s,omitempty"`

	Stages []Stage `json:"stages,omitempty"`

	// Sched mode.
	JobsPublished float64 `json:"jobs_published,omitempty"`
	FirstRound    float64 `json:"first_round_s,omitempty"` // start to every job published
	IdleCPU       float64 `json:"idle_cpu_s,omitempty"`    // CPU used while watching the idle daemon
	IdleSeconds   float64 `json:"idle_s,omitempty"`
	Series        int     `json:"metric_series,omitempty"` // lines of /metrics (samples)
	ConfigBytes   int64   `json:"config_bytes,omitempty"`

	// Samples follow the daemon's memory over a run mode run.
	Samples []Sample `json:"samples,omitempty"`

	Notes []string `json:"notes,omitempty"`
}

// Sample is the daemon's memory at one moment of a run: articles written
// by the first sink, resident set, and the Go runtime's heap in use and
// memory obtained from the OS (MiB).
type Sample struct {
	T         float64 `json:"t_s"`
	Written   float64 `json:"written"`
	RSS       float64 `json:"rss_mib"`
	HeapInuse float64 `json:"go_heap_inuse_mib"`
	GoSys     float64 `json:"go_sys_mib"`
}

// Latency summarises discovery-to-sink latencies.
type Latency struct {
	N   int     `json:"n"`
	P50 float64 `json:"p50_s"`
	P90 float64 `json:"p90_s"`
	P99 float64 `json:"p99_s"`
	Max float64 `json:"max_s"`
}

func runHarness(ctx context.Context, o *options) error {
	work := o.work
	if work == "" {
		d, err := os.MkdirTemp("", "loadrun-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		work = d
	} else if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	site := testsite.New(testsite.Options{Feeds: o.feeds, Items: o.items, PageKB: o.pageKB, Latency: o.latency, ErrorRate: o.errorRate, Seed: 1})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	site.Base = "http://" + ln.Addr().String()
	srv := &http.Server{Handler: site, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	res := &Result{
		Label: o.label, Mode: o.mode, Started: time.Now().UTC(), Feeds: o.feeds, Items: o.items, PageKB: o.pageKB,
		PerHost: o.perHost, Scrapers: o.scrapers, SyncAlways: o.syncAlways, GoMemLimit: o.memLimit, ClusterMax: o.clusterMax, Sinks: o.sinks, NumCPU: runtime.NumCPU(),
		Articles: o.feeds * o.items, Written: map[string]int{}, Command: strings.Join(os.Args, " "),
	}
	res.PageBytes = meanPageBytes(site)
	natsPort, err := freePort()
	if err != nil {
		return err
	}
	metricsPort := 0
	if o.mode != "once" {
		if metricsPort, err = freePort(); err != nil {
			return err
		}
	}
	cfgPath := filepath.Join(work, "newsfeed.yaml")
	cfg := configYAML(o, site.Base, work, natsPort, metricsPort)
	if err := os.WriteFile(cfgPath, cfg, 0o644); err != nil {
		return err
	}
	if fi, err := os.Stat(cfgPath); err == nil {
		res.ConfigBytes = fi.Size()
	}

	stopNATS := func() {}
	if o.natsServer != "" {
		if stopNATS, err = startNATSServer(ctx, o.natsServer, filepath.Join(work, "natsd"), natsPort, res); err != nil {
			return err
		}
		defer stopNATS() // a second call does nothing
	}
	res.LoadBefore = loadavg()
	cpu0 := selfCPU()
	switch o.mode {
	case "once":
		err = runOnce(ctx, o, cfgPath, natsPort, res)
	case "run":
		err = runDaemon(ctx, o, cfgPath, natsPort, metricsPort, res)
	case "sched":
		err = runSched(ctx, o, cfgPath, metricsPort, res)
	default:
		err = fmt.Errorf("unknown mode %q", o.mode)
	}
	res.OriginCPU = (selfCPU() - cpu0).Seconds()
	res.LoadAfter = loadavg()
	stopNATS()
	if err != nil {
		return err
	}
	if o.mode != "sched" {
		countWritten(work, o, res)
		if res.Wall > 0 {
			res.ArticlesPerSec = float64(res.Written["jsonl"]) / res.Wall
			if res.Written["jsonl"] == 0 {
				res.ArticlesPerSec = float64(res.Articles) / res.Wall
			}
		}
		if res.Articles > 0 {
			res.CPUmsPerArt = (res.User + res.Sys) / float64(res.Articles) * 1000
			if res.CPUmsPerArt > 0 {
				res.CPUBoundRate = float64(res.NumCPU) / (res.CPUmsPerArt / 1000)
			}
		}
	}
	out, _ := json.MarshalIndent(res, "", "  ")
	out = append(out, '\n')
	if o.out == "" {
		_, err = os.Stdout.Write(out)
		return err
	}
	return os.WriteFile(o.out, out, 0o644)
}

// configYAML writes the configuration: one generated host, politeness out
// of the way (per-host concurrency raised, no minimum interval), the
// embedded NATS server listening on loopback so that the harness can watch
// the acknowledgements.
func configYAML(o *options, base, work string, natsPort, metricsPort int) []byte {
	var b bytes.Buffer
	if o.natsServer != "" {
		fmt.Fprintf(&b, "nats:\n  url: \"nats://127.0.0.1:%d\"\n", natsPort)
	} else {
		fmt.Fprintf(&b, "nats:\n  embedded: {listen: \"127.0.0.1:%d\", store_dir: %q, sync_always: %v}\n", natsPort, filepath.Join(work, "nats"), o.syncAlways)
	}
	fmt.Fprintf(&b, "http:\n  timeout: 60s\n  per_host: {concurrency: %d, min_interval: 0s}\n  allow_private_networks: true\n", o.perHost)
	if metricsPort > 0 {
		fmt.Fprintf(&b, "metrics: {listen: \"127.0.0.1:%d\", pprof: true}\n", metricsPort)
	} else {
		b.WriteString("metrics: {listen: \"\"}\n")
	}
	b.WriteString("log: {level: warn, format: json}\n")
	fmt.Fprintf(&b, "pipeline: {scrapers: %d, pollers: %d, once_timeout: %s", o.scrapers, o.pollers, o.timeout)
	if o.mode == "sched" {
		b.WriteString(", roles: [scheduler]")
	}
	b.WriteString("}\n")
	if o.clusterMax >= 0 {
		fmt.Fprintf(&b, "enrich: {cluster_max_members: %d}\n", o.clusterMax)
	}
	b.WriteString("sinks:\n")
	for _, s := range strings.Split(o.sinks, ",") {
		switch strings.TrimSpace(s) {
		case "sqlite":
			fmt.Fprintf(&b, "  - {type: sqlite, path: %q}\n", filepath.Join(work, "articles.db"))
		case "jsonl":
			fmt.Fprintf(&b, "  - {type: jsonl, path: %q}\n", filepath.Join(work, "articles.jsonl"))
		}
	}
	b.WriteString("feeds:\n")
	for f := 0; f < o.feeds; f++ {
		fmt.Fprintf(&b, "  - {url: \"%s/gen/%d/feed.xml\", name: \"gen%d\"}\n", base, f, f)
	}
	return b.Bytes()
}

// runOnce runs `newsfeed once` (or the in-process child) and waits for it.
func runOnce(ctx context.Context, o *options, cfgPath string, natsPort int, res *Result) error {
	cmd := childCommand(ctx, o, cfgPath)
	mon := newMonitor(natsPort)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start: %w", err)
	}
	mctx, stopMon := context.WithCancel(ctx)
	monDone := make(chan struct{})
	go func() {
		defer close(monDone)
		mon.run(mctx)
	}()
	rssDone := make(chan int64)
	go func() { rssDone <- lastRSS(mctx, cmd.Process.Pid) }()
	err := cmd.Wait()
	res.Wall = time.Since(start).Seconds()
	stopMon()
	<-monDone
	res.EndRSSKiB = <-rssDone
	fillUsage(cmd.ProcessState, res)
	res.Latency = mon.latencies()
	if mon.err != nil {
		res.Notes = append(res.Notes, "latency monitor: "+mon.err.Error())
	}
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return err
		}
		res.Notes = append(res.Notes, "once exited with "+err.Error())
	}
	if o.inprocess && o.profileDir != "" {
		stages, err := attribute(o.profileDir, res.Articles)
		if err != nil {
			res.Notes = append(res.Notes, "profile: "+err.Error())
		}
		res.Stages = stages
	}
	return nil
}

func childCommand(ctx context.Context, o *options, cfgPath string) *exec.Cmd {
	var cmd *exec.Cmd
	switch {
	case o.inprocess:
		self, _ := os.Executable()
		args := []string{"child", "-config", cfgPath}
		if o.profileDir != "" {
			_ = os.MkdirAll(o.profileDir, 0o755)
			args = append(args, "-cpuprofile", filepath.Join(o.profileDir, "cpu.pprof"), "-allocprofile", filepath.Join(o.profileDir, "allocs.pprof"))
			if o.heapEvery > 0 {
				args = append(args, "-heapevery", o.heapEvery.String())
			}
		}
		cmd = exec.CommandContext(ctx, self, args...)
	case o.mode == "once":
		cmd = exec.CommandContext(ctx, o.bin, "once", "--config", cfgPath)
	default:
		cmd = exec.CommandContext(ctx, o.bin, "run", "--config", cfgPath)
	}
	cmd.Stdout = os.Stderr
	cmd.Stderr = &tailWriter{max: 64 << 10}
	if o.childLog != "" {
		if f, err := os.Create(o.childLog); err == nil {
			cmd.Stderr = io.MultiWriter(cmd.Stderr, f) // closed at exit
		}
	}
	if o.memLimit != "" {
		cmd.Env = append(os.Environ(), "GOMEMLIMIT="+o.memLimit)
	}
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 30 * time.Second
	return cmd
}

// runDaemon runs `newsfeed run` until every article is written by every
// sink, then stops it with SIGTERM.
func runDaemon(ctx context.Context, o *options, cfgPath string, natsPort, metricsPort int, res *Result) error {
	cmd := childCommand(ctx, o, cfgPath)
	mon := newMonitor(natsPort)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start: %w", err)
	}
	mctx, stopMon := context.WithCancel(ctx)
	monDone := make(chan struct{})
	go func() {
		defer close(monDone)
		mon.run(mctx)
	}()
	metricsURL := fmt.Sprintf("http://127.0.0.1:%d/metrics", metricsPort)
	sinks := strings.Split(o.sinks, ",")
	var last map[string]float64
	var done time.Time
	tick := time.NewTicker(250 * time.Millisecond)
	for done.IsZero() {
		select {
		case <-ctx.Done():
			tick.Stop()
			_ = cmd.Process.Signal(syscall.SIGTERM)
			_ = cmd.Wait()
			stopMon()
			<-monDone
			return fmt.Errorf("daemon did not write every article in time: %w; stderr: %s", ctx.Err(), cmd.Stderr)
		case <-tick.C:
		}
		m, err := scrape(metricsURL)
		if err != nil {
			continue
		}
		last = m
		if len(res.Samples) == 0 || time.Since(start).Seconds()-res.Samples[len(res.Samples)-1].T >= 5 {
			res.Samples = append(res.Samples, Sample{
				T:         time.Since(start).Seconds(),
				Written:   m[`newsfeed_sink_writes_total{result="ok",sink="`+strings.TrimSpace(sinks[0])+`"}`],
				RSS:       m["process_resident_memory_bytes"] / (1 << 20),
				HeapInuse: m["go_memstats_heap_inuse_bytes"] / (1 << 20),
				GoSys:     m["go_memstats_sys_bytes"] / (1 << 20),
			})
		}
		all := true
		for _, s := range sinks {
			if m[`newsfeed_sink_writes_total{result="ok",sink="`+strings.TrimSpace(s)+`"}`] < float64(res.Articles) {
				all = false
			}
		}
		if all {
			done = time.Now()
		}
	}
	tick.Stop()
	res.Wall = done.Sub(start).Seconds()
	res.EndRSSKiB = procStatusKiB(cmd.Process.Pid, "VmRSS")
	if last != nil {
		res.HistP50 = histQuantile(last, "newsfeed_item_to_sink_seconds", 0.5)
		res.HistP99 = histQuantile(last, "newsfeed_item_to_sink_seconds", 0.99)
	}
	// CPU and peak RSS at the moment the work was done, before shutdown.
	u, s := procCPU(cmd.Process.Pid)
	hwm := procStatusKiB(cmd.Process.Pid, "VmHWM")
	_ = cmd.Process.Signal(syscall.SIGTERM)
	_ = cmd.Wait()
	stopMon()
	<-monDone
	fillUsage(cmd.ProcessState, res)
	res.User, res.Sys, res.MaxRSSKiB = u, s, hwm
	res.Latency = mon.latencies()
	if mon.err != nil {
		res.Notes = append(res.Notes, "latency monitor: "+mon.err.Error())
	}
	return nil
}

// runSched runs the daemon with only the scheduler role and many feeds:
// it waits until the first round of poll jobs is published (every feed is
// due at start), then watches the idle daemon for o.hold.
func runSched(ctx context.Context, o *options, cfgPath string, metricsPort int, res *Result) error {
	cmd := childCommand(ctx, o, cfgPath)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start: %w", err)
	}
	defer func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			_ = cmd.Wait()
		}
	}()
	metricsURL := fmt.Sprintf("http://127.0.0.1:%d/metrics", metricsPort)
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return fmt.Errorf("scheduler did not publish every job in time: %w; stderr: %s", ctx.Err(), cmd.Stderr)
		case <-tick.C:
		}
		m, err := scrape(metricsURL)
		if err != nil {
			continue
		}
		res.JobsPublished = m["newsfeed_poll_jobs_published_total"]
		if res.JobsPublished >= float64(o.feeds) {
			res.Series = len(m)
			break
		}
	}
	res.FirstRound = time.Since(start).Seconds()
	if o.profileDir != "" {
		if err := saveURL(fmt.Sprintf("http://127.0.0.1:%d/debug/pprof/heap?gc=1", metricsPort), filepath.Join(o.profileDir, "heap.pprof")); err != nil {
			res.Notes = append(res.Notes, "heap profile: "+err.Error())
		}
	}
	u0, s0 := procCPU(cmd.Process.Pid)
	t0 := time.Now()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(o.hold):
	}
	u1, s1 := procCPU(cmd.Process.Pid)
	res.IdleCPU = (u1 - u0) + (s1 - s0)
	res.IdleSeconds = time.Since(t0).Seconds()
	res.EndRSSKiB = procStatusKiB(cmd.Process.Pid, "VmRSS")
	res.MaxRSSKiB = procStatusKiB(cmd.Process.Pid, "VmHWM")
	res.User, res.Sys = u1, s1
	res.Wall = time.Since(start).Seconds()
	_ = cmd.Process.Signal(syscall.SIGTERM)
	_ = cmd.Wait()
	return nil
}

func fillUsage(ps *os.ProcessState, res *Result) {
	if ps == nil {
		return
	}
	res.ExitCode = ps.ExitCode()
	res.User = ps.UserTime().Seconds()
	res.Sys = ps.SystemTime().Seconds()
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		res.MaxRSSKiB = ru.Maxrss // KiB on Linux
	}
}

// countWritten counts what the sinks hold: lines of the JSONL file, rows of
// the SQLite database.
func countWritten(work string, o *options, res *Result) {
	if strings.Contains(o.sinks, "jsonl") {
		if f, err := os.Open(filepath.Join(work, "articles.jsonl")); err == nil {
			sc := bufio.NewScanner(f)
			sc.Buffer(make([]byte, 1<<20), 64<<20)
			n := 0
			for sc.Scan() {
				n++
			}
			f.Close()
			res.Written["jsonl"] = n
		}
	}
	if strings.Contains(o.sinks, "sqlite") {
		if n, err := sqliteCount(filepath.Join(work, "articles.db")); err == nil {
			res.Written["sqlite"] = n
		} else {
			res.Notes = append(res.Notes, "sqlite count: "+err.Error())
		}
	}
}

func meanPageBytes(site *testsite.Site) float64 {
	total, n := 0, 0
	for i := 0; i < 8; i++ {
		rw := &countingWriter{h: http.Header{}}
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/gen/0/%d.html", site.Base, i), nil)
		site.ServeHTTP(rw, req)
		if rw.n > 0 {
			total += rw.n
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return float64(total) / float64(n)
}

type countingWriter struct {
	h http.Header
	n int
}

func (c *countingWriter) Header() http.Header         { return c.h }
func (c *countingWriter) WriteHeader(int)             {}
func (c *countingWriter) Write(p []byte) (int, error) { c.n += len(p); return len(p), nil }

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// procCPU returns a live process's user and system CPU seconds.
func procCPU(pid int) (float64, float64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, 0
	}
	// Fields after the command: state(0) ... utime(11) stime(12), in clock ticks (100/s on Linux).
	u, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return u / 100, st / 100
}

// lastRSS samples the process's resident set every 200 ms until ctx ends
// and returns the last sample taken while it ran: its RSS as the run
// ends, where the peak (VmHWM, rusage) may be a moment's.
func lastRSS(ctx context.Context, pid int) int64 {
	var last int64
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		if v := procStatusKiB(pid, "VmRSS"); v > 0 {
			last = v
		}
		select {
		case <-ctx.Done():
			return last
		case <-t.C:
		}
	}
}

func procStatusKiB(pid int, key string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, key+":") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				n, _ := strconv.ParseInt(f[1], 10, 64)
				return n
			}
		}
	}
	return 0
}

func saveURL(url, path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// scrape reads a Prometheus text exposition into name{labels} → value.
func scrape(url string) (map[string]float64, error) {
	resp, err := http.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("%s: %s", url, resp.Status)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			continue
		}
		out[line[:i]] = v
	}
	return out, sc.Err()
}

// histQuantile estimates a quantile from a scraped histogram the way
// Prometheus' histogram_quantile does (linear within the bucket).
func histQuantile(m map[string]float64, name string, q float64) float64 {
	type bucket struct{ le, n float64 }
	var bs []bucket
	for k, v := range m {
		if !strings.HasPrefix(k, name+"_bucket{") {
			continue
		}
		i := strings.Index(k, `le="`)
		if i < 0 {
			continue
		}
		le := k[i+4:]
		le = le[:strings.IndexByte(le, '"')]
		f, err := strconv.ParseFloat(le, 64)
		if le == "+Inf" {
			f, err = 1e308, nil
		}
		if err == nil {
			bs = append(bs, bucket{f, v})
		}
	}
	sort.Slice(bs, func(i, j int) bool { return bs[i].le < bs[j].le })
	if len(bs) == 0 || bs[len(bs)-1].n == 0 {
		return 0
	}
	rank := q * bs[len(bs)-1].n
	prevLe, prevN := 0.0, 0.0
	for _, b := range bs {
		if b.n >= rank {
			if b.le == 1e308 {
				return prevLe
			}
			if b.n == prevN {
				return b.le
			}
			return prevLe + (b.le-prevLe)*(rank-prevN)/(b.n-prevN)
		}
		prevLe, prevN = b.le, b.n
	}
	return prevLe
}

// tailWriter keeps the last max bytes written (a child's stderr).
type tailWriter struct {
	max int
	buf []byte
}

func (t *tailWriter) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = t.buf[len(t.buf)-t.max:]
	}
	return len(p), nil
}

func (t *tailWriter) String() string {
	s := string(t.buf)
	if len(s) > 2000 {
		s = "..." + s[len(s)-2000:]
	}
	return s
}

var _ io.Writer = (*tailWriter)(nil)

// startNATSServer starts a nats-server binary with JetStream on port and
// waits until it accepts connections. stop records its CPU and peak RSS
// in res, then stops it.
func startNATSServer(ctx context.Context, bin, dir string, port int, res *Result) (stop func(), err error) {
	cmd := exec.CommandContext(ctx, bin, "-js", "-a", "127.0.0.1", "-p", fmt.Sprint(port), "-sd", dir)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start nats-server: %w", err)
	}
	for deadline := time.Now().Add(20 * time.Second); ; {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			return nil, fmt.Errorf("nats-server on port %d did not start: %w", port, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	var once sync.Once
	return func() { once.Do(func() { stopServer(cmd, res) }) }, nil
}

// stopServer records the server's CPU and peak RSS, then stops it.
func stopServer(cmd *exec.Cmd, res *Result) {
	u, s := procCPU(cmd.Process.Pid)
	res.NATSServerCPU = u + s
	res.NATSServerRSSKiB = procStatusKiB(cmd.Process.Pid, "VmHWM")
	_ = cmd.Process.Signal(syscall.SIGTERM)
	_ = cmd.Wait()
}
