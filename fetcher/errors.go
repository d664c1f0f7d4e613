package fetcher

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"github.com/newsfeed/newsfeed/internal/urlnorm"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Class is the category of a failed fetch, for logs and metrics.
type Class string

// Error classes.
const (
	ClassDNS      Class = "dns"
	ClassConnect  Class = "connect" // refused, reset, or cut mid-transfer
	ClassTLS      Class = "tls"
	ClassTimeout  Class = "timeout"
	ClassHTTP4xx  Class = "http_4xx"
	ClassHTTP5xx  Class = "http_5xx"
	ClassTooLarge Class = "too_large" // body or headers over the cap
	ClassBlocked  Class = "blocked"   // SSRF guard, robots.txt, scheme, HTTPS downgrade
	ClassRedirect Class = "redirect"  // too many redirects or a loop
	ClassParse    Class = "parse"     // undecodable body (the pipeline also uses it for feeds)
	ClassOther    Class = "other"     // cancellation and anything unrecognised
)

// Classes lists every class, for initialising metric labels.
var Classes = []Class{ClassDNS, ClassConnect, ClassTLS, ClassTimeout, ClassHTTP4xx, ClassHTTP5xx, ClassTooLarge, ClassBlocked, ClassRedirect, ClassParse, ClassOther}

// IsNetwork reports whether c means the request could not reach the
// server at all (dns, connect, tls, timeout): the class the outage
// detector counts.
func (c Class) IsNetwork() bool {
	switch c {
	case ClassDNS, ClassConnect, ClassTLS, ClassTimeout:
		return true
	}
	return false
}

// Error is a failed fetch.
type Error struct {
	Class      Class
	URL        string
	Host       string // lower-case host name of URL
	StatusCode int
	// RetryAfter is the server's Retry-After (clamped to MaxRetryAfter), or
	// how long a paused host stays paused; 0 when absent.
	RetryAfter time.Duration
	// Duration is how long the attempt took, Wait the part spent waiting
	// for the host's turn.
	Duration time.Duration
	Wait     time.Duration
	Err      error
}

func (e *Error) Error() string {
	return fmt.Sprintf("fetch %s: %s: %v", urlnorm.Redact(e.URL), e.Class, e.Err)
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
// (blocked, too large, most 4xx). A feed is never disabled for it: the
// pipeline backs off instead.
func (e *Error) Permanent() bool {
	switch e.Class {
	case ClassBlocked:
		return e.RetryAfter == 0
	case ClassTooLarge, ClassParse, ClassRedirect:
		return true
	case ClassHTTP4xx:
		return e.StatusCode != 408 && e.StatusCode != 429 && e.StatusCode != 425
	}
	return false
}

// ErrBlocked is wrapped by refusals of the SSRF guard and other policy
// refusals (scheme, HTTPS downgrade, robots.txt).
var ErrBlocked = errors.New("not allowed")

var errTooLarge = errors.New("response too large")

func classify(rawURL string, err error) *Error {
	var fe *Error
	if errors.As(err, &fe) {
		cp := *fe
		if cp.URL == "" {
			cp.URL = rawURL
		}
		return &cp
	}
	e := &Error{URL: rawURL, Err: err, Class: ClassOther}
	e.Class = classOf(err)
	return e
}

func classOf(err error) Class {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var certErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	var alert tls.AlertError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidCert x509.CertificateInvalidError
	msg := err.Error()
	switch {
	case errors.Is(err, ErrBlocked):
		return ClassBlocked
	case errors.Is(err, errTooLarge), strings.Contains(msg, "server response headers exceeded"):
		return ClassTooLarge
	case errors.Is(err, context.Canceled):
		return ClassOther
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		return ClassTimeout
	case errors.As(err, &dnsErr):
		return ClassDNS
	case errors.As(err, &certErr), errors.As(err, &recErr), errors.As(err, &alert),
		errors.As(err, &unknownAuth), errors.As(err, &hostErr), errors.As(err, &invalidCert),
		strings.Contains(msg, "tls: "), strings.Contains(msg, "x509: "):
		return ClassTLS
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF), errors.As(err, &opErr),
		strings.Contains(msg, "connection reset"), strings.Contains(msg, "broken pipe"):
		return ClassConnect
	}
	return ClassOther
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// MaxRetryAfter caps the pause a server can ask for with Retry-After.
const MaxRetryAfter = 24 * time.Hour

// ParseRetryAfter parses a Retry-After value (delay-seconds or an HTTP
// date, RFC 9110 §10.2.3) relative to now. The result is clamped to
// [0, MaxRetryAfter]; it is 0 when the value is absent, invalid, or a date
// in the past.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" || len(v) > 64 {
		return 0
	}
	if isDigits(v) {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil || n > uint64(MaxRetryAfter/time.Second) {
			return MaxRetryAfter // too big to represent: the maximum
		}
		return time.Duration(n) * time.Second
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0
	}
	d := t.Sub(now)
	switch {
	case d <= 0:
		return 0
	case d > MaxRetryAfter:
		return MaxRetryAfter
	}
	return d.Round(time.Second)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
