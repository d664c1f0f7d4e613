package enricher

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/abadojack/whatlanggo"
	"github.com/pemistahl/lingua-go"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/enricher/stopwords"
)

// LanguageDetector guesses the language of a text. Implementations are
// safe for concurrent use.
type LanguageDetector interface {
	// Detect returns the ISO 639-1 code (lower case) of the most likely
	// language of text and a confidence in [0, 1], or "" when it cannot
	// tell.
	Detect(text string) (lang string, conf float64)
}

// DefaultLanguages are the languages the default detector tells apart: the
// languages of most of the world's news, chosen to bound memory (each adds
// about 1 MB of trigram model; see bench/ENRICH.md).
var DefaultLanguages = []string{
	"af", "ar", "be", "bg", "bn", "bs", "ca", "cs", "da", "de", "el", "en", "es", "et", "eu", "fa",
	"fi", "fr", "ga", "he", "hi", "hr", "hu", "hy", "id", "is", "it", "ja", "ka", "kk", "ko", "lt",
	"lv", "mk", "mr", "ms", "nb", "nl", "nn", "pa", "pl", "pt", "ro", "ru", "sk", "sl", "so", "sq",
	"sr", "sv", "sw", "ta", "te", "th", "tl", "tr", "uk", "ur", "vi", "xh", "zh", "zu",
}

// Detection samples: the lingua detector scores up to linguaWindows windows
// of linguaWindowWords words spread over the text, adds up each language's
// confidence over the windows, and stops as soon as the remaining windows
// could not change the winner (after three windows on a clean text). Short windows keep lingua off its slow arbitrary-precision
// path (taken when a text's log-probabilities underflow a float64) and
// bound the cost of a long article.
const (
	linguaWindowWords = 12
	linguaWindows     = 5
	whatlangMaxBytes  = 2000
)

// NewLinguaDetector returns a detector backed by lingua-go in low-accuracy
// mode (trigram models only) over the given ISO 639-1 codes
// (DefaultLanguages when none). A language's model (about 1 MB) is loaded
// the first time a text needs it, once per process.
func NewLinguaDetector(languages ...string) (LanguageDetector, error) {
	if len(languages) == 0 {
		languages = DefaultLanguages
	}
	var langs []lingua.Language
	for _, code := range languages {
		iso := lingua.GetIsoCode639_1FromValue(strings.ToUpper(code))
		l := lingua.GetLanguageFromIsoCode639_1(iso)
		if l == lingua.Unknown {
			return nil, fmt.Errorf("enricher: lingua does not know language %q", code)
		}
		langs = append(langs, l)
	}
	if len(langs) < 2 {
		return nil, fmt.Errorf("enricher: lingua needs at least two languages, got %v", languages)
	}
	known := map[string]bool{}
	for _, l := range langs {
		known[strings.ToLower(l.IsoCode639_1().String())] = true
	}
	return &linguaDetector{langs: langs, known: known}, nil
}

type linguaDetector struct {
	langs []lingua.Language
	once  sync.Once
	det   lingua.LanguageDetector

	known  map[string]bool // the detector's languages, ISO 639-1
	groups sync.Map        // group key → lingua.LanguageDetector
}

func (l *linguaDetector) detector() lingua.LanguageDetector {
	l.once.Do(func() {
		// Models load lazily, one language at a time as texts need them:
		// preloading decompresses every model at once and nearly doubles
		// the peak memory, and a language that never turns up (or is
		// always settled by the stopword fast path) is never loaded.
		l.det = lingua.NewLanguageDetectorBuilder().FromLanguages(l.langs...).WithLowAccuracyMode().Build()
	})
	return l.det
}

