// Package textseg splits article text into words and sentences with their
// byte offsets. It knows nothing about any one language beyond a list of
// common abbreviations, and it never allocates per character.
package textseg

import (
	"unicode"
	"unicode/utf8"
)

// Token is a word or number in a text.
type Token struct {
	Text       string // as written, including internal apostrophes, hyphens and acronym periods
	Start, End int    // byte offsets in the text
}

// Words returns the words of text: runs of letters, digits and combining
// marks, with internal apostrophes ("Myanmar's", "O'Brien"), hyphens
// ("Saudi-Arabien") and periods ("U.S.", "3.5", "z.B.") kept inside the
// token. A period is kept only when a letter or digit follows it directly or
// when it closes an acronym of single letters. Han ideographs, kana and
// other scripts written without spaces give one token per character, as
// article.CountWords counts them.
func Words(text string) []Token {
	var toks []Token
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if isUnspaced(r) {
			toks = append(toks, Token{Text: text[i : i+size], Start: i, End: i + size})
			i += size
			continue
		}
		if !isWordRune(r) {
			i += size
			continue
		}
		start := i
		i += size
		for i < len(text) {
			r, size = utf8.DecodeRuneInString(text[i:])
			if isUnspaced(r) {
				break
			}
			if isWordRune(r) {
				i += size
				continue
			}
			if isJoiner(r) && i+size < len(text) {
				nr, nsize := utf8.DecodeRuneInString(text[i+size:])
				ok := isWordRune(nr) && !isUnspaced(nr)
				if ok && r == '.' {
					// A period joins digits (3.5) and the letters of an
					// acronym (U.S., z.B.), not two words (end.The).
					pr, _ := utf8.DecodeLastRuneInString(text[start:i])
					ok = (unicode.IsDigit(pr) && unicode.IsDigit(nr)) || isAcronym(text[start:i]+".")
				}
				if ok {
					i += size + nsize
					continue
				}
			}
			if r == '.' && isAcronym(text[start:i]) {
				i += size
			}
			break
		}
		toks = append(toks, Token{Text: text[start:i], Start: start, End: i})
	}
	return toks
}

func isWordRune(r rune) bool {
	if r < 0x80 {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}

// isJoiner reports runes that may sit inside a token between word runes.
func isJoiner(r rune) bool {
	switch r {
	case '\'', '’', '-', '‐', '.', '·', '\u00ad':
		return true
	}
	return false
}

// isUnspaced reports runes of scripts written without spaces between words.
func isUnspaced(r rune) bool {
	return r >= 0x0E00 && (r < 0x0E80 || r >= 0x2E80) && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Thai, r))
}

// isAcronym reports whether s is a run of single letters separated by
// periods, with or without the final one: "U.S", "z.B", "U.", "e.g.".
// A lone letter without a period ("U") is not one.
func isAcronym(s string) bool {
	n := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) {
			return false
		}
		i += size
		n++
		if i == len(s) {
			return n >= 2
		}
		if s[i] != '.' {
			return false
		}
		i++
	}
	return n >= 1
}
