package fetcher

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// fakeResolver answers from a table; a host with several answer sets
// returns them in turn (the last one repeats), to simulate DNS rebinding.
type fakeResolver struct {
	mu    sync.Mutex
	hosts map[string][][]netip.Addr
	calls map[string]int
}

func newResolver() *fakeResolver {
	return &fakeResolver{hosts: map[string][][]netip.Addr{}, calls: map[string]int{}}
}

func (r *fakeResolver) set(host string, answers ...string) *fakeResolver {
	r.mu.Lock()
	defer r.mu.Unlock()
	var set []netip.Addr
	for _, a := range answers {
		set = append(set, netip.MustParseAddr(a))
	}
	r.hosts[host] = append(r.hosts[host], set)
	return r
}

func (r *fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	sets := r.hosts[host]
	n := r.calls[host]
	r.calls[host]++
	if len(sets) == 0 {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	if n >= len(sets) {
		n = len(sets) - 1
	}
	return sets[n], nil
}

func (r *fakeResolver) count(host string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[host]
}

// origin is an httptest server that counts requests.
type origin struct {
	*httptest.Server
	hits atomic.Int64
}

func newOrigin(t *testing.T, h http.HandlerFunc) *origin {
	t.Helper()
	o := &origin{}
	o.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(o.Close)
	return o
}

func newTLSOrigin(t *testing.T, h http.HandlerFunc) *origin {
	t.Helper()
	o := &origin{}
	o.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(o.Close)
	return o
}

func (o *origin) port() string {
	u, _ := url.Parse(o.URL)
	return u.Port()
}

func (o *origin) addrPort() netip.AddrPort {
	u, _ := url.Parse(o.URL)
	p, _ := strconv.Atoi(u.Port())
	return netip.AddrPortFrom(netip.MustParseAddr(u.Hostname()), uint16(p))
}

// at returns the origin's URL for path under a host name.
func (o *origin) at(host, path string) string {
	u, _ := url.Parse(o.URL)
	return u.Scheme + "://" + net.JoinHostPort(host, u.Port()) + path
}

func noProxy(*http.Request) (*url.URL, error) { return nil, nil }

// newClient returns a client for tests: private networks allowed unless
// guarded is set, short timeouts, no proxy.
func newClient(t *testing.T, opts Options) *Client {
	t.Helper()
	if opts.Timeout == 0 {
		opts.Timeout = 5 * time.Second
	}
	if opts.Proxy == nil {
		opts.Proxy = noProxy
	}
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func fetchErr(t *testing.T, err error) *Error {
	t.Helper()
	if err == nil {
		t.Fatal("fetch succeeded, want an error")
	}
	fe, ok := err.(*Error)
	if !ok {
		t.Fatalf("error %T %v is not *Error", err, err)
	}
	return fe
}
