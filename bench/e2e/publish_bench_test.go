package e2e

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsfeed/newsfeed/config"
	"github.com/newsfeed/newsfeed/internal/natsbus"
)

// BenchmarkPublish measures JetStream publishes of article-sized messages
// (10 KB) to NEWS_ARTICLES on the embedded server, with and without
// nats.embedded.sync_always, the way the scraper publishes: synchronously,
// with a Nats-Msg-Id and the expected stream, waiting for the ack; from one
// publisher and from 16 at once (the default scrapers); and asynchronously
// (up to 256 in flight) as the ceiling.
func BenchmarkPublish(b *testing.B) {
	payload := articlePayload()
	for _, sync := range []bool{false, true} {
		for _, mode := range []string{"sync-1", "sync-16", "async"} {
			b.Run(fmt.Sprintf("sync_always=%v/%s", sync, mode), func(b *testing.B) {
				ctx := context.Background()
				cfg := config.Default().NATS
				cfg.Embedded.Listen = ""
				cfg.Embedded.StoreDir = b.TempDir()
				cfg.Embedded.SyncAlways = sync
				bus, err := natsbus.Open(ctx, cfg, nil, "bench")
				if err != nil {
					b.Fatal(err)
				}
				defer bus.Close()
				if _, err := natsbus.Setup(ctx, bus.JS, cfg, 0); err != nil {
					b.Fatal(err)
				}
				var seq atomic.Int64
				publish := syncPublisher(ctx, bus.JS, payload, &seq)
				b.SetBytes(int64(len(payload)))
				b.ReportAllocs()
				start := time.Now()
				switch mode {
				case "sync-1":
					for b.Loop() {
						if err := publish(); err != nil {
							b.Fatal(err)
						}
					}
				case "sync-16":
					b.SetParallelism(8) // 8 × GOMAXPROCS (2) = 16 publishers
					b.ResetTimer()
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							if err := publish(); err != nil {
								b.Error(err)
								return
							}
						}
					})
				case "async":
					js, err := jetstream.New(bus.Conn, jetstream.WithPublishAsyncMaxPending(256))
					if err != nil {
						b.Fatal(err)
					}
					for b.Loop() {
						id := strconv.FormatInt(seq.Add(1), 10)
						msg := &nats.Msg{Subject: "news.article.bench.en", Data: payload}
						if _, err := js.PublishMsgAsync(msg, jetstream.WithMsgID(id), jetstream.WithExpectStream("NEWS_ARTICLES"), jetstream.WithStallWait(30*time.Second)); err != nil {
							b.Fatal(err)
						}
					}
					select {
					case <-js.PublishAsyncComplete():
					case <-time.After(time.Minute):
						b.Fatal("async publishes not acknowledged within a minute")
					}
				}
				b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
			})
		}
	}
}

// articlePayload is an article-sized message (10 KB).
func articlePayload() []byte {
	return []byte(`{"schema":"newsfeed.article/v1","text":"` + strings.Repeat("word ", 2000) + `"}`)
}

// syncPublisher publishes payload to NEWS_ARTICLES the way the scraper
// does: a Nats-Msg-Id from seq, the expected stream, waiting for the ack.
func syncPublisher(ctx context.Context, js jetstream.JetStream, payload []byte, seq *atomic.Int64) func() error {
	return func() error {
		id := strconv.FormatInt(seq.Add(1), 10)
		msg := &nats.Msg{Subject: "news.article.bench.en", Data: payload, Header: nats.Header{}}
		msg.Header.Set("Content-Type", "application/json")
		pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_, err := js.PublishMsg(pctx, msg, jetstream.WithMsgID(id), jetstream.WithExpectStream("NEWS_ARTICLES"))
		return err
	}
}
