package parser

import (
	"strings"
	"testing"
	"unicode"
)

// squashRef is squash's definition: lower-case, letters and digits only.
func squashRef(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func FuzzSquash(f *testing.F) {
	for _, s := range []string{
		"", "abc", "Hello, World! 2024", "Über · Straße", "İstanbul", "ȺȾ", "ΣΑΣ",
		"\xff\xfeA", "a\x80b", "東京 ニュース", "٣٤ Arabic-Indic", "abc ", "ABC",
	} {
		f.Add(s, "abc")
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, s, o string) {
		want := squashRef(s)
		if got := squash(s); got != want {
			t.Fatalf("squash(%q) = %q, want %q", s, got, want)
		}
		for _, sq := range []string{want, squashRef(o), o} {
			if got := squashEqual(s, sq); got != (want == sq) {
				t.Fatalf("squashEqual(%q, %q) = %v, want %v", s, sq, got, want == sq)
			}
		}
	})
}

func TestTitleHeadingForm(t *testing.T) {
	body := `<p>` + strings.Repeat("A long paragraph of article text without any links in it at all. ", 4) + `</p>`
	ld := func(h string) string {
		return `<script type="application/ld+json">{"@type":"NewsArticle","headline":"` + h + `"}</script>`
	}
	page := func(name string) string {
		return `<script type="application/ld+json">{"@type":"WebPage","name":"` + name + `"}</script>`
	}
	og := func(t string) string { return `<meta property="og:title" content="` + t + `">` }
	for _, tc := range []struct {
		name, head, h1, want string
	}{
		{"curly apostrophe shown", og("Editor's letter: bye for now"), "Editor’s letter: bye for now", "Editor’s letter: bye for now"},
		{"low-high quotes shown", og(`&quot;Which Europe we want&quot; - Example Blog`), "„Which Europe we want“", "„Which Europe we want“"},
		{"ellipsis shown", og("Everything has its time..."), "Everything has its time…", "Everything has its time…"},
		{"en dash shown", og("Energy Rising - 33 days of yoga"), "Energy Rising – 33 days of yoga", "Energy Rising – 33 days of yoga"},
		{"a WebPage name is not a headline", page("It's the readers' choice") + og("It's the readers' choice"), "It’s the readers’ choice", "It’s the readers’ choice"},
		{"ld and og agree on the meta form", ld("Mexico's economy grew in the first quarter") + og("Mexico's economy grew in the first quarter"),
			"Mexico’s economy grew in the first quarter", "Mexico's economy grew in the first quarter"},
		{"other words are not a typeset form", og("Editor's letter: bye for now"), "Editor’s letter: goodbye for now", "Editor's letter: bye for now"},
		{"case is not typesetting", og("Transformation lab for food"), "TRANSFORMATION LAB FOR FOOD", "Transformation lab for food"},
	} {
		page := `<html><head>` + tc.head + `</head><body><article><h1>` + tc.h1 + `</h1>` + body + `</article></body></html>`
		a, err := New(nil).Extract([]byte(page), Options{URL: "https://example.org/news/1"})
		if err != nil {
			t.Fatal(err)
		}
		if a.Title != tc.want {
			t.Errorf("%s: title %q, want %q", tc.name, a.Title, tc.want)
		}
	}
}

func TestTitleLeadUnshown(t *testing.T) {
	body := `<p>` + strings.Repeat("A long paragraph of article text without any links in it at all. ", 4) + `</p>`
	ld := func(h string) string {
		return `<script type="application/ld+json">{"@type":"NewsArticle","headline":"` + h + `"}</script>`
	}
	og := func(t string) string { return `<meta property="og:title" content="` + t + `">` }
	const meta, shown = "Press release: The headline proper of the story", "The headline proper of the story"
	for _, tc := range []struct {
		name, head, heading, want string
	}{
		{"a lead the page does not show", og(meta), `<h1>` + shown + `</h1>`, shown},
		{"a lead both meta titles carry", ld(meta) + og(meta), `<h1>` + shown + `</h1>`, shown},
		{"a kicker shown before the heading", og(meta), `<div class="kicker">Press release</div><h1>` + shown + `</h1>`, meta},
		{"a kicker shown before the heading's block", og(meta), `<span>Press release</span><div><h1>` + shown + `</h1></div>`, meta},
		{"another heading shows the meta title whole", og(meta), `<h2>` + meta + `</h2><h1>` + shown + `</h1>`, meta},
		{"a separator is needed", og("Press release The headline proper of the story"), `<h1>` + shown + `</h1>`, "Press release The headline proper of the story"},
	} {
		page := `<html><head>` + tc.head + `</head><body><article>` + tc.heading + body + `</article></body></html>`
		a, err := New(nil).Extract([]byte(page), Options{URL: "https://example.org/news/1"})
		if err != nil {
			t.Fatal(err)
		}
		if a.Title != tc.want {
			t.Errorf("%s: title %q, want %q", tc.name, a.Title, tc.want)
		}
	}
}

