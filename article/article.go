// Package article holds the normalised article message that newsfeed
// publishes (DESIGN §3, schema "newsfeed.article/v1") and its identity.
package article

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"net"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/newsfeed/newsfeed/internal/urlnorm"
)

// Schema is the value of the schema field of every message.
const Schema = "newsfeed.article/v1"

// Extraction methods.
const (
	MethodSiteRule     = "site-rule"
	MethodGeneric      = "generic"
	MethodFeedFallback = "feed-fallback"
)

// Article is the message published on news.article.<source>.<lang>.
// Field order follows DESIGN §3. Optional fields are omitted when empty.
type Article struct {
	Schema       string     `json:"schema"`
	ID           string     `json:"id"`
	Revision     int        `json:"revision,omitempty"`
	URL          string     `json:"url"`
	CanonicalURL string     `json:"canonical_url"`
	Source       Source     `json:"source"`
	Title        string     `json:"title"`
	Subtitle     string     `json:"subtitle,omitempty"`
	Authors      []string   `json:"authors"`
	PublishedAt  time.Time  `json:"published_at,omitzero"`
	UpdatedAt    time.Time  `json:"updated_at,omitzero"`
	Language     string     `json:"language"`
	LanguageConf float64    `json:"language_confidence,omitempty"`
	SiteName     string     `json:"site_name,omitempty"`
	Section      string     `json:"section,omitempty"`
	Tags         []string   `json:"tags,omitempty"`
	Image        *Image     `json:"image,omitempty"`
	Text         string     `json:"text"`
	HTML         string     `json:"html"`
	WordCount    int        `json:"word_count"`
	ReadingTime  int        `json:"reading_time_minutes,omitempty"`
	Summary      string     `json:"summary,omitempty"`
	Entities     []Entity   `json:"entities,omitempty"`
	Keywords     []Keyword  `json:"keywords,omitempty"`
	SimHash      string     `json:"simhash,omitempty"`
	ClusterID    string     `json:"cluster_id,omitempty"`
	Paywalled    bool       `json:"paywalled,omitempty"`
	IsArticle    *bool      `json:"is_article,omitempty"`
	FeedItem     *FeedItem  `json:"feed_item,omitempty"`
	FetchedAt    time.Time  `json:"fetched_at,omitzero"`
	ContentHash  string     `json:"content_hash,omitempty"`
	Extraction   Extraction `json:"extraction"`
	// Errors records enrichers that failed on this article; the article is
	// still published.
	Errors []StageError `json:"errors,omitempty"`
}

// Source identifies the outlet an article came from.
type Source struct {
	Name    string `json:"name"`
	Domain  string `json:"domain"`
	FeedURL string `json:"feed_url,omitempty"`
}

// Image is the lead image. Caption and credit are kept apart.
type Image struct {
	URL     string `json:"url"`
	Caption string `json:"caption,omitempty"`
	Credit  string `json:"credit,omitempty"`
}

// Entity is a named entity found in the article.
type Entity struct {
	Text  string `json:"text"`
	Type  string `json:"type"` // person, organization, place
	Count int    `json:"count"`
	First int    `json:"first"` // byte offset of the first mention in Text
}

// Keyword is a scored keyword.
type Keyword struct {
	Term  string  `json:"term"`
	Score float64 `json:"score"`
}

// FeedItem is the item as the feed gave it.
type FeedItem struct {
	GUID        string    `json:"guid,omitempty"`
	Title       string    `json:"title,omitempty"`
	Link        string    `json:"link,omitempty"`
	PublishedAt time.Time `json:"published_at,omitzero"`
	Categories  []string  `json:"categories,omitempty"`
}

// Extraction tells how the body was found.
type Extraction struct {
	Method  string `json:"method"`
	Rule    string `json:"rule,omitempty"`
	Version string `json:"version,omitempty"`
}

