package e2e

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsfeed/newsfeed/config"
	"github.com/newsfeed/newsfeed/internal/natsbus"
	"github.com/newsfeed/newsfeed/internal/natstest"
)

// BenchmarkPublishReplicas measures the cost of R3 streams: the same
// synchronous 10 KB article publishes as BenchmarkPublish, to NEWS_ARTICLES
// created by natsbus.Setup with nats.replicas 1 and 3, on a three-node
// cluster of in-process servers on loopback (so the figure is the
// replication protocol's cost without network latency; real nodes add a
// round trip per publish).
func BenchmarkPublishReplicas(b *testing.B) {
	payload := articlePayload()
	for _, replicas := range []int{1, 3} {
		ctx := context.Background()
		servers := natstest.Cluster(b, 3, nil)
		cfg := config.Default().NATS
		cfg.URL = natstest.ClientURLs(servers)
		cfg.Replicas = replicas
		bus, err := natsbus.Open(ctx, cfg, nil, "bench")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := natsbus.Setup(ctx, bus.JS, cfg, 0); err != nil {
			bus.Close()
			b.Fatal(err)
		}
		var seq atomic.Int64
		publish := syncPublisher(ctx, bus.JS, payload, &seq)
		for _, mode := range []string{"sync-1", "sync-16"} {
			b.Run(fmt.Sprintf("replicas=%d/%s", replicas, mode), func(b *testing.B) {
				b.SetBytes(int64(len(payload)))
				b.ReportAllocs()
				start := time.Now()
				if mode == "sync-1" {
					for b.Loop() {
						if err := publish(); err != nil {
							b.Fatal(err)
						}
					}
				} else {
					b.SetParallelism(8) // 16 publishers on 2 cores, as the scrapers
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							if err := publish(); err != nil {
								b.Error(err)
								return
							}
						}
					})
				}
				b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
			})
		}
		bus.Close()
	}
}
