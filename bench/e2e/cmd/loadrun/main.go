// Command loadrun is newsfeed's load harness. It serves the synthetic news
// site (internal/testsite) on loopback, writes a configuration that points
// newsfeed at it, runs `newsfeed once` or `newsfeed run` as a child process
// and measures it: wall time, CPU time, peak RSS, the origin's own CPU, and
// the latency of every article from its discovery (the poller's
// Newsfeed-Discovered-At header) to each sink's acknowledgement, watched
// over the embedded NATS server's loopback port. It writes one JSON result.
//
//	loadrun -mode once  -bin ./newsfeed -feeds 500 -items 100 -out once-50k.json
//	loadrun -mode once  -inprocess -profile dir ...   # the pipeline in a child of loadrun, profiled
//	loadrun -mode run   -bin ./newsfeed -feeds 100 -items 100 -out run-10k.json
//	loadrun -mode sched -bin ./newsfeed -feeds 100000 -items 1 -out sched-100k.json
//
// Every request stays on 127.0.0.1 and every run is bounded by -timeout.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "child" {
		os.Exit(childMain(os.Args[2:]))
	}
	var o options
	flag.StringVar(&o.mode, "mode", "once", "once, run or sched")
	flag.StringVar(&o.bin, "bin", "", "the newsfeed binary (not needed with -inprocess)")
	flag.BoolVar(&o.inprocess, "inprocess", false, "run the pipeline in a child of loadrun (same wiring as `newsfeed once`) so that it can be profiled as a whole (once mode)")
	flag.StringVar(&o.profileDir, "profile", "", "with -inprocess: write cpu.pprof and allocs.pprof here and attribute them by stage")
	flag.StringVar(&o.work, "work", "", "working directory (default: a new temporary directory, removed afterwards)")
	flag.StringVar(&o.childLog, "child-log", "", "also write the pipeline process's stderr to this file (e.g. with GODEBUG=gctrace=1)")
	flag.DurationVar(&o.heapEvery, "heap-every", 0, "with -profile: also write the heap profile every this long during the run")
	flag.StringVar(&o.out, "out", "", "write the JSON result here (default stdout)")
	flag.StringVar(&o.label, "label", "", "label for the result")
	flag.IntVar(&o.feeds, "feeds", 100, "generated feeds")
	flag.IntVar(&o.items, "items", 100, "items per feed")
	flag.IntVar(&o.pageKB, "page-kb", 100, "article page size (KiB of boilerplate)")
	flag.DurationVar(&o.latency, "latency", 0, "latency the origin adds to every response")
	flag.Float64Var(&o.errorRate, "error-rate", 0, "share of article pages answered with 500")
	flag.IntVar(&o.perHost, "per-host", 32, "http.per_host.concurrency (the site is one host)")
	flag.IntVar(&o.clusterMax, "cluster-max-members", -1, "enrich.cluster_max_members (-1: newsfeed's default)")
	flag.IntVar(&o.scrapers, "scrapers", 16, "pipeline.scrapers")
	flag.IntVar(&o.pollers, "pollers", 4, "pipeline.pollers")
	flag.StringVar(&o.sinks, "sinks", "sqlite,jsonl", "sinks to configure (sqlite, jsonl)")
	flag.BoolVar(&o.syncAlways, "sync-always", false, "nats.embedded.sync_always")
	flag.StringVar(&o.natsServer, "nats-server", "", "run this nats-server binary as a separate process and point newsfeed at it (nats.url), as in production; its CPU and peak RSS are reported apart")
	flag.DurationVar(&o.timeout, "timeout", time.Hour, "give up after this long")
	flag.StringVar(&o.memLimit, "gomemlimit", "", "run newsfeed with GOMEMLIMIT set to this (e.g. 128MiB)")
	flag.DurationVar(&o.hold, "hold", 30*time.Second, "sched mode: how long to watch the idle daemon after the first round of jobs")
	flag.Parse()
	if !o.inprocess && o.bin == "" {
		fmt.Fprintln(os.Stderr, "loadrun: -bin is required (or -inprocess)")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	if err := runHarness(ctx, &o); err != nil {
		fmt.Fprintf(os.Stderr, "loadrun: %v\n", err)
		if errors.Is(err, context.DeadlineExceeded) {
			os.Exit(3)
		}
		os.Exit(1)
	}
}

type options struct {
	mode, bin, work, out, label, sinks, profileDir string
	memLimit, natsServer, childLog                 string
	inprocess, syncAlways                          bool
	feeds, items, pageKB, perHost                  int
	scrapers, pollers, clusterMax                  int
	latency, timeout, hold, heapEvery              time.Duration
	errorRate                                      float64
}
