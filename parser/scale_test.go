//go:build linux

package parser

import (
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the CPU time the process has used: steadier than wall time on
// a machine shared with other work.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestLinearTime checks that extraction time grows linearly with the size
// of pages built to hit each helper's worst case: five times the input
// must not take twenty-five times as long (the quadratic signature); the
// threshold, 15, leaves room for cache effects and a busy machine.
func TestLinearTime(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	text := "<p>" + strings.Repeat("Word of article text. ", 12) + "</p>"
	pages := []struct {
		name string
		page func(n int) string
	}{
		{"time elements under one parent", func(n int) string {
			return "<div>" + strings.Repeat(`<time class="updated" datetime="2020-01-01">day</time> words `, n) + "</div>" + text
		}},
		{"nested hidden elements", func(n int) string {
			return strings.Repeat(`<div hidden>`+strings.Repeat("<span></span>", 40), n) + strings.Repeat("w ", 2000) + strings.Repeat("</div>", n)
		}},
		{"images under empty wrappers", func(n int) string {
			return text + strings.Repeat("<div>", n) + strings.Repeat(`<img src="a.jpg">`, 20*n) + "caption" + strings.Repeat("</div>", n)
		}},
		{"nested byline elements", func(n int) string {
			return strings.Repeat(`<div class="author">`, n) + strings.Repeat("By Jane Doe and more words ", 10) + strings.Repeat("</div>", n) + text
		}},
		{"candidates deep down", func(n int) string {
			return strings.Repeat(`<div class="related">`, 200) + strings.Repeat(text, n) + strings.Repeat("</div>", 200)
		}},
		{"articles in one container", func(n int) string {
			return `<main><h1>Headline of it</h1>` + strings.Repeat("<article>"+text+text+"</article>", n) + "</main>"
		}},
		{"huge title", func(n int) string {
			return "<title>" + strings.Repeat("ab | ", 40*n) + "</title>" + text
		}},
		{"many authors", func(n int) string {
			var b strings.Builder
			for i := 0; i < n; i++ {
				b.WriteString(`<a rel="author" href="/a">Author Number` + strings.Repeat("x", i%50) + `</a>`)
			}
			return b.String() + strings.Repeat(text, n/4+1)
		}},
		{"date-named elements without a date", func(n int) string {
			return "<h1>Headline of it</h1>" + strings.Repeat(`<div class="post-meta">Item 1234 of 5678, 12/34/5678</div>`, n) + text
		}},
		{"nested date-named elements", func(n int) string {
			return "<h1>Headline of it</h1>" + strings.Repeat(`<div class="date">12 34 5678 `, n) + strings.Repeat("</div>", n) + text
		}},
		{"ingredients in weak boxes", func(n int) string {
			return text + strings.Repeat(`<div class="info"><ul class="ingredients"><li>1 egg</li></ul></div>`, n) + text
		}},
		{"tab panes and panel toggles", func(n int) string {
			return `<div class="tab-content">` + strings.Repeat(`<div class="tab-pane"><div class="card-header"><span aria-expanded="false">Question?</span></div>`+text+`</div>`, n) + `</div>`
		}},
		{"standfirst search", func(n int) string {
			return "<div><h1>Headline of it</h1>" + strings.Repeat(`<div class="lead"><div><div>`+strings.Repeat("<span>x</span>", 20)+`</div></div></div>`, n) + "</div>" + text
		}},
	}
	ex := New(nil)
	run := func(page []byte) time.Duration {
		best := time.Hour
		for i := 0; i < 5; i++ {
			runtime.GC()
			start := cpuTime()
			if _, err := ex.Extract(page, Options{URL: "https://example.org/news/1"}); err != nil && err != ErrNotArticle {
				t.Fatal(err)
			}
			best = min(best, cpuTime()-start)
		}
		return best
	}
	for _, p := range pages {
		small := run([]byte("<html><body>" + p.page(100) + "</body></html>"))
		large := run([]byte("<html><body>" + p.page(500) + "</body></html>"))
		ratio := float64(large) / float64(max(small, time.Microsecond))
		t.Logf("%s: %v -> %v (%.1fx)", p.name, small, large, ratio)
		if ratio > 15 {
			t.Errorf("%s: 5x the input took %.1fx the time (%v -> %v)", p.name, ratio, small, large)
		}
	}
}
