package parser

import (
	"strings"
	"testing"
	"time"
)

// FuzzDateDigits pins minDateDigits: no layout parses a string with fewer
// ASCII digits.
func FuzzDateDigits(f *testing.F) {
	for _, s := range []string{"May 3, +123", "2 January -999", "Jan 2, 2006", "1 Jan +12", "Mon, 2 Jan 2006 15:04:05 MST", "20060102", "+1-01-02"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		s = strings.TrimSpace(s)
		if s == "" || len(s) > 64 || hasDigits(s, minDateDigits) {
			return
		}
		if d, ok := parseDateLayouts(s); ok || !d.IsZero() {
			t.Fatalf("%q parsed as %v with fewer than %d digits", s, d, minDateDigits)
		}
	})
}

func TestParseDateForms(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"10.12.2022, 07:00:03", "2022-12-10T07:00:03Z"},
		{"10.12.2022 07:00:03", "2022-12-10T07:00:03Z"},
		{"06-08-2009T14:12:32+0200", "2009-08-06T14:12:32+02:00"},
		{"2022-01-10T22:06:08:684Z", "2022-01-10T22:06:08.684Z"},
		{"2022-01-10T22:06:08:68", ""},
		{"13-13-2009T14:12:32+0200", ""},
	} {
		got := ""
		if d, ok := parseDate(tc.in); ok {
			got = d.Format(time.RFC3339Nano)
		}
		if got != tc.want {
			t.Errorf("parseDate(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
