// Package entities finds the people, organisations and places an article
// names. It combines a gazetteer (countries, capitals, major cities and
// regions, international bodies, governments, parties, news agencies,
// media and large companies, in data/) with capitalisation patterns: a
// run of capitalised words after a title ("Foreign Minister Sergei
// Lavrov", "junta chief Min Aung Hlaing") or starting with a known given
// name is a person; a run that ends in an organisation word ("National
// League for Democracy") is an organisation, one that ends in a place word
// ("Red Square") a place; in languages that capitalise only names, an
// otherwise unexplained run of two to four name-like words is a person.
// Later mentions by surname ("Lavrov"), by a suffix of the name ("Suu
// Kyi") or by an acronym introduced in parentheses ("(NLD)") count towards
// the full name.
package entities

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/enricher/stopwords"
	"github.com/newsfeed/newsfeed/enricher/textseg"
)

// MaxEntities bounds the entities returned for one article.
const MaxEntities = 50

// Extractor finds entities. It is safe for concurrent use.
type Extractor struct {
	lx *lexicon
	// Seg, when set, splits texts once for several steps of a chain.
	Seg *textseg.Cache
}

// New returns an Extractor with the built-in gazetteer.
func New() (*Extractor, error) {
	lx, err := loadLexicon()
	if err != nil {
		return nil, err
	}
	return &Extractor{lx: lx}, nil
}

type tok struct {
	text       string // as written
	base       string // without a possessive ending
	lower      string // base in lower case
	start, end int
	baseEnd    int  // end without the possessive ending
	poss       bool // ends in 's
	cap        bool // starts with a capital (or al-/el- and a capital)
	initial    bool // first word of a sentence, a quotation or after a colon
	heading    bool
	gz         int // index of the gazetteer match covering it, or -1
}

type gzMatch struct{ i, j, ent int }

type mention struct {
	name, typ  string
	start, end int // byte offsets in the text; start -1 outside it
	words      int
}

func (m mention) key() string { return m.typ + "\x00" + m.name }

// Extract returns the entities of an article (title, body text, language
// as a BCP 47 tag, and its authors), most mentioned first. First is the
// byte offset of the first mention in text, or -1 for an entity named only
// in the title or byline (a news agency credited as author).
func (x *Extractor) Extract(title, text, lang string, authors []string) []article.Entity {
	lang = article.LangToken(lang)
	e := &extraction{x: x, text: text, stops: stopwords.For(lang), defaultPersons: !nounCapitalising[lang]}
	sc := scratchPool.Get().(*scratch)
	defer sc.release()
	ws := x.Seg.Words(text)
	sc.toks = slices.Grow(sc.toks[:0], len(ws))[:len(ws)]
	e.toks = tokensInto(sc.toks, text, ws)
	e.markInitial(x.Seg.Sentences(text))
	e.lowerSeen = sc.lowerSeen
	for _, t := range e.toks {
		if r, _ := utf8.DecodeRuneInString(t.base); unicode.IsLower(r) {
			e.lowerSeen[t.lower] = true
		}
	}
	e.gz = x.match(text, e.toks)
	sc.inRun = slices.Grow(sc.inRun[:0], len(e.toks))[:len(e.toks)]
	inRun := sc.inRun
	clear(inRun)
	for _, r := range e.runs() {
		for k := r[0]; k < r[1]; k++ {
			inRun[k] = true
		}
		e.classify(r[0], r[1])
	}
	for _, m := range e.gz {
		if !inRun[m.i] {
			e.addGz(m)
		}
	}
	e.resolveSingles()
	ms := e.dropRepeats(e.ms)

	// Title and byline: gazetteer only.
	ttoks := tokens(title)
	for _, m := range x.match(title, ttoks) {
		ms = append(ms, mention{name: x.lx.entries[m.ent].name, typ: x.lx.entries[m.ent].typ, start: -1})
	}
	for _, a := range authors {
		for _, part := range bylineSep.Split(a, -1) {
			if id, ok := x.exact(strings.TrimSpace(part)); ok {
				ms = append(ms, mention{name: x.lx.entries[id].name, typ: x.lx.entries[id].typ, start: -1})
			}
		}
	}
	return aggregate(ms)
}

