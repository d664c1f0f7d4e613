package textseg

import (
	"sync"
	"unsafe"
)

// Cache remembers the words and sentences of the last few texts, so that
// the several steps that read one article's text split it once. A text is
// recognised by identity (the same string, not an equal one), which is
// what the steps of one enrichment chain pass around. It is safe for
// concurrent use; a nil *Cache computes every time. Callers must not
// modify the slices it returns.
type Cache struct {
	mu      sync.Mutex
	entries [cacheSlots]cacheEntry
	next    int
}

// cacheSlots is how many texts a Cache remembers: more than the articles
// enriched concurrently by a process's workers, typically.
const cacheSlots = 16

type cacheEntry struct {
	text  string
	words []Token
	sents []Sentence
	hasW  bool
	hasS  bool
}

func same(a, b string) bool {
	return len(a) == len(b) && unsafe.StringData(a) == unsafe.StringData(b)
}

// lookup returns the entry for text, adding one if needed. c.mu is held.
func (c *Cache) lookup(text string) *cacheEntry {
	for i := range c.entries {
		if c.entries[i].text != "" && same(c.entries[i].text, text) {
			return &c.entries[i]
		}
	}
	e := &c.entries[c.next]
	c.next = (c.next + 1) % cacheSlots
	*e = cacheEntry{text: text}
	return e
}

// Words returns Words(text), computed once per text.
func (c *Cache) Words(text string) []Token {
	if c == nil || text == "" {
		return Words(text)
	}
	c.mu.Lock()
	e := c.lookup(text)
	if e.hasW {
		w := e.words
		c.mu.Unlock()
		return w
	}
	c.mu.Unlock()
	w := Words(text)
	c.mu.Lock()
	if e := c.lookup(text); !e.hasW {
		e.words, e.hasW = w, true
	}
	c.mu.Unlock()
	return w
}

// Sentences returns Sentences(text), computed once per text.
func (c *Cache) Sentences(text string) []Sentence {
	if c == nil || text == "" {
		return Sentences(text)
	}
	c.mu.Lock()
	e := c.lookup(text)
	if e.hasS {
		s := e.sents
		c.mu.Unlock()
		return s
	}
	c.mu.Unlock()
	s := Sentences(text)
	c.mu.Lock()
	if e := c.lookup(text); !e.hasS {
		e.sents, e.hasS = s, true
	}
	c.mu.Unlock()
	return s
}
