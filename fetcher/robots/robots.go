// Package robots parses robots.txt files and matches URLs against them as
// RFC 9309 specifies: groups chosen by case-insensitive product token (all
// groups naming the agent are merged; "*" applies when none does), the
// longest matching rule wins, an allow rule wins a tie, "*" and a final "$"
// are the only special characters, paths are compared after normalising
// percent-encoding, and /robots.txt itself is always allowed. Parsing never
// fails: lines it cannot read are skipped. Crawl-delay (not in the RFC) and
// Sitemap lines are read too.
package robots

import (
	"strconv"
	"strings"
	"time"
)

// MaxSize is how much of a robots.txt file is parsed; the rest is ignored
// (RFC 9309 §2.5 requires at least 500 KiB).
const MaxSize = 500 << 10

const (
	maxRules      = 20_000
	maxPatternLen = 2_000
)

// Rules is a parsed robots.txt.
type Rules struct {
	groups   []*group
	Sitemaps []string
	// all is set for the synthetic full-allow and full-disallow files.
	all *bool
}

type group struct {
	agents     []string
	rules      []rule
	crawlDelay time.Duration
}

type rule struct {
	allow   bool
	pattern string // normalised
}

var (
	yes, no = true, false
	// AllowAll allows everything (a missing robots.txt, or a 4xx answer).
	AllowAll = &Rules{all: &yes}
	// DisallowAll disallows everything (robots.txt unreachable, a 5xx answer).
	DisallowAll = &Rules{all: &no}
)

// Parse reads a robots.txt body; only its first MaxSize bytes are used.
func Parse(data []byte) *Rules {
	if len(data) > MaxSize {
		data = data[:MaxSize]
		if i := strings.LastIndexByte(string(data), '\n'); i >= 0 {
			data = data[:i]
		}
	}
	r := &Rules{}
	var cur *group
	inAgents := false // the last record was a user-agent line
	count := 0
	for _, line := range strings.Split(string(data), "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		key = strings.ToLower(strings.TrimSpace(key))
		value = strings.TrimSpace(value)
		switch key {
		case "user-agent", "useragent", "user agent":
			if !inAgents {
				cur = &group{}
				r.groups = append(r.groups, cur)
			}
			inAgents = true
			cur.agents = append(cur.agents, agentToken(value))
		case "allow", "disallow", "dissallow", "disalow":
			inAgents = false
			if cur == nil || value == "" || count >= maxRules {
				continue // rules outside a group; empty rules match nothing
			}
			if len(value) > maxPatternLen {
				value = value[:maxPatternLen]
			}
			if !strings.HasPrefix(value, "/") && !strings.HasPrefix(value, "*") {
				value = "/" + value
			}
			cur.rules = append(cur.rules, rule{allow: key == "allow", pattern: normalise(value, true)})
			count++
		case "crawl-delay":
			inAgents = false
			if cur == nil {
				continue
			}
			if s, err := strconv.ParseFloat(value, 64); err == nil && s > 0 && s < 1e6 {
				cur.crawlDelay = time.Duration(s * float64(time.Second))
			}
		case "sitemap":
			if value != "" && len(r.Sitemaps) < 1000 {
				r.Sitemaps = append(r.Sitemaps, value)
			}
		default:
			// other records do not end a run of user-agent lines
		}
	}
	return r
}

// agentToken lower-cases a user-agent line value and drops a version.
func agentToken(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	if i := strings.IndexAny(v, "/ \t"); i > 0 {
		v = v[:i]
	}
	return v
}

// Token returns the product token robots.txt groups are matched against,
// from a User-Agent header value ("newsfeed/1 (+https://...)" → "newsfeed").
func Token(userAgent string) string { return agentToken(userAgent) }

// matching returns the merged groups for agent.
func (r *Rules) matching(agent string) []*group {
	token := agentToken(agent)
	var named, star []*group
	for _, g := range r.groups {
		for _, a := range g.agents {
			switch a {
			case token:
				named = append(named, g)
			case "*":
				star = append(star, g)
			default:
				continue
			}
			break
		}
	}
	if len(named) > 0 {
		return named
	}
	return star
}

// Allowed reports whether agent may fetch path (the URL's path and query,
// as sent in the request line).
func (r *Rules) Allowed(agent, path string) bool {
	if r == nil {
		return true
	}
	if path == "" {
		path = "/"
	}
	if path == "/robots.txt" {
		return true
	}
	if r.all != nil {
		return *r.all
	}
	p := normalise(path, false)
	best, allow := -1, true
	for _, g := range r.matching(agent) {
		for _, ru := range g.rules {
			if len(ru.pattern) < best || !match(ru.pattern, p) {
				continue
			}
			if len(ru.pattern) > best {
				best, allow = len(ru.pattern), ru.allow
			} else if ru.allow {
				allow = true
			}
		}
	}
	return allow
}

// CrawlDelay returns the Crawl-delay of agent's groups (the longest one),
// 0 when none is given.
func (r *Rules) CrawlDelay(agent string) time.Duration {
	if r == nil {
		return 0
	}
	var d time.Duration
	for _, g := range r.matching(agent) {
		if g.crawlDelay > d {
			d = g.crawlDelay
		}
	}
	return d
}

// normalise percent-encodes octets outside printable ASCII and decodes
// escapes of unreserved characters, with upper-case hex, so that
// "/a%7eb", "/a~b" compare equal (RFC 9309 §2.2.2). In patterns, "*" and
// a final "$" keep their meaning.
func normalise(s string, pattern bool) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			v := unhex(s[i+1])<<4 | unhex(s[i+2])
			if isUnreserved(v) {
				b.WriteByte(v)
			} else {
				b.WriteByte('%')
				b.WriteByte(upper(s[i+1]))
				b.WriteByte(upper(s[i+2]))
			}
			i += 2
			continue
		}
		if c <= 0x20 || c >= 0x7f {
			const hexd = "0123456789ABCDEF"
			b.WriteByte('%')
			b.WriteByte(hexd[c>>4])
			b.WriteByte(hexd[c&15])
			continue
		}
		if !pattern && c == '*' {
			b.WriteString("%2A")
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

func upper(c byte) byte {
	if c >= 'a' && c <= 'f' {
		return c - 'a' + 'A'
	}
	return c
}

func isUnreserved(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// match reports whether pattern matches a prefix of path ("*" matches any
// run of characters; a final "$" anchors the end), in O(len(pattern) ×
// len(path)) time at worst.
func match(pattern, path string) bool {
	anchored := strings.HasSuffix(pattern, "$")
	if anchored {
		pattern = pattern[:len(pattern)-1]
	}
	if !strings.Contains(pattern, "*") {
		if anchored {
			return path == pattern
		}
		return strings.HasPrefix(path, pattern)
	}
	if !anchored {
		pattern += "*"
	}
	// iterative wildcard matching with a single backtrack point
	p, s := 0, 0
	star, mark := -1, 0
	for s < len(path) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, s
			p++
		case p < len(pattern) && pattern[p] == path[s]:
			p++
			s++
		case star >= 0:
			p = star + 1
			mark++
			s = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
