package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/PuerkitoBio/goquery"

	"github.com/newsfeed/newsfeed/internal/charset"
)

// doc is one evaluation document: its text and the language its page
// declares.
type doc struct {
	ID       string
	Declared string // html lang attribute, as written
	Title    string
	Text     string // paragraphs separated by blank lines
	Set      string // fundus or trafilatura-eval
	HTMLPath string // the gzipped page, relative to the corpus root
}

type fundusLine struct {
	ID         string   `json:"id"`
	HTML       string   `json:"html"`
	HTMLLang   *string  `json:"html_lang"`
	Title      string   `json:"title"`
	Paragraphs []string `json:"paragraphs"`
	Summary    []string `json:"summary"`
	Publisher  string   `json:"publisher"`
}

// loadFundus reads pages/fundus/index.jsonl: the ground-truth paragraphs
// are the text.
func loadFundus(root string) ([]doc, error) {
	f, err := os.Open(filepath.Join(root, "pages", "fundus", "index.jsonl"))
	if err != nil {
		return nil, fmt.Errorf("fundus: %w", err)
	}
	defer f.Close()
	var docs []doc
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for sc.Scan() {
		var l fundusLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, fmt.Errorf("fundus: %w", err)
		}
		d := doc{ID: l.ID, Title: l.Title, Set: "fundus", Text: strings.Join(l.Paragraphs, "\n\n"), HTMLPath: l.HTML}
		if l.HTMLLang != nil {
			d.Declared = *l.HTMLLang
		}
		docs = append(docs, d)
	}
	return docs, sc.Err()
}

type trafLine struct {
	ID       string  `json:"id"`
	HTML     string  `json:"html"`
	HTMLLang *string `json:"html_lang"`
}

// loadTrafilatura reads pages/trafilatura-eval/index.jsonl and dumps each
// page's body text with goquery (scripts, styles and navigation removed).
func loadTrafilatura(root string) ([]doc, error) {
	f, err := os.Open(filepath.Join(root, "pages", "trafilatura-eval", "index.jsonl"))
	if err != nil {
		return nil, fmt.Errorf("trafilatura: %w", err)
	}
	defer f.Close()
	var docs []doc
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 64<<20)
	for sc.Scan() {
		var l trafLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			return nil, fmt.Errorf("trafilatura: %w", err)
		}
		d := doc{ID: l.ID, Set: "trafilatura-eval"}
		if l.HTMLLang != nil {
			d.Declared = *l.HTMLLang
		}
		title, text, err := pageText(filepath.Join(root, l.HTML))
		if err != nil {
			return nil, fmt.Errorf("trafilatura: %s: %w", l.ID, err)
		}
		d.Title, d.Text = title, text
		docs = append(docs, d)
	}
	return docs, sc.Err()
}

// pageText returns the title and a text dump of a gzipped HTML page.
func pageText(path string) (string, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", "", err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return "", "", err
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return "", "", err
	}
	body, _ := charset.DecodeHTML(raw, "")
	d, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return "", "", err
	}
	d.Find("script, style, noscript, nav, header, footer, aside, form, iframe, svg, template").Remove()
	var parts []string
	d.Find("h1, h2, h3, h4, p, li, blockquote, td").Each(func(_ int, s *goquery.Selection) {
		if s.Find("p, li, td").Length() > 0 {
			return
		}
		t := strings.Join(strings.Fields(s.Text()), " ")
		if t != "" {
			parts = append(parts, t)
		}
	})
	title := strings.Join(strings.Fields(d.Find("title").First().Text()), " ")
	return title, strings.Join(parts, "\n\n"), nil
}
