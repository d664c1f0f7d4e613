// Package fetcher is newsfeed's HTTP client for feeds and article pages.
//
// Every request goes through the same guards: an SSRF check of the host
// before the request and of every resolved address in the dialer (so
// redirects and DNS rebinding are covered), per-host politeness (a
// concurrency cap and a minimum interval between request starts, also for
// redirects and robots.txt), pauses a server asked for with Retry-After,
// robots.txt for article pages, dial/TLS/header/total timeouts, at most
// MaxRedirects redirects with loop detection and no HTTPS→HTTP downgrade,
// a header size cap, and a cap on decoded body bytes that also holds for
// gzip and brotli (the client asks for them itself and decodes under the
// cap). Conditional GET is supported with ETag and Last-Modified. Failures
// are *Error values with a Class.
//
// The package also holds the pure scheduling functions the pipeline uses:
// Cadence (when to poll next), Backoff (after failures), ParseRetryAfter,
// and an OutageDetector that tells when our own network is down.
package fetcher

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/net/idna"

	"github.com/newsfeed/newsfeed/fetcher/robots"
)

// Kind tells what is being fetched; it selects the Accept header and the
// politeness rules.
type Kind int

// Kinds of request.
const (
	KindFeed Kind = iota
	KindPage
	kindRobots
)

func (k Kind) String() string {
	switch k {
	case KindFeed:
		return "feed"
	case KindPage:
		return "page"
	case kindRobots:
		return "robots"
	}
	return "unknown"
}

// Resolver looks up host names. *net.Resolver satisfies it; tests inject
// fakes to point public-looking names at loopback.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Options configures a Client. Zero values take the documented defaults.
type Options struct {
	// UserAgent should carry a contact URL: "newsfeed/1 (+https://...)".
	UserAgent string        // default "newsfeed/1"
	Timeout   time.Duration // whole request including the body, default 20s
	MaxBody   int64         // decoded body bytes, default 10 MiB
	// MaxRedirects is the most redirects followed, default 5; negative
	// means none.
	MaxRedirects int
	// AllowPrivateNetworks disables the SSRF guard.
	AllowPrivateNetworks bool
	AllowHTTPSDowngrade  bool
	PerHostConcurrency   int           // default 2
	PerHostMinInterval   time.Duration // between request starts to one host, default 0
	RespectRobots        bool          // check robots.txt before KindPage requests

	DialTimeout           time.Duration // default 10s
	TLSHandshakeTimeout   time.Duration // default 10s
	ResponseHeaderTimeout time.Duration // default 15s (bounded by Timeout)
	MaxHeaderBytes        int64         // response header bytes, default 64 KiB
	// MaxCrawlDelay caps a robots.txt Crawl-delay, default 60s.
	MaxCrawlDelay time.Duration
	// RobotsAgent is the product token matched in robots.txt, default the
	// first word of UserAgent ("newsfeed").
	RobotsAgent string

	// Resolver resolves host names, default net.DefaultResolver.
	Resolver Resolver
	// Proxy selects a proxy, default http.ProxyFromEnvironment. A proxy is
	// trusted: the dialer does not check its address, and the target's
	// address is checked only before the request (the proxy resolves it).
	Proxy func(*http.Request) (*url.URL, error)
	// TLSConfig is cloned for the transport (for private roots in tests).
	TLSConfig *tls.Config
	// Outage, when set, is told about every fetch result.
	Outage *OutageDetector
}

// Request is one GET.
type Request struct {
	URL  string
	Kind Kind
	// ETag and LastModified, when set, make the request conditional.
	ETag         string
	LastModified string
	// MaxBody overrides Options.MaxBody when positive.
	MaxBody int64
}

// Response is a completed fetch.
type Response struct {
	URL        string // final URL after redirects
	StatusCode int
	Header     http.Header
	Body       []byte // decoded (gzip and brotli undone)
	// NotModified is set for a 304 answer to a conditional request; Body
	// is then empty and ETag/LastModified carry the validators to keep.
	NotModified  bool
	ETag         string
	LastModified string
	ContentType  string
	// Duration is the whole fetch; Wait the part spent waiting for the
	// host's turn (per-host concurrency, interval, crawl delay).
	Duration time.Duration
	Wait     time.Duration
	// Redirects is how many redirects were followed; PermanentRedirect is
	// set when all of them were permanent (301, 308), so that a caller may
	// store URL as the new address.
	Redirects         int
	PermanentRedirect bool
}

