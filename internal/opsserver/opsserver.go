// Package opsserver serves /metrics, /healthz and /readyz (and optionally
// /debug/pprof) for operators and Kubernetes probes.
package opsserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// ReadyFunc reports why the process is not ready (nil when ready).
type ReadyFunc func(ctx context.Context) error

// Server is the operations endpoint.
type Server struct {
	srv      *http.Server
	ln       net.Listener
	ready    ReadyFunc
	stopping atomic.Bool
	started  atomic.Bool
	gauge    prometheus.Gauge
	logger   *slog.Logger
}

// Options configure a Server.
type Options struct {
	Listen   string
	Gatherer prometheus.Gatherer
	Ready    ReadyFunc
	// ReadyGauge, if set, mirrors readiness as 0/1.
	ReadyGauge prometheus.Gauge
	Pprof      bool
	Logger     *slog.Logger
}

// New binds the listener (so a busy port fails at start-up) and returns a
// server that is not ready until SetStarted is called.
func New(opts Options) (*Server, error) {
	ln, err := net.Listen("tcp", opts.Listen)
	if err != nil {
		return nil, fmt.Errorf("opsserver: metrics.listen %s: %w", opts.Listen, err)
	}
	s := &Server{ln: ln, ready: opts.Ready, gauge: opts.ReadyGauge, logger: opts.Logger}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(opts.Gatherer, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", s.handleReady)
	if opts.Pprof {
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	}
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: 60 * time.Second}
	return s, nil
}

// Addr is the bound address.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// SetStarted marks start-up as complete; readiness checks run from now on.
func (s *Server) SetStarted() { s.started.Store(true) }

// SetStopping makes /readyz fail; call it first on shutdown.
func (s *Server) SetStopping() {
	s.stopping.Store(true)
	if s.gauge != nil {
		s.gauge.Set(0)
	}
}

func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	err := s.check(r.Context())
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = fmt.Fprintf(w, "not ready: %v\n", err)
		return
	}
	_, _ = w.Write([]byte("ready\n"))
}

func (s *Server) check(ctx context.Context) error {
	var err error
	switch {
	case s.stopping.Load():
		err = errors.New("shutting down")
	case !s.started.Load():
		err = errors.New("starting")
	case s.ready != nil:
		err = s.ready(ctx)
	}
	if s.gauge != nil {
		if err == nil {
			s.gauge.Set(1)
		} else {
			s.gauge.Set(0)
		}
	}
	return err
}

// Serve serves until ctx is done, then shuts the server down.
func (s *Server) Serve(ctx context.Context) error {
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(s.ln) }()
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.srv.Shutdown(sctx)
		<-errc
		return nil
	}
}
