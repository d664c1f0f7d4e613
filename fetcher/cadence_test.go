package fetcher

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 4, 10, 30, 0, 0, time.UTC) // a Wednesday

func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

func TestParseRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		v    string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"120", 2 * time.Minute},
		{" 120 ", 2 * time.Minute},
		{"86400", 24 * time.Hour},
		{"86401", MaxRetryAfter},
		{"99999999999999999999999", MaxRetryAfter},
		{"-5", 0},
		{"1.5", 0},
		{"+30", 0},
		{"soon", 0},
		{"Wed, 04 Mar 2026 10:31:00 GMT", time.Minute},
		{"Wednesday, 04-Mar-26 10:32:00 GMT", 2 * time.Minute}, // RFC 850
		{"Wed Mar  4 10:33:00 2026", 3 * time.Minute},          // ANSI C
		{"Wed, 04 Mar 2026 10:00:00 GMT", 0},                   // past
		{"Fri, 31 Dec 9999 23:59:59 GMT", MaxRetryAfter},
		{"Mon, 01 Jan 0001 00:00:00 GMT", 0},
	} {
		if got := ParseRetryAfter(tc.v, t0); got != tc.want {
			t.Errorf("%q: %v, want %v", tc.v, got, tc.want)
		}
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"120", "Wed, 04 Mar 2026 10:31:00 GMT", "-1", "99999999999999999999", "Wednesday, 04-Mar-26 10:32:00 GMT"} {
		f.Add(s, int64(0))
	}
	f.Fuzz(func(t *testing.T, v string, offset int64) {
		now := t0.Add(time.Duration(offset))
		d := ParseRetryAfter(v, now)
		if d < 0 || d > MaxRetryAfter {
			t.Fatalf("%q at %v: %v out of [0, %v]", v, now, d, MaxRetryAfter)
		}
	})
}