// extraction is the state of one Extract call.
type extraction struct {
	x              *Extractor
	text           string
	toks           []tok
	gz             []gzMatch
	stops          map[string]bool
	lowerSeen      map[string]bool
	defaultPersons bool
	ms             []mention
	singles        []int             // single capitalised tokens left unexplained
	acronyms       map[string]string // acronym → mention key, from "Name (ACR)"
	acronymOf      map[string]mention
}

// scratch is the memory of one Extract call that the next call reuses:
// an article's tokens, its lower-case words and its runs.
type scratch struct {
	toks      []tok
	lowerSeen map[string]bool
	inRun     []bool
}

// scratchMax bounds what a scratch keeps: one very long text should not
// make every later call clear (or hold) its memory.
const scratchMax = 1 << 14

var scratchPool = sync.Pool{New: func() any { return &scratch{lowerSeen: map[string]bool{}} }}

// release forgets the text (the tokens and keys point into it) and
// returns s to the pool.
func (s *scratch) release() {
	if cap(s.toks) > scratchMax || len(s.lowerSeen) > scratchMax {
		return
	}
	clear(s.toks)
	clear(s.lowerSeen)
	scratchPool.Put(s)
}

func tokens(text string) []tok { return tokensOf(text, textseg.Words(text)) }

func tokensOf(text string, ws []textseg.Token) []tok {
	return tokensInto(make([]tok, len(ws)), text, ws)
}

// tokensInto fills out, of len(ws), with the tokens of ws and returns it.
func tokensInto(out []tok, text string, ws []textseg.Token) []tok {
	for i, w := range ws {
		t := tok{text: w.Text, base: w.Text, start: w.Start, end: w.End, baseEnd: w.End, gz: -1}
		// Every possessive ending ends in s, ' or ’ (whose last byte is
		// 0x99): other words skip the suffix tests.
		if n := len(t.base); n > 1 && (t.base[n-1] == 's' || t.base[n-1] == '\'' || t.base[n-1] == 0x99) {
			for _, suf := range []string{"'s", "’s", "'", "’"} {
				if strings.HasSuffix(t.base, suf) && len(t.base) > len(suf) {
					t.base, t.poss = t.base[:len(t.base)-len(suf)], true
					t.baseEnd -= len(suf)
					break
				}
			}
		}
		// A soft hyphen (U+00AD) is the bytes C2 AD.
		if strings.IndexByte(t.base, 0xAD) >= 0 {
			t.base = strings.ReplaceAll(t.base, "\u00ad", "")
		}
		t.lower = strings.ToLower(t.base)
		t.cap = isCap(t.base)
		out[i] = t
	}
	return out
}

func isCap(s string) bool {
	// Every prefix starts with a or e.
	if s == "" || (s[0] != 'a' && s[0] != 'e') {
		r, _ := utf8.DecodeRuneInString(s)
		return unicode.IsUpper(r) || unicode.IsTitle(r)
	}
	for _, p := range []string{"al-", "el-", "ad-", "as-", "an-", "ash-", "at-", "az-", "ar-"} {
		if strings.HasPrefix(s, p) && len(s) > len(p) {
			r, _ := utf8.DecodeRuneInString(s[len(p):])
			return unicode.IsUpper(r)
		}
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r) || unicode.IsTitle(r)
}

