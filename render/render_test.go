package render

import (
	"strings"
	"testing"
	"time"

	"github.com/newsfeed/newsfeed/article"
)

func TestRenditions(t *testing.T) {
	a := &article.Article{
		Title:        "Headline",
		Authors:      []string{"A One", "B Two", "C Three"},
		PublishedAt:  time.Date(2022, 8, 3, 23, 30, 0, 0, time.FixedZone("", 3*3600)),
		Image:        &article.Image{Caption: "A caption.", Credit: "Agency"},
		Text:         "First paragraph.\n\nSubhead\n\nSecond paragraph.",
		CanonicalURL: "https://example.org/a/1",
	}
	md := Markdown(a)
	for _, want := range []string{"Headline\n\nBy [A One](#), [B Two](#) and [C Three](#)\n\nAugust 03, 2022\n\nA caption. **Agency**\n\nFirst paragraph.", "Original url:\n\n<https://example.org/a/1>\n"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	txt := Text(a)
	if strings.ContainsAny(txt, "*[<") || !strings.Contains(txt, "By A One, B Two and C Three") || !strings.HasSuffix(txt, "https://example.org/a/1\n") {
		t.Errorf("text rendition:\n%s", txt)
	}
	// The date is in the publisher's offset, not UTC (UTC would be August 03
	// too late in the day; check a case where they differ).
	a.PublishedAt = time.Date(2022, 8, 4, 1, 0, 0, 0, time.FixedZone("", 3*3600))
	if !strings.Contains(Markdown(a), "August 04, 2022") {
		t.Error("date not in the publisher's offset")
	}
	// No authors, no image: those blocks are left out.
	b := &article.Article{Title: "T", URL: "https://example.org/b", Text: "Body."}
	if got := Markdown(b); got != "T\n\nBody.\n\nOriginal url:\n\n<https://example.org/b>\n" {
		t.Errorf("minimal markdown %q", got)
	}
}
