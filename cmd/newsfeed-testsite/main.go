// Command newsfeed-testsite serves a synthetic news site on loopback: the
// Moscow Times reference feed and article, and generated feeds with
// realistic article pages. It is the offline demo and the load harness's
// origin (see README and BENCHMARKS.md).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/newsfeed/newsfeed/internal/testsite"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:8089", "address to serve on")
	feeds := flag.Int("feeds", 5, "generated feeds (/gen/<f>/feed.xml)")
	items := flag.Int("items", 10, "items per generated feed")
	pageKB := flag.Int("page-kb", 100, "pad generated pages with boilerplate to about this many KiB")
	latency := flag.Duration("latency", 0, "delay added to every response")
	errRate := flag.Float64("error-rate", 0, "share of article pages answered with HTTP 500")
	flag.Parse()
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(os.Stderr, "newsfeed-testsite: %v\n", err)
		os.Exit(1)
	}
	site := testsite.New(testsite.Options{Feeds: *feeds, Items: *items, PageKB: *pageKB, Latency: *latency, ErrorRate: *errRate})
	site.Base = "http://" + ln.Addr().String()
	srv := &http.Server{Handler: site, ReadHeaderTimeout: 5 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	logger.Info("serving", "base", site.Base, "moscow_times_feed", site.Base+"/mt/rss/news", "generated_feeds", *feeds, "items", *items)
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(os.Stderr, "newsfeed-testsite: %v\n", err)
		os.Exit(1)
	}
}
