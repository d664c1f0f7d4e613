package bench

import "testing"

func TestPRF(t *testing.T) {
	for _, tc := range []struct {
		got, want string
		f         float64
	}{
		{"one two three four five", "one two three four five", 1},
		{"", "one two three four", 0},
		{"One, two three four", "one two three four", 1},
		{"a b c d e f", "a b c d x y", 1.0 / 3},
	} {
		if _, _, f := PRF(tc.got, tc.want); f < tc.f-1e-9 || f > tc.f+1e-9 {
			t.Errorf("PRF(%q, %q) = %v, want %v", tc.got, tc.want, f, tc.f)
		}
	}
	if SetF1([]string{"Jane Doe", "X"}, []string{"jane  doe"}) != 2.0/3 {
		t.Error("SetF1")
	}
}