// Client fetches URLs. It is safe for concurrent use.
type Client struct {
	opts    Options
	http    *http.Client
	hosts   *hostLimiter
	proxies sync.Map // "host:port" of proxies in use
	agent   string

	robotsMu sync.Mutex
	robots   map[string]*robotsEntry

	// exempt lets tests reach one loopback origin with the guard on.
	exempt map[netip.AddrPort]bool
}

func (c *Client) checkAddrPort(a netip.Addr, port string) error {
	if c.exempt != nil {
		if p, err := strconv.ParseUint(port, 10, 16); err == nil && c.exempt[netip.AddrPortFrom(a.Unmap().WithZone(""), uint16(p))] {
			return nil
		}
	}
	return CheckAddr(a)
}

// New returns a Client.
func New(opts Options) (*Client, error) {
	if opts.UserAgent == "" {
		opts.UserAgent = "newsfeed/1"
	}
	if strings.ContainsAny(opts.UserAgent, "\r\n") {
		return nil, errors.New("fetcher: user agent contains a line break")
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 20 * time.Second
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = 10 << 20
	}
	if opts.MaxRedirects == 0 {
		opts.MaxRedirects = 5
	}
	if opts.MaxRedirects < 0 {
		opts.MaxRedirects = 0
	}
	if opts.PerHostConcurrency <= 0 {
		opts.PerHostConcurrency = 2
	}
	if opts.PerHostMinInterval < 0 {
		opts.PerHostMinInterval = 0
	}
	if opts.DialTimeout <= 0 {
		opts.DialTimeout = 10 * time.Second
	}
	if opts.TLSHandshakeTimeout <= 0 {
		opts.TLSHandshakeTimeout = 10 * time.Second
	}
	if opts.ResponseHeaderTimeout <= 0 {
		opts.ResponseHeaderTimeout = 15 * time.Second
	}
	if opts.ResponseHeaderTimeout > opts.Timeout {
		opts.ResponseHeaderTimeout = opts.Timeout
	}
	if opts.MaxHeaderBytes <= 0 {
		opts.MaxHeaderBytes = 64 << 10
	}
	if opts.MaxCrawlDelay <= 0 {
		opts.MaxCrawlDelay = time.Minute
	}
	if opts.Resolver == nil {
		opts.Resolver = net.DefaultResolver
	}
	if opts.Proxy == nil {
		opts.Proxy = http.ProxyFromEnvironment
	}
	c := &Client{
		opts:   opts,
		hosts:  newHostLimiter(opts.PerHostConcurrency, opts.PerHostMinInterval, time.Now),
		robots: map[string]*robotsEntry{},
		agent:  opts.RobotsAgent,
	}
	if c.agent == "" {
		c.agent = robots.Token(opts.UserAgent)
	}
	tlsConf := &tls.Config{MinVersion: tls.VersionTLS12}
	if opts.TLSConfig != nil {
		tlsConf = opts.TLSConfig.Clone()
		if tlsConf.MinVersion < tls.VersionTLS12 {
			tlsConf.MinVersion = tls.VersionTLS12
		}
	}
	tr := &http.Transport{
		Proxy:                  c.proxy,
		DialContext:            c.dial,
		TLSClientConfig:        tlsConf,
		TLSHandshakeTimeout:    opts.TLSHandshakeTimeout,
		ResponseHeaderTimeout:  opts.ResponseHeaderTimeout,
		MaxResponseHeaderBytes: opts.MaxHeaderBytes,
		DisableCompression:     true, // we ask for gzip and br ourselves and decode under the cap
		IdleConnTimeout:        90 * time.Second,
		MaxIdleConnsPerHost:    opts.PerHostConcurrency,
		ForceAttemptHTTP2:      true,
	}
	c.http = &http.Client{
		Transport:     &politeTransport{base: tr, hosts: c.hosts},
		CheckRedirect: c.checkRedirect,
	}
	return c, nil
}

