// Package feed parses RSS, Atom and JSON feeds into newsfeed's normalised
// items.
//
// Before gofeed sees a document it is converted to UTF-8 (internal/charset:
// BOM, HTTP charset, XML declaration, detection; invalid bytes become
// U+FFFD), cleaned of characters XML forbids, and checked by
// internal/xmlguard in one linear pass: a document nested deeper than
// Options.MaxDepth or holding more than Options.MaxElements elements is
// rejected in milliseconds, and a truncated document is repaired by dropping
// the incomplete item and closing what is open. Links are resolved against
// xml:base and the feed URL; links that are not http or https (javascript:,
// data:, file:, ...) are dropped. Dates are parsed by ParseDate and kept
// only when plausible. Everything that was repaired or dropped is listed in
// Feed.Warnings, so a bad feed degrades instead of failing.
package feed

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"
	jsonfeed "github.com/mmcdole/gofeed/json"
	"github.com/mmcdole/gofeed/rss"
	xhtml "golang.org/x/net/html"

	"github.com/newsfeed/newsfeed/internal/charset"
	"github.com/newsfeed/newsfeed/internal/urlnorm"
	"github.com/newsfeed/newsfeed/internal/xmlguard"
)

// Errors. Rejections by the pre-check wrap ErrRejected.
var (
	// ErrNotFeed is returned when the document is not a feed gofeed knows.
	ErrNotFeed = errors.New("feed: not an RSS, Atom or JSON feed")
	// ErrRejected wraps refusals of the pre-check (too deep, too many elements).
	ErrRejected = xmlguard.ErrRejected
	// ErrMalformed wraps documents the parser could not read.
	ErrMalformed = errors.New("feed: malformed document")
)

// Feed is a parsed feed.
type Feed struct {
	Title    string `json:"title"`
	Link     string `json:"link,omitempty"`
	Language string `json:"language,omitempty"`
	// Format is "rss", "atom" or "json" (or "sitemap" for parser/sitemap).
	Format string `json:"-"`
	// Updated is the feed's own last-update date (zero when absent).
	Updated time.Time `json:"-"`
	// TTL is the RSS <ttl> (0 when absent).
	TTL time.Duration `json:"-"`
	// UpdatePeriod is sy:updatePeriod divided by sy:updateFrequency (0 when absent).
	UpdatePeriod time.Duration `json:"-"`
	// SkipHours are RSS <skipHours> hours (0-23, GMT), sorted.
	SkipHours []int `json:"-"`
	// SkipDays are RSS <skipDays> days (GMT), sorted.
	SkipDays []time.Weekday `json:"-"`
	Items    []Item         `json:"-"`
	// Warnings lists what was repaired or dropped while parsing.
	Warnings []string `json:"-"`
}

// Item is one normalised feed item.
type Item struct {
	GUID        string    `json:"guid"`
	Title       string    `json:"title"`
	Link        string    `json:"link"`
	PublishedAt time.Time `json:"published_at,omitzero"`
	UpdatedAt   time.Time `json:"updated_at,omitzero"`
	Authors     []string  `json:"authors"`
	Categories  []string  `json:"categories"`
	Summary     string    `json:"summary"`
	Content     string    `json:"content"`
	Image       string    `json:"image,omitempty"`
}

// Info is the feed-level part of a `newsfeed feed` output line.
type Info struct {
	Title    string `json:"title"`
	Link     string `json:"link"`
	Language string `json:"language"`
}

// Line is one line of `newsfeed feed` output (DESIGN §2): an item and
// `feed: {title, link, language}`.
type Line struct {
	Item
	Feed Info `json:"feed"`
}

