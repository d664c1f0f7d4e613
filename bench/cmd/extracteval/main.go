// Command extracteval scores newsfeed's extractor and its peers on the
// development corpus (/work/shared/testdata or another copy given by -data):
//
//	fundus: body precision, recall and F1 over 4-gram shingles exactly as
//	        the public article-extraction benchmark computes them (F1 of
//	        mean precision and mean recall), plus the mean of the pages'
//	        own F1; title exact, authors set F1, date to the minute, cover
//	        caption and credit exact;
//	trafilatura-eval: share of "with" snippets found, share of "without"
//	        snippets wrongly kept;
//	readability: title, byline and language against Readability.js's
//	        metadata (a regression check, not human truth).
//
// Pages are split by a hash of their id into a development part and a
// hold-out part (-holdout percent), reported separately and together.
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/newsfeed/newsfeed/bench"
)

type page struct {
	set, id, url string
	html         []byte
	// fundus
	body, title string
	authors     []string
	date        time.Time
	hasDate     bool
	naiveDate   bool
	caption     string
	credit      string
	// trafilatura-eval
	with, without []string
	// trafilatura-eval metadata, where annotated
	trafTitle, trafDate string
	trafAuthors         []string
	// goose3, newspaper4k
	snap snapshot
	// readability
	byline, lang string
	holdout      bool
}