// CloseIdleConnections closes idle keep-alive connections.
func (c *Client) CloseIdleConnections() { c.http.CloseIdleConnections() }

// proxy wraps Options.Proxy and remembers the proxies in use, whose
// addresses the dialer trusts.
func (c *Client) proxy(r *http.Request) (*url.URL, error) {
	u, err := c.opts.Proxy(r)
	if u != nil {
		port := u.Port()
		if port == "" {
			switch u.Scheme {
			case "https":
				port = "443"
			case "socks5", "socks5h":
				port = "1080"
			default:
				port = "80"
			}
		}
		c.proxies.Store(net.JoinHostPort(u.Hostname(), port), true)
	}
	return u, err
}

// dial resolves addr with the configured resolver, refuses it when any
// address is not public, and connects to the addresses in turn. The
// net.Dialer's Control checks the address again just before connect.
// Proxies in use are operator configuration and are dialled as they are.
func (c *Client) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	d := &net.Dialer{Timeout: c.opts.DialTimeout, KeepAlive: 30 * time.Second}
	if _, ok := c.proxies.Load(addr); ok {
		return d.DialContext(ctx, network, addr)
	}
	if !c.opts.AllowPrivateNetworks {
		d.Control = c.control
	}
	return c.dialResolved(ctx, d, network, addr)
}

// control is DialControl, with the exemption tests use to reach one
// loopback origin while the guard is on.
func (c *Client) control(network, address string, rc syscall.RawConn) error {
	if ap, err := netip.ParseAddrPort(address); err == nil && c.exempt[netip.AddrPortFrom(ap.Addr().Unmap().WithZone(""), ap.Port())] {
		return nil
	}
	return DialControl(network, address, rc)
}

func (c *Client) dialResolved(ctx context.Context, d *net.Dialer, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	var ips []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{a}
	} else {
		ips, err = c.lookup(ctx, host)
		if err != nil {
			return nil, err
		}
	}
	if !c.opts.AllowPrivateNetworks {
		for _, a := range ips {
			if err := c.checkAddrPort(a, port); err != nil {
				return nil, &net.OpError{Op: "dial", Net: network, Err: fmt.Errorf("%s resolves to a refused address: %w", host, err)}
			}
		}
	}
	var last error
	for _, a := range ips {
		if network == "tcp4" && !a.Unmap().Is4() || network == "tcp6" && a.Unmap().Is4() {
			continue
		}
		conn, err := d.DialContext(ctx, network, net.JoinHostPort(a.String(), port))
		if err == nil {
			return conn, nil
		}
		last = err
		if ctx.Err() != nil {
			break
		}
	}
	if last == nil {
		last = &net.DNSError{Err: "no usable address", Name: host, IsNotFound: true}
	}
	return nil, last
}

func (c *Client) lookup(ctx context.Context, host string) ([]netip.Addr, error) {
	ips, err := c.opts.Resolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		var de *net.DNSError
		if !errors.As(err, &de) {
			err = &net.DNSError{Err: err.Error(), Name: host}
		}
		return nil, err
	}
	if len(ips) == 0 {
		return nil, &net.DNSError{Err: "no addresses", Name: host, IsNotFound: true}
	}
	return ips, nil
}

// precheck refuses a URL before any connection: scheme, host name forms,
// and (unless private networks are allowed) the addresses the host
// resolves to now.
func (c *Client) precheck(ctx context.Context, u *url.URL) error {
	switch u.Scheme {
	case "http", "https":
	default:
		return fmt.Errorf("%w: scheme %q (only http and https are fetched)", ErrBlocked, u.Scheme)
	}
	if u.Host == "" || u.Hostname() == "" {
		return fmt.Errorf("%w: URL has no host", ErrBlocked)
	}
	if c.opts.AllowPrivateNetworks {
		return nil
	}
	host := u.Hostname()
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return c.checkAddrPort(a, port)
	}
	if err := checkHostname(host); err != nil {
		return err
	}
	ips, err := c.lookup(ctx, host)
	if err != nil {
		return err
	}
	for _, a := range ips {
		if err := c.checkAddrPort(a, port); err != nil {
			return fmt.Errorf("%s resolves to a refused address: %w", host, err)
		}
	}
	return nil
}