// Lines returns the feed's items as output lines, with their summary and
// content sanitised (SanitizeHTML). Items keep the feed's own markup until
// then: the poller reads only what is new, and sanitising every item of
// every poll would cost more than parsing the feed.
func (f *Feed) Lines() []Line {
	info := Info{Title: f.Title, Link: f.Link, Language: f.Language}
	out := make([]Line, len(f.Items))
	for i, it := range f.Items {
		base := itemBase(it, f.Link)
		it.Summary = SanitizeHTML(it.Summary, base)
		it.Content = SanitizeHTML(it.Content, base)
		out[i] = Line{Item: it, Feed: info}
	}
	return out
}

// Options bounds parsing. Zero values take the defaults.
type Options struct {
	MaxDepth    int // default 256 levels
	MaxElements int // default 1,000,000
	MaxItems    int // default 10,000; further items are dropped with a warning
	// Now is the reference time for date plausibility (default time.Now).
	Now time.Time
}

// Dates outside [MinDate, Now+MaxFuture] are dropped as implausible.
var MinDate = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// MaxFuture is how far ahead of now a date may be and still be kept.
const MaxFuture = 48 * time.Hour

// Parse parses a feed document. contentType is the HTTP Content-Type (for
// its charset) and baseURL the feed's URL (for relative links).
func Parse(data []byte, contentType, baseURL string) (*Feed, error) {
	return ParseOptions(data, contentType, baseURL, Options{})
}

// ParseOptions is Parse with explicit limits.
func ParseOptions(data []byte, contentType, baseURL string, opts Options) (*Feed, error) {
	if opts.MaxItems <= 0 {
		opts.MaxItems = 10_000
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	var warn []string
	doc, info, w, err := Prepare(data, contentType, xmlguard.Limits{MaxDepth: opts.MaxDepth, MaxElements: opts.MaxElements})
	warn = append(warn, w...)
	if err != nil {
		return nil, err
	}
	if info.Root == "urlset" || info.Root == "sitemapindex" {
		return nil, fmt.Errorf("%w (a sitemap: use type: sitemap)", ErrNotFeed)
	}
	p := gofeed.NewParser()
	p.KeepOriginalFeed = true
	gf, err := p.Parse(bytes.NewReader(doc))
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
			return nil, ErrNotFeed
		}
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	base := parseBase(baseURL)
	f := &Feed{
		Title:    cleanText(gf.Title),
		Language: langTag(gf.Language),
		Format:   gf.FeedType,
	}
	f.Link = urlnorm.Resolve(base, gf.Link)
	if f.Link == "" {
		for _, l := range gf.Links {
			if f.Link = urlnorm.Resolve(base, l); f.Link != "" {
				break
			}
		}
	}
	if gf.UpdatedParsed != nil {
		f.Updated = plausible(*gf.UpdatedParsed, opts.Now)
	}
	schedule(f, gf, &warn)

	// xml:base in scope at each item, when the scan saw them all
	var itemBases [][]string
	if info != nil && len(info.ItemBases) == len(gf.Items) {
		itemBases = info.ItemBases
	}
	// the RSS and JSON Feed items as read, for what gofeed's translation
	// leaves out
	var rssItems []*rss.Item
	if rf, ok := gf.OriginalFeed().(*rss.Feed); ok && rf != nil && len(rf.Items) == len(gf.Items) {
		rssItems = rf.Items
	}
	var jsonItems []*jsonfeed.Item
	if jf, ok := gf.OriginalFeed().(*jsonfeed.Feed); ok && jf != nil && len(jf.Items) == len(gf.Items) {
		jsonItems = jf.Items
	}
	ids := newIdentity()
	for i, it := range gf.Items {
		if it == nil {
			continue
		}
		if len(f.Items) >= opts.MaxItems {
			warn = append(warn, fmt.Sprintf("more than %d items: the rest were dropped", opts.MaxItems))
			break
		}
		b := base
		if itemBases != nil {
			b = resolveBases(base, itemBases[i])
		}
		out, ok := item(b, it, opts.Now, &warn)
		if out.Link == "" && rssItems != nil {
			out.Link = permaLink(b, rssItems[i])
		}
		if ji := jsonItemAt(jsonItems, i); ji != nil && ji.ContentHTML == "" && ji.ContentText != "" {
			// JSON Feed's content_text is text, where content is HTML:
			// "a <b> c" there is three words, not a tag
			out.Content = html.EscapeString(strings.TrimSpace(ji.ContentText))
		}
		if !ok {
			continue
		}
		f.Items = append(f.Items, out)
	}
	f.Items = ids.assign(f.Items, &warn)
	f.Warnings = dedupeWarnings(warn)
	return f, nil
}

