package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/google/pprof/profile"
)

// Stage is the share of a run's CPU time and allocations spent in one stage.
type Stage struct {
	Name           string  `json:"name"`
	CPUSeconds     float64 `json:"cpu_s"`
	CPUShare       float64 `json:"cpu_share"`
	CPUmsPerArt    float64 `json:"cpu_ms_per_article"`
	AllocMBPerArt  float64 `json:"alloc_mb_per_article"`
	AllocsPerArt   float64 `json:"allocs_per_article"`
	AllocByteShare float64 `json:"alloc_share"`
	// LiveMB is what the stage's allocations still hold at the end of the
	// run (inuse_space after a GC), in MB.
	LiveMB float64 `json:"live_mb"`
}

const mod = "github.com/newsfeed/newsfeed/"

// stageRules map a sample's stack to a stage; the first rule whose every
// marker appears in some frame wins, so the specific rules come first.
var stageRules = []struct {
	name    string
	markers []string
}{
	{"scrape: fetch page (HTTP)", []string{"pipeline.(*Pipeline).scrapePage", mod + "fetcher."}},
	{"scrape: extract (parser)", []string{mod + "parser.(*Extractor).Extract"}},
	{"scrape: enrich, word count, content hash", []string{"pipeline.(*Pipeline).finish"}},
	{"scrape: encode + publish article", []string{"pipeline.(*Pipeline).publishArticle"}},
	{"scrape: revision state (KV)", []string{"pipeline.(*Pipeline).assignRevision"}},
	{"scrape: revision state (KV)", []string{"pipeline.(*Pipeline).saveRevision"}},
	{"scrape: other", []string{"pipeline.(*Pipeline).handleScrape"}},
	{"poll: fetch feed (HTTP)", []string{"pipeline.(*Pipeline).handlePoll", mod + "fetcher."}},
	{"poll: parse feed", []string{mod + "parser/feed."}},
	{"poll: seen check + publish items", []string{"pipeline.(*Pipeline).publishItems"}},
	{"poll: other", []string{"pipeline.(*Pipeline).handlePoll"}},
	{"sink: sqlite write", []string{mod + "sink/sqlite."}},
	{"sink: jsonl write", []string{mod + "sink/jsonl."}},
	{"sink: decode + ack", []string{"pipeline.(*Pipeline).runSink"}},
	{"consumer loops (pull, progress)", []string{"pipeline.consumeLoop"}},
	{"consumer loops (pull, progress)", []string{"pipeline.runWithProgress"}},
	{"once: drain checks", []string{"pipeline.(*Pipeline).Once"}},
	{"embedded nats-server (JetStream)", []string{"nats-io/nats-server/v2/"}},
	{"nats client", []string{"nats-io/nats.go"}},
	{"HTTP client transport", []string{"net/http.(*persistConn)"}},
	{"HTTP client transport", []string{"net/http.(*Transport)"}},
	{"garbage collector", []string{"runtime.gcBgMarkWorker"}},
	{"garbage collector", []string{"runtime.bgsweep"}},
	{"garbage collector", []string{"runtime.bgscavenge"}},
}

func classify(s *profile.Sample) string {
	var frames []string
	for _, loc := range s.Location {
		for _, l := range loc.Line {
			if l.Function != nil {
				frames = append(frames, l.Function.Name)
			}
		}
	}
	for _, r := range stageRules {
		ok := true
		for _, m := range r.markers {
			found := false
			for _, f := range frames {
				if strings.Contains(f, m) {
					found = true
					break
				}
			}
			if !found {
				ok = false
				break
			}
		}
		if ok {
			return r.name
		}
	}
	return "other (runtime, scheduler, syscalls)"
}

func readProfile(path string) (*profile.Profile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return profile.Parse(f)
}

func sampleIndex(p *profile.Profile, typ string) int {
	for i, st := range p.SampleType {
		if st.Type == typ {
			return i
		}
	}
	return -1
}

// attribute reads cpu.pprof and allocs.pprof from dir and splits them by stage.
func attribute(dir string, articles int) ([]Stage, error) {
	cpu, err := readProfile(filepath.Join(dir, "cpu.pprof"))
	if err != nil {
		return nil, err
	}
	byName := map[string]*Stage{}
	get := func(n string) *Stage {
		if byName[n] == nil {
			byName[n] = &Stage{Name: n}
		}
		return byName[n]
	}
	ci := sampleIndex(cpu, "cpu")
	if ci < 0 {
		return nil, fmt.Errorf("cpu profile has no cpu samples")
	}
	var totalCPU float64
	for _, s := range cpu.Sample {
		v := float64(s.Value[ci]) / 1e9
		get(classify(s)).CPUSeconds += v
		totalCPU += v
	}
	var totalBytes float64
	if alloc, err := readProfile(filepath.Join(dir, "allocs.pprof")); err == nil {
		bi, oi, li := sampleIndex(alloc, "alloc_space"), sampleIndex(alloc, "alloc_objects"), sampleIndex(alloc, "inuse_space")
		if bi >= 0 && oi >= 0 {
			for _, s := range alloc.Sample {
				st := get(classify(s))
				st.AllocMBPerArt += float64(s.Value[bi])
				st.AllocsPerArt += float64(s.Value[oi])
				totalBytes += float64(s.Value[bi])
				if li >= 0 {
					st.LiveMB += float64(s.Value[li]) / 1e6
				}
			}
		}
	}
	out := make([]Stage, 0, len(byName))
	for _, st := range byName {
		if totalCPU > 0 {
			st.CPUShare = st.CPUSeconds / totalCPU
		}
		if totalBytes > 0 {
			st.AllocByteShare = st.AllocMBPerArt / totalBytes
		}
		if articles > 0 {
			st.CPUmsPerArt = st.CPUSeconds / float64(articles) * 1000
			st.AllocMBPerArt = st.AllocMBPerArt / float64(articles) / 1e6
			st.AllocsPerArt = st.AllocsPerArt / float64(articles)
		}
		out = append(out, *st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CPUSeconds > out[j].CPUSeconds })
	return out, nil
}
