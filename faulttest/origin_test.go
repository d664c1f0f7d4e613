package faulttest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsfeed/newsfeed/internal/testsite"
)

// fallbacks counts the articles in the JSONL files built from the feed
// item alone (the page could not be had).
func fallbacks(t *testing.T, paths ...string) int {
	t.Helper()
	n := 0
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			var a struct {
				Extraction struct {
					Method string `json:"method"`
				} `json:"extraction"`
			}
			if json.Unmarshal([]byte(line), &a) == nil && a.Extraction.Method == "feed-fallback" {
				n++
			}
		}
	}
	return n
}

// 8. The origin answers 500 to everything: first to the feed polls, then,
// mid-stream, to the article pages for 4 s. Polls back off and retry,
// pages are retried with growing delays; when the origin recovers every
// article arrives extracted from its page (none degraded to the feed
// item), once.
func TestOrigin500ThenRecovers(t *testing.T) {
	const feeds, items = 4, 10
	const pageOutage = 4 * time.Second
	s := newScenario(t, feeds, items, testsite.Options{Latency: 50 * time.Millisecond})
	ns := startNATS(t, filepath.Join(s.dir, "nats"), nil)
	var failFeeds, failPages atomic.Bool
	failFeeds.Store(true)
	s.o.setFault(func(path string) (int, string) {
		if (isFeed(path) && failFeeds.Load()) || (isPage(path) && failPages.Load()) {
			return 500, ""
		}
		return 0, ""
	})
	s.addReplica("r1", ns.url(), nil)
	s.addReplica("r2", ns.url(), nil)
	acks := sampleAcks(t, ns.url())
	// Every feed fails at least once.
	if ok, _ := waitFor(30*time.Second, func() bool {
		failed := map[string]bool{}
		for _, h := range s.o.hits() {
			if isFeed(h.Path) && h.Status == 500 {
				failed[h.Path] = true
			}
		}
		return len(failed) == feeds
	}); !ok {
		t.Fatal("not every feed was polled")
	}
	feedsBack := time.Now()
	failFeeds.Store(false)
	s.waitWritten(feeds*items/4, 60*time.Second)
	failPages.Store(true)
	pagesDown := time.Now()
	time.Sleep(pageOutage) // the outage itself, not synchronisation
	failPages.Store(false)
	pagesBack := time.Now()
	took := s.waitComplete(ns.url(), 120*time.Second)
	jl, sq := s.finish()
	st := s.o.stats()
	var feed500, page500, pageDuring int
	var firstFeedOK time.Time
	for _, h := range s.o.hits() {
		switch {
		case isFeed(h.Path) && h.Status == 500:
			feed500++
		case isFeed(h.Path) && h.Status == 200 && firstFeedOK.IsZero():
			firstFeedOK = h.At
		case isPage(h.Path) && h.Status == 500:
			page500++
		}
		if isPage(h.Path) && h.Start.After(pagesDown) && h.Start.Before(pagesBack) {
			pageDuring++
		}
	}
	fb := fallbacks(t, s.jsonls...)
	t.Logf("FIGURES origin-500: articles=%d feed_500s=%d feed_recovery=%v page_outage=%v page_requests_during=%d page_500s=%d page_requests=%d complete_after_recovery=%v fallback_articles=%d lost=%d/%d dup=%d/%d %v",
		len(s.l.want), feed500, firstFeedOK.Sub(feedsBack).Round(time.Millisecond), pageOutage, pageDuring, page500, st.PageRequests,
		took.Round(time.Millisecond), fb, jl.Lost, sq.Lost, jl.Dup, sq.Dup, acks)
	if page500 == 0 {
		t.Error("no page was answered 500: the test proves nothing")
	}
	if fb != 0 {
		t.Errorf("%d articles were degraded to the feed item although the origin recovered", fb)
	}
}

