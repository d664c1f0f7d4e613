package bench

import (
	"regexp"
	"strings"
	"unicode"
)

var reWord = regexp.MustCompile(`[\p{L}\p{N}\p{M}_]+`)

// Shingles returns the multiset of 4-grams of lower-cased \w+ tokens.
func Shingles(s string) map[string]int {
	toks := reWord.FindAllString(strings.ToLower(s), -1)
	m := map[string]int{}
	if len(toks) == 0 {
		return m
	}
	if len(toks) < 4 {
		m[strings.Join(toks, " ")]++
		return m
	}
	for i := 0; i+4 <= len(toks); i++ {
		m[strings.Join(toks[i:i+4], " ")]++
	}
	return m
}

// PRF returns precision, recall and F1 of got against want over 4-gram
// shingles.
func PRF(got, want string) (p, r, f float64) {
	g, w := Shingles(got), Shingles(want)
	ng, nw, inter := 0, 0, 0
	for k, c := range g {
		ng += c
		inter += min(c, w[k])
	}
	for _, c := range w {
		nw += c
	}
	switch {
	case ng == 0 && nw == 0:
		return 1, 1, 1
	case ng == 0 || nw == 0:
		return 0, 0, 0
	}
	p, r = float64(inter)/float64(ng), float64(inter)/float64(nw)
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return p, r, f
}

// NormSpace collapses white space.
func NormSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// Squash keeps lower-case letters and digits only.
func Squash(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// SetF1 is the F1 of two sets of names, compared case-insensitively with
// white space normalised.
func SetF1(got, want []string) float64 {
	if len(got) == 0 && len(want) == 0 {
		return 1
	}
	if len(got) == 0 || len(want) == 0 {
		return 0
	}
	w := map[string]bool{}
	for _, x := range want {
		w[strings.ToLower(NormSpace(x))] = true
	}
	g := map[string]bool{}
	for _, x := range got {
		g[strings.ToLower(NormSpace(x))] = true
	}
	inter := 0
	for k := range g {
		if w[k] {
			inter++
		}
	}
	if inter == 0 {
		return 0
	}
	p, r := float64(inter)/float64(len(g)), float64(inter)/float64(len(w))
	return 2 * p * r / (p + r)
}
