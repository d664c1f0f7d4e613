package feed

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

// go test ./parser/feed -run TestCorpus -corpus /work/shared/testdata -v
var corpus = flag.String("corpus", "", "path of the development corpus (evaluation only; tests never need it)")

// TestCorpus parses every feed of the development corpus with Parse and
// with plain gofeed, and reports how many each reads, the items found, the
// warnings raised, and the files only one of them reads.
func TestCorpus(t *testing.T) {
	if *corpus == "" {
		t.Skip("evaluation: set -corpus")
	}
	f, err := os.Open(filepath.Join(*corpus, "feeds", "index.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		files, oursOK, gofeedOK, oursItems, gofeedItems, degraded int
		oursDated, gofeedDated                                    int
		notFeed, rejected, malformed                              int
		onlyOurs, onlyGofeed                                      []string
		warnings                                                  = map[string]int{}
		oursTime, gofeedTime                                      time.Duration
	)
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e struct {
			Path string `json:"path"`
			Role string `json:"role"`
		}
		if json.Unmarshal(sc.Bytes(), &e) != nil || e.Role != "feed" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(*corpus, e.Path))
		if err != nil {
			t.Fatal(err)
		}
		files++
		start := time.Now()
		ours, oerr := Parse(data, "", "https://example.org/feed")
		oursTime += time.Since(start)
		start = time.Now()
		gf, gerr := gofeed.NewParser().Parse(bytes.NewReader(data))
		gofeedTime += time.Since(start)
		switch {
		case oerr == nil:
			oursOK++
			oursItems += len(ours.Items)
			for _, it := range ours.Items {
				if !it.PublishedAt.IsZero() {
					oursDated++
				}
			}
			if len(ours.Warnings) > 0 {
				degraded++
			}
			for _, w := range ours.Warnings {
				warnings[generic(w)]++
			}
		case errors.Is(oerr, ErrNotFeed):
			notFeed++
		case errors.Is(oerr, ErrRejected):
			rejected++
		default:
			malformed++
		}
		if gerr == nil {
			gofeedOK++
			gofeedItems += len(gf.Items)
			for _, it := range gf.Items {
				if it.PublishedParsed != nil || it.UpdatedParsed != nil {
					gofeedDated++
				}
			}
		}
		if oerr == nil && gerr != nil {
			onlyOurs = append(onlyOurs, e.Path+" (gofeed: "+short(gerr.Error())+")")
		}
		if oerr != nil && gerr == nil {
			onlyGofeed = append(onlyGofeed, e.Path+" (ours: "+short(oerr.Error())+")")
		}
	}
	t.Logf("%d feeds: Parse read %d (%d items, %d dated; %d feeds degraded with warnings; %d not feeds, %d rejected, %d malformed) in %v",
		files, oursOK, oursItems, oursDated, degraded, notFeed, rejected, malformed, oursTime.Round(time.Millisecond))
	t.Logf("plain gofeed read %d (%d items, %d dated) in %v", gofeedOK, gofeedItems, gofeedDated, gofeedTime.Round(time.Millisecond))
	var ws []string
	for w, n := range warnings {
		ws = append(ws, w+": "+strconv.Itoa(n))
	}
	sort.Strings(ws)
	for _, w := range ws {
		t.Log("  warning " + w)
	}
	for _, s := range onlyOurs {
		t.Log("  only Parse reads " + s)
	}
	for _, s := range onlyGofeed {
		t.Log("  only gofeed reads " + s)
	}
}

func short(s string) string {
	if len(s) > 90 {
		return s[:90] + "…"
	}
	return s
}

// generic strips counts and quoted values from a warning.
func generic(w string) string {
	var b []byte
	quoted := false
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c == '"':
			quoted = !quoted
			if quoted {
				b = append(b, "..."...)
			}
		case quoted:
		case c >= '0' && c <= '9':
			if len(b) == 0 || b[len(b)-1] != 'N' {
				b = append(b, 'N')
			}
		default:
			b = append(b, c)
		}
	}
	return string(b)
}
