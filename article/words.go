package article

import "unicode"

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’' || unicode.Is(unicode.Mn, r)
}

// isCJK reports Han, Hiragana and Katakana; none lies below U+2E80.
func isCJK(r rune) bool {
	return r >= 0x2E80 && unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r)
}
