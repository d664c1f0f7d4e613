package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"unicode"

	"github.com/newsfeed/newsfeed/article"
)

// pair is two texts and whether they carry the same story.
type pair struct {
	Kind string // boilerplate, edits, shortened, framing, unrelated
	A, B string
	Same bool
	IDs  string
}

var boilerplate = []string{
	"Advertisement",
	"Sign up for our free weekly newsletter to get the latest news delivered to your inbox.",
	"© 2024 Agence France-Presse. All rights reserved.",
	"Follow us on Facebook, X and Instagram.",
	"Share this article",
	"Read more: the latest news from our region and beyond",
	"This story has been published from a wire agency feed without modifications to the text.",
	"Support independent journalism: subscribe today for unlimited access.",
	"Photo: AFP",
	"Diesen Artikel teilen",
	"Mehr zum Thema",
	"Lesen Sie auch: Die wichtigsten Nachrichten des Tages",
}

// withBoilerplate surrounds the paragraphs with outlet furniture chosen by
// the outlet seed and changes whitespace.
func withBoilerplate(paras []string, outlet uint64) string {
	r := rand.New(rand.NewPCG(outlet, 7))
	pick := func() string { return boilerplate[r.IntN(len(boilerplate))] }
	var out []string
	out = append(out, pick())
	for i, p := range paras {
		if i == len(paras)/2 {
			out = append(out, pick())
		}
		out = append(out, strings.ReplaceAll(p, " ", "  "))
	}
	out = append(out, pick(), pick())
	return strings.Join(out, "\r\n\r\n")
}

// lightEdits changes about rate of the words: deletes, replaces with
// another word of the text, changes numbers, and swaps quotation marks.
func lightEdits(paras []string, r *rand.Rand, rate float64) []string {
	var all []string
	for _, p := range paras {
		all = append(all, strings.Fields(p)...)
	}
	out := make([]string, 0, len(paras))
	for _, p := range paras {
		ws := strings.Fields(p)
		var nw []string
		for _, w := range ws {
			if r.Float64() >= rate {
				nw = append(nw, w)
				continue
			}
			switch r.IntN(4) {
			case 0: // delete
			case 1:
				nw = append(nw, all[r.IntN(len(all))])
			case 2:
				nw = append(nw, strings.Map(func(c rune) rune {
					if unicode.IsDigit(c) {
						return '0' + (c-'0'+1)%10
					}
					return c
				}, w))
			default:
				nw = append(nw, w, all[r.IntN(len(all))])
			}
		}
		s := strings.Join(nw, " ")
		s = strings.NewReplacer("“", "\"", "”", "\"", "’", "'").Replace(s)
		out = append(out, s)
	}
	return out
}

func shortened(paras []string, r *rand.Rand) []string {
	keep := int(float64(len(paras)) * (0.5 + 0.2*r.Float64()))
	keep = max(keep, 3)
	return paras[:min(keep, len(paras))]
}

// framing is another outlet's take on the same wire copy: its own lede
// (a paragraph of unrelated local text), an inserted paragraph of local
// context, the last paragraphs dropped and light edits.
func framing(paras []string, other []string, r *rand.Rand) []string {
	var out []string
	out = append(out, other[0])
	body := paras[1:]
	if len(body) > 4 {
		body = body[:len(body)-1]
	}
	for i, p := range body {
		if i == len(body)/2 && len(other) > 1 {
			out = append(out, other[1])
		}
		out = append(out, p)
	}
	return lightEdits(out, r, 0.03)
}

// buildPairs makes same-story and unrelated pairs from the fundus
// documents with at least minWords words and four paragraphs.
func buildPairs(docs []doc, minWords int) ([]pair, int) {
	var use []doc
	for _, d := range docs {
		if d.Set != "fundus" || article.CountWords(d.Text) < minWords || len(strings.Split(d.Text, "\n\n")) < 4 {
			continue
		}
		use = append(use, d)
	}
	var out []pair
	for i, d := range use {
		paras := strings.Split(d.Text, "\n\n")
		r := rand.New(rand.NewPCG(uint64(i), 1))
		o1, o2 := uint64(2*i+1), uint64(2*i+2)
		orig := withBoilerplate(paras, o1)
		other := strings.Split(use[(i+1)%len(use)].Text, "\n\n")
		out = append(out,
			pair{"boilerplate", orig, withBoilerplate(paras, o2), true, d.ID},
			pair{"edits", orig, withBoilerplate(lightEdits(paras, r, 0.05), o2), true, d.ID},
			pair{"shortened", orig, withBoilerplate(shortened(paras, r), o2), true, d.ID},
			pair{"framing", orig, withBoilerplate(framing(paras, other, r), o2), true, d.ID},
		)
	}
	for i := range use {
		for j := i + 1; j < len(use); j++ {
			// Same outlet furniture on both: the hardest unrelated case.
			o := uint64(i*1000 + j)
			kind, same := "unrelated", false
			if normTitle(use[i].Title) == normTitle(use[j].Title) {
				// The corpus holds one story twice (a re-crawl).
				kind, same = "corpus-duplicate", true
			}
			out = append(out, pair{kind,
				withBoilerplate(strings.Split(use[i].Text, "\n\n"), o),
				withBoilerplate(strings.Split(use[j].Text, "\n\n"), o), same,
				fmt.Sprint(use[i].ID, " ", use[j].ID)})
		}
	}
	return out, len(use)
}

func normTitle(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}
