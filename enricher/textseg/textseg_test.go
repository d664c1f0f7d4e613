package textseg

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func words(text string) []string {
	var out []string
	for _, t := range Words(text) {
		if text[t.Start:t.End] != t.Text {
			panic("offsets do not match text")
		}
		out = append(out, t.Text)
	}
	return out
}

func TestWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Russia's Minister Sergei Lavrov.", []string{"Russia's", "Minister", "Sergei", "Lavrov"}},
		{"the U.S. and the U.K. met", []string{"the", "U.S.", "and", "the", "U.K.", "met"}},
		{"z.B. 3.5 Prozent, e.g. this", []string{"z.B.", "3.5", "Prozent", "e.g.", "this"}},
		{"crisis-wracked Saudi-Arabien — done", []string{"crisis-wracked", "Saudi-Arabien", "done"}},
		{"end.The next", []string{"end", "The", "next"}},
		{"Mr. J. K. Rowling", []string{"Mr", "J", "K", "Rowling"}},
		{"O’Brien’s  dog", []string{"O’Brien’s", "dog"}},
		{"东京は晴れ", []string{"东", "京", "は", "晴", "れ"}},
		{"\"quoted\" (paren) -dash- 'single'", []string{"quoted", "paren", "dash", "single"}},
		{"trailing-", []string{"trailing"}},
		{"Москва и Киев", []string{"Москва", "и", "Киев"}},
		{"", nil},
	}
	for _, tt := range tests {
		if got := words(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Words(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func sentences(text string) []string {
	var out []string
	for _, s := range Sentences(text) {
		p := s.Text(text)
		if s.Heading {
			p = "#" + p
		}
		out = append(out, p)
	}
	return out
}

func TestSentences(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"plain", "One sentence. Another one! A third? Yes.",
			[]string{"One sentence.", "Another one!", "A third?", "Yes."}},
		{"titles", "Gen. Mark Milley met Dr. Smith and Mr. Jones on Jan. 5. They talked.",
			[]string{"Gen. Mark Milley met Dr. Smith and Mr. Jones on Jan. 5.", "They talked."}},
		{"us acronym mid-sentence", "The U.S. President spoke. Then he left.",
			[]string{"The U.S. President spoke.", "Then he left."}},
		{"us acronym at end", "He flew to the U.S. The trip was long.",
			[]string{"He flew to the U.S.", "The trip was long."}},
		{"initials", "The novel by J. K. Rowling sold well. It was a hit.",
			[]string{"The novel by J. K. Rowling sold well.", "It was a hit."}},
		{"quotation ends sentence", `"We are in solidarity," Lavrov said. "We wish you success." He left.`,
			[]string{`"We are in solidarity," Lavrov said.`, `"We wish you success."`, "He left."}},
		{"question in quote then lower case", `"Why now?" he asked. Nobody knew.`,
			[]string{`"Why now?" he asked.`, "Nobody knew."}},
		{"curly quotes", "He said it was “disappointing.” Others agreed.",
			[]string{"He said it was “disappointing.”", "Others agreed."}},
		{"decimals and numbers", "Growth was 3.5 percent in 2021. It fell to 2.1.",
			[]string{"Growth was 3.5 percent in 2021.", "It fell to 2.1."}},
		{"german", "Das ist z.B. gut. Am 3. Oktober kam er. Dr. Müller sagte nein.",
			[]string{"Das ist z.B. gut.", "Am 3. Oktober kam er.", "Dr. Müller sagte nein."}},
		{"heading", "Body sentence one.\n\n'Disappointed and disturbed'\n\nASEAN has been frustrated.",
			[]string{"Body sentence one.", "#'Disappointed and disturbed'", "ASEAN has been frustrated."}},
		{"broken paragraph", "Russia has been accused by rights\n\ngroups of arming the military.\n\nNext one.",
			[]string{"Russia has been accused by rights\n\ngroups of arming the military.", "Next one."}},
		{"ellipsis", "He waited... Then he spoke.", []string{"He waited...", "Then he spoke."}},
		{"no final punctuation", "It ends here without a stop but it is a long enough line to be a sentence and not a heading at all, surely", []string{"It ends here without a stop but it is a long enough line to be a sentence and not a heading at all, surely"}},
		{"cjk", "東京は晴れ。大阪は雨。", []string{"東京は晴れ。", "大阪は雨。"}},
		{"empty", "  \n\n  ", nil},
		{"company", "Acme Inc. Shares rose. Apple Corp. reported.", []string{"Acme Inc. Shares rose.", "Apple Corp. reported."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sentences(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Sentences(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSentencesReference(t *testing.T) {
	b, err := os.ReadFile("../testdata/reference.txt")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	got := sentences(text)
	checks := []string{
		`"We are in solidarity with the efforts [by the junta] aimed at stabilizing the situation in the country," Sergei Lavrov said during talks in Myanmar's capital Naypyidaw, according to the TASS news agency.`,
		"#'Disappointed and disturbed'",
		"Cambodian Prime Minister Hun Sen — the current ASEAN chair — on Wednesday warned Myanmar against further hangings.",
		"International observers said the voting was largely free and fair.",
	}
	for _, c := range checks {
		found := false
		for _, g := range got {
			if g == c {
				found = true
			}
		}
		if !found {
			t.Errorf("sentence %q not found in %q", c, got)
		}
	}
	if len(got) != 17 {
		t.Errorf("got %d sentences, want 17:\n%s", len(got), strings.Join(got, "\n"))
	}
}

func FuzzSegment(f *testing.F) {
	for _, s := range []string{"Dr. J. Smith said \"Hi!\" to the U.S. Then left.", "a\n\nb", "东京。", "3.5. x", "e.g.. .", "'s"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		prev := 0
		for _, tok := range Words(text) {
			if tok.Start < prev || tok.End <= tok.Start || tok.End > len(text) || text[tok.Start:tok.End] != tok.Text {
				t.Fatalf("bad token %+v in %q", tok, text)
			}
			prev = tok.End
		}
		prev = 0
		for _, s := range Sentences(text) {
			if s.Start < prev || s.End <= s.Start || s.End > len(text) {
				t.Fatalf("bad sentence %+v (prev %d) in %q", s, prev, text)
			}
			if utf8.ValidString(text) && !utf8.ValidString(text[s.Start:s.End]) {
				t.Fatalf("sentence splits a rune: %+v in %q", s, text)
			}
			prev = s.End
		}
	})
}

func TestCache(t *testing.T) {
	var c Cache
	text := "Dr. Smith met Mr. Jones. They talked at length."
	w1, w2 := c.Words(text), c.Words(text)
	if len(w1) == 0 || &w1[0] != &w2[0] {
		t.Error("words not cached")
	}
	s1, s2 := c.Sentences(text), c.Sentences(text)
	if len(s1) != 2 || &s1[0] != &s2[0] {
		t.Errorf("sentences not cached: %v", s1)
	}
	// An equal but distinct string is computed afresh, with equal results.
	other := string([]byte(text))
	if w3 := c.Words(other); &w3[0] == &w1[0] || !reflect.DeepEqual(w3, w1) {
		t.Error("distinct string shared the cache entry")
	}
	// Many texts evict the first.
	for i := range 2 * cacheSlots {
		c.Words(strings.Repeat("x ", i+1))
	}
	if w4 := c.Words(text); &w4[0] == &w1[0] {
		t.Error("entry not evicted")
	}
	var nilCache *Cache
	if got := nilCache.Words(text); !reflect.DeepEqual(got, w1) {
		t.Error("nil cache differs")
	}
}
