package natsbus

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/newsfeed/newsfeed/config"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func natsCfg(t *testing.T, listen string) config.NATS {
	c := config.Default().NATS
	c.Embedded.Listen = listen
	c.Embedded.StoreDir = t.TempDir()
	return c
}

func TestBusyPortIsAClearError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	_, err = Open(context.Background(), natsCfg(t, addr), nil, "test")
	if !errors.Is(err, ErrPortInUse) {
		t.Fatalf("error %v, want ErrPortInUse", err)
	}
	for _, want := range []string{addr, "nats.url", "nats.embedded.listen", `""`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message %q does not mention %s", err, want)
		}
	}
}

func TestEmbeddedListensAndSetupIsIdempotent(t *testing.T) {
	cfg := natsCfg(t, "127.0.0.1:0")
	b, err := Open(context.Background(), cfg, nil, "test")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b.Server == nil || !strings.HasPrefix(b.URL, "nats://127.0.0.1:") || strings.HasSuffix(b.URL, ":4222") {
		t.Fatalf("embedded server URL %q", b.URL)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for i := 0; i < 2; i++ {
		if _, err := Setup(ctx, b.JS, cfg, time.Hour); err != nil {
			t.Fatalf("setup %d: %v", i+1, err)
		}
	}
	for _, name := range []string{StreamJobs, StreamItems, StreamArticles, StreamDLQ, StreamClusters} {
		s, err := b.JS.Stream(ctx, name)
		if err != nil {
			t.Fatalf("stream %s: %v", name, err)
		}
		if s.CachedInfo().Config.Duplicates == 0 && name != StreamDLQ {
			t.Errorf("stream %s has no duplicate window", name)
		}
	}
	for _, name := range []string{BucketFeeds, BucketSeen, BucketSinkWrites} {
		if _, err := b.JS.KeyValue(ctx, name); err != nil {
			t.Errorf("bucket %s: %v", name, err)
		}
	}
}

func TestInProcessOnly(t *testing.T) {
	b, err := Open(context.Background(), natsCfg(t, ""), nil, "test")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if b.URL != "" {
		t.Fatalf("in-process server advertises %q", b.URL)
	}
	if _, err := b.JS.AccountInfo(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestExternalUnreachable(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	cfg := config.Default().NATS
	cfg.URL = "nats://" + addr
	cfg.ConnectTimeout = 2 * time.Second
	_, err := Open(context.Background(), cfg, nil, "test")
	if err == nil || !strings.Contains(err.Error(), addr) {
		t.Fatalf("error %v does not name %s", err, addr)
	}
}
