// Package query parses the free-text search syntax shared by the SQL sinks
// and renders it for SQLite FTS5 and PostgreSQL tsquery.
//
// Words and "quoted phrases" are all required; OR between two of them makes
// either do (it binds tighter than the implicit AND: `energy prices OR costs`
// means energy AND (prices OR costs)); a leading - excludes a word or phrase;
// a trailing * on a word matches a prefix. Anything else that is not a letter,
// digit or mark separates words, so operator characters of either engine in
// the input are taken literally.
package query

import (
	"strings"
	"unicode"
)

// Term is a word or a phrase.
type Term struct {
	Words  []string
	Prefix bool // the last word is a prefix
}

// Expr is a parsed query: every clause must match (a clause matches when
// any of its terms does) and no Not term may.
type Expr struct {
	Clauses [][]Term
	Not     []Term
}

// Empty reports whether nothing positive is left to search for.
func (e Expr) Empty() bool { return len(e.Clauses) == 0 }

// Parse parses text.
func Parse(text string) Expr {
	var e Expr
	pendingOr := false
	rs := []rune(text)
	for i := 0; i < len(rs); {
		if unicode.IsSpace(rs[i]) {
			i++
			continue
		}
		neg := false
		if rs[i] == '-' && i+1 < len(rs) && !unicode.IsSpace(rs[i+1]) {
			neg = true
			i++
		}
		var t Term
		if rs[i] == '"' {
			j := i + 1
			for j < len(rs) && rs[j] != '"' {
				j++
			}
			t.Words = words(string(rs[i+1 : min(j, len(rs))]))
			i = j + 1
		} else {
			j := i
			for j < len(rs) && !unicode.IsSpace(rs[j]) {
				j++
			}
			w := string(rs[i:j])
			i = j
			if !neg && w == "OR" || !neg && w == "or" {
				pendingOr = len(e.Clauses) > 0
				continue
			}
			t.Words = words(w)
			t.Prefix = strings.HasSuffix(w, "*") && len(t.Words) == 1
		}
		if len(t.Words) == 0 {
			continue
		}
		switch {
		case neg:
			e.Not = append(e.Not, t)
		case pendingOr:
			last := len(e.Clauses) - 1
			e.Clauses[last] = append(e.Clauses[last], t)
		default:
			e.Clauses = append(e.Clauses, []Term{t})
		}
		pendingOr = false
	}
	return e
}

// words splits s into runs of letters, digits and marks (what FTS5's
// unicode61 tokenizer and PostgreSQL's parser index as words), lower-cased.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
	})
}

// FTS5 renders e as an FTS5 MATCH expression ("" when e is empty).
func (e Expr) FTS5() string {
	if e.Empty() {
		return ""
	}
	term := func(t Term) string {
		s := `"` + strings.Join(t.Words, " ") + `"`
		if t.Prefix {
			s += "*"
		}
		return s
	}
	return render(e, term, " AND ", " OR ", func(pos string, not []string) string {
		return "(" + pos + ") NOT " + strings.Join(not, " NOT ")
	})
}

// TSQuery renders e in to_tsquery syntax ("" when e is empty): phrases
// become <-> chains and prefixes :*. The words contain only letters, digits
// and marks, so they need no quoting.
func (e Expr) TSQuery() string {
	if e.Empty() {
		return ""
	}
	term := func(t Term) string {
		s := strings.Join(t.Words, " <-> ")
		if t.Prefix {
			s += ":*"
		}
		if len(t.Words) > 1 {
			s = "(" + s + ")"
		}
		return s
	}
	return render(e, term, " & ", " | ", func(pos string, not []string) string {
		return "(" + pos + ") & !" + strings.Join(not, " & !")
	})
}

func render(e Expr, term func(Term) string, and, or string, withNot func(string, []string) string) string {
	clauses := make([]string, len(e.Clauses))
	for i, c := range e.Clauses {
		parts := make([]string, len(c))
		for j, t := range c {
			parts[j] = term(t)
		}
		clauses[i] = strings.Join(parts, or)
		if len(c) > 1 {
			clauses[i] = "(" + clauses[i] + ")"
		}
	}
	pos := strings.Join(clauses, and)
	if len(e.Not) == 0 {
		return pos
	}
	not := make([]string, len(e.Not))
	for i, t := range e.Not {
		not[i] = term(t)
	}
	return withNot(pos, not)
}
