// Package clean makes strings safe for stores that reject NUL bytes or
// invalid UTF-8 (PostgreSQL refuses both in text and jsonb).
package clean

import (
	"strings"
	"unicode/utf8"
)

// String returns s with NUL bytes removed and each invalid UTF-8 byte
// replaced by U+FFFD (as encoding/json does, so typed columns and the JSON
// copy of an article agree). It returns s itself when s is clean.
func String(s string) string {
	if strings.IndexByte(s, 0) < 0 && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case r != 0:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// Strings applies String to each element, copying the slice only when an
// element changes.
func Strings(ss []string) []string {
	var out []string
	for i, s := range ss {
		c := String(s)
		if out == nil && c != s {
			out = make([]string, len(ss))
			copy(out, ss[:i])
		}
		if out != nil {
			out[i] = c
		}
	}
	if out == nil {
		return ss
	}
	return out
}

// JSON removes the \u0000 escapes that encoding/json writes for NUL
// characters. Its input must be encoding/json output, which is valid UTF-8
// and has backslashes only inside strings, as escapes. It returns b itself
// when there is nothing to remove.
func JSON(b []byte) []byte {
	const nul = `\u0000`
	if !strings.Contains(string(b), nul) {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\\' || i+1 >= len(b) {
			out = append(out, c)
			continue
		}
		if b[i+1] == 'u' && i+6 <= len(b) && string(b[i:i+6]) == nul {
			i += 5
			continue
		}
		out = append(out, c, b[i+1])
		i++
	}
	return out
}
