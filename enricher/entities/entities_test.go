package entities

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/newsfeed/newsfeed/article"
)

func extractor(t testing.TB) *Extractor {
	t.Helper()
	x, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// summary renders entities as "Type:Text×Count", sorted.
func summary(x *Extractor, title, text, lang string, authors []string) []string {
	var out []string
	for _, e := range x.Extract(title, text, lang, authors) {
		out = append(out, fmt.Sprintf("%s:%s×%d", e.Type[:3], e.Text, e.Count))
	}
	sort.Strings(out)
	return out
}

func TestExtract(t *testing.T) {
	x := extractor(t)
	tests := []struct {
		name       string
		lang, text string
		authors    []string
		want       []string // must be present
		not        []string // entity texts that must be absent
	}{
		{"titles", "en", "Foreign Minister Sergei Lavrov met Cambodian Prime Minister Hun Sen on Wednesday.", nil,
			[]string{"per:Sergei Lavrov×1", "per:Hun Sen×1"}, []string{"Wednesday", "Cambodian", "Prime Minister"}},
		{"abbreviated title", "en", "The plan was backed by Gen. Mark Milley and Dr. Anthony Fauci.", nil,
			[]string{"per:Mark Milley×1", "per:Anthony Fauci×1"}, nil},
		{"surname and family name first", "en", "President Joe Biden met Chinese President Xi Jinping in Washington. Xi said little. Biden's aides did not comment.", nil,
			[]string{"per:Joe Biden×2", "per:Xi Jinping×2", "pla:Washington×1"}, []string{"Xi", "Biden"}},
		{"lower-case title before", "en", "Kremlin spokesman Dmitry Peskov told reporters that junta chief Min Aung Hlaing was welcome.", nil,
			[]string{"org:Kremlin×1", "per:Dmitry Peskov×1", "per:Min Aung Hlaing×1"}, nil},
		{"acronym in parentheses", "en", "The Party for Progress and Reform (PPR) won. Later the PPR said it would govern.", nil,
			[]string{"org:Party for Progress and Reform×2"}, []string{"PPR"}},
		{"gazetteer alias and acronym", "en", "He attended an Association of Southeast Asian Nations (ASEAN) meeting. ASEAN has a plan.", nil,
			[]string{"org:ASEAN×2"}, nil},
		{"junk", "en", "On Wednesday, International observers said Western governments and the Southeast Asian nation agreed. Last year it was different.", nil,
			nil, []string{"Wednesday", "International", "Western", "Southeast Asian", "Last"}},
		{"possessive and title case", "en", "Russia's foreign ministry said Ukraine's army retreated.", nil,
			[]string{"pla:Russia×1", "pla:Ukraine×1"}, nil},
		{"byline agency", "en", "Talks resumed in Geneva.", []string{"Reuters", "Jane Doe"},
			[]string{"org:Reuters×1", "pla:Geneva×1"}, []string{"Jane Doe"}},
		{"default person", "en", "The report was written by Aung San Suu Kyi and Ngozi Okonjo-Iweala.", nil,
			[]string{"per:Aung San Suu Kyi×1", "per:Ngozi Okonjo-Iweala×1"}, nil},
		{"place by preposition", "en", "She grew up in Palo Alto with her aunt.", nil,
			[]string{"pla:Palo Alto×1"}, nil},
		{"organisation and place words", "en", "Shares of Acme Widgets Corporation rose after a protest on Tahrir Square.", nil,
			[]string{"org:Acme Widgets Corporation×1", "pla:Tahrir Square×1"}, nil},
		{"title inside an organisation name", "en", "She worked at the Jewish General Hospital in Montreal.", nil,
			[]string{"org:Jewish General Hospital×1", "pla:Montreal×1"}, []string{"Hospital"}},
		{"name after office", "en", "UN Secretary-General Antonio Guterres and Secretary of State Antony Blinken spoke.", nil,
			[]string{"org:United Nations×1", "per:Antonio Guterres×1", "per:Antony Blinken×1"}, nil},
		{"particles", "en", "European Commission President Ursula von der Leyen met Crown Prince Mohammed bin Salman.", nil,
			[]string{"per:Ursula von der Leyen×1", "per:Mohammed bin Salman×1", "org:European Commission×1"}, nil},
		{"product names are not people", "en", "Try the Midnight Magic cocktail or the Cold Brew Espresso Martini.", nil,
			nil, []string{"Midnight Magic", "Cold Brew Espresso Martini"}},
		{"german", "de", "Bundeskanzler Olaf Scholz traf Außenministerin Annalena Baerbock in Berlin. Das Gesetz wird mit großer Hoffnung erwartet.", nil,
			[]string{"per:Olaf Scholz×1", "per:Annalena Baerbock×1", "pla:Berlin×1"}, []string{"Das Gesetz", "Gesetz", "Hoffnung"}},
		{"german nouns are not people", "de", "Die Namen der Gruppe und die Teile der Gesellschaft blieben geheim.", nil,
			nil, []string{"Namen der Gruppe", "Teile der Gesellschaft"}},
		{"german agency lower case", "de", "Das berichtete die dpa am Montag aus Moskau.", nil,
			[]string{"org:dpa×1", "pla:Moscow×1"}, []string{"Montag"}},
		{"heading gazetteer only", "en", "Talks in Paris\n\nThe Big Meeting Room\n\nIt went well.", nil,
			[]string{"pla:Paris×1"}, []string{"Big Meeting Room"}},
		{"cjk", "ja", "気象庁は13日、日向灘で地震があったと発表した。", nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := summary(x, "", tt.text, tt.lang, tt.authors)
			set := map[string]bool{}
			for _, g := range got {
				set[g] = true
			}
			for _, w := range tt.want {
				if !set[w] {
					t.Errorf("missing %s in %v", w, got)
				}
			}
			for _, n := range tt.not {
				for _, g := range got {
					if strings.HasSuffix(strings.SplitN(g, "×", 2)[0], ":"+n) {
						t.Errorf("unwanted %s in %v", n, got)
					}
				}
			}
		})
	}
}

