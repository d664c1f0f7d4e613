package enricher

import (
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/newsfeed/newsfeed/enricher/textseg"
)

// Options configure the chain New builds.
type Options struct {
	// Logger receives a warning per failed enricher; nil discards.
	Logger *slog.Logger
	// Index is the shared cluster index (NewStreamIndex); nil keeps an
	// in-memory index, which only this process sees.
	Index ClusterIndex
	// Keywords is the number of keywords; 0 means DefaultKeywords.
	Keywords int
	// ClusterWindow is how long an article can be joined by a later one;
	// 0 means DefaultClusterWindow (72 h). It sizes the in-memory index;
	// a stream index has its own (NewStreamIndex).
	ClusterWindow time.Duration
	// ClusterMaxMembers, when positive, bounds the in-memory index's
	// members (the oldest leave first); a stream index has its own.
	ClusterMaxMembers int
	// ClusterThreshold is the estimated Jaccard similarity of 3-word
	// shingle sets above which two articles join one cluster (half of it
	// suffices for a shortened copy); 0 means DefaultClusterThreshold.
	ClusterThreshold float64
	// Disable lists enrichers to skip, by name: language, wordcount,
	// readingtime, entities, keywords, summary, cluster.
	Disable []string
	// Language detects the language; nil means lingua-go over
	// DefaultLanguages (NewLinguaDetector), whose models load as articles
	// need them.
	Language LanguageDetector
}

// Names are the enrichers New chains, in order.
var Names = []string{"language", "wordcount", "readingtime", "entities", "keywords", "summary", "cluster"}

// New returns the enrichment chain: language → wordcount → readingtime →
// entities → keywords → summary → cluster.
func New(opts Options) (*Chain, error) {
	for _, d := range opts.Disable {
		if !slices.Contains(Names, d) {
			return nil, fmt.Errorf("enricher: unknown enricher %q in disable (known: %v)", d, Names)
		}
	}
	on := func(name string) bool { return !slices.Contains(opts.Disable, name) }
	seg := &textseg.Cache{} // the enrichers split each text once
	var es []Enricher
	if on("language") {
		det := opts.Language
		if det == nil {
			var err error
			if det, err = NewLinguaDetector(); err != nil {
				return nil, err
			}
		}
		es = append(es, &Language{Detector: det, MinConfidence: DefaultLanguageMinConfidence, MinWords: DefaultLanguageMinWords})
	}
	if on("wordcount") {
		es = append(es, WordCount{})
	}
	if on("readingtime") {
		es = append(es, ReadingTime{})
	}
	if on("entities") {
		e, err := newEntities(seg)
		if err != nil {
			return nil, err
		}
		es = append(es, e)
	}
	if on("keywords") {
		es = append(es, Keywords{N: opts.Keywords, seg: seg})
	}
	if on("summary") {
		es = append(es, Summary{seg: seg})
	}
	if on("cluster") {
		idx := opts.Index
		if idx == nil {
			window := opts.ClusterWindow
			if window <= 0 {
				window = DefaultClusterWindow
			}
			idx = NewMemoryIndex(window, opts.ClusterMaxMembers)
		}
		c := NewCluster(idx, opts.ClusterThreshold)
		c.seg = seg
		es = append(es, c)
	}
	return NewChain(opts.Logger, es...), nil
}
