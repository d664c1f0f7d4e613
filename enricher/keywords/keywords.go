// Package keywords picks an article's keywords: the words and two-word
// phrases that its text repeats, weighted towards the title, the lead and
// proper nouns, with each language's stopwords left out and inflections
// folded together by a stemmer where one exists.
package keywords

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/french"
	"github.com/kljensen/snowball/hungarian"
	"github.com/kljensen/snowball/norwegian"
	"github.com/kljensen/snowball/russian"
	"github.com/kljensen/snowball/spanish"
	"github.com/kljensen/snowball/swedish"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/enricher/stopwords"
	"github.com/newsfeed/newsfeed/enricher/textseg"
)

// Weights.
const (
	titleBoost  = 1.0 // added to the weight of a term that is in the title
	leadBoost   = 0.5 // added for each occurrence in the first fifth of the text
	properBoost = 0.3 // multiplier bonus for a name (capitalised mid-sentence, never lower case)
	phraseBoost = 1.5 // a repeated phrase counts more than its words
	minLen      = 3   // shortest keyword, in letters (two for CJK runs)
)

// Stemmer returns the stem of a lower-case word, or nil for a language
// without one. Snowball stemmers (github.com/kljensen/snowball) serve
// English, French, Spanish, Russian, Swedish, Norwegian and Hungarian; German
// uses a light suffix stripper of this package.
func Stemmer(lang string) func(string) string {
	switch article.LangToken(lang) {
	case "en":
		return func(w string) string { return english.Stem(w, false) }
	case "fr":
		return func(w string) string { return french.Stem(w, false) }
	case "es":
		return func(w string) string { return spanish.Stem(w, false) }
	case "ru":
		return func(w string) string { return russian.Stem(w, false) }
	case "sv":
		return func(w string) string { return swedish.Stem(w, false) }
	case "nb", "nn", "no":
		return func(w string) string { return norwegian.Stem(w, false) }
	case "hu":
		return func(w string) string { return hungarian.Stem(w, false) }
	case "de":
		return germanStem
	}
	return nil
}

// germanStem strips common German inflection endings, keeping a stem of
// at least four letters: "Gesetzes", "Gesetze" → "gesetz".
func germanStem(w string) string {
	w = strings.NewReplacer("ä", "a", "ö", "o", "ü", "u", "ß", "ss").Replace(w)
	for _, suf := range []string{"ern", "em", "en", "er", "es", "e", "n", "s"} {
		if strings.HasSuffix(w, suf) && utf8.RuneCountInString(w)-len(suf) >= 4 {
			return w[:len(w)-len(suf)]
		}
	}
	return w
}

type term struct {
	key      string         // stem, or stems joined by a space
	forms    map[string]int // surface forms as written
	formAt   map[string]int // first offset of each form
	count    int
	weight   float64
	proper   int // occurrences capitalised mid-sentence
	lower    int // occurrences in lower case
	first    int
	inTitle  bool
	isPhrase bool
	parts    [2]string // a phrase's word keys
}

type word struct {
	key, form, lower string
	start, end       int
	proper, stop     bool
	isLower          bool
	sentenceStart    bool
}

// Extract returns up to n keywords of an article's title and text in a
// language (BCP 47), best first, scored in (0, 1] relative to the best.
func Extract(title, text, lang string, n int) []article.Keyword {
	if n <= 0 {
		return nil
	}
	stops := stopwords.For(lang)
	stem := Stemmer(lang)
	words := tokenize(text, stops, stem)
	if len(words) == 0 {
		return nil
	}
	titleKeys := map[string]bool{}
	for _, w := range tokenize(title, stops, stem) {
		titleKeys[w.key] = true
	}
	lead := len(text) / 5
	terms := map[string]*term{}
	get := func(key string) *term {
		t := terms[key]
		if t == nil {
			t = &term{key: key, forms: map[string]int{}, formAt: map[string]int{}, first: math.MaxInt}
			terms[key] = t
		}
		return t
	}
	for i, w := range words {
		if w.stop {
			continue
		}
		t := get(w.key)
		t.count++
		t.forms[w.form]++
		if _, ok := t.formAt[w.form]; !ok {
			t.formAt[w.form] = w.start
		}
		t.first = min(t.first, w.start)
		if w.proper {
			t.proper++
		}
		if w.isLower {
			t.lower++
		}
		if w.start < lead {
			t.weight += leadBoost
		}
		t.weight++
		// A phrase: two adjacent content words with only spaces between.
		if i+1 < len(words) {
			nx := words[i+1]
			if !nx.stop && onlySpaces(text[w.end:nx.start]) {
				pk := w.key + " " + nx.key
				p := get(pk)
				p.isPhrase, p.parts = true, [2]string{w.key, nx.key}
				p.count++
				pf := text[w.start:nx.end]
				p.forms[pf]++
				if _, ok := p.formAt[pf]; !ok {
					p.formAt[pf] = w.start
				}
				p.first = min(p.first, w.start)
				if w.proper && nx.proper {
					p.proper++
				}
				if w.isLower || nx.isLower {
					p.lower++
				}
				if w.start < lead {
					p.weight += leadBoost
				}
				p.weight++
			}
		}
	}
	var cands []*term
	for _, t := range terms {
		if t.isPhrase {
			if t.count < 2 {
				continue
			}
			t.weight *= phraseBoost
			if titleKeys[t.parts[0]] && titleKeys[t.parts[1]] {
				t.inTitle = true
			}
		} else {
			t.inTitle = titleKeys[t.key]
			if t.count < 2 && !t.inTitle {
				continue
			}
		}
		if t.inTitle {
			t.weight += titleBoost
		}
		if isName(t) {
			t.weight *= 1 + properBoost
		}
		cands = append(cands, t)
	}
	// A word that occurs (almost) only inside a chosen phrase adds nothing.
	slices.SortFunc(cands, func(a, b *term) int {
		if c := cmp.Compare(b.weight, a.weight); c != 0 {
			return c
		}
		return cmp.Compare(a.first, b.first)
	})
	var out []article.Keyword
	chosen := map[string]*term{}
	top := 0.0
	for _, t := range cands {
		if len(out) == n {
			break
		}
		if !t.isPhrase {
			covered := false
			for _, c := range chosen {
				if c.isPhrase && (c.parts[0] == t.key || c.parts[1] == t.key) && t.count-c.count < 2 {
					covered = true
				}
			}
			if covered {
				continue
			}
		} else if w0, w1 := chosen[t.parts[0]], chosen[t.parts[1]]; (w0 != nil && w0.count-t.count < 2) || (w1 != nil && w1.count-t.count < 2) {
			// Replace the word the phrase covers.
			out = slices.DeleteFunc(out, func(k article.Keyword) bool {
				return (w0 != nil && w0.count-t.count < 2 && k.Term == display(w0)) || (w1 != nil && w1.count-t.count < 2 && k.Term == display(w1))
			})
		}
		if top == 0 {
			top = t.weight
		}
		chosen[t.key] = t
		out = append(out, article.Keyword{Term: display(t), Score: math.Round(t.weight/top*1000) / 1000})
	}
	return out
}