// 9. The origin answers 429 with Retry-After: 3 for a second — to the feed
// polls at first, then to the article pages. A replica sends the host nothing
// more until the Retry-After has passed (feed polls: every replica, through
// the host cool-down in KV), and every article still arrives, extracted,
// once.
func TestOrigin429RetryAfter(t *testing.T) {
	t.Parallel()
	const feeds, items = 4, 10
	const retryAfter = 3 * time.Second
	s := newScenario(t, feeds, items, testsite.Options{Latency: 50 * time.Millisecond})
	ns := startNATS(t, filepath.Join(s.dir, "nats"), nil)
	// The first feed request and the first page request each open a
	// window of 1 s during which requests of their kind get 429.
	var feedFirst, pageFirst atomic.Int64
	window := func(first *atomic.Int64) bool {
		now := time.Now().UnixNano()
		first.CompareAndSwap(0, now)
		return time.Duration(now-first.Load()) <= time.Second
	}
	s.o.setFault(func(path string) (int, string) {
		if (isFeed(path) && window(&feedFirst)) || (isPage(path) && window(&pageFirst)) {
			return 429, "3"
		}
		return 0, ""
	})
	s.addReplica("r1", ns.url(), nil)
	s.addReplica("r2", ns.url(), nil)
	acks := sampleAcks(t, ns.url())
	took := s.waitComplete(ns.url(), 120*time.Second)
	jl, sq := s.finish()

	// Politeness: after a replica got a 429, it sends no request until the
	// Retry-After has passed (50 ms slack for requests already on the way).
	hits := s.o.hits()
	var feed429, page429, early int
	var firstFeed429, firstPage429 time.Time
	for _, h := range hits {
		if h.Status != 429 {
			continue
		}
		if isFeed(h.Path) {
			feed429++
			if firstFeed429.IsZero() || h.At.Before(firstFeed429) {
				firstFeed429 = h.At
			}
		} else {
			page429++
			if firstPage429.IsZero() || h.At.Before(firstPage429) {
				firstPage429 = h.At
			}
		}
		for _, g := range hits {
			if g.UA == h.UA && g.Start.After(h.At.Add(50*time.Millisecond)) && g.Start.Before(h.At.Add(retryAfter-50*time.Millisecond)) {
				early++
			}
		}
	}
	// Across replicas, inside the Retry-After of the first 429 of each
	// window (report only: the feed path pauses every replica through KV,
	// the page path each replica on its own).
	inside := func(first time.Time) int {
		n := 0
		for _, g := range hits {
			if !first.IsZero() && g.Start.After(first.Add(50*time.Millisecond)) && g.Start.Before(first.Add(retryAfter-50*time.Millisecond)) {
				n++
			}
		}
		return n
	}
	fb := fallbacks(t, s.jsonls...)
	t.Logf("FIGURES origin-429: articles=%d retry_after=%v feed_429s=%d page_429s=%d same_replica_requests_inside_retry_after=%d any_replica_requests_inside_retry_after(first feed 429)=%d (first page 429)=%d complete=%v fallback_articles=%d lost=%d/%d dup=%d/%d %v",
		len(s.l.want), retryAfter, feed429, page429, early, inside(firstFeed429), inside(firstPage429), took.Round(time.Millisecond), fb, jl.Lost, sq.Lost, jl.Dup, sq.Dup, acks)
	if feed429 == 0 || page429 == 0 {
		t.Fatalf("429s served to feeds %d, pages %d: the test proves less than it should", feed429, page429)
	}
	if early != 0 {
		t.Errorf("%d requests were sent to the host by a replica inside its Retry-After", early)
	}
	if fb != 0 {
		t.Errorf("%d articles were degraded to the feed item", fb)
	}
}

// A feed that fails again and again, quickly (backoff capped at 1 s), is
// polled again after every failure until it recovers: no retry may be
// swallowed. (Poll jobs are named <feed>@<due time>; when two due times
// shared one job name, the second job was absorbed as a duplicate and the
// feed was not polled again for the duplicate window, 2 h.)
func TestFeedFailingFastIsRetried(t *testing.T) {
	t.Parallel()
	const feeds, items = 2, 2
	const failures = 8
	s := newScenario(t, feeds, items, testsite.Options{})
	ns := startNATS(t, filepath.Join(s.dir, "nats"), nil)
	var served atomic.Int64
	s.o.setFault(func(path string) (int, string) {
		if isFeed(path) && served.Add(1) <= failures*feeds {
			return 500, ""
		}
		return 0, ""
	})
	fast := func(sp *spec) { sp.Schedule = "{tick: 50ms, max_backoff: 1s}" }
	s.addReplica("r1", ns.url(), fast)
	s.addReplica("r2", ns.url(), fast)
	took := s.waitComplete(ns.url(), 60*time.Second)
	jl, sq := s.finish()
	n500 := 0
	for _, h := range s.o.hits() {
		if isFeed(h.Path) && h.Status == 500 {
			n500++
		}
	}
	t.Logf("FIGURES feed-fast-retries: feeds=%d failed_polls=%d complete=%v lost=%d/%d dup=%d/%d", feeds, n500, took.Round(time.Millisecond), jl.Lost, sq.Lost, jl.Dup, sq.Dup)
}
