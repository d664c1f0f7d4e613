// Package summary writes an extractive summary of an article: two or
// three of its own sentences, in their original order.
//
// Sentences come from textseg (which survives abbreviations and
// quotations). Each candidate sentence is scored by how central it is —
// the summed document frequency of its distinct content words (stopwords
// removed, stemmed where a stemmer exists), damped by its length — plus a bonus for position, since news puts the essentials
// first. The lead sentence is always taken when it is a proper sentence;
// further sentences must not repeat half of what is already chosen.
package summary

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsfeed/newsfeed/enricher/keywords"
	"github.com/newsfeed/newsfeed/enricher/stopwords"
	"github.com/newsfeed/newsfeed/enricher/textseg"
)

// Limits.
const (
	minWords   = 6   // a shorter sentence is no summary material
	maxWords   = 70  // a longer one is a run-on or a list
	maxChars   = 600 // a third sentence is added only below this length
	redundancy = 0.5 // maximal share of a sentence's words already chosen
	// lengthDamping keeps long sentences from winning by length alone
	// without favouring one-liners: the centrality sum is divided by
	// words^lengthDamping.
	lengthDamping = 0.3
)

type sentence struct {
	idx   int
	text  string  // trimmed, whitespace as written
	terms []int32 // distinct content words, by id
	words int
	score float64
}

// Summarizer summarises, splitting texts through Seg (nil: no cache). The
// zero Summarizer is ready to use and safe for concurrent use.
type Summarizer struct {
	Seg *textseg.Cache
}

// Summarize returns two or three sentences of text in a language (BCP 47):
// three when the text has at least eight candidate sentences and the first
// two are shorter than maxChars, fewer when the text has fewer candidates.
func Summarize(text, lang string) string {
	return Summarizer{}.Summarize(text, lang)
}

// Summarize is the package function Summarize with s's cache.
func (sz Summarizer) Summarize(text, lang string) string {
	stops := stopwords.For(lang)
	stem := keywords.Stemmer(lang)
	var cands []*sentence
	// Terms are numbered per text: df and the marks below are indexed by
	// id, so a sentence keeps a slice of ids instead of a map.
	ids := map[string]int32{}
	var df []int
	var seen []int // seen[id]: 1 + the index of the last sentence holding id
	toks := sz.Seg.Words(text)
	k := 0
	for i, s := range sz.Seg.Sentences(text) {
		for k < len(toks) && toks[k].Start < s.Start {
			k++
		}
		j := k
		for j < len(toks) && toks[j].End <= s.End {
			j++
		}
		ws := toks[k:j]
		k = j
		if s.Heading || len(ws) < minWords || len(ws) > maxWords {
			continue
		}
		t := s.Text(text)
		if startsLower(t) {
			continue
		}
		st := &sentence{idx: i, text: t, words: len(ws)}
		for _, w := range ws {
			l := strings.ToLower(strings.TrimSuffix(strings.TrimSuffix(w.Text, "'s"), "’s"))
			if stops[l] || utf8.RuneCountInString(l) < 3 || !hasLetter(l) {
				continue
			}
			if stem != nil {
				l = stem(l)
			}
			id, ok := ids[l]
			if !ok {
				id = int32(len(df))
				ids[l] = id
				df = append(df, 0)
				seen = append(seen, 0)
			}
			if seen[id] != i+1 {
				seen[id] = i + 1
				st.terms = append(st.terms, id)
				df[id]++
			}
		}
		cands = append(cands, st)
	}
	if len(cands) == 0 {
		return ""
	}
	for pos, s := range cands {
		sum := 0.0
		for _, term := range s.terms {
			if df[term] > 1 {
				sum += float64(df[term] - 1)
			}
		}
		s.score = sum/math.Pow(float64(s.words), lengthDamping) + 2.0/float64(1+pos)
		if isBareQuote(s.text) {
			s.score *= 0.5
		}
	}
	want := 2
	if len(cands) >= 8 {
		want = 3
	}
	// in marks the terms of the chosen sentences.
	in := make([]bool, len(df))
	choose := func(s *sentence) {
		s.text = strings.Join(strings.Fields(s.text), " ")
		for _, t := range s.terms {
			in[t] = true
		}
	}
	choose(cands[0])
	chosen := []*sentence{cands[0]}
	rest := slices.Clone(cands[1:])
	slices.SortStableFunc(rest, func(a, b *sentence) int { return cmp.Compare(b.score, a.score) })
	length := len(cands[0].text)
	for _, s := range rest {
		if len(chosen) == want || (len(chosen) == 2 && length > maxChars) {
			break
		}
		if overlap(s, in) > redundancy {
			continue
		}
		choose(s)
		chosen = append(chosen, s)
		length += len(s.text)
	}
	slices.SortFunc(chosen, func(a, b *sentence) int { return cmp.Compare(a.idx, b.idx) })
	parts := make([]string, len(chosen))
	for i, s := range chosen {
		parts[i] = s.text
	}
	return strings.Join(parts, " ")
}

// overlap is the share of s's terms marked in the chosen sentences' in.
func overlap(s *sentence, in []bool) float64 {
	if len(s.terms) == 0 {
		return 1
	}
	n := 0
	for _, t := range s.terms {
		if in[t] {
			n++
		}
	}
	return float64(n) / float64(len(s.terms))
}

// isBareQuote reports a sentence that is only a quotation, without saying
// who speaks.
func isBareQuote(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	l, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune("\"“„«'‘", r) && strings.ContainsRune("\"”»'’", l)
}

func startsLower(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return unicode.IsLower(r)
		}
	}
	return false
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}
