package article

import (
	"strings"
	"testing"
	"unicode"
)

// countWordsRef is CountWords's definition, rune by rune.
func countWordsRef(text string) int {
	n, in := 0, false
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r):
			n++
			in = false
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’' || unicode.Is(unicode.Mn, r):
			if !in {
				n++
				in = true
			}
		default:
			in = false
		}
	}
	return n
}

func TestCJKFloor(t *testing.T) {
	for _, tab := range []*unicode.RangeTable{unicode.Han, unicode.Hiragana, unicode.Katakana} {
		if len(tab.R16) > 0 && tab.R16[0].Lo < 0x2E80 {
			t.Fatalf("a CJK range starts at %#x, below isCJK's floor", tab.R16[0].Lo)
		}
	}
}

func FuzzCountWords(f *testing.F) {
	for _, s := range []string{"", "one two", "Russia's 2,100 people — “quoted”", "東京は晴れ mixed", "Ünïcödé wörds ça", "a’b c'd", "\xffa\x80 b", "e\u0301t\u00e9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := countWordsRef(s)
		if got := CountWords(s); got != want {
			t.Fatalf("CountWords(%q) = %d, want %d", s, got, want)
		}
		for _, limit := range []int{0, 1, 3, 20} {
			if got := CountWordsUpTo(s, limit); got != min(want, limit) {
				t.Fatalf("CountWordsUpTo(%q, %d) = %d, want %d", s, limit, got, min(want, limit))
			}
		}
	})
}

var benchText = strings.Repeat("Russia's President Vladimir Putin said on Wednesday that 2,100 people — “quoted” — had left. ", 60) + "Ünïcödé wörds ça 東京は晴れ"

func BenchmarkCountWords(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	for b.Loop() {
		CountWords(benchText)
	}
}

// BenchmarkCountWordsRef is the rune-by-rune definition, for comparison.
func BenchmarkCountWordsRef(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	for b.Loop() {
		countWordsRef(benchText)
	}
}
