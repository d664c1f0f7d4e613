package pipeline

import (
	"strings"
	"testing"

	"github.com/newsfeed/newsfeed/parser/feed"
)

// TestFallbackArticle checks the article built from a feed item alone: the
// feed's markup is sanitised before its text is read.
func TestFallbackArticle(t *testing.T) {
	for _, tc := range []struct {
		name, summary, content, text, html string
	}{
		{"plain summary", "Q&A with the minister", "", "Q&A with the minister", "Q&amp;A with the minister"},
		{"script code is not text", `Safe<script>location.href="http://e.com/"</script> words`, "", "Safe words", "Safe words"},
		{"content over summary, paragraphs kept", "short", `<p>One <a href="/x">link</a>.</p><p onclick="x()">Two.</p>`,
			"One link.\n\nTwo.", `<p>One <a href="https://news.example/x">link</a>.</p><p>Two.</p>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			im := &ItemMsg{Item: feed.Item{Title: "T", Summary: tc.summary, Content: tc.content}}
			a := fallbackArticle(im, "https://news.example/story/1")
			if a.Text != tc.text {
				t.Errorf("text %q, want %q", a.Text, tc.text)
			}
			if a.HTML != tc.html {
				t.Errorf("html %q, want %q", a.HTML, tc.html)
			}
			if strings.Contains(a.Text, "location.href") {
				t.Error("script code in the text")
			}
		})
	}
}
