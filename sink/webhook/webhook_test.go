package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/fetcher"
	"github.com/newsfeed/newsfeed/sink"
	"github.com/newsfeed/newsfeed/sink/internal/sinktest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var secret = []byte("s3cret")

// receiver is a webhook endpoint that verifies signatures and answers
// with whatever respond returns for each request.
type receiver struct {
	t       testing.TB
	srv     *httptest.Server
	respond func(n int, r *http.Request, ids []string) (int, http.Header)

	mu       sync.Mutex
	requests int
	got      map[string]int // id → deliveries accepted
	keys     map[string]bool
	inflight int
	peak     int
	badSigs  int
}

func newReceiver(t testing.TB, respond func(n int, r *http.Request, ids []string) (int, http.Header)) *receiver {
	rc := &receiver{t: t, respond: respond, got: map[string]int{}, keys: map[string]bool{}}
	rc.srv = httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		rc.t.Errorf("read body: %v", err)
		return
	}
	rc.mu.Lock()
	rc.requests++
	n := rc.requests
	rc.inflight++
	rc.peak = max(rc.peak, rc.inflight)
	rc.mu.Unlock()
	defer func() {
		rc.mu.Lock()
		rc.inflight--
		rc.mu.Unlock()
	}()
	if err := Verify(secret, r.Header, body, 5*time.Minute, time.Now()); err != nil {
		rc.mu.Lock()
		rc.badSigs++
		rc.mu.Unlock()
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	var ids []string
	switch r.Header.Get(HeaderEvent) {
	case "article":
		var a article.Article
		if err := json.Unmarshal(body, &a); err != nil {
			rc.t.Errorf("body is not an article: %v", err)
		}
		ids = []string{a.ID}
		if want := a.ID + ":0"; r.Header.Get(HeaderIdempotency) != want && a.Revision == 0 {
			rc.t.Errorf("Idempotency-Key %q, want %q", r.Header.Get(HeaderIdempotency), want)
		}
	case "articles":
		var b struct{ Articles []article.Article }
		if err := json.Unmarshal(body, &b); err != nil {
			rc.t.Errorf("body is not a batch: %v", err)
		}
		for _, a := range b.Articles {
			ids = append(ids, a.ID)
		}
	default:
		rc.t.Errorf("event %q", r.Header.Get(HeaderEvent))
	}
	if r.Header.Get("Content-Type") != "application/json" || r.Header.Get("X-Custom") != "yes" {
		rc.t.Errorf("headers %v", r.Header)
	}
	code, h := http.StatusOK, http.Header(nil)
	if rc.respond != nil {
		code, h = rc.respond(n, r, ids)
	}
	for k, v := range h {
		w.Header()[k] = v
	}
	if code/100 == 2 {
		rc.mu.Lock()
		for _, id := range ids {
			rc.got[id]++
		}
		rc.keys[r.Header.Get(HeaderIdempotency)] = true
		rc.mu.Unlock()
	}
	w.WriteHeader(code)
	io.WriteString(w, http.StatusText(code))
}

func (rc *receiver) stats() (requests int, got map[string]int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	g := map[string]int{}
	for k, v := range rc.got {
		g[k] = v
	}
	return rc.requests, g
}

