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

// FuzzScreened checks that a screened regexp, split into parts or not,
// answers as its regexp does.
func FuzzScreened(f *testing.F) {
	for _, s := range []string{"Follow us on X", "Newsletter abonnieren", "© 2024 Reuters", "Im Abo und als E-Paper erhältlich", "Tags:", "READ MORE", "ſubſcribe", "share the story here", "www.example.de/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, x string) {
		for name, s := range screenedPatterns {
			if got, want := s.MatchString(x), s.re.MatchString(x); got != want {
				t.Fatalf("%s(%q) = %v, regexp says %v", name, x, got, want)
			}
		}
	})
}

func TestSplitParts(t *testing.T) {
	for name, s := range screenedPatterns {
		if len(s.parts) < 2 {
			t.Errorf("%s is not split", name)
		}
	}
	for _, c := range []struct {
		pattern string
		parts   int
	}{
		{`(?i)\b(?:foo|bar baz)`, 2},
		{`^(?:foo|bar)\b|qux`, 2},
		{`(?:foo|x?)y`, 2},
		{`(?:foo|x?)`, 0},
		{`(?:a|b)(?:c|d)`, 0},
		{`abc`, 0},
	} {
		re, err := syntax.Parse(c.pattern, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		if parts, _ := splitParts(re); len(parts) != c.parts {
			t.Errorf("splitParts(%q): %d parts, want %d", c.pattern, len(parts), c.parts)
		}
	}
}

// BenchmarkScreened runs the screened regexps on short texts that hold one
// of their literals, the ones the screen lets through: split into parts
// ("parts") and as one regexp behind the screen ("whole").
func BenchmarkScreened(b *testing.B) {
	texts := []string{
		"Sign up for our newsletter to get the latest news about the elections, the economy and everything else that matters in the region, delivered every morning.",
		"Copyright 2024 The Associated Press. All rights reserved. This material may not be published, broadcast, rewritten or redistributed without written permission.",
		"Folgen Sie uns auf Facebook und Instagram, um keine Nachrichten aus der Region zu verpassen.",
		"The opinions expressed in this article are those of the author and do not necessarily reflect the views of the publisher or its staff.",
	}
	for _, mode := range []string{"parts", "whole"} {
		b.Run(mode, func(b *testing.B) {
			for b.Loop() {
				for _, t := range texts {
					if mode == "parts" {
						reTailBoiler.MatchString(t)
					} else {
						_ = reTailBoiler.mayMatch(t) && reTailBoiler.re.MatchString(t)
					}
				}
			}
		})
	}
}
