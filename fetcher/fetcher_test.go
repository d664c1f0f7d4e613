package fetcher

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
)

func TestConditionalGET(t *testing.T) {
	const etag = `"v1"`
	const lm = "Sun, 01 Mar 2026 10:00:00 GMT"
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == etag || r.Header.Get("If-Modified-Since") == lm {
			w.Header().Set("Cache-Control", "max-age=600")
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", lm)
		fmt.Fprint(w, "<rss/>")
	})
	c := newClient(t, Options{AllowPrivateNetworks: true})
	ctx := context.Background()
	r1, err := c.Fetch(ctx, Request{URL: o.URL + "/f"})
	if err != nil {
		t.Fatal(err)
	}
	if r1.NotModified || r1.ETag != etag || r1.LastModified != lm || string(r1.Body) != "<rss/>" {
		t.Fatalf("first: %+v", r1)
	}
	for _, req := range []Request{
		{URL: o.URL + "/f", ETag: r1.ETag},
		{URL: o.URL + "/f", LastModified: r1.LastModified},
		{URL: o.URL + "/f", ETag: r1.ETag, LastModified: r1.LastModified},
	} {
		r2, err := c.Fetch(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if !r2.NotModified || len(r2.Body) != 0 || r2.ETag != req.ETag || r2.LastModified != req.LastModified {
			t.Errorf("conditional %+v: got %+v", req, r2)
		}
		if Freshness(r2.Header, time.Now()) != 10*time.Minute {
			t.Errorf("304 header not returned: %v", r2.Header)
		}
	}
}

func TestHeadersAndDecoding(t *testing.T) {
	payload := strings.Repeat("<item>hello</item>", 1000)
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("User-Agent") != "newsfeed/1 (+https://example.org/newsfeed)" {
			http.Error(w, "ua", 400)
			return
		}
		if r.Header.Get("Accept-Encoding") != "gzip, br" {
			http.Error(w, "ae", 400)
			return
		}
		switch r.URL.Path {
		case "/gzip":
			w.Header().Set("Content-Encoding", "gzip")
			zw := gzip.NewWriter(w)
			zw.Write([]byte(payload))
			zw.Close()
		case "/br":
			w.Header().Set("Content-Encoding", "br")
			bw := brotli.NewWriter(w)
			bw.Write([]byte(payload))
			bw.Close()
		case "/bad-gzip":
			w.Header().Set("Content-Encoding", "gzip")
			w.Write([]byte("this is not gzip"))
		case "/zstd":
			w.Header().Set("Content-Encoding", "zstd")
			w.Write([]byte("x"))
		default:
			w.Write([]byte(payload))
		}
	})
	c := newClient(t, Options{AllowPrivateNetworks: true, UserAgent: "newsfeed/1 (+https://example.org/newsfeed)"})
	for _, tc := range []struct {
		path  string
		class Class
	}{{"/plain", ""}, {"/gzip", ""}, {"/br", ""}, {"/bad-gzip", ClassParse}, {"/zstd", ClassParse}} {
		resp, err := c.Fetch(context.Background(), Request{URL: o.URL + tc.path})
		if tc.class != "" {
			if fe := fetchErr(t, err); fe.Class != tc.class {
				t.Errorf("%s: class %s (%v), want %s", tc.path, fe.Class, err, tc.class)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		if string(resp.Body) != payload {
			t.Errorf("%s: body of %d bytes", tc.path, len(resp.Body))
		}
	}
}

func TestStatusClasses(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		var code int
		fmt.Sscanf(r.URL.Path, "/%d", &code)
		if code == 429 || code == 503 {
			w.Header().Set("Retry-After", "120")
		}
		w.WriteHeader(code)
	})
	for _, tc := range []struct {
		code      int
		class     Class
		permanent bool
		retry     time.Duration
	}{
		{404, ClassHTTP4xx, true, 0},
		{410, ClassHTTP4xx, true, 0},
		{408, ClassHTTP4xx, false, 0},
		{429, ClassHTTP4xx, false, 120 * time.Second},
		{500, ClassHTTP5xx, false, 0},
		{503, ClassHTTP5xx, false, 120 * time.Second},
	} {
		c := newClient(t, Options{AllowPrivateNetworks: true})
		_, err := c.Fetch(context.Background(), Request{URL: fmt.Sprintf("%s/%d", o.URL, tc.code)})
		fe := fetchErr(t, err)
		if fe.Class != tc.class || fe.StatusCode != tc.code || fe.Permanent() != tc.permanent || fe.RetryAfter != tc.retry {
			t.Errorf("%d: %+v permanent=%v", tc.code, fe, fe.Permanent())
		}
	}
}

