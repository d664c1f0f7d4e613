package fetcher

import (
	"sync"
	"time"
)

// OutageDetector tells when our own network is down rather than the
// sites: when at least minHosts distinct hosts failed with a network-class
// error (dns, connect, tls, timeout) within the window and no host answered
// since the first of those failures. While Down reports true the pipeline
// should not count failures against feeds. One answer from any host ends
// the outage. It is safe for concurrent use.
type OutageDetector struct {
	window   time.Duration
	minHosts int
	now      func() time.Time

	mu          sync.Mutex
	hosts       map[string]hostResult
	lastSuccess time.Time
}

type hostResult struct {
	at     time.Time
	failed bool
}

// NewOutageDetector returns a detector that looks at the last result of
// each host tried within window (default 5 minutes) and reports an outage
// when at least minHosts of them (default 3) failed at the network level
// after the last success.
func NewOutageDetector(window time.Duration, minHosts int) *OutageDetector {
	if window <= 0 {
		window = 5 * time.Minute
	}
	if minHosts <= 0 {
		minHosts = 3
	}
	return &OutageDetector{window: window, minHosts: minHosts, now: time.Now, hosts: map[string]hostResult{}}
}

// Record notes the result of a fetch from host. A nil error, or an error
// that proves the network works (an HTTP status, a blocked URL, a body
// too large), counts as a success; a network-class error as a failure;
// anything else (a cancellation, an unknown error) is ignored.
func (d *OutageDetector) Record(host string, err error) {
	if err == nil {
		d.record(host, false)
		return
	}
	c := ClassOf(err)
	if c == ClassOther {
		if c = classOf(err); c == ClassOther {
			return
		}
	}
	d.record(host, c.IsNetwork())
}

// RecordSuccess notes that host answered.
func (d *OutageDetector) RecordSuccess(host string) { d.record(host, false) }

func (d *OutageDetector) record(host string, failed bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	d.hosts[host] = hostResult{at: now, failed: failed}
	if !failed {
		d.lastSuccess = now
	}
	if len(d.hosts) > 4*d.minHosts+1024 {
		d.prune(now)
	}
}

func (d *OutageDetector) prune(now time.Time) {
	for h, r := range d.hosts {
		if now.Sub(r.at) > d.window {
			delete(d.hosts, h)
		}
	}
}

// Down reports whether at least minHosts hosts failed at the network
// level within the window, all after the last success of any host.
func (d *OutageDetector) Down() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	d.prune(now)
	n := 0
	for _, r := range d.hosts {
		if r.failed && r.at.After(d.lastSuccess) {
			n++
		}
	}
	return n >= d.minHosts
}
