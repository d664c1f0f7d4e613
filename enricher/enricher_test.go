package enricher

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"go.uber.org/goleak"

	"github.com/newsfeed/newsfeed/article"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func reference(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("testdata/reference.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func loadCorpus(t testing.TB) []corpusDoc {
	t.Helper()
	f, err := os.Open("testdata/corpus.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpusDoc
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<22)
	for sc.Scan() {
		var d struct {
			ID       string `json:"id"`
			Declared string `json:"declared"`
			Lang     string `json:"lang"`
			Title    string `json:"title"`
			Text     string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		out = append(out, corpusDoc{ID: d.ID, Lang: d.Lang, Title: d.Title, Text: d.Text})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func referenceArticle(t testing.TB) *article.Article {
	return &article.Article{
		ID:          "6b1f0a53a8f1e0a4bd6c1e4dbb0e8a77",
		URL:         "https://www.themoscowtimes.com/2022/08/03/russia-backs-myanmar-juntas-efforts-to-stabilize-count-ry-fm-a78492",
		Title:       "Russia Backs Myanmar Junta's Efforts to 'Stabilize' Country – FM",
		Authors:     []string{"AFP"},
		Language:    "en",
		Text:        reference(t),
		PublishedAt: time.Date(2022, 8, 3, 13, 25, 0, 0, time.FixedZone("", 3*3600)),
	}
}

var (
	chainOnce sync.Once
	chainVal  *Chain
	chainErr  error
)

// defaultChain is the chain New builds with default options, built once
// per test binary (lingua's models take a moment to load).
func defaultChain(t testing.TB) *Chain {
	t.Helper()
	chainOnce.Do(func() { chainVal, chainErr = New(Options{}) })
	if chainErr != nil {
		t.Fatal(chainErr)
	}
	return chainVal
}

type golden struct {
	Language    string            `json:"language"`
	WordCount   int               `json:"word_count"`
	ReadingTime int               `json:"reading_time_minutes"`
	Entities    []article.Entity  `json:"entities"`
	Keywords    []article.Keyword `json:"keywords"`
	Summary     string            `json:"summary"`
	SimHash     string            `json:"simhash"`
}

// TestReferenceGolden runs the whole chain on the reference article and
// compares entities, keywords and summary with testdata/reference.golden.json
// (go test -run TestReferenceGolden -update rewrites it).
func TestReferenceGolden(t *testing.T) {
	a := referenceArticle(t)
	a.Language = "" // detected
	if err := defaultChain(t).Enrich(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	if len(a.Errors) != 0 {
		t.Fatalf("enricher errors: %+v", a.Errors)
	}
	got := golden{a.Language, a.WordCount, a.ReadingTime, a.Entities, a.Keywords, a.Summary, a.SimHash}
	const path = "testdata/reference.golden.json"
	if *update {
		b, _ := json.MarshalIndent(got, "", "  ")
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var want golden
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		gb, _ := json.MarshalIndent(got, "", "  ")
		t.Errorf("reference enrichment differs from %s (-update to accept):\n%s", path, gb)
	}
}

// TestReferenceEntities states the acceptance list directly, so
// that a golden update cannot quietly drop one.
func TestReferenceEntities(t *testing.T) {
	a := referenceArticle(t)
	e, err := NewEntities()
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Enrich(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	found := map[string]string{}
	for _, en := range a.Entities {
		found[strings.ToLower(en.Text)] = en.Type
		if en.First >= len(a.Text) || (en.First >= 0 && !unicode.IsUpper(rune(a.Text[en.First]))) || (en.First < 0 && en.Text != "AFP") {
			t.Errorf("%q: first offset %d", en.Text, en.First)
		}
	}
	want := map[string]string{
		"sergei lavrov": "person", "hun sen": "person", "min aung hlaing": "person", "aung san suu kyi": "person",
		"russia": "place", "myanmar": "place", "cambodia": "place", "naypyidaw": "place", "moscow": "place",
		"asean": "organization", "afp": "organization", "tass": "organization", "national league for democracy": "organization",
	}
	for name, typ := range want {
		if found[name] != typ {
			t.Errorf("%s: got type %q, want %q", name, found[name], typ)
		}
	}
	for _, junk := range []string{"wednesday", "international", "western", "russian", "the southeast asian", "southeast asian", "next", "last", "july", "august"} {
		if _, ok := found[junk]; ok {
			t.Errorf("junk entity %q", junk)
		}
	}
	for _, en := range a.Entities {
		if en.Text == "Sergei Lavrov" && en.Count != 4 {
			t.Errorf("Sergei Lavrov counted %d times, want 4 (full name, Lavrov added, Lavrov is, Lavrov's)", en.Count)
		}
	}
}

type errEnricher struct{ panics bool }

func (errEnricher) Name() string { return "broken" }
func (e errEnricher) Enrich(context.Context, *article.Article) error {
	if e.panics {
		panic("boom")
	}
	return errors.New("broken on purpose")
}

func TestChainRecordsFailures(t *testing.T) {
	a := referenceArticle(t)
	chain := NewChain(nil, errEnricher{}, WordCount{}, errEnricher{panics: true}, ReadingTime{})
	if err := chain.Enrich(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	if len(a.Errors) != 2 || a.Errors[0].Stage != "enrich.broken" || !strings.Contains(a.Errors[1].Error, "panic: boom") {
		t.Errorf("errors: %+v", a.Errors)
	}
	if a.WordCount == 0 || a.ReadingTime == 0 {
		t.Error("enrichers after a failure did not run")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := chain.Enrich(ctx, a); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

func TestNewOptions(t *testing.T) {
	if _, err := New(Options{Disable: []string{"languages"}}); err == nil || !strings.Contains(err.Error(), "languages") {
		t.Errorf("unknown enricher accepted: %v", err)
	}
	c, err := New(Options{Disable: []string{"language", "entities", "keywords", "summary", "cluster"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Names(); !reflect.DeepEqual(got, []string{"wordcount", "readingtime"}) {
		t.Errorf("names: %v", got)
	}
	c, err = New(Options{Keywords: 3, Language: fixedDetector{"de", 0.9}})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Names(); !reflect.DeepEqual(got, Names) {
		t.Errorf("names: %v, want %v", got, Names)
	}
	a := referenceArticle(t)
	if err := c.Enrich(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	if len(a.Keywords) != 3 || a.Language != "de" || a.ClusterID != a.ID {
		t.Errorf("keywords %v language %q cluster %q", a.Keywords, a.Language, a.ClusterID)
	}
}

// TestChainCorpus runs the default chain over the corpus sample: every
// article gets its declared language, a word count, a summary and no
// enricher error.
func TestChainCorpus(t *testing.T) {
	chain := defaultChain(t)
	for _, d := range loadCorpus(t) {
		a := &article.Article{ID: d.ID, Title: d.Title, Text: d.Text}
		if err := chain.Enrich(context.Background(), a); err != nil {
			t.Fatal(err)
		}
		if !sameLanguage(a.Language, d.Lang) {
			t.Errorf("%s: language %q, declared %q", d.ID, a.Language, d.Lang)
		}
		if len(a.Errors) > 0 || a.WordCount == 0 || a.ReadingTime == 0 || a.Summary == "" || len(a.Keywords) == 0 || a.SimHash == "" {
			t.Errorf("%s: errors %v words %d minutes %d summary %q keywords %d simhash %q", d.ID, a.Errors, a.WordCount, a.ReadingTime, a.Summary, len(a.Keywords), a.SimHash)
		}
	}
}

// BenchmarkChain measures the whole default chain (in-memory cluster
// index) per article: the reference article (434 words) and a longer
// English one (the reference and the sample's English excerpts, about
// 1,250 words).
func BenchmarkChain(b *testing.B) {
	chain := defaultChain(b)
	long := reference(b)
	for _, d := range loadCorpus(b) {
		if d.Lang == "en" {
			long += "\n\n" + d.Text
		}
	}
	for _, bc := range []struct{ name, text string }{
		{"reference", reference(b)},
		{"long", long},
	} {
		b.Run(bc.name, func(b *testing.B) {
			a := referenceArticle(b)
			a.Text = bc.text
			b.SetBytes(int64(len(bc.text)))
			i := 0
			for b.Loop() {
				x := *a
				x.ID = string(rune('a'+i%26)) + time.Now().Format("150405.000000000")
				i++
				if err := chain.Enrich(context.Background(), &x); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEnrichers measures each enricher alone on the reference article.
func BenchmarkEnrichers(b *testing.B) {
	for _, e := range defaultChain(b).enrichers {
		b.Run(e.Name(), func(b *testing.B) {
			a := referenceArticle(b)
			i := 0
			for b.Loop() {
				x := *a
				x.ID = e.Name() + time.Now().Format("150405.000000000") + string(rune('a'+i%26))
				i++
				if err := e.Enrich(context.Background(), &x); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
