// Package testsite is a synthetic news site for tests, benchmarks and the
// offline demo: the Moscow Times reference feed and page, generated feeds of
// any size with realistic article pages (navigation, ads, comments), and a
// set of broken resources. It answers conditional GETs and counts requests.
package testsite

import (
	"bytes"
	"crypto/sha1"
	"embed"
	"encoding/hex"
	"fmt"
	"html"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

//go:embed reference
var reference embed.FS

// MoscowTimesPath is the path of the reference article on the site.
const MoscowTimesPath = "/mt/2022/08/03/russia-backs-myanmar-juntas-efforts-to-stabilize-count-ry-fm-a78492"

// Options shape the site.
type Options struct {
	Feeds, Items int
	// PageKB pads generated article pages with boilerplate to about this size.
	PageKB int
	// Latency is added to every response.
	Latency time.Duration
	// ErrorRate is the share of article pages answered with 500.
	ErrorRate float64
	Seed      uint64
}

// Site is an http.Handler.
type Site struct {
	opts Options
	// Base is the site's URL as clients see it; set it after starting the server.
	Base string

	mu      sync.Mutex
	hits    map[string]int
	total   atomic.Int64
	cond    atomic.Int64
	rng     *rand.Rand
	rngMu   sync.Mutex
	edition atomic.Int64
	pads    sync.Map // base#variant → padding
}

// SetEdition changes the site's edition: from edition 1 on, the first item
// of every generated feed has an edited title and its page an extra
// paragraph, as when a publisher updates a story.
func (s *Site) SetEdition(n int) { s.edition.Store(int64(n)) }

// New returns a site.
func New(opts Options) *Site {
	return &Site{opts: opts, hits: map[string]int{}, rng: rand.New(rand.NewPCG(opts.Seed, 7))}
}

// Hits returns how many requests a path received.
func (s *Site) Hits(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// HitsPrefix returns the requests per path under prefix.
func (s *Site) HitsPrefix(prefix string) map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for p, n := range s.hits {
		if strings.HasPrefix(p, prefix) {
			out[p] = n
		}
	}
	return out
}

// ConditionalRequests counts requests that carried If-None-Match or If-Modified-Since.
func (s *Site) ConditionalRequests() int64 { return s.cond.Load() }

// TotalRequests counts every request.
func (s *Site) TotalRequests() int64 { return s.total.Load() }

var lastModified = time.Date(2025, 11, 24, 16, 0, 0, 0, time.UTC)

func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.total.Add(1)
	s.mu.Lock()
	s.hits[r.URL.Path]++
	s.mu.Unlock()
	if r.Header.Get("If-None-Match") != "" || r.Header.Get("If-Modified-Since") != "" {
		s.cond.Add(1)
	}
	if s.opts.Latency > 0 {
		time.Sleep(s.opts.Latency)
	}
	base := s.Base
	if base == "" {
		base = "http://" + r.Host
	}
	body, ctype, status := s.route(r.URL.Path, base)
	if status != http.StatusOK {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(status)
		_, _ = w.Write(body)
		return
	}
	sum := sha1.Sum(body)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Last-Modified", lastModified.Format(http.TimeFormat))
	if inm := r.Header.Get("If-None-Match"); inm == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if inm := r.Header.Get("If-None-Match"); inm == "" {
		if t, err := http.ParseTime(r.Header.Get("If-Modified-Since")); err == nil && !lastModified.After(t) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

func (s *Site) route(path, base string) ([]byte, string, int) {
	switch {
	case path == "/mt/rss/news":
		b, _ := reference.ReadFile("reference/moscowtimes-rss-news.xml")
		return bytes.ReplaceAll(b, []byte("https://www.themoscowtimes.com/2022"), []byte(base+"/mt/2022")), "text/xml", 200
	case strings.HasPrefix(path, "/mt/2022/08/03/russia-backs-myanmar"):
		b, _ := reference.ReadFile("reference/moscowtimes-article.html")
		return b, "text/html; charset=utf-8", 200
	case strings.HasPrefix(path, "/mt/2022/08/03/grain-ship"):
		return simplePage("First Ukrainian Grain Ship Inspected in Istanbul", "The first ship to carry Ukrainian grain under a U.N.-brokered deal was inspected in Istanbul on Wednesday by a joint team of inspectors from Russia, Ukraine, Turkey and the United Nations."), "text/html; charset=utf-8", 200
	case strings.HasPrefix(path, "/mt/2022/08/02/pelosi"):
		return simplePage("Pelosi Lands in Taiwan as Russia Warns of 'Provocation'", "U.S. House Speaker Nancy Pelosi landed in Taiwan on Tuesday as Moscow accused Washington of provocation and said the visit violated the sovereignty of China."), "text/html; charset=utf-8", 200
	case path == "/sitemap/index.xml":
		var b strings.Builder
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`)
		for f := 0; f < s.opts.Feeds; f++ {
			fmt.Fprintf(&b, `<sitemap><loc>%s/sitemap/news-%d.xml</loc><lastmod>2026-11-2%dT10:00:00Z</lastmod></sitemap>`, base, f, f%10)
		}
		b.WriteString(`</sitemapindex>`)
		return []byte(b.String()), "application/xml", 200
	case strings.HasPrefix(path, "/sitemap/news-"):
		f, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(path, "/sitemap/news-"), ".xml"))
		if err != nil || f < 0 || f >= s.opts.Feeds {
			return []byte("no such sitemap"), "", 404
		}
		var b strings.Builder
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">`)
		for i := 0; i < s.opts.Items; i++ {
			pub := time.Now().Add(-time.Duration(i+1) * time.Hour).UTC()
			fmt.Fprintf(&b, `<url><loc>%s/gen/%d/%d.html</loc><news:news><news:publication><news:name>Farm Daily</news:name><news:language>en</news:language></news:publication><news:publication_date>%s</news:publication_date><news:title>%s</news:title></news:news></url>`,
				base, f, i, pub.Format(time.RFC3339), html.EscapeString(Title(f, i)))
		}
		b.WriteString(`</urlset>`)
		return []byte(b.String()), "application/xml", 200
	case strings.HasPrefix(path, "/bad/"):
		return s.bad(strings.TrimPrefix(path, "/bad/"), base)
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) == 3 && parts[0] == "gen" {
		f, err := strconv.Atoi(parts[1])
		if err != nil || f < 0 || f >= s.opts.Feeds {
			return []byte("no such feed"), "", 404
		}
		if parts[2] == "feed.xml" {
			return []byte(s.feed(f, base)), "application/rss+xml; charset=utf-8", 200
		}
		if i, err := strconv.Atoi(strings.TrimSuffix(parts[2], ".html")); err == nil && i >= 0 && i < s.opts.Items {
			if s.opts.ErrorRate > 0 {
				s.rngMu.Lock()
				fail := s.rng.Float64() < s.opts.ErrorRate
				s.rngMu.Unlock()
				if fail {
					return []byte("try again"), "", 500
				}
			}
			return []byte(s.page(f, i, base)), "text/html; charset=utf-8", 200
		}
	}
	return []byte("not found"), "", 404
}

// bad serves broken resources: 404, 500, malformed.xml, empty.xml,
// notfeed.html, binary.xml (a feed whose item links to /bad/binary.bin).
func (s *Site) bad(name, base string) ([]byte, string, int) {
	switch name {
	case "404.xml":
		return []byte("gone"), "", 404
	case "500.xml":
		return []byte("oops"), "", 500
	case "malformed.xml":
		return []byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>Broken</title><item><title>x</ti`), "application/rss+xml", 200
	case "garbage.xml":
		return []byte("{{{ this is not XML, JSON or anything a feed reader knows <<<"), "application/rss+xml", 200
	case "empty.xml":
		return []byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>Empty</title><link>` + base + `/</link><description>none</description></channel></rss>`), "application/rss+xml", 200
	case "notfeed.html":
		return []byte(`<!DOCTYPE html><html><head><title>Home</title></head><body><p>Welcome</p></body></html>`), "text/html", 200
	case "binary.xml":
		return []byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>Binary</title><link>` + base + `/</link><description>d</description>
<item><title>A binary file</title><link>` + base + `/bad/binary.bin</link><guid>bin-1</guid><description>Summary of a file that is not a page.</description></item></channel></rss>`), "application/rss+xml", 200
	case "binary.bin":
		b := make([]byte, 4096)
		for i := range b {
			b[i] = byte(i * 7)
		}
		return b, "application/octet-stream", 200
	}
	return []byte("not found"), "", 404
}

var words = strings.Fields(`government minister said on Wednesday that the new policy would take effect next month after
parliament approved the measure despite strong opposition from regional leaders who warned of rising costs for households
and small businesses across the country economists expect inflation to slow while central bank officials signalled further
rate cuts could follow later this year analysts noted the decision marks a sharp shift in strategy after months of
negotiations with international partners over trade energy supplies and security guarantees`)

func sentence(r *rand.Rand, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = words[r.IntN(len(words))]
	}
	s := strings.Join(w, " ")
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// Title returns the title of generated article (f, i).
func Title(f, i int) string {
	r := rand.New(rand.NewPCG(uint64(f)*100003+uint64(i), 1))
	return fmt.Sprintf("Generated Story %d-%d: %s", f, i, strings.TrimSuffix(sentence(r, 6), "."))
}

func (s *Site) feed(f int, base string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Farm feed %d</title><link>%s/gen/%d/</link><description>generated</description><language>en</language>`, f, base, f)
	for i := 0; i < s.opts.Items; i++ {
		pub := time.Unix(1764000000+int64(f)*1000+int64(i)*60, 0).UTC()
		title := Title(f, i)
		if i == 0 && s.edition.Load() > 0 {
			title += fmt.Sprintf(" (updated %d)", s.edition.Load())
		}
		fmt.Fprintf(&b, `<item><title>%s</title><link>%s/gen/%d/%d.html</link><guid isPermaLink="false">gen-%d-%d</guid><pubDate>%s</pubDate><description>Summary of story %d-%d.</description></item>`,
			html.EscapeString(title), base, f, i, f, i, pub.Format(time.RFC1123Z), f, i)
	}
	b.WriteString(`</channel></rss>`)
	return b.String()
}

