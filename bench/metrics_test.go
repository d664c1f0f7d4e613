package bench

import (
	"math"
	"strings"
	"testing"
	"time"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestPRF(t *testing.T) {
	for _, tc := range []struct {
		got, want string
		f         float64
	}{
		{"one two three four five", "one two three four five", 1},
		{"", "one two three four", 0},
		{"one, two three four", "one two three four", 1},
		// Case is kept, as in the benchmark's tokeniser.
		{"One two three four", "one two three four", 0},
		{"a b c d e f", "a b c d x y", 1.0 / 3},
		// Combining marks are not word characters (Python's \w).
		{"ab\u0301c d e f", "ab c d e f", 1},
		// Soft hyphens and zero-width spaces are invisible.
		{"Brennpunkt a b c", "Brenn\u00adpunkt a\u200b b c", 1},
	} {
		if _, _, f := PRF(tc.got, tc.want); !near(f, tc.f) {
			t.Errorf("PRF(%q, %q) = %v, want %v", tc.got, tc.want, f, tc.f)
		}
	}
	if SetF1([]string{"Jane Doe", "X"}, []string{"jane  doe"}) != 2.0/3 {
		t.Error("SetF1")
	}
}

func TestCorpus(t *testing.T) {
	var c Corpus
	c.Add(MatchShingles("a b c d e", "a b c d e"))   // P 1, R 1
	c.Add(MatchShingles("", "a b c d e"))            // no P, R 0
	c.Add(MatchShingles("a b c d x y", "a b c d e")) // P 1/3, R 1/2
	if !near(c.P(), (1+1.0/3)/2) || !near(c.R(), (1+0+0.5)/3) {
		t.Errorf("P %v R %v", c.P(), c.R())
	}
	p, r := c.P(), c.R()
	if !near(c.F1(), 2*p*r/(p+r)) {
		t.Errorf("F1 %v", c.F1())
	}
	if !near(c.MeanF1(), (1+0+2*(1.0/3)*0.5/(1.0/3+0.5))/3) {
		t.Errorf("MeanF1 %v", c.MeanF1())
	}
}

func TestSameMinute(t *testing.T) {
	cest := time.FixedZone("", 2*3600)
	got := time.Date(2024, 4, 25, 14, 7, 30, 0, cest)
	if !SameMinute(got, time.Date(2024, 4, 25, 12, 7, 0, 0, time.UTC), false) {
		t.Error("same instant")
	}
	if SameMinute(got, time.Date(2024, 4, 25, 14, 7, 0, 0, time.UTC), false) {
		t.Error("aware truth compared as wall clock")
	}
	if !SameMinute(got, time.Date(2024, 4, 25, 14, 7, 0, 0, time.UTC), true) {
		t.Error("naive truth is wall-clock time")
	}
	if SameMinute(time.Time{}, time.Date(2024, 4, 25, 14, 7, 0, 0, time.UTC), true) {
		t.Error("zero date")
	}
}

func TestNormTitle(t *testing.T) {
	if NormTitle("Helikopter\u00adlandeplatz \u200b ok\u200b") != "Helikopterlandeplatz ok" {
		t.Errorf("%q", NormTitle("Helikopter\u00adlandeplatz \u200b ok\u200b"))
	}
}

func TestSplitNames(t *testing.T) {
	for in, want := range map[string][]string{
		`"Benjamin Fischer und Marcus Theurer"`: {"Benjamin Fischer", "Marcus Theurer"},
		`"A. Smith; B. Jones, C. Doe & D. Roe"`: {"A. Smith", "B. Jones", "C. Doe", "D. Roe"},
		`["Ann Lee", "Bo Kim and Cy Day"]`:      {"Ann Lee", "Bo Kim", "Cy Day"},
		`"Daniel Lemire"`:                       {"Daniel Lemire"},
		`null`:                                  nil,
	} {
		got := SplitNames([]byte(in))
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("SplitNames(%s) = %q, want %q", in, got, want)
		}
	}
}
