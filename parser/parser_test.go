package parser

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsfeed/newsfeed/render"
)

var update = flag.Bool("update", false, "rewrite golden files")

const mtCanon = "https://www.themoscowtimes.com/2022/08/03/russia-backs-myanmar-juntas-efforts-to-stabilize-count-ry-fm-a78492"

// mdnorm mirrors shared/checks/lib/mdnorm.py: link targets dropped, trailing
// spaces stripped, runs of blank lines folded, leading and trailing blank
// lines removed.
func mdnorm(s string) string {
	s = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`).ReplaceAllString(s, "$1")
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		l = strings.TrimRight(l, " \t")
		if l == "" && (len(out) == 0 || out[len(out)-1] == "") {
			continue
		}
		out = append(out, l)
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return strings.Join(out, "\n") + "\n"
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(path, ".gz") {
		z, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if b, err = io.ReadAll(z); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

func TestMoscowTimesReference(t *testing.T) {
	page := readFile(t, "../internal/testsite/reference/moscowtimes-article.html")
	wantMD := readFile(t, "../internal/testsite/reference/moscowtimes-article.md")
	var exp struct {
		Title, CanonicalURL, PublishedAt, UpdatedAt, Language, Section, SiteName string
		Authors, Tags, MustNotContain                                            []string
		Image                                                                    struct{ URL, Caption, Credit string }
	}
	raw := readFile(t, "../internal/testsite/reference/moscowtimes-article.expected.json")
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	for k, dst := range map[string]any{"title": &exp.Title, "canonical_url": &exp.CanonicalURL, "published_at": &exp.PublishedAt,
		"updated_at": &exp.UpdatedAt, "language": &exp.Language, "section": &exp.Section, "site_name": &exp.SiteName,
		"authors": &exp.Authors, "tags": &exp.Tags, "must_not_contain": &exp.MustNotContain, "image": &exp.Image} {
		if err := json.Unmarshal(m[k], dst); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
	}
	for _, rules := range []map[string]Rule{nil, {"themoscowtimes.com": {}}} {
		ex := New(rules)
		a, err := ex.Extract(page, Options{URL: mtCanon})
		if err != nil {
			t.Fatal(err)
		}
		method := a.Extraction.Method
		if got, want := mdnorm(render.Markdown(a)), mdnorm(string(wantMD)); got != want {
			t.Errorf("%s: markdown differs:\n--- got\n%s\n--- want\n%s", method, got, want)
		}
		j, _ := json.Marshal(a)
		var got map[string]any
		_ = json.Unmarshal(j, &got)
		for k, want := range map[string]string{"title": exp.Title, "canonical_url": exp.CanonicalURL, "published_at": exp.PublishedAt,
			"updated_at": exp.UpdatedAt, "language": exp.Language, "site_name": exp.SiteName} {
			if got[k] != want {
				t.Errorf("%s: %s = %v, want %v", method, k, got[k], want)
			}
		}
		if !strings.EqualFold(a.Section, exp.Section) {
			t.Errorf("%s: section %q", method, a.Section)
		}
		if strings.Join(a.Authors, "|") != strings.Join(exp.Authors, "|") {
			t.Errorf("%s: authors %q", method, a.Authors)
		}
		tags := map[string]bool{}
		for _, tg := range a.Tags {
			tags[tg] = true
		}
		for _, tg := range exp.Tags {
			if !tags[tg] {
				t.Errorf("%s: tag %q missing from %q", method, tg, a.Tags)
			}
		}
		if a.Image == nil || a.Image.URL != exp.Image.URL || a.Image.Caption != exp.Image.Caption || a.Image.Credit != exp.Image.Credit {
			t.Errorf("%s: image %+v", method, a.Image)
		}
		for _, s := range exp.MustNotContain {
			if strings.Contains(a.Text, s) || strings.Contains(a.HTML, s) {
				t.Errorf("%s: boilerplate %q kept", method, s)
			}
		}
		if a.IsArticle == nil || !*a.IsArticle {
			t.Errorf("%s: not flagged as an article", method)
		}
	}
	// The built-in rule is used, and says so.
	a, _ := New(nil).Extract(page, Options{URL: mtCanon})
	if a.Extraction.Method != "site-rule" || a.Extraction.Rule != "themoscowtimes" || a.Extraction.Version == "" {
		t.Errorf("extraction = %+v", a.Extraction)
	}
	// Without a URL the generic extractor does the same job.
	a, _ = New(nil).Extract(page, Options{})
	if a.Extraction.Method != "generic" || !strings.Contains(a.Text, "groups of arming the military") || strings.Contains(a.Text, "Most read") {
		t.Errorf("generic: %+v", a.Extraction)
	}
	if _, err := json.Marshal(a); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(a.HTML, "<h3>") || strings.Contains(a.HTML, "<div") || strings.Contains(a.HTML, "<script") {
		t.Errorf("html not in the DESIGN element set: %.300s", a.HTML)
	}
}

// shingleF1 is the body metric of the evaluation: F1 over 4-grams of
// lower-cased word tokens.
func shingleF1(got, want string) float64 {
	re := regexp.MustCompile(`[\p{L}\p{N}_]+`)
	sh := func(s string) map[string]int {
		toks := re.FindAllString(strings.ToLower(s), -1)
		m := map[string]int{}
		for i := 0; i+4 <= len(toks); i++ {
			m[strings.Join(toks[i:i+4], " ")]++
		}
		return m
	}
	g, w := sh(got), sh(want)
	ng, nw, in := 0, 0, 0
	for k, c := range g {
		ng += c
		in += min(c, w[k])
	}
	for _, c := range w {
		nw += c
	}
	if ng == 0 || nw == 0 || in == 0 {
		return 0
	}
	p, r := float64(in)/float64(ng), float64(in)/float64(nw)
	return 2 * p * r / (p + r)
}

func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/pages/*.html.gz")
	if len(files) == 0 {
		t.Fatal("no golden pages")
	}
	ex := New(nil)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".html.gz")
		t.Run(name, func(t *testing.T) {
			var want struct {
				URL, Title, Body string
				Authors          []string
				Date             string `json:"publishing_date"`
			}
			if err := json.Unmarshal(readFile(t, "testdata/pages/"+name+".want.json"), &want); err != nil {
				t.Fatal(err)
			}
			a, err := ex.Extract(readFile(t, f), Options{URL: want.URL})
			if err != nil {
				t.Fatal(err)
			}
			body := a.Text
			if a.Subtitle != "" && !strings.Contains(body, a.Subtitle) {
				body = a.Subtitle + "\n\n" + body
			}
			if f1 := shingleF1(body, want.Body); f1 < 0.9 {
				t.Errorf("body F1 %.3f < 0.9", f1)
			}
			if len(a.Authors) == 0 || !strings.EqualFold(a.Authors[0], want.Authors[0]) {
				t.Errorf("authors %q, want %q", a.Authors, want.Authors)
			}
			wd, err := time.Parse("2006-01-02 15:04:05.999999-07:00", want.Date)
			if err != nil {
				wd, _ = time.Parse("2006-01-02 15:04:05-07:00", want.Date)
			}
			if !a.PublishedAt.Truncate(time.Minute).Equal(wd.Truncate(time.Minute)) {
				t.Errorf("published %v, want %v", a.PublishedAt, wd)
			}
			md := render.Markdown(a)
			golden := "testdata/pages/" + name + ".golden.md"
			if *update {
				if err := os.WriteFile(golden, []byte(md), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if g := string(readFile(t, golden)); g != md {
				t.Errorf("markdown differs from %s (run with -update after checking the change)", golden)
			}
		})
	}
}

func TestFailures(t *testing.T) {
	ex := New(nil)
	deep := strings.Repeat("<div>", 600) + "text" + strings.Repeat("</div>", 600)
	big := make([]byte, MaxPageSize+1)
	copy(big, "<html>")
	for _, tc := range []struct {
		name string
		page []byte
		want error
	}{
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), ErrNotHTML},
		{"pdf", []byte("%PDF-1.7 <<>>"), ErrNotHTML},
		{"binary", []byte{0, 1, 2, 3, '<', 'a', '>'}, ErrNotHTML},
		{"plain text", []byte("no markup at all"), ErrNotHTML},
		{"empty", []byte{}, ErrNotHTML},
		{"too deep", []byte(deep), ErrTooDeep},
		{"too large", big, ErrTooLarge},
		{"empty html", []byte("<html><body></body></html>"), ErrNotArticle},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := ex.Extract(tc.page, Options{URL: "https://example.org/a/1"})
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if a != nil {
				t.Fatal("result with an error")
			}
		})
	}
}

func TestNotArticle(t *testing.T) {
	home := `<html lang="en"><head><title>Example News</title><meta property="og:type" content="website"></head><body>
<nav><a href="/a">World</a> <a href="/b">Politics</a></nav>
<ul><li><a href="/2024/01/01/one">First headline of the day here</a></li><li><a href="/2024/01/01/two">Second headline of the day here</a></li></ul>
<p>Welcome to Example News.</p></body></html>`
	a, err := New(nil).Extract([]byte(home), Options{URL: "https://example.org/"})
	if err != nil {
		t.Fatal(err)
	}
	if a.IsArticle == nil || *a.IsArticle {
		t.Fatalf("home page flagged as an article: %+v", a)
	}
}

func TestCharsets(t *testing.T) {
	const title = "Лавров поддержал усилия хунты Мьянмы"
	const para = "Министр иностранных дел России Сергей Лавров заявил в среду, что Москва поддерживает усилия военных властей Мьянмы по стабилизации обстановки в стране, сообщили государственные СМИ."
	page := `<html><head><meta charset="%s"><title>` + title + `</title></head><body><article><h1>` + title + `</h1><p>` + para + `</p><p>` + para + `</p></article></body></html>`
	for _, tc := range []struct{ label, header string }{
		{"windows-1251", ""}, {"koi8-r", ""}, {"iso-8859-5", ""}, {"utf-8", ""}, {"", "text/html; charset=windows-1251"},
	} {
		t.Run(tc.label+tc.header, func(t *testing.T) {
			enc := tc.label
			if enc == "" {
				enc = "windows-1251"
			}
			src := encode(t, enc, strings.Replace(page, "%s", tc.label, 1))
			a, err := New(nil).Extract(src, Options{ContentType: tc.header})
			if err != nil {
				t.Fatal(err)
			}
			if a.Title != title || !strings.Contains(a.Text, "Сергей Лавров") {
				t.Fatalf("title %q text %.80q", a.Title, a.Text)
			}
		})
	}
	// Shift_JIS.
	ja := "<html><head><meta charset=\"shift_jis\"><title>東京の天気</title></head><body><article><h1>東京の天気</h1><p>" +
		strings.Repeat("今日の東京は晴れで、最高気温は二十五度の見込みです。", 6) + "</p></article></body></html>"
	a, err := New(nil).Extract(encode(t, "shift_jis", ja), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "東京の天気" || !strings.Contains(a.Text, "最高気温") {
		t.Fatalf("shift_jis: %q %.60q", a.Title, a.Text)
	}
}

func TestConcurrentUse(t *testing.T) {
	page := readFile(t, "../internal/testsite/reference/moscowtimes-article.html")
	ex := New(nil)
	want, _ := ex.Extract(page, Options{URL: mtCanon})
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 5; j++ {
				a, err := ex.Extract(page, Options{URL: mtCanon})
				if err != nil || a.Text != want.Text || a.Title != want.Title {
					t.Errorf("concurrent extraction differs: %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestConcurrentPages extracts pages of different sizes from several
// goroutines in different orders: scorers are reused across pages, and
// every result must be what a lone extraction gives.
func TestConcurrentPages(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "pages", "*.html.gz"))
	files = append(files, "../internal/testsite/reference/moscowtimes-article.html")
	ex := New(nil)
	var pages [][]byte
	var want []string
	for _, f := range files {
		p := readFile(t, f)
		a, err := ex.Extract(p, Options{URL: mtCanon})
		if err != nil {
			t.Fatal(err)
		}
		j, _ := json.Marshal(a)
		pages, want = append(pages, p), append(want, string(j))
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 3*len(pages); k++ {
				i := (k*(g+1) + g) % len(pages)
				a, err := ex.Extract(pages[i], Options{URL: mtCanon})
				if err != nil {
					t.Error(err)
					return
				}
				if j, _ := json.Marshal(a); string(j) != want[i] {
					t.Errorf("%s: concurrent extraction differs", files[i])
					return
				}
			}
		}()
	}
	wg.Wait()
}
