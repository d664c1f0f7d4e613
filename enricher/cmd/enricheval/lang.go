package main

import (
	"context"
	_ "embed"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/enricher"
)

func newDetector(name string) (enricher.LanguageDetector, error) {
	switch name {
	case "lingua":
		return enricher.NewLinguaDetector()
	case "whatlang":
		return enricher.NewWhatlangDetector()
	}
	return nil, fmt.Errorf("unknown detector %q", name)
}

// primary is a tag's primary language, with Norwegian folded together.
func primary(tag string) string {
	p := article.LangToken(tag)
	if p == "nb" || p == "nn" {
		return "no"
	}
	return p
}

//go:embed declared_wrong.txt
var declaredWrongList string

// declaredWrong returns the audited pages whose declaration is wrong, with
// their actual language.
func declaredWrong() map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(declaredWrongList, "\n") {
		f := strings.Split(line, "\t")
		if len(f) >= 3 && !strings.HasPrefix(line, "#") {
			m[f[0]] = f[2]
		}
	}
	return m
}

// evalLanguage compares the language enricher's answer with the page's
// declared language on every page of at least minWords words: once from
// the text alone (the detector's own accuracy), once with the declaration
// given as the enricher gets it (detection, falling back to the
// declaration when unsure).
func evalLanguage(out io.Writer, root, detName string, minWords int, verbose bool) error {
	docs, err := loadAll(root)
	if err != nil {
		return err
	}
	det, err := newDetector(detName)
	if err != nil {
		return err
	}
	le := &enricher.Language{Detector: det, MinConfidence: enricher.DefaultLanguageMinConfidence, MinWords: enricher.DefaultLanguageMinWords}
	det.Detect("warm up the models")
	type miss struct {
		id, declared, got string
		conf              float64
		snippet           string
	}
	wrong := declaredWrong()
	for _, set := range []string{"fundus", "trafilatura-eval", "all"} {
		n, agreeText, agreeEnr := 0, 0, 0
		nTrue, agreeTrue, actualOK := 0, 0, 0
		var misses []miss
		confusion := map[string]int{}
		var spent time.Duration
		for _, d := range docs {
			if set != "all" && d.Set != set {
				continue
			}
			decl := primary(d.Declared)
			if decl == "und" || article.CountWords(d.Text) < minWords {
				continue
			}
			n++
			a := &article.Article{Title: d.Title, Text: d.Text}
			start := time.Now()
			if err := le.Enrich(context.Background(), a); err != nil {
				return err
			}
			spent += time.Since(start)
			if actual, ok := wrong[d.ID]; ok {
				if primary(a.Language) == primary(actual) {
					actualOK++
				}
			} else {
				nTrue++
				if primary(a.Language) == decl {
					agreeTrue++
				}
			}
			if primary(a.Language) == decl {
				agreeText++
			} else {
				confusion[decl+"→"+primary(a.Language)]++
				misses = append(misses, miss{d.ID, d.Declared, a.Language, a.LanguageConf, snippet(d.Text)})
			}
			b := &article.Article{Title: d.Title, Text: d.Text, Language: d.Declared}
			if err := le.Enrich(context.Background(), b); err != nil {
				return err
			}
			if primary(b.Language) == decl {
				agreeEnr++
			}
		}
		if n == 0 {
			continue
		}
		fmt.Fprintf(out, "%s %s: pages=%d (>= %d words, declared)  text-only agreement=%d (%.2f%%)  with declaration as fallback=%d (%.2f%%)  mean detection time=%v\n",
			detName, set, n, minWords, agreeText, 100*float64(agreeText)/float64(n), agreeEnr, 100*float64(agreeEnr)/float64(n), (spent / time.Duration(n)).Round(time.Microsecond))
		keys := make([]string, 0, len(confusion))
		for k := range confusion {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			if confusion[keys[i]] != confusion[keys[j]] {
				return confusion[keys[i]] > confusion[keys[j]]
			}
			return keys[i] < keys[j]
		})
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s %d", k, confusion[k]))
		}
		fmt.Fprintf(out, "  confusion of misses (declared→detected): %s\n", strings.Join(parts, ", "))
		fmt.Fprintf(out, "  pages whose declaration is right (audited list declared_wrong.txt excluded): %d, agreement %d (%.2f%%); the %d excluded pages detected as their actual language: %d\n",
			nTrue, agreeTrue, 100*float64(agreeTrue)/float64(max(1, nTrue)), n-nTrue, actualOK)
		if verbose && set == "all" {
			for _, m := range misses {
				fmt.Fprintf(out, "  MISS %s declared=%s detected=%s conf=%.2f  %q\n", m.id, m.declared, m.got, m.conf, m.snippet)
			}
		}
	}
	return nil
}

func snippet(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 90 {
		s = s[:90]
		for len(s) > 0 && s[len(s)-1]&0xC0 == 0x80 {
			s = s[:len(s)-1]
		}
		if len(s) > 0 && s[len(s)-1] >= 0xC0 {
			s = s[:len(s)-1]
		}
	}
	return s
}

func loadAll(root string) ([]doc, error) {
	fd, err := loadFundus(root)
	if err != nil {
		return nil, err
	}
	td, err := loadTrafilatura(root)
	if err != nil {
		return nil, err
	}
	return append(fd, td...), nil
}
