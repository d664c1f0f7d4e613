package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/config"
	"github.com/newsfeed/newsfeed/internal/natsbus"
	"github.com/newsfeed/newsfeed/pipeline"
)

func TestDLQAndReplay(t *testing.T) {
	dir := t.TempDir()
	ncfg := config.Default().NATS
	ncfg.Embedded.Listen = "127.0.0.1:0"
	ncfg.Embedded.StoreDir = filepath.Join(dir, "nats")
	ctx := context.Background()
	bus, err := natsbus.Open(ctx, ncfg, nil, "test") // the "running daemon"
	if err != nil {
		t.Fatal(err)
	}
	defer bus.Close()
	if _, err := natsbus.Setup(ctx, bus.JS, ncfg, 0); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		a := article.Article{Schema: article.Schema, ID: fmt.Sprintf("%032d", i), URL: "https://example.org/a", CanonicalURL: "https://example.org/a",
			Title: fmt.Sprintf("Story %d", i), Authors: []string{}, Extraction: article.Extraction{Method: article.MethodGeneric}}
		b, _ := json.Marshal(&a)
		if _, err := bus.JS.Publish(ctx, "news.article.example.en", b); err != nil {
			t.Fatal(err)
		}
	}
	dl := &nats.Msg{Subject: "news.dlq.scrape", Data: []byte(`{"key":"k"}`), Header: nats.Header{}}
	dl.Header.Set(pipeline.HeaderDLQStage, "scrape")
	dl.Header.Set(pipeline.HeaderDLQReason, "delivered 6 times without being acknowledged")
	dl.Header.Set(pipeline.HeaderDLQSubject, "news.item.example")
	ack, err := bus.JS.PublishMsg(ctx, dl)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "replayed.jsonl")
	cfgPath := writeFile(t, "newsfeed.yaml", fmt.Sprintf("nats:\n  embedded: {listen: %q, store_dir: %q}\nsinks:\n  - {type: jsonl, name: backfill, path: %q}\n",
		strings.TrimPrefix(bus.URL, "nats://"), ncfg.Embedded.StoreDir, out))

	code, stdout, stderr := runCLI(t, "", "dlq", "list", "--config", cfgPath)
	if code != exitOK || !strings.Contains(stdout, "news.item.example") || !strings.Contains(stdout, "delivered 6 times") {
		t.Fatalf("dlq list: %d %q %q", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, "", "dlq", "show", "--config", cfgPath, fmt.Sprint(ack.Sequence))
	if code != exitOK || !strings.Contains(stdout, `{"key":"k"}`) || !strings.Contains(stdout, "Newsfeed-Dlq-Stage: scrape") {
		t.Fatalf("dlq show: %d %q", code, stdout)
	}
	if code, _, stderr = runCLI(t, "", "dlq", "purge", "--config", cfgPath); code != exitUsage || !strings.Contains(stderr, "--all") {
		t.Fatalf("purge without selection: %d %q", code, stderr)
	}
	code, stdout, stderr = runCLI(t, "", "dlq", "retry", "--config", cfgPath, "--all")
	if code != exitOK || !strings.Contains(stdout, "retried 1 dead letters") {
		t.Fatalf("dlq retry: %d %q %q", code, stdout, stderr)
	}
	items, _ := bus.JS.Stream(ctx, natsbus.StreamItems)
	dlq, _ := bus.JS.Stream(ctx, natsbus.StreamDLQ)
	ii, _ := items.Info(ctx)
	di, _ := dlq.Info(ctx)
	if ii.State.Msgs != 1 || di.State.Msgs != 0 {
		t.Fatalf("after retry: %d items queued (want 1), %d dead letters (want 0)", ii.State.Msgs, di.State.Msgs)
	}

	code, stdout, stderr = runCLI(t, "", "replay", "--config", cfgPath, "--sink", "backfill", "--since", "1h")
	if code != exitOK || !strings.Contains(stdout, "replayed 2 articles") {
		t.Fatalf("replay: %d %q %q", code, stdout, stderr)
	}
	b, _ := os.ReadFile(out)
	if n := strings.Count(string(b), "\n"); n != 2 {
		t.Fatalf("backfilled sink has %d lines, want 2", n)
	}
	future := time.Now().Add(time.Hour).Format(time.RFC3339)
	if code, stdout, _ = runCLI(t, "", "replay", "--config", cfgPath, "--sink", "backfill", "--since", future); code != exitOK || !strings.Contains(stdout, "replayed 0 articles") {
		t.Fatalf("replay from the future: %d %q", code, stdout)
	}
	if code, _, stderr = runCLI(t, "", "replay", "--config", cfgPath, "--sink", "nope", "--since", "1h"); code != exitFail || !strings.Contains(stderr, `no sink named "nope"`) {
		t.Fatalf("unknown sink: %d %q", code, stderr)
	}
}
