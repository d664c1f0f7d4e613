package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

func cmdHealth(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "health", "[--live] [--addr HOST:PORT] [--config FILE]",
		"Probe a running daemon's /readyz (or /healthz with --live) on metrics.listen; exit 0 when it answers 200.\nFor container probes without curl.")
	cfgPath := configFlag(fs)
	live := fs.Bool("live", false, "probe liveness (/healthz) instead of readiness (/readyz)")
	addr := fs.String("addr", "", "address of the metrics endpoint (default: metrics.listen)")
	timeout := fs.Duration("timeout", 3*time.Second, "give up after this long")
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	target := *addr
	if target == "" {
		cfg, err := loadConfig(e, *cfgPath)
		if err != nil {
			return fail(e, "health", err)
		}
		target = cfg.Metrics.Listen
	}
	if target == "" {
		fmt.Fprintln(e.stderr, "newsfeed health: metrics.listen is empty; nothing to probe (give --addr)")
		return exitUsage
	}
	host, port, err := net.SplitHostPort(target)
	if err != nil {
		fmt.Fprintf(e.stderr, "newsfeed health: %q is not host:port\n", target)
		return exitUsage
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	path := "/readyz"
	if *live {
		path = "/healthz"
	}
	u := "http://" + net.JoinHostPort(host, port) + path
	cctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, _ := http.NewRequestWithContext(cctx, http.MethodGet, u, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fail(e, "health", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	msg := strings.TrimSpace(string(body))
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(e.stderr, "newsfeed health: %s: %d %s\n", u, resp.StatusCode, msg)
		return exitFail
	}
	fmt.Fprintf(e.stdout, "%s: %s\n", u, msg)
	return exitOK
}
