package robots

import (
	"strings"
	"testing"
	"time"
)

const sample = `# example
User-agent: *
Disallow: /private
Disallow: /*.pdf$
Allow: /private/press
Crawl-delay: 5

User-agent: NewsFeed
User-agent: otherbot/2.0
Disallow: /nf-only   # comment
Allow: /nf-only/ok

User-agent: newsfeed
Disallow: /merged

Sitemap: https://example.com/sitemap.xml
`

func TestAllowed(t *testing.T) {
	r := Parse([]byte(sample))
	for _, tc := range []struct {
		agent, path string
		want        bool
	}{
		// the newsfeed groups (two, merged) apply; "*" does not
		{"newsfeed/1 (+https://x)", "/private", true},
		{"newsfeed", "/nf-only/x", false},
		{"newsfeed", "/nf-only/ok/x", true},
		{"newsfeed", "/merged/page", false},
		{"NEWSFEED", "/merged", false},
		{"otherbot", "/nf-only", false},
		// others use "*"
		{"somebot", "/private/x", false},
		{"somebot", "/private/press/release", true}, // longer allow wins
		{"somebot", "/doc.pdf", false},
		{"somebot", "/doc.pdf?download=1", true}, // $ anchors the end
		{"somebot", "/public", true},
		{"newsfeedextra", "/private", false}, // product tokens match exactly, not by prefix
		{"somebot", "/robots.txt", true},
	} {
		if got := r.Allowed(tc.agent, tc.path); got != tc.want {
			t.Errorf("%s %s: %v, want %v", tc.agent, tc.path, got, tc.want)
		}
	}
	if d := r.CrawlDelay("somebot"); d != 5*time.Second {
		t.Errorf("crawl delay %v", d)
	}
	if d := r.CrawlDelay("newsfeed"); d != 0 {
		t.Errorf("newsfeed crawl delay %v", d)
	}
	if len(r.Sitemaps) != 1 || r.Sitemaps[0] != "https://example.com/sitemap.xml" {
		t.Errorf("sitemaps %v", r.Sitemaps)
	}
}

func TestRFCRules(t *testing.T) {
	for _, tc := range []struct {
		name, file, path string
		want             bool
	}{
		{"empty file", "", "/x", true},
		{"no matching group", "User-agent: other\nDisallow: /", "/x", true},
		{"disallow all", "User-agent: *\nDisallow: /", "/x", false},
		{"empty disallow allows", "User-agent: *\nDisallow:", "/x", true},
		{"tie: allow wins", "User-agent: *\nDisallow: /page\nAllow: /page", "/page", true},
		{"longest match wins", "User-agent: *\nAllow: /\nDisallow: /a/b", "/a/b/c", false},
		{"wildcard in the middle", "User-agent: *\nDisallow: /*/edit", "/x/y/edit/1", false},
		{"wildcard no match", "User-agent: *\nDisallow: /*/edit", "/edit", true},
		{"percent-encoded unreserved", "User-agent: *\nDisallow: /%7Ejoe", "/~joe/index", false},
		{"raw non-ASCII pattern", "User-agent: *\nDisallow: /foo/bär", "/foo/b%C3%A4r", false},
		{"encoded slash stays encoded", "User-agent: *\nDisallow: /a%2Fb", "/a/b", true},
		{"rules before any user-agent are ignored", "Disallow: /\nUser-agent: *\nAllow: /", "/x", true},
		{"query is matched", "User-agent: *\nDisallow: /*?sessionid=", "/a?sessionid=1", false},
		{"pattern without leading slash", "User-agent: *\nDisallow: private", "/private", false},
		{"CRLF line ends", "User-agent: *\r\nDisallow: /x\r\n", "/x", false},
		{"typo accepted", "User-agent: *\nDisalow: /x", "/x", false},
		{"case-insensitive keys", "USER-AGENT: *\nDISALLOW: /x", "/x", false},
		{"$ alone matches only the root", "User-agent: *\nDisallow: /$", "/", false},
		{"$ alone does not match deeper", "User-agent: *\nDisallow: /$", "/a", true},
		{"robots.txt always allowed", "User-agent: *\nDisallow: /", "/robots.txt", true},
	} {
		if got := Parse([]byte(tc.file)).Allowed("newsfeed", tc.path); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestSizeCap(t *testing.T) {
	body := "User-agent: *\nDisallow: /early\n" + strings.Repeat("#"+strings.Repeat("x", 99)+"\n", 20_000) + "Disallow: /late\n"
	r := Parse([]byte(body))
	if r.Allowed("x", "/early") || !r.Allowed("x", "/late") {
		t.Error("the size cap was not applied")
	}
}

func TestSynthetic(t *testing.T) {
	if !AllowAll.Allowed("x", "/a") || DisallowAll.Allowed("x", "/a") || !DisallowAll.Allowed("x", "/robots.txt") {
		t.Error("synthetic files")
	}
	var nilRules *Rules
	if !nilRules.Allowed("x", "/") || nilRules.CrawlDelay("x") != 0 {
		t.Error("nil rules")
	}
}

func TestToken(t *testing.T) {
	for in, want := range map[string]string{
		"newsfeed/1 (+https://example.org/newsfeed)": "newsfeed",
		"NewsFeed":            "newsfeed",
		"  Mozilla/5.0 (X11)": "mozilla",
	} {
		if got := Token(in); got != want {
			t.Errorf("%q: %q", in, got)
		}
	}
}

func TestPathologicalPattern(t *testing.T) {
	file := "User-agent: *\nDisallow: /" + strings.Repeat("*a", 900) + "b\n"
	path := "/" + strings.Repeat("a", 5000)
	start := time.Now()
	if !Parse([]byte(file)).Allowed("x", path) {
		t.Error("pattern should not match")
	}
	if el := time.Since(start); el > time.Second {
		t.Errorf("took %v", el)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(sample), "/private/press")
	f.Add([]byte("User-agent: *\nDisallow: /*$\nAllow: /%"), "/%zz")
	f.Fuzz(func(t *testing.T, data []byte, path string) {
		r := Parse(data)
		r.Allowed("newsfeed", path)
		r.CrawlDelay("newsfeed")
		if !r.Allowed("newsfeed", "/robots.txt") {
			t.Fatal("/robots.txt disallowed")
		}
	})
}
