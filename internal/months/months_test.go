package months

import (
	"testing"
	"time"
)

func TestLookup(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Month
		ok   bool
	}{
		{"June", time.June, true}, {"jun.", time.June, true}, {"Juni", time.June, true},
		{"févr", time.February, true}, {"января", time.January, true}, {"Jänner", time.January, true},
		{"maart", time.March, true}, {"Dezember", time.December, true}, {"september", time.September, true},
		{"Mayor", 0, false}, {"", 0, false}, {"jui", 0, false}, // juin or juillet: no month
	} {
		got, ok := Lookup(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Lookup(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
