// Command enricheval evaluates the enricher on the development corpus
// (shared/testdata): language agreement with the declared language,
// near-duplicate precision and recall, memory, and CPU cost against a
// proxy of extraction.
//
//	enricheval lang -corpus DIR [-detector lingua|whatlang] [-v]
//	enricheval dups -corpus DIR [-threshold 0.25] [-v]
//	enricheval rss  -corpus DIR [-detector lingua|whatlang] [-rounds 3]
//	enricheval cost -corpus DIR [-detector lingua|whatlang] [-rounds 3]
//
// It reads the corpus from the path given; the project's tests never need
// it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "enricheval:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: enricheval lang|dups|rss|cost -corpus DIR [flags]")
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	corpus := fs.String("corpus", "", "path of the development corpus (shared/testdata)")
	detector := fs.String("detector", "lingua", "language detector: lingua or whatlang")
	minWords := fs.Int("min-words", 50, "lang: skip pages with fewer words")
	threshold := fs.Float64("threshold", 0, "dups: Jaccard threshold (0: the enricher's default)")
	rounds := fs.Int("rounds", 3, "rss: passes over the corpus")
	verbose := fs.Bool("v", false, "list every miss")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile to this file")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *corpus == "" {
		return errors.New("-corpus is required")
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	switch args[0] {
	case "lang":
		return evalLanguage(out, *corpus, *detector, *minWords, *verbose)
	case "dups":
		return evalDuplicates(ctx, out, *corpus, *threshold, *verbose)
	case "rss":
		return evalMemory(ctx, out, *corpus, *detector, *rounds)
	case "cost":
		return evalCost(ctx, out, *corpus, *detector, *rounds)
	}
	return fmt.Errorf("unknown command %q", args[0])
}
