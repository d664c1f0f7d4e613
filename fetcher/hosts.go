package fetcher

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// hostLimiter enforces per-host politeness: at most conc requests in flight
// and at least interval between the starts of two requests to one host.
// It also holds pauses asked for with Retry-After.
type hostLimiter struct {
	conc     int
	interval time.Duration
	now      func() time.Time

	mu    sync.Mutex
	hosts map[string]*hostState
}

type hostState struct {
	sem         chan struct{}
	next        time.Time     // earliest start of the next request
	delay       time.Duration // robots.txt Crawl-delay, when longer than interval
	pausedUntil time.Time
	pauseClass  Class
	pauseStatus int
	refs        int
}

func newHostLimiter(conc int, interval time.Duration, now func() time.Time) *hostLimiter {
	return &hostLimiter{conc: conc, interval: interval, now: now, hosts: map[string]*hostState{}}
}

// hostKey is the politeness key of a URL: the lower-case host name
// without port or trailing dot.
func hostKey(u *url.URL) string {
	return strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
}

func (l *hostLimiter) ref(host string) *hostState {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := l.hosts[host]
	if st == nil {
		st = &hostState{sem: make(chan struct{}, l.conc)}
		l.hosts[host] = st
	}
	st.refs++
	return st
}

// unref drops a reference and forgets the host once nothing about it
// matters any more (no request in flight, interval elapsed, no pause, no
// crawl delay).
func (l *hostLimiter) unref(host string, st *hostState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	st.refs--
	now := l.now()
	if st.refs == 0 && !st.next.After(now) && !st.pausedUntil.After(now) && st.delay == 0 {
		delete(l.hosts, host)
	}
}

// acquire waits for a slot for host and returns its release function.
// The interval is counted from the moment a request is let through, not
// from when it was scheduled, so a late wake-up never bunches requests.
func (l *hostLimiter) acquire(ctx context.Context, host string) (func(), error) {
	st := l.ref(host)
	select {
	case st.sem <- struct{}{}:
	case <-ctx.Done():
		l.unref(host, st)
		return nil, ctx.Err()
	}
	for {
		l.mu.Lock()
		now := l.now()
		wait := st.next.Sub(now)
		if wait <= 0 {
			st.next = now.Add(max(l.interval, st.delay))
			l.mu.Unlock()
			break
		}
		l.mu.Unlock()
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			<-st.sem
			l.unref(host, st)
			return nil, ctx.Err()
		}
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			<-st.sem
			l.unref(host, st)
		})
	}, nil
}

// setDelay sets a host's crawl delay (0 removes it).
func (l *hostLimiter) setDelay(host string, d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := l.hosts[host]
	if st == nil {
		if d <= 0 {
			return
		}
		st = &hostState{sem: make(chan struct{}, l.conc)}
		l.hosts[host] = st
	}
	st.delay = d
}

// pause stops requests to host until until.
func (l *hostLimiter) pause(host string, until time.Time, class Class, status int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := l.hosts[host]
	if st == nil {
		st = &hostState{sem: make(chan struct{}, l.conc)}
		l.hosts[host] = st
	}
	if until.After(st.pausedUntil) {
		st.pausedUntil, st.pauseClass, st.pauseStatus = until, class, status
	}
}

// paused returns how long host stays paused, with the class and status
// that caused the pause.
func (l *hostLimiter) paused(host string) (time.Duration, Class, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	st := l.hosts[host]
	if st == nil {
		return 0, "", 0
	}
	d := st.pausedUntil.Sub(l.now())
	if d <= 0 {
		return 0, "", 0
	}
	return d, st.pauseClass, st.pauseStatus
}

// politeTransport takes a host slot for every request it sends, including
// redirects and robots.txt, and holds it until the body is closed.
type politeTransport struct {
	base  http.RoundTripper
	hosts *hostLimiter
}

func (p *politeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var release func()
	host := hostKey(req.URL)
	if st, _ := req.Context().Value(stateKey{}).(*fetchState); st != nil && st.held != nil && !st.held.used && st.held.host == host {
		// the first request of a fetch uses the slot fetch already holds
		st.held.used = true
		release = st.held.release
	} else {
		var err error
		if release, err = p.hosts.acquire(req.Context(), host); err != nil {
			return nil, err
		}
	}
	resp, err := p.base.RoundTrip(req)
	if err != nil {
		release()
		return nil, err
	}
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: release}
	return resp, nil
}

// heldSlot is a host slot taken by fetch before its timeout started.
type heldSlot struct {
	host    string
	release func()
	used    bool
}

type releasingBody struct {
	io.ReadCloser
	release func()
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	return err
}
