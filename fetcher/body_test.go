package fetcher

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestSizeHint(t *testing.T) {
	tests := []struct {
		name    string
		cl      int64
		encoded bool
		max     int64
		want    int
	}{
		{"unknown length", -1, false, 10 << 20, 0},
		{"empty", 0, false, 10 << 20, 0},
		{"plain page", 100_000, false, 10 << 20, 100_001},
		{"gzip page guesses 4:1", 25_000, true, 10 << 20, 100_000},
		{"never over the cap", 9 << 20, false, 1 << 20, 1<<20 + 1},
		{"never over maxSizeHint", 9 << 20, false, 64 << 20, maxSizeHint},
		{"encoded never over maxSizeHint", 1 << 20, true, 64 << 20, maxSizeHint},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sizeHint(tt.cl, tt.encoded, tt.max); got != tt.want {
				t.Errorf("sizeHint(%d, %v, %d) = %d, want %d", tt.cl, tt.encoded, tt.max, got, tt.want)
			}
		})
	}
}

func TestReadAllHint(t *testing.T) {
	body := strings.Repeat("0123456789", 10_000) // 100,000 bytes
	tests := []struct {
		name string
		hint int
		r    func() io.Reader
	}{
		{"no hint", 0, func() io.Reader { return strings.NewReader(body) }},
		{"exact hint plus one", len(body) + 1, func() io.Reader { return strings.NewReader(body) }},
		{"hint exactly the length", len(body), func() io.Reader { return strings.NewReader(body) }},
		{"hint too small (body longer than announced)", 1000, func() io.Reader { return strings.NewReader(body) }},
		{"hint too large (body shorter than announced)", 4 * len(body), func() io.Reader { return strings.NewReader(body) }},
		{"one byte at a time", 2048, func() io.Reader { return iotest.OneByteReader(strings.NewReader(body)) }},
		{"data with EOF", len(body) + 1, func() io.Reader { return iotest.DataErrReader(strings.NewReader(body)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readAllHint(tt.r(), tt.hint)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, []byte(body)) {
				t.Fatalf("read %d bytes, want the %d-byte body", len(got), len(body))
			}
		})
	}
	t.Run("error is returned with the bytes read", func(t *testing.T) {
		boom := errors.New("boom")
		got, err := readAllHint(io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(boom)), 1024)
		if !errors.Is(err, boom) || string(got) != "abc" {
			t.Fatalf("got %q, %v; want \"abc\", boom", got, err)
		}
	})
}

// BenchmarkReadBody reads a 106 KB page of known length; compare with the
// hint disabled (allocations per page).
func BenchmarkReadBody(b *testing.B) {
	body := []byte(strings.Repeat("<p>news text</p>\n", 6250))
	for _, hint := range []int{0, len(body) + 1} {
		name := "hint"
		if hint == 0 {
			name = "no-hint"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, err := readAllHint(bytes.NewReader(body), hint); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
