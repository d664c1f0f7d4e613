package pipeline_test

import (
	"context"
	"os"
	"testing"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/newsfeed/newsfeed/config"
	"github.com/newsfeed/newsfeed/internal/natsbus"
	"github.com/newsfeed/newsfeed/internal/natstest"
	"github.com/newsfeed/newsfeed/internal/testsite"
)

// runServer starts a current nats-server with JetStream on a random port.
func runServer(t *testing.T) *server.Server { return natstest.Run(t, nil) }

func externalFlow(t *testing.T, url string) {
	_, base := siteServer(t, testsite.Options{Feeds: 2, Items: 3})
	feeds := []config.Feed{
		{URL: base + "/mt/rss/news", Name: "The Moscow Times"},
		{URL: base + "/gen/0/feed.xml", Name: "Farm 0"},
		{URL: base + "/gen/1/feed.xml", Name: "Farm 1"},
	}
	h := start(t, setup{feeds: feeds, natsURL: url})
	if h.bus.Server != nil {
		t.Fatal("an embedded server was started although nats.url is set")
	}
	res, err := h.pipe.Once(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Failed) != 0 {
		t.Fatalf("failed: %+v", res.Failed)
	}
	if n := len(h.articles()); n != 9 {
		t.Fatalf("%d articles, want 9", n)
	}
	// The articles are retained on the stream for replay and other subscribers.
	st, err := h.bus.JS.Stream(context.Background(), natsbus.StreamArticles)
	if err != nil {
		t.Fatal(err)
	}
	if info, _ := st.Info(context.Background()); info.State.Msgs != 9 {
		t.Fatalf("NEWS_ARTICLES holds %d messages, want 9", info.State.Msgs)
	}
}

func TestOnceExternalServer(t *testing.T) {
	s := runServer(t)
	externalFlow(t, s.ClientURL())
}

// TestOnceMachineNATS runs the flow against the NATS named by
// NEWSFEED_TEST_NATS_URL (the machine's nats-server 2.9 in CI). It deletes
// newsfeed's streams and buckets on that server first.
func TestOnceMachineNATS(t *testing.T) {
	url := os.Getenv("NEWSFEED_TEST_NATS_URL")
	if url == "" {
		t.Skip("NEWSFEED_TEST_NATS_URL is not set; skipping the test against an external nats-server")
	}
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatalf("NEWSFEED_TEST_NATS_URL=%s: %v", url, err)
	}
	js, _ := jetstream.New(nc)
	ctx := context.Background()
	for _, s := range []string{natsbus.StreamJobs, natsbus.StreamItems, natsbus.StreamArticles, natsbus.StreamDLQ, natsbus.StreamClusters} {
		_ = js.DeleteStream(ctx, s)
	}
	for _, b := range []string{natsbus.BucketFeeds, natsbus.BucketSeen, natsbus.BucketSinkWrites, "newsfeed_clusters"} {
		_ = js.DeleteKeyValue(ctx, b)
	}
	nc.Close()
	externalFlow(t, url)
}