func newSink(t testing.TB, rc *receiver, mod func(*Options)) *Sink {
	t.Helper()
	o := Options{
		URL: rc.srv.URL + "/hook", Secret: secret, Headers: map[string]string{"X-Custom": "yes"},
		AllowPrivateNetworks: true, Backoff: 5 * time.Millisecond, Timeout: 2 * time.Second, MaxElapsed: 5 * time.Second,
	}
	if mod != nil {
		mod(&o)
	}
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestDelivers(t *testing.T) {
	for _, batch := range []bool{false, true} {
		t.Run(map[bool]string{false: "single", true: "batch"}[batch], func(t *testing.T) {
			rc := newReceiver(t, nil)
			s := newSink(t, rc, func(o *Options) { o.Batch = batch; o.Concurrency = 4 })
			for range 3 { // delivered three times: sent once
				if err := s.Write(t.Context(), sinktest.Batch(0, 10)); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.Check(t.Context()); err != nil {
				t.Fatal(err)
			}
			n, got := rc.stats()
			want := map[bool]int{false: 10, true: 1}[batch]
			if n != want || len(got) != 10 {
				t.Fatalf("%d requests for %d articles, want %d for 10", n, len(got), want)
			}
			// A newer revision is sent; an older one is not.
			a := sinktest.Revised(sinktest.Article(3), 2)
			old := sinktest.Revised(sinktest.Article(3), 1)
			for _, b := range [][]*article.Article{{a}, {old}, {a}} {
				if err := s.Write(t.Context(), b); err != nil {
					t.Fatal(err)
				}
			}
			if _, got := rc.stats(); got[a.ID] != 2 {
				t.Fatalf("article 3 delivered %d times, want 2 (revision 0 and 2)", got[a.ID])
			}
		})
	}
}

func TestRetriesThenSucceeds(t *testing.T) {
	for _, tc := range []struct {
		name    string
		respond func(n int) (int, http.Header)
	}{
		{"503 twice", func(n int) (int, http.Header) {
			if n <= 2 {
				return 503, nil
			}
			return 200, nil
		}},
		{"429 with Retry-After", func(n int) (int, http.Header) {
			if n == 1 {
				return 429, http.Header{"Retry-After": {"1"}}
			}
			return 204, nil
		}},
		{"408", func(n int) (int, http.Header) {
			if n == 1 {
				return 408, nil
			}
			return 202, nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rc := newReceiver(t, func(n int, _ *http.Request, _ []string) (int, http.Header) { return tc.respond(n) })
			s := newSink(t, rc, nil)
			start := time.Now()
			if err := s.Write(t.Context(), sinktest.Batch(0, 1)); err != nil {
				t.Fatal(err)
			}
			if n, got := rc.stats(); len(got) != 1 || n < 2 {
				t.Fatalf("%d requests, %d delivered", n, len(got))
			}
			if tc.name == "429 with Retry-After" && time.Since(start) < 900*time.Millisecond {
				t.Fatalf("retried after %v, before Retry-After", time.Since(start))
			}
		})
	}
}

func TestTimeoutRetried(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	rc := newReceiver(t, func(n int, r *http.Request, _ []string) (int, http.Header) {
		if n == 1 {
			select { // hang until the client gives up
			case <-r.Context().Done():
			case <-release:
			}
			return 200, nil
		}
		return 200, nil
	})
	s := newSink(t, rc, func(o *Options) { o.Timeout = 100 * time.Millisecond })
	if err := s.Write(t.Context(), sinktest.Batch(0, 1)); err != nil {
		t.Fatal(err)
	}
	if n, _ := rc.stats(); n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
}

func TestGivesUpTransient(t *testing.T) {
	rc := newReceiver(t, func(int, *http.Request, []string) (int, http.Header) { return 500, nil })
	s := newSink(t, rc, func(o *Options) { o.MaxAttempts = 3 })
	err := s.Write(t.Context(), sinktest.Batch(0, 2))
	if err == nil || errors.Is(err, sink.ErrPermanent) || !strings.Contains(err.Error(), "500") {
		t.Fatalf("Write = %v, want a transient error naming the 500", err)
	}
	if n, _ := rc.stats(); n != 6 {
		t.Fatalf("%d requests, want 3 attempts for each of 2 articles", n)
	}
	if s.Check(t.Context()) == nil {
		t.Fatal("Check passes while the endpoint fails")
	}
}

func TestRetryAfterBeyondBudget(t *testing.T) {
	rc := newReceiver(t, func(int, *http.Request, []string) (int, http.Header) {
		return 429, http.Header{"Retry-After": {"120"}}
	})
	s := newSink(t, rc, func(o *Options) { o.MaxElapsed = 2 * time.Second })
	start := time.Now()
	err := s.Write(t.Context(), sinktest.Batch(0, 1))
	if err == nil || errors.Is(err, sink.ErrPermanent) {
		t.Fatalf("Write = %v, want transient", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("waited %v for a Retry-After past the budget", d)
	}
}

func TestBoundedTotalTime(t *testing.T) {
	rc := newReceiver(t, func(int, *http.Request, []string) (int, http.Header) { return 502, nil })
	s := newSink(t, rc, func(o *Options) {
		o.MaxAttempts, o.Backoff, o.MaxElapsed = 100, 50*time.Millisecond, 300*time.Millisecond
	})
	start := time.Now()
	if err := s.Write(t.Context(), sinktest.Batch(0, 1)); err == nil || errors.Is(err, sink.ErrPermanent) {
		t.Fatalf("Write = %v, want transient", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("Write took %v, want about MaxElapsed", d)
	}
}

func TestPermanent(t *testing.T) {
	for _, code := range []int{400, 401, 404, 410, 413, 422, 301} {
		t.Run(http.StatusText(code), func(t *testing.T) {
			rc := newReceiver(t, func(int, *http.Request, []string) (int, http.Header) {
				return code, http.Header{"Location": {"/elsewhere"}}
			})
			s := newSink(t, rc, nil)
			err := s.Write(t.Context(), sinktest.Batch(0, 1))
			if !errors.Is(err, sink.ErrPermanent) {
				t.Fatalf("Write = %v, want permanent", err)
			}
			if n, _ := rc.stats(); n != 1 {
				t.Fatalf("%d requests, want 1 (no retry)", n)
			}
			if s.Check(t.Context()) != nil {
				t.Fatal("a refused article made the sink unready")
			}
		})
	}
}

func TestPartialFailureResendsOnlyFailed(t *testing.T) {
	bad := sinktest.ID(2)
	rc := newReceiver(t, func(_ int, _ *http.Request, ids []string) (int, http.Header) {
		if ids[0] == bad {
			return 422, nil
		}
		return 200, nil
	})
	s := newSink(t, rc, func(o *Options) { o.Concurrency = 2 })
	err := s.Write(t.Context(), sinktest.Batch(0, 5))
	if !errors.Is(err, sink.ErrPermanent) {
		t.Fatalf("Write = %v, want permanent", err)
	}
	// The pipeline retries one by one: only the refused one is sent again.
	for _, a := range sinktest.Batch(0, 5) {
		err := s.Write(t.Context(), []*article.Article{a})
		if (a.ID == bad) != errors.Is(err, sink.ErrPermanent) {
			t.Fatalf("Write(%s) = %v", a.ID, err)
		}
	}
	if n, got := rc.stats(); n != 6 || len(got) != 4 {
		t.Fatalf("%d requests, %d delivered; want 6 and 4", n, len(got))
	}
}

func TestConcurrency(t *testing.T) {
	const limit = 3
	var mu sync.Mutex
	inflight := 0
	full := make(chan struct{})
	rc := newReceiver(t, func(int, *http.Request, []string) (int, http.Header) {
		mu.Lock()
		inflight++
		if inflight == limit {
			close(full)
		}
		mu.Unlock()
		select { // hold the first requests until the limit is reached
		case <-full:
		case <-time.After(5 * time.Second):
		}
		return 200, nil
	})
	s := newSink(t, rc, func(o *Options) { o.Concurrency = limit; o.Timeout = 10 * time.Second; o.MaxElapsed = 20 * time.Second })
	if err := s.Write(t.Context(), sinktest.Batch(0, 12)); err != nil {
		t.Fatal(err)
	}
	rc.mu.Lock()
	peak := rc.peak
	rc.mu.Unlock()
	if peak != limit {
		t.Fatalf("peak concurrency %d, want %d", peak, limit)
	}
}

func TestSSRFGuard(t *testing.T) {
	rc := newReceiver(t, nil)
	s := newSink(t, rc, func(o *Options) { o.AllowPrivateNetworks = false })
	err := s.Write(t.Context(), sinktest.Batch(0, 1))
	if !errors.Is(err, sink.ErrPermanent) || !errors.Is(err, fetcher.ErrBlocked) {
		t.Fatalf("Write to loopback = %v, want permanent and blocked", err)
	}
	if n, _ := rc.stats(); n != 0 {
		t.Fatalf("%d requests reached the loopback receiver", n)
	}
}

func TestSignature(t *testing.T) {
	now := time.Unix(1700000000, 0)
	body := []byte(`{"id":"x"}`)
	ts, sig := Sign(secret, now, body)
	if ts != "1700000000" || !strings.HasPrefix(sig, "sha256=") || len(sig) != 7+64 {
		t.Fatalf("Sign = %q %q", ts, sig)
	}
	h := http.Header{HeaderTimestamp: {ts}, HeaderSignature: {sig}}
	for _, tc := range []struct {
		name   string
		secret []byte
		h      http.Header
		body   []byte
		now    time.Time
		want   error
	}{
		{"ok", secret, h, body, now, nil},
		{"ok within tolerance", secret, h, body, now.Add(4 * time.Minute), nil},
		{"tampered body", secret, h, []byte(`{"id":"y"}`), now, ErrBadSignature},
		{"other secret", []byte("nope"), h, body, now, ErrBadSignature},
		{"replayed later", secret, h, body, now.Add(6 * time.Minute), ErrStale},
		{"from the future", secret, h, body, now.Add(-6 * time.Minute), ErrStale},
		{"timestamp swapped", secret, http.Header{HeaderTimestamp: {"1700000001"}, HeaderSignature: {sig}}, body, now, ErrBadSignature},
		{"missing", secret, http.Header{}, body, now, ErrNoSignature},
		{"garbage timestamp", secret, http.Header{HeaderTimestamp: {"x"}, HeaderSignature: {sig}}, body, now, ErrStale},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := Verify(tc.secret, tc.h, tc.body, 5*time.Minute, tc.now); !errors.Is(err, tc.want) {
				t.Fatalf("Verify = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestUnsigned(t *testing.T) {
	var sawSig bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawSig = r.Header.Get(HeaderSignature) != "" || r.Header.Get(HeaderTimestamp) != ""
	}))
	defer srv.Close()
	s, err := New(Options{URL: srv.URL, AllowPrivateNetworks: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Write(t.Context(), sinktest.Batch(0, 1)); err != nil {
		t.Fatal(err)
	}
	if sawSig {
		t.Fatal("signature headers sent without a secret")
	}
}

func TestNewValidates(t *testing.T) {
	for _, o := range []Options{
		{URL: ""}, {URL: "ftp://x/"}, {URL: "http://"},
		{URL: "https://x/", Headers: map[string]string{"x-newsfeed-signature": "forged"}},
	} {
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) succeeded", o)
		}
	}
}

func TestClosedAndCanceled(t *testing.T) {
	rc := newReceiver(t, func(int, *http.Request, []string) (int, http.Header) { return 503, nil })
	s := newSink(t, rc, func(o *Options) { o.Backoff = time.Second })
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := s.Write(ctx, sinktest.Batch(0, 1)); err == nil || errors.Is(err, sink.ErrPermanent) {
		t.Fatalf("Write(canceled) = %v, want transient", err)
	}
	s.Close()
	if err := s.Write(t.Context(), sinktest.Batch(0, 1)); err == nil {
		t.Fatal("Write after Close succeeded")
	}
}

func BenchmarkWrite(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	for _, mode := range []struct {
		name  string
		batch bool
		conc  int
	}{{"single/conc=1", false, 1}, {"single/conc=4", false, 4}, {"batched", true, 1}} {
		b.Run(mode.name, func(b *testing.B) {
			sinktest.Bench(b, func(b *testing.B) sink.Sink {
				s, err := New(Options{URL: srv.URL, Secret: secret, Batch: mode.batch, Concurrency: mode.conc, AllowPrivateNetworks: true})
				if err != nil {
					b.Fatal(err)
				}
				return s
			}, 1, 10, 100)
		})
	}
}
