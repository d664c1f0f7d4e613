package parser

import (
	"bytes"
	"regexp"
	"regexp/syntax"
	"unicode"
	"unicode/utf8"
)

// screened is a regexp with a cheap test in front of it: the literals one
// of which every match must hold, compared case-folded. Go's regexp runs a
// program of more than 500 instructions on its NFA, a few times slower than
// its backtracker, and the long case-insensitive alternations of page
// labels (reBoiler, reLabelOnly, reTailBoiler) compile to over a thousand;
// most blocks hold none of their literals and are settled by one pass over
// the text. A screened regexp matches exactly what its regexp matches.
type screened struct {
	re *regexp.Regexp
	// byFirst holds the folded literals by their first byte; nil when some
	// match needs no literal, and every text goes to re.
	byFirst *[256][]screenLit
	// parts, when set, are the branches of re's top-level alternation,
	// each with what re puts around the alternation ("\bnewsletter",
	// "\bcopyright"): re matches a text exactly when one of them does.
	// A text that holds a literal runs only the parts the literal comes
	// from, each small enough for regexp's backtracker, instead of re on
	// the NFA (tens of microseconds on a 300-byte paragraph).
	parts []*regexp.Regexp
}

// screenLit is a folded literal and the part it screens (-1: re).
type screenLit struct {
	lit  []byte
	part int
}

// maxParts is the most branches a screened regexp is split into.
const maxParts = 256

// mustScreen compiles pattern and the screen for it, panicking as
// regexp.MustCompile does on a bad pattern.
func mustScreen(pattern string) *screened {
	s := &screened{re: regexp.MustCompile(pattern)}
	t, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		panic(err)
	}
	if parts, lits := splitParts(t); parts != nil {
		s.byFirst = new([256][]screenLit)
		for i, ls := range lits {
			s.parts = append(s.parts, regexp.MustCompile(parts[i].String()))
			for _, l := range ls {
				s.addLit(l, i)
			}
		}
		return s
	}
	lits := required(t)
	if lits == nil {
		return s
	}
	s.byFirst = new([256][]screenLit)
	for _, l := range lits {
		s.addLit(l, -1)
	}
	return s
}

func (s *screened) addLit(l string, part int) {
	f := foldAppend(nil, l)
	s.byFirst[f[0]] = append(s.byFirst[f[0]], screenLit{f, part})
}

// splitParts returns re's top-level alternation as one regexp per branch,
// with the branch's required literals; nil when re has no such
// alternation, has too many branches, or some branch has no literal.
func splitParts(re *syntax.Regexp) ([]*syntax.Regexp, [][]string) {
	var pre, alts, post []*syntax.Regexp
	switch re.Op {
	case syntax.OpAlternate:
		alts = re.Sub
	case syntax.OpConcat:
		k := -1
		for i, sub := range re.Sub {
			if sub.Op == syntax.OpAlternate {
				if k >= 0 {
					return nil, nil
				}
				k = i
			}
		}
		if k < 0 {
			return nil, nil
		}
		pre, alts, post = re.Sub[:k], re.Sub[k].Sub, re.Sub[k+1:]
	default:
		return nil, nil
	}
	if len(alts) > maxParts {
		return nil, nil
	}
	var parts []*syntax.Regexp
	var lits [][]string
	for _, a := range alts {
		sub := append(append(append([]*syntax.Regexp{}, pre...), a), post...)
		p := &syntax.Regexp{Op: syntax.OpConcat, Flags: re.Flags, Sub: sub}
		l := required(p)
		if l == nil {
			return nil, nil
		}
		parts, lits = append(parts, p), append(lits, l)
	}
	return parts, lits
}

// MatchString reports whether t holds a match of the regexp.
func (s *screened) MatchString(t string) bool {
	if s.parts == nil {
		return s.mayMatch(t) && s.re.MatchString(t)
	}
	var buf [512]byte
	f := foldAppend(buf[:0], t)
	var cand [maxParts / 64]uint64
	found := false
	for i := range f {
		for _, l := range s.byFirst[f[i]] {
			if bytes.HasPrefix(f[i:], l.lit) {
				cand[l.part/64] |= 1 << (l.part % 64)
				found = true
			}
		}
	}
	if !found {
		return false
	}
	for i, p := range s.parts {
		if cand[i/64]&(1<<(i%64)) != 0 && p.MatchString(t) {
			return true
		}
	}
	return false
}

// mayMatch reports whether t holds one of the literals; false means the
// regexp cannot match t.
func (s *screened) mayMatch(t string) bool {
	if s.byFirst == nil {
		return true
	}
	var buf [512]byte
	f := foldAppend(buf[:0], t)
	for i := range f {
		for _, l := range s.byFirst[f[i]] {
			if bytes.HasPrefix(f[i:], l.lit) {
				return true
			}
		}
	}
	return false
}

// required returns literals one of which every match of re holds, or nil
// when re can match without any (an optional part, a class, the empty
// string). The literals are read as case-insensitive: the screen folds
// them and the text alike, which only lets more texts through.
func required(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		if len(re.Rune) == 0 {
			return nil
		}
		return []string{string(re.Rune)}
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min < 1 {
			return nil
		}
		return required(re.Sub[0])
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			l := required(sub)
			if l == nil {
				return nil
			}
			out = append(out, l...)
		}
		return out
	case syntax.OpConcat:
		// Any one part's literals will do; the longest shortest literal
		// screens best, then the fewest literals.
		var best []string
		for _, sub := range re.Sub {
			l := required(sub)
			if l != nil && (best == nil || shortest(l) > shortest(best) || shortest(l) == shortest(best) && len(l) < len(best)) {
				best = l
			}
		}
		return best
	}
	return nil
}

func shortest(ls []string) int {
	n := -1
	for _, l := range ls {
		if c := utf8.RuneCountInString(l); n < 0 || c < n {
			n = c
		}
	}
	return n
}

// foldAppend appends s to dst with every rune replaced by the least rune
// of its case-folding orbit, the equivalence (?i) matches by: two runes
// fold alike exactly when (?i) lets one stand for the other. Invalid
// UTF-8 becomes U+FFFD, as regexp reads it.
func foldAppend(dst []byte, s string) []byte {
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			if 'a' <= r && r <= 'z' {
				r -= 'a' - 'A'
			}
			dst = append(dst, byte(r))
			continue
		default:
			m := r
			for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
				m = min(m, f)
			}
			r = m
		}
		dst = utf8.AppendRune(dst, r)
	}
	return dst
}
