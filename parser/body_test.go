package parser

import (
	"strings"
	"testing"
)

// para returns a paragraph of n sentences that all start with word.
func para(word string, n int) string {
	return "<p>" + strings.Repeat(word+" is a sentence of ordinary article prose with no links in it. ", n) + "</p>"
}

// TestBodyRules pins the generic body rules: each page must give a text
// that holds every must snippet and none of the mustNot ones.
func TestBodyRules(t *testing.T) {
	for _, tc := range []struct {
		name          string
		page          string
		must, mustNot []string
	}{
		{
			name: "next story appended below the first",
			page: `<html><head><meta property="og:title" content="First story headline"></head><body><main>
<article><h1>First story headline</h1>` + para("Alpha", 3) + para("Beta", 3) + `</article>
<div class="under"><article><h1>Second story headline</h1>` + para("Gamma", 4) + para("Delta", 4) + para("Epsilon", 4) + `</article></div>
</main></body></html>`,
			must:    []string{"Alpha is", "Beta is"},
			mustNot: []string{"Gamma", "Delta", "Epsilon"},
		},
		{
			name: "live blog posts are all kept",
			page: `<html><head><meta property="og:title" content="Live: the day in news"></head><body><main>
<h1>Live: the day in news</h1>
<article>` + para("Alpha", 3) + `</article><article>` + para("Beta", 3) + `</article><article>` + para("Gamma", 3) + `</article>
</main></body></html>`,
			must: []string{"Alpha is", "Beta is", "Gamma is"},
		},
	} {
		a, err := New(nil).Extract([]byte(tc.page), Options{URL: "https://example.org/news/1"})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for _, s := range tc.must {
			if !strings.Contains(a.Text, s) {
				t.Errorf("%s: %q missing from %q", tc.name, s, a.Text)
			}
		}
		for _, s := range tc.mustNot {
			if strings.Contains(a.Text, s) {
				t.Errorf("%s: %q kept in %q", tc.name, s, a.Text)
			}
		}
	}
}
