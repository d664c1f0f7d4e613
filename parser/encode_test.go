package parser

import (
	"testing"

	"golang.org/x/text/encoding/htmlindex"
)

func encode(t *testing.T, label, s string) []byte {
	t.Helper()
	e, err := htmlindex.Get(label)
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(b)
}
