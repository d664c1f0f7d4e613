package parser

import (
	"strings"
	"testing"
	"unicode"
)

// squashRef is squash's definition: lower-case, letters and digits only.
func squashRef(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func FuzzSquash(f *testing.F) {
	for _, s := range []string{
		"", "abc", "Hello, World! 2024", "Über · Straße", "İstanbul", "ȺȾ", "ΣΑΣ",
		"\xff\xfeA", "a\x80b", "東京 ニュース", "٣٤ Arabic-Indic", "abc ", "ABC",
	} {
		f.Add(s, "abc")
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, s, o string) {
		want := squashRef(s)
		if got := squash(s); got != want {
			t.Fatalf("squash(%q) = %q, want %q", s, got, want)
		}
		for _, sq := range []string{want, squashRef(o), o} {
			if got := squashEqual(s, sq); got != (want == sq) {
				t.Fatalf("squashEqual(%q, %q) = %v, want %v", s, sq, got, want == sq)
			}
		}
	})
}