// markInitial flags the first word of each sentence, quotation or clause
// after a colon, and the words of headings.
func (e *extraction) markInitial(sents []textseg.Sentence) {
	k := 0
	for _, s := range sents {
		for k < len(e.toks) && e.toks[k].start < s.Start {
			k++
		}
		for j := k; j < len(e.toks) && e.toks[j].start < s.End; j++ {
			e.toks[j].heading = s.Heading
		}
		if k < len(e.toks) {
			e.toks[k].initial = true
		}
	}
	for i := 1; i < len(e.toks); i++ {
		gap := e.text[e.toks[i-1].end:e.toks[i].start]
		if strings.ContainsAny(gap, "\"“„«‘:—–") && !strings.ContainsAny(gap, "”»") {
			e.toks[i].initial = true
		}
	}
}

// match finds gazetteer names in text, longest first, left to right. The
// words of a name must be separated by spaces only.
func (x *Extractor) match(text string, toks []tok) []gzMatch {
	var out []gzMatch
	for i := 0; i < len(toks); {
		found := false
		for _, a := range x.lx.byFirst[toks[i].base] {
			j := i + len(a.toks)
			if j > len(toks) {
				continue
			}
			ok := true
			for k, at := range a.toks {
				t := toks[i+k]
				if t.base != at || (k < len(a.toks)-1 && (t.poss || !onlySpaces(text[t.end:toks[i+k+1].start]))) {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			for k := i; k < j; k++ {
				toks[k].gz = len(out)
			}
			out = append(out, gzMatch{i: i, j: j, ent: a.ent})
			i, found = j, true
			break
		}
		if !found {
			i++
		}
	}
	return out
}

// exact returns the gazetteer entity written exactly as s.
func (x *Extractor) exact(s string) (int, bool) {
	toks := tokens(s)
	if len(toks) == 0 {
		return 0, false
	}
	ms := x.match(s, toks)
	if len(ms) == 1 && ms[0].i == 0 && ms[0].j == len(toks) {
		return ms[0].ent, true
	}
	return 0, false
}

func onlySpaces(s string) bool {
	for _, r := range s {
		if r != ' ' && r != '\u00a0' && r != '\u202f' {
			return false
		}
	}
	return true
}

// abbrevTitles may be followed by a period inside a name ("Gen. Mark
// Milley", "Dr. Smith").
var abbrevTitles = set(`gen lt col maj capt sgt adm cmdr dr prof mr mrs ms mx sen rep gov rev st brig m mme sr sra`)

// runs returns the spans of capitalised words, joined by up to two
// connectors or particles, that do not cross a sentence, a possessive or
// punctuation.
func (e *extraction) runs() [][2]int {
	var out [][2]int
	toks := e.toks
	for i := 0; i < len(toks); {
		if !toks[i].cap || isDigits(toks[i].base) {
			i++
			continue
		}
		j := i + 1
		for j < len(toks) && !toks[j-1].poss {
			gap := e.text[toks[j-1].end:toks[j].start]
			if !onlySpaces(gap) && !(strings.TrimSpace(gap) == "." && abbrevTitles[toks[j-1].lower]) {
				break
			}
			if toks[j].initial || toks[j].heading != toks[i].heading {
				break
			}
			if toks[j].cap {
				j++
				continue
			}
			// Up to two connectors or particles, then a capital. "and"
			// joins only inside "<Institute> of X and Y".
			k := j
			for k < len(toks) && k-j < 2 && !toks[k].cap && onlySpaces(e.text[toks[k-1].end:toks[k].start]) && !toks[k].poss {
				w := toks[k].text
				ok := connectors[w] || (particles[w] && !secondParticles[w]) || (secondParticles[w] && k > j && particles[toks[k-1].text]) || (w == "and" && e.orgOf(i, k))
				if !ok {
					break
				}
				k++
			}
			if k > j && k < len(toks) && toks[k].cap && !toks[k].initial && onlySpaces(e.text[toks[k-1].end:toks[k].start]) {
				j = k + 1
				continue
			}
			break
		}
		out = append(out, [2]int{i, j})
		i = j
	}
	return out
}

// orgOf reports an organisation word followed by "of" or "for" among
// tokens [a, b): "Department of Climate Change".
func (e *extraction) orgOf(a, b int) bool {
	for k := a; k+1 < b; k++ {
		if orgWords[e.toks[k].lower] && (e.toks[k+1].text == "of" || e.toks[k+1].text == "for") {
			return true
		}
	}
	return false
}

func isDigits(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return s != ""
}

// periodTitles are abbreviated titles that count only with their period
// ("Sen. Smith" but not "Hun Sen").
var periodTitles = set(`sen rep gov gen lt col maj capt sgt adm cmdr rev m sr sra st brig mme`)

// isTitle reports whether token k is a title.
func (e *extraction) isTitle(k int) bool {
	t := e.toks[k]
	l := t.lower
	if periodTitles[l] {
		return strings.HasPrefix(e.text[t.end:], ".")
	}
	if titles[l] {
		return true
	}
	for _, s := range titleSuffixes {
		if strings.HasSuffix(l, s) && len(l) > len(s)+3 {
			return true
		}
	}
	return false
}

func (e *extraction) addGz(m gzMatch) {
	en := e.x.lx.entries[m.ent]
	e.add(mention{name: en.name, typ: en.typ, start: e.toks[m.i].start, end: e.toks[m.j-1].baseEnd, words: m.j - m.i})
}

func (e *extraction) add(m mention) {
	e.ms = append(e.ms, m)
	e.noteAcronym(m)
}

// emitGz adds the gazetteer matches wholly inside tokens [a, b).
func (e *extraction) emitGz(a, b int) {
	for k := a; k < b; {
		g := e.toks[k].gz
		if g < 0 {
			k++
			continue
		}
		m := e.gz[g]
		if m.i >= a && m.j <= b {
			e.addGz(m)
		}
		k = max(m.j, k+1)
	}
}

// classify reads the run of tokens [a, b).
func (e *extraction) classify(a, b int) {
	toks := e.toks
	if toks[a].heading {
		e.emitGz(a, b)
		return
	}
	// Leading stopwords and non-names ("The", "With", "Last").
	for a < b && toks[a].gz < 0 && (toks[a].lower == "the" || (toks[a].initial && (e.stops[toks[a].lower] || nonNames[toks[a].lower]))) {
		a++
	}
	// "Shares of Acme Corp", "Thousands of ...": a sentence's first word
	// joined by a connector is no part of the name.
	if a+2 < b && toks[a].initial && toks[a].gz < 0 && connectors[toks[a+1].text] && !orgWords[toks[a].lower] && !placeWords[toks[a].lower] && !e.isTitle(a) {
		a += 2
	}
	for b > a && (connectors[toks[b-1].text] || particles[toks[b-1].text]) {
		b--
	}
	if a >= b {
		return
	}
	// One gazetteer name.
	if g := toks[a].gz; g >= 0 && e.gz[g].i == a && e.gz[g].j == b {
		e.addGz(e.gz[g])
		return
	}
	titleBefore := a > 0 && !toks[a-1].cap && e.isTitle(a-1) && onlySpaces(e.text[toks[a-1].end:toks[a].start])
	last := toks[b-1]
	if b-a >= 2 && last.gz < 0 {
		switch {
		case placeWords[last.lower]:
			e.add(e.span(a, b, Place))
			return
		case orgWords[last.lower] || hasSuffixAny(last.lower, orgSuffixes):
			e.add(e.span(a, b, Organization))
			return
		case placeHeads[toks[a].text] && toks[a].gz < 0 && !e.isTitle(b-1):
			e.add(e.span(a, b, Place))
			return
		}
	}
	// A title inside the run: the name follows it.
	for t := b - 2; t >= a; t-- {
		if toks[t].gz >= 0 || !e.isTitle(t) {
			continue
		}
		ns := e.nameStart(t+1, b)
		if ns < b {
			e.emitGz(a, ns)
			e.person(ns, b)
			return
		}
		break
	}
	if b-a == 1 && e.isTitle(a) {
		return
	}
	if e.hasOrgWord(a, b) {
		e.add(e.span(a, b, Organization))
		return
	}
	// Split at connectors that are no name particles.
	start := a
	for k := a; k <= b; k++ {
		if k < b && !(connectors[toks[k].text] && !particles[toks[k].text]) {
			continue
		}
		e.segment(start, k, titleBefore && start == a)
		start = k + 1
	}
}

// segment reads a run part [a, b) without connectors.
func (e *extraction) segment(a, b int, titleBefore bool) {
	toks := e.toks
	for a < b && toks[a].gz < 0 && (e.x.lx.demonym[toks[a].base] || (toks[a].initial && (e.stops[toks[a].lower] || nonNames[toks[a].lower]))) {
		a++
		titleBefore = false
	}
	if a >= b {
		return
	}
	if g := toks[a].gz; g >= 0 && e.gz[g].i == a && e.gz[g].j == b {
		e.addGz(e.gz[g])
		return
	}
	// Gazetteer names inside, and the stretches between them.
	for k := a; k < b; {
		if toks[k].gz >= 0 {
			m := e.gz[toks[k].gz]
			if m.i >= a && m.j <= b {
				e.addGz(m)
			}
			k = max(m.j, k+1)
			continue
		}
		s := k
		for k < b && toks[k].gz < 0 {
			k++
		}
		e.stretch(s, k, titleBefore && s == a)
	}
}

// stretch decides whether the capitalised words [a, b), outside any
// gazetteer name, are a person.
func (e *extraction) stretch(a, b int, titleBefore bool) {
	toks := e.toks
	for a < b && (particles[toks[a].text] || e.x.lx.demonym[toks[a].base]) {
		a++
	}
	for b > a && particles[toks[b-1].text] {
		b--
	}
	n := b - a
	switch {
	case n <= 0:
		return
	case n == 1:
		if titleBefore && nameLike(toks[a].base) && !nonNames[toks[a].lower] {
			e.person(a, b)
			return
		}
		if !toks[a].heading {
			e.singles = append(e.singles, a)
		}
		return
	case n > 5:
		return
	}
	// "Betroffenenvertreter Detlev Zander": the name starts at a given name.
	if !e.x.lx.given[toks[a].base] {
		for k := a + 1; k < b-1; k++ {
			if e.x.lx.given[toks[k].base] {
				a = k
				break
			}
		}
	}
	for k := a; k < b; k++ {
		if !particles[toks[k].text] && !nameLike(toks[k].base) {
			return
		}
	}
	evidence := titleBefore || e.x.lx.given[toks[a].base] || e.speechAround(a, b)
	switch {
	case evidence:
		e.person(a, b)
	case e.defaultPersons && e.plainName(a, b):
		if a > 0 && placeIntro[e.toks[a-1].text] && onlySpaces(e.text[e.toks[a-1].end:e.toks[a].start]) {
			e.add(e.span(a, b, Place))
			return
		}
		e.person(a, b)
	}
}

// plainName reports a run of two to four name-like words that are no
// common words: none is a stopword, title, demonym or non-name, and none
// is written in lower case elsewhere in the text.
func (e *extraction) plainName(a, b int) bool {
	words := 0
	for k := a; k < b; k++ {
		t := e.toks[k]
		if particles[t.text] {
			continue
		}
		words++
		if e.stops[t.lower] || nonNames[t.lower] || e.x.lx.common[t.lower] || e.x.lx.demonym[t.base] || e.isTitle(k) || office[t.lower] || orgWords[t.lower] || placeWords[t.lower] || e.lowerSeen[t.lower] {
			return false
		}
	}
	return words >= 2 && words <= 4
}

// speechAround reports a speech verb right after the words, or "said"
// right before them.
func (e *extraction) speechAround(a, b int) bool {
	if b < len(e.toks) && speechVerbs[e.toks[b].lower] && onlySpaces(e.text[e.toks[b-1].end:e.toks[b].start]) {
		return true
	}
	if a > 0 && speechVerbs[e.toks[a-1].lower] {
		gap := strings.TrimSpace(e.text[e.toks[a-1].end:e.toks[a].start])
		return gap == "" || gap == ","
	}
	return false
}

// nameStart returns where the name after a title begins within [a, b):
// after the title's qualifiers ("of Foreign Affairs") and any gazetteer
// name ("of the European Commission"); b when no name follows.
func (e *extraction) nameStart(a, b int) int {
	ns := b
	for k := b - 1; k >= a; k-- {
		t := e.toks[k]
		if particles[t.text] && k > a {
			continue
		}
		if t.gz >= 0 || office[t.lower] || e.isTitle(k) || !nameLike(t.base) || nonNames[t.lower] {
			break
		}
		ns = k
	}
	for ns < b && particles[e.toks[ns].text] {
		ns++
	}
	if b-ns > 5 {
		return b
	}
	return ns
}

func (e *extraction) person(a, b int) {
	e.add(e.span(a, b, Person))
}

// span is the mention of tokens [a, b) as written, without a final
// possessive.
func (e *extraction) span(a, b int, typ string) mention {
	end := e.toks[b-1].baseEnd
	name := strings.Join(strings.Fields(strings.ReplaceAll(e.text[e.toks[a].start:end], "\u00ad", "")), " ")
	return mention{name: name, typ: typ, start: e.toks[a].start, end: end, words: b - a}
}

func (e *extraction) hasOrgWord(a, b int) bool {
	if b-a < 2 {
		t := e.toks[a]
		return t.gz < 0 && !t.initial && hasSuffixAny(t.lower, orgSuffixes)
	}
	for k := a; k < b; k++ {
		t := e.toks[k]
		if t.gz >= 0 {
			continue
		}
		if orgWords[t.lower] || hasSuffixAny(t.lower, orgSuffixes) {
			return true
		}
	}
	return false
}

// hasSuffixAny reports a German compound ending in one of sufs, also in
// the genitive ("Außenministeriums").
func hasSuffixAny(s string, sufs []string) bool {
	for _, w := range []string{s, strings.TrimSuffix(s, "s"), strings.TrimSuffix(s, "es")} {
		for _, suf := range sufs {
			if strings.HasSuffix(w, suf) && len(w) > len(suf)+2 {
				return true
			}
		}
	}
	return false
}

// nameLike reports a word that can be part of a name: a capital, then at
// least one lower-case letter, no digits ("Lavrov", "O'Brien",
// "al-Assad", "Jean-Luc"). Acronyms and hyphenated adjectives
// ("Thompson-designed") are not name-like.
func nameLike(s string) bool {
	if !isCap(s) || utf8.RuneCountInString(s) < 2 {
		return false
	}
	lower := false
	for _, r := range s {
		if unicode.IsDigit(r) {
			return false
		}
		if unicode.IsLower(r) {
			lower = true
		}
	}
	// "Thompson-designed", "Fáil-led": a hyphenated adjective.
	if i := strings.LastIndexAny(s, "-‐"); i > 0 {
		r, _ := utf8.DecodeRuneInString(s[i+1:])
		if unicode.IsLower(r) {
			return false
		}
	}
	return lower
}

var bylineSep = regexp.MustCompile(`\s*(?:,|/|&|\band\b|\bund\b)\s*`)

var parenAcronym = regexp.MustCompile(`^\s*\(([\p{Lu}][\p{Lu}\p{Ll}0-9&.\-]{1,11})\)`)

// noteAcronym records "Name (ACR)": later mentions of ACR are the name.
func (e *extraction) noteAcronym(m mention) {
	if m.start < 0 || m.end > len(e.text) {
		return
	}
	sm := parenAcronym.FindStringSubmatch(e.text[m.end:])
	if sm == nil {
		return
	}
	acr := strings.TrimSuffix(sm[1], ".")
	upper := 0
	for _, r := range acr {
		if unicode.IsUpper(r) {
			upper++
		}
	}
	if upper < 2 {
		return
	}
	if e.acronyms == nil {
		e.acronyms, e.acronymOf = map[string]string{}, map[string]mention{}
	}
	e.acronyms[acr] = m.key()
	e.acronymOf[acr] = m
}

// resolveSingles counts lone capitalised words that repeat part of a
// person's name, or an acronym introduced in parentheses.
func (e *extraction) resolveSingles() {
	// Name parts of the people found: last words and suffixes ("Lavrov",
	// "Suu Kyi"), and family names written first ("Xi").
	part := map[string]string{}
	ambiguous := map[string]bool{}
	for _, m := range e.ms {
		if m.typ != Person || m.words < 2 {
			continue
		}
		ws := strings.Fields(m.name)
		for i := 1; i < len(ws); i++ {
			if particles[ws[i]] {
				continue
			}
			p := strings.Join(ws[i:], " ")
			if q, ok := part[p]; ok && q != m.name {
				ambiguous[p] = true
			}
			part[p] = m.name
		}
		if familyFirst[ws[0]] {
			part[ws[0]] = m.name
		}
	}
	// Shorter people that are parts of longer ones.
	for i, m := range e.ms {
		if m.typ != Person {
			continue
		}
		if full, ok := part[m.name]; ok && !ambiguous[m.name] && full != m.name {
			e.ms[i].name = full
		}
	}
	for _, k := range e.singles {
		t := e.toks[k]
		if full, ok := part[t.base]; ok && !ambiguous[t.base] {
			e.ms = append(e.ms, mention{name: full, typ: Person, start: t.start, end: t.baseEnd, words: 1})
			continue
		}
		if m, ok := e.acronymOf[t.base]; ok {
			e.ms = append(e.ms, mention{name: m.name, typ: m.typ, start: t.start, end: t.baseEnd, words: 1})
		}
	}
}

// dropRepeats removes a mention that only repeats the previous one in
// parentheses: "Association of Southeast Asian Nations (ASEAN)".
func (e *extraction) dropRepeats(ms []mention) []mention {
	slices.SortStableFunc(ms, func(a, b mention) int { return cmp.Compare(a.start, b.start) })
	out := ms[:0]
	for i, m := range ms {
		if i > 0 && len(out) > 0 {
			p := out[len(out)-1]
			if p.key() == m.key() && p.end >= 0 && p.end <= m.start && strings.TrimSpace(e.text[p.end:m.start]) == "(" {
				continue
			}
		}
		out = append(out, m)
	}
	return out
}

// aggregate merges mentions into entities: counted, first position, most
// mentioned first.
func aggregate(ms []mention) []article.Entity {
	idx := map[string]int{}
	var out []article.Entity
	for _, m := range ms {
		k := m.key()
		i, ok := idx[k]
		if !ok {
			idx[k] = len(out)
			out = append(out, article.Entity{Text: m.name, Type: m.typ, Count: 1, First: m.start})
			continue
		}
		out[i].Count++
		if m.start >= 0 && (out[i].First < 0 || m.start < out[i].First) {
			out[i].First = m.start
		}
	}
	slices.SortStableFunc(out, func(a, b article.Entity) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		fa, fb := a.First, b.First
		if fa < 0 {
			fa = int(^uint(0) >> 1)
		}
		if fb < 0 {
			fb = int(^uint(0) >> 1)
		}
		if c := cmp.Compare(fa, fb); c != 0 {
			return c
		}
		return strings.Compare(a.Text, b.Text)
	})
	if len(out) > MaxEntities {
		out = out[:MaxEntities]
	}
	return out
}
