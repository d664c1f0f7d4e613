// Package sinks opens the sink a config.Sink describes.
//
// How config fields map onto each sink's options:
//
//	sqlite    path
//	postgres  dsn, or the variable named by dsn_env; schema; timeout bounds a
//	          Write; concurrency+1 connections (at least 2)
//	jsonl     path, fsync, rotate_size, rotate_daily, compress (default true);
//	          compression failures are logged as warnings
//	webhook   url, headers, mode (single|batch), concurrency,
//	          allow_private_networks, the HMAC secret from the variable named
//	          by secret_env (unsigned when unset); timeout bounds a Write with
//	          its retries, one request gets at most 10s of it
//	stdout    Options.Stdout (default os.Stdout)
//
// batch_size, flush_interval and max_ack_pending are the pipeline's.
package sinks

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/newsfeed/newsfeed/config"
	"github.com/newsfeed/newsfeed/sink"
	"github.com/newsfeed/newsfeed/sink/jsonl"
	"github.com/newsfeed/newsfeed/sink/postgres"
	"github.com/newsfeed/newsfeed/sink/sqlite"
	"github.com/newsfeed/newsfeed/sink/stdout"
	"github.com/newsfeed/newsfeed/sink/webhook"
)

// Options are the process-wide dependencies of the sinks.
type Options struct {
	// Logger receives what background work cannot return (a rotated file
	// that failed to compress). Nil discards.
	Logger *slog.Logger
	// Stdout is where the stdout sink writes (default os.Stdout).
	Stdout io.Writer
	// Getenv reads dsn_env and secret_env (default os.Getenv).
	Getenv func(string) string
}

// maxRequestTimeout caps one webhook request; cfg.Timeout bounds a whole
// Write with its retries.
const maxRequestTimeout = 10 * time.Second

// Open opens the sink cfg describes. cfg is expected to be validated
// (config.Load does it), which fills defaults such as the name.
func Open(ctx context.Context, cfg config.Sink, opts Options) (sink.Sink, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Stdout == nil {
		opts.Stdout = os.Stdout
	}
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	name := cfg.Name
	if name == "" {
		name = cfg.Type
	}
	s, err := open(ctx, cfg, name, opts)
	if err != nil {
		return nil, fmt.Errorf("sinks: sink %q: %w", name, err)
	}
	return s, nil
}

func open(ctx context.Context, cfg config.Sink, name string, opts Options) (sink.Sink, error) {
	switch cfg.Type {
	case "sqlite":
		return sqlite.Open(ctx, sqlite.Options{Path: cfg.Path})
	case "postgres":
		dsn := cfg.DSN
		if cfg.DSNEnv != "" {
			dsn = opts.Getenv(cfg.DSNEnv)
			if dsn == "" {
				return nil, fmt.Errorf("environment variable %s (dsn_env) is empty", cfg.DSNEnv)
			}
		}
		return postgres.Open(ctx, postgres.Options{
			DSN:      dsn,
			Schema:   cfg.Schema,
			MaxConns: int32(max(2, cfg.Concurrency+1)),
			Timeout:  cfg.Timeout,
		})
	case "jsonl":
		log := opts.Logger.With("sink", name)
		return jsonl.Open(jsonl.Options{
			Path:        cfg.Path,
			Fsync:       cfg.Fsync,
			RotateSize:  int64(cfg.RotateSize),
			RotateDaily: cfg.RotateDaily,
			Compress:    cfg.Compress == nil || *cfg.Compress,
			OnError: func(err error) {
				log.Warn("compressing a rotated file failed; it is kept and retried on restart", "err", err)
			},
		})
	case "webhook":
		var secret []byte
		if cfg.SecretEnv != "" {
			v := opts.Getenv(cfg.SecretEnv)
			if v == "" {
				return nil, fmt.Errorf("environment variable %s (secret_env) is empty", cfg.SecretEnv)
			}
			secret = []byte(v)
		}
		total := cfg.Timeout
		if total <= 0 {
			total = 30 * time.Second
		}
		return webhook.New(webhook.Options{
			URL:                  cfg.URL,
			Secret:               secret,
			Headers:              cfg.Headers,
			Batch:                cfg.Mode == "batch",
			Concurrency:          cfg.Concurrency,
			Timeout:              min(maxRequestTimeout, total),
			MaxElapsed:           total,
			AllowPrivateNetworks: cfg.AllowPrivateNetworks,
		})
	case "stdout":
		return stdout.New(stdout.Options{W: opts.Stdout})
	default:
		return nil, fmt.Errorf("unknown type %q (sqlite, postgres, jsonl, webhook or stdout)", cfg.Type)
	}
}