func TestExtractTitleOnly(t *testing.T) {
	x := extractor(t)
	es := x.Extract("Ukraine war: talks stall", "Negotiators left without a deal.", "en", nil)
	if len(es) != 1 || es[0].Text != "Ukraine" || es[0].First != -1 {
		t.Errorf("got %+v", es)
	}
}

func TestExtractOffsetsAndOrder(t *testing.T) {
	x := extractor(t)
	b, err := os.ReadFile("../testdata/reference.txt")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	es := x.Extract("", text, "en", nil)
	for i, e := range es {
		if e.First < 0 || e.First >= len(text) || e.Count < 1 {
			t.Errorf("%+v", e)
		}
		if i > 0 && es[i-1].Count < e.Count {
			t.Errorf("not sorted by count: %+v before %+v", es[i-1], e)
		}
	}
	if es[0].Text != "Myanmar" || es[0].Count != 4 || !strings.HasPrefix(text[es[0].First:], "Myanmar") {
		t.Errorf("first entity %+v", es[0])
	}
}

func FuzzExtract(f *testing.F) {
	b, _ := os.ReadFile("../testdata/reference.txt")
	for _, s := range []string{string(b), "Gen. Mark Milley (GMM) said. GMM's", "Ursula von der Leyen's", "al-Assad al-", "Mr. . X", "(ABC)", "Bank of and", "Lavrov's's"} {
		f.Add(s, "en")
	}
	f.Add("Bundeskanzler Olaf Scholz sagte", "de")
	x := extractor(f)
	f.Fuzz(func(t *testing.T, text, lang string) {
		for _, e := range x.Extract(text, text, lang, []string{text}) {
			if e.Count < 1 || e.First < -1 || e.First >= len(text)+1 || e.Text == "" {
				t.Fatalf("bad entity %+v", e)
			}
			if e.Type != Person && e.Type != Organization && e.Type != Place {
				t.Fatalf("bad type %+v", e)
			}
			if utf8.ValidString(text) && !utf8.ValidString(e.Text) {
				t.Fatalf("invalid UTF-8 in %+v", e)
			}
		}
	})
}

func BenchmarkExtract(b *testing.B) {
	x := extractor(b)
	text, err := os.ReadFile("../testdata/reference.txt")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		x.Extract("Russia Backs Myanmar Junta's Efforts", string(text), "en", []string{"AFP"})
	}
}

// TestExtractConcurrent: calls running at once (which share the pooled
// scratch memory) give what they give one at a time.
func TestExtractConcurrent(t *testing.T) {
	x := extractor(t)
	f, err := os.Open("../testdata/corpus.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type doc struct{ Title, Text, Lang string }
	var docs []doc
	for dec := json.NewDecoder(f); ; {
		var d doc
		if err := dec.Decode(&d); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
	want := make([][]article.Entity, len(docs))
	for i, d := range docs {
		want[i] = x.Extract(d.Title, d.Text, d.Lang, []string{"AFP"})
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for k := range docs {
				i := (k + g*len(docs)/4) % len(docs)
				d := docs[i]
				if got := x.Extract(d.Title, d.Text, d.Lang, []string{"AFP"}); !reflect.DeepEqual(got, want[i]) {
					t.Errorf("doc %d: concurrent %v, alone %v", i, got, want[i])
				}
			}
		})
	}
	wg.Wait()
}
