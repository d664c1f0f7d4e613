// Package natsbus connects newsfeed to NATS JetStream: it starts the embedded
// nats-server when no URL is configured, or connects to an external server or
// cluster, and creates the streams and buckets of DESIGN §4. Both paths give
// the same *Bus, so the pipeline code is identical.
package natsbus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsfeed/newsfeed/config"
)

// Bus is a connection to JetStream, owning the embedded server if any.
type Bus struct {
	Conn *nats.Conn
	JS   jetstream.JetStream
	// Server is the embedded server, nil when connected to an external one.
	Server *server.Server
	// URL is the address other processes can use ("" when in-process only).
	URL string

	logger *slog.Logger
}

// ErrPortInUse is returned when the embedded server's listen port is taken.
var ErrPortInUse = errors.New("port already in use")

// Open starts the embedded server (cfg.URL empty) or connects to cfg.URL.
func Open(ctx context.Context, cfg config.NATS, logger *slog.Logger, name string) (*Bus, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	b := &Bus{logger: logger}
	opts := []nats.Option{
		nats.Name(name),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(500 * time.Millisecond),
		nats.ReconnectBufSize(32 << 20),
		nats.Timeout(cfg.ConnectTimeout),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				logger.Warn("nats disconnected", "error", err)
			}
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) { logger.Info("nats reconnected", "url", nc.ConnectedUrlRedacted()) }),
		nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
			subj := ""
			if sub != nil {
				subj = sub.Subject
			}
			logger.Warn("nats async error", "subject", subj, "error", err)
		}),
	}
	if cfg.URL == "" {
		s, err := startEmbedded(cfg.Embedded, logger)
		if err != nil {
			return nil, err
		}
		b.Server = s
		if cfg.Embedded.Listen != "" {
			b.URL = s.ClientURL()
		}
		opts = append(opts, nats.InProcessServer(s))
		nc, err := nats.Connect("", opts...)
		if err != nil {
			s.Shutdown()
			return nil, fmt.Errorf("natsbus: connect to embedded server: %w", err)
		}
		b.Conn = nc
	} else {
		o, err := externalOptions(cfg)
		if err != nil {
			return nil, err
		}
		opts = append(opts, o...)
		opts = append(opts, nats.RetryOnFailedConnect(false))
		nc, err := nats.Connect(cfg.URL, opts...)
		if err != nil {
			return nil, fmt.Errorf("natsbus: connect to %s: %w", redact(cfg.URL), err)
		}
		b.Conn = nc
		b.URL = nc.ConnectedUrlRedacted()
	}
	js, err := jetstream.New(b.Conn)
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("natsbus: jetstream: %w", err)
	}
	b.JS = js
	actx, cancel := context.WithTimeout(ctx, cfg.ConnectTimeout)
	defer cancel()
	if _, err := js.AccountInfo(actx); err != nil {
		b.Close()
		return nil, fmt.Errorf("natsbus: JetStream is not available on %s: %w", redact(cfg.URL), err)
	}
	return b, nil
}

func redact(u string) string {
	if u == "" {
		return "the embedded server"
	}
	return u
}

func externalOptions(cfg config.NATS) ([]nats.Option, error) {
	var o []nats.Option
	if cfg.Creds != "" {
		if _, err := os.Stat(cfg.Creds); err != nil {
			return nil, fmt.Errorf("natsbus: nats.creds: %w", err)
		}
		o = append(o, nats.UserCredentials(cfg.Creds))
	}
	if cfg.NKey != "" {
		opt, err := nats.NkeyOptionFromSeed(cfg.NKey)
		if err != nil {
			return nil, fmt.Errorf("natsbus: nats.nkey: %w", err)
		}
		o = append(o, opt)
	}
	if cfg.User != "" {
		o = append(o, nats.UserInfo(cfg.User, cfg.Password))
	}
	if cfg.Token != "" {
		o = append(o, nats.Token(cfg.Token))
	}
	if cfg.TLS.CA != "" {
		o = append(o, nats.RootCAs(cfg.TLS.CA))
	}
	if cfg.TLS.Cert != "" || cfg.TLS.Key != "" {
		o = append(o, nats.ClientCert(cfg.TLS.Cert, cfg.TLS.Key))
	}
	return o, nil
}

