package fingerprint

import (
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Russia's  Minister\n\nSergei   LAVROV.", "russias minister sergei lavrov"},
		{"the U.S. and crisis-wracked", "the us and crisiswracked"},
		{"“Quoted,” (paren) — dash", "quoted paren dash"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestShingles(t *testing.T) {
	if got := Shingles(""); got != nil {
		t.Errorf("empty text: %v", got)
	}
	if got := len(Shingles("one two")); got != 1 {
		t.Errorf("two words give %d shingles, want 1", got)
	}
	if got := len(Shingles("a b c d e")); got != 3 {
		t.Errorf("five words give %d shingles, want 3", got)
	}
	// Repeated shingles count once.
	if got := len(Shingles("a b c a b c a b c")); got != 3 {
		t.Errorf("repetition gives %d shingles, want 3", got)
	}
}

func TestDistanceAndJaccard(t *testing.T) {
	if d := Distance(0, ^uint64(0)); d != 64 {
		t.Errorf("Distance = %d", d)
	}
	a := MinHash{1, 2, 3, 4}
	if j := Jaccard(a, MinHash{1, 2, 9, 9}); j != 0.5 {
		t.Errorf("Jaccard = %v", j)
	}
	if j := Jaccard(a, MinHash{1}); j != 0 {
		t.Errorf("Jaccard of different lengths = %v", j)
	}
	if SimHash(nil) != 0 || NewMinHash(nil, 64) != nil {
		t.Error("no shingles should give zero fingerprints")
	}
}

func TestContainment(t *testing.T) {
	tests := []struct {
		j      float64
		na, nb int
		want   float64
	}{
		{1, 100, 100, 1},
		{0.5, 100, 50, 1},        // B inside A: |A∩B| = 50
		{1.0 / 3, 100, 100, 0.5}, // half shared
		{0, 10, 10, 0},
		{0.5, 0, 10, 0},
	}
	for _, tt := range tests {
		if got := Containment(tt.j, tt.na, tt.nb); got < tt.want-1e-9 || got > tt.want+1e-9 {
			t.Errorf("Containment(%v, %d, %d) = %v, want %v", tt.j, tt.na, tt.nb, got, tt.want)
		}
	}
}

// TestMinHashEstimatesJaccard checks the estimate against the exact
// Jaccard similarity of overlapping synthetic sets.
func TestMinHashEstimatesJaccard(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, share := range []float64{0.1, 0.3, 0.5, 0.8} {
		var a, b []uint64
		for i := range 1000 {
			v := r.Uint64()
			if float64(i) < share*1000 {
				a, b = append(a, v), append(b, v)
				continue
			}
			a, b = append(a, v), append(b, r.Uint64())
		}
		exact := share * 1000 / (2000 - share*1000)
		got := Jaccard(NewMinHash(a, 256), NewMinHash(b, 256))
		if got < exact-0.08 || got > exact+0.08 {
			t.Errorf("share %.1f: estimate %.3f, exact %.3f", share, got, exact)
		}
	}
}

func reference(t testing.TB) string {
	b, err := os.ReadFile("../testdata/reference.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSimHashWhitespaceCasePunctuation is a property test: respacing,
// re-casing and re-punctuating a text never changes its fingerprints.
func TestSimHashWhitespaceCasePunctuation(t *testing.T) {
	text := reference(t)
	want := SimHash(Shingles(text))
	wantMH := NewMinHash(Shingles(text), 64)
	r := rand.New(rand.NewPCG(3, 4))
	seps := []string{" ", "  ", "\n", "\t", " \u00a0", "\r\n\r\n", ", ", " — ", "; ", "\" "}
	for i := range 200 {
		words := strings.Fields(text)
		var sb strings.Builder
		for k, w := range words {
			if k > 0 {
				sb.WriteString(seps[r.IntN(len(seps))])
			}
			switch r.IntN(3) {
			case 0:
				w = strings.ToUpper(w)
			case 1:
				w = strings.ToLower(w)
			}
			sb.WriteString(w)
		}
		variant := sb.String()
		sh := Shingles(variant)
		if got := SimHash(sh); got != want {
			t.Fatalf("variant %d: simhash %016x, want %016x (distance %d)", i, got, want, Distance(got, want))
		}
		if j := Jaccard(NewMinHash(sh, 64), wantMH); j != 1 {
			t.Fatalf("variant %d: minhash similarity %v", i, j)
		}
	}
}

var boilerplate = []string{
	"Advertisement",
	"Sign up for our free weekly newsletter.",
	"Read more: the latest news from our region",
	"© 2022 AFP. All rights reserved.",
	"Share this article on Facebook and X",
}

// TestSimHashBoilerplate is a property test: adding a line or two of
// outlet furniture moves the SimHash by a few bits only — far less than
// the 32 bits that separate unrelated texts — and keeps the MinHash
// similarity high.
func TestSimHashBoilerplate(t *testing.T) {
	text := reference(t)
	base := Shingles(text)
	h, mh := SimHash(base), NewMinHash(base, 64)
	r := rand.New(rand.NewPCG(5, 6))
	paras := strings.Split(text, "\n\n")
	worst := 0
	for i := range 200 {
		var out []string
		at := r.IntN(len(paras) + 1)
		lines := 1 + r.IntN(2)
		for k, p := range paras {
			if k == at {
				for range lines {
					out = append(out, boilerplate[r.IntN(len(boilerplate))])
				}
			}
			out = append(out, p)
		}
		if at == len(paras) {
			out = append(out, boilerplate[r.IntN(len(boilerplate))])
		}
		sh := Shingles(strings.Join(out, "\n\n"))
		d := Distance(SimHash(sh), h)
		worst = max(worst, d)
		if d > 12 {
			t.Errorf("variant %d: simhash distance %d > 12", i, d)
		}
		if j := Jaccard(NewMinHash(sh, 64), mh); j < 0.8 {
			t.Errorf("variant %d: minhash similarity %.2f < 0.8", i, j)
		}
	}
	t.Logf("worst simhash distance under boilerplate: %d bits", worst)
}

func BenchmarkFingerprints(b *testing.B) {
	text := reference(b)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		sh := Shingles(text)
		_ = SimHash(sh)
		_ = NewMinHash(sh, 64)
	}
}
