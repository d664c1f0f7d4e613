package parser

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/publicsuffix"
)

// tightSeps are the characters that separate a title's parts without
// spaces around them; ㅣ (a Hangul vowel) stands for a bar on Korean sites.
const tightSeps = "-|ㅣ｜–—·/："

var titleSeps = []string{" | ", " - ", " – ", " — ", " :: ", " · ", " » ", " « ", " › ", " ‹ ", " / ", " : ", " || ", " ~ "}

// squash lower-cases s and keeps letters and digits only, for loose
// comparison of titles and site names.
func squash(s string) string {
	var arr [128]byte
	b := appendSquash(arr[:0], s)
	if string(b) == s {
		return s
	}
	return string(b)
}

// appendSquash appends squash(s) to b. Lower-casing rune by rune is what
// strings.ToLower does; the bytes of invalid UTF-8 it turns into U+FFFD,
// which is neither a letter nor a digit, as ranging over s does.
func appendSquash(b []byte, s string) []byte {
	for _, r := range s {
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
				b = append(b, byte(r))
			}
			continue
		}
		if r = unicode.ToLower(r); unicode.IsLetter(r) || unicode.IsDigit(r) {
			b = utf8.AppendRune(b, r)
		}
	}
	return b
}

// squashEqual reports whether squash(s) == sq without building squash(s):
// it stops at the first rune that differs.
func squashEqual(s, sq string) bool {
	var rb [utf8.UTFMax]byte
	i := 0
	for _, r := range s {
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
				if i >= len(sq) || sq[i] != byte(r) {
					return false
				}
				i++
			}
			continue
		}
		if r = unicode.ToLower(r); unicode.IsLetter(r) || unicode.IsDigit(r) {
			n := utf8.EncodeRune(rb[:], r)
			if i+n > len(sq) || sq[i:i+n] != string(rb[:n]) {
				return false
			}
			i += n
		}
	}
	return i == len(sq)
}

