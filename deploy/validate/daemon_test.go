package validate

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"gopkg.in/yaml.v3"
)

// origin serves testdata/feed.xml and an article page for each of its items.
func origin(t *testing.T) *httptest.Server {
	t.Helper()
	feed := string(mustRead(t, "testdata/feed.xml"))
	page := string(mustRead(t, "testdata/article.html"))
	titles := map[string]string{
		"/news/harbour-cranes.html": "Harbour cranes return after the winter storms",
		"/news/library-hours.html":  "Library extends its evening hours",
	}
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/feed.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			_, _ = io.WriteString(w, strings.ReplaceAll(feed, "BASE", srv.URL))
		case titles[r.URL.Path] != "":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = io.WriteString(w, strings.NewReplacer("BASE", srv.URL, "TITLE", titles[r.URL.Path]).Replace(page))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// testConfig turns the overlay's configuration file into one that runs here:
// the feeds are replaced by the test origin's feed, and every path on a
// writable volume of the pod is moved under dataDir. Everything else is the
// overlay's own.
func testConfig(t *testing.T, s *daemonSetup, feedURL, dataDir string) string {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(s.cfgData, &doc); err != nil {
		t.Fatal(err)
	}
	moves := map[string]string{}
	for _, m := range s.c.VolumeMounts {
		if !m.ReadOnly {
			moves[m.MountPath] = filepath.Join(dataDir, m.Name)
		}
	}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!str" {
			best := ""
			for from := range moves {
				if (n.Value == from || strings.HasPrefix(n.Value, from+"/")) && len(from) > len(best) {
					best = from
				}
			}
			if best != "" {
				n.Value = moves[best] + strings.TrimPrefix(n.Value, best)
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&doc)
	root := doc.Content[0]
	replaced := false
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "feeds" {
			var feeds yaml.Node
			if err := feeds.Encode([]map[string]string{{"url": feedURL, "name": "Validate Gazette", "interval": "1m"}}); err != nil {
				t.Fatal(err)
			}
			root.Content[i+1] = &feeds
			replaced = true
		}
	}
	if !replaced {
		t.Fatal("the configuration has no feeds: key")
	}
	out, err := yaml.Marshal(&doc)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dataDir, "newsfeed.yaml")
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// daemon is a running `newsfeed run`.
type daemon struct {
	cmd     *exec.Cmd
	addr    string // the metrics endpoint
	mu      sync.Mutex
	logs    []string
	stopped chan struct{} // closed when the process has exited
	waitErr error
}

func (d *daemon) log() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return strings.Join(d.logs, "\n")
}

// startDaemon runs bin with the overlay's environment plus overrides, and
// waits until it announces its metrics endpoint.
func startDaemon(t *testing.T, bin, cfgFile, dir string, env map[string]string) *daemon {
	t.Helper()
	cmd := exec.Command(bin, "run", "--config", cfgFile)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + dir}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	sort.Strings(cmd.Env)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d := &daemon{cmd: cmd, stopped: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			d.mu.Lock()
			d.logs = append(d.logs, line)
			d.mu.Unlock()
			var rec struct {
				Msg    string `json:"msg"`
				Listen string `json:"listen"`
			}
			if json.Unmarshal([]byte(line), &rec) == nil && strings.HasPrefix(rec.Msg, "serving /metrics") {
				select {
				case addr <- rec.Listen:
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
		d.waitErr = cmd.Wait()
		close(d.stopped)
	}()
	t.Cleanup(func() {
		select {
		case <-d.stopped:
		default:
			_ = cmd.Process.Kill()
			<-d.stopped
		}
	})
	select {
	case d.addr = <-addr:
	case <-d.stopped:
		t.Fatalf("newsfeed run exited at start-up (%v):\n%s", d.waitErr, d.log())
	case <-time.After(90 * time.Second):
		t.Fatalf("newsfeed run did not announce its metrics endpoint in 90s:\n%s", d.log())
	}
	return d
}

func httpGet(ctx context.Context, url string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

// eventually polls f until it returns nil or the deadline passes.
func eventually(t *testing.T, d *daemon, within time.Duration, what string, f func() error) {
	t.Helper()
	deadline := time.Now().Add(within)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still %v after %v; daemon log:\n%s", what, err, within, d.log())
		}
		select {
		case <-tick.C:
		case <-d.stopped:
			t.Fatalf("%s: the daemon exited (%v):\n%s", what, d.waitErr, d.log())
		}
	}
}

// families parses the text exposition format's # TYPE lines.
func families(body string) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(body, "\n") {
		if f := strings.Fields(line); len(f) == 4 && f[0] == "#" && f[1] == "TYPE" {
			out[f[2]] = f[3]
		}
	}
	return out
}

// sampleSum adds the values of name's samples whose labels contain match.
func sampleSum(body, name, match string) float64 {
	var sum float64
	for _, line := range strings.Split(body, "\n") {
		if !strings.HasPrefix(line, name+"{") || !strings.Contains(line, match) {
			continue
		}
		f := strings.Fields(line)
		if v, err := strconv.ParseFloat(f[len(f)-1], 64); err == nil {
			sum += v
		}
	}
	return sum
}

