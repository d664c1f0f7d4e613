// Package urlnorm normalises URLs so that the same article reached through
// different links (tracking parameters, letter case, default ports, fragments)
// gets the same identity.
package urlnorm

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"sort"
	"strings"
)

// ErrNotHTTP is returned for URLs whose scheme is not http or https.
var ErrNotHTTP = errors.New("urlnorm: only http and https URLs are supported")

// trackingParams are query parameters that identify a campaign or a click,
// never the document. Keys are compared in lower case.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "gbraid": true, "wbraid": true,
	"msclkid": true, "yclid": true, "twclid": true, "ttclid": true, "li_fat_id": true,
	"mc_cid": true, "mc_eid": true, "_ga": true, "_gl": true, "igshid": true,
	"ocid": true, "cmpid": true, "ncid": true, "sr_share": true, "spm": true,
	"__twitter_impression": true, "rss": false, "ref_src": true, "ref_url": true,
	"mkt_tok": true, "oly_enc_id": true, "oly_anon_id": true, "vero_id": true,
	"_hsenc": true, "_hsmi": true, "hsctatracking": true, "guccounter": true,
	"guce_referrer": true, "guce_referrer_sig": true, "at_medium": true, "at_campaign": true,
	"at_custom1": true, "at_custom2": true, "at_custom3": true, "at_custom4": true,
	"wt.mc_id": true, "wt_mc_id": true, "icid": true, "s_cid": true, "smid": true,
}

// trackingPrefixes are prefixes of tracking parameter families (utm_source, ...).
var trackingPrefixes = []string{"utm_", "pk_", "piwik_", "mtm_", "matomo_", "hmb_", "itm_"}

// IsTrackingParam reports whether a query parameter name is a known tracker.
func IsTrackingParam(name string) bool {
	k := strings.ToLower(name)
	if trackingParams[k] {
		return true
	}
	for _, p := range trackingPrefixes {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

// StripTracking removes tracking parameters and the fragment from an absolute
// http(s) URL and returns it otherwise unchanged. It is what the article's
// `url` field holds.
func StripTracking(raw string) (string, error) {
	u, err := parseHTTP(raw)
	if err != nil {
		return "", err
	}
	u.Fragment, u.RawFragment = "", ""
	u.RawQuery = cleanQuery(u.RawQuery, false)
	return u.String(), nil
}

// Normalize returns the canonical form used for identity: lower-case scheme
// and host, no default port, no fragment, no tracking parameters, remaining
// parameters sorted, dot segments resolved, and an empty path written as "/".
func Normalize(raw string) (string, error) {
	u, err := parseHTTP(raw)
	if err != nil {
		return "", err
	}
	u.Scheme = strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	host = strings.TrimRight(host, ".")
	if host == "" {
		return "", fmt.Errorf("urlnorm: no host in %q", raw)
	}
	port := u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") { // IPv6 literal
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	u.User = nil
	u.Fragment, u.RawFragment = "", ""
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	} else {
		trailing := strings.HasSuffix(p, "/")
		p = path.Clean(p)
		if trailing && p != "/" {
			p += "/"
		}
	}
	if pu, err := url.Parse(p); err == nil {
		u.Path, u.RawPath = pu.Path, pu.RawPath
	}
	u.RawQuery = cleanQuery(u.RawQuery, true)
	u.ForceQuery = false
	return u.String(), nil
}

func parseHTTP(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, errors.New("urlnorm: empty URL")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("urlnorm: %w", err)
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
	default:
		return nil, fmt.Errorf("%w: %q", ErrNotHTTP, raw)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("urlnorm: no host in %q", raw)
	}
	return u, nil
}

// cleanQuery drops tracking parameters, keeping the original order and
// encoding unless sorted is set.
func cleanQuery(q string, sorted bool) string {
	if q == "" {
		return ""
	}
	parts := strings.FieldsFunc(q, func(r rune) bool { return r == '&' || r == ';' })
	kept := parts[:0]
	for _, p := range parts {
		name := p
		if i := strings.IndexByte(p, '='); i >= 0 {
			name = p[:i]
		}
		if n, err := url.QueryUnescape(name); err == nil {
			name = n
		}
		if name == "" || IsTrackingParam(name) {
			continue
		}
		if sorted {
			p = reencode(p)
		}
		kept = append(kept, p)
	}
	if sorted {
		sort.Strings(kept)
	}
	return strings.Join(kept, "&")
}

// Resolve resolves ref against base and returns an absolute http(s) URL, or
// "" when ref is empty, unparsable or has another scheme (javascript:, data:,
// file:, mailto:).
func Resolve(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	r, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil {
		r = base.ResolveReference(r)
	}
	switch strings.ToLower(r.Scheme) {
	case "http", "https":
		if r.Host == "" {
			return ""
		}
		return r.String()
	}
	return ""
}

// Domain returns the host of u without a leading "www." and without port.
func Domain(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return ""
	}
	h := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	return strings.TrimPrefix(h, "www.")
}

// reencode rewrites one key=value pair in canonical percent-encoding.
func reencode(pair string) string {
	k, v, hasValue := strings.Cut(pair, "=")
	if dk, err := url.QueryUnescape(k); err == nil {
		k = dk
	}
	if dv, err := url.QueryUnescape(v); err == nil {
		v = dv
	}
	if !hasValue {
		return url.QueryEscape(k)
	}
	return url.QueryEscape(k) + "=" + url.QueryEscape(v)
}

// secretParams are query parameters whose values are credentials.
var secretParams = map[string]bool{
	"token": true, "access_token": true, "auth": true, "key": true, "apikey": true, "api_key": true,
	"password": true, "pass": true, "secret": true, "sig": true, "signature": true, "session": true,
}

// Redact returns raw fit for logs: the password of the user info and the
// values of credential-like query parameters are replaced by "xxxxx".
func Redact(raw string) string {
	if !strings.Contains(raw, "@") && !strings.Contains(raw, "?") {
		return raw // nothing to mask: no user info, no query
	}
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		} else {
			u.User = url.User("xxxxx")
		}
	}
	if u.RawQuery != "" {
		q := u.Query()
		changed := false
		for k := range q {
			if secretParams[strings.ToLower(k)] {
				q[k] = []string{"xxxxx"}
				changed = true
			}
		}
		if changed {
			u.RawQuery = q.Encode()
		}
	}
	return u.String()
}