// Detect implements LanguageDetector.
//
// A fast path first counts, in the first fastPathWords words, the
// stopwords of each language that has a list (package stopwords). When one
// language's stopwords clearly dominate, lingua only decides between it
// and its close relatives — a handful of models instead of every language
// of the script — and a language without relatives (or a decisive one far
// ahead) is taken at once. Otherwise lingua weighs all its languages.
func (l *linguaDetector) Detect(text string) (string, float64) {
	bp := fieldsPool.Get().(*[]field)
	defer fieldsPool.Put(bp)
	*bp = appendFields((*bp)[:0], text)
	words := fieldList{text: text, f: *bp}
	if len(words.f) == 0 {
		return "", 0
	}
	l.detector()
	if guess, conf := stopwordGuess(words); guess != "" && l.known[guess] {
		group := []string{guess}
		for _, r := range relatives[guess] {
			if l.known[r] {
				group = append(group, r)
			}
		}
		if len(group) == 1 || (decisive[guess] && conf >= 1-1.0/decisiveRatio) {
			return guess, conf
		}
		return detectWindows(l.groupDetector(group), words)
	}
	return detectWindows(l.det, words)
}

// field is a word of a text, by offsets: a run of non-space runes, as
// strings.Fields splits.
type field struct{ start, end int }

// fieldList is a text's words, without a string (and an allocation) per
// word.
type fieldList struct {
	text string
	f    []field
}

func (w fieldList) word(i int) string { return w.text[w.f[i].start:w.f[i].end] }

// fieldsPool recycles the word offsets of Detect.
var fieldsPool = sync.Pool{New: func() any { return new([]field) }}

// asciiSpace marks the ASCII bytes unicode.IsSpace reports.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// appendFields appends the words of text to out: the words
// strings.Fields(text) returns, as offsets.
func appendFields(out []field, text string) []field {
	start := -1
	for i := 0; i < len(text); {
		c, size := rune(text[i]), 1
		var space bool
		if c < utf8.RuneSelf {
			space = asciiSpace[c]
		} else {
			c, size = utf8.DecodeRuneInString(text[i:])
			space = unicode.IsSpace(c)
		}
		switch {
		case space && start >= 0:
			out = append(out, field{start, i})
			start = -1
		case !space && start < 0:
			start = i
		}
		i += size
	}
	if start >= 0 {
		out = append(out, field{start, len(text)})
	}
	return out
}

// groupDetector returns a lingua detector over a few languages. The models
// are lingua's, loaded once per process, so a group costs no memory.
func (l *linguaDetector) groupDetector(group []string) lingua.LanguageDetector {
	key := strings.Join(group, ",")
	if d, ok := l.groups.Load(key); ok {
		return d.(lingua.LanguageDetector)
	}
	var langs []lingua.Language
	for _, c := range group {
		langs = append(langs, lingua.GetLanguageFromIsoCode639_1(lingua.GetIsoCode639_1FromValue(strings.ToUpper(c))))
	}
	d := lingua.NewLanguageDetectorBuilder().FromLanguages(langs...).WithLowAccuracyMode().Build()
	l.groups.Store(key, d)
	return d
}

// relatives are the languages a stopword guess can be confused with.
var relatives = map[string][]string{
	"en": nil, "it": nil, "pl": nil,
	"de": {"nl", "lb"}, "nl": {"af", "de"}, "fr": {"ca"}, "es": {"ca", "pt", "gl"}, "pt": {"es", "gl"},
	"cs": {"sk"}, "nb": {"nn", "da", "sv"}, "da": {"nb", "nn", "sv"}, "sv": {"da", "nb", "nn"},
	"fi": {"et"}, "tr": {"az"}, "ru": {"uk", "be", "bg", "mk", "sr", "kk"}, "uk": {"ru", "be"},
	"id": {"ms", "tl"},
}

// decisive languages are taken without lingua when their stopwords
// outnumber the runner-up's decisiveRatio times: their close relatives
// either have stopword lists of their own (Dutch for German) or are rare
// in news. Languages whose relatives have no list (Spanish and Catalan,
// Czech and Slovak, Russian and Belarusian) always go to lingua.
var decisive = map[string]bool{"de": true, "fi": true, "tr": true}

const decisiveRatio = 6

// Fast path parameters: a guess needs fastPathShare of the sampled words
// to be its stopwords, and fastPathRatio times the runner-up's count.
const (
	fastPathWords = 120
	fastPathShare = 0.25
	fastPathRatio = 3
)

