// Package fetcher is newsfeed's HTTP client for feeds and article pages:
// timeouts, a cap on body size, conditional GET and classified errors.
package fetcher

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Kind tells what is being fetched; it selects the Accept header and the
// politeness rules.
type Kind int

// Kinds of request.
const (
	KindFeed Kind = iota
	KindPage
)

// Options configures a Client. Zero values take the documented defaults.
type Options struct {
	UserAgent    string        // default "newsfeed/1"
	Timeout      time.Duration // whole request, default 20s
	MaxBody      int64         // decoded body bytes, default 10 MiB
	MaxRedirects int           // default 5
	// AllowPrivateNetworks disables the SSRF guard.
	AllowPrivateNetworks bool
	AllowHTTPSDowngrade  bool
	PerHostConcurrency   int           // default 2
	PerHostMinInterval   time.Duration // default 0
	RespectRobots        bool
}

// Request is one GET.
type Request struct {
	URL  string
	Kind Kind
	// ETag and LastModified, when set, make the request conditional.
	ETag         string
	LastModified string
}

// Response is a completed fetch.
type Response struct {
	URL          string // final URL after redirects
	StatusCode   int
	Header       http.Header
	Body         []byte
	NotModified  bool
	ETag         string
	LastModified string
	ContentType  string
	Duration     time.Duration
}

// Client fetches URLs. It is safe for concurrent use.
type Client struct {
	opts Options
	http *http.Client
}

// New returns a Client.
func New(opts Options) (*Client, error) {
	if opts.UserAgent == "" {
		opts.UserAgent = "newsfeed/1"
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
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if !opts.AllowPrivateNetworks {
		dialer.Control = DialControl
	}
	tr := &http.Transport{
		Proxy:                  http.ProxyFromEnvironment,
		DialContext:            dialer.DialContext,
		TLSHandshakeTimeout:    10 * time.Second,
		ResponseHeaderTimeout:  opts.Timeout,
		MaxResponseHeaderBytes: 1 << 20,
		IdleConnTimeout:        90 * time.Second,
		MaxIdleConnsPerHost:    4,
		ForceAttemptHTTP2:      true,
	}
	c := &Client{opts: opts}
	c.http = &http.Client{
		Transport: tr,
		Timeout:   opts.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > opts.MaxRedirects {
				return fmt.Errorf("stopped after %d redirects", opts.MaxRedirects)
			}
			if !opts.AllowHTTPSDowngrade && req.URL.Scheme == "http" && via[len(via)-1].URL.Scheme == "https" {
				return errors.New("redirect from https to http refused")
			}
			return nil
		},
	}
	return c, nil
}

// Fetch performs one GET. A 304 answer is a Response with NotModified set.
// Failures are *Error values carrying a Class.
func (c *Client) Fetch(ctx context.Context, req Request) (*Response, error) {
	u, err := url.Parse(req.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &Error{Class: ClassBlocked, URL: req.URL, Err: errors.New("only absolute http and https URLs are fetched")}
	}
	if !c.opts.AllowPrivateNetworks {
		if err := checkHost(ctx, u.Hostname()); err != nil {
			return nil, &Error{Class: ClassBlocked, URL: req.URL, Err: err}
		}
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodGet, req.URL, nil)
	if err != nil {
		return nil, &Error{Class: ClassBlocked, URL: req.URL, Err: err}
	}
	hr.Header.Set("User-Agent", c.opts.UserAgent)
	if req.Kind == KindFeed {
		hr.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8")
	} else {
		hr.Header.Set("Accept", "text/html, application/xhtml+xml;q=0.9, */*;q=0.8")
	}
	if req.ETag != "" {
		hr.Header.Set("If-None-Match", req.ETag)
	}
	if req.LastModified != "" {
		hr.Header.Set("If-Modified-Since", req.LastModified)
	}
	start := time.Now()
	resp, err := c.http.Do(hr)
	if err != nil {
		return nil, classify(req.URL, err)
	}
	defer resp.Body.Close()
	out := &Response{
		URL:          resp.Request.URL.String(),
		StatusCode:   resp.StatusCode,
		Header:       resp.Header,
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		ContentType:  resp.Header.Get("Content-Type"),
	}
	if resp.StatusCode == http.StatusNotModified {
		out.NotModified = true
		if out.ETag == "" {
			out.ETag = req.ETag
		}
		if out.LastModified == "" {
			out.LastModified = req.LastModified
		}
		out.Duration = time.Since(start)
		return out, nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := &Error{URL: req.URL, StatusCode: resp.StatusCode, Err: fmt.Errorf("HTTP %s", resp.Status)}
		e.Class = ClassHTTP5xx
		if resp.StatusCode < 500 {
			e.Class = ClassHTTP4xx
		}
		e.RetryAfter = ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		return nil, e
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.opts.MaxBody+1))
	if err != nil {
		return nil, classify(req.URL, err)
	}
	if int64(len(body)) > c.opts.MaxBody {
		return nil, &Error{Class: ClassTooLarge, URL: req.URL, Err: fmt.Errorf("body larger than %d bytes", c.opts.MaxBody)}
	}
	out.Body = body
	out.Duration = time.Since(start)
	return out, nil
}

// checkHost resolves host and refuses private, loopback and other
// non-public addresses before any connection is made.
func checkHost(ctx context.Context, host string) error {
	if ip := net.ParseIP(strings.Trim(host, "[]")); ip != nil {
		return checkIP(ip)
	}
	ips, err := net.DefaultResolver.LookupIPAddr(ctx, host)
	if err != nil {
		return nil // the dial reports DNS failures with their own class
	}
	for _, ip := range ips {
		if err := checkIP(ip.IP); err != nil {
			return err
		}
	}
	return nil
}
