package clean

import (
	"encoding/json"
	"testing"
	"unicode/utf8"
)

func TestString(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"plain text", "plain text"},
		{"a\x00b", "ab"},
		{"\x00\x00", ""},
		{"bad \xff\xfe end", "bad \uFFFD\uFFFD end"},
		{"mixed\x00\xc3", "mixed\uFFFD"},
		{"Привет\x00мир", "Приветмир"},
	} {
		if got := String(tc.in); got != tc.want {
			t.Errorf("String(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestStringsCopiesOnlyWhenNeeded(t *testing.T) {
	in := []string{"a", "b\x00", "c"}
	out := Strings(in)
	if out[1] != "b" || in[1] != "b\x00" {
		t.Fatalf("Strings = %q (input now %q)", out, in)
	}
	same := []string{"a", "b"}
	if got := Strings(same); &got[0] != &same[0] {
		t.Fatal("Strings copied a clean slice")
	}
	if Strings(nil) != nil {
		t.Fatal("Strings(nil) != nil")
	}
}

func TestJSON(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain", "plain"},
		{"a\x00b", "ab"},
		{`literal \u0000 text`, `literal \u0000 text`}, // a backslash in the text is escaped, not a NUL
		{"\\\x00", "\\"},
		{"\x00", ""},
	} {
		enc, err := json.Marshal(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		var got string
		if err := json.Unmarshal(JSON(enc), &got); err != nil {
			t.Fatalf("JSON(%s) is not JSON: %v", enc, err)
		}
		if got != tc.want {
			t.Errorf("JSON(%s) decodes to %q, want %q", enc, got, tc.want)
		}
	}
}

func FuzzJSON(f *testing.F) {
	f.Add("a\x00b\\u0000")
	f.Add("\xff\x00")
	f.Fuzz(func(t *testing.T, s string) {
		enc, err := json.Marshal(map[string]string{"k\x00": s})
		if err != nil {
			t.Skip()
		}
		out := JSON(enc)
		var m map[string]string
		if err := json.Unmarshal(out, &m); err != nil {
			t.Fatalf("JSON(%s) = %s: not JSON: %v", enc, out, err)
		}
		for k, v := range m {
			if k != "k" || v != String(s) {
				t.Fatalf("got %q=%q, want k=%q", k, v, String(s))
			}
			if !utf8.ValidString(v) {
				t.Fatal("invalid UTF-8")
			}
		}
	})
}
