package parser

import (
	"testing"

	"github.com/newsfeed/newsfeed/article"
)

// TestKeepBoilerLines pins keep's verdict on single short blocks: notes the
// publisher puts between or below the article's paragraphs go, prose that
// merely resembles them stays.
func TestKeepBoilerLines(t *testing.T) {
	for _, tc := range []struct {
		kind blockKind
		text string
		keep bool
	}{
		// Labelled credits and pointers: a label, a colon and a space.
		{bPara, "Quelle: Landesamt für Statistik", false},
		{bPara, "Titelbild: Agentur / Fotograf", false},
		{bPara, "Foto: Max Mustermann", false},
		{bHeading, "Ver también: el informe completo del ministerio", false},
		{bPara, "Quellen zufolge wird der Vertrag im Mai unterzeichnet.", true},
		{bPara, "Das Bild, das die Studie zeichnet, ist düster.", true},
	} {
		x := &extraction{a: &article.Article{}}
		b := block{kind: tc.kind, text: tc.text, textLen: len(tc.text)}
		if got := x.keep(&b, false); got != tc.keep {
			t.Errorf("keep(%q) = %v, want %v", tc.text, got, tc.keep)
		}
	}
}