func TestRetryAfterPausesHost(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/limited" {
			w.Header().Set("Retry-After", "3600")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Write([]byte("ok"))
	})
	res := newResolver().set("a.test", "127.0.0.1").set("b.test", "127.0.0.1")
	c := newClient(t, Options{AllowPrivateNetworks: true, Resolver: res})
	ctx := context.Background()
	fe := fetchErr(t, func() error { _, err := c.Fetch(ctx, Request{URL: o.at("a.test", "/limited")}); return err }())
	if fe.RetryAfter != time.Hour {
		t.Fatalf("RetryAfter = %v", fe.RetryAfter)
	}
	before := o.hits.Load()
	_, err := c.Fetch(ctx, Request{URL: o.at("a.test", "/other"), Kind: KindPage})
	fe = fetchErr(t, err)
	if fe.Class != ClassHTTP4xx || fe.StatusCode != 429 || fe.RetryAfter <= 59*time.Minute || !strings.Contains(err.Error(), "paused") {
		t.Errorf("paused host: %v", err)
	}
	if o.hits.Load() != before {
		t.Error("a request was sent to a paused host")
	}
	if _, err := c.Fetch(ctx, Request{URL: o.at("b.test", "/other")}); err != nil {
		t.Errorf("other host affected: %v", err)
	}
}

func TestRedirects(t *testing.T) {
	var o *origin
	o = newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/moved":
			http.Redirect(w, r, "/moved2", http.StatusMovedPermanently)
		case "/moved2":
			http.Redirect(w, r, "/final", http.StatusPermanentRedirect)
		case "/temp":
			http.Redirect(w, r, "/moved2", http.StatusFound)
		case "/cross":
			if r.Header.Get("If-None-Match") != `"x"` {
				http.Error(w, "validator missing", 400)
				return
			}
			http.Redirect(w, r, o.at("b.test", "/check-no-validators"), http.StatusFound)
		case "/check-no-validators":
			if r.Header.Get("If-None-Match") != "" {
				http.Error(w, "validator leaked", 400)
				return
			}
			w.Write([]byte("ok"))
		default:
			w.Write([]byte("final"))
		}
	})
	res := newResolver().set("a.test", "127.0.0.1").set("b.test", "127.0.0.1")
	c := newClient(t, Options{AllowPrivateNetworks: true, Resolver: res})
	for _, tc := range []struct {
		path      string
		n         int
		permanent bool
	}{{"/moved", 2, true}, {"/temp", 2, false}, {"/final", 0, false}} {
		resp, err := c.Fetch(context.Background(), Request{URL: o.URL + tc.path})
		if err != nil {
			t.Fatal(err)
		}
		if resp.Redirects != tc.n || resp.PermanentRedirect != tc.permanent || !strings.HasSuffix(resp.URL, "/final") {
			t.Errorf("%s: %d redirects, permanent %v, URL %s", tc.path, resp.Redirects, resp.PermanentRedirect, resp.URL)
		}
	}
	if _, err := c.Fetch(context.Background(), Request{URL: o.at("a.test", "/cross"), ETag: `"x"`}); err != nil {
		t.Errorf("cross-host redirect: %v", err)
	}
}

