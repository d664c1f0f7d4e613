package parser

import "testing"

func TestIsBylineClass(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"  ", false},
		{"article__byline  ", true},
		{"c-AUTHOR-name  ", true},
		{"Verfasser  ", true},
		{"comment__author  ", true},
		{"ad  ", false},
		{"wri ter  ", false},
		{"journali\u017ft  ", true}, // long s folds to s under (?i)
		{"\u212aautor  ", true},
		{"привет  ", false},
	} {
		if got := isBylineClass(tc.in); got != tc.want {
			t.Errorf("isBylineClass(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// FuzzIsBylineClass checks the fast path against the regexp it replaces.
func FuzzIsBylineClass(f *testing.F) {
	for _, s := range []string{"", "byline", "ByLine x", "AUTHOR", "Jour\u017fnalist", "k\u212a", "a b c", "écrivain autor"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := isBylineClass(s), reBylineClass.MatchString(s); got != want {
			t.Fatalf("isBylineClass(%q) = %v, regexp says %v", s, got, want)
		}
	})
}
