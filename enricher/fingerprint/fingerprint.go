// Package fingerprint computes near-duplicate fingerprints of a text over
// its normalised word shingles: a 64-bit SimHash and a MinHash signature.
//
// Normalisation lower-cases words, drops apostrophes, periods and hyphens
// inside them ("U.S." → "us", "crisis-wracked" → "crisiswracked") and ignores
// every other character, so whitespace, punctuation and letter case do not
// change a fingerprint. All hashes are fixed (FNV-1a and SplitMix64), so
// fingerprints computed by different processes and versions of Go agree.
package fingerprint

import (
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/newsfeed/newsfeed/enricher/textseg"
)

// ShingleSize is the number of words in a shingle.
const ShingleSize = 3

// Shingles returns the distinct 64-bit hashes of the text's word
// shingles, in order of first appearance. A text with fewer words than
// ShingleSize gives one shingle of all its words; an empty text none.
func Shingles(text string) []uint64 { return ShinglesOf(textseg.Words(text)) }

// ShinglesOf is Shingles over a text's words (textseg.Words).
func ShinglesOf(toks []textseg.Token) []uint64 {
	words := normWords(toks)
	if len(words) == 0 {
		return nil
	}
	n := len(words) - ShingleSize + 1
	if n < 1 {
		n = 1
	}
	seen := make(map[uint64]struct{}, n)
	out := make([]uint64, 0, n)
	for i := 0; i < n; i++ {
		h := uint64(fnvOffset)
		for j := i; j < i+ShingleSize && j < len(words); j++ {
			if j > i {
				h = fnvAdd(h, " ")
			}
			h = fnvAdd(h, words[j])
		}
		if _, ok := seen[h]; ok {
			continue
		}
		seen[h] = struct{}{}
		out = append(out, h)
	}
	return out
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func fnvAdd(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	return h
}

// mix is the SplitMix64 finaliser: a bijective scrambler of 64-bit values.
func mix(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
	x = (x ^ (x >> 27)) * 0x94D049BB133111EB
	return x ^ (x >> 31)
}

// SimHash returns the 64-bit SimHash of a set of shingle hashes: bit i is
// set when more shingles have bit i set than not. It is 0 for no shingles.
func SimHash(shingles []uint64) uint64 {
	if len(shingles) == 0 {
		return 0
	}
	var ones [64]int32
	for _, s := range shingles {
		h := mix(s)
		for i := range 64 {
			ones[i] += int32(h>>uint(i)) & 1
		}
	}
	var out uint64
	half := int32(len(shingles))
	for i := range 64 {
		if 2*ones[i] > half {
			out |= 1 << uint(i)
		}
	}
	return out
}

// Distance is the Hamming distance between two SimHashes.
func Distance(a, b uint64) int { return bits.OnesCount64(a ^ b) }

// MinHash is a MinHash signature: for each of its hash functions the
// smallest value over the shingles.
type MinHash []uint32

// MaxMinHash is the largest signature length NewMinHash gives.
const MaxMinHash = 256

// seeds and mults are fixed per-function salts and odd multipliers.
var seeds, mults = func() (s, m [MaxMinHash]uint64) {
	for i := range s {
		s[i] = mix(uint64(i) + 0x5EED)
		m[i] = mix(uint64(i)+0xC0FFEE) | 1
	}
	return s, m
}()

// NewMinHash returns the k-value MinHash signature (k ≤ MaxMinHash) of a
// set of shingle hashes. Hash function i multiplies the SplitMix64-scrambled
// shingle hash, xor a fixed salt, by a fixed odd number and keeps the upper
// 32 bits (multiply-shift hashing). It returns nil for no shingles.
func NewMinHash(shingles []uint64, k int) MinHash {
	if len(shingles) == 0 || k <= 0 {
		return nil
	}
	k = min(k, MaxMinHash)
	sig := make(MinHash, k)
	for i := range sig {
		sig[i] = ^uint32(0)
	}
	for _, s := range shingles {
		h := mix(s)
		for i := range sig {
			// Multiply-shift over the scrambled hash: one multiplication
			// per function.
			if v := uint32(((h ^ seeds[i]) * mults[i]) >> 32); v < sig[i] {
				sig[i] = v
			}
		}
	}
	return sig
}

// Jaccard estimates the Jaccard similarity of the shingle sets behind two
// signatures of the same length: the share of equal values.
func Jaccard(a, b MinHash) float64 {
	if len(a) == 0 || len(a) != len(b) {
		return 0
	}
	eq := 0
	for i := range a {
		if a[i] == b[i] {
			eq++
		}
	}
	return float64(eq) / float64(len(a))
}

// Containment estimates how much of the smaller of two shingle sets (of
// sizes na and nb) lies in the larger, from their estimated Jaccard
// similarity j: |A∩B| = j(|A|+|B|)/(1+j), divided by min(|A|,|B|). A
// shortened copy of a text is contained in it (close to 1) though their
// Jaccard similarity is only the ratio of their lengths.
func Containment(j float64, na, nb int) float64 {
	m := min(na, nb)
	if m <= 0 || j <= 0 {
		return 0
	}
	c := j * float64(na+nb) / (1 + j) / float64(m)
	return min(c, 1)
}

// Normalize returns the normalised words the shingles are built from,
// joined by single spaces.
func Normalize(text string) string { return strings.Join(normWords(textseg.Words(text)), " ") }

func normWords(toks []textseg.Token) []string {
	words := make([]string, 0, len(toks))
	var buf []byte
	for _, t := range toks {
		if simpleWord(t.Text) {
			words = append(words, t.Text)
			continue
		}
		buf = buf[:0]
		for _, r := range t.Text {
			if r == '\'' || r == '’' || r == '.' || r == '-' || r == '‐' || r == '·' || r == '\u00ad' {
				continue
			}
			buf = utf8.AppendRune(buf, unicode.ToLower(r))
		}
		if len(buf) > 0 {
			words = append(words, string(buf))
		}
	}
	return words
}

// simpleWord reports an ASCII word of lower-case letters and digits, which
// normalisation leaves as it is.
func simpleWord(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}
