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
	"sync"
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
// uses a light suffix stripper of this package. Stems are cached per
// language (up to stemCacheSize words), since news repeats its words.
func Stemmer(lang string) func(string) string {
	l := article.LangToken(lang)
	if l == "nn" || l == "no" {
		l = "nb"
	}
	c, ok := stemCaches[l]
	if !ok {
		return nil
	}
	return c.stem
}

// stemCacheSize bounds each language's cache; a full cache starts over.
const stemCacheSize = 50000

type stemCache struct {
	fn func(string) string
	mu sync.RWMutex
	m  map[string]string
}

func (c *stemCache) stem(w string) string {
	c.mu.RLock()
	s, ok := c.m[w]
	c.mu.RUnlock()
	if ok {
		return s
	}
	s = c.fn(w)
	c.mu.Lock()
	if len(c.m) >= stemCacheSize {
		c.m = make(map[string]string, stemCacheSize)
	}
	c.m[w] = s
	c.mu.Unlock()
	return s
}

var stemCaches = func() map[string]*stemCache {
	fns := map[string]func(string) string{
		"en": func(w string) string { return english.Stem(w, false) },
		"fr": func(w string) string { return french.Stem(w, false) },
		"es": func(w string) string { return spanish.Stem(w, false) },
		"ru": func(w string) string { return russian.Stem(w, false) },
		"sv": func(w string) string { return swedish.Stem(w, false) },
		"nb": func(w string) string { return norwegian.Stem(w, false) },
		"hu": func(w string) string { return hungarian.Stem(w, false) },
		"de": germanStem,
	}
	m := make(map[string]*stemCache, len(fns))
	for l, fn := range fns {
		m[l] = &stemCache{fn: fn, m: map[string]string{}}
	}
	return m
}()

var umlauts = strings.NewReplacer("ä", "a", "ö", "o", "ü", "u", "ß", "ss")

// germanStem strips common German inflection endings, keeping a stem of
// at least four letters: "Gesetzes", "Gesetze" → "gesetz".
func germanStem(w string) string {
	w = umlauts.Replace(w)
	for _, suf := range []string{"ern", "em", "en", "er", "es", "e", "n", "s"} {
		if strings.HasSuffix(w, suf) && utf8.RuneCountInString(w)-len(suf) >= 4 {
			return w[:len(w)-len(suf)]
		}
	}
	return w
}

type term struct {
	key      string // stem, or stems joined by a space
	forms    []form // surface forms as written
	count    int
	weight   float64
	proper   int // occurrences capitalised mid-sentence
	lower    int // occurrences in lower case
	first    int
	inTitle  bool
	isPhrase bool
	parts    [2]string // a phrase's word keys
}

// form is one way a term is written, with its count and first offset.
type form struct {
	text      string
	count, at int
}

// addForm counts one occurrence of a written form at offset at.
func (t *term) addForm(f string, at int) {
	for i := range t.forms {
		if t.forms[i].text == f {
			t.forms[i].count++
			return
		}
	}
	t.forms = append(t.forms, form{f, 1, at})
}

// scratch is the memory of one Extract call that the next call reuses:
// the text's words, its terms and their first forms.
type scratch struct {
	words []word
	terms map[[2]string]*term
	slab  []term
	forms []form // each term's first form
}

// scratchMax bounds what a scratch keeps: one very long text should not
// make every later call clear (or hold) its memory.
const scratchMax = 1 << 14

var scratchPool = sync.Pool{New: func() any { return &scratch{terms: map[[2]string]*term{}} }}

// release forgets the text (words, terms and forms point into it) and returns s
// to the pool.
func (s *scratch) release() {
	if cap(s.words) > scratchMax || len(s.terms) > scratchMax {
		return
	}
	clear(s.words)
	clear(s.terms)
	clear(s.slab)
	clear(s.forms)
	scratchPool.Put(s)
}