// Prepare converts a feed-like document (RSS, Atom, JSON, sitemap, OPML)
// to clean UTF-8 and runs the xmlguard pre-check, repairing truncation. It
// returns the prepared document, the scan, warnings, and an error wrapping
// ErrRejected when a limit was hit. Other parsers in this area use it.
func Prepare(data []byte, contentType string, lim xmlguard.Limits) ([]byte, *xmlguard.Info, []string, error) {
	var warn []string
	utf, res := charset.DecodeXMLResult(data, contentType)
	if res.Overridden {
		warn = append(warn, fmt.Sprintf("declared charset not used: read as %s (%s)", res.Name, res.Source))
	}
	if res.Replaced > 0 {
		warn = append(warn, fmt.Sprintf("%d invalid %s byte sequences replaced", res.Replaced, res.Name))
	}
	utf, fixed := charset.FixC1(utf)
	if fixed > 0 {
		warn = append(warn, fmt.Sprintf("%d C1 control characters read as windows-1252", fixed))
	}
	utf, removed := xmlguard.Clean(utf)
	if removed > 0 {
		warn = append(warn, fmt.Sprintf("%d control characters removed", removed))
	}
	info, err := xmlguard.Scan(utf, lim)
	if err != nil {
		return nil, info, warn, fmt.Errorf("feed: %w", err)
	}
	if info.Entities > 0 {
		warn = append(warn, fmt.Sprintf("%d DTD entity declarations ignored", info.Entities))
	}
	if info.Truncated && !info.JSON {
		utf = xmlguard.Repair(utf, info)
		warn = append(warn, "document truncated: the incomplete tail was dropped")
	}
	return utf, info, warn, nil
}

func parseBase(raw string) *url.URL {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil
	}
	return u
}

// resolveBases applies nested xml:base values, outermost first.
func resolveBases(base *url.URL, bases []string) *url.URL {
	b := base
	for _, v := range bases {
		r, err := url.Parse(strings.TrimSpace(v))
		if err != nil {
			continue
		}
		if b != nil {
			r = b.ResolveReference(r)
		}
		if s := strings.ToLower(r.Scheme); s != "http" && s != "https" {
			continue // an xml:base of javascript: or file: is ignored
		}
		b = r
	}
	return b
}

func item(base *url.URL, it *gofeed.Item, now time.Time, warn *[]string) (Item, bool) {
	out := Item{
		GUID:       strings.TrimSpace(it.GUID),
		Title:      cleanText(it.Title),
		Link:       urlnorm.Resolve(base, it.Link),
		Summary:    strings.TrimSpace(it.Description),
		Content:    strings.TrimSpace(it.Content),
		Categories: uniqueNonEmpty(it.Categories),
		Authors:    []string{},
	}
	if out.Link == "" && strings.TrimSpace(it.Link) != "" {
		*warn = append(*warn, "links that are not http or https were dropped")
	}
	if out.Link == "" {
		for _, l := range it.Links {
			if out.Link = urlnorm.Resolve(base, l); out.Link != "" {
				break
			}
		}
	}
	out.PublishedAt = itemDate(it.Published, it.PublishedParsed, now, warn)
	out.UpdatedAt = itemDate(it.Updated, it.UpdatedParsed, now, warn)
	if out.PublishedAt.IsZero() && !out.UpdatedAt.IsZero() {
		out.PublishedAt = out.UpdatedAt
	}
	seen := map[string]bool{}
	for _, a := range it.Authors {
		if a == nil {
			continue
		}
		name := cleanText(a.Name)
		if name == "" {
			name = strings.TrimSpace(a.Email)
		}
		if name != "" && !seen[strings.ToLower(name)] {
			seen[strings.ToLower(name)] = true
			out.Authors = append(out.Authors, name)
		}
	}
	if it.Image != nil {
		out.Image = urlnorm.Resolve(base, it.Image.URL)
	}
	if out.Image == "" {
		for _, e := range it.Enclosures {
			if e != nil && strings.HasPrefix(e.Type, "image/") {
				if out.Image = urlnorm.Resolve(base, e.URL); out.Image != "" {
					break
				}
			}
		}
	}
	if out.Image == "" {
		out.Image = itemImage(base, it)
	}
	if out.Summary == "" && out.Content == "" {
		out.Summary = mediaDescription(it)
	}
	if out.GUID == "" && out.Link == "" && out.Title == "" && out.Summary == "" && out.Content == "" {
		*warn = append(*warn, "empty items were dropped")
		return out, false
	}
	return out, true
}

