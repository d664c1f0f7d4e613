package textseg

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentence is a span of text. Heading marks a line that ends without
// sentence punctuation and stands as its own paragraph (a subhead).
type Sentence struct {
	Start, End int
	Heading    bool
}

// Text returns the sentence's text, trimmed.
func (s Sentence) Text(text string) string {
	return strings.TrimSpace(text[s.Start:s.End])
}

// abbreviations end with a period that does not end a sentence: titles,
// initials of months, company suffixes and the common Latin, German, French
// and Spanish abbreviations. Keys are lower-case without the final period.
var abbreviations = map[string]bool{
	// titles and ranks
	"mr": true, "mrs": true, "ms": true, "mx": true, "dr": true, "prof": true, "sr": true, "jr": true,
	"gen": true, "lt": true, "col": true, "maj": true, "capt": true, "cpt": true, "sgt": true, "cpl": true,
	"pvt": true, "adm": true, "cmdr": true, "cdr": true, "brig": true, "gov": true, "sen": true, "rep": true,
	"rev": true, "hon": true, "pres": true, "supt": true, "insp": true, "det": true, "atty": true,
	"fr": true, "msgr": true, "st": true, "mt": true, "ft": true, "sra": true, "srta": true, "mme": true,
	"mlle": true, "hr": true, "dipl": true, "ing": true,
	// organisations and addresses
	"inc": true, "corp": true, "ltd": true, "co": true, "bros": true, "plc": true, "dept": true,
	"univ": true, "assn": true, "ave": true, "blvd": true, "rd": true, "str": true,
	// months and days
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true,
	"sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
	"mon": true, "tue": true, "tues": true, "wed": true, "thu": true, "thurs": true, "fri": true, "sat": true,
	// references
	"no": true, "nos": true, "nr": true, "vol": true, "p": true, "pp": true, "fig": true, "ch": true,
	"art": true, "para": true, "sec": true, "approx": true, "est": true, "vs": true, "v": true,
	"etc": false, // usually ends a sentence when a capital follows
	"cf":  true, "ca": true, "bzw": true, "vgl": true, "ggf": true, "evtl": true, "inkl": true, "zzgl": true,
	"bspw": true, "sog": true, "abs": true, "mio": true, "mrd": true, "tsd": true, "ua": true,
	"av": true, "env": true, "núm": true, "pág": true, "sta": true, "sto": true, "dña": true, "ud": true,
	"uds": true, "sres": true, "lic": true, "avda": true,
}

// sentenceStarters are words that commonly open an English sentence; after
// an acronym with periods ("U.S.") a sentence breaks only before one of them.
var sentenceStarters = map[string]bool{
	"the": true, "a": true, "an": true, "he": true, "she": true, "it": true, "they": true, "we": true,
	"i": true, "but": true, "and": true, "in": true, "on": true, "this": true, "that": true, "there": true,
	"his": true, "her": true, "their": true, "its": true, "our": true, "as": true, "at": true, "if": true,
	"when": true, "while": true, "after": true, "before": true, "for": true, "with": true, "however": true,
	"meanwhile": true, "officials": true, "some": true, "many": true, "most": true, "other": true,
	"der": true, "die": true, "das": true, "er": true, "sie": true, "es": true, "le": true, "la": true,
	"les": true, "il": true, "elle": true, "el": true, "los": true, "las": true,
}

// Sentences splits text into sentences. Paragraphs (separated by blank
// lines) always end a sentence, except that a paragraph ending without
// punctuation and followed by one that starts in lower case is joined to it
// (a broken paragraph). Within a paragraph a sentence ends at '.', '!', '?',
// '…' or their CJK forms, plus any closing quotes and brackets, when
// whitespace and an upper-case letter, digit or opening quote follow. A
// period after a known abbreviation (Dr., Gen., Jan.), an initial (J. K.) or
// an acronym followed by a capitalised non-starter (U.S. President) does not
// end a sentence; '?' and '!' followed by lower case ("Why?" he asked) do
// not either.
func Sentences(text string) []Sentence {
	var out []Sentence
	paras := paragraphs(text)
	for pi := 0; pi < len(paras); pi++ {
		p := paras[pi]
		// Join broken paragraphs: no terminal punctuation, next starts lower-case.
		for pi+1 < len(paras) && !endsSentence(text[p.Start:p.End]) && startsLower(text[paras[pi+1].Start:paras[pi+1].End]) {
			p.End = paras[pi+1].End
			pi++
		}
		seg := text[p.Start:p.End]
		if !endsSentence(seg) && !strings.ContainsAny(seg, ".!?…。！？") && len(Words(seg)) <= 15 {
			out = append(out, Sentence{Start: p.Start, End: p.End, Heading: true})
			continue
		}
		out = splitParagraph(text, p.Start, p.End, out)
	}
	return out
}

type span struct{ Start, End int }

// paragraphs returns the trimmed non-empty blocks of text separated by
// blank lines.
func paragraphs(text string) []span {
	var out []span
	start := 0
	add := func(s, e int) {
		for s < e && isSpaceByte(text[s]) {
			s++
		}
		for e > s && isSpaceByte(text[e-1]) {
			e--
		}
		if s < e {
			out = append(out, span{s, e})
		}
	}
	for i := 0; i < len(text); i++ {
		if text[i] != '\n' {
			continue
		}
		// A blank line: '\n', optional spaces, '\n'.
		j := i + 1
		for j < len(text) && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r') {
			j++
		}
		if j < len(text) && text[j] == '\n' {
			add(start, i)
			for j < len(text) && isSpaceByte(text[j]) {
				j++
			}
			start = j
			i = j - 1
		}
	}
	add(start, len(text))
	return out
}

