package parser

import (
	"strings"
	"testing"
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
