package schema

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/newsfeed/newsfeed/article"
)

func TestValidateArticle(t *testing.T) {
	a := article.Article{
		Schema: article.Schema, ID: "0123456789abcdef0123456789abcdef", URL: "https://example.org/a",
		CanonicalURL: "https://example.org/a", Source: article.Source{Name: "Example", Domain: "example.org"},
		Title: "T", Authors: []string{"A"}, Language: "en", Text: "x", WordCount: 1,
		PublishedAt: time.Date(2022, 8, 3, 13, 25, 0, 0, time.FixedZone("", 3*3600)),
		Extraction:  article.Extraction{Method: article.MethodGeneric},
	}
	good, _ := json.Marshal(&a)
	if err := ValidateArticle(good); err != nil {
		t.Fatalf("valid article rejected: %v", err)
	}
	bad := []struct{ name, from, to string }{
		{"wrong schema", `"newsfeed.article/v1"`, `"newsfeed.article/v2"`},
		{"short id", `"0123456789abcdef0123456789abcdef"`, `"0123"`},
		{"bad method", `"generic"`, `"magic"`},
		{"bad date", `"2022-08-03T13:25:00+03:00"`, `"yesterday"`},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			data := strings.Replace(string(good), b.from, b.to, 1)
			if data == string(good) {
				t.Fatalf("replacement %q not applied", b.from)
			}
			if err := ValidateArticle([]byte(data)); err == nil {
				t.Fatalf("invalid article accepted: %s", data)
			}
		})
	}
	if err := ValidateArticle([]byte(`{"schema":"newsfeed.article/v1","unknown":1}`)); err == nil {
		t.Fatal("unknown field accepted")
	}
}
