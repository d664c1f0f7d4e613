package parser

import (
	"strings"
	"testing"
	"time"
)

func TestCleanAuthors(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{[]string{"By AFP"}, "AFP"},
		{[]string{"By Jane Doe, John Smith and Ann Lee"}, "Jane Doe|John Smith|Ann Lee"},
		{[]string{"Von Birgit Baumann und Anna Giulia Fink"}, "Birgit Baumann|Anna Giulia Fink"},
		{[]string{"Jane Doe, Senior Reporter"}, "Jane Doe"},
		{[]string{"By Jane Doe | August 3, 2022"}, "Jane Doe"},
		{[]string{"Jane Doe 03.08.2022 13:25"}, ""},
		{[]string{"Jane Doe (AP)"}, "Jane Doe"},
		{[]string{"jane@example.org", "Jane Doe"}, "Jane Doe"},
		{[]string{"https://example.org/author/jane"}, ""},
		{[]string{"Por María López y Juan Pérez"}, "María López|Juan Pérez"},
		{[]string{"Jane Doe", "JANE DOE"}, "Jane Doe"},
		{[]string{"By Staff Writer"}, ""},
		{[]string{"Laura Eßlinger"}, "Laura Eßlinger"},
		{[]string{"Jan Sellner"}, "Jan Sellner"},
		{[]string{"Kommentar von"}, ""},
		{[]string{"Kommentar von Jan Sellner"}, "Jan Sellner"},
		{[]string{"신현주 기자"}, "신현주"},
		{[]string{"Reporter Jane Doe"}, "Jane Doe"},
		{[]string{"Guardian staff reporter"}, "Guardian staff reporter"},
		{[]string{"Ivan Petrov i Anna Ivanova"}, "Ivan Petrov|Anna Ivanova"},
		{[]string{"AuthorAndreas Kalt"}, "Andreas Kalt"},
		{[]string{"Veröffentlicht vonChris Jung"}, "Chris Jung"},
		{[]string{"Post author By Helge Fahrnberger"}, "Helge Fahrnberger"},
		{[]string{"Erstellt von Andri Bryner"}, "Andri Bryner"},
		{[]string{"vom Support Team"}, "Support Team"},
		{[]string{"~ Cem Basman"}, "Cem Basman"},
		{[]string{"Karsten Ruppert More Posts"}, "Karsten Ruppert"},
		{[]string{"Publiziert am"}, ""},
		{[]string{"Posted on"}, ""},
		{[]string{"freeman1984 · in Uncategorized · Hinterlasse einen Kommentar"}, ""},
		{[]string{"Leave a comment"}, ""},
		{[]string{"FOCUS-Online-Experte Robin Tschöpe"}, "Robin Tschöpe"},
		{[]string{"Alle Artikel von Tanja Karrasch"}, "Tanja Karrasch"},
		{[]string{"Mehr von Catch more fish"}, "Catch more fish"},
		{[]string{"View all posts by Jane Doe"}, "Jane Doe"},
		{[]string{"Zeige alle Artikel"}, ""},
		{[]string{"Kathrin Führes Kathrin Führes"}, "Kathrin Führes"},
		{[]string{"Ryan Merkley, CEO"}, "Ryan Merkley"},
		{[]string{"Johanna Kropfitsch Alle Artikel"}, "Johanna Kropfitsch"},
		{[]string{"Robin Tschöpe, Finanz-Redakteur"}, "Robin Tschöpe"},
		{[]string{"Scritto da Marco Rossi"}, "Marco Rossi"},
		{[]string{"Nicolas Gutierrez C."}, "Nicolas Gutierrez C."},
		{[]string{"Grant Tinsley, PhD"}, "Grant Tinsley"},
		{[]string{"John Smith, Jr."}, "John Smith"},
		{[]string{"About this"}, ""},
		{[]string{"Follow"}, ""},
		{[]string{"Artikel von"}, ""},
		{[]string{"Da Silva"}, "Da Silva"},
		{[]string{"Bylander Jones"}, "Bylander Jones"},
	} {
		got := strings.Join(cleanAuthors(tc.in), "|")
		if got != tc.want {
			t.Errorf("cleanAuthors(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in, want string // want in RFC 3339, "" for no date
	}{
		{"2022-08-03T13:25:00+03:00", "2022-08-03T13:25:00+03:00"},
		{"2022-08-03T13:25:00+0300", "2022-08-03T13:25:00+03:00"},
		{"2022-08-03T10:25:00Z", "2022-08-03T10:25:00Z"},
		{"2022-08-03T13:25:00.123-05:00", "2022-08-03T13:25:00.123-05:00"},
		{"2022-08-03 13:25:00", "2022-08-03T13:25:00Z"},
		{"2022-08-03T13:25:00 +03:00", "2022-08-03T13:25:00+03:00"},
		{"Wed, 03 Aug 2022 13:25:00 +0300", "2022-08-03T13:25:00+03:00"},
		{"2022-08-03", "2022-08-03T00:00:00Z"},
		{"03.08.2022 13:25", "2022-08-03T13:25:00Z"},
		{"1659522300", "2022-08-03T10:25:00Z"},
		{"yesterday", ""},
		{"1850-01-01", ""},
	} {
		got, ok := parseDate(tc.in)
		if tc.want == "" {
			if ok {
				t.Errorf("parseDate(%q) = %v, want none", tc.in, got)
			}
			continue
		}
		if !ok || got.Format(time.RFC3339Nano) != tc.want {
			t.Errorf("parseDate(%q) = %v %v, want %s", tc.in, got.Format(time.RFC3339Nano), ok, tc.want)
		}
	}
}

func TestStripSiteName(t *testing.T) {
	for _, tc := range []struct {
		title, site, host string
		refs              []string
		want              string
	}{
		{"Russia Backs Myanmar Junta – FM - The Moscow Times", "The Moscow Times", "www.themoscowtimes.com", nil, "Russia Backs Myanmar Junta – FM"},
		{"The Moscow Times | Russia Backs Myanmar Junta", "", "www.themoscowtimes.com", nil, "Russia Backs Myanmar Junta"},
		{"Storm hits coast | News | Example", "Example", "example.org", []string{"Storm hits coast"}, "Storm hits coast"},
		{"Left - right: a debate", "", "example.org", nil, "Left - right: a debate"},
		{"Headline only", "Example", "example.org", nil, "Headline only"},
		// A suffix joined without spaces, cut where another statement of
		// the headline ends; a hyphenated word is not cut.
		{"장동혁, 한동훈 제명했지만 부담 커졌다-정치ㅣ한국일보", "한국일보", "www.hankookilbo.com", []string{"장동혁, 한동훈 제명했지만 부담 커졌다"}, "장동혁, 한동훈 제명했지만 부담 커졌다"},
		{"Storm hits coast|Example", "", "example.org", []string{"Storm hits coast"}, "Storm hits coast"},
		{"Covid-19 cases rise again", "", "example.org", []string{"Covid"}, "Covid-19 cases rise again"},
		// A part that holds the host name is the site's only when it is
		// short: a headline may name the publisher.
		{"UN-Klimakonferenz in Glasgow - DRK: Immer mehr Menschen wegen Klimawandel auf Hilfe angewiesen", "", "www.drk.de", nil, "UN-Klimakonferenz in Glasgow - DRK: Immer mehr Menschen wegen Klimawandel auf Hilfe angewiesen"},
		{"UN-Klimakonferenz in Glasgow - DRK.de", "", "www.drk.de", nil, "UN-Klimakonferenz in Glasgow"},
		{"UN-Klimakonferenz in Glasgow - Deutsches Rotes Kreuz (DRK)", "", "www.drk.de", nil, "UN-Klimakonferenz in Glasgow"},
		// A site name between the headline and a tagline; the first part
		// stays even when it names the site.
		{"Bielersee-Winterhechte | petri-heil.ch | Dein Schweizer Fischereimagazin", "", "www.petri-heil.ch", nil, "Bielersee-Winterhechte"},
		{"Storm hits the coast - Example News - All the news from the coast", "Example News", "example.org", nil, "Storm hits the coast"},
		{"Storm | Example News | Weather | Coast", "", "example.org", nil, "Storm"},
		// The host's name is the label before the public suffix.
		{"Ministerin stellt Plan vor - Bundeskanzleramt Österreich", "", "www.bundeskanzleramt.gv.at", nil, "Ministerin stellt Plan vor"},
		{"Royal couple snubbed again | Express", "", "www.express.co.uk", nil, "Royal couple snubbed again"},
		// A full-width colon before a Japanese site name, confirmed by
		// another statement of the headline; a single guillemet as a
		// spaced separator.
		{"南海トラフ、一時調査 巨大地震、基準達せず：中日新聞Web", "", "www.chunichi.co.jp", []string{"南海トラフ、一時調査 巨大地震、基準達せず"}, "南海トラフ、一時調査 巨大地震、基準達せず"},
		{"Storm hits the coast › Example News", "Example News", "example.org", nil, "Storm hits the coast"},
		{"Example News ‹ Storm hits the coast", "Example News", "example.org", nil, "Storm hits the coast"},
	} {
		if got := stripSiteName(tc.title, tc.site, tc.host, tc.refs); got != tc.want {
			t.Errorf("stripSiteName(%q) = %q, want %q", tc.title, got, tc.want)
		}
	}
}

func TestHostLabel(t *testing.T) {
	for _, tc := range []struct{ host, want string }{
		{"www.example.org", "example"},
		{"news.example.org", "example"},
		{"www.express.co.uk", "express"},
		{"www.bundeskanzleramt.gv.at", "bundeskanzleramt"},
		{"politics.people.com.cn", "people"},
		{"fakehost", "fakehost"},
		{"www.localhost", "localhost"},
	} {
		if got := hostLabel(tc.host); got != tc.want {
			t.Errorf("hostLabel(%q) = %q, want %q", tc.host, got, tc.want)
		}
	}
}

func TestMetadataSources(t *testing.T) {
	page := `<html lang="de-AT"><head>
<title>Ein Titel | Beispiel</title>
<meta property="og:site_name" content="Beispiel">
<link rel="canonical" href="https://other.example.com/artikel/1">
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"Beispiel"},
{"@type":"NewsArticle","headline":"Ein Titel","datePublished":"2024-05-03T17:47:42+02:00","dateModified":"2024-05-03T18:00:00+02:00",
"author":[{"@type":"Person","name":"Birgit Baumann"},{"@type":"Person","name":"Anna Fink"}],"isAccessibleForFree":"False",
"articleSection":["Politik"],"keywords":["Wien","Wahl"],"image":{"@type":"ImageObject","url":"https://img.example.at/a/photo-12345.jpg"}}]}</script>
</head><body><header><a href="/">Beispiel</a></header><article><h1>Ein Titel</h1>
<p class="byline">Von Birgit Baumann und Anna Fink</p>
<p><span class="updated">Aktualisiert: <time datetime="2024-05-04T09:00:00+02:00">4. Mai</time></span></p>
<figure><img src="https://img.example.at/a/photo-12345.jpg?w=800"><figcaption>Der Stephansplatz am Abend. Foto: Max Muster</figcaption></figure>
<p>` + strings.Repeat("Ein langer Absatz über die Wahl in Wien, mit vielen Wörtern und ohne Links. ", 5) + `</p>
<p>` + strings.Repeat("Noch ein Absatz, der ebenso lang ist und ebenso wenig verlinkt ist. ", 5) + `</p>
</article></body></html>`
	a, err := New(nil).Extract([]byte(page), Options{URL: "https://www.example.at/story/1?ref=rss"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "Ein Titel" || a.Language != "de" || a.SiteName != "Beispiel" || a.Section != "Politik" {
		t.Errorf("title %q lang %q site %q section %q", a.Title, a.Language, a.SiteName, a.Section)
	}
	if strings.Join(a.Authors, "|") != "Birgit Baumann|Anna Fink" {
		t.Errorf("authors %q", a.Authors)
	}
	if got := a.PublishedAt.Format(time.RFC3339); got != "2024-05-03T17:47:42+02:00" {
		t.Errorf("published %s", got)
	}
	if a.CanonicalURL != a.URL {
		t.Errorf("canonical on another site taken: %q", a.CanonicalURL)
	}
	if !a.Paywalled {
		t.Error("isAccessibleForFree false not flagged")
	}
	if a.Image == nil || a.Image.Caption != "Der Stephansplatz am Abend." || a.Image.Credit != "Max Muster" {
		t.Errorf("image %+v", a.Image)
	}
	if strings.Contains(a.Text, "Birgit Baumann") || strings.Contains(a.Text, "Stephansplatz") || strings.HasPrefix(a.Text, "Ein Titel") {
		t.Errorf("byline, caption or title repeated in text: %q", a.Text)
	}
	if len(a.Tags) != 2 {
		t.Errorf("tags %q", a.Tags)
	}
}

func TestUpdatedTimeNotPublished(t *testing.T) {
	page := `<html><body><article><h1>Headline here</h1>
<div class="meta"><span>Updated: <time datetime="2024-05-04T09:00:00+02:00">4 May</time></span></div>
<p>` + strings.Repeat("A long paragraph of article text without any links in it at all. ", 4) + `</p></article></body></html>`
	a, err := New(nil).Extract([]byte(page), Options{URL: "https://example.org/news/headline-here"})
	if err != nil {
		t.Fatal(err)
	}
	if !a.PublishedAt.IsZero() {
		t.Errorf("updated time taken as published: %v", a.PublishedAt)
	}
}

func TestCanonical(t *testing.T) {
	for _, tc := range []struct{ href, want string }{
		{"https://www.example.org/a/1", "https://www.example.org/a/1"},
		{"https://amp.example.org/a/1", "https://amp.example.org/a/1"},
		{"/a/1", "https://m.example.org/a/1"},
		{"https://www.example.org/", "https://m.example.org/a/1?x=1"},
		{"https://evil.test/a/1", "https://m.example.org/a/1?x=1"},
	} {
		page := `<html><head><link rel="canonical" href="` + tc.href + `"><title>T</title></head><body><p>x</p></body></html>`
		a, err := New(nil).Extract([]byte(page), Options{URL: "https://m.example.org/a/1?x=1"})
		if err != nil {
			t.Fatal(err)
		}
		if a.CanonicalURL != tc.want {
			t.Errorf("canonical %q: got %q, want %q", tc.href, a.CanonicalURL, tc.want)
		}
	}
}

func TestTitleVote(t *testing.T) {
	body := `<p>` + strings.Repeat("A long paragraph of article text without any links in it at all. ", 4) + `</p>`
	ld := func(h string) string {
		return `<script type="application/ld+json">{"@type":"NewsArticle","headline":"` + h + `"}</script>`
	}
	og := func(t string) string { return `<meta property="og:title" content="` + t + `">` }
	alt := func(h, a string) string {
		return `<script type="application/ld+json">{"@type":"NewsArticle","headline":"` + h + `","alternativeHeadline":"` + a + `"}</script>`
	}
	crumb := func(t string) string {
		return `<nav class="crumbs"><ul><li><a href="/">Home</a></li><li><h1>` + t + `</h1></li></ul></nav>`
	}
	for _, tc := range []struct {
		name, head, h1, want string
	}{
		// h1 values starting with "<h" or "<nav" are the heading markup whole.
		{"breadcrumb h1 loses to the displayed h2", ld("Crumb headline for search") + og("The displayed headline"),
			crumb("Crumb headline for search") + `<h2>The displayed headline</h2>`, "The displayed headline"},
		{"displayed h2 sides with ld", ld("The displayed headline") + og("Social headline for sharing"),
			crumb("Social headline for sharing") + `<h2>The displayed headline</h2>`, "The displayed headline"},
		{"h2 in a link is not the display heading", ld("Crumb headline for search") + og("The displayed headline"),
			crumb("Crumb headline for search") + `<a href="/x"><h2>The displayed headline</h2></a>`, "Crumb headline for search"},
		{"h2 kicker dropped when og is the headline proper", ld("Kicker: The headline proper of the story") + og("The headline proper of the story"),
			crumb("Kicker: The headline proper of the story") + `<h2><span>Kicker: </span><span>The headline proper of the story</span></h2>`, "The headline proper of the story"},
		{"h1 kicker differs from the meta kicker", og("Meta kicker: The headline proper of the story"),
			`<h1><span class="overline">Another kicker</span> - <span>The headline proper of the story</span></h1>`, "The headline proper of the story"},
		{"kicker kept when meta titles show it", ld("Kicker: The headline proper of the story") + og("Kicker: The headline proper of the story"),
			`<h1><span>Kicker</span><span>: </span><span>The headline proper of the story</span></h1>`, "Kicker: The headline proper of the story"},
		{"og keeps the h1 kicker ld drops", ld("The headline proper of the story") + og("Kicker: The headline proper of the story"),
			`<h1><span>Kicker</span><span>The headline proper of the story</span></h1>`, "Kicker: The headline proper of the story"},
		{"og keeps the h2 kicker, with its separator", ld("The headline proper of the story") + og("Kicker / The headline proper of the story"),
			crumb("The headline proper of the story") + `<h2><span>Kicker</span><span>The headline proper of the story</span></h2>`, "Kicker / The headline proper of the story"},
		{"og keeps the kicker the h1 shows as text", ld("The headline proper of the story") + og("Kicker / The headline proper of the story"),
			`<h1><span>Kicker</span>The headline proper of the story</h1>`, "Kicker / The headline proper of the story"},
		{"a site name the h1 repeats stays cut", ld("Storm hits the coast of the island") + og("Storm hits the coast of the island | Example News") + `<meta property="og:site_name" content="Example News">`,
			"Storm hits the coast of the island | Example News", "Storm hits the coast of the island"},
		{"h2 with a kicker og does not carry", ld("Crumb headline for search") + og("The displayed headline proper"),
			crumb("Crumb headline for search") + `<h2><span>Kicker words</span> <span>The displayed headline proper</span></h2>`, "The displayed headline proper"},
		{"alternativeHeadline confirms the h2", alt("Crumb headline for search", "Shown kicker - Shown headline text") + og("Shown kicker: Shown headline text"),
			crumb("Crumb headline for search") + `<h2><div>Shown kicker</div><div>Shown headline text</div></h2>`, "Shown kicker: Shown headline text"},
		{"h1 and og outvote ld", ld("SEO headline for search") + og("The visible headline"), "The visible headline", "The visible headline"},
		{"ld and h1 outvote og", ld("The visible headline") + og("Social headline"), "The visible headline", "The visible headline"},
		{"ld wins a three-way tie", ld("Structured headline") + og("Social headline"), "Visible headline here", "Structured headline"},
		{"meta form over h1 spans", og("Kicker: The headline text"), "<span>Kicker</span> <span>The headline text</span>", "Kicker: The headline text"},
		{"suffix stripped", `<title>The headline text | Example News</title>`, "The headline text", "The headline text"},
		{"date suffix stripped", `<title>The headline text | EN | 28.04.2023</title><meta property="og:site_name" content="EN">`, "", "The headline text"},
		{"entities in JSON-LD", ld("Schubert: &quot;Nicht mehr&quot;"), "", `Schubert: "Nicht mehr"`},
		{"unconfirmed h1 is a last resort", og("The real headline of the story"), "Log In", "The real headline of the story"},
		{"only an h1", "", "Only an h1 headline", "Only an h1 headline"},
	} {
		h1 := ""
		switch {
		case strings.HasPrefix(tc.h1, "<h") || strings.HasPrefix(tc.h1, "<nav"):
			h1 = tc.h1
		case tc.h1 != "":
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

func TestSubtitle(t *testing.T) {
	body := `<div class="body"><p>` + strings.Repeat("A long paragraph of article text without any links in it at all. ", 8) + `</p><p>` +
		strings.Repeat("Another paragraph of the article with more words to make it long. ", 8) + `</p></div>`
	const std = "The standfirst sums up the story in one sentence for readers."
	long := strings.Repeat("A long lead of a union's statement goes over the talks in detail, word by word. ", 11)
	long = long[:len(long)-1]
	const gallery = "Members of the constitutional bodies lay a wreath at the memorial © Press Office | Jane Doe The speaker talks at the ceremony"
	for _, tc := range []struct {
		name, head, want string
	}{
		{"named standfirst", `<h1>The headline of the story</h1><p class="article-lead">` + std + `</p>`, std},
		{"paragraph right after the headline", `<header><h1>The headline of the story</h1><p>` + std + `</p></header>`, std},
		{"no headline element", `<div class="entry__subtitle">` + std + `</div>`, std},
		{"lead figure is not a standfirst", `<h1>The headline of the story</h1><figure class="fig--lead"><img src="/a.jpg"><figcaption>` + std + `</figcaption></figure>`, ""},
		{"a long lead", `<h1>The headline of the story</h1><div class="teaser"><p class="abstract">` + long + `</p></div>`, long},
		{"photo credits are a caption, not a standfirst", `<h1>The headline of the story</h1><p class="description">` + gallery + `</p>`, ""},
		{"a named line that is mostly a link is not a standfirst", `<header><h1>The headline of the story</h1><div class="meta"><span>May 2024</span></div><p class="info">` + std + ` It goes on for a second, longer sentence.</p><p class="series-teaser">Part of the series <a href="/series">A long series name on the site</a></p></header>`, std + " It goes on for a second, longer sentence."},
		{"standfirst set as a subheading in a box of its own", `<div class="top"><div class="title"><h1>The headline of the story</h1></div><div class="sub"><h2>` + std + ` It goes on for a second, longer sentence, and a third and a fourth part.</h2></div></div>`, std + " It goes on for a second, longer sentence, and a third and a fourth part."},
		{"a long standfirst set as a subheading without a full stop", `<div class="top"><div class="title"><h1>The headline of the story</h1></div><div class="epigraph-box"><h2>The judge sees the evidence against the attorney general as well founded, widens the inquiry to his deputy and points at the office of the prime minister</h2></div></div>`, "The judge sees the evidence against the attorney general as well founded, widens the inquiry to his deputy and points at the office of the prime minister"},
		{"a section heading is not a standfirst", `<div class="top"><div class="title"><h1>The headline of the story</h1></div><div class="sub"><h2>What the committee of the regional parliament decided about the new harbour plans</h2></div></div>`, ""},
		{"a lead of several paragraphs of one kind", `<header><h1>The headline of the story</h1><p class="lead">` + std + `</p><p class="lead">The president appeals for help after the night's attacks.</p><p class="lead">Image: Jane Doe/Agency</p></header>`, std + "\nThe president appeals for help after the night's attacks."},
		{"a div named for a summary far below the headline", `<div class="top"><div class="bar"><div class="crumbs"><h1>The headline of the story</h1></div></div></div><div class="tools">` + strings.Repeat(`<span>·</span>`, 70) + `</div><header><div class="c-summary__intro">` + std + ` It goes on for a second, longer sentence, and then for a third.</div></header>`, std + " It goes on for a second, longer sentence, and then for a third."},
		{"a short list of points under the headline", `<header><h1>The headline of the story</h1><ul><li>The minister on the potential of the new technology</li><li>Storage and transport as its main advantages</li><li>The country wants to lead the market</li></ul></header>`, "The minister on the potential of the new technology\nStorage and transport as its main advantages\nThe country wants to lead the market"},
		{"a list of links under the headline is no standfirst", `<header><h1>The headline of the story</h1><ul><li><a href="/a">The minister on the potential of the new technology</a></li><li><a href="/b">Storage and transport as its main advantages</a></li></ul></header>`, ""},
		{"paragraph under an h1 that is not the page's title", `<div class="page-header"><h1>How high are the rates for a loan?</h1><div class="text"><p>` + std + ` It goes on for a second, longer sentence.</p></div></div>`, std + " It goes on for a second, longer sentence."},
		{"standfirst after a breadcrumb h1", `<ul class="breadcrumb"><li><h1>The headline of the story</h1></li></ul><div><h1>The headline of the story</h1><p class="intro">` + std + `</p></div>`, std},
	} {
		links := `<div class="more">` + strings.Repeat(`<a href="/s">Another story from the site</a> `, 30) + `</div>`
		page := `<html><head><meta property="og:title" content="The headline of the story"></head><body><main>` + tc.head + body + links + `</main></body></html>`
		a, err := New(nil).Extract([]byte(page), Options{URL: "https://example.org/news/1"})
		if err != nil {
			t.Fatal(err)
		}
		if a.Subtitle != tc.want {
			t.Errorf("%s: subtitle %q, want %q", tc.name, a.Subtitle, tc.want)
		}
	}
}

func TestAuthorSources(t *testing.T) {
	body := `<p>` + strings.Repeat("A long paragraph of article text without any links in it at all. ", 5) + `</p>`
	ld := func(author string) string {
		return `<script type="application/ld+json">{"@type":"NewsArticle","headline":"H","author":{"@type":"Person","name":"` + author + `"}}</script>`
	}
	for _, tc := range []struct {
		name, head, body, want string
	}{
		{"a person in JSON-LD", ld("Jane Doe"), "", "Jane Doe"},
		{"the site's name gives way to a person in the markup", ld("Example News"), `<span itemprop="author">By John Roe</span>`, "John Roe"},
		{"the site's name beats a class-name guess", ld("Example News"), `<div class="author-box">John Roe</div>`, "Example News"},
		{"a domain is not a person", `<meta name="author" content="Jane Doe, example.org">`, "", "Jane Doe"},
		{"bylines of related stories are not the article's", "",
			`<span itemprop="author">Jane Doe</span><div class="related">` + strings.Repeat(`<span itemprop="author">Other Writer</span>`, 3) + `</div>`, "Jane Doe"},
		{"a long list of author links: the first", "",
			`<a rel="author" href="/a">Jane Doe</a>` + `<a rel="author" href="/b">Ann One</a><a rel="author" href="/c">Bob Two</a><a rel="author" href="/d">Cy Three</a><a rel="author" href="/e">Di Four</a><a rel="author" href="/f">Ed Five</a>`, "Jane Doe"},
	} {
		page := `<html><head><meta property="og:site_name" content="Example News">` + tc.head + `</head><body><article><h1>H</h1>` + tc.body + body + `</article></body></html>`
		a, err := New(nil).Extract([]byte(page), Options{URL: "https://www.example.org/news/1"})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(a.Authors, "|"); got != tc.want {
			t.Errorf("%s: authors %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestLeadImageCaption(t *testing.T) {
	body := `<p>` + strings.Repeat("A long paragraph of article text without any links in it at all. ", 5) + `</p><p>` +
		strings.Repeat("Another paragraph of the article with more words to make it long. ", 5) + `</p>`
	for _, tc := range []struct {
		name, head, caption, credit string
	}{
		{"figcaption with a labelled credit", `<figure><img src="/x/lead-photo.jpg"><figcaption>The minister in Bern. Foto: Urs Flueeler (Keystone)</figcaption></figure>`,
			"The minister in Bern.", "Urs Flueeler (Keystone)"},
		{"credit in brackets", `<figure><img src="/x/lead-photo.jpg"><figcaption>The minister in Bern. (Foto: Jane Doe/AFP)</figcaption></figure>`,
			"The minister in Bern.", "Jane Doe/AFP"},
		{"a photographer's name in brackets", `<figure><img src="/x/lead-photo.jpg"><figcaption>A player runs past a defender. (Edu Luque)</figcaption></figure>`,
			"A player runs past a defender.", "Edu Luque"},
		{"copyright sign", `<figure><img src="/x/lead-photo.jpg"><figcaption><span>The minister in Bern.</span> <span>&copy; AP/dpa | Jane Doe</span></figcaption></figure>`,
			"The minister in Bern.", "AP/dpa | Jane Doe"},
		{"no cut inside a word, a credit after a bar", `<figure><img src="/x/lead-photo.jpg"><figcaption>The minister in Bern. | Niall Carson/PA Images via Getty Images</figcaption></figure>`,
			"The minister in Bern.", "Niall Carson/PA Images via Getty Images"},
		{"credit in a footer beside the figcaption", `<figure><img src="/x/lead-photo.jpg"><figcaption>The minister in Bern.</figcaption><footer>Imago/Agency</footer></figure>`,
			"The minister in Bern.", "Imago/Agency"},
		{"no figure: an image with a caption and a source", `<div class="image-container"><div><img src="/x/other.jpg"></div><div><span class="image-caption__lZ5kc">The minister in Bern.</span><span class="image-source__rbsO4">Jane Doe/dpa</span></div></div>`,
			"The minister in Bern.", "Jane Doe/dpa"},
		{"opener figure above the headline", `<figure><img src="/x/other.jpg"><figcaption>The minister in Bern.</figcaption></figure><h1>The headline of the story</h1>`,
			"The minister in Bern.", ""},
	} {
		h1 := "<h1>The headline of the story</h1>"
		if strings.Contains(tc.head, "<h1>") {
			h1 = ""
		}
		page := `<html><head><meta property="og:title" content="The headline of the story"><meta property="og:image" content="https://example.org/x/og-card.jpg"></head><body><article><header>` + h1 + tc.head + `</header><div class="body">` + body + `</div></article></body></html>`
		a, err := New(nil).Extract([]byte(page), Options{URL: "https://example.org/news/1"})
		if err != nil {
			t.Fatal(err)
		}
		if a.Image == nil || a.Image.Caption != tc.caption || a.Image.Credit != tc.credit {
			t.Errorf("%s: image %+v, want caption %q credit %q", tc.name, a.Image, tc.caption, tc.credit)
		}
	}
}

func TestIsArticle(t *testing.T) {
	words := func(n int) string { return "<p>" + strings.Repeat("word ", n) + "</p>" }
	for _, tc := range []struct {
		name, url, head, body string
		want                  bool
	}{
		{"a long text", "https://example.org/x", "", words(200), true},
		{"a short story with a date, a headline and a slug", "https://example.org/news/short-story-here",
			`<meta property="article:published_time" content="2024-05-03T10:00:00Z"><meta property="og:title" content="Short story">`, "<h1>Short story</h1>" + words(60), true},
		{"a short untyped page", "https://example.org/about", "", words(60), false},
		{"a tag front, however long", "https://example.org/tag/politics/", "", words(400), false},
		{"a home page", "https://example.org/", "", words(200), false},
		{"a home page with an item id", "https://example.org/?p=31228", "", words(200), true},
		{"a very short typed story", "https://example.org/news/2024/05/03/brief-item-123456",
			`<script type="application/ld+json">{"@type":"NewsArticle","headline":"Brief","datePublished":"2024-05-03T10:00:00Z","author":{"name":"Jane Doe"}}</script>`, words(25), true},
	} {
		page := `<html><head>` + tc.head + `</head><body><article>` + tc.body + `</article></body></html>`
		a, err := New(nil).Extract([]byte(page), Options{URL: tc.url})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if *a.IsArticle != tc.want {
			t.Errorf("%s: is_article %v, want %v", tc.name, *a.IsArticle, tc.want)
		}
	}
}

// TestAuthorHandles checks that a single lower-case user name is a name
// when a source says it names the author, and not from a class-name guess.
func TestAuthorHandles(t *testing.T) {
	para := "<p>" + strings.Repeat("The river path plan went back to the council for another look at its costs. ", 4) + "</p>"
	for _, tc := range []struct{ name, head, body, want string }{
		{"meta author", `<meta name="author" content="gizzmo">`, "", "gizzmo"},
		{"rel=author", "", `<a rel="author" href="/author/flerche">flerche</a>`, "flerche"},
		{"generic account", `<meta name="author" content="admin">`, "", ""},
		{"class-name guess", "", `<div class="byline">gizzmo</div>`, ""},
		{"an author's biography is no byline", "", `<p class="author-bio">Alles über Lautsprecher, Heimkino und HiFi-Trends. Zudem haben wir Tipps und Tricks für zu Hause.</p>`, ""},
		{"a short author box is", "", `<div class="author_short_bio-name">Martin Chikilian</div>`, "Martin Chikilian"},
		{"a link to the author's page", "", `<address>By <a href="https://blog.example/author/tanderson/"> Tim Anderson </a></address>`, "Tim Anderson"},
		{"two links in one byline", "", `<p>Von <a href="/autoren/loew-clara">Clara Löw</a> und <a href="/autoren/jacob-klaus">Klaus Jacob</a></p>`, "Clara Löw|Klaus Jacob"},
		{"a link's label is no name", "", `<p><a href="/author/matthias/">Zeige alle Artikel</a></p>`, ""},
		{"an author's page linked elsewhere", "", `<p><a href="/author/jane-doe/">Jane Doe</a></p><div><p><a href="/author/john-roe/">John Roe</a></p></div>`, "Jane Doe"},
	} {
		page := `<html><head>` + tc.head + `</head><body><article><h1>A headline here</h1>` + tc.body + para + para + `</article></body></html>`
		a, err := New(nil).Extract([]byte(page), Options{URL: "https://blog.example/a-headline-here/"})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(a.Authors, "|"); got != tc.want {
			t.Errorf("%s: authors %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestDescribedLead pins the description taken as the standfirst of a
// page whose markup holds next to no text, and only of such a page.
func TestDescribedLead(t *testing.T) {
	const desc = "However large or small, a round tablecloth is easy to sew at home: this guide shows how in seven steps."
	long := strings.Repeat("<p>The guide goes through every step of the work with the fabric and the needle in order.</p>", 6)
	for _, tc := range []struct {
		name, body string
		described  bool
	}{
		{"client-rendered page", `<div id="app"><h1>Sew a round tablecloth</h1><p>Loading the guide.</p></div>`, true},
		{"page with its own text", `<article><h1>Sew a round tablecloth</h1>` + long + `</article>`, false},
	} {
		page := `<html><head><title>Sew a round tablecloth</title><meta property="og:description" content="` + desc + `"></head><body>` + tc.body + `</body></html>`
		a, err := New(nil).Extract([]byte(page), Options{URL: "https://example.org/diy/2054/sew-a-round-tablecloth"})
		if err != nil {
			t.Fatal(err)
		}
		if got := a.Subtitle == desc; got != tc.described {
			t.Errorf("%s: subtitle %q, description taken %v, want %v", tc.name, a.Subtitle, got, tc.described)
		}
	}
}

// TestJSONLDReferences checks that an article's author, image and
// publisher given by @id reference (Yoast SEO's graph) are read from the
// objects the graph names.
func TestJSONLDReferences(t *testing.T) {
	const graph = `{"@context":"https://schema.org","@graph":[
		{"@type":"Article","@id":"https://blog.example/p/#article","headline":"A headline here",
		 "author":{"@id":"https://blog.example/#/schema/person/c49"},
		 "publisher":{"@id":"https://blog.example/#organization"},
		 "image":{"@id":"https://blog.example/p/#primaryimage"},
		 "datePublished":"2020-05-01T10:00:00+02:00"},
		{"@type":"ImageObject","@id":"https://blog.example/p/#primaryimage","url":"https://blog.example/lead.jpg","caption":"The lead picture"},
		{"@type":"Organization","@id":"https://blog.example/#organization","name":"Example Blog"},
		{"@type":"Person","@id":"https://blog.example/#/schema/person/c49","name":"Poppy Reid"}]}`
	ld := parseJSONLD([]string{graph})
	if ld == nil {
		t.Fatal("no article")
	}
	if got := strings.Join(ld.authors, "|"); got != "Poppy Reid" {
		t.Errorf("authors %q, want Poppy Reid", got)
	}
	if ld.publisher != "Example Blog" {
		t.Errorf("publisher %q, want Example Blog", ld.publisher)
	}
	if len(ld.images) != 1 || ld.images[0].url != "https://blog.example/lead.jpg" || ld.images[0].caption != "The lead picture" {
		t.Errorf("images %+v", ld.images)
	}
	// a reference to nothing in the graph gives nothing, not the @id
	ld = parseJSONLD([]string{`{"@type":"Article","headline":"A headline here","author":{"@id":"https://blog.example/#nobody"}}`})
	if ld == nil || len(ld.authors) != 0 {
		t.Errorf("unresolved reference: %+v", ld)
	}
}

func TestStandfirstAtTopOfBody(t *testing.T) {
	const intro = "Kappa: the active ingredient is meant to help people lose weight, and soon those who pay for it themselves."
	page := `<html><head><meta property="og:title" content="The headline of the story"></head><body><main>
<div class="top"><div class="bar"><div class="crumbs"><h1>The headline of the story</h1></div></div></div>
<article class="story"><div class="article__header"><p class="article__header__intro">` + intro + `</p></div>
<p>` + strings.Repeat("A long paragraph of article text without any links in it at all. ", 6) + `</p>
<p>` + strings.Repeat("Another paragraph of the article with more words to make it long. ", 6) + `</p>
<p class="photo-credit">Reporting by Jane Doe in Berlin and John Doe in London; editing by Max Mustermann.</p></article>
</main></body></html>`
	a, err := New(nil).Extract([]byte(page), Options{URL: "https://example.org/news/1"})
	if err != nil {
		t.Fatal(err)
	}
	if a.Subtitle != intro {
		t.Errorf("subtitle %q, want %q", a.Subtitle, intro)
	}
}
