package parser

import (
	"regexp"
	"strings"
	"time"
)

var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05Z0700",
	"2006-01-02 15:04:05 Z07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 -0700 MST",
	"2006-01-02 15:04:05 MST",
	"2006-01-02T15:04:05 MST",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	"20060102T150405Z0700",
	"20060102T150405",
	"20060102150405",
	"20060102",
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 02 Jan 2006 15:04 -0700",
	"Mon Jan 2 15:04:05 2006",
	"Mon Jan 2 15:04:05 MST 2006",
	"Mon Jan 02 2006 15:04:05 GMT-0700",
	time.RFC850,
	"January 2, 2006 3:04 PM",
	"January 2, 2006 15:04",
	"January 2, 2006",
	"Jan 2, 2006 3:04 PM",
	"Jan 2, 2006",
	"2 January 2006 15:04",
	"2 January 2006",
	"02.01.2006 15:04",
	"02.01.2006, 15:04",
	"02.01.2006 15:04:05",
	"02.01.2006, 15:04:05",
	"02.01.2006",
	"02-01-2006T15:04:05Z0700",
	"2006/01/02 15:04:05",
	"2006/01/02 15:04",
	"2006/01/02",
}

var (
	reDateSpace = regexp.MustCompile(`\s+`)
	reUnixTS    = regexp.MustCompile(`^\d{10}(\d{3})?$`)
)

// parseDate parses a machine-readable date. The result keeps the offset the
// string gave, as a fixed zone; a date without an offset is taken as UTC.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 64 || !hasDigits(s, minDateDigits) {
		return time.Time{}, false
	}
	return parseDateLayouts(s)
}

// parseDateLayouts is parseDate for a trimmed s of up to 64 bytes.
func parseDateLayouts(s string) (time.Time, bool) {
	s = reDateSpace.ReplaceAllString(s, " ")
	if reUnixTS.MatchString(s) {
		var n int64
		for _, c := range s[:10] {
			n = n*10 + int64(c-'0')
		}
		if n > 0 {
			return time.Unix(n, 0).UTC(), true
		}
	}
	// "2022-08-03T13:25:00+0300" and friends are handled by the layouts;
	// "2022-08-03T13:25:00 +03:00" is not, so drop that space.
	if len(s) > 20 && (s[len(s)-6] == '+' || s[len(s)-6] == '-') && s[len(s)-7] == ' ' && s[len(s)-3] == ':' {
		s = s[:len(s)-7] + s[len(s)-6:]
	}
	// "2022-01-10T22:06:08:684Z": milliseconds after a colon
	if len(s) > 23 && s[10] == 'T' && s[19] == ':' && s[4] == '-' && isDigits(s[20:23]) {
		s = s[:19] + "." + s[20:]
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			if t.Year() < 1990 || t.Year() > 2100 {
				return time.Time{}, false
			}
			return fixZone(t), true
		}
	}
	return time.Time{}, false
}

// minDateDigits is the fewest ASCII digits a string that some layout of
// dateLayouts parses can have: a day (one digit) and a year (four
// characters, a sign and three digits at the least). Strings with fewer
// are not tried: every failed time.Parse allocates its error.
const minDateDigits = 4

// isDigits reports whether s is all ASCII digits.
func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// hasDigits reports whether s has at least n ASCII digits.
func hasDigits(s string, n int) bool {
	for i := 0; i < len(s) && n > 0; i++ {
		if '0' <= s[i] && s[i] <= '9' {
			n--
		}
	}
	return n <= 0
}

// fixZone gives t a fixed zone with its own offset, so that it marshals
// with the publisher's offset whatever the local zone is.
func fixZone(t time.Time) time.Time {
	_, off := t.Zone()
	if off == 0 {
		return t.UTC()
	}
	return t.In(time.FixedZone("", off))
}

var reURLDate = regexp.MustCompile(`/((?:19|20)\d{2})[/-]([01]?\d)[/-]([0-3]?\d)(?:/|-|$)`)

// dateFromURL finds a /2022/08/03/ style date in a URL.
func dateFromURL(u string) (time.Time, bool) {
	m := reURLDate.FindStringSubmatch(u)
	if m == nil {
		return time.Time{}, false
	}
	y, mo, d := atoi(m[1]), atoi(m[2]), atoi(m[3])
	if mo < 1 || mo > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC), true
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}