func isSpaceByte(b byte) bool { return b == ' ' || b == '\n' || b == '\t' || b == '\r' }

func endsSentence(s string) bool {
	s = strings.TrimRightFunc(s, func(r rune) bool { return isCloser(r) || unicode.IsSpace(r) })
	r, _ := utf8.DecodeLastRuneInString(s)
	return isTerminator(r) || r == ':' || r == ';'
}

func startsLower(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return unicode.IsLower(r)
		}
		if unicode.IsDigit(r) {
			return false
		}
	}
	return false
}

func isTerminator(r rune) bool {
	switch r {
	case '.', '!', '?', '…', '。', '！', '？', '‼', '⁇':
		return true
	}
	return false
}

func isCloser(r rune) bool {
	switch r {
	case '"', '\'', '”', '’', '»', '›', ')', ']', '」', '』', '）':
		return true
	}
	return false
}

func isOpener(r rune) bool {
	switch r {
	case '"', '\'', '“', '‘', '«', '‹', '„', '(', '[', '「', '『', '¿', '¡', '—', '–':
		return true
	}
	return false
}

// splitParagraph appends the sentences of text[start:end] to out.
func splitParagraph(text string, start, end int, out []Sentence) []Sentence {
	sStart := start
	i := start
	for i < end {
		r, size := utf8.DecodeRuneInString(text[i:end])
		if !isTerminator(r) {
			i += size
			continue
		}
		termAt := i
		j := i + size
		// Runs of terminators ("?!", "...") and closing quotes/brackets.
		for j < end {
			r2, s2 := utf8.DecodeRuneInString(text[j:end])
			if isTerminator(r2) || isCloser(r2) {
				j += s2
				continue
			}
			break
		}
		if breakAfter(text[:end], sStart, termAt, r, j) {
			out = append(out, Sentence{Start: sStart, End: j})
			k := j
			for k < end && isSpaceByte(text[k]) {
				k++
			}
			sStart = k
		}
		i = j
	}
	if sStart < end {
		seg := strings.TrimSpace(text[sStart:end])
		if seg != "" {
			out = append(out, Sentence{Start: sStart, End: end})
		}
	}
	return out
}

// breakAfter decides whether the terminator term at termAt, whose
// terminator-and-closer run ends at j, ends the sentence that began at
// sStart.
func breakAfter(text string, sStart, termAt int, term rune, j int) bool {
	if j >= len(text) {
		return true
	}
	// CJK full stops need no following space.
	if term == '。' || term == '！' || term == '？' {
		return true
	}
	r, _ := utf8.DecodeRuneInString(text[j:])
	if !unicode.IsSpace(r) {
		return false
	}
	k := j
	for k < len(text) {
		r2, s2 := utf8.DecodeRuneInString(text[k:])
		if !unicode.IsSpace(r2) {
			break
		}
		k += s2
	}
	if k >= len(text) {
		return true
	}
	next, _ := utf8.DecodeRuneInString(text[k:])
	nextWord := firstWord(text[k:])
	if unicode.IsLower(next) {
		return false
	}
	if !(unicode.IsUpper(next) || unicode.IsDigit(next) || isOpener(next) || unicode.IsLetter(next)) {
		return false
	}
	if term != '.' {
		return true
	}
	// The period directly follows a word: look at it.
	wordEnd := termAt
	wordStart := wordEnd
	for wordStart > sStart {
		r3, s3 := utf8.DecodeLastRuneInString(text[:wordStart])
		if unicode.IsSpace(r3) || r3 == '(' || r3 == '"' || r3 == '“' || r3 == '\'' {
			break
		}
		wordStart -= s3
	}
	word := text[wordStart:wordEnd]
	if word == "" {
		return true
	}
	lw := strings.ToLower(word)
	if abbreviations[lw] {
		return false
	}
	// An initial: a single upper-case letter ("J. K. Rowling").
	if utf8.RuneCountInString(word) == 1 {
		fr, _ := utf8.DecodeRuneInString(word)
		if unicode.IsUpper(fr) {
			return false
		}
	}
	// An acronym with periods (U.S., e.g.): break only before a sentence starter.
	if strings.Contains(word, ".") && isAcronym(word) {
		if abbreviations[strings.ReplaceAll(lw, ".", "")] || lw == "e.g" || lw == "i.e" || lw == "z.b" || lw == "u.a" || lw == "d.h" {
			return false
		}
		return sentenceStarters[strings.ToLower(nextWord)]
	}
	// An ordinal or list number ("3. Oktober", "No. 5") in languages that
	// write ordinals with a period: a number followed by a capital is left
	// alone only when short.
	if isDigits(word) && len(word) <= 2 && unicode.IsUpper(next) && !sentenceStarters[strings.ToLower(nextWord)] {
		return false
	}
	return true
}

func firstWord(s string) string {
	start := -1
	for i, r := range s {
		if unicode.IsLetter(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			return s[start:i]
		}
		if unicode.IsSpace(r) {
			return ""
		}
	}
	if start < 0 {
		return ""
	}
	return s[start:]
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