// display is a term's most frequent written form, lower-cased unless it is
// mostly capitalised mid-sentence (a name) or an acronym.
func display(t *term) string {
	best, bc, bf := "", -1, math.MaxInt
	for f, c := range t.forms {
		if c > bc || (c == bc && t.formAt[f] < bf) {
			best, bc, bf = f, c, t.formAt[f]
		}
	}
	best = strings.Join(strings.Fields(best), " ")
	if isName(t) || isAcronym(best) {
		return best
	}
	return strings.ToLower(best)
}

// isName reports a term written capitalised mid-sentence and never in
// lower case.
func isName(t *term) bool { return t.proper > 0 && t.lower == 0 }

func isAcronym(s string) bool {
	n := 0
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsUpper(r) {
			n++
		}
	}
	return n >= 2
}

func onlySpaces(s string) bool {
	for _, r := range s {
		if r != ' ' && r != '\u00a0' {
			return false
		}
	}
	return true
}

// tokenize returns the text's words with their keys. CJK runs (Han or
// katakana) become single words.
func tokenize(text string, stops map[string]bool, stem func(string) string) []word {
	sents := textseg.Sentences(text)
	si := 0
	var out []word
	var run *word
	flush := func() {
		if run != nil {
			if utf8.RuneCountInString(run.form) >= 2 {
				out = append(out, *run)
			}
			run = nil
		}
	}
	for _, t := range textseg.Words(text) {
		r, _ := utf8.DecodeRuneInString(t.Text)
		if isCJK(r) {
			if unicode.In(r, unicode.Hiragana) {
				flush()
				continue
			}
			if run != nil && run.end == t.Start && sameScript(run.form, r) {
				run.end = t.End
				run.form = text[run.start:run.end]
				run.key, run.lower = run.form, run.form
				continue
			}
			flush()
			run = &word{key: t.Text, form: t.Text, lower: t.Text, start: t.Start, end: t.End}
			continue
		}
		flush()
		for si < len(sents) && sents[si].End <= t.Start {
			si++
		}
		form := trimPossessive(strings.ReplaceAll(t.Text, "\u00ad", ""))
		lower := strings.ToLower(form)
		w := word{form: form, lower: lower, start: t.Start, end: t.End}
		w.sentenceStart = si < len(sents) && firstWordAt(text, sents[si].Start, t.Start)
		w.proper = unicode.IsUpper(r) && !w.sentenceStart
		w.isLower = unicode.IsLower(r)
		letters := 0
		for _, c := range lower {
			if unicode.IsLetter(c) {
				letters++
			}
		}
		w.stop = stops[lower] || letters < minLen || letters*2 < utf8.RuneCountInString(lower)
		w.key = lower
		if stem != nil && !w.stop {
			w.key = stem(lower)
		}
		out = append(out, w)
	}
	flush()
	return out
}

// firstWordAt reports whether only non-letters lie between a sentence's
// start and a token.
func firstWordAt(text string, sentStart, tokStart int) bool {
	for _, r := range text[sentStart:tokStart] {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

func trimPossessive(s string) string {
	for _, suf := range []string{"'s", "’s", "'", "’"} {
		if strings.HasSuffix(s, suf) && len(s) > len(suf) {
			return s[:len(s)-len(suf)]
		}
	}
	return s
}

func isCJK(r rune) bool {
	return r >= 0x2E80 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r))
}

func sameScript(s string, r rune) bool {
	first, _ := utf8.DecodeRuneInString(s)
	if unicode.Is(unicode.Han, first) {
		return unicode.Is(unicode.Han, r)
	}
	return unicode.Is(unicode.Katakana, r)
}
