package fetcher

import (
	"math/rand/v2"
	"net/http"
	"time"
)

// CadenceInput is what the next poll time depends on.
type CadenceInput struct {
	Configured, Min, Max time.Duration
	TTL, UpdatePeriod    time.Duration
	Header               http.Header
	SkipHours            []int
	SkipDays             []time.Weekday
	Now                  time.Time
	RecentItems          []time.Time
}

// Cadence returns the delay until the next poll: the largest of the
// configured interval, TTL and update period, clamped to [Min, Max].
// (Placeholder: the fetcher issue completes it with cache headers and
// skipHours/skipDays.)
func Cadence(in CadenceInput) time.Duration {
	d := max(in.Configured, in.TTL, in.UpdatePeriod)
	if in.Min > 0 && d < in.Min {
		d = in.Min
	}
	if in.Max > 0 && d > in.Max {
		d = in.Max
	}
	return d
}

// Backoff returns a full-jitter exponential delay after failures
// consecutive failures, at most cap.
func Backoff(failures int, cap time.Duration, rnd *rand.Rand) time.Duration {
	if failures < 1 {
		failures = 1
	}
	d := time.Minute
	for i := 1; i < failures && d < cap; i++ {
		d *= 2
	}
	if d > cap {
		d = cap
	}
	f := rand.Float64
	if rnd != nil {
		f = rnd.Float64
	}
	return time.Duration(f()*float64(d)) + time.Second
}
