package fetcher

import (
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CadenceInput is what Cadence needs to know about a feed.
type CadenceInput struct {
	// Configured is the feed's interval, a lower bound (default Min, or 5m).
	Configured time.Duration
	// Min and Max clamp the result (defaults 1m and 24h).
	Min, Max time.Duration
	// TTL is the RSS <ttl>; UpdatePeriod is sy:updatePeriod/Frequency.
	TTL, UpdatePeriod time.Duration
	// Header is the header of the last 200 (or 304): Cache-Control
	// max-age, Age, Expires and Date are read.
	Header http.Header
	// SkipHours (0-23) and SkipDays are RSS <skipHours>/<skipDays>, in GMT.
	SkipHours []int
	SkipDays  []time.Weekday
	// Now is the reference time (default time.Now()).
	Now time.Time
	// RecentItems are publication times of the feed's latest items
	// (optional). With three or more, polling slows to half the median gap
	// between them, and to a quarter of the time since the newest item
	// when the feed has gone quiet.
	RecentItems []time.Time
	// AdaptiveMax caps the delay derived from RecentItems (0: no cap), so a
	// feed that went quiet is still polled often enough for breaking news.
	AdaptiveMax time.Duration
}

// Cadence returns the delay until a feed's next poll: the longest of the
// configured interval, the RSS ttl, sy:updatePeriod, the HTTP freshness
// lifetime (Cache-Control max-age minus Age, else Expires minus Date) and
// the observed publishing rate, clamped to [Min, Max], then moved out of
// the feed's skipHours and skipDays (which may push it past Max, by at most
// a week; rules that skip every hour or every day are ignored).
func Cadence(in CadenceInput) time.Duration {
	now := in.Now
	if now.IsZero() {
		now = time.Now()
	}
	lo, hi := in.Min, in.Max
	if lo <= 0 {
		lo = time.Minute
	}
	if hi <= 0 {
		hi = 24 * time.Hour
	}
	if hi < lo {
		hi = lo
	}
	d := in.Configured
	if d <= 0 {
		d = max(lo, 5*time.Minute)
	}
	ad := adaptive(in.RecentItems, now)
	if in.AdaptiveMax > 0 {
		ad = min(ad, in.AdaptiveMax)
	}
	d = max(d, in.TTL, in.UpdatePeriod, Freshness(in.Header, now), ad)
	d = min(max(d, lo), hi)
	next := skip(now.Add(d), in.SkipHours, in.SkipDays)
	return next.Sub(now)
}

// Freshness returns the freshness lifetime left in a response header
// (RFC 9111 §4.2.1): max-age minus Age, else Expires minus Date; 0 for
// no-store, no-cache, or nothing usable. It is capped at a year.
func Freshness(h http.Header, now time.Time) time.Duration {
	if h == nil {
		return 0
	}
	const capAge = 365 * 24 * time.Hour
	age := time.Duration(0)
	if a, err := strconv.ParseInt(strings.TrimSpace(h.Get("Age")), 10, 64); err == nil && a > 0 && a < int64(capAge/time.Second) {
		age = time.Duration(a) * time.Second
	}
	maxAge, hasMaxAge := time.Duration(0), false
	for _, v := range h.Values("Cache-Control") {
		for _, dir := range strings.Split(v, ",") {
			k, val, _ := strings.Cut(strings.TrimSpace(dir), "=")
			switch strings.ToLower(strings.TrimSpace(k)) {
			case "no-store", "no-cache":
				return 0
			case "max-age":
				if hasMaxAge {
					continue
				}
				hasMaxAge = true
				val = strings.Trim(strings.TrimSpace(val), `"`)
				if !isDigits(val) {
					continue // an invalid max-age means stale: 0
				}
				n, err := strconv.ParseInt(val, 10, 64)
				if err != nil || n > int64(capAge/time.Second) {
					maxAge = capAge
				} else {
					maxAge = time.Duration(n) * time.Second
				}
			}
		}
	}
	if hasMaxAge {
		return max(maxAge-age, 0)
	}
	if e := h.Get("Expires"); e != "" {
		exp, err := http.ParseTime(e)
		if err != nil {
			return 0 // "0", "-1": already expired
		}
		base := now
		if dt, err := http.ParseTime(h.Get("Date")); err == nil {
			base = dt
		}
		return min(max(exp.Sub(base)-age, 0), capAge)
	}
	return 0
}

// adaptive derives a delay from publication times: half the median gap
// between the newest items, or a quarter of the time since the newest one
// when that is longer. Fewer than three usable times give 0.
func adaptive(items []time.Time, now time.Time) time.Duration {
	var ts []time.Time
	for _, t := range items {
		if !t.IsZero() && !t.After(now) {
			ts = append(ts, t)
		}
	}
	if len(ts) < 3 {
		return 0
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return b.Compare(a) })
	if len(ts) > 20 {
		ts = ts[:20]
	}
	gaps := make([]time.Duration, 0, len(ts)-1)
	for i := 1; i < len(ts); i++ {
		gaps = append(gaps, ts[i-1].Sub(ts[i]))
	}
	slices.Sort(gaps)
	d := gaps[len(gaps)/2] / 2
	if quiet := now.Sub(ts[0]) / 4; quiet > d {
		d = quiet
	}
	return d
}

// skip moves t forward to the first hour (GMT) not in hours or days.
func skip(t time.Time, hours []int, days []time.Weekday) time.Time {
	var hourSet [24]bool
	nh := 0
	for _, h := range hours {
		if h >= 0 && h < 24 && !hourSet[h] {
			hourSet[h] = true
			nh++
		}
	}
	var daySet [7]bool
	nd := 0
	for _, d := range days {
		if d >= time.Sunday && d <= time.Saturday && !daySet[d] {
			daySet[d] = true
			nd++
		}
	}
	if nh == 24 {
		nh, hourSet = 0, [24]bool{}
	}
	if nd == 7 {
		nd, daySet = 0, [7]bool{}
	}
	if nh == 0 && nd == 0 {
		return t
	}
	u := t.UTC()
	for i := 0; i < 8*24; i++ {
		if !hourSet[u.Hour()] && !daySet[u.Weekday()] {
			if i == 0 {
				return t
			}
			return u.In(t.Location())
		}
		u = u.Truncate(time.Hour).Add(time.Hour)
	}
	return t
}

// BackoffBase is the delay ceiling after the first failure; it doubles
// with each further failure up to the cap.
const BackoffBase = time.Minute

// Backoff returns the delay before retrying after failures consecutive
// failures: full jitter, uniform in [0, min(cap, BackoffBase·2^(failures-1))]
// (cap defaults to 6h). It never gives up: a feed is retried at least once
// per cap. rnd nil uses the global generator.
func Backoff(failures int, cap time.Duration, rnd *rand.Rand) time.Duration {
	if failures <= 0 {
		return 0
	}
	if cap <= 0 {
		cap = 6 * time.Hour
	}
	ceil := min(BackoffBase, cap)
	for i := 1; i < failures && ceil < cap; i++ {
		if ceil > cap/2 {
			ceil = cap
			break
		}
		ceil *= 2
	}
	if rnd == nil {
		return time.Duration(rand.Int64N(int64(ceil) + 1))
	}
	return time.Duration(rnd.Int64N(int64(ceil) + 1))
}