func main() {
	data := flag.String("data", "/work/shared/testdata", "corpus root")
	toolsF := flag.String("tools", "newsfeed,go-trafilatura,go-readability", "tools to run")
	holdout := flag.Int("holdout", 30, "percent of pages held out (by hash of id)")
	details := flag.String("details", "", "write per-page results (JSON lines) to this file")
	sets := flag.String("sets", "fundus,trafilatura-eval,readability,goose3,newspaper4k", "page sets")
	withText := flag.Bool("text", false, "include extracted and expected text in -details")
	workers := flag.Int("workers", 2, "pages extracted in parallel")
	flag.Parse()

	var pages []page
	for _, s := range strings.Split(*sets, ",") {
		var ps []page
		var err error
		switch s {
		case "fundus":
			ps, err = loadFundus(*data)
		case "trafilatura-eval":
			ps, err = loadTrafEval(*data)
		case "readability":
			ps, err = loadReadability(*data)
		case "goose3":
			ps, err = loadGoose3(*data)
		case "newspaper4k":
			ps, err = loadNewspaper4k(*data)
		default:
			err = fmt.Errorf("unknown page set %q", s)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "extracteval:", err)
			os.Exit(1)
		}
		pages = append(pages, ps...)
	}
	for i := range pages {
		h := fnv.New32a()
		h.Write([]byte(pages[i].id))
		pages[i].holdout = int(h.Sum32()%100) < *holdout
	}

	var tools []bench.Tool
	for _, t := range strings.Split(*toolsF, ",") {
		switch t {
		case "newsfeed":
			tools = append(tools, bench.Ours())
		case "go-trafilatura":
			tools = append(tools, bench.Trafilatura(true))
		case "go-trafilatura-nofallback":
			tools = append(tools, bench.Trafilatura(false))
		case "go-readability":
			tools = append(tools, bench.Readability())
		}
	}
	var det *json.Encoder
	if *details != "" {
		f, err := os.Create(*details)
		if err != nil {
			fmt.Fprintln(os.Stderr, "extracteval:", err)
			os.Exit(1)
		}
		defer f.Close()
		det = json.NewEncoder(f)
	}

	fmt.Printf("pages: %d (hold-out %d%% by id hash)\n\n", len(pages), *holdout)
	fmt.Println("| tool | part | fundus body P | R | F1 | mean page F1 | title | authors | date | caption | credit | traf `with` found | traf `without` kept | traf title | traf authors | traf date | readability title | byline | lang | s/page |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	results := map[string][]bench.Result{}
	for _, t := range tools {
		start := time.Now()
		res := make([]bench.Result, len(pages))
		var wg sync.WaitGroup
		next := make(chan int)
		for w := 0; w < *workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					res[i] = run(t, pages[i])
				}
			}()
		}
		for i := range pages {
			next <- i
		}
		close(next)
		wg.Wait()
		results[t.Name] = res
		perPage := time.Since(start).Seconds() / float64(len(pages)) * float64(*workers)
		for _, part := range []string{"dev", "hold-out", "all"} {
			var sel []int
			for i, p := range pages {
				if part == "all" || (part == "hold-out") == p.holdout {
					sel = append(sel, i)
				}
			}
			s := score(pages, res, sel, t.Image)
			fmt.Printf("| %s | %s | %s | %.3f |\n", t.Name, part, s, perPage)
		}
		if det != nil {
			for i, p := range pages {
				r := res[i]
				d := map[string]any{"tool": t.Name, "set": p.set, "id": p.id, "holdout": p.holdout}
				if p.set == "fundus" {
					pp, rr, ff := bench.PRF(r.Text, p.body)
					d["p"], d["r"], d["f1"] = pp, rr, ff
					d["title"], d["want_title"] = r.Title, p.title
					d["authors"], d["want_authors"] = r.Authors, p.authors
					d["date"], d["want_date"] = r.Date, p.date
					d["caption"], d["want_caption"], d["credit"], d["want_credit"] = r.Caption, p.caption, r.Credit, p.credit
				}
				if p.set == "trafilatura-eval" {
					var miss, kept []string
					tx := bench.NormText(r.Text)
					for _, w := range p.with {
						if !strings.Contains(tx, bench.NormText(w)) {
							miss = append(miss, w)
						}
					}
					for _, w := range p.without {
						if strings.Contains(tx, bench.NormText(w)) {
							kept = append(kept, w)
						}
					}
					d["missing"], d["kept"] = miss, kept
					d["title"], d["want_title"] = r.Title, p.trafTitle
					d["authors"], d["want_authors"] = r.Authors, p.trafAuthors
					d["date"], d["want_date"] = r.Date, p.trafDate
				}
				if p.set == "goose3" || p.set == "newspaper4k" {
					d["title"], d["want_title"] = r.Title, p.snap.title
					d["authors"], d["want_authors"] = r.Authors, p.snap.authors
					d["date"], d["want_date"] = r.Date, p.snap.date
				}
				if p.set == "readability" {
					d["title"], d["want_title"], d["authors"], d["want_byline"] = r.Title, p.title, r.Authors, p.byline
				}
				if *withText {
					d["text"] = r.Text
					if p.set == "fundus" {
						d["want_text"] = p.body
					}
				}
				if r.Err != nil {
					d["err"] = r.Err.Error()
				}
				_ = det.Encode(d)
			}
		}
	}
	snapshotTable(pages, results, tools)
}

func run(t bench.Tool, p page) (r bench.Result) {
	defer func() {
		if e := recover(); e != nil {
			r = bench.Result{Err: fmt.Errorf("panic: %v", e)}
		}
	}()
	return t.Run(p.html, p.url)
}

type acc struct{ sum, n float64 }

func (a *acc) add(v float64) { a.sum += v; a.n++ }
func (a acc) String() string {
	if a.n == 0 {
		return "–"
	}
	return fmt.Sprintf("%.3f", a.sum/a.n)
}