// stopwordGuess returns the language whose stopwords dominate the first
// words, with a confidence, or "".
func stopwordGuess(words fieldList) (string, float64) {
	n := min(len(words.f), fastPathWords)
	if n < 10 {
		return "", 0
	}
	idx := stopwordIndex()
	counts := map[string]int{}
	for i := range n {
		w := strings.ToLower(strings.TrimFunc(words.word(i), func(r rune) bool { return !unicode.IsLetter(r) }))
		for _, lang := range idx[w] {
			counts[lang]++
		}
	}
	best, first, second := "", 0, 0
	for lang, c := range counts {
		switch {
		case c > first || (c == first && lang < best):
			best, first, second = lang, c, max(first, second)
		case c > second:
			second = c
		}
	}
	if float64(first) < fastPathShare*float64(n) || first < fastPathRatio*second {
		return "", 0
	}
	return best, 1 - float64(second)/float64(first)
}

// stopwordIndex maps each stopword to the languages that list it.
var stopwordIndex = sync.OnceValue(func() map[string][]string {
	idx := map[string][]string{}
	langs := stopwords.Languages()
	slices.Sort(langs)
	for _, lang := range langs {
		for w := range stopwords.For(lang) {
			idx[w] = append(idx[w], lang)
		}
	}
	return idx
})

// detectWindows runs lingua over sampled windows of the words.
func detectWindows(det lingua.LanguageDetector, words fieldList) (string, float64) {
	n := (len(words.f) + linguaWindowWords - 1) / linguaWindowWords
	step := 1
	if n > linguaWindows {
		step = n / linguaWindows
	}
	score := map[lingua.Language]float64{}
	windows := 0
	var sb strings.Builder
	for i := 0; i < n && windows < linguaWindows; i += step {
		end := min(len(words.f), (i+1)*linguaWindowWords)
		windows++
		// The window's words joined by single spaces.
		sb.Reset()
		for j := i * linguaWindowWords; j < end; j++ {
			if j > i*linguaWindowWords {
				sb.WriteByte(' ')
			}
			sb.WriteString(words.word(j))
		}
		for _, cv := range det.ComputeLanguageConfidenceValues(sb.String()) {
			if cv.Value() > 0 {
				score[cv.Language()] += cv.Value()
			}
		}
		// Stop once the remaining windows cannot change the winner.
		remaining := min(linguaWindows-windows, (n-1-i)/step)
		first, second := 0.0, 0.0
		for _, v := range score {
			if v > first {
				first, second = v, first
			} else if v > second {
				second = v
			}
		}
		if first-second > float64(remaining) {
			break
		}
	}
	best, bs := lingua.Unknown, 0.0
	for lang, sc := range score {
		if sc > bs || (sc == bs && lang < best) {
			best, bs = lang, sc
		}
	}
	if best == lingua.Unknown {
		return "", 0
	}
	return strings.ToLower(best.IsoCode639_1().String()), bs / float64(windows)
}

// NewWhatlangDetector returns a detector backed by whatlanggo, limited to
// the given ISO 639-1 codes (DefaultLanguages it supports when none). It
// reads at most the first 2,000 bytes of a text, and decides Japanese from
// kana before whatlanggo can mistake kanji-rich Japanese for Chinese.
func NewWhatlangDetector(languages ...string) (LanguageDetector, error) {
	if len(languages) == 0 {
		languages = DefaultLanguages
	}
	want := map[string]bool{}
	for _, c := range languages {
		want[strings.ToLower(c)] = true
	}
	wl := map[whatlanggo.Lang]bool{}
	for l := range whatlanggo.Langs {
		if want[l.Iso6391()] {
			wl[l] = true
		}
	}
	if len(wl) < 2 {
		return nil, fmt.Errorf("enricher: whatlanggo knows fewer than two of %v", languages)
	}
	return &whatlangDetector{opts: whatlanggo.Options{Whitelist: wl}, ja: want["ja"]}, nil
}

type whatlangDetector struct {
	opts whatlanggo.Options
	ja   bool
}