func jsonItemAt(items []*jsonfeed.Item, i int) *jsonfeed.Item {
	if i < len(items) {
		return items[i]
	}
	return nil
}

// permaLink is an RSS item's guid when it is the item's address: RSS 2.0
// reads a guid as a permalink unless isPermaLink="false", and an item
// without <link> is then reached through it.
func permaLink(base *url.URL, it *rss.Item) string {
	if it == nil || it.GUID == nil || strings.EqualFold(strings.TrimSpace(it.GUID.IsPermalink), "false") {
		return ""
	}
	v := strings.TrimSpace(it.GUID.Value)
	if !strings.HasPrefix(strings.ToLower(v), "http://") && !strings.HasPrefix(strings.ToLower(v), "https://") {
		return "" // a permalink is absolute; "123" or a urn is an id
	}
	return urlnorm.Resolve(base, v)
}

// itemImage is the first image media RSS offers (media:thumbnail, or an
// image media:content or media:thumbnail inside media:group), which
// gofeed's translation does not read; the largest when several are sized.
func itemImage(base *url.URL, it *gofeed.Item) string {
	media := it.Extensions["media"]
	if media == nil {
		return ""
	}
	var best string
	bestW := -1
	consider := func(e ext.Extension, needImage bool) {
		u := urlnorm.Resolve(base, e.Attrs["url"])
		if u == "" {
			return
		}
		if needImage && !strings.HasPrefix(e.Attrs["type"], "image/") && e.Attrs["medium"] != "image" {
			return
		}
		w, _ := strconv.Atoi(e.Attrs["width"])
		if w > bestW {
			best, bestW = u, w
		}
	}
	for _, e := range media["thumbnail"] {
		consider(e, false)
	}
	for _, g := range media["group"] {
		for _, e := range g.Children["content"] {
			consider(e, true)
		}
		for _, e := range g.Children["thumbnail"] {
			consider(e, false)
		}
	}
	return best
}

// mediaDescription is media:description, directly or in media:group (a
// YouTube feed's only summary).
func mediaDescription(it *gofeed.Item) string {
	media := it.Extensions["media"]
	if media == nil {
		return ""
	}
	for _, e := range media["description"] {
		if v := strings.TrimSpace(e.Value); v != "" {
			return v
		}
	}
	for _, g := range media["group"] {
		for _, e := range g.Children["description"] {
			if v := strings.TrimSpace(e.Value); v != "" {
				return v
			}
		}
	}
	return ""
}