func (s *Site) page(f, i int, base string) string {
	r := rand.New(rand.NewPCG(uint64(f)*100003+uint64(i), 2))
	title := Title(f, i)
	var paras strings.Builder
	for n := 6 + r.IntN(8); n > 0; n-- {
		fmt.Fprintf(&paras, "<p>%s %s</p>\n", sentence(r, 12+r.IntN(20)), sentence(r, 10+r.IntN(20)))
	}
	if i == 0 && s.edition.Load() > 0 {
		fmt.Fprintf(&paras, "<p>Update %d: officials later confirmed the figures in a statement to reporters on Thursday evening.</p>\n", s.edition.Load())
	}
	var nav strings.Builder
	for j := 0; j < 12; j++ {
		fmt.Fprintf(&nav, `<li><a href="%s/gen/%d/%d.html">Related headline number %d about markets</a></li>`, base, f, j, j)
	}
	pad := s.padding(uint64(f)*100003+uint64(i), base)
	pub := time.Date(2026, 11, 20+f%5, i%24, 0, 0, 0, time.FixedZone("", 3600))
	return fmt.Sprintf(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>%[1]s | Farm Daily</title>
<meta property="og:title" content="%[1]s"><meta property="og:site_name" content="Farm Daily">
<meta property="article:published_time" content="%[2]s"><meta name="author" content="Reporter %[3]d">
<link rel="canonical" href="%[6]s/gen/%[7]d/%[8]d.html"></head><body>
<header><nav><ul>%[4]s</ul></nav></header>
<main><article><h1>%[1]s</h1><p class="byline">By Reporter %[3]d</p>
<div class="article-body">%[5]s</div></article>
<aside><h3>Most read</h3><ul>%[4]s</ul></aside><section class="comments">%[9]s</section></main>
<footer><p>Copyright Farm Daily. All rights reserved. Privacy. Terms. Contact.</p></footer></body></html>`,
		html.EscapeString(title), pub.Format(time.RFC3339), f%7, nav.String(), paras.String(), base, f, i, pad)
}

// padVariants is how many different comment-and-ad sections the generated
// pages share. Building 100 KB of boilerplate costs the origin about as much
// CPU as extracting the page costs newsfeed, and the origin shares the
// machine in load runs, so each section is built once and reused; the
// article text itself stays different on every page.
const padVariants = 32

// padding returns the comment-and-ad boilerplate of about PageKB KiB for the
// page with the given seed.
func (s *Site) padding(seed uint64, base string) string {
	if s.opts.PageKB <= 0 {
		return ""
	}
	v := seed % padVariants
	key := base + "#" + strconv.FormatUint(v, 10)
	if p, ok := s.pads.Load(key); ok {
		return p.(string)
	}
	r := rand.New(rand.NewPCG(v, 3))
	var pad strings.Builder
	for k := 0; pad.Len() < s.opts.PageKB*1024; k++ {
		fmt.Fprintf(&pad, `<div class="comment"><p class="comment__author">Reader %d</p><p>%s</p></div><div class="ad"><script>var slot%d = {size: [300, 250]};</script><a href="%s/ads/%d">Advertisement</a></div>`+"\n", k, sentence(r, 15), k, base, k)
	}
	p, _ := s.pads.LoadOrStore(key, pad.String())
	return p.(string)
}

func simplePage(title, body string) []byte {
	return []byte(fmt.Sprintf(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>%[1]s - The Moscow Times</title>
<meta property="og:site_name" content="The Moscow Times"></head><body><main><article class="article article--news">
<header class="article__header"><h1>%[1]s</h1></header>
<div class="article__content"><div class="article__block article__block--html"><p>%[2]s</p>
<p>%[2]s Officials gave no further details on Wednesday.</p></div></div></article></main></body></html>`, html.EscapeString(title), html.EscapeString(body)))
}
