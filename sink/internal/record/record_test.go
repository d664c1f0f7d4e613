package record

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/sink"
)

func TestFrom(t *testing.T) {
	a := &article.Article{
		Schema: article.Schema, ID: "abc", Revision: 2, URL: "https://www.Example.com/a",
		Source: article.Source{Name: "Ex\x00ample", Domain: "WWW.Example.COM"},
		Title:  "T\xffitle", Authors: []string{"A\x00"}, Language: "EN",
		Image:    &article.Image{URL: "https://img/"},
		Text:     "body \x00 with \\u0000",
		Keywords: []article.Keyword{{Term: "k", Score: 1}},
	}
	r, err := From(a)
	if err != nil {
		t.Fatal(err)
	}
	if r.Source != "example" || r.SourceDomain != "www.example.com" || r.SourceName != "Example" {
		t.Errorf("source = %q %q %q", r.Source, r.SourceDomain, r.SourceName)
	}
	if r.Title != "T\uFFFDitle" || r.Authors[0] != "A" || r.Language != "en" || r.ImageURL != "https://img/" {
		t.Errorf("record = %+v", r)
	}
	if r.Tags == nil {
		t.Error("Tags is nil, want empty")
	}
	if strings.Contains(string(r.Doc), `\u0000`) && !strings.Contains(string(r.Doc), `\\u0000`) {
		t.Errorf("doc keeps a NUL: %s", r.Doc)
	}
	var back article.Article
	if err := json.Unmarshal(r.Doc, &back); err != nil {
		t.Fatal(err)
	}
	if back.Text != "body  with \\u0000" || back.Title != r.Title {
		t.Errorf("doc text %q title %q", back.Text, back.Title)
	}
	if a.Title != "T\xffitle" {
		t.Error("From changed its input")
	}
}

func TestFromNaN(t *testing.T) {
	a := &article.Article{ID: "x", Keywords: []article.Keyword{{Term: "k", Score: math.NaN()}}}
	if _, err := From(a); !errors.Is(err, sink.ErrPermanent) {
		t.Fatalf("err = %v, want permanent", err)
	}
}

func TestTimeText(t *testing.T) {
	if TimeText(time.Time{}) != nil {
		t.Fatal("zero time is not nil")
	}
	a := TimeText(time.Date(2025, 1, 2, 3, 4, 5, 0, time.FixedZone("", 3600))).(string)
	b := TimeText(time.Date(2025, 1, 2, 2, 4, 5, 600, time.UTC)).(string)
	if a != "2025-01-02T02:04:05.000000000Z" || !(a < b) || len(a) != len(b) {
		t.Fatalf("TimeText = %q, %q", a, b)
	}
}
