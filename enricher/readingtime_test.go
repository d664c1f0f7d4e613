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
