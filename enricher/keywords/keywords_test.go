package keywords

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/newsfeed/newsfeed/article"
)

func reference(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("../testdata/reference.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const refTitle = "Russia Backs Myanmar Junta's Efforts to 'Stabilize' Country – FM"

// TestExtractReference is the golden test of the reference article.
func TestExtractReference(t *testing.T) {
	got := Extract(refTitle, reference(t), "en", 10)
	want := []string{"junta", "Myanmar", "country", "Russia", "Lavrov", "Southeast Asian", "efforts", "stabilize", "ASEAN", "foreign minister"}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i, k := range got {
		if k.Term != want[i] {
			t.Errorf("keyword %d: %q, want %q (all: %v)", i, k.Term, want[i], got)
		}
		if k.Score <= 0 || k.Score > 1 || (i > 0 && k.Score > got[i-1].Score) {
			t.Errorf("bad score order at %d: %v", i, got)
		}
	}
	if got[0].Score != 1 {
		t.Errorf("top score %v, want 1", got[0].Score)
	}
}

func TestExtract(t *testing.T) {
	tests := []struct {
		name, title, text, lang string
		n                       int
		want                    []string // among the keywords
		not                     []string
	}{
		{"stopwords and news words", "", "The minister said on Monday that the reform would pass. The minister said the reform is needed, officials said.", "en", 5,
			[]string{"minister", "reform"}, []string{"said", "the", "monday", "officials said"}},
		{"stemming folds inflections", "", "Elections matter. The election was held. Electing leaders is hard; elected leaders govern.", "en", 3,
			[]string{"elections"}, []string{"election"}},
		{"phrases", "", "The peace plan failed. A new peace plan was drafted, and the peace plan passed.", "en", 3,
			[]string{"peace plan"}, []string{"peace", "plan"}},
		{"german light stemming", "", "Das Gesetz kommt. Des Gesetzes Text ist lang. Die Gesetze gelten.", "de", 3,
			[]string{"Gesetz"}, []string{"das", "Gesetzes", "Gesetze"}},
		{"unknown language still works", "", "Lorem ipsum dolor lorem ipsum dolor sit amet lorem.", "xx", 2,
			[]string{"lorem ipsum"}, []string{"lorem"}},
		{"cjk runs", "", "東京都の地震。東京都で地震が起きた。", "ja", 3,
			[]string{"東京都", "地震"}, nil},
		{"title boost", "Tariffs on steel", "Officials met. Tariffs were discussed at length. Steel prices rose.", "en", 2,
			[]string{"tariffs", "steel"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Extract(tt.title, tt.text, tt.lang, tt.n)
			terms := map[string]bool{}
			for _, k := range got {
				terms[k.Term] = true
			}
			if len(got) > tt.n {
				t.Errorf("%d keywords, want at most %d", len(got), tt.n)
			}
			for _, w := range tt.want {
				if !terms[w] {
					t.Errorf("missing %q in %v", w, got)
				}
			}
			for _, w := range tt.not {
				if terms[w] {
					t.Errorf("unwanted %q in %v", w, got)
				}
			}
		})
	}
	if got := Extract("", "", "en", 5); got != nil {
		t.Errorf("empty text: %v", got)
	}
	if got := Extract("", "words words words", "en", 0); got != nil {
		t.Errorf("n=0: %v", got)
	}
}

func FuzzExtract(f *testing.F) {
	f.Add("Title", "Some text, with some text. And more text!", "en")
	f.Add("", "東京都の地震。", "ja")
	f.Add("Ä", "Gesetzes Gesetze\u00adText", "de")
	f.Fuzz(func(t *testing.T, title, text, lang string) {
		got := Extract(title, text, lang, 10)
		if len(got) > 10 {
			t.Fatalf("%d keywords", len(got))
		}
		for i, k := range got {
			if k.Score <= 0 || k.Score > 1 || strings.TrimSpace(k.Term) == "" || (i > 0 && k.Score > got[i-1].Score) {
				t.Fatalf("bad keywords %v", got)
			}
			if utf8.ValidString(text) && utf8.ValidString(title) && !utf8.ValidString(k.Term) {
				t.Fatalf("invalid UTF-8 term %q", k.Term)
			}
		}
	})
}

func BenchmarkExtract(b *testing.B) {
	text := reference(b)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Extract(refTitle, text, "en", 10)
	}
}

// TestExtractDeterministic: the same text gives the same keywords in the
// same order every time, ties included (the terms come from a map, whose
// order changes from run to run), so that replicas agree.
func TestExtractDeterministic(t *testing.T) {
	// A phrase and its first word that tie on weight and position: the
	// word six times (6), the phrase four (4 × 1.5), past the lead.
	var filler []string
	for i := range 80 {
		filler = append(filler, "word"+string(rune('a'+i/26))+string(rune('a'+i%26)))
	}
	docs := append([]corpusDoc{{ID: "tie", Lang: "en",
		Text: strings.Join(filler, " ") + ". alpha beta. alpha beta. alpha beta. alpha beta. alpha. alpha."}}, corpus(t)...)
	for _, d := range docs {
		first := fmt.Sprint(Extract(d.Title, d.Text, d.Lang, 10))
		for range 20 {
			if got := fmt.Sprint(Extract(d.Title, d.Text, d.Lang, 10)); got != first {
				t.Fatalf("%s: keywords differ between runs:\n%s\n%s", d.ID, first, got)
			}
		}
	}
}

// corpusDoc is an article of ../testdata/corpus.jsonl.
type corpusDoc struct{ ID, Title, Text, Lang string }

// corpus reads ../testdata/corpus.jsonl.
func corpus(t *testing.T) []corpusDoc {
	t.Helper()
	f, err := os.Open("../testdata/corpus.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var docs []corpusDoc
	for dec := json.NewDecoder(f); ; {
		var d corpusDoc
		if err := dec.Decode(&d); err == io.EOF {
			return docs
		} else if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
}

// TestExtractConcurrent: calls running at once (which share the pooled
// scratch memory) give what they give one at a time.
func TestExtractConcurrent(t *testing.T) {
	docs := corpus(t)
	want := make([][]article.Keyword, len(docs))
	for i, d := range docs {
		want[i] = Extract(d.Title, d.Text, d.Lang, 10)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for k := range docs {
				i := (k + g*len(docs)/4) % len(docs)
				d := docs[i]
				if got := Extract(d.Title, d.Text, d.Lang, 10); !reflect.DeepEqual(got, want[i]) {
					t.Errorf("doc %d: concurrent %v, alone %v", i, got, want[i])
				}
			}
		})
	}
	wg.Wait()
}