type fetchState struct {
	redirects int
	permanent bool
	held      *heldSlot // the host slot fetch took for the first request
}

type stateKey struct{}

func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	st, _ := req.Context().Value(stateKey{}).(*fetchState)
	if len(via) > c.opts.MaxRedirects {
		return &Error{Class: ClassRedirect, Err: fmt.Errorf("stopped after %d redirects", c.opts.MaxRedirects)}
	}
	target := req.URL.String()
	for _, v := range via {
		if v.URL.String() == target {
			return &Error{Class: ClassRedirect, Err: fmt.Errorf("redirect loop: %s was already visited", target)}
		}
	}
	prev := via[len(via)-1]
	if prev.URL.Scheme == "https" && req.URL.Scheme == "http" && !c.opts.AllowHTTPSDowngrade {
		return &Error{Class: ClassBlocked, Err: fmt.Errorf("%w: redirect from https to http (%s) refused", ErrBlocked, target)}
	}
	if err := c.precheck(req.Context(), req.URL); err != nil {
		cl := classOf(err)
		return &Error{Class: cl, Err: fmt.Errorf("redirect to %s: %w", target, err)}
	}
	if !strings.EqualFold(prev.URL.Host, req.URL.Host) {
		// validators belong to the old resource
		req.Header.Del("If-None-Match")
		req.Header.Del("If-Modified-Since")
	}
	if st != nil {
		st.redirects = len(via)
		code := 0
		if req.Response != nil {
			code = req.Response.StatusCode
		}
		st.permanent = (len(via) == 1 || st.permanent) && (code == http.StatusMovedPermanently || code == http.StatusPermanentRedirect)
	}
	return nil
}

// Fetch performs one GET. A 304 answer is a Response with NotModified set.
// Failures are *Error values carrying a Class; a 429 or 503 with
// Retry-After also pauses the host for that long in this Client.
//
// Fetch first waits for its host's turn (PerHostConcurrency,
// PerHostMinInterval, Crawl-delay), bounded only by ctx; Options.Timeout
// counts from the moment the request may be sent.
func (c *Client) Fetch(ctx context.Context, req Request) (*Response, error) {
	start := time.Now()
	host := ""
	if u, err := url.Parse(req.URL); err == nil {
		host = hostKey(u)
	}
	var wait time.Duration
	resp, err := c.fetch(ctx, req, &wait)
	dur := time.Since(start)
	if err != nil {
		fe := classify(req.URL, err)
		fe.Duration, fe.Wait, fe.Host = dur, wait, host
		if c.opts.Outage != nil && host != "" {
			c.opts.Outage.Record(host, fe)
		}
		return nil, fe
	}
	resp.Duration, resp.Wait = dur, wait
	if c.opts.Outage != nil && host != "" {
		c.opts.Outage.RecordSuccess(host)
	}
	return resp, nil
}