// StageError records a non-fatal failure of one enricher or stage.
type StageError struct {
	Stage string `json:"stage"`
	Error string `json:"error"`
}

// ID returns the stable article id for a URL: the first 32 hex characters of
// the SHA-256 of its normalised form.
func ID(rawURL string) (string, error) {
	n, err := urlnorm.Normalize(rawURL)
	if err != nil {
		return "", fmt.Errorf("article: id: %w", err)
	}
	sum := sha256.Sum256([]byte(n))
	return hex.EncodeToString(sum[:])[:32], nil
}

// ContentHash returns a fingerprint of the fields whose change makes a new
// revision: title and text.
func ContentHash(a *Article) string {
	h := sha256.New()
	h.Write([]byte(a.Title))
	h.Write([]byte{0})
	h.Write([]byte(a.Text))
	return hex.EncodeToString(h.Sum(nil))[:32]
}

var nonSlug = regexp.MustCompile(`[^a-z0-9_-]+`)

// genericLabels are registrable-domain suffix labels skipped when choosing the
// outlet's slug label.
var genericLabels = map[string]bool{
	"com": true, "org": true, "net": true, "co": true, "ac": true, "gov": true, "edu": true,
	"news": false, "www": true, "m": true, "amp": true, "mobile": true, "rss": true, "feeds": true, "feed": true,
}

// SourceSlug returns the subject token for an outlet's domain: the lower-case
// label that names the outlet ("www.themoscowtimes.com" → "themoscowtimes",
// "feeds.bbci.co.uk" → "bbci"). It never contains '.', '*', '>' or spaces.
func SourceSlug(domain string) string {
	d := strings.ToLower(strings.TrimSpace(domain))
	if i := strings.IndexByte(d, ':'); i >= 0 {
		d = d[:i]
	}
	if net.ParseIP(strings.Trim(d, "[]")) != nil {
		return strings.Trim(nonSlug.ReplaceAllString(d, "-"), "-")
	}
	labels := strings.Split(strings.Trim(d, "."), ".")
	// Drop the top-level label and generic second-level labels (co.uk, com.au).
	if len(labels) > 1 {
		labels = labels[:len(labels)-1]
	}
	for len(labels) > 1 && genericLabels[labels[len(labels)-1]] {
		labels = labels[:len(labels)-1]
	}
	name := labels[len(labels)-1]
	name = strings.Trim(nonSlug.ReplaceAllString(name, "-"), "-")
	if name == "" {
		return "unknown"
	}
	return name
}

// LangToken returns the subject token for a language tag: the lower-case
// primary subtag, or "und".
func LangToken(lang string) string {
	l := strings.ToLower(strings.TrimSpace(lang))
	if i := strings.IndexAny(l, "-_"); i >= 0 {
		l = l[:i]
	}
	if len(l) < 2 || len(l) > 3 || strings.Trim(l, "abcdefghijklmnopqrstuvwxyz") != "" {
		return "und"
	}
	return l
}

// Subject returns the NATS subject an article is published on.
func (a *Article) Subject() string {
	return "news.article." + SourceSlug(a.Source.Domain) + "." + LangToken(a.Language)
}

// CountWords counts words in text: runs of letters or digits, with CJK
// ideographs and kana counted one per character.
func CountWords(text string) int { return CountWordsUpTo(text, math.MaxInt) }

// CountWordsUpTo counts words as CountWords does, stopping once it has
// counted limit of them.
func CountWordsUpTo(text string, limit int) int {
	n, in := 0, false
	for i := 0; i < len(text) && n < limit; {
		if c := text[i]; c < utf8.RuneSelf {
			// ASCII: letters, digits and the apostrophe make words.
			i++
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '\'' {
				if !in {
					n++
					in = true
				}
			} else {
				in = false
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		switch {
		case isCJK(r):
			n++
			in = false
		case isWordRune(r):
			if !in {
				n++
				in = true
			}
		default:
			in = false
		}
	}
	return min(n, limit)
}