func TestStripSiteNameTrail(t *testing.T) {
	for _, tc := range []struct {
		name, title string
		refs        []string
		want        string
	}{
		{"the h1 is a trail's middle part", "New - Japanese mini SUV on the rise - Presentation", []string{"Japanese mini SUV on the rise"}, "Japanese mini SUV on the rise"},
		{"the h1 is a trail's first part", "Japanese mini SUV on the rise / Cars / News", []string{"Japanese mini SUV on the rise"}, "Japanese mini SUV on the rise"},
		{"of two parts h1s show, the longer", "Example online - Specialist news - Tobacco tax modernisation act announced", []string{"Example", "Specialist news", "Tobacco tax modernisation act announced"}, "Tobacco tax modernisation act announced"},
		{"a short part the h1 repeats is the logo", "Cars and more » Blog archive » Japanese mini SUV on the rise", []string{"Cars and more"}, "Cars and more » Blog archive » Japanese mini SUV on the rise"},
	} {
		if got := stripSiteName(tc.title, "", "example.org", tc.refs); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestTitleLastCrumb(t *testing.T) {
	body := `<p>` + strings.Repeat("A long paragraph of article text without any links in it at all. ", 4) + `</p>`
	ld := `<script type="application/ld+json">{"@type":"NewsArticle","headline":"Club's interim coach: Not much left to lose"}</script>`
	og := `<meta property="og:title" content="Interim coach: Not much left to lose">`
	for _, tc := range []struct {
		name, header, want string
	}{
		{"an h1 ending a trail of links", `<div><a href="/league">League</a> <span class="icon"></span> <h1>Club's interim coach: Not much left to lose</h1></div>` +
			`<p>A subline</p><h2>Interim coach: Not much left to lose</h2>`, "Interim coach: Not much left to lose"},
		{"no h2 shows a meta title", `<div><a href="/league">League</a> <h1>Club's interim coach: Not much left to lose</h1></div><h2>Something else entirely here</h2>`,
			"Club's interim coach: Not much left to lose"},
		{"a section link above the h1 is no trail", `<div><a href="/league">League</a> <h1>Club's interim coach: Not much left to lose</h1><p>By A. Writer</p></div>` +
			`<h2>Interim coach: Not much left to lose</h2>`, "Club's interim coach: Not much left to lose"},
		{"text before the h1", `<div><span>Kicker words</span> <h1>Club's interim coach: Not much left to lose</h1></div>` +
			`<h2>Interim coach: Not much left to lose</h2>`, "Club's interim coach: Not much left to lose"},
	} {
		page := `<html><head>` + ld + og + `</head><body><article><header>` + tc.header + `</header>` + body + `</article></body></html>`
		a, err := New(nil).Extract([]byte(page), Options{URL: "https://example.org/news/1"})
		if err != nil {
			t.Fatal(err)
		}
		if a.Title != tc.want {
			t.Errorf("%s: title %q, want %q", tc.name, a.Title, tc.want)
		}
	}
}

func TestTitleSiteNameWhole(t *testing.T) {
	body := `<p>` + strings.Repeat("A long paragraph of article text without any links in it at all. ", 4) + `</p>`
	for _, tc := range []struct {
		name, head, h1, want string
	}{
		{"og:title is the site name whole", `<meta property="og:site_name" content="Example News - Latest News & Headlines"><meta property="og:title" content="Example News - Latest News &amp; Headlines">` +
			`<title>Space ship breaks up over Siberia</title>`, "Space ship breaks up over Siberia", "Space ship breaks up over Siberia"},
		{"every meta title is the site name", `<meta property="og:site_name" content=".:: EXAMPLE ::. Templates / Design"><meta property="og:title" content=".:: EXAMPLE ::. Templates / Design">` +
			`<title>.:: EXAMPLE ::. Templates / Design</title>`, "Privacy changes to the sales templates", "Privacy changes to the sales templates"},
		{"a headline that names the site stays", `<meta property="og:site_name" content="Example News"><meta property="og:title" content="Example News wins a prize for its reporting">`,
			"", "Example News wins a prize for its reporting"},
	} {
		h1 := ""
		if tc.h1 != "" {
			h1 = "<h1>" + tc.h1 + "</h1>"
		}
		page := `<html><head>` + tc.head + `</head><body><article>` + h1 + body + `</article></body></html>`
		a, err := New(nil).Extract([]byte(page), Options{URL: "https://example.org/news/1"})
		if err != nil {
			t.Fatal(err)
		}
		if a.Title != tc.want {
			t.Errorf("%s: title %q, want %q", tc.name, a.Title, tc.want)
		}
	}
}

func TestTitleLogoHeading(t *testing.T) {
	body := `<p>` + strings.Repeat("A long paragraph of article text without any links in it at all. ", 4) + `</p>`
	for _, tc := range []struct {
		name, head, logo, want string
	}{
		{"a logo h1 is the site's name", `<title>Liver with apple and onion | Love goes through the stomach</title>`,
			`<h1><a href="https://www.example.org" title="Love goes through the stomach">Love goes through the stomach</a></h1>`, "Liver with apple and onion"},
		{"a logo h1 inside a home link", `<title>Muffin basic recipe : Muffin recipes</title>`,
			`<a href="/"><h1>Muffin recipes</h1></a>`, "Muffin basic recipe"},
		{"an archived home link", `<title>What is viral marketing? | DimidoBlog</title>`,
			`<h1><a href="https://web.archive.org/web/20080731095558/http://www.example.org/">DimidoBlog</a></h1>`, "What is viral marketing?"},
		{"a headline linking to its article", `<title>Liver with apple and onion : Love goes through the stomach</title>`,
			`<h1><a href="/recipes/liver-with-apple">Love goes through the stomach</a></h1>`, "Love goes through the stomach"},
	} {
		page := `<html><head>` + tc.head + `</head><body><header>` + tc.logo + `</header><article>` + body + `</article></body></html>`
		a, err := New(nil).Extract([]byte(page), Options{URL: "https://www.example.org/recipes/liver-with-apple"})
		if err != nil {
			t.Fatal(err)
		}
		if a.Title != tc.want {
			t.Errorf("%s: title %q, want %q", tc.name, a.Title, tc.want)
		}
	}
}

func TestHomeHref(t *testing.T) {
	for href, want := range map[string]bool{
		"/": true, "https://example.org": true, "https://example.org/": true, "http://example.org/index.php": true,
		"https://web.archive.org/web/2016/http://example.org/": true, "/?lang=en": true,
		"": false, "#top": false, "/news/": false, "https://example.org/news/1": false, "index.html": false,
	} {
		if got := homeHref(href); got != want {
			t.Errorf("homeHref(%q) = %v, want %v", href, got, want)
		}
	}
}

func TestStripSiteNameDangling(t *testing.T) {
	for in, want := range map[string]string{
		"Horse sport at the 2028 Olympics for sure -":    "Horse sport at the 2028 Olympics for sure",
		"Horse sport at the 2028 Olympics for sure | ":   "Horse sport at the 2028 Olympics for sure",
		"« Privatisation serves private interests »":     "« Privatisation serves private interests »",
		"Twenty per cent off the dog food -- no, really": "Twenty per cent off the dog food -- no, really",
		"Pre- and post-": "Pre- and post-",
	} {
		if got := stripSiteName(in, "", "example.org", nil); got != want {
			t.Errorf("stripSiteName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStripSiteNameCrumbTrail(t *testing.T) {
	for in, want := range map[string]string{
		"Example News » Blog archive » Interning of small integers in Python": "Interning of small integers in Python",
		"Example News / Politics / World / Storm hits the coast":              "Storm hits the coast",
		"Nothing of the site » Blog archive » Interning of small integers":    "Nothing of the site » Blog archive » Interning of small integers",
	} {
		if got := stripSiteName(in, "", "www.example.org", nil); got != want {
			t.Errorf("stripSiteName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStripSiteNameSiteAfter(t *testing.T) {
	for in, want := range map[string]string{
		"Probably the queerest music video in the world : Example-Archive | Inquiries into a genre | Founded 2005": "Probably the queerest music video in the world",
		"Probably the queerest music video in the world : Other words | Inquiries into a genre":                    "Probably the queerest music video in the world : Other words | Inquiries into a genre",
	} {
		if got := stripSiteName(in, "", "archive.example.org", nil); got != want {
			t.Errorf("stripSiteName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTitleSharedSuffix(t *testing.T) {
	body := `<p>` + strings.Repeat("A long paragraph of article text without any links in it at all. ", 4) + `</p>`
	ld := func(h string) string {
		return `<script type="application/ld+json">{"@type":"NewsArticle","headline":"` + h + `"}</script>`
	}
	og := func(t string) string { return `<meta property="og:title" content="` + t + `">` }
	tt := func(t string) string { return `<title>` + t + `</title>` }
	const head, full = "Forest fires in the south! The latest news!", "Forest fires in the south! The latest news! - Current news"
	for _, tc := range []struct {
		name, head, want string
	}{
		{"every statement carries the suffix", ld(full) + og(full) + tt(full), full},
		{"the JSON-LD headline lacks it", ld(head) + og(full) + tt(full), head},
		{"the suffix names the site", ld(full) + og(full) + tt(full) + `<meta property="og:site_name" content="Current News">`, head},
		{"two statements are not every one", ld(full) + og(full), head},
	} {
		page := `<html><head>` + tc.head + `</head><body><article><h1>` + head + `</h1>` + body + `</article></body></html>`
		a, err := New(nil).Extract([]byte(page), Options{URL: "https://example.org/news/1"})
		if err != nil {
			t.Fatal(err)
		}
		if a.Title != tc.want {
			t.Errorf("%s: title %q, want %q", tc.name, a.Title, tc.want)
		}
	}
}