func (c *Client) fetch(ctx context.Context, req Request, waited *time.Duration) (*Response, error) {
	u, err := url.Parse(strings.TrimSpace(req.URL))
	if err != nil {
		return nil, &Error{Class: ClassBlocked, Err: fmt.Errorf("%w: unparsable URL: %v", ErrBlocked, err)}
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, &Error{Class: ClassBlocked, Err: fmt.Errorf("%w: only absolute http and https URLs are fetched", ErrBlocked)}
	}
	if h := u.Hostname(); !isASCII(h) {
		// internationalised names are resolved and sent in punycode
		a, err := idna.Lookup.ToASCII(h)
		if err != nil {
			return nil, &Error{Class: ClassDNS, Err: &net.DNSError{Err: "invalid internationalised name: " + err.Error(), Name: h, IsNotFound: true}}
		}
		if p := u.Port(); p != "" {
			a = net.JoinHostPort(a, p)
		}
		u.Host = a
	}
	host := hostKey(u)
	if d, class, status := c.hosts.paused(host); d > 0 {
		return nil, &Error{Class: class, StatusCode: status, RetryAfter: d,
			Err: fmt.Errorf("host %s paused for %s after HTTP %d with Retry-After (no request sent)", host, d.Round(time.Second), status)}
	}
	checkCtx, cancelCheck := context.WithTimeout(ctx, c.opts.Timeout)
	err = c.precheck(checkCtx, u)
	cancelCheck()
	if err != nil {
		return nil, c.wrapTimeout(checkCtx, err)
	}
	if req.Kind == KindPage && c.opts.RespectRobots {
		if err := c.allowedByRobots(ctx, u); err != nil {
			return nil, err
		}
	}
	// Wait for the host's turn before the timeout starts: a queue of
	// polite requests to one host is not a slow server.
	waitStart := time.Now()
	release, err := c.hosts.acquire(ctx, host)
	if err != nil {
		return nil, err
	}
	defer release()
	if wait := time.Since(waitStart); wait > 0 {
		*waited = wait
	}
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	st := &fetchState{held: &heldSlot{host: host, release: release}}
	hr, err := http.NewRequestWithContext(context.WithValue(ctx, stateKey{}, st), http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, &Error{Class: ClassBlocked, Err: fmt.Errorf("%w: %v", ErrBlocked, err)}
	}
	hr.Header.Set("User-Agent", c.opts.UserAgent)
	hr.Header.Set("Accept-Encoding", "gzip, br")
	switch req.Kind {
	case KindFeed:
		hr.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5")
	case kindRobots:
		hr.Header.Set("Accept", "text/plain, */*;q=0.5")
	default:
		hr.Header.Set("Accept", "text/html, application/xhtml+xml;q=0.9, */*;q=0.5")
	}
	if req.ETag != "" {
		hr.Header.Set("If-None-Match", req.ETag)
	}
	if req.LastModified != "" {
		hr.Header.Set("If-Modified-Since", req.LastModified)
	}
	resp, err := c.http.Do(hr)
	if err != nil {
		return nil, c.wrapTimeout(ctx, err)
	}
	defer resp.Body.Close()
	out := &Response{
		URL:               resp.Request.URL.String(),
		StatusCode:        resp.StatusCode,
		Header:            resp.Header,
		ETag:              resp.Header.Get("ETag"),
		LastModified:      resp.Header.Get("Last-Modified"),
		ContentType:       resp.Header.Get("Content-Type"),
		Redirects:         st.redirects,
		PermanentRedirect: st.redirects > 0 && st.permanent,
	}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		// RFC 9111 §4.3.4: the stored response stays valid; validators
		// the 304 carries replace the stored ones.
		out.NotModified = true
		if out.ETag == "" {
			out.ETag = req.ETag
		}
		if out.LastModified == "" {
			out.LastModified = req.LastModified
		}
		return out, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		drain(resp.Body)
		e := &Error{StatusCode: resp.StatusCode, Err: fmt.Errorf("HTTP %s", resp.Status)}
		switch {
		case resp.StatusCode >= 500:
			e.Class = ClassHTTP5xx
		case resp.StatusCode >= 400:
			e.Class = ClassHTTP4xx
		default:
			e.Class = ClassOther
		}
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
			e.RetryAfter = ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
			if e.RetryAfter > 0 {
				c.hosts.pause(hostKey(resp.Request.URL), time.Now().Add(e.RetryAfter), e.Class, e.StatusCode)
			}
		}
		return nil, e
	}
	max := c.opts.MaxBody
	if req.MaxBody > 0 {
		max = req.MaxBody
	}
	body, err := readBody(resp, max, req.Kind == kindRobots)
	if err != nil {
		return nil, c.wrapTimeout(ctx, err)
	}
	out.Body = body
	return out, nil
}

// wrapTimeout labels errors caused by our own total timeout.
func (c *Client) wrapTimeout(ctx context.Context, err error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) && !errors.As(err, new(*Error)) {
		return &Error{Class: ClassTimeout, Err: fmt.Errorf("no complete answer within %s: %w", c.opts.Timeout, err)}
	}
	return err
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// drain reads a little of an unwanted body so the connection can be reused.
func drain(r io.Reader) {
	_, _ = io.CopyN(io.Discard, r, 64<<10)
}
