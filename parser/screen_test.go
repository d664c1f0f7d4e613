package parser

import (
	"path/filepath"
	"regexp/syntax"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"
)

// screenedPatterns are the regexps the extractor runs through a screen.
var screenedPatterns = map[string]*screened{
	"reBoiler":     reBoiler,
	"reLabelOnly":  reLabelOnly,
	"reTailBoiler": reTailBoiler,
}

// TestScreenedMatchesRegexp checks that the screen never changes an
// answer: on every text of the test pages, on their lines and on texts
// that match only through Unicode case folding.
func TestScreenedMatchesRegexp(t *testing.T) {
	texts := []string{
		"", "©", "(C) Reuters", "ADVERTISEMENT", "Read more:", "ſubſcribe now", "\u212Aommentare anzeigen",
		"Folgen Sie uns auf X", "FOLLOW US", "Mehr zum Thema Wahl", "www.example.de", "Inhalt:", "tagged with",
		"ÜBER UNS \xff newsletter", "\xffCopyright", "Im Abo erhältlich", "als E-Paper überall erhältlich",
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "pages", "*.html.gz"))
	for _, f := range files {
		doc, err := xhtml.Parse(strings.NewReader(string(readFile(t, f))))
		if err != nil {
			t.Fatal(err)
		}
		var walk func(n *xhtml.Node)
		walk = func(n *xhtml.Node) {
			if n.Type == xhtml.ElementNode {
				s := normSpace(nodeText(n))
				if len(s) < 400 {
					texts = append(texts, s)
					texts = append(texts, strings.Split(s, " ")...)
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
	}
	for name, s := range screenedPatterns {
		hits := 0
		for _, x := range texts {
			got, want := s.MatchString(x), s.re.MatchString(x)
			if got != want {
				t.Errorf("%s(%q) = %v, regexp says %v", name, x, got, want)
			}
			if want {
				hits++
			}
		}
		if hits == 0 {
			t.Errorf("%s matched none of %d texts", name, len(texts))
		}
		if s.byFirst == nil {
			t.Errorf("%s has no screen", name)
		}
	}
}

func TestRequiredLiterals(t *testing.T) {
	for _, c := range []struct {
		pattern string
		want    []string // nil: no screen
	}{
		{`(?i)^(?:foo|bar)\b`, []string{"foo", "bar"}},
		{`abc(?:de)?x+`, []string{"abc"}},
		{`(?:foo|x?)`, nil},
		{`(?i)\bnews(?:letter)?|[a-z]{3}`, nil},
		{`a.*longer`, []string{"longer"}},
		{`(?:ab){2,}`, []string{"ab"}},
		{`(?:ab){0,2}`, nil},
	} {
		re, err := syntax.Parse(c.pattern, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		got := required(re)
		if !strings.EqualFold(strings.Join(got, "|"), strings.Join(c.want, "|")) || (got == nil) != (c.want == nil) {
			t.Errorf("required(%q) = %q, want %q", c.pattern, got, c.want)
		}
	}
}
