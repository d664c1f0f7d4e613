package faulttest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/config"
	"github.com/newsfeed/newsfeed/internal/testsite"
)

// origin is the synthetic news site behind a switchable fault: every
// request is logged with the status it got, and a fault function can answer
// in the site's place (500, 429 with Retry-After, or hold a request).
type origin struct {
	site         *testsite.Site
	srv          *httptest.Server
	URL          string
	feeds, items int

	mu     sync.Mutex
	log    []hit
	fault  func(path string) (status int, retryAfter string)
	hold   map[string]chan struct{} // path → released when closed
	held   map[string]chan struct{} // path → closed when a request is held
	heldUA map[string]string        // path → user agent of the held request
	gate   chan struct{}            // while non-nil, every request waits for it to close
}

type hit struct {
	Path   string
	UA     string // the replica's user agent
	Status int
	Start  time.Time // when the request arrived
	At     time.Time // when the answer was sent
}

func newOrigin(t *testing.T, feeds, items int, opts testsite.Options) *origin {
	t.Helper()
	opts.Feeds, opts.Items = feeds, items
	o := &origin{site: testsite.New(opts), feeds: feeds, items: items, hold: map[string]chan struct{}{}, held: map[string]chan struct{}{}, heldUA: map[string]string{}}
	o.srv = httptest.NewServer(o)
	t.Cleanup(o.close)
	o.URL = o.srv.URL
	o.site.Base = o.srv.URL
	return o
}

func (o *origin) close() {
	o.resume()
	o.mu.Lock()
	for p, c := range o.hold {
		close(c)
		delete(o.hold, p)
	}
	o.mu.Unlock()
	o.srv.CloseClientConnections()
	o.srv.Close()
}

type startKey struct{}

func (o *origin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r = r.WithContext(context.WithValue(r.Context(), startKey{}, time.Now()))
	o.mu.Lock()
	fault := o.fault
	gate := o.gate
	release, hold := o.hold[r.URL.Path]
	if hold {
		if c := o.held[r.URL.Path]; c != nil {
			o.heldUA[r.URL.Path] = r.UserAgent()
			close(c)
			delete(o.held, r.URL.Path)
		}
		delete(o.hold, r.URL.Path) // hold only the first request
	}
	o.mu.Unlock()
	if hold {
		select {
		case <-release:
		case <-r.Context().Done():
			o.record(r, 0)
			return
		}
	}
	if gate != nil {
		select {
		case <-gate:
		case <-r.Context().Done():
			o.record(r, 0)
			return
		}
	}
	if fault != nil {
		if status, ra := fault(r.URL.Path); status != 0 {
			if ra != "" {
				w.Header().Set("Retry-After", ra)
			}
			w.WriteHeader(status)
			o.record(r, status)
			return
		}
	}
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	o.site.ServeHTTP(sw, r)
	o.record(r, sw.status)
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (o *origin) record(r *http.Request, status int) {
	o.mu.Lock()
	start, _ := r.Context().Value(startKey{}).(time.Time)
	o.log = append(o.log, hit{Path: r.URL.Path, UA: r.UserAgent(), Status: status, Start: start, At: time.Now()})
	o.mu.Unlock()
}

// setFault installs f (nil removes it).
func (o *origin) setFault(f func(path string) (int, string)) {
	o.mu.Lock()
	o.fault = f
	o.mu.Unlock()
}

// pause makes every request wait until resume.
func (o *origin) pause() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.gate == nil {
		o.gate = make(chan struct{})
	}
}

func (o *origin) resume() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.gate != nil {
		close(o.gate)
		o.gate = nil
	}
}

// holdNext makes the next request for path wait until release is called;
// the returned channel is closed when that request has arrived.
func (o *origin) holdNext(path string) (arrived <-chan struct{}, release func()) {
	o.mu.Lock()
	defer o.mu.Unlock()
	c, a := make(chan struct{}), make(chan struct{})
	o.hold[path], o.held[path] = c, a
	var once sync.Once
	return a, func() {
		once.Do(func() {
			o.mu.Lock()
			if o.hold[path] == c {
				delete(o.hold, path)
			}
			o.mu.Unlock()
			close(c)
		})
	}
}

// heldBy returns the user agent of the request held for path.
func (o *origin) heldBy(path string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.heldUA[path]
}

func (o *origin) hits() []hit {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]hit(nil), o.log...)
}

func isPage(path string) bool { return strings.HasSuffix(path, ".html") }
func isFeed(path string) bool { return strings.HasSuffix(path, "/feed.xml") }

// fetchStats counts requests to the site.
type fetchStats struct {
	PageRequests, PageOK, PageRefetches int // refetches: 200s beyond the first per page
	FeedRequests, FeedOK                int
	Errors                              int // answers other than 200 and 304
}

func (o *origin) stats() fetchStats {
	var s fetchStats
	ok := map[string]int{}
	for _, h := range o.hits() {
		switch {
		case isPage(h.Path):
			s.PageRequests++
			if h.Status == 200 {
				s.PageOK++
				ok[h.Path]++
			}
		case isFeed(h.Path):
			s.FeedRequests++
			if h.Status == 200 || h.Status == 304 {
				s.FeedOK++
			}
		}
		if h.Status != 200 && h.Status != 304 {
			s.Errors++
		}
	}
	for _, n := range ok {
		s.PageRefetches += n - 1
	}
	return s
}

// feedConfigs returns the site's generated feeds.
func (o *origin) feedConfigs() []config.Feed {
	var out []config.Feed
	for f := 0; f < o.feeds; f++ {
		out = append(out, config.Feed{URL: fmt.Sprintf("%s/gen/%d/feed.xml", o.URL, f), Name: "Farm " + strconv.Itoa(f)})
	}
	return out
}

// pagePath is the path of generated article (f, i).
func pagePath(f, i int) string { return fmt.Sprintf("/gen/%d/%d.html", f, i) }

// expected returns the article ids the site's items must produce, each
// with its page path.
func (o *origin) expected(t *testing.T) map[string]string {
	t.Helper()
	want := map[string]string{}
	for f := 0; f < o.feeds; f++ {
		for i := 0; i < o.items; i++ {
			id, err := article.ID(o.URL + pagePath(f, i))
			if err != nil {
				t.Fatal(err)
			}
			want[id] = pagePath(f, i)
		}
	}
	return want
}