// itemDate parses raw with ParseDate, falls back to gofeed's reading, and
// keeps the result only when plausible.
func itemDate(raw string, parsed *time.Time, now time.Time, warn *[]string) time.Time {
	raw = strings.TrimSpace(raw)
	if raw == "" && parsed == nil {
		return time.Time{}
	}
	var t time.Time
	if d, ok := ParseDate(raw); ok {
		t = d.Time
		if d.Ambiguous {
			*warn = append(*warn, fmt.Sprintf("ambiguous time zone %s read as UTC%s", d.Zone, t.Format("-07:00")))
		}
	} else if parsed != nil {
		t = *parsed
	}
	if t.IsZero() {
		*warn = append(*warn, "unparsable dates were dropped")
		return time.Time{}
	}
	if p := plausible(t, now); p.IsZero() {
		*warn = append(*warn, "implausible dates (before 1980 or in the future) were dropped")
		return time.Time{}
	}
	return t
}

func plausible(t, now time.Time) time.Time {
	if t.Before(MinDate) || t.After(now.Add(MaxFuture)) {
		return time.Time{}
	}
	return t
}

// schedule fills TTL, UpdatePeriod, SkipHours and SkipDays.
func schedule(f *Feed, gf *gofeed.Feed, warn *[]string) {
	if rf, ok := gf.OriginalFeed().(*rss.Feed); ok && rf != nil {
		if s := strings.TrimSpace(rf.TTL); s != "" {
			if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
				if n > maxTTLMinutes {
					n = maxTTLMinutes
					*warn = append(*warn, fmt.Sprintf("ttl %s minutes capped at %d", s, maxTTLMinutes))
				}
				f.TTL = time.Duration(n) * time.Minute
			} else {
				*warn = append(*warn, fmt.Sprintf("invalid ttl %q ignored", s))
			}
		}
		f.SkipHours = SkipHours(rf.SkipHours)
		f.SkipDays = SkipDays(rf.SkipDays)
	}
	if sy, ok := gf.Extensions["sy"]; ok {
		var period, freq string
		if v := sy["updatePeriod"]; len(v) > 0 {
			period = v[0].Value
		}
		if v := sy["updateFrequency"]; len(v) > 0 {
			freq = v[0].Value
		}
		f.UpdatePeriod = UpdatePeriod(period, freq)
	}
}

const maxTTLMinutes = 30 * 24 * 60

// UpdatePeriod turns sy:updatePeriod and sy:updateFrequency into a
// duration (period / frequency), 0 when the period is unknown.
func UpdatePeriod(period, frequency string) time.Duration {
	var p time.Duration
	switch strings.ToLower(strings.TrimSpace(period)) {
	case "hourly":
		p = time.Hour
	case "daily":
		p = 24 * time.Hour
	case "weekly":
		p = 7 * 24 * time.Hour
	case "monthly":
		p = 30 * 24 * time.Hour
	case "yearly":
		p = 365 * 24 * time.Hour
	default:
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSpace(frequency))
	if err != nil || n < 1 {
		n = 1
	}
	if n > 1_000_000 {
		n = 1_000_000
	}
	return p / time.Duration(n)
}