// TestPoliteness fetches 200 feeds spread over 3 hosts with 16 workers and
// checks that no host ever had more than PerHostConcurrency requests in
// flight (seen by the origin) nor two requests handed to the network
// closer than PerHostMinInterval (seen just below the politeness layer, so
// that loopback scheduling noise does not blur the measure).
func TestPoliteness(t *testing.T) {
	const (
		conc     = 2
		interval = 15 * time.Millisecond
		hold     = 40 * time.Millisecond
		feeds    = 200
	)
	type hostStats struct {
		inFlight, maxInFlight int
		requests              int
	}
	var mu sync.Mutex
	stats := map[string]*hostStats{}
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		host := strings.Split(r.Host, ":")[0]
		mu.Lock()
		s := stats[host]
		if s == nil {
			s = &hostStats{}
			stats[host] = s
		}
		s.inFlight++
		s.requests++
		if s.inFlight > s.maxInFlight {
			s.maxInFlight = s.inFlight
		}
		mu.Unlock()
		time.Sleep(hold) // a slow origin, so that requests overlap
		mu.Lock()
		s.inFlight--
		mu.Unlock()
		w.Write([]byte("<rss/>"))
	})
	hosts := []string{"one.test", "two.test", "three.test"}
	res := newResolver()
	for _, h := range hosts {
		res.set(h, "127.0.0.1")
	}
	c := newClient(t, Options{AllowPrivateNetworks: true, Resolver: res, PerHostConcurrency: conc, PerHostMinInterval: interval})
	rec := &startRecorder{base: c.http.Transport.(*politeTransport).base, starts: map[string][]time.Time{}}
	c.http.Transport.(*politeTransport).base = rec
	jobs := make(chan string)
	var wg sync.WaitGroup
	var failed atomic.Int64
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range jobs {
				if _, err := c.Fetch(context.Background(), Request{URL: u}); err != nil {
					failed.Add(1)
				}
			}
		}()
	}
	for i := 0; i < feeds; i++ {
		jobs <- o.at(hosts[i%len(hosts)], fmt.Sprintf("/feed/%d", i))
	}
	close(jobs)
	wg.Wait()
	if failed.Load() > 0 {
		t.Fatalf("%d fetches failed", failed.Load())
	}
	total := 0
	for _, h := range hosts {
		s := stats[h]
		total += s.requests
		if s.maxInFlight > conc {
			t.Errorf("%s: %d requests in flight, cap %d", h, s.maxInFlight, conc)
		}
		if s.maxInFlight < conc {
			t.Errorf("%s: never reached %d in flight: the test does not exercise the cap", h, conc)
		}
		starts := rec.starts[h]
		minGap := time.Hour
		for i := 1; i < len(starts); i++ {
			minGap = min(minGap, starts[i].Sub(starts[i-1]))
		}
		// 2ms of slack for a goroutine preempted between being let
		// through and handing the request on (seen under -race on 2 busy
		// cores); a limiter that does not space requests gives gaps near 0
		if minGap < interval-2*time.Millisecond {
			t.Errorf("%s: two requests sent %v apart, interval %v", h, minGap, interval)
		}
		t.Logf("%s: %d requests, max in flight %d, min gap %v", h, len(starts), s.maxInFlight, minGap.Round(100*time.Microsecond))
	}
	if total != feeds {
		t.Errorf("%d requests, want %d", total, feeds)
	}
}

// startRecorder notes when each request leaves the politeness layer.
type startRecorder struct {
	base   http.RoundTripper
	mu     sync.Mutex
	starts map[string][]time.Time
}

func (r *startRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	h := req.URL.Hostname()
	r.starts[h] = append(r.starts[h], time.Now())
	r.mu.Unlock()
	return r.base.RoundTrip(req)
}

func TestRobots(t *testing.T) {
	var robotsHits atomic.Int64
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			robotsHits.Add(1)
			fmt.Fprint(w, "User-agent: *\nDisallow: /\n\nUser-agent: newsfeed\nAllow: /news/\nDisallow: /news/private\nDisallow: /*.pdf$\nCrawl-delay: 0.05\n")
		default:
			w.Write([]byte("page"))
		}
	})
	c := newClient(t, Options{AllowPrivateNetworks: true, RespectRobots: true, UserAgent: "newsfeed/1 (+https://example.org)"})
	ctx := context.Background()
	for _, tc := range []struct {
		path    string
		kind    Kind
		allowed bool
	}{
		{"/news/1", KindPage, true},
		{"/news/private/2", KindPage, false},
		{"/other", KindPage, true}, // the newsfeed group applies, not "*"
		{"/news/a.pdf", KindPage, false},
		{"/news/a.pdf?x=1", KindPage, true},
		{"/news/private/3", KindFeed, true}, // feeds are subscriptions: robots.txt is for pages
	} {
		_, err := c.Fetch(ctx, Request{URL: o.URL + tc.path, Kind: tc.kind})
		if tc.allowed && err != nil {
			t.Errorf("%s: %v", tc.path, err)
		}
		if !tc.allowed {
			fe := fetchErr(t, err)
			if fe.Class != ClassBlocked || !strings.Contains(err.Error(), "robots.txt disallows") || !fe.Permanent() {
				t.Errorf("%s: %v", tc.path, err)
			}
		}
	}
	if robotsHits.Load() != 1 {
		t.Errorf("robots.txt fetched %d times, want 1 (cached)", robotsHits.Load())
	}
	// Crawl-delay 50ms now spaces requests to this host
	start := time.Now()
	for i := 0; i < 3; i++ {
		if _, err := c.Fetch(ctx, Request{URL: o.URL + "/news/x", Kind: KindPage}); err != nil {
			t.Fatal(err)
		}
	}
	if el := time.Since(start); el < 100*time.Millisecond {
		t.Errorf("3 requests with Crawl-delay 50ms took %v", el)
	}
}

