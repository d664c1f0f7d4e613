package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"

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

// childMain is `loadrun child`: `newsfeed once` wired the way cmd/newsfeed
// wires it (startDaemon, newFetcher, newExtractor, newEnricher, openSinks),
// with a CPU profile of the whole run and the allocation profile at its end.
func childMain(args []string) int {
	fs := flag.NewFlagSet("child", flag.ContinueOnError)
	cfgPath := fs.String("config", "", "configuration file")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run here")
	allocProfile := fs.String("allocprofile", "", "write the allocation profile at the end here")
	heapEvery := fs.Duration("heapevery", 0, "also write the heap profile every this long during the run, beside -allocprofile (heap-<seconds>s.pprof)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *heapEvery > 0 && *allocProfile != "" {
		go heapSnapshots(ctx, filepath.Dir(*allocProfile), *heapEvery)
	}
	if err := child(ctx, *cfgPath, *cpuProfile, *allocProfile); err != nil {
		fmt.Fprintf(os.Stderr, "loadrun child: %v\n", err)
		return 1
	}
	return 0
}

func child(ctx context.Context, cfgPath, cpuProfile, allocProfile string) error {
	cfg, err := config.Load(cfgPath, false)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	m := metrics.New(prometheus.NewRegistry(), "loadrun")
	bus, err := natsbus.Open(ctx, cfg.NATS, logger, "newsfeed")
	if err != nil {
		return err
	}
	defer bus.Close()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	stores, err := natsbus.Setup(sctx, bus.JS, cfg.NATS, cfg.Enrich.ClusterWindow)
	if err != nil {
		return err
	}
	fopts := fetcher.OptionsFromConfig(cfg.HTTP)
	fopts.Outage = fetcher.NewOutageDetector(0, 0)
	fetch, err := fetcher.New(fopts)
	if err != nil {
		return err
	}
	open := map[string]sink.Sink{}
	defer func() {
		for _, s := range open {
			_ = s.Close()
		}
	}()
	for _, sc := range cfg.Sinks {
		s, err := sinks.Open(ctx, sc, sinks.Options{Logger: logger.With("sink", sc.Name)})
		if err != nil {
			return fmt.Errorf("sink %s: %w", sc.Name, err)
		}
		open[sc.Name] = s
	}
	rules := make(map[string]parser.Rule, len(cfg.Sites))
	for domain, r := range cfg.Sites {
		rules[domain] = parser.Rule{
			Name: domain, Version: r.Version, Body: r.Body, Drop: r.Drop, Title: r.Title, Byline: r.Byline,
			Date: r.Date, Caption: r.Caption, Credit: r.Credit, Image: r.Image,
		}
	}
	// The whole enricher chain, with the shared cluster index over its
	// stream, as cmd/newsfeed builds it.
	var index enricher.ClusterIndex
	if stores.Clusters != nil {
		si, err := enricher.NewStreamIndex(ctx, bus.JS, stores.Clusters, enricher.StreamIndexOptions{Window: cfg.Enrich.ClusterWindow, MaxMembers: cfg.Enrich.ClusterMaxMembers, Logger: logger})
		if err != nil {
			return err
		}
		defer si.Close()
		index = si
	}
	enr, err := enricher.New(enricher.Options{
		Logger: logger, Index: index, Keywords: cfg.Enrich.Keywords, ClusterWindow: cfg.Enrich.ClusterWindow,
		ClusterThreshold: cfg.Enrich.ClusterThreshold, Disable: cfg.Enrich.Disable,
	})
	if err != nil {
		return err
	}
	p, err := pipeline.New(pipeline.Deps{
		Config: cfg, Bus: bus, Stores: stores, Fetcher: fetch, Extractor: parser.New(rules),
		Enricher: enr, Sinks: open, Metrics: m, Logger: logger, Outage: fopts.Outage,
	})
	if err != nil {
		return err
	}
	if err := p.Setup(sctx); err != nil {
		return err
	}
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	res, err := p.Once(ctx)
	if cpuProfile != "" {
		pprof.StopCPUProfile()
	}
	if err != nil {
		return err
	}
	if allocProfile != "" {
		// The allocation profile holds both the bytes allocated over the
		// run (alloc_space) and those still live at its end (inuse_space).
		runtime.GC()
		f, err := os.Create(allocProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			return err
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Fprintf(os.Stderr, "loadrun child: heap in use after the run %d MiB, heap system %d MiB, total system %d MiB\n", ms.HeapInuse>>20, ms.HeapSys>>20, ms.Sys>>20)
	}
	fmt.Printf("once: %d feeds polled, %d failed, in %s\n", res.Feeds, len(res.Failed), res.Duration.Round(time.Millisecond))
	return nil
}

// heapSnapshots writes the heap profile into dir every interval until ctx
// ends, so that the live heap in the middle of a run can be attributed
// (the profile at the end misses what is in flight).
func heapSnapshots(ctx context.Context, dir string, every time.Duration) {
	start := time.Now()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		name := filepath.Join(dir, fmt.Sprintf("heap-%03.0fs.pprof", time.Since(start).Seconds()))
		f, err := os.Create(name)
		if err != nil {
			return
		}
		_ = pprof.Lookup("heap").WriteTo(f, 0)
		_ = f.Close()
	}
}
