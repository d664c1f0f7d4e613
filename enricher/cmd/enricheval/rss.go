package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/enricher"
)

// memStatus returns VmRSS and VmHWM in MiB from /proc/self/status.
func memStatus() (rss, hwm float64) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "VmRSS:":
			rss = kb / 1024
		case "VmHWM:":
			hwm = kb / 1024
		}
	}
	return rss, hwm
}

// evalMemory measures what the enricher chain adds to the process: RSS
// after loading the corpus texts, after building the chain, and after
// enriching every document rounds times (in-memory cluster index).
func evalMemory(ctx context.Context, out io.Writer, root, detName string, rounds int) error {
	docs, err := loadAll(root)
	if err != nil {
		return err
	}
	settle := func() (float64, float64, uint64) {
		runtime.GC()
		debug.FreeOSMemory()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		r, h := memStatus()
		return r, h, ms.HeapAlloc
	}
	r0, h0, heap0 := settle()
	fmt.Fprintf(out, "baseline (corpus of %d texts loaded): rss=%.1f MiB hwm=%.1f MiB heap=%.1f MiB\n", len(docs), r0, h0, float64(heap0)/(1<<20))
	det, err := newDetector(detName)
	if err != nil {
		return err
	}
	chain, err := enricher.New(enricher.Options{Language: det})
	if err != nil {
		return err
	}
	det.Detect("load the models now")
	r1, h1, heap1 := settle()
	fmt.Fprintf(out, "chain built, %s models loaded: rss=%.1f MiB (+%.1f) hwm=%.1f MiB heap=%.1f MiB (+%.1f)\n", detName, r1, r1-r0, h1, float64(heap1)/(1<<20), float64(heap1-heap0)/(1<<20))
	start := time.Now()
	n := 0
	for round := range rounds {
		for i, d := range docs {
			a := &article.Article{ID: fmt.Sprintf("%d-%d", round, i), Title: d.Title, Text: d.Text, Language: d.Declared, FetchedAt: time.Now()}
			if err := chain.Enrich(ctx, a); err != nil {
				return err
			}
			n++
		}
	}
	elapsed := time.Since(start)
	rNow, _ := memStatus()
	r2, h2, heap2 := settle()
	fmt.Fprintf(out, "after enriching %d articles (%v per article): rss=%.1f MiB before GC, %.1f after (+%.1f over baseline) hwm=%.1f MiB (+%.1f over baseline) heap=%.1f MiB\n",
		n, (elapsed / time.Duration(n)).Round(time.Microsecond), rNow, r2, r2-r0, h2, h2-h0, float64(heap2)/(1<<20))
	return nil
}
