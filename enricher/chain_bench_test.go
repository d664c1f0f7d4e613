package enricher_test

import (
	"context"
	"strings"
	"testing"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/enricher"
)

// BenchmarkChain measures the enricher chain the daemon runs on every
// article (on main: word count only; the full chain is being written).
func BenchmarkChain(b *testing.B) {
	para := "Government ministers said on Wednesday that the new policy would take effect next month, after parliament approved the measure despite strong opposition from regional leaders. "
	text := strings.TrimSpace(strings.Repeat(para+"\n\n", 20)) // ~560 words
	chain := enricher.NewChain(nil, enricher.WordCount{})
	ctx := context.Background()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		a := &article.Article{Title: "Policy takes effect", Text: text, Language: "en"}
		if err := chain.Enrich(ctx, a); err != nil {
			b.Fatal(err)
		}
		if a.WordCount == 0 {
			b.Fatal("no words counted")
		}
	}
}
