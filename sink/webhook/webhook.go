// Package webhook POSTs articles as JSON to an HTTP endpoint, signed with
// HMAC-SHA256, retrying transient failures within a bounded time.
//
// # Requests
//
// One article per request (the default), the body being the article
// message itself, or with Options.Batch one request per Write whose body is
// {"articles": [...]}. Headers:
//
//	Content-Type:          application/json
//	User-Agent:            newsfeed-webhook/1 (or Options.UserAgent)
//	X-Newsfeed-Event:      article | articles
//	X-Newsfeed-Timestamp:  Unix time in seconds when the request was signed
//	X-Newsfeed-Signature:  sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>
//	Idempotency-Key:       <id>:<revision> (single) or a hash of them (batch)
//
// The signature covers the timestamp, so a receiver that checks both (see
// Verify) and rejects stale timestamps is safe against replays. Each retry
// is signed afresh. Without a secret the two signature headers are left out.
//
// # Delivery
//
// A 2xx response is success. 5xx, 408, 429 (honouring Retry-After),
// timeouts and connection errors are retried with exponential backoff and
// jitter, up to MaxAttempts within MaxElapsed; after that Write returns a
// transient error and the pipeline redelivers later. Any other 4xx, a
// redirect (never followed) or an address refused by the SSRF guard is
// permanent (sink.ErrPermanent). Articles already delivered (by id and
// revision, for the most recent DedupWindow ids) are not sent again, so a
// batch that partly failed resends only what failed; receivers should still
// deduplicate on Idempotency-Key, since a delivery whose response was lost is
// sent again.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/fetcher"
	"github.com/newsfeed/newsfeed/sink"
	"github.com/newsfeed/newsfeed/sink/internal/dedup"
)

// Header names.
const (
	HeaderEvent       = "X-Newsfeed-Event"
	HeaderTimestamp   = "X-Newsfeed-Timestamp"
	HeaderSignature   = "X-Newsfeed-Signature"
	HeaderIdempotency = "Idempotency-Key"
)

// Options configure New.
type Options struct {
	// URL is the http or https endpoint.
	URL string
	// Secret signs requests; empty sends them unsigned.
	Secret []byte
	// Headers are added to every request (e.g. Authorization).
	Headers map[string]string
	// Batch sends one request per Write instead of one per article.
	Batch bool
	// Concurrency bounds the requests in flight, across all Writes
	// (default 1).
	Concurrency int
	// Timeout bounds one request (default 10s).
	Timeout time.Duration
	// MaxElapsed bounds one Write, retries included (default 30s; keep it
	// below the pipeline's ack wait).
	MaxElapsed time.Duration
	// MaxAttempts bounds the tries of one request (default 4).
	MaxAttempts int
	// Backoff is the first retry delay, doubled on each retry, with
	// jitter (default 500ms).
	Backoff time.Duration
	// AllowPrivateNetworks lets the endpoint be on a loopback, private or
	// link-local address; by default the SSRF guard refuses them.
	AllowPrivateNetworks bool
	// UserAgent replaces the default User-Agent.
	UserAgent string
	// DedupWindow is the number of delivered ids remembered (default
	// 100,000).
	DedupWindow int
	// Now returns the current time (default time.Now), for timestamps.
	Now func() time.Time
}

// Sink is a webhook sink, safe for concurrent use.
type Sink struct {
	opts   Options
	client *http.Client
	tr     *http.Transport
	sem    chan struct{}

	mu        sync.Mutex
	delivered *dedup.Window
	lastErr   error
	closed    bool
}

var _ sink.Sink = (*Sink)(nil)