// TestDaemon runs the image's binary with the dev overlay's configuration and
// environment against a local feed, and checks it against the manifests: the
// probes answer, articles reach the sinks, every metric the alerts and the
// dashboard name is exposed, and SIGTERM drains within the grace period.
func TestDaemon(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the daemon")
	}
	bin := newsfeedBinary(t)
	s := setup(t, "overlays/dev")
	srv := origin(t)
	dataDir := t.TempDir()
	cfgFile := testConfig(t, s, srv.URL+"/feed.xml", dataDir)

	env := map[string]string{}
	for k, v := range s.env {
		env[k] = v
	}
	// Test-only overrides, through the daemon's own environment variables:
	// ports chosen by the kernel (this machine runs its own nats-server on
	// 4222), and the loopback origin allowed past the SSRF guard.
	env["NEWSFEED_METRICS_LISTEN"] = "127.0.0.1:0"
	env["NEWSFEED_NATS_EMBEDDED_LISTEN"] = "127.0.0.1:0"
	env["NEWSFEED_HTTP_ALLOW_PRIVATE_NETWORKS"] = "true"
	env["NEWSFEED_HTTP_PER_HOST_MIN_INTERVAL"] = "0s"

	d := startDaemon(t, bin, cfgFile, dataDir, env)
	base := "http://" + d.addr
	ctx := context.Background()

	t.Run("probes", func(t *testing.T) {
		for name, p := range map[string]string{
			"startup": s.c.StartupProbe.HTTPGet.Path, "liveness": s.c.LivenessProbe.HTTPGet.Path, "readiness": s.c.ReadinessProbe.HTTPGet.Path,
		} {
			eventually(t, d, 60*time.Second, name+" probe "+p, func() error {
				code, body, err := httpGet(ctx, base+p)
				if err != nil {
					return err
				}
				if code != http.StatusOK {
					return fmt.Errorf("status %d: %s", code, strings.TrimSpace(body))
				}
				return nil
			})
		}
	})

	t.Run("articles reach the sinks", func(t *testing.T) {
		eventually(t, d, 60*time.Second, "two articles written by every sink", func() error {
			_, body, err := httpGet(ctx, base+"/metrics")
			if err != nil {
				return err
			}
			want := float64(2 * len(s.cfg.Sinks))
			if got := sampleSum(body, "newsfeed_sink_writes_total", `result="ok"`); got < want {
				return fmt.Errorf("newsfeed_sink_writes_total{result=\"ok\"} = %v, want %v", got, want)
			}
			return nil
		})
		for _, sk := range s.cfg.Sinks {
			if sk.Type != "jsonl" {
				continue
			}
			moved := filepath.Join(dataDir, mountFor(s.c, sk.Path).Name) + strings.TrimPrefix(sk.Path, mountFor(s.c, sk.Path).MountPath)
			b, err := os.ReadFile(moved)
			if err != nil {
				t.Fatalf("sink %s: %v", sk.Name, err)
			}
			if n := strings.Count(string(b), "\n"); n != 2 {
				t.Errorf("sink %s wrote %d lines to %s, want 2", sk.Name, n, sk.Path)
			}
		}
	})

	t.Run("alerts and dashboard name exposed metrics", func(t *testing.T) {
		smPath := "/metrics" // the ServiceMonitor's path (checked in prod below)
		for _, o := range render(t, "overlays/prod").all("ServiceMonitor") {
			smPath = o.typed.(*monitoringv1.ServiceMonitor).Spec.Endpoints[0].Path
		}
		code, body, err := httpGet(ctx, base+smPath)
		if err != nil || code != http.StatusOK {
			t.Fatalf("GET %s: %d %v", smPath, code, err)
		}
		fams := families(body)
		if len(fams) < 20 {
			t.Fatalf("only %d metric families exposed:\n%s", len(fams), body)
		}
		checkNamesExposed(t, fams)
	})

	t.Run("SIGTERM drains within shutdown_grace", func(t *testing.T) {
		start := time.Now()
		if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		grace := s.cfg.Pipeline.ShutdownGrace
		select {
		case <-d.stopped:
		case <-time.After(grace + 5*time.Second):
			t.Fatalf("still running %v after SIGTERM (shutdown_grace %v):\n%s", grace+5*time.Second, grace, d.log())
		}
		var exit *exec.ExitError
		if errors.As(d.waitErr, &exit) || d.waitErr != nil {
			t.Errorf("exit after SIGTERM: %v, want status 0:\n%s", d.waitErr, d.log())
		}
		if !strings.Contains(d.log(), `"newsfeed stopped"`) {
			t.Errorf("no \"newsfeed stopped\" in the log:\n%s", d.log())
		}
		t.Logf("stopped %v after SIGTERM", time.Since(start).Round(time.Millisecond))
	})
}