func TestFreshness(t *testing.T) {
	for _, tc := range []struct {
		name string
		h    http.Header
		want time.Duration
	}{
		{"none", nil, 0},
		{"max-age", hdr("Cache-Control", "public, max-age=600"), 10 * time.Minute},
		{"max-age minus Age", hdr("Cache-Control", "max-age=600", "Age", "100"), 500 * time.Second},
		{"Age over max-age", hdr("Cache-Control", "max-age=60", "Age", "100"), 0},
		{"no-cache wins", hdr("Cache-Control", "max-age=600, no-cache"), 0},
		{"no-store", hdr("Cache-Control", "no-store", "Expires", "Wed, 04 Mar 2026 12:00:00 GMT"), 0},
		{"invalid max-age", hdr("Cache-Control", "max-age=abc"), 0},
		{"huge max-age", hdr("Cache-Control", "max-age=999999999999999999999"), 365 * 24 * time.Hour},
		{"quoted max-age", hdr("Cache-Control", `max-age="60"`), time.Minute},
		{"max-age over Expires", hdr("Cache-Control", "max-age=60", "Expires", "Wed, 04 Mar 2026 12:00:00 GMT"), time.Minute},
		{"Expires minus Date", hdr("Date", "Wed, 04 Mar 2026 10:00:00 GMT", "Expires", "Wed, 04 Mar 2026 10:15:00 GMT"), 15 * time.Minute},
		{"Expires without Date", hdr("Expires", "Wed, 04 Mar 2026 11:30:00 GMT"), time.Hour},
		{"Expires 0", hdr("Expires", "0"), 0},
		{"Expires past", hdr("Expires", "Wed, 04 Mar 2020 11:30:00 GMT"), 0},
	} {
		if got := Freshness(tc.h, t0); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestCadence(t *testing.T) {
	hour := time.Hour
	for _, tc := range []struct {
		name string
		in   CadenceInput
		want time.Duration
	}{
		{"configured", CadenceInput{Configured: 5 * time.Minute}, 5 * time.Minute},
		{"default when unset", CadenceInput{}, 5 * time.Minute},
		{"ttl lengthens", CadenceInput{Configured: 5 * time.Minute, TTL: 30 * time.Minute}, 30 * time.Minute},
		{"updatePeriod lengthens", CadenceInput{Configured: 5 * time.Minute, UpdatePeriod: hour}, hour},
		{"max-age lengthens", CadenceInput{Configured: 5 * time.Minute, Header: hdr("Cache-Control", "max-age=900")}, 15 * time.Minute},
		{"Expires lengthens", CadenceInput{Configured: 5 * time.Minute, Header: hdr("Expires", "Wed, 04 Mar 2026 10:50:00 GMT")}, 20 * time.Minute},
		{"short max-age does not shorten", CadenceInput{Configured: 10 * time.Minute, Header: hdr("Cache-Control", "max-age=60")}, 10 * time.Minute},
		{"largest wins", CadenceInput{Configured: 5 * time.Minute, TTL: 20 * time.Minute, UpdatePeriod: 40 * time.Minute, Header: hdr("Cache-Control", "max-age=1800")}, 40 * time.Minute},
		{"absurd ttl clamped to max", CadenceInput{Configured: 5 * time.Minute, TTL: 1 << 62, Max: 24 * hour}, 24 * hour},
		{"below min raised", CadenceInput{Configured: 10 * time.Second, Min: time.Minute}, time.Minute},
		{"max below min", CadenceInput{Configured: time.Hour, Min: 2 * hour, Max: hour}, 2 * hour},
		{"skip hour 10 and 11 (GMT)", CadenceInput{Configured: 5 * time.Minute, SkipHours: []int{10, 11}}, 90 * time.Minute},
		{"skip today (Wednesday)", CadenceInput{Configured: 5 * time.Minute, SkipDays: []time.Weekday{time.Wednesday}}, 13*hour + 30*time.Minute},
		{"skip every hour is ignored", CadenceInput{Configured: 5 * time.Minute, SkipHours: []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23}}, 5 * time.Minute},
		{"skip every day is ignored", CadenceInput{Configured: 5 * time.Minute, SkipDays: []time.Weekday{0, 1, 2, 3, 4, 5, 6}}, 5 * time.Minute},
		{"invalid skip values ignored", CadenceInput{Configured: 5 * time.Minute, SkipHours: []int{-1, 24, 99}, SkipDays: []time.Weekday{9}}, 5 * time.Minute},
		{"skip hour not reached", CadenceInput{Configured: 5 * time.Minute, SkipHours: []int{12}}, 5 * time.Minute},
		{"adaptive: items every 4h", CadenceInput{Configured: 5 * time.Minute, RecentItems: []time.Time{t0.Add(-time.Hour), t0.Add(-5 * hour), t0.Add(-9 * hour), t0.Add(-13 * hour)}}, 2 * hour},
		{"adaptive: quiet for 8 days", CadenceInput{Configured: 5 * time.Minute, RecentItems: []time.Time{t0.Add(-8 * 24 * hour), t0.Add(-8*24*hour - time.Minute), t0.Add(-8*24*hour - 2*time.Minute)}}, 24 * hour},
		{"adaptive needs 3 items", CadenceInput{Configured: 5 * time.Minute, RecentItems: []time.Time{t0.Add(-10 * hour), t0.Add(-20 * hour)}}, 5 * time.Minute},
		{"adaptive ignores future and zero", CadenceInput{Configured: 5 * time.Minute, RecentItems: []time.Time{{}, t0.Add(100 * hour), t0.Add(-hour), t0.Add(-2 * hour)}}, 5 * time.Minute},
		{"adaptive never below configured", CadenceInput{Configured: hour, RecentItems: []time.Time{t0.Add(-time.Minute), t0.Add(-2 * time.Minute), t0.Add(-3 * time.Minute)}}, hour},
	} {
		tc.in.Now = t0
		if got := Cadence(tc.in); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestBackoff(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	if Backoff(0, time.Hour, rnd) != 0 || Backoff(-3, time.Hour, rnd) != 0 {
		t.Error("no failure, no backoff")
	}
	for failures := 1; failures <= 100; failures++ {
		ceil := 6 * time.Hour
		if failures < 20 {
			ceil = min(BackoffBase*time.Duration(1<<(failures-1)), ceil)
		}
		var maxSeen time.Duration
		for i := 0; i < 200; i++ {
			d := Backoff(failures, 0, rnd)
			if d < 0 || d > ceil {
				t.Fatalf("failures %d: %v outside [0, %v]", failures, d, ceil)
			}
			maxSeen = max(maxSeen, d)
		}
		// full jitter spreads over the whole range
		if maxSeen < ceil/2 {
			t.Errorf("failures %d: max %v of 200 draws, ceiling %v", failures, maxSeen, ceil)
		}
	}
	if d := Backoff(1_000_000, 10*time.Minute, nil); d < 0 || d > 10*time.Minute {
		t.Errorf("huge failure count: %v", d)
	}
	a := Backoff(5, time.Hour, rand.New(rand.NewPCG(7, 7)))
	b := Backoff(5, time.Hour, rand.New(rand.NewPCG(7, 7)))
	if a != b {
		t.Error("same seed, different delays")
	}
}

func TestOutageDetector(t *testing.T) {
	now := t0
	d := NewOutageDetector(5*time.Minute, 3)
	d.now = func() time.Time { return now }
	step := func() { now = now.Add(time.Second) }
	netErr := &Error{Class: ClassConnect}
	d.RecordSuccess("a")
	step()
	d.Record("b", netErr)
	step()
	d.Record("c", &Error{Class: ClassTimeout})
	if d.Down() {
		t.Fatal("two failures: down")
	}
	step()
	d.Record("d", &Error{Class: ClassDNS})
	if !d.Down() {
		t.Fatal("three hosts failing after the last success: not down")
	}
	step()
	d.Record("e", &Error{Class: ClassHTTP5xx, StatusCode: 503})
	if d.Down() {
		t.Fatal("a 503 is an answer: still down")
	}
	step()
	for _, h := range []string{"f", "g", "h"} {
		d.Record(h, &Error{Class: ClassConnect})
		step()
	}
	if !d.Down() {
		t.Fatal("three connect failures after the 503: not down")
	}
	d.Record("x", errors.New("something odd"))
	d.Record("y", &Error{Class: ClassOther, Err: context.Canceled})
	if !d.Down() {
		t.Fatal("an unknown error or a cancellation ended the outage")
	}
	step()
	d.RecordSuccess("j")
	if d.Down() {
		t.Fatal("a success did not end the outage")
	}
	step()
	for _, h := range []string{"f", "g", "h"} {
		d.Record(h, &Error{Class: ClassTLS})
		step()
	}
	if !d.Down() {
		t.Fatal("three TLS failures (captive portal): not down")
	}
	now = now.Add(10 * time.Minute)
	if d.Down() {
		t.Fatal("failures outside the window still count")
	}
}
