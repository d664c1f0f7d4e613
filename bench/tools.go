// Package bench compares newsfeed's article extractor with its peers
// (go-trafilatura, readeck go-readability) on the development corpus. It is
// a separate module so that the daemon's go.mod does not carry the peers.
package bench

import (
	"bytes"
	"net/url"
	"strings"
	"time"

	readability "codeberg.org/readeck/go-readability/v2"
	trafilatura "github.com/markusmobius/go-trafilatura"

	"github.com/newsfeed/newsfeed/parser"
)

// Result is what one tool extracted from one page.
type Result struct {
	Text     string
	TextOnly string // ours: the text field alone, without the subtitle
	Title    string
	Authors  []string
	Date     time.Time
	Caption  string
	Credit   string
	Lang     string
	Err      error
}

// Tool is an extractor under comparison. Image reports whether it gives
// the lead image's caption and credit.
type Tool struct {
	Name  string
	Image bool
	Run   func(page []byte, pageURL string) Result
}

// Ours returns newsfeed's extractor as a Tool.
func Ours() Tool {
	ex := parser.New(nil)
	return Tool{Name: "newsfeed", Image: true, Run: func(page []byte, u string) Result {
		a, err := ex.Extract(page, parser.Options{URL: u})
		if err != nil {
			return Result{Err: err}
		}
		r := Result{Text: a.Text, TextOnly: a.Text, Title: a.Title, Authors: a.Authors, Date: a.PublishedAt, Lang: a.Language}
		// The standfirst is part of the body in the ground truth; newsfeed
		// keeps it in subtitle.
		if a.Subtitle != "" && !strings.Contains(a.Text, a.Subtitle) {
			r.Text = a.Subtitle + "\n\n" + a.Text
		}
		if a.Image != nil {
			r.Caption, r.Credit = a.Image.Caption, a.Image.Credit
		}
		return r
	}}
}

// Trafilatura returns go-trafilatura with its fallback extractors enabled
// (its most accurate setting).
func Trafilatura(fallback bool) Tool {
	name := "go-trafilatura"
	if !fallback {
		name += " (no fallback)"
	}
	return Tool{Name: name, Run: func(page []byte, u string) Result {
		pu, _ := url.Parse(u)
		res, err := trafilatura.Extract(bytes.NewReader(page), trafilatura.Options{
			OriginalURL:     pu,
			EnableFallback:  fallback,
			ExcludeComments: true,
		})
		if err != nil || res == nil {
			return Result{Err: err}
		}
		r := Result{Text: res.ContentText, Title: res.Metadata.Title, Date: res.Metadata.Date, Lang: res.Metadata.Language}
		if res.Metadata.Author != "" {
			for _, a := range strings.Split(res.Metadata.Author, ";") {
				if a = strings.TrimSpace(a); a != "" {
					r.Authors = append(r.Authors, a)
				}
			}
		}
		return r
	}}
}

// Readability returns readeck's go-readability.
func Readability() Tool {
	return Tool{Name: "go-readability", Run: func(page []byte, u string) Result {
		pu, _ := url.Parse(u)
		art, err := readability.FromReader(bytes.NewReader(page), pu)
		if err != nil {
			return Result{Err: err}
		}
		var b strings.Builder
		if art.Node != nil {
			_ = art.RenderText(&b)
		}
		r := Result{Text: b.String(), Title: art.Title(), Lang: art.Language()}
		if by := art.Byline(); by != "" {
			r.Authors = []string{by}
		}
		if t, err := art.PublishedTime(); err == nil {
			r.Date = t
		}
		return r
	}}
}
