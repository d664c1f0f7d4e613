package opsserver

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestEndpoints(t *testing.T) {
	reg := prometheus.NewRegistry()
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "newsfeed_test_total", Help: "x"})
	reg.MustRegister(c)
	gauge := prometheus.NewGauge(prometheus.GaugeOpts{Name: "newsfeed_ready", Help: "x"})
	var broken atomic.Bool
	s, err := New(Options{Listen: "127.0.0.1:0", Gatherer: reg, ReadyGauge: gauge, Ready: func(context.Context) error {
		if broken.Load() {
			return errors.New("sink db: connection refused")
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Serve(ctx) }()
	base := "http://" + s.Addr()

	if code, _ := get(t, base+"/healthz"); code != 200 {
		t.Fatalf("healthz %d", code)
	}
	if code, body := get(t, base+"/readyz"); code != 503 || !strings.Contains(body, "starting") {
		t.Fatalf("readyz before start: %d %q", code, body)
	}
	s.SetStarted()
	if code, _ := get(t, base+"/readyz"); code != 200 {
		t.Fatalf("readyz when ready: %d", code)
	}
	broken.Store(true)
	if code, body := get(t, base+"/readyz"); code != 503 || !strings.Contains(body, "connection refused") {
		t.Fatalf("readyz with a broken dependency: %d %q", code, body)
	}
	if code, _ := get(t, base+"/healthz"); code != 200 {
		t.Fatal("liveness must not depend on dependencies")
	}
	broken.Store(false)
	s.SetStopping()
	if code, body := get(t, base+"/readyz"); code != 503 || !strings.Contains(body, "shutting down") {
		t.Fatalf("readyz when stopping: %d %q", code, body)
	}
	if code, body := get(t, base+"/metrics"); code != 200 || !strings.Contains(body, "newsfeed_test_total 0") {
		t.Fatalf("metrics: %d %q", code, body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestBusyPort(t *testing.T) {
	s, err := New(Options{Listen: "127.0.0.1:0", Gatherer: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.ln.Close()
	if _, err := New(Options{Listen: s.Addr(), Gatherer: prometheus.NewRegistry()}); err == nil || !strings.Contains(err.Error(), "metrics.listen") {
		t.Fatalf("busy port: %v", err)
	}
}
