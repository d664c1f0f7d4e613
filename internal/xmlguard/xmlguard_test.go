package xmlguard

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestScan(t *testing.T) {
	for _, tc := range []struct {
		name      string
		doc       string
		err       error
		root      string
		truncated bool
		depth     int
	}{
		{"simple", `<?xml version="1.0"?><rss><channel><item/></channel></rss>`, nil, "rss", false, 3},
		{"comments and cdata hide markup", `<rss><!-- <a><a><a> --><d><![CDATA[<b><b><b>]]></d></rss>`, nil, "rss", false, 2},
		{"doctype with subset", `<!DOCTYPE rss [<!ENTITY a "<x>"> <!-- ] > -->]><rss/>`, nil, "rss", false, 1},
		{"attributes with >", `<rss a="x>y" b='<z'><c/></rss>`, nil, "rss", false, 2},
		{"stray end tags ignored", `<rss></nope><a></a></rss>`, nil, "rss", false, 2},
		{"unclosed html inside", `<rss><description><p>x<br>y<img src=a></description></rss>`, nil, "rss", false, 4},
		{"namespaced root", `<rdf:RDF xmlns:rdf="x"><item/></rdf:RDF>`, nil, "rdf", false, 2},
		{"too deep", "<a>" + strings.Repeat("<b>", 300), ErrTooDeep, "a", false, 257},
		{"truncated in a tag", `<rss><channel><item><title>x</title><li`, nil, "rss", true, 4},
		{"truncated in a comment", `<rss><!-- never ends`, nil, "rss", true, 1},
		{"open elements at the end", `<rss><channel>`, nil, "rss", true, 2},
		{"json", `{"a":[{"b":1}]}`, nil, "", false, 3},
		{"deep json", strings.Repeat(`{"a":`, 300), ErrTooDeep, "", false, 257},
		{"json brackets in strings", `{"a":"[[[[{{{{"}`, nil, "", false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			info, err := Scan([]byte(tc.doc), Limits{})
			if !errors.Is(err, tc.err) {
				t.Fatalf("err %v, want %v", err, tc.err)
			}
			if tc.err != nil {
				if !errors.Is(err, ErrRejected) {
					t.Error("not ErrRejected")
				}
				return
			}
			if info.Root != tc.root || info.Truncated != tc.truncated || info.MaxDepth != tc.depth {
				t.Errorf("root %q truncated %v depth %d", info.Root, info.Truncated, info.MaxDepth)
			}
		})
	}
}

func TestLimits(t *testing.T) {
	doc := []byte("<r>" + strings.Repeat("<x/>", 100) + "</r>")
	if _, err := Scan(doc, Limits{MaxElements: 50}); !errors.Is(err, ErrTooManyElements) {
		t.Errorf("element cap: %v", err)
	}
	if _, err := Scan(doc, Limits{MaxElements: 101}); err != nil {
		t.Errorf("at the cap: %v", err)
	}
	if _, err := Scan([]byte("<a><b><c/></b></a>"), Limits{MaxDepth: 2}); !errors.Is(err, ErrTooDeep) {
		t.Errorf("depth cap: %v", err)
	}
}

func TestMillionDeepIsFast(t *testing.T) {
	doc := []byte(strings.Repeat("<a>", 1_000_000) + strings.Repeat("</a>", 1_000_000))
	start := time.Now()
	_, err := Scan(doc, Limits{})
	if !errors.Is(err, ErrTooDeep) {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 100*time.Millisecond {
		t.Errorf("took %v", el)
	}
}

func TestItemBases(t *testing.T) {
	info, err := Scan([]byte(`<feed xml:base="http://a/"><entry xml:base="b/"><x xml:base="ignored"/></entry><entry/></feed>`), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(info.ItemBases) != 2 || strings.Join(info.ItemBases[0], " ") != "http://a/ b/" || strings.Join(info.ItemBases[1], " ") != "http://a/" {
		t.Errorf("bases %q", info.ItemBases)
	}
}

func TestRepair(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`<rss><channel><item><title>a</title></item><item><title>b`, `<rss><channel><item><title>a</title></item></channel></rss>`},
		{`<feed><entry><id>1</id></entry><entry><id>2</id><summary>text and more`, `<feed><entry><id>1</id></entry></feed>`},
		{`<rss><channel><title>t</title><ite`, `<rss><channel><title>t</title></channel></rss>`},
		{`<rss><channel><title>t<!-- cut`, `<rss><channel><title>t</title></channel></rss>`},
		{`<rss></rss>`, `<rss></rss>`},
	} {
		info, err := Scan([]byte(tc.in), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if got := string(Repair([]byte(tc.in), info)); got != tc.want {
			t.Errorf("%s\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}

func TestClean(t *testing.T) {
	out, n := Clean([]byte("a\x00b\tc\x1f\nd\r\uFFFEe\uFFFFf\u00e9"))
	if string(out) != "ab\tc\nd\ref\u00e9" || n != 4 {
		t.Errorf("%q %d", out, n)
	}
	in := []byte("clean text")
	if out, n := Clean(in); &out[0] != &in[0] || n != 0 {
		t.Error("clean input copied")
	}
}

func FuzzScan(f *testing.F) {
	for _, s := range []string{
		`<rss><channel><item><title>a</title></item><item>`,
		`<!DOCTYPE x [<!ENTITY a "b">]><a xml:base="q"><b/></a>`,
		`<a><![CDATA[`, `{"a":[1,2`, `<a b="`, `<?xml `, `<a></b></a>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		info, err := Scan(doc, Limits{MaxDepth: 64, MaxElements: 10_000})
		if err != nil {
			if !errors.Is(err, ErrRejected) {
				t.Fatalf("error %v is not a rejection", err)
			}
			return
		}
		if info.MaxDepth > 64 {
			t.Fatalf("depth %d passed a cap of 64", info.MaxDepth)
		}
		fixed := Repair(doc, info)
		if !info.Truncated && string(fixed) != string(doc) {
			t.Fatal("an intact document was changed")
		}
		if info.Truncated && !info.JSON {
			again, err := Scan(fixed, Limits{MaxDepth: 64, MaxElements: 10_000})
			if err != nil {
				t.Fatalf("repaired document rejected: %v", err)
			}
			if again.Truncated {
				t.Fatalf("repair left it truncated:\n%q\n→ %q", doc, fixed)
			}
		}
		cleaned, _ := Clean(doc)
		if utf8.Valid(doc) && !utf8.Valid(cleaned) {
			t.Fatal("Clean broke UTF-8")
		}
	})
}