// SkipHours parses RSS <skipHours> values: 0-23 (24 means midnight);
// others are ignored. The result is sorted without duplicates.
func SkipHours(in []string) []int {
	seen := map[int]bool{}
	var out []int
	for _, s := range in {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 0 || n > 24 {
			continue
		}
		n %= 24
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Ints(out)
	return out
}

// SkipDays parses RSS <skipDays> day names (case-insensitive, full or
// three-letter); others are ignored. The result is sorted without duplicates.
func SkipDays(in []string) []time.Weekday {
	seen := map[time.Weekday]bool{}
	var out []time.Weekday
	for _, s := range in {
		s = strings.ToLower(strings.TrimSpace(s))
		for d := time.Sunday; d <= time.Saturday; d++ {
			name := strings.ToLower(d.String())
			if s == name || (len(s) == 3 && s == name[:3]) {
				if !seen[d] {
					seen[d] = true
					out = append(out, d)
				}
				break
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// cleanText turns a title or name that may carry markup or escaped
// entities into plain text on one line.
func cleanText(s string) string {
	s = strings.TrimSpace(s)
	if strings.ContainsRune(s, '<') && strings.ContainsRune(s, '>') {
		var b strings.Builder
		skip := "" // inside script or style: code, not text
		z := xhtml.NewTokenizer(strings.NewReader(s))
		for {
			tt := z.Next()
			if tt == xhtml.ErrorToken {
				break
			}
			switch tt {
			case xhtml.StartTagToken:
				if name, _ := z.TagName(); isRawText(string(name)) {
					skip = string(name)
				}
			case xhtml.EndTagToken:
				if name, _ := z.TagName(); string(name) == skip {
					skip = ""
				}
			case xhtml.TextToken:
				if skip == "" {
					b.Write(z.Text())
				}
			}
		}
		s = b.String()
	} else if strings.ContainsRune(s, '&') {
		s = html.UnescapeString(s)
	}
	return strings.Join(strings.Fields(s), " ")
}

// langTag writes a feed's language as a BCP 47 tag: "en_US" becomes
// "en-US"; a list ("en, de") gives its first tag. Case is the feed's own
// (tags are case-insensitive: "en-us" stays as written).
func langTag(l string) string {
	l = strings.TrimSpace(strings.ReplaceAll(l, "_", "-"))
	if i := strings.IndexAny(l, ",; "); i >= 0 {
		l = l[:i]
	}
	return l
}

// isRawText reports elements whose text is code or markup, not prose.
func isRawText(name string) bool {
	switch name {
	case "script", "style", "template", "noscript", "iframe", "textarea", "xmp", "noembed", "noframes":
		return true
	}
	return false
}

func uniqueNonEmpty(in []string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, s := range in {
		s = cleanText(s)
		if s != "" && !seen[strings.ToLower(s)] {
			seen[strings.ToLower(s)] = true
			out = append(out, s)
		}
	}
	return out
}

// identity gives every item a GUID that is unique within the feed.
type identity struct{}

func newIdentity() identity { return identity{} }

// assign fills missing GUIDs (the link, else a hash of title, date and
// text) and resolves GUIDs reused within the feed: an exact repeat (same
// GUID and link) is dropped; a GUID shared by items with different links is
// not trusted, and those items are identified by their links instead.
func (identity) assign(items []Item, warn *[]string) []Item {
	for i := range items {
		if items[i].GUID == "" {
			if items[i].Link != "" {
				items[i].GUID = items[i].Link
			} else {
				items[i].GUID = synthetic(items[i])
				*warn = append(*warn, "items without guid or link were given a content hash as guid")
			}
		}
	}
	byGUID := map[string][]int{}
	for i, it := range items {
		byGUID[it.GUID] = append(byGUID[it.GUID], i)
	}
	drop := map[int]bool{}
	for g, idx := range byGUID {
		if len(idx) < 2 {
			continue
		}
		links := map[string]bool{}
		for _, i := range idx {
			links[items[i].Link] = true
		}
		if len(links) == 1 {
			for _, i := range idx[1:] {
				drop[i] = true
			}
			*warn = append(*warn, "repeated items were dropped")
			continue
		}
		*warn = append(*warn, fmt.Sprintf("guid %q reused by items with different links: their links identify them", truncate(g, 80)))
		firstByLink := map[string]bool{}
		for _, i := range idx {
			l := items[i].Link
			if firstByLink[l] {
				drop[i] = true
				continue
			}
			firstByLink[l] = true
			if l != "" {
				items[i].GUID = l
			} else {
				items[i].GUID = synthetic(items[i])
			}
		}
	}
	if len(drop) == 0 {
		return items
	}
	out := items[:0]
	for i, it := range items {
		if !drop[i] {
			out = append(out, it)
		}
	}
	return out
}

func synthetic(it Item) string {
	h := sha256.New()
	for _, s := range []string{it.Title, it.PublishedAt.UTC().Format(time.RFC3339), it.Summary, it.Content} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))[:32]
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}

func dedupeWarnings(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range in {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}