// New returns a webhook sink.
func New(opts Options) (*Sink, error) {
	u, err := url.Parse(opts.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("webhook: %q is not an http(s) URL", opts.URL)
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 1
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.MaxElapsed <= 0 {
		opts.MaxElapsed = 30 * time.Second
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 4
	}
	if opts.Backoff <= 0 {
		opts.Backoff = 500 * time.Millisecond
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "newsfeed-webhook/1"
	}
	if opts.DedupWindow <= 0 {
		opts.DedupWindow = 100_000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	for k := range opts.Headers {
		if http.CanonicalHeaderKey(k) == HeaderSignature || http.CanonicalHeaderKey(k) == HeaderTimestamp {
			return nil, fmt.Errorf("webhook: header %s is set by the sink", k)
		}
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if !opts.AllowPrivateNetworks {
		dialer.Control = fetcher.DialControl
	}
	tr := &http.Transport{
		Proxy:                 nil, // a proxy would defeat the SSRF guard
		DialContext:           dialer.DialContext,
		ForceAttemptHTTP2:     true,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: opts.Timeout,
		MaxIdleConnsPerHost:   opts.Concurrency,
		IdleConnTimeout:       90 * time.Second,
	}
	return &Sink{
		opts: opts,
		tr:   tr,
		client: &http.Client{
			Transport:     tr,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		sem:       make(chan struct{}, opts.Concurrency),
		delivered: dedup.NewWindow(opts.DedupWindow),
	}, nil
}

// Write delivers the articles not delivered before; see the package
// documentation for what is retried and what is permanent.
func (s *Sink) Write(ctx context.Context, batch []*article.Article) error {
	batch, err := dedup.Batch(batch)
	if err != nil {
		return fmt.Errorf("webhook: %w", err)
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errors.New("webhook: write after close")
	}
	todo := batch[:0:0]
	for _, a := range batch {
		if !s.delivered.Has(a.ID, a.Revision) {
			todo = append(todo, a)
		}
	}
	s.mu.Unlock()
	if len(todo) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.MaxElapsed)
	defer cancel()
	if s.opts.Batch {
		err = s.sendBatch(ctx, todo)
	} else {
		err = s.sendEach(ctx, todo)
	}
	s.mu.Lock()
	if err != nil && !errors.Is(err, sink.ErrPermanent) {
		s.lastErr = err
	} else {
		s.lastErr = nil
	}
	s.mu.Unlock()
	return err
}

func (s *Sink) sendBatch(ctx context.Context, batch []*article.Article) error {
	body, err := json.Marshal(struct {
		Articles []*article.Article `json:"articles"`
	}{batch})
	if err != nil {
		return sink.Permanent(fmt.Errorf("webhook: encode: %w", err))
	}
	h := sha256.New()
	for _, a := range batch {
		fmt.Fprintf(h, "%s:%d\n", a.ID, a.Revision)
	}
	key := hex.EncodeToString(h.Sum(nil))[:32]
	if err := s.deliver(ctx, "articles", key, body); err != nil {
		return err
	}
	s.markDelivered(batch...)
	return nil
}

func (s *Sink) sendEach(ctx context.Context, batch []*article.Article) error {
	var (
		wg        sync.WaitGroup
		mu        sync.Mutex
		transient error
		permanent error
		failed    int
	)
	for _, a := range batch {
		select {
		case s.sem <- struct{}{}:
		case <-ctx.Done():
			mu.Lock()
			if transient == nil {
				transient = fmt.Errorf("webhook: %w", ctx.Err())
			}
			failed++
			mu.Unlock()
			continue
		}
		wg.Go(func() {
			defer func() { <-s.sem }()
			err := s.deliverArticle(ctx, a)
			if err == nil {
				s.markDelivered(a)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			failed++
			if errors.Is(err, sink.ErrPermanent) {
				if permanent == nil {
					permanent = err
				}
			} else if transient == nil {
				transient = err
			}
		})
	}
	wg.Wait()
	switch {
	case transient != nil:
		return fmt.Errorf("%d of %d articles not delivered: %w", failed, len(batch), transient)
	case permanent != nil:
		return fmt.Errorf("%d of %d articles refused: %w", failed, len(batch), permanent)
	}
	return nil
}

func (s *Sink) deliverArticle(ctx context.Context, a *article.Article) error {
	body, err := json.Marshal(a)
	if err != nil {
		return sink.Permanent(fmt.Errorf("webhook: encode %s: %w", a.ID, err))
	}
	return s.deliver(ctx, "article", a.ID+":"+strconv.Itoa(a.Revision), body)
}

func (s *Sink) markDelivered(batch ...*article.Article) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range batch {
		s.delivered.Add(a.ID, a.Revision)
	}
}

// deliver POSTs body, retrying transient failures while attempts and ctx
// allow.
func (s *Sink) deliver(ctx context.Context, event, key string, body []byte) error {
	delay := s.opts.Backoff
	for attempt := 1; ; attempt++ {
		wait, err := s.post(ctx, event, key, body)
		if err == nil || errors.Is(err, sink.ErrPermanent) {
			return err
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%w (gave up after %d attempts: %w)", err, attempt, ctx.Err())
		}
		if attempt >= s.opts.MaxAttempts {
			return fmt.Errorf("%w (gave up after %d attempts)", err, attempt)
		}
		if wait <= 0 {
			wait = delay/2 + rand.N(delay/2+1) // jitter in [delay/2, delay]
			delay *= 2
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return fmt.Errorf("%w (next try in %v is past the time limit)", err, wait.Round(time.Millisecond))
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%w (gave up after %d attempts: %w)", err, attempt, ctx.Err())
		}
	}
}

// post makes one attempt. It returns the server's Retry-After for
// retryable statuses.
func (s *Sink) post(ctx context.Context, event, key string, body []byte) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.opts.URL, bytes.NewReader(body))
	if err != nil {
		return 0, sink.Permanent(fmt.Errorf("webhook: %w", err))
	}
	for k, v := range s.opts.Headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", s.opts.UserAgent)
	req.Header.Set(HeaderEvent, event)
	req.Header.Set(HeaderIdempotency, key)
	if len(s.opts.Secret) > 0 {
		ts, sig := Sign(s.opts.Secret, s.opts.Now(), body)
		req.Header.Set(HeaderTimestamp, ts)
		req.Header.Set(HeaderSignature, sig)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		if errors.Is(err, fetcher.ErrBlocked) {
			return 0, sink.Permanent(fmt.Errorf("webhook: %s: %w (set allow_private_networks on the sink to allow it)", s.opts.URL, err))
		}
		return 0, fmt.Errorf("webhook: %s: %w", s.opts.URL, err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	code := resp.StatusCode
	if code >= 200 && code < 300 {
		return 0, nil
	}
	err = fmt.Errorf("webhook: %s: %s: %s", s.opts.URL, resp.Status, strings.TrimSpace(string(bytes.ToValidUTF8(snippet, nil))))
	switch {
	case code == http.StatusTooManyRequests || code == http.StatusRequestTimeout || code >= 500:
		return fetcher.ParseRetryAfter(resp.Header.Get("Retry-After"), s.opts.Now()), err
	case code >= 300 && code < 400:
		return 0, sink.Permanent(fmt.Errorf("%w (redirects are not followed; Location: %s)", err, resp.Header.Get("Location")))
	default:
		return 0, sink.Permanent(err)
	}
}

// Sign returns the timestamp and signature headers' values for body signed
// at t: the Unix time in seconds and "sha256=" + the hex HMAC-SHA256 of
// timestamp + "." + body.
func Sign(secret []byte, t time.Time, body []byte) (timestamp, signature string) {
	timestamp = strconv.FormatInt(t.Unix(), 10)
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write(body)
	return timestamp, "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Errors returned by Verify.
var (
	ErrNoSignature  = errors.New("webhook: missing signature or timestamp header")
	ErrBadSignature = errors.New("webhook: signature does not match")
	ErrStale        = errors.New("webhook: timestamp outside the allowed window")
)

// Verify checks a received request's signature headers against body, for
// receivers: the signature must match and the timestamp be within
// tolerance of now (5 minutes is usual).
func Verify(secret []byte, h http.Header, body []byte, tolerance time.Duration, now time.Time) error {
	ts, sig := h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	if ts == "" || sig == "" {
		return ErrNoSignature
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: bad timestamp %q", ErrStale, ts)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("%w: %v", ErrStale, d)
	}
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	want := "sha256=" + hex.EncodeToString(m.Sum(nil))
	if !hmac.Equal([]byte(sig), []byte(want)) {
		return ErrBadSignature
	}
	return nil
}

// Check fails while the endpoint is failing: after a Write that ended with
// a transient error and until one succeeds.
func (s *Sink) Check(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("webhook: closed")
	}
	if s.lastErr != nil {
		return fmt.Errorf("webhook: last delivery failed: %w", s.lastErr)
	}
	return nil
}

// Close releases idle connections. Writes in progress are not interrupted;
// later ones fail.
func (s *Sink) Close() error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.tr.CloseIdleConnections()
	return nil
}
