// Package stopwords holds, per language, the words too common to be
// keywords: function words, and words that are merely frequent in news
// (weekdays, months, "said"). The lists are this project's own, kept in
// lists/<language>.txt (one or more words a line; '#' starts a comment).
package stopwords

import (
	"embed"
	"strings"
	"sync"

	"github.com/newsfeed/newsfeed/article"
)

//go:embed lists/*.txt
var lists embed.FS

// aliases maps languages that share a list.
var aliases = map[string]string{"no": "nb", "nn": "nb", "ms": "id"}

var (
	once sync.Once
	sets map[string]map[string]bool
)

func load() {
	sets = map[string]map[string]bool{}
	entries, err := lists.ReadDir("lists")
	if err != nil {
		return
	}
	for _, e := range entries {
		b, err := lists.ReadFile("lists/" + e.Name())
		if err != nil {
			continue
		}
		set := map[string]bool{}
		for line := range strings.SplitSeq(string(b), "\n") {
			if i := strings.IndexByte(line, '#'); i >= 0 {
				line = line[:i]
			}
			for _, w := range strings.Fields(line) {
				set[strings.ToLower(w)] = true
			}
		}
		sets[strings.TrimSuffix(e.Name(), ".txt")] = set
	}
}

// For returns the stopword set of a language (a BCP 47 tag), or nil when
// there is none. The set must not be modified.
func For(lang string) map[string]bool {
	once.Do(load)
	l := article.LangToken(lang)
	if a, ok := aliases[l]; ok {
		l = a
	}
	return sets[l]
}

// Languages returns the languages with a list.
func Languages() []string {
	once.Do(load)
	out := make([]string, 0, len(sets))
	for l := range sets {
		out = append(out, l)
	}
	return out
}