func startEmbedded(cfg config.Embedded, logger *slog.Logger) (*server.Server, error) {
	dir, err := filepath.Abs(cfg.StoreDir)
	if err != nil {
		return nil, fmt.Errorf("natsbus: nats.embedded.store_dir: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("natsbus: nats.embedded.store_dir: %w", err)
	}
	opts := &server.Options{
		ServerName:            "newsfeed-embedded",
		JetStream:             true,
		StoreDir:              dir,
		SyncAlways:            cfg.SyncAlways,
		JetStreamMaxStore:     int64(cfg.MaxStore),
		NoSigs:                true,
		MaxPayload:            8 << 20,
		DisableShortFirstPing: true,
	}
	if cfg.Listen == "" {
		opts.DontListen = true
	} else {
		host, portStr, err := net.SplitHostPort(cfg.Listen)
		if err != nil {
			return nil, fmt.Errorf("natsbus: nats.embedded.listen %q: %w", cfg.Listen, err)
		}
		port, err := strconv.Atoi(portStr)
		if err != nil {
			return nil, fmt.Errorf("natsbus: nats.embedded.listen %q: bad port", cfg.Listen)
		}
		// Probe the port first: the server would only log the failure.
		ln, err := net.Listen("tcp", cfg.Listen)
		if err != nil {
			return nil, fmt.Errorf("natsbus: cannot start the embedded NATS server on %s: %w: another server "+
				"(perhaps a nats-server) listens there; either set nats.url (NEWSFEED_NATS_URL=nats://%s) to use "+
				"the server already there, or choose another nats.embedded.listen (\"\" for in-process only)",
				cfg.Listen, ErrPortInUse, cfg.Listen)
		}
		ln.Close()
		if port == 0 {
			port = server.RANDOM_PORT // nats-server reads 0 as its default port, 4222
		}
		opts.Host, opts.Port = host, port
	}
	s, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("natsbus: embedded server: %w", err)
	}
	s.SetLoggerV2(&serverLog{logger.With("component", "nats-server")}, false, false, false)
	go s.Start()
	if !s.ReadyForConnections(30 * time.Second) {
		s.Shutdown()
		return nil, fmt.Errorf("natsbus: embedded server on %q did not become ready in 30s (store %s)", cfg.Listen, dir)
	}
	return s, nil
}

// Close drains the connection and stops the embedded server.
func (b *Bus) Close() {
	if b.Conn != nil {
		done := make(chan struct{})
		b.Conn.SetClosedHandler(func(*nats.Conn) { close(done) })
		if err := b.Conn.Drain(); err != nil {
			b.Conn.Close()
		} else {
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				b.Conn.Close()
			}
		}
	}
	if b.Server != nil {
		b.Server.Shutdown()
		b.Server.WaitForShutdown()
	}
}

// serverLog adapts slog to nats-server's Logger.
type serverLog struct{ l *slog.Logger }

func (s *serverLog) Noticef(format string, v ...any) { s.l.Debug(fmt.Sprintf(format, v...)) }
func (s *serverLog) Warnf(format string, v ...any)   { s.l.Warn(fmt.Sprintf(format, v...)) }
func (s *serverLog) Fatalf(format string, v ...any)  { s.l.Error(fmt.Sprintf(format, v...)) }
func (s *serverLog) Errorf(format string, v ...any)  { s.l.Error(fmt.Sprintf(format, v...)) }
func (s *serverLog) Debugf(format string, v ...any)  {}
func (s *serverLog) Tracef(format string, v ...any)  {}
