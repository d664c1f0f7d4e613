package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/newsfeed/newsfeed/article"
	"github.com/newsfeed/newsfeed/enricher"
)

var kinds = []string{"boilerplate", "edits", "shortened", "framing", "corpus-duplicate", "unrelated"}

// evalDuplicates builds same-story and unrelated pairs from the fundus
// documents and runs each pair through the cluster enricher with a fresh
// in-memory index: the second article of a pair must join the first's
// cluster exactly when they tell the same story. It then streams every
// original and every variant through one index and checks the clusters.
func evalDuplicates(ctx context.Context, out io.Writer, root string, threshold float64, verbose bool) error {
	docs, err := loadFundus(root)
	if err != nil {
		return err
	}
	pairs, nDocs := buildPairs(docs, 150)
	fmt.Fprintf(out, "documents=%d (fundus, >= 150 words, >= 4 paragraphs) pairs=%d\n", nDocs, len(pairs))
	t0 := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	type counts struct{ n, joined int }
	byKind := map[string]*counts{}
	dists := map[string][]int{}
	tp, fp, fn := 0, 0, 0
	start := time.Now()
	for i, p := range pairs {
		c := enricher.NewCluster(enricher.NewMemoryIndex(72*time.Hour, 0), threshold)
		a := &article.Article{ID: fmt.Sprintf("a%d", i), Text: p.A, PublishedAt: t0}
		b := &article.Article{ID: fmt.Sprintf("b%d", i), Text: p.B, PublishedAt: t0.Add(time.Hour)}
		if err := c.Enrich(ctx, a); err != nil {
			return err
		}
		if err := c.Enrich(ctx, b); err != nil {
			return err
		}
		joined := b.ClusterID == a.ClusterID
		k := byKind[p.Kind]
		if k == nil {
			k = &counts{}
			byKind[p.Kind] = k
		}
		k.n++
		if joined {
			k.joined++
		}
		ha, _ := enricher.ParseSimHash(a.SimHash)
		hb, _ := enricher.ParseSimHash(b.SimHash)
		dists[p.Kind] = append(dists[p.Kind], popcount(ha^hb))
		switch {
		case joined && p.Same:
			tp++
		case joined:
			fp++
			if verbose {
				fmt.Fprintf(out, "  FALSE MERGE %s %s\n", p.Kind, p.IDs)
			}
		case p.Same:
			fn++
			if verbose {
				fmt.Fprintf(out, "  MISSED %s %s\n", p.Kind, p.IDs)
			}
		}
	}
	elapsed := time.Since(start)
	for _, k := range kinds {
		c := byKind[k]
		if c == nil {
			continue
		}
		d := dists[k]
		sort.Ints(d)
		q := func(f float64) int { return d[int(f*float64(len(d)-1))] }
		fmt.Fprintf(out, "  %-16s pairs=%5d joined=%5d (%.2f%%)  simhash distance min/p5/p50/p95/max = %d/%d/%d/%d/%d\n",
			k, c.n, c.joined, 100*float64(c.joined)/float64(c.n), d[0], q(.05), q(.5), q(.95), d[len(d)-1])
	}
	prec := float64(tp) / float64(max(1, tp+fp))
	rec := float64(tp) / float64(max(1, tp+fn))
	fmt.Fprintf(out, "pairs: precision=%.4f recall=%.4f (tp=%d fp=%d fn=%d)  %v per pair of articles\n", prec, rec, tp, fp, fn, (elapsed / time.Duration(len(pairs))).Round(time.Microsecond))
	// What a SimHash threshold would give on the same pairs.
	for _, maxD := range []int{3, 6, 10, 16, 20} {
		stp, sfp, sfn := 0, 0, 0
		for k, d := range dists {
			same := k != "unrelated"
			for _, x := range d {
				switch {
				case x <= maxD && same:
					stp++
				case x <= maxD:
					sfp++
				case same:
					sfn++
				}
			}
		}
		fmt.Fprintf(out, "  for comparison, simhash distance <= %2d: precision=%.4f recall=%.4f\n", maxD, float64(stp)/float64(max(1, stp+sfp)), float64(stp)/float64(max(1, stp+sfn)))
	}
	return evalStream(ctx, out, pairs, threshold, verbose)
}

// evalStream assigns every distinct text of the pairs — originals and
// variants — to one index in random order, as a stream of articles from
// many outlets would arrive, and counts the variants that share their
// original's cluster and the originals merged with an unrelated one.
func evalStream(ctx context.Context, out io.Writer, pairs []pair, threshold float64, verbose bool) error {
	type item struct {
		id, text, story string
	}
	var items []item
	seen := map[string]bool{}
	for i, p := range pairs {
		if p.Kind == "unrelated" || p.Kind == "corpus-duplicate" {
			continue
		}
		story := strings.Fields(p.IDs)[0]
		if !seen[story] {
			seen[story] = true
			items = append(items, item{story + "#orig", p.A, story})
		}
		items = append(items, item{fmt.Sprintf("%s#%s%d", story, p.Kind, i), p.B, story})
	}
	r := rand.New(rand.NewPCG(42, 42))
	r.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
	c := enricher.NewCluster(enricher.NewMemoryIndex(72*time.Hour, 0), threshold)
	t0 := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	clusterOf := map[string]string{}
	for i, it := range items {
		a := &article.Article{ID: it.id, Text: it.text, PublishedAt: t0.Add(time.Duration(i) * time.Minute)}
		if err := c.Enrich(ctx, a); err != nil {
			return err
		}
		clusterOf[it.id] = a.ClusterID
	}
	// Each story should have one cluster, owned by no other story.
	storyClusters := map[string]map[string]int{}
	clusterStories := map[string]map[string]bool{}
	for _, it := range items {
		cl := clusterOf[it.id]
		if storyClusters[it.story] == nil {
			storyClusters[it.story] = map[string]int{}
		}
		storyClusters[it.story][cl]++
		if clusterStories[cl] == nil {
			clusterStories[cl] = map[string]bool{}
		}
		clusterStories[cl][it.story] = true
	}
	together, split, mixed := 0, 0, 0
	for _, cls := range storyClusters {
		if len(cls) == 1 {
			together++
		} else {
			split++
		}
	}
	for cl, st := range clusterStories {
		if len(st) > 1 {
			mixed++
			if verbose {
				var names []string
				for s := range st {
					names = append(names, s)
				}
				sort.Strings(names)
				fmt.Fprintf(out, "  MIXED cluster %s: %v\n", cl, names)
			}
		}
	}
	if verbose {
		for story, cls := range storyClusters {
			if len(cls) > 1 {
				fmt.Fprintf(out, "  SPLIT story %s: %v\n", story, cls)
			}
		}
	}
	fmt.Fprintf(out, "stream: %d articles of %d stories in random order: stories in one cluster=%d, split=%d; clusters mixing stories=%d\n",
		len(items), len(storyClusters), together, split, mixed)
	return nil
}

func popcount(x uint64) int {
	n := 0
	for x != 0 {
		x &= x - 1
		n++
	}
	return n
}
