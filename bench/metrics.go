package bench

import (
	"encoding/json"
	"regexp"
	"strings"
	"time"
	"unicode"
)

// reWord is Python's \w for str patterns: letters, numbers and the
// underscore; combining marks are not word characters there, so they are
// not here either.
var reWord = regexp.MustCompile(`[\p{L}\p{N}_]+`)

// Shingles returns the multiset of 4-grams of \w+ tokens, as the public
// article-extraction benchmark (scrapinghub/article-extraction-benchmark,
// evaluate.py) computes them: case is kept (its IGNORECASE flag changes
// nothing for \w), and a text of fewer than four tokens is one shingle.
//
// Invisible format characters (soft hyphen, zero-width space and joiners,
// word joiner, BOM) are removed first: fundus' texts keep the soft hyphens
// of the HTML ("Brenn\u00adpunkt"), which Python's \w would split into two
// words, while a reader, and an extractor, sees one.
func Shingles(s string) map[string]int {
	toks := reWord.FindAllString(dropInvisible(s), -1)
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

// Match holds the shingle counts of one page: true positives, false
// positives (extracted, not expected) and false negatives (expected, not
// extracted).
type Match struct{ TP, FP, FN int }

// MatchShingles compares got with want over 4-gram shingles.
func MatchShingles(got, want string) Match {
	g, w := Shingles(got), Shingles(want)
	var m Match
	for k, c := range g {
		t := min(c, w[k])
		m.TP += t
		m.FP += c - t
	}
	for k, c := range w {
		m.FN += max(0, c-g[k])
	}
	return m
}

// Precision follows the benchmark: 1 when nothing was expected and nothing
// extracted; ok is false when nothing was extracted (the page does not count
// towards mean precision).
func (m Match) Precision() (p float64, ok bool) {
	switch {
	case m.FP == 0 && m.FN == 0:
		return 1, true
	case m.TP+m.FP == 0:
		return 0, false
	}
	return float64(m.TP) / float64(m.TP+m.FP), true
}

// Recall follows the benchmark: ok is false when nothing was expected.
func (m Match) Recall() (r float64, ok bool) {
	switch {
	case m.FP == 0 && m.FN == 0:
		return 1, true
	case m.TP+m.FN == 0:
		return 0, false
	}
	return float64(m.TP) / float64(m.TP+m.FN), true
}

// F1 is the page's own F1; an empty extraction scores 0.
func (m Match) F1() float64 {
	p, _ := m.Precision()
	r, _ := m.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// PRF returns precision, recall and F1 of got against want over 4-gram
// shingles (an empty extraction has precision 0 here).
func PRF(got, want string) (p, r, f float64) {
	m := MatchShingles(got, want)
	p, _ = m.Precision()
	r, _ = m.Recall()
	return p, r, m.F1()
}

// Corpus aggregates pages as the benchmark does: mean precision over pages
// with an extraction, mean recall over pages with an expected text, and F1
// of those two means (the figure the published results report).
type Corpus struct {
	sumP, sumR, sumF float64
	nP, nR, n        int
}

// Add adds one page.
func (c *Corpus) Add(m Match) {
	if p, ok := m.Precision(); ok {
		c.sumP += p
		c.nP++
	}
	if r, ok := m.Recall(); ok {
		c.sumR += r
		c.nR++
	}
	c.sumF += m.F1()
	c.n++
}

// P, R and F1 are the benchmark's figures; MeanF1 is the mean of the pages'
// own F1 (stricter: an empty extraction counts as 0).
func (c Corpus) P() float64 { return c.sumP / float64(max(c.nP, 1)) }
func (c Corpus) R() float64 { return c.sumR / float64(max(c.nR, 1)) }
func (c Corpus) F1() float64 {
	p, r := c.P(), c.R()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}
func (c Corpus) MeanF1() float64 { return c.sumF / float64(max(c.n, 1)) }
func (c Corpus) N() int          { return c.n }

// NormText collapses white space and drops invisible format characters,
// for matching snippets (some trafilatura-eval snippets keep the HTML's
// soft hyphens).
func NormText(s string) string { return NormSpace(dropInvisible(s)) }

// NormSpace collapses white space.
func NormSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// NormTitle collapses white space and drops invisible format characters
// (soft hyphen, zero-width space and joiners, word joiner, BOM), which are
// not part of a title as a reader sees it.
func NormTitle(s string) string { return NormSpace(dropInvisible(s)) }

func dropInvisible(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '\u00ad', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
			return -1
		}
		return r
	}, s)
}

// SameMinute compares an extracted date with an expected one to the minute.
// An expected date without an offset is the publisher's wall-clock time
// (fundus does not require dates to be zone-aware): it matches either the
// extracted instant in UTC or the extracted wall-clock time in the offset
// the page gave.
func SameMinute(got, want time.Time, wantNaive bool) bool {
	if got.IsZero() {
		return false
	}
	w := want.Truncate(time.Minute)
	if got.UTC().Truncate(time.Minute).Equal(w.UTC()) {
		return true
	}
	if !wantNaive {
		return false
	}
	wall := time.Date(got.Year(), got.Month(), got.Day(), got.Hour(), got.Minute(), 0, 0, time.UTC)
	return wall.Equal(w.UTC())
}

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

// SplitNames reads an annotated author value (a string or a list of
// strings, JSON) as names: a string is split at ";", "," and the
// conjunctions "and", "und", "&" ("Benjamin Fischer und Marcus Theurer").
func SplitNames(raw []byte) []string {
	var list []string
	if json.Unmarshal(raw, &list) != nil {
		var one string
		if json.Unmarshal(raw, &one) != nil {
			return nil
		}
		list = []string{one}
	}
	var out []string
	for _, s := range list {
		for _, part := range reNameSep.Split(s, -1) {
			if part = NormSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

var reNameSep = regexp.MustCompile(`\s*[;,]\s*|\s+(?:and|und|&)\s+`)
