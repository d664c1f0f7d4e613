package pipeline

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestDueHeapOrder pushes and pops entries in random interleavings and
// checks that each pop returns the smallest due time held.
func TestDueHeapOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		var h dueHeap
		var ref []int64
		for op := range 300 {
			if len(ref) == 0 || rng.IntN(3) > 0 {
				at := rng.Int64N(50) // many ties
				h.push(dueEntry{at: at, idx: int32(op)})
				ref = append(ref, at)
				continue
			}
			slices.Sort(ref)
			got := h.pop()
			if got.at != ref[0] {
				t.Fatalf("round %d, op %d: popped %d, want %d", round, op, got.at, ref[0])
			}
			ref = ref[1:]
		}
		slices.Sort(ref)
		for _, want := range ref {
			if got := h.pop(); got.at != want {
				t.Fatalf("round %d, draining: popped %d, want %d", round, got.at, want)
			}
		}
		if len(h) != 0 {
			t.Fatalf("round %d: %d entries left", round, len(h))
		}
	}
}
