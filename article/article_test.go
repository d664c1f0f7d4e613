package article

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestID(t *testing.T) {
	a, err := ID("https://www.themoscowtimes.com/2022/08/02/pelosi-lands-in-taiwan-a78480?utm_source=rss&utm_medium=feed")
	if err != nil {
		t.Fatal(err)
	}
	b, err := ID("HTTPS://www.themoscowtimes.com:443/2022/08/02/pelosi-lands-in-taiwan-a78480#top")
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Fatalf("same article, different ids: %s %s", a, b)
	}
	if len(a) != 32 {
		t.Fatalf("id length %d", len(a))
	}
	c, _ := ID("https://www.themoscowtimes.com/2022/08/02/other-a1")
	if c == a {
		t.Fatal("different articles share an id")
	}
	if _, err := ID("ftp://x/y"); err == nil {
		t.Fatal("ftp URL accepted")
	}
}

func TestSourceSlug(t *testing.T) {
	tests := map[string]string{
		"www.themoscowtimes.com": "themoscowtimes",
		"themoscowtimes.com":     "themoscowtimes",
		"feeds.bbci.co.uk":       "bbci",
		"www.theguardian.com":    "theguardian",
		"www.spiegel.de":         "spiegel",
		"127.0.0.1:8080":         "127-0-0-1",
		"localhost":              "localhost",
		"news.ycombinator.com":   "ycombinator",
		"www.abc.net.au":         "abc",
		"":                       "unknown",
		"xn--80ak6aa92e.com":     "xn--80ak6aa92e",
	}
	for in, want := range tests {
		if got := SourceSlug(in); got != want {
			t.Errorf("SourceSlug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLangToken(t *testing.T) {
	tests := map[string]string{"en": "en", "en-US": "en", "pt_BR": "pt", "": "und", "english": "und", "DE": "de", "x.y": "und"}
	for in, want := range tests {
		if got := LangToken(in); got != want {
			t.Errorf("LangToken(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCountWords(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"Russia backs the Myanmar junta's efforts", 6},
		{"  2,100 people — killed.", 4},
		{"Сергей Лавров заявил", 3},
		{"東京都", 3},
	}
	for _, tt := range tests {
		if got := CountWords(tt.in); got != tt.want {
			t.Errorf("CountWords(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestJSONKeepsOffset(t *testing.T) {
	loc := time.FixedZone("", 3*3600)
	a := Article{Schema: Schema, PublishedAt: time.Date(2022, 8, 3, 13, 25, 0, 0, loc)}
	b, err := json.Marshal(&a)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"published_at":"2022-08-03T13:25:00+03:00"`) {
		t.Fatalf("offset lost: %s", b)
	}
	if strings.Contains(string(b), "updated_at") {
		t.Fatalf("zero time not omitted: %s", b)
	}
}
