package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/newsfeed/newsfeed/bench"
)

// The goose3 and newspaper4k pages come with those tools' own output, not
// human truth: agreement with them is a regression signal (issue 3), read
// in a table of its own.

// snapshot holds a tool snapshot's values; empty fields are not scored.
type snapshot struct {
	title, date, lang string
	authors           []string // nil: not given
	prefix            string   // goose3: the start of its cleaned text
	body              string   // newspaper4k: its whole text
}

func loadGoose3(root string) ([]page, error) {
	dir := filepath.Join(root, "pages/goose3")
	files, err := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var out []page
	for _, f := range files {
		html, err := readGz(strings.TrimSuffix(f, ".json") + ".html.gz")
		if err != nil {
			continue // a snapshot without its page
		}
		raw, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var d struct {
			URL      string `json:"url"`
			Expected struct {
				FinalURL    string   `json:"final_url"`
				Title       string   `json:"title"`
				PublishDate string   `json:"publish_date"`
				Authors     []string `json:"authors"`
				CleanedText string   `json:"cleaned_text"`
				MetaLang    string   `json:"meta_lang"`
			} `json:"expected"`
		}
		if err := json.Unmarshal(raw, &d); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		e := d.Expected
		u := d.URL
		if u == "" {
			u = e.FinalURL
		}
		if u == "" {
			u = "http://example.com/article"
		}
		rel, _ := filepath.Rel(dir, f)
		out = append(out, page{set: "goose3", id: "goose3/" + rel, url: u, html: html, snap: snapshot{
			title: e.Title, date: isoDay(e.PublishDate), lang: e.MetaLang, authors: e.Authors, prefix: e.CleanedText,
		}})
	}
	return out, nil
}

func loadNewspaper4k(root string) ([]page, error) {
	dir := filepath.Join(root, "pages/newspaper4k")
	files, err := filepath.Glob(filepath.Join(dir, "html", "*.html.gz"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var out []page
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".html.gz")
		html, err := readGz(f)
		if err != nil {
			return nil, err
		}
		p := page{set: "newspaper4k", id: "newspaper4k/" + name, url: "http://example.com/" + name, html: html}
		if txt, err := os.ReadFile(filepath.Join(dir, "txt", name+".txt")); err == nil {
			p.snap.body = string(txt)
		}
		if raw, err := os.ReadFile(filepath.Join(dir, "metadata", name+".json")); err == nil {
			var m struct {
				URL         string   `json:"url"`
				Title       string   `json:"title"`
				Authors     []string `json:"authors"`
				PublishDate string   `json:"publish_date"`
				Language    string   `json:"language"`
			}
			if err := json.Unmarshal(raw, &m); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			if m.URL != "" {
				p.url = m.URL
			}
			p.snap.title, p.snap.date, p.snap.lang = m.Title, isoDay(m.PublishDate), m.Language
			p.snap.authors = m.Authors
			if p.snap.authors == nil {
				p.snap.authors = []string{}
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// isoDay is the day of an ISO 8601 date ("" for other forms, which are
// not scored).
func isoDay(s string) string {
	s = strings.TrimSpace(s)
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return ""
	}
	return s[:10]
}

// snapshotTable prints agreement with the goose3 and newspaper4k
// snapshots, one row per tool and part.
func snapshotTable(pages []page, results map[string][]bench.Result, tools []bench.Tool) {
	has := false
	for _, p := range pages {
		if p.set == "goose3" || p.set == "newspaper4k" {
			has = true
			break
		}
	}
	if !has {
		return
	}
	fmt.Println()
	fmt.Println("Agreement with the goose3 and newspaper4k snapshots (those tools' output, a regression signal, not truth):")
	fmt.Println()
	fmt.Println("| tool | part | goose3 title | date | authors | lang | body prefix found | newspaper4k title | date | authors | lang | body F1 |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, t := range tools {
		res := results[t.Name]
		for _, part := range []string{"dev", "hold-out", "all"} {
			var g, n [5]acc
			var body bench.Corpus
			for i, p := range pages {
				if part != "all" && (part == "hold-out") != p.holdout {
					continue
				}
				r, s := res[i], p.snap
				var a *[5]acc
				switch p.set {
				case "goose3":
					a = &g
				case "newspaper4k":
					a = &n
				default:
					continue
				}
				if s.title != "" {
					a[0].add(b2f(bench.NormTitle(r.Title) == bench.NormTitle(s.title)))
				}
				if s.date != "" {
					a[1].add(b2f(!r.Date.IsZero() && r.Date.Format("2006-01-02") == s.date))
				}
				if s.authors != nil && (p.set == "newspaper4k" || len(s.authors) > 0) {
					a[2].add(bench.SetF1(r.Authors, s.authors))
				}
				if s.lang != "" {
					a[3].add(b2f(strings.EqualFold(strings.SplitN(r.Lang, "-", 2)[0], strings.SplitN(s.lang, "-", 2)[0])))
				}
				if s.prefix != "" {
					want := bench.NormText(s.prefix)
					want = want[:min(len(want), 80)]
					a[4].add(b2f(strings.Contains(bench.NormText(r.Text), want)))
				}
				if s.body != "" {
					body.Add(bench.MatchShingles(r.Text, s.body))
				}
			}
			bodyF := "–"
			if body.N() > 0 {
				bodyF = fmt.Sprintf("%.3f", body.F1())
			}
			fmt.Printf("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", t.Name, part,
				g[0], g[1], g[2], g[3], g[4], n[0], n[1], n[2], n[3], bodyF)
		}
	}
}