func TestOutageDetectorWithClient(t *testing.T) {
	det := NewOutageDetector(time.Minute, 2)
	res := newResolver() // knows no host: every lookup fails
	c := newClient(t, Options{Resolver: res, Outage: det})
	for _, h := range []string{"a.example", "b.example"} {
		_, err := c.Fetch(context.Background(), Request{URL: "http://" + h + "/"})
		if fe := fetchErr(t, err); fe.Class != ClassDNS {
			t.Fatalf("class %s: %v", fe.Class, err)
		}
	}
	if !det.Down() {
		t.Error("two hosts failing DNS: Down() = false")
	}
	det.Record("c.example", &Error{Class: ClassHTTP4xx, StatusCode: 404})
	if det.Down() {
		t.Error("a 404 proves the network works: Down() = true")
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want Class
	}{
		{context.DeadlineExceeded, ClassTimeout},
		{context.Canceled, ClassOther},
		{fmt.Errorf("x: %w", ErrBlocked), ClassBlocked},
		{errors.New("net/http: server response headers exceeded 65536 bytes; aborted"), ClassTooLarge},
		{errors.New("tls: failed to verify certificate: x509: certificate signed by unknown authority"), ClassTLS},
		{errors.New("read: connection reset by peer"), ClassConnect},
		{errors.New("something else"), ClassOther},
	} {
		if got := classify("u", tc.err).Class; got != tc.want {
			t.Errorf("%v: %s, want %s", tc.err, got, tc.want)
		}
	}
	if ClassOf(errors.New("x")) != ClassOther || ClassOf(&Error{Class: ClassDNS}) != ClassDNS {
		t.Error("ClassOf")
	}
	if !bytes.Contains([]byte((&Error{Class: ClassBlocked, URL: "u", Err: ErrBlocked}).Error()), []byte("blocked")) {
		t.Error("Error() lacks the class")
	}
}

// TestQueueDoesNotTimeOut: waiting for the host's turn is not counted
// against Options.Timeout.
func TestQueueDoesNotTimeOut(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	c := newClient(t, Options{AllowPrivateNetworks: true, PerHostConcurrency: 1, PerHostMinInterval: 100 * time.Millisecond, Timeout: 300 * time.Millisecond})
	var wg sync.WaitGroup
	var maxWait atomic.Int64
	errs := make(chan error, 6)
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := c.Fetch(context.Background(), Request{URL: o.URL})
			if err != nil {
				errs <- err
				return
			}
			for w := int64(resp.Wait); ; {
				cur := maxWait.Load()
				if w <= cur || maxWait.CompareAndSwap(cur, w) {
					break
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("queued fetch failed: %v", err)
	}
	if time.Duration(maxWait.Load()) < 400*time.Millisecond {
		t.Errorf("longest wait %v: the queue was not exercised", time.Duration(maxWait.Load()))
	}
	// the caller's context still bounds the wait: right after a request,
	// the next one must wait 100ms
	if _, err := c.Fetch(context.Background(), Request{URL: o.URL}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.Fetch(ctx, Request{URL: o.URL}); err == nil {
		t.Error("a fetch due in 100ms finished within a 50ms context")
	}
}

func TestProxy(t *testing.T) {
	var seen atomic.Value
	proxy := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		seen.Store(r.URL.String())
		w.Write([]byte("via proxy"))
	})
	proxyURL, _ := url.Parse(proxy.URL)
	res := newResolver().set("news.example", "93.184.216.34").set("intranet.example", "10.0.0.1")
	c := newClient(t, Options{Resolver: res, Proxy: http.ProxyURL(proxyURL)})
	resp, err := c.Fetch(context.Background(), Request{URL: "http://news.example/feed"})
	if err != nil {
		t.Fatalf("through a trusted proxy with the guard on: %v", err)
	}
	if string(resp.Body) != "via proxy" || seen.Load() != "http://news.example/feed" {
		t.Errorf("body %q, proxy saw %v", resp.Body, seen.Load())
	}
	_, err = c.Fetch(context.Background(), Request{URL: "http://intranet.example/admin"})
	if fe := fetchErr(t, err); fe.Class != ClassBlocked {
		t.Errorf("private target through the proxy: %v", err)
	}
	if proxy.hits.Load() != 1 {
		t.Errorf("proxy saw %d requests, want 1", proxy.hits.Load())
	}
}

func TestInternationalisedName(t *testing.T) {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(r.Host)) })
	res := newResolver().set("xn--e1afmkfd.xn--p1ai", "127.0.0.1")
	c := newClient(t, Options{AllowPrivateNetworks: true, Resolver: res})
	resp, err := c.Fetch(context.Background(), Request{URL: o.at("пример.рф", "/")})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(resp.Body), "xn--e1afmkfd.xn--p1ai:") {
		t.Errorf("Host header %q", resp.Body)
	}
}
