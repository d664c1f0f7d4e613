package feed

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/newsfeed/newsfeed/internal/months"
)

// Date is a parsed feed date.
type Date struct {
	Time time.Time
	// Ambiguous is set when the zone was an abbreviation with several
	// meanings (IST, BST, AST, ...); Time then uses the reading documented at zones.
	Ambiguous bool
	// Zone is the abbreviation read, if any.
	Zone string
}

// zone is the UTC offset of a zone abbreviation and whether it is ambiguous.
type zone struct {
	offset    int // seconds east of UTC
	ambiguous bool
}

func h(hours float64) int { return int(hours * 3600) }

// zones maps the zone abbreviations found in feeds to offsets. RFC 822's
// names (EST, CST, MST, PST and their daylight forms) are the United States
// zones, as that RFC defines them. Abbreviations with several meanings take
// the one most common in news feeds and are marked ambiguous: IST is India
// (+05:30, not Ireland or Israel), BST is British Summer Time (+01:00, not
// Bangladesh), AST is Atlantic (-04:00, not Arabia), CST is US Central
// (-06:00, not China), SST is Samoa (-11:00, not Singapore). RFC 822's
// single-letter military zones other than Z are read as UTC, as RFC 5322
// recommends, since their signs were published reversed.
var zones = map[string]zone{
	"UT": {0, false}, "UTC": {0, false}, "GMT": {0, false}, "Z": {0, false}, "WET": {0, false},
	"EST": {h(-5), false}, "EDT": {h(-4), false}, "CST": {h(-6), true}, "CDT": {h(-5), false},
	"MST": {h(-7), false}, "MDT": {h(-6), false}, "PST": {h(-8), false}, "PDT": {h(-7), false},
	"AKST": {h(-9), false}, "AKDT": {h(-8), false}, "HST": {h(-10), false}, "AST": {h(-4), true},
	"ADT": {h(-3), false}, "NST": {h(-3.5), false}, "NDT": {h(-2.5), false},
	"BST": {h(1), true}, "IST": {h(5.5), true}, "SST": {h(-11), true},
	"WEST": {h(1), false}, "CET": {h(1), false}, "CEST": {h(2), false}, "MET": {h(1), false},
	"MEST": {h(2), false}, "MEZ": {h(1), false}, "MESZ": {h(2), false}, "EET": {h(2), false},
	"EEST": {h(3), false}, "MSK": {h(3), false}, "MSD": {h(4), false}, "WAT": {h(1), false},
	"CAT": {h(2), false}, "EAT": {h(3), false}, "SAST": {h(2), false}, "PKT": {h(5), false},
	"NPT": {h(5.75), false}, "ICT": {h(7), false}, "WIB": {h(7), false}, "HKT": {h(8), false},
	"SGT": {h(8), false}, "PHT": {h(8), false}, "AWST": {h(8), false}, "JST": {h(9), false},
	"KST": {h(9), false}, "ACST": {h(9.5), false}, "ACDT": {h(10.5), false},
	"AEST": {h(10), false}, "AEDT": {h(11), false}, "NZST": {h(12), false}, "NZDT": {h(13), false},
}

// layouts without a zone, tried in order after the zone was split off.
var layouts = []string{
	"2 Jan 2006 15:04:05",
	"2 Jan 2006 15:04",
	"2 Jan 06 15:04:05",
	"2 Jan 06 15:04",
	"2 January 2006 15:04:05",
	"2 January 2006 15:04",
	"Jan 2 2006 15:04:05",
	"Jan 2 2006 3:04:05 PM",
	"Jan 2 2006 3:04 PM",
	"January 2 2006 15:04:05",
	"January 2 2006 3:04 PM",
	"Jan 2 15:04:05 2006", // ANSI C
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006/01/02 15:04:05",
	"2006/01/02 15:04",
	"02.01.2006 15:04:05",
	"02.01.2006 15:04",
	"2 Jan 2006",
	"2 January 2006",
	"Jan 2 2006",
	"January 2 2006",
	"2006-01-02",
	"2006/01/02",
	"02.01.2006",
	"20060102T150405",
}

