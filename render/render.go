// Package render writes an article as Markdown or plain text, block for
// block as DESIGN §3 describes.
package render

import (
	"strings"

	"github.com/newsfeed/newsfeed/article"
)

// Markdown renders a as Markdown.
func Markdown(a *article.Article) string { return render(a, true) }

// Text renders a as plain text.
func Text(a *article.Article) string { return render(a, false) }

func render(a *article.Article, md bool) string {
	var blocks []string
	blocks = append(blocks, a.Title)
	if len(a.Authors) > 0 {
		names := make([]string, len(a.Authors))
		for i, n := range a.Authors {
			names[i] = n
			if md {
				names[i] = "[" + n + "](#)"
			}
		}
		blocks = append(blocks, "By "+joinNames(names))
	}
	if !a.PublishedAt.IsZero() {
		blocks = append(blocks, a.PublishedAt.Format("January 02, 2006"))
	}
	if a.Image != nil && (a.Image.Caption != "" || a.Image.Credit != "") {
		line := a.Image.Caption
		if a.Image.Credit != "" {
			credit := a.Image.Credit
			if md {
				credit = "**" + credit + "**"
			}
			line = strings.TrimSpace(line + " " + credit)
		}
		blocks = append(blocks, line)
	}
	if a.Text != "" {
		blocks = append(blocks, a.Text)
	}
	u := a.CanonicalURL
	if u == "" {
		u = a.URL
	}
	if md {
		u = "<" + u + ">"
	}
	blocks = append(blocks, "Original url:", u)
	return strings.Join(blocks, "\n\n") + "\n"
}

func joinNames(n []string) string {
	if len(n) == 1 {
		return n[0]
	}
	return strings.Join(n[:len(n)-1], ", ") + " and " + n[len(n)-1]
}