// Detect implements LanguageDetector.
func (w *whatlangDetector) Detect(text string) (string, float64) {
	if len(text) > whatlangMaxBytes {
		text = text[:whatlangMaxBytes]
		for len(text) > 0 && !utf8RuneStart(text[len(text)-1]) {
			text = text[:len(text)-1]
		}
	}
	if w.ja {
		kana, letters := 0, 0
		for _, r := range text {
			if unicode.IsLetter(r) {
				letters++
				if unicode.In(r, unicode.Hiragana, unicode.Katakana) {
					kana++
				}
			}
		}
		if letters > 0 && kana*10 >= letters {
			return "ja", 1
		}
	}
	info := whatlanggo.DetectWithOptions(text, w.opts)
	if info.Lang < 0 {
		return "", 0
	}
	return info.Lang.Iso6391(), info.Confidence
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// Language sets language and language_confidence. The detector reads the
// text (with the title when the text is short); its answer wins when its
// confidence reaches MinConfidence or nothing was declared. Otherwise, or
// when the text has fewer than MinWords words, the language the page or
// feed declared (the article's language on input) is kept, normalised to
// BCP 47 ("en_us" → "en-US"), with confidence 0. A declared tag whose
// primary language agrees with the detection is kept with its region
// ("en-GB"); "no", "nb" and "nn" agree with one another. An article with
// neither gets "und".
type Language struct {
	Detector      LanguageDetector
	MinConfidence float64
	MinWords      int
}

var _ Enricher = (*Language)(nil)

// Language defaults.
const (
	DefaultLanguageMinConfidence = 0.5
	DefaultLanguageMinWords      = 5
)

// Name implements Enricher.
func (*Language) Name() string { return "language" }

// Enrich implements Enricher.
func (l *Language) Enrich(_ context.Context, a *article.Article) error {
	declared := NormalizeLanguageTag(a.Language)
	sample := a.Text
	words := article.CountWordsUpTo(sample, 20)
	if words < 20 && a.Title != "" {
		sample = a.Title + "\n\n" + sample
		words = article.CountWordsUpTo(sample, 20)
	}
	a.LanguageConf = 0
	a.Language = declared
	if a.Language == "" {
		a.Language = "und"
	}
	if l.Detector == nil || words < max(l.MinWords, 1) {
		return nil
	}
	lang, conf := l.Detector.Detect(sample)
	if lang == "" {
		return nil
	}
	switch {
	case sameLanguage(declared, lang):
		a.LanguageConf = conf
	case declared == "" || conf >= l.MinConfidence:
		a.Language, a.LanguageConf = lang, conf
	}
	return nil
}

// sameLanguage reports whether a BCP 47 tag's primary language is lang,
// treating Norwegian ("no", "nb", "nn") as one language.
func sameLanguage(tag, lang string) bool {
	p, _, _ := strings.Cut(tag, "-")
	if p == lang {
		return true
	}
	nor := func(s string) bool { return s == "no" || s == "nb" || s == "nn" }
	return nor(p) && nor(lang)
}

// NormalizeLanguageTag returns a declared language tag in canonical BCP 47
// case with only its language, script and region subtags ("en_us" →
// "en-US", "zh-hant-tw" → "zh-Hant-TW", "de-DE-formal" → "de-DE"), or ""
// when it does not start with a 2–3 letter language subtag.
func NormalizeLanguageTag(tag string) string {
	parts := strings.FieldsFunc(strings.TrimSpace(tag), func(r rune) bool { return r == '-' || r == '_' })
	if len(parts) == 0 || len(parts[0]) < 2 || len(parts[0]) > 3 || !isASCIILetters(parts[0]) {
		return ""
	}
	out := strings.ToLower(parts[0])
	if out == "und" {
		return ""
	}
	script, region := "", ""
	for _, p := range parts[1:] {
		switch {
		case script == "" && region == "" && len(p) == 4 && isASCIILetters(p):
			script = strings.ToUpper(p[:1]) + strings.ToLower(p[1:])
		case region == "" && len(p) == 2 && isASCIILetters(p):
			region = strings.ToUpper(p)
		case region == "" && len(p) == 3 && isASCIIDigits(p):
			region = p
		}
	}
	if script != "" {
		out += "-" + script
	}
	if region != "" {
		out += "-" + region
	}
	return out
}

func isASCIILetters(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return s != ""
}

func isASCIIDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