// ParseDate parses the date formats found in feeds: RFC 3339 / ISO 8601,
// RFC 822 / 1123 / 5322 with or without weekday, seconds or a four-digit
// year, and a few common variants. A zone may be numeric (+0300, +03:00,
// +03), a common abbreviation (see zones), or GMT+3 / UTC+05:30; a missing zone is
// UTC. ok is false when nothing matched; no range check is done here.
func ParseDate(s string) (Date, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 128 {
		return Date{}, false
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return Date{Time: t}, true
	}
	// normalise: single spaces, no commas, no weekday, no "at"
	s = stripWeekday(s)
	s = strings.NewReplacer(",", " ", "\t", " ").Replace(s)
	f := strings.Fields(s)
	if len(f) > 0 && isWeekday(f[0]) {
		f = f[1:]
	}
	for i := 0; i < len(f); i++ {
		if strings.EqualFold(f[i], "at") {
			f = append(f[:i], f[i+1:]...)
			i--
		}
	}
	if len(f) == 0 {
		return Date{}, false
	}
	d := Date{}
	offset, hasZone := 0, false
	// a trailing zone token, possibly "GMT+3" or an abbreviation followed by
	// a parenthesised comment: "+0000 (UTC)"
	if last := f[len(f)-1]; strings.HasPrefix(last, "(") && strings.HasSuffix(last, ")") && len(f) > 1 {
		f = f[:len(f)-1]
	}
	if len(f) > 1 {
		last := f[len(f)-1]
		if off, ok := numericOffset(last); ok {
			offset, hasZone = off, true
			f = f[:len(f)-1]
			// "GMT +0300"
			if len(f) > 1 {
				if z, ok := zones[strings.ToUpper(f[len(f)-1])]; ok && z.offset == 0 {
					f = f[:len(f)-1]
				}
			}
		} else if z, name, extra, ok := abbrevZone(last); ok {
			offset, hasZone = z.offset+extra, true
			d.Zone, d.Ambiguous = name, z.ambiguous && extra == 0
			f = f[:len(f)-1]
		}
	}
	rest := strings.Join(f, " ")
	// ISO forms carrying their own zone: 2006-01-02T15:04:05+03:00 or Z
	if !hasZone {
		if t, ok := isoWithZone(rest); ok {
			return Date{Time: t}, true
		}
	}
	if n, err := strconv.ParseInt(rest, 10, 64); err == nil && len(rest) >= 9 && len(rest) <= 10 {
		// a Unix timestamp in seconds
		return Date{Time: time.Unix(n, 0).UTC()}, true
	}
	loc := time.UTC
	if hasZone {
		loc = fixedZone(offset, d.Zone)
	}
	rest = titleMonths(rest)
	for _, l := range layouts {
		if t, err := time.ParseInLocation(l, rest, loc); err == nil {
			d.Time = t
			return d, true
		}
	}
	return Date{}, false
}

func fixedZone(offset int, name string) *time.Location {
	if offset == 0 && (name == "" || name == "UTC" || name == "UT" || name == "Z") {
		return time.UTC
	}
	if name == "" {
		return time.FixedZone("", offset)
	}
	return time.FixedZone(name, offset)
}

// stripWeekday drops a leading weekday in any language: a word followed
// by a comma ("Seg,", "mer.,", "Пн,") before a day number.
func stripWeekday(s string) string {
	i := strings.IndexByte(s, ',')
	if i <= 0 || i > 16 {
		return s
	}
	for _, r := range strings.TrimRight(s[:i], ".") {
		if !unicode.IsLetter(r) {
			return s
		}
	}
	return strings.TrimSpace(s[i+1:])
}

func isWeekday(s string) bool {
	s = strings.ToLower(strings.TrimRight(s, "."))
	for _, d := range []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"} {
		if s == d || (len(s) >= 2 && strings.HasPrefix(d, s)) {
			return true
		}
	}
	return false
}

// titleMonths rewrites month names in any case or in the languages of
// localMonths into the English abbreviations time.Parse expects.
func titleMonths(s string) string {
	f := strings.Fields(s)
	for i, w := range f {
		if strings.ContainsAny(w[:1], "0123456789+-") {
			continue
		}
		if m, ok := months.Lookup(w); ok {
			f[i] = m.String()[:3]
		}
	}
	return strings.Join(f, " ")
}

// numericOffset parses +0300, -03:00, +03 and -3.
func numericOffset(s string) (int, bool) {
	if len(s) < 2 || (s[0] != '+' && s[0] != '-') {
		return 0, false
	}
	sign := 1
	if s[0] == '-' {
		sign = -1
	}
	v := strings.ReplaceAll(s[1:], ":", "")
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	var hh, mm int
	switch len(v) {
	case 1, 2:
		hh, _ = strconv.Atoi(v)
	case 3:
		hh, _ = strconv.Atoi(v[:1])
		mm, _ = strconv.Atoi(v[1:])
	case 4:
		hh, _ = strconv.Atoi(v[:2])
		mm, _ = strconv.Atoi(v[2:])
	default:
		return 0, false
	}
	if hh > 14 || mm > 59 {
		return 0, false
	}
	return sign * (hh*3600 + mm*60), true
}

// abbrevZone reads "MSK", "GMT+3", "UTC-05:30". extra is the explicit
// offset after GMT/UTC.
func abbrevZone(s string) (zone, string, int, bool) {
	u := strings.ToUpper(s)
	if i := strings.IndexAny(u, "+-"); i > 0 {
		base, ok := zones[u[:i]]
		if !ok || base.offset != 0 {
			return zone{}, "", 0, false
		}
		extra, ok := numericOffset(u[i:])
		if !ok {
			return zone{}, "", 0, false
		}
		return base, "", extra, true
	}
	if len(u) == 1 && u[0] >= 'A' && u[0] <= 'Z' && u != "J" {
		return zone{}, "", 0, true // military: unknown, read as UTC
	}
	z, ok := zones[u]
	if !ok {
		return zone{}, "", 0, false
	}
	return z, u, 0, true
}

var isoZoned = []string{
	"2006-01-02T15:04:05Z07:00",
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05Z0700",
	"2006-01-02T15:04:05Z07",
	"2006-01-02Z07:00",
}

func isoWithZone(s string) (time.Time, bool) {
	if len(s) < 10 || s[4] != '-' {
		return time.Time{}, false
	}
	for _, l := range isoZoned {
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
