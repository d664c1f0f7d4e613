package query

import "testing"

func TestRender(t *testing.T) {
	for _, tc := range []struct{ in, fts, ts string }{
		{"", "", ""},
		{"   ", "", ""},
		{"energy", `"energy"`, `energy`},
		{"Energy Prices", `"energy" AND "prices"`, `energy & prices`},
		{`"central bank" rates`, `"central bank" AND "rates"`, `(central <-> bank) & rates`},
		{"energy prices OR costs", `"energy" AND ("prices" OR "costs")`, `energy & (prices | costs)`},
		{"a or b or c", `("a" OR "b" OR "c")`, `(a | b | c)`},
		{"OR energy", `"energy"`, `energy`},
		{"energy -oil", `("energy") NOT "oil"`, `(energy) & !oil`},
		{`energy -"crude oil" -gas`, `("energy") NOT "crude oil" NOT "gas"`, `(energy) & !(crude <-> oil) & !gas`},
		{"-oil", "", ""},
		{"infla*", `"infla"*`, `infla:*`},
		{`AND NOT NEAR( "x`, `"and" AND "not" AND "near" AND "x"`, `and & not & near & x`},
		// punctuation inside a word makes a phrase of its parts, as both engines index it
		{`it's a:b & c|d !e <-> f'`, `"it s" AND "a b" AND "c d" AND "e" AND "f"`, `(it <-> s) & (a <-> b) & (c <-> d) & e & f`},
		{"Новости мира", `"новости" AND "мира"`, `новости & мира`},
		{"café-crème", `"café crème"`, `(café <-> crème)`},
		{`"unterminated phrase`, `"unterminated phrase"`, `(unterminated <-> phrase)`},
		{`""`, "", ""},
		{"- x", `"x"`, `x`},
	} {
		e := Parse(tc.in)
		if got := e.FTS5(); got != tc.fts {
			t.Errorf("FTS5(%q) = %s, want %s", tc.in, got, tc.fts)
		}
		if got := e.TSQuery(); got != tc.ts {
			t.Errorf("TSQuery(%q) = %s, want %s", tc.in, got, tc.ts)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{`a "b c" OR d -e f*`, `"`, `-`, `OR`, `a OR`, `*`, `-"x`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := Parse(s)
		if e.Empty() != (e.FTS5() == "") || e.Empty() != (e.TSQuery() == "") {
			t.Fatalf("Empty %v but FTS5 %q TSQuery %q", e.Empty(), e.FTS5(), e.TSQuery())
		}
		for _, c := range e.Clauses {
			for _, term := range c {
				if len(term.Words) == 0 {
					t.Fatal("empty term")
				}
			}
		}
	})
}
