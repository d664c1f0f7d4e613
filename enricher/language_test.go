package enricher

import (
	"context"
	"strings"
	"testing"

	"github.com/newsfeed/newsfeed/article"
)

type fixedDetector struct {
	lang string
	conf float64
}

func (f fixedDetector) Detect(string) (string, float64) { return f.lang, f.conf }

func TestNormalizeLanguageTag(t *testing.T) {
	tests := map[string]string{
		"en": "en", "EN": "en", "De": "de", "en_us": "en-US", "en-gb": "en-GB", "de-DE-formal": "de-DE",
		"zh-hant-tw": "zh-Hant-TW", "es-419": "es-419", "pt-BR": "pt-BR", " fr ": "fr", "de-ere": "de",
		"": "", "und": "", "x": "", "english": "", "1234": "", "nb_NO": "nb-NO",
	}
	for in, want := range tests {
		if got := NormalizeLanguageTag(in); got != want {
			t.Errorf("NormalizeLanguageTag(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLanguageEnricher(t *testing.T) {
	long := "This is a text that has quite enough words to be detected by the detector."
	tests := []struct {
		name     string
		declared string
		text     string
		det      LanguageDetector
		want     string
		wantConf float64
	}{
		{"detection agrees, region kept", "en-gb", long, fixedDetector{"en", 0.9}, "en-GB", 0.9},
		{"confident detection wins", "en", long, fixedDetector{"de", 0.8}, "de", 0.8},
		{"unsure detection keeps declared", "en", long, fixedDetector{"de", 0.3}, "en", 0},
		{"unsure detection, nothing declared", "", long, fixedDetector{"de", 0.3}, "de", 0.3},
		{"norwegian macrolanguage", "no", long, fixedDetector{"nb", 0.9}, "no", 0.9},
		{"too short: declared", "fr", "Bonjour", fixedDetector{"en", 1}, "fr", 0},
		{"nothing at all", "", "", fixedDetector{"", 0}, "und", 0},
		{"detector gives up", "it", long, fixedDetector{"", 0}, "it", 0},
		{"invalid declaration", "english", long, fixedDetector{"en", 0.4}, "en", 0.4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &article.Article{Language: tt.declared, Text: tt.text}
			l := &Language{Detector: tt.det, MinConfidence: DefaultLanguageMinConfidence, MinWords: DefaultLanguageMinWords}
			if err := l.Enrich(context.Background(), a); err != nil {
				t.Fatal(err)
			}
			if a.Language != tt.want || a.LanguageConf != tt.wantConf {
				t.Errorf("got %q %.2f, want %q %.2f", a.Language, a.LanguageConf, tt.want, tt.wantConf)
			}
		})
	}
}

func TestDefaultLanguagesKnown(t *testing.T) {
	if _, err := NewLinguaDetector(); err != nil {
		t.Fatal(err)
	}
	if _, err := NewWhatlangDetector(); err != nil {
		t.Fatal(err)
	}
	if _, err := NewLinguaDetector("en", "klingon"); err == nil {
		t.Error("unknown language accepted")
	}
	if _, err := NewLinguaDetector("en"); err == nil {
		t.Error("a single language accepted")
	}
}

// TestDetectors checks both detectors on the corpus sample (21 articles
// in 18 languages): lingua must get every one right; whatlanggo, which
// does not know Icelandic, every other.
func TestDetectors(t *testing.T) {
	lingua, err := NewLinguaDetector()
	if err != nil {
		t.Fatal(err)
	}
	whatlang, err := NewWhatlangDetector()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range loadCorpus(t) {
		if got, conf := lingua.Detect(d.Text); !sameLanguage(d.Lang, got) || conf < 0.5 {
			t.Errorf("lingua: %s: got %q (%.2f), want %q", d.ID, got, conf, d.Lang)
		}
		if got, _ := whatlang.Detect(d.Text); !sameLanguage(d.Lang, got) && d.Lang != "is" {
			t.Errorf("whatlang: %s: got %q, want %q", d.ID, got, d.Lang)
		}
	}
	for _, det := range []LanguageDetector{lingua, whatlang} {
		if got, _ := det.Detect(""); got != "" {
			t.Errorf("empty text detected as %q", got)
		}
	}
}

func TestCountWordsUpTo(t *testing.T) {
	for _, text := range []string{"", "one", "Russia's talks, 2,100 people", "東京は晴れ mixed 東京", strings.Repeat("word ", 30)} {
		want := min(article.CountWords(text), 20)
		if got := article.CountWordsUpTo(text, 20); got != want {
			t.Errorf("article.CountWordsUpTo(%q) = %d, want %d", text, got, want)
		}
	}
}

func TestAppendFieldsMatchesStringsFields(t *testing.T) {
	for _, text := range []string{
		"", "   ", "one", " two  words ", "tab\tand\nnewline\r\n\v\fend",
		"non\u00a0breaking\u0085next\u2003em\u3000ideographic", "Größe über Maß", "bad\xffutf8 \xc3",
		"东京は 晴れ", "trailing\u2028",
	} {
		var got []string
		for _, f := range appendFields(nil, text) {
			got = append(got, text[f.start:f.end])
		}
		if want := strings.Fields(text); strings.Join(got, "|") != strings.Join(want, "|") || len(got) != len(want) {
			t.Errorf("appendFields(%q) = %q, want %q", text, got, want)
		}
	}
}