// stripSiteName removes a site-name prefix or suffix from a page title.
// site is the known site name (og:site_name and the like) and host the
// page's host; either may be empty. refs are other titles (h1, og:title)
// that confirm a cut.
func stripSiteName(t, site, host string, refs []string) string {
	t = normSpace(t)
	if len(t) > maxTitle {
		return t // not a title; and each cut below costs the whole string
	}
	sq := func(s string) string { return squash(s) }
	siteSq := sq(site)
	hostSq := ""
	if host != "" {
		hostSq = sq(hostLabel(host))
	}
	looksSite := func(part string) bool {
		p := sq(part)
		if p == "" {
			return false
		}
		if siteSq != "" && (p == siteSq || strings.Contains(p, siteSq) && len(p) < len(siteSq)+12 || strings.Contains(siteSq, p) && len(p) >= 3) {
			return true
		}
		if hostSq != "" && len(hostSq) >= 3 && (strings.Contains(p, hostSq) && len(p) < len(hostSq)+25 || strings.Contains(hostSq, p) && len(p) >= 4) {
			return true
		}
		return false
	}
	isDate := func(part string) bool {
		_, ok := parseDate(part)
		return ok || reDateOnly.MatchString(part)
	}
	// Another statement of the headline that t extends by a separator
	// without spaces ("Headline-Section|Site", "Headlineㅣ사이트").
	for _, r := range refs {
		if r = normSpace(r); len(squash(r)) >= 8 && len(t) > len(r) && strings.HasPrefix(t, r) {
			if c, _ := utf8.DecodeRuneInString(t[len(r):]); strings.ContainsRune(tightSeps, c) {
				t = r
				break
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, sep := range titleSeps {
			if p := trailEnd(t, sep, looksSite); p != "" {
				t, changed = p, true
				break
			}
			if i := strings.LastIndex(t, sep); i > 0 {
				head, tail := t[:i], t[i+len(sep):]
				// The head an h1 shows, unless a longer tail is shown too
				// ("Site - Section - Headline" with h1s for both).
				if looksSite(tail) || isDate(tail) || matchesAny(head, refs) && !(len(tail) > len(head) && matchesAny(tail, refs)) {
					t, changed = strings.TrimSpace(head), true
					break
				}
			}
			i := siteMiddle(t, sep, looksSite)
			if i <= 0 {
				i = siteAfter(t, sep, looksSite)
			}
			if i > 0 {
				t, changed = strings.TrimSpace(t[:i]), true
				break
			}
			if i := strings.Index(t, sep); i > 0 {
				head, tail := t[:i], t[i+len(sep):]
				if looksSite(head) && len(tail) > len(head) || matchesAny(tail, refs) {
					t, changed = strings.TrimSpace(tail), true
					break
				}
			}
			if p := partMatching(t, sep, refs, looksSite); p != "" {
				t, changed = p, true
				break
			}
		}
	}
	return trimDangling(t)
}

// danglingSeps are the title separators that end no headline; guillemets
// and colons may.
var danglingSeps = []string{" -", " |", " –", " —", " ::", " ·", " /", " ~"}

// trimDangling removes a separator left at the end of a title whose
// site name is empty ("Headline -").
func trimDangling(t string) string {
	for changed := true; changed; {
		changed = false
		for _, d := range danglingSeps {
			if strings.HasSuffix(t, d) {
				t, changed = strings.TrimSpace(t[:len(t)-len(d)]), true
			}
		}
	}
	return t
}

// partMatching returns the longest part of t, split at sep, when t has
// three parts or more and another statement of the headline in refs is
// that part ("Headline / Section / Home" for an h1 "Headline"), else "".
// The headline is the longest part of such a trail; a shorter part an h1
// repeats, or one that looksSite, is the site's name in its logo.
func partMatching(t, sep string, refs []string, looksSite func(string) bool) string {
	parts := strings.Split(t, sep)
	if len(parts) < 3 {
		return ""
	}
	long := 0
	for i, p := range parts {
		if len(p) > len(parts[long]) {
			long = i
		}
	}
	if p := parts[long]; matchesAny(p, refs) && !looksSite(p) {
		return strings.TrimSpace(p)
	}
	return ""
}

// crumbSeps separate the steps of a breadcrumb trail.
var crumbSeps = []string{" » ", " › ", " / "}

// trailEnd returns the last step of a title that is a breadcrumb trail
// from the site's name ("Site » Blog archive » Headline"): three parts or
// more joined by a crumb separator, the first of which looksSite; else "".
func trailEnd(t, sep string, looksSite func(string) bool) string {
	crumb := false
	for _, c := range crumbSeps {
		crumb = crumb || c == sep
	}
	if !crumb {
		return ""
	}
	parts := strings.Split(t, sep)
	if len(parts) < 3 || !looksSite(parts[0]) {
		return ""
	}
	return strings.TrimSpace(parts[len(parts)-1])
}

// siteMiddle returns where the part of t between two seps that
// looksSite begins ("Headline | Site | Tagline": the site name and what
// follows it go), or -1. The first part, the headline, is never cut.
func siteMiddle(t, sep string, looksSite func(string) bool) int {
	i := strings.Index(t, sep)
	if i <= 0 {
		return -1
	}
	for {
		rest := t[i+len(sep):]
		j := strings.Index(rest, sep)
		if j < 0 {
			return -1
		}
		if looksSite(rest[:j]) {
			return i
		}
		i += len(sep) + j
	}
}

// siteAfter returns where the first sep in t begins when the part after it,
// up to the next separator of any kind, looksSite ("Headline : Site |
// Tagline | Founded 2005"), or -1.
func siteAfter(t, sep string, looksSite func(string) bool) int {
	i := strings.Index(t, sep)
	if i <= 0 {
		return -1
	}
	rest := t[i+len(sep):]
	j := -1
	for _, s := range titleSeps {
		if k := strings.Index(rest, s); k > 0 && (j < 0 || k < j) {
			j = k
		}
	}
	if j > 0 && looksSite(rest[:j]) {
		return i
	}
	return -1
}

// hostLabel returns the label a site is named by: the one before the
// public suffix ("express" for www.express.co.uk, "bundeskanzleramt" for
// www.bundeskanzleramt.gv.at), or, for a host the suffix list does not
// know, the one before the last dot.
func hostLabel(host string) string {
	h := strings.TrimPrefix(strings.ToLower(host), "www.")
	if d, err := publicsuffix.EffectiveTLDPlusOne(h); err == nil {
		h = d
	}
	if i := strings.IndexByte(h, '.'); i >= 0 {
		h = h[:i]
	}
	return h
}

// maxTitle is the longest meta title worth cleaning.
const maxTitle = 1000

func matchesAny(s string, refs []string) bool {
	q := squash(s)
	if len(q) < 8 {
		return false
	}
	for _, r := range refs {
		if squash(r) == q {
			return true
		}
	}
	return false
}