type word struct {
	key, form, lower string
	start, end       int
	proper, stop     bool
	isLower          bool
	sentenceStart    bool
}

// Extractor extracts keywords, splitting texts through Seg (nil: no
// cache). The zero Extractor is ready to use and safe for concurrent use.
type Extractor struct {
	Seg *textseg.Cache
}

// Extract returns up to n keywords of an article's title and text in a
// language (BCP 47), best first, scored in (0, 1] relative to the best.
func Extract(title, text, lang string, n int) []article.Keyword {
	return Extractor{}.Extract(title, text, lang, n)
}

// Extract is the package function Extract with x's cache.
func (x Extractor) Extract(title, text, lang string, n int) []article.Keyword {
	if n <= 0 {
		return nil
	}
	stops := stopwords.For(lang)
	stem := Stemmer(lang)
	sc := scratchPool.Get().(*scratch)
	defer sc.release()
	words := tokenize(x.Seg, text, stops, stem, sc.words[:0])
	sc.words = words
	if len(words) == 0 {
		return nil
	}
	titleKeys := map[string]bool{}
	for _, w := range tokenize(nil, title, stops, stem, nil) {
		titleKeys[w.key] = true
	}
	lead := len(text) / 5
	terms := sc.terms // word keys; the second is "" for a word
	// Each word adds at most a word and a phrase: with room for twice
	// the words, the slab never grows, so the terms never move.
	sc.slab = slices.Grow(sc.slab[:0], 2*len(words))
	sc.forms = slices.Grow(sc.forms[:0], 2*len(words))
	get := func(a, b string) *term {
		k := [2]string{a, b}
		t := terms[k]
		if t == nil {
			// The term's first form goes in a slot of sc.forms; a
			// second form moves its forms to a slice of their own.
			n := len(sc.forms)
			sc.forms = sc.forms[:n+1]
			sc.slab = append(sc.slab, term{key: a, first: math.MaxInt, forms: sc.forms[n : n : n+1]})
			t = &sc.slab[len(sc.slab)-1]
			if b != "" {
				t.key, t.isPhrase, t.parts = a+" "+b, true, k
			}
			terms[k] = t
		}
		return t
	}
	for i, w := range words {
		if w.stop {
			continue
		}
		t := get(w.key, "")
		t.count++
		t.addForm(w.form, w.start)
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
				p := get(w.key, nx.key)
				p.count++
				p.addForm(text[w.start:nx.end], w.start)
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
		if c := cmp.Compare(a.first, b.first); c != 0 {
			return c
		}
		// A phrase and its first word tie here: the phrase first, and
		// the terms' text last, so that the order never depends on the
		// map the terms came from.
		if a.isPhrase != b.isPhrase {
			if a.isPhrase {
				return -1
			}
			return 1
		}
		return strings.Compare(a.key, b.key)
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
	for _, f := range t.forms {
		if f.count > bc || (f.count == bc && f.at < bf) {
			best, bc, bf = f.text, f.count, f.at
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
// The words are appended to out.
func tokenize(seg *textseg.Cache, text string, stops map[string]bool, stem func(string) string, out []word) []word {
	sents := seg.Sentences(text)
	si := 0
	toks := seg.Words(text)
	out = slices.Grow(out, len(toks))
	var run *word
	flush := func() {
		if run != nil {
			if utf8.RuneCountInString(run.form) >= 2 {
				out = append(out, *run)
			}
			run = nil
		}
	}
	for _, t := range toks {
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
		form := trimPossessive(t.Text)
		if strings.IndexByte(form, 0xAD) >= 0 { // U+00AD is the bytes C2 AD
			form = strings.ReplaceAll(form, "\u00ad", "")
		}
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
	// Every ending ends in s, ' or ’ (whose last byte is 0x99).
	if n := len(s); n < 2 || (s[n-1] != 's' && s[n-1] != '\'' && s[n-1] != 0x99) {
		return s
	}
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
