package enricher

import (
	"context"
	"testing"

	"github.com/newsfeed/newsfeed/article"
)

func TestReadingMinutes(t *testing.T) {
	tests := []struct {
		words int
		lang  string
		want  int
	}{
		{0, "en", 0},
		{1, "en", 1},
		{228, "en", 1},
		{229, "en", 2},
		{1000, "en-US", 5},
		{1000, "de", 6},
		{1000, "ar", 8},
		{1000, "ja", 3},
		{1000, "xx", 5},
		{1000, "", 5},
	}
	for _, tt := range tests {
		if got := ReadingMinutes(tt.words, tt.lang); got != tt.want {
			t.Errorf("ReadingMinutes(%d, %q) = %d, want %d", tt.words, tt.lang, got, tt.want)
		}
	}
}

func TestReadingTimeCountsWords(t *testing.T) {
	a := &article.Article{Language: "en", Text: reference(t)}
	if err := (ReadingTime{}).Enrich(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	if a.WordCount != article.CountWords(a.Text) || a.ReadingTime != 2 {
		t.Errorf("words %d minutes %d", a.WordCount, a.ReadingTime)
	}
}

// TestCountWordsMatchesArticle pins countWords to article.CountWords.
func TestCountWordsMatchesArticle(t *testing.T) {
	texts := []string{"", "one two", "Russia's 2,100 people — “quoted”", "東京は晴れ mixed", "Ünïcödé wörds ça", "tab\tnew\nline", "a’b c'd", reference(t)}
	for _, d := range loadCorpus(t) {
		texts = append(texts, d.Text)
	}
	for _, s := range texts {
		if got, want := countWords(s), article.CountWords(s); got != want {
			t.Errorf("countWords(%.40q) = %d, article.CountWords = %d", s, got, want)
		}
	}
}

func FuzzCountWords(f *testing.F) {
	f.Add("Russia's 2,100 people 東京")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := countWords(s), article.CountWords(s); got != want {
			t.Fatalf("countWords(%q) = %d, article.CountWords = %d", s, got, want)
		}
	})
}
