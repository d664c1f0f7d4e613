package summary

import (
	"os"
	"strings"
	"testing"

	"github.com/newsfeed/newsfeed/enricher/textseg"
)

func reference(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("../testdata/reference.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSummarizeReference is the golden test of the reference article.
func TestSummarizeReference(t *testing.T) {
	got := Summarize(reference(t), "en")
	want := `Russia backs the Myanmar junta's efforts to "stabilize" the crisis-wracked country, its foreign minister said on Wednesday during talks with top generals, according to Russian state media. ` +
		`"We are in solidarity with the efforts [by the junta] aimed at stabilizing the situation in the country," Sergei Lavrov said during talks in Myanmar's capital Naypyidaw, according to the TASS news agency. ` +
		`Lavrov is scheduled to travel on to an Association of Southeast Asian Nations (ASEAN) foreign ministers' meeting in Cambodia from which the junta's top diplomat has been excluded over its refusal to engage in dialogue with its opponents.`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestSummarize(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string // sentences, in order
	}{
		{"abbreviations survive", "Gen. Mark Milley met U.S. President Joe Biden at the White House on Jan. 5 to discuss the war. " +
			"The talks lasted three hours and covered the war in detail. Dr. Smith was not there. " +
			"Milley later told reporters the war would go on.",
			[]string{"Gen. Mark Milley met U.S. President Joe Biden at the White House on Jan. 5 to discuss the war.",
				"The talks lasted three hours and covered the war in detail."}},
		{"headings and short lines skipped", "Breaking\n\nThe storm hit the coast on Monday and flooded the town of Riverside.\n\nWhat we know\n\nResidents of Riverside said the storm came without warning and flooded streets.",
			[]string{"The storm hit the coast on Monday and flooded the town of Riverside.",
				"Residents of Riverside said the storm came without warning and flooded streets."}},
		{"single sentence", "Only one sentence is here, and it is long enough to count.",
			[]string{"Only one sentence is here, and it is long enough to count."}},
		{"nothing usable", "Too short. Also short.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Summarize(tt.text, "en")
			want := strings.Join(tt.want, " ")
			if got != want {
				t.Errorf("got  %q\nwant %q", got, want)
			}
		})
	}
}

// TestSummarySentencesFromText: every summary sentence is a sentence of
// the text, there are two or three, and the lead comes first.
func TestSummarySentencesFromText(t *testing.T) {
	text := reference(t)
	norm := strings.Join(strings.Fields(text), " ")
	got := Summarize(text, "en")
	ss := textseg.Sentences(got)
	if len(ss) < 2 || len(ss) > 3 {
		t.Fatalf("%d sentences: %q", len(ss), got)
	}
	for _, s := range ss {
		if !strings.Contains(norm, s.Text(got)) {
			t.Errorf("sentence not in text: %q", s.Text(got))
		}
	}
	if !strings.HasPrefix(got, "Russia backs") {
		t.Errorf("lead missing: %q", got)
	}
}

func FuzzSummarize(f *testing.F) {
	f.Add("Dr. Who met Mr. X. They talked for a long while about things. Then they left the big room together.")
	f.Add("a\n\nb\n\nc")
	f.Fuzz(func(t *testing.T, text string) {
		got := Summarize(text, "en")
		norm := strings.Join(strings.Fields(text), " ")
		if got != "" && !strings.Contains(norm, strings.SplitN(got, " ", 2)[0]) {
			t.Fatalf("summary %q not from text %q", got, text)
		}
	})
}

func BenchmarkSummarize(b *testing.B) {
	text := reference(b)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Summarize(text, "en")
	}
}
