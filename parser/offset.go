package parser

import (
	"strings"
	"time"

	"golang.org/x/net/html"
)

// Many pages state their publication time in UTC ("2023-11-09T05:30:59Z")
// and elsewhere the local time (<time datetime="2023-11-08 23:30:59">).
// DESIGN §3 wants the publisher's offset, and the local day is the day the
// publisher dates the article, so when the chosen date is in UTC the page
// is searched for another machine-readable statement of the same instant
// that reveals the offset: one that carries a non-zero offset (in a meta
// tag, a <time>, or a script's data), or a wall-clock time without an
// offset that differs from the UTC time by a whole number of hours or half
// hours, to the second when both give seconds. A date-only statement is no
// evidence: it cannot tell the offset. Neither is the time the page shows
// its readers: it may be labelled GMT, or printed on a 12-hour clock
// without am/pm ("5:09 Uhr" for 17:09), and a wrong offset is worse than
// none.

// maxOffset and minOffset bound the UTC offsets of inhabited places
// (+14:00 in Kiribati, -11:00 in American Samoa). -12:00 is also what a
// 12-hour clock misread makes of noon.
const (
	maxOffset = 14 * time.Hour
	minOffset = -11 * time.Hour
)

// publisherZone returns the zone, other than UTC, in which the page states
// the instant t (a time the page gave in UTC), or nil. machine holds the
// page's machine-readable date strings.
func (x *extraction) publisherZone(t time.Time, machine []string) *time.Location {
	for _, v := range machine {
		if u, ok := parseDate(v); ok {
			if _, off := u.Zone(); off != 0 && u.Sub(t).Abs() < time.Minute {
				return u.Location()
			}
		}
	}
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return nil // most likely a date without a time: no instant to place
	}
	for _, v := range machine {
		if w, secs, ok := naiveClock(v); ok {
			if z := zoneBetween(w, t, secs); z != nil {
				return z
			}
		}
	}
	return scriptZone(x.info.scripts, t)
}

// naiveLayouts are the machine forms of a wall-clock time without an
// offset, with whether they give seconds.
var naiveLayouts = []struct {
	layout string
	secs   bool
}{
	{"2006-01-02T15:04:05", true},
	{"2006-01-02T15:04:05.999999999", true},
	{"2006-01-02 15:04:05", true},
	{"2006-01-02 15:04:05.999999999", true},
	{"2006-01-02T15:04", false},
	{"2006-01-02 15:04", false},
}

// naiveClock parses s when it is a date and time of day without an
// offset, reporting whether it gives seconds.
func naiveClock(s string) (time.Time, bool, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 16 || len(s) > 29 || s[4] != '-' {
		return time.Time{}, false, false
	}
	for _, l := range naiveLayouts {
		if t, err := time.Parse(l.layout, s); err == nil {
			return t, l.secs, true
		}
	}
	return time.Time{}, false, false
}

// zoneBetween returns the zone in which the wall clock w (read as if it
// were UTC) shows the instant t: their difference, when it is a plausible
// UTC offset (not zero, within minOffset and maxOffset, whole hours or
// half hours; a quarter-hour offset such as Nepal's only when w gives
// seconds), else nil. The minutes must agree, and the seconds too when withSecs.
func zoneBetween(w, t time.Time, withSecs bool) *time.Location {
	if withSecs && w.Second() != t.Second() {
		return nil
	}
	d := w.Truncate(time.Minute).Sub(t.UTC().Truncate(time.Minute))
	if d == 0 || d > maxOffset || d < minOffset {
		return nil
	}
	if d%(30*time.Minute) != 0 && !(withSecs && d%(15*time.Minute) == 0) {
		return nil
	}
	return time.FixedZone("", int(d/time.Second))
}

// maxScriptHits bounds the timestamps parsed from scripts.
const maxScriptHits = 32

// scriptZone finds, in the text of the page's scripts (data blobs such as
// {"date":"2020-02-24T21:25:54-05:00"}), an ISO 8601 timestamp with a
// non-zero offset that states the instant t (to the second), and returns
// its zone. It looks only where t's minutes and seconds are written.
func scriptZone(scripts []*html.Node, t time.Time) *time.Location {
	mmss := t.UTC().Format(":04:05")
	hits := 0
	for _, n := range scripts {
		s := n.FirstChild.Data
		for i := 0; hits < maxScriptHits; {
			j := strings.Index(s[i:], mmss)
			if j < 0 {
				break
			}
			at := i + j
			i = at + len(mmss)
			// "2006-01-02T15" before, an optional fraction and an offset after
			if at < 13 || !isoHead(s[at-13:at]) {
				continue
			}
			hits++
			end := i
			for end < len(s) && end-i < 10 && (s[end] == '.' || s[end] >= '0' && s[end] <= '9') {
				end++
			}
			if end+5 > len(s) || s[end] != '+' && s[end] != '-' {
				continue
			}
			off := s[end : end+5] // ±hhmm
			if end+6 <= len(s) && s[end+3] == ':' {
				off = s[end:end+3] + s[end+4:end+6]
			}
			if u, err := time.Parse("2006-01-02T15:04:05.999999999-0700", s[at-13:at-3]+"T"+s[at-2:end]+off); err == nil {
				if _, o := u.Zone(); o != 0 && u.Sub(t).Abs() < time.Second {
					return fixZone(u).Location()
				}
			}
		}
	}
	return nil
}

// isoHead reports whether s is "2006-01-02T15" (or with a space for the T).
func isoHead(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 4, 7:
			if c != '-' {
				return false
			}
		case 10:
			if c != 'T' && c != ' ' {
				return false
			}
		default:
			if c < '0' || c > '9' {
				return false
			}
		}
	}
	return len(s) == 13
}
