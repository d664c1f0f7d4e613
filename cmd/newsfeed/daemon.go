package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/newsfeed/newsfeed/config"
	"github.com/newsfeed/newsfeed/enricher"
	"github.com/newsfeed/newsfeed/internal/natsbus"
	"github.com/newsfeed/newsfeed/internal/opsserver"
	"github.com/newsfeed/newsfeed/metrics"
	"github.com/newsfeed/newsfeed/pipeline"
	"github.com/newsfeed/newsfeed/sink"
)

// daemon is everything `run` and `once` start, in start order.
type daemon struct {
	cfg      *config.Config
	logger   *slog.Logger
	registry *prometheus.Registry
	metrics  *metrics.Metrics
	ops      *opsserver.Server
	stopOps  func()
	bus      *natsbus.Bus
	index    *enricher.StreamIndex
	sinks    map[string]sink.Sink
	pipe     *pipeline.Pipeline
}

// startDaemon loads the configuration and starts NATS, the stores, the
// sinks and the pipeline. withOps also binds the metrics endpoint.
func startDaemon(ctx context.Context, e *env, cfgPath string, withOps bool) (*daemon, error) {
	cfg, err := loadConfig(e, cfgPath)
	if err != nil {
		return nil, err
	}
	d := &daemon{cfg: cfg, logger: newLogger(cfg.Log, e.stderr), registry: prometheus.NewRegistry()}
	d.metrics = metrics.New(d.registry, version)
	ok := false
	defer func() {
		if !ok {
			d.close()
		}
	}()
	if withOps && cfg.Metrics.Listen != "" {
		d.ops, err = opsserver.New(opsserver.Options{
			Listen: cfg.Metrics.Listen, Gatherer: d.registry, ReadyGauge: d.metrics.Ready,
			Pprof: cfg.Metrics.Pprof, Logger: d.logger,
			Ready: func(ctx context.Context) error {
				if d.pipe == nil {
					return fmt.Errorf("starting")
				}
				return d.pipe.Ready(ctx)
			},
		})
		if err != nil {
			return nil, err
		}
		// Serve from now on: /healthz answers and /readyz says "starting"
		// while NATS and the sinks come up.
		opsCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		done := make(chan struct{})
		go func() {
			defer close(done)
			if err := d.ops.Serve(opsCtx); err != nil {
				d.logger.Error("metrics endpoint failed", "error", err)
			}
		}()
		d.stopOps = func() {
			cancel()
			<-done
		}
		d.logger.Info("serving /metrics, /healthz and /readyz", "listen", d.ops.Addr())
	}
	d.bus, err = natsbus.Open(ctx, cfg.NATS, d.logger, "newsfeed")
	if err != nil {
		return nil, err
	}
	where := "embedded NATS (in-process only)"
	if cfg.NATS.URL != "" {
		where = "NATS at " + d.bus.URL
	} else if d.bus.URL != "" {
		where = "embedded NATS at " + d.bus.URL
	}
	d.logger.Info("connected", "nats", where, "store_dir", cfg.NATS.Embedded.StoreDir)
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	stores, err := natsbus.Setup(sctx, d.bus.JS, cfg.NATS, cfg.Enrich.ClusterWindow)
	if err != nil {
		return nil, err
	}
	fetch, outage, err := newFetcher(cfg)
	if err != nil {
		return nil, err
	}
	d.sinks, err = openSinks(ctx, e, cfg, d.logger)
	if err != nil {
		return nil, err
	}
	var index enricher.ClusterIndex
	if stores.Clusters != nil {
		if d.index, err = enricher.NewStreamIndex(sctx, d.bus.JS, stores.Clusters, enricher.StreamIndexOptions{Window: cfg.Enrich.ClusterWindow, MaxMembers: cfg.Enrich.ClusterMaxMembers, Logger: d.logger}); err != nil {
			return nil, err
		}
		if err := metrics.RegisterClusterIndex(d.registry, d.index); err != nil {
			return nil, err
		}
		index = d.index
	}
	enr, err := newEnricher(cfg, d.logger, index)
	if err != nil {
		return nil, err
	}
	d.pipe, err = pipeline.New(pipeline.Deps{
		Config: cfg, Bus: d.bus, Stores: stores, Fetcher: fetch, Extractor: newExtractor(cfg),
		Enricher: enr, Sinks: d.sinks, Metrics: d.metrics, Logger: d.logger, Outage: outage,
	})
	if err != nil {
		return nil, err
	}
	if err := d.pipe.Setup(sctx); err != nil {
		return nil, err
	}
	ok = true
	return d, nil
}

func (d *daemon) close() {
	if d.index != nil {
		d.index.Close()
	}
	if d.bus != nil {
		d.bus.Close()
	}
	closeSinks(d.sinks)
	if d.stopOps != nil {
		d.stopOps()
	}
}

func cmdRun(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "run", "[--config FILE]", "Run the daemon: scheduler, pollers, scrapers and sinks, until SIGINT or SIGTERM.")
	cfgPath := configFlag(fs)
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "newsfeed run: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	d, err := startDaemon(ctx, e, *cfgPath, true)
	if err != nil {
		return fail(e, "run", err)
	}
	defer d.close()
	if d.ops != nil {
		stopReady := context.AfterFunc(ctx, d.ops.SetStopping)
		defer stopReady()
		d.ops.SetStarted()
	}
	d.logger.Info("newsfeed running", "version", version, "feeds", len(d.cfg.Feeds), "sinks", len(d.cfg.Sinks))
	if err := d.pipe.Run(ctx, pipeline.ParseRoles(d.cfg.Pipeline.Roles)); err != nil {
		return fail(e, "run", err)
	}
	d.logger.Info("newsfeed stopped")
	return exitOK
}

func cmdOnce(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "once", "[--config FILE]", "Poll every feed once, process every new item through the sinks, and exit:\n0 when every feed was processed, 1 when any failed (the others are still processed).")
	cfgPath := configFlag(fs)
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "newsfeed once: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	d, err := startDaemon(ctx, e, *cfgPath, false)
	if err != nil {
		return fail(e, "once", err)
	}
	defer d.close()
	if len(d.cfg.Feeds) == 0 {
		fmt.Fprintln(e.stderr, "newsfeed once: no feeds configured (add feeds: to the configuration)")
		return exitFail
	}
	res, err := d.pipe.Once(ctx)
	if err != nil {
		return fail(e, "once", err)
	}
	for _, f := range res.Failed {
		fmt.Fprintf(e.stderr, "newsfeed once: feed %q (%s) failed: %s\n", f.Feed, f.URL, f.Error)
	}
	fmt.Fprintf(e.stdout, "once: %d feeds polled, %d failed, in %s\n", res.Feeds, len(res.Failed), res.Duration.Round(time.Millisecond))
	if len(res.Failed) > 0 {
		return exitFail
	}
	return exitOK
}
