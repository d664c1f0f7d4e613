package feed

import (
	"bytes"
	"errors"
	"flag"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

// go test ./parser/feed -run TestDeepNestingVsGofeed -gofeed -v
var compareGofeed = flag.Bool("gofeed", false, "evaluation: also parse a 1,000,000-deep feed with plain gofeed (slow, ~300 MB)")

// TestDeepNestingVsGofeed measures Parse, and plain gofeed when asked, on
// a 10.5 MiB feed nested 1,000,000 levels deep.
func TestDeepNestingVsGofeed(t *testing.T) {
	const depth = 1_000_000
	doc := []byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>` +
		strings.Repeat("<div>", depth) + strings.Repeat("</div>", depth) + `</title></item></channel></rss>`)
	took, alloc, err := measure(func() error { _, err := Parse(doc, "", ""); return err })
	if !errors.Is(err, ErrRejected) {
		t.Fatalf("Parse: %v", err)
	}
	t.Logf("%.1f MiB, %d deep: Parse rejected it in %v, allocating %d KiB (%v)", float64(len(doc))/(1<<20), depth, took, alloc>>10, err)
	if !*compareGofeed {
		return
	}
	took, alloc, err = measure(func() error { _, err := gofeed.NewParser().Parse(bytes.NewReader(doc)); return err })
	t.Logf("plain gofeed: %v, allocating %d MiB (err %v)", took, alloc>>20, err)
}

func measure(f func() error) (time.Duration, uint64, error) {
	runtime.GC()
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	start := time.Now()
	err := f()
	took := time.Since(start)
	runtime.ReadMemStats(&b)
	return took.Round(time.Millisecond), b.TotalAlloc - a.TotalAlloc, err
}
