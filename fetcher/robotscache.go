package fetcher

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/newsfeed/newsfeed/fetcher/robots"
)

// How long robots.txt answers are cached (RFC 9309 §2.4: at most 24 hours
// unless the file is unreachable).
const (
	robotsTTL      = 24 * time.Hour
	robotsErrorTTL = 10 * time.Minute
)

type robotsEntry struct {
	done    chan struct{} // closed when rules are set
	rules   *robots.Rules
	expires time.Time
	// unreachable is set when rules is a full disallow because robots.txt
	// could not be fetched (5xx, 429, network error).
	unreachable bool
	why         string
}

// allowedByRobots checks u against its origin's robots.txt, fetching and
// caching it as needed.
func (c *Client) allowedByRobots(ctx context.Context, u *url.URL) error {
	e, err := c.robotsFor(ctx, u)
	if err != nil {
		return err
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	if d := e.rules.CrawlDelay(c.agent); d > 0 {
		if d > c.opts.MaxCrawlDelay {
			d = c.opts.MaxCrawlDelay
		}
		c.hosts.setDelay(hostKey(u), d)
	}
	if e.rules.Allowed(c.agent, path) {
		return nil
	}
	if e.unreachable {
		retry := time.Until(e.expires)
		if retry < time.Second {
			retry = time.Second
		}
		return &Error{Class: ClassBlocked, RetryAfter: retry,
			Err: fmt.Errorf("%w: robots.txt of %s is unreachable (%s), which disallows every page until it answers", ErrBlocked, u.Host, e.why)}
	}
	return &Error{Class: ClassBlocked, Err: fmt.Errorf("%w: robots.txt disallows %s for %s", ErrBlocked, path, c.agent)}
}

// robotsFor returns the cached entry for u's origin, fetching robots.txt
// once when it is missing or stale; concurrent callers wait for that fetch.
func (c *Client) robotsFor(ctx context.Context, u *url.URL) (*robotsEntry, error) {
	key := u.Scheme + "://" + u.Host
	for {
		c.robotsMu.Lock()
		e := c.robots[key]
		if e != nil {
			select {
			case <-e.done:
				if time.Now().Before(e.expires) {
					c.robotsMu.Unlock()
					return e, nil
				}
			default:
				c.robotsMu.Unlock()
				select {
				case <-e.done:
					continue
				case <-ctx.Done():
					return nil, ctx.Err()
				}
			}
		}
		old := e
		e = &robotsEntry{done: make(chan struct{})}
		c.robots[key] = e
		if len(c.robots) > 10_000 {
			c.evictRobots()
		}
		c.robotsMu.Unlock()
		c.loadRobots(ctx, key, e, old)
		if err := ctx.Err(); err != nil {
			// our own cancellation says nothing about the site: do not cache
			e.rules, e.expires = robots.DisallowAll, time.Time{}
			close(e.done)
			return nil, err
		}
		close(e.done)
		return e, nil
	}
}

// evictRobots drops expired entries; called with robotsMu held.
func (c *Client) evictRobots() {
	now := time.Now()
	for k, e := range c.robots {
		select {
		case <-e.done:
			if now.After(e.expires) {
				delete(c.robots, k)
			}
		default:
		}
	}
}

// loadRobots fetches origin/robots.txt and fills e following RFC 9309
// §2.3.1: 2xx is parsed (the first 500 KiB), 4xx and too many redirects
// mean no rules, 5xx, 429 and network errors mean full disallow (or the
// previous rules, while they are fresh enough).
func (c *Client) loadRobots(ctx context.Context, origin string, e, old *robotsEntry) {
	resp, err := c.Fetch(ctx, Request{URL: origin + "/robots.txt", Kind: kindRobots, MaxBody: robots.MaxSize})
	now := time.Now()
	if err == nil {
		e.rules, e.expires = robots.Parse(resp.Body), now.Add(robotsTTL)
		return
	}
	fe, _ := err.(*Error)
	class, status := ClassOf(err), 0
	if fe != nil {
		status = fe.StatusCode
	}
	switch {
	case class == ClassHTTP4xx && status != 429, class == ClassRedirect, class == ClassBlocked, class == ClassTooLarge, class == ClassParse:
		e.rules, e.expires = robots.AllowAll, now.Add(robotsTTL)
		return
	}
	e.unreachable, e.why = true, string(class)
	if status != 0 {
		e.why = fmt.Sprintf("HTTP %d", status)
	}
	retry := robotsErrorTTL
	if fe != nil && fe.RetryAfter > retry {
		retry = fe.RetryAfter
	}
	e.expires = now.Add(retry)
	// keep rules fetched within the last 30 days rather than stop crawling
	if old != nil && old.rules != nil && !old.unreachable && now.Sub(old.expires) < 30*24*time.Hour-robotsTTL {
		e.rules, e.unreachable = old.rules, false
		return
	}
	e.rules = robots.DisallowAll
}
