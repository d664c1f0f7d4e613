package fetcher

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// Class is the category of a failed fetch, for logs and metrics.
type Class string

// Error classes.
const (
	ClassDNS      Class = "dns"
	ClassConnect  Class = "connect"
	ClassTLS      Class = "tls"
	ClassTimeout  Class = "timeout"
	ClassHTTP4xx  Class = "http_4xx"
	ClassHTTP5xx  Class = "http_5xx"
	ClassTooLarge Class = "too_large"
	ClassBlocked  Class = "blocked"
	ClassParse    Class = "parse"
	ClassOther    Class = "other"
)

// Classes lists every class, for initialising metric labels.
var Classes = []Class{ClassDNS, ClassConnect, ClassTLS, ClassTimeout, ClassHTTP4xx, ClassHTTP5xx, ClassTooLarge, ClassBlocked, ClassParse, ClassOther}

// Error is a failed fetch.
type Error struct {
	Class      Class
	URL        string
	StatusCode int
	// RetryAfter is the server's Retry-After, 0 when absent.
	RetryAfter time.Duration
	Err        error
}

func (e *Error) Error() string {
	return fmt.Sprintf("fetch %s: %s: %v", e.URL, e.Class, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// ClassOf returns the class of err, ClassOther when it carries none.
func ClassOf(err error) Class {
	var fe *Error
	if errors.As(err, &fe) {
		return fe.Class
	}
	return ClassOther
}

// Permanent reports whether retrying the same request soon is pointless
// (blocked, too large, most 4xx).
func (e *Error) Permanent() bool {
	switch e.Class {
	case ClassBlocked, ClassTooLarge, ClassParse:
		return true
	case ClassHTTP4xx:
		return e.StatusCode != 408 && e.StatusCode != 429
	}
	return false
}

// ErrBlocked is wrapped by refusals of the SSRF guard.
var ErrBlocked = errors.New("address not allowed")

func classify(url string, err error) *Error {
	var fe *Error
	if errors.As(err, &fe) {
		return fe
	}
	e := &Error{URL: url, Err: err, Class: ClassOther}
	var dnsErr *net.DNSError
	var opErr *net.OpError
	switch {
	case errors.Is(err, ErrBlocked):
		e.Class = ClassBlocked
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		e.Class = ClassTimeout
	case errors.As(err, &dnsErr):
		e.Class = ClassDNS
	case strings.Contains(err.Error(), "tls:") || strings.Contains(err.Error(), "x509:"):
		e.Class = ClassTLS
	case errors.As(err, &opErr):
		e.Class = ClassConnect
	case strings.Contains(err.Error(), "redirect"):
		e.Class = ClassBlocked
	}
	return e
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// ParseRetryAfter parses a Retry-After value (seconds or an HTTP date)
// relative to now. It returns 0 when the value is absent or invalid.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		if n > 7*24*3600 {
			n = 7 * 24 * 3600
		}
		return time.Duration(n) * time.Second
	}
	if t, err := time.Parse(time.RFC1123, v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