func score(pages []page, res []bench.Result, sel []int, image bool) string {
	var body bench.Corpus
	var title, authors, date, capt, cred, with, without, tTitle, tAuthors, tDate, rTitle, rByline, rLang acc
	for _, i := range sel {
		p, r := pages[i], res[i]
		switch p.set {
		case "fundus":
			body.Add(bench.MatchShingles(r.Text, p.body))
			title.add(b2f(bench.NormTitle(r.Title) == bench.NormTitle(p.title)))
			if p.authors != nil {
				authors.add(bench.SetF1(r.Authors, p.authors))
			}
			if p.hasDate {
				date.add(b2f(bench.SameMinute(r.Date, p.date, p.naiveDate)))
			}
			if p.caption != "" && image {
				capt.add(b2f(bench.NormSpace(r.Caption) == bench.NormSpace(p.caption)))
			}
			if p.credit != "" && image {
				cred.add(b2f(bench.Squash(r.Credit) == bench.Squash(p.credit)))
			}
		case "trafilatura-eval":
			tx := bench.NormText(r.Text)
			for _, w := range p.with {
				with.add(b2f(strings.Contains(tx, bench.NormText(w))))
			}
			for _, w := range p.without {
				without.add(b2f(strings.Contains(tx, bench.NormText(w))))
			}
			if p.trafTitle != "" {
				tTitle.add(b2f(bench.NormTitle(r.Title) == bench.NormTitle(p.trafTitle)))
			}
			if len(p.trafAuthors) > 0 {
				tAuthors.add(bench.SetF1(r.Authors, p.trafAuthors))
			}
			if p.trafDate != "" {
				// annotated to the day, as the publisher's calendar shows it
				tDate.add(b2f(!r.Date.IsZero() && r.Date.Format("2006-01-02") == p.trafDate))
			}
		case "readability":
			if p.title != "" {
				rTitle.add(b2f(bench.NormSpace(r.Title) == bench.NormSpace(p.title)))
			}
			if p.byline != "" {
				got := bench.Squash(strings.Join(r.Authors, " "))
				want := bench.Squash(p.byline)
				rByline.add(b2f(got != "" && (strings.Contains(want, got) || strings.Contains(got, want))))
			}
			if p.lang != "" {
				rLang.add(b2f(strings.EqualFold(strings.SplitN(r.Lang, "-", 2)[0], strings.SplitN(p.lang, "-", 2)[0])))
			}
		}
	}
	bodyS := "– | – | – | –"
	if body.N() > 0 {
		bodyS = fmt.Sprintf("%.3f | %.3f | %.3f | %.3f", body.P(), body.R(), body.F1(), body.MeanF1())
	}
	return fmt.Sprintf("%s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s",
		bodyS, title, authors, date, capt, cred, with, without, tTitle, tAuthors, tDate, rTitle, rByline, rLang)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func readGz(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if !strings.HasSuffix(path, ".gz") {
		return io.ReadAll(f)
	}
	z, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(z)
}

func eachLine(path string, fn func([]byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		if err := fn(sc.Bytes()); err != nil {
			return err
		}
	}
	return sc.Err()
}

// parseFundusDate parses fundus' publishing_date; naive reports a date
// without an offset (the publisher's wall-clock time).
func parseFundusDate(s string) (t time.Time, ok, naive bool) {
	for _, l := range []string{"2006-01-02 15:04:05.999999-07:00", "2006-01-02 15:04:05-07:00"} {
		if t, err := time.Parse(l, s); err == nil {
			return t, true, false
		}
	}
	for _, l := range []string{"2006-01-02 15:04:05.999999", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(l, s); err == nil {
			return t, true, true
		}
	}
	return time.Time{}, false, false
}

func loadFundus(root string) ([]page, error) {
	type section struct {
		Headline   []string `json:"headline"`
		Paragraphs []string `json:"paragraphs"`
	}
	type expected struct {
		Body struct {
			Summary  []string  `json:"summary"`
			Sections []section `json:"sections"`
		} `json:"body"`
	}
	cache := map[string]map[string]expected{}
	var out []page
	err := eachLine(filepath.Join(root, "pages/fundus/index.jsonl"), func(b []byte) error {
		var r struct {
			ID, HTML, URL, Title       string
			ExpectedJSON               string   `json:"expected_json"`
			ExpectedKey                string   `json:"expected_key"`
			Authors                    []string `json:"authors"`
			Date                       string   `json:"publishing_date"`
			Summary, Paragraphs, Heads []string
			Images                     []struct {
				Caption string   `json:"caption"`
				Authors []string `json:"authors"`
				Cover   bool     `json:"is_cover"`
			} `json:"images"`
		}
		if err := json.Unmarshal(b, &r); err != nil {
			return err
		}
		html, err := readGz(filepath.Join(root, r.HTML))
		if err != nil {
			return err
		}
		exp, ok := cache[r.ExpectedJSON]
		if !ok {
			raw, err := os.ReadFile(filepath.Join(root, r.ExpectedJSON))
			if err != nil {
				return err
			}
			if err := json.Unmarshal(raw, &exp); err != nil {
				return fmt.Errorf("%s: %w", r.ExpectedJSON, err)
			}
			cache[r.ExpectedJSON] = exp
		}
		e := exp[r.ExpectedKey]
		var body []string
		body = append(body, e.Body.Summary...)
		for _, s := range e.Body.Sections {
			body = append(body, s.Headline...)
			body = append(body, s.Paragraphs...)
		}
		p := page{set: "fundus", id: r.ID, url: r.URL, html: html, body: strings.Join(body, "\n\n"), title: r.Title, authors: r.Authors}
		p.date, p.hasDate, p.naiveDate = parseFundusDate(r.Date)
		for _, im := range r.Images {
			if im.Cover {
				p.caption = im.Caption
				p.credit = strings.Join(im.Authors, ", ")
				break
			}
		}
		out = append(out, p)
		return nil
	})
	return out, err
}

func loadTrafEval(root string) ([]page, error) {
	raw, err := os.ReadFile(filepath.Join(root, "pages/trafilatura-eval/evaldata.json"))
	if err != nil {
		return nil, err
	}
	var ev map[string]struct {
		File    string          `json:"file"`
		With    []string        `json:"with"`
		Without []string        `json:"without"`
		Title   string          `json:"title"`
		Author  json.RawMessage `json:"author"` // a string, a list, or null
		Date    string          `json:"date"`
	}
	if err := json.Unmarshal(raw, &ev); err != nil {
		return nil, err
	}
	var out []page
	err = eachLine(filepath.Join(root, "pages/trafilatura-eval/index.jsonl"), func(b []byte) error {
		var r struct{ ID, HTML, URL string }
		if err := json.Unmarshal(b, &r); err != nil {
			return err
		}
		e, ok := ev[r.URL]
		if !ok {
			return nil
		}
		html, err := readGz(filepath.Join(root, r.HTML))
		if err != nil {
			return err
		}
		out = append(out, page{set: "trafilatura-eval", id: r.ID, url: r.URL, html: html, with: e.With, without: e.Without,
			trafTitle: strings.TrimSpace(e.Title), trafAuthors: bench.SplitNames(e.Author), trafDate: strings.TrimSpace(e.Date)})
		return nil
	})
	return out, err
}

func loadReadability(root string) ([]page, error) {
	dir := filepath.Join(root, "pages/readability")
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []page
	names := make([]string, 0, len(ents))
	for _, e := range ents {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	for _, n := range names {
		html, err := readGz(filepath.Join(dir, n, "source.html.gz"))
		if err != nil {
			continue
		}
		var m struct {
			Title  string  `json:"title"`
			Byline *string `json:"byline"`
			Lang   *string `json:"lang"`
		}
		raw, err := os.ReadFile(filepath.Join(dir, n, "expected-metadata.json"))
		if err == nil {
			_ = json.Unmarshal(raw, &m)
		}
		p := page{set: "readability", id: "readability/" + n, url: "http://fakehost/test/page.html", html: html, title: m.Title}
		if m.Byline != nil {
			p.byline = *m.Byline
		}
		if m.Lang != nil {
			p.lang = *m.Lang
		}
		out = append(out, p)
	}
	return out, nil
}
