package feed

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

var update = flag.Bool("update", false, "rewrite golden files")

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func parse(t *testing.T, doc, contentType, base string) (*Feed, error) {
	t.Helper()
	return ParseOptions([]byte(doc), contentType, base, Options{Now: now})
}

func mustParse(t *testing.T, doc, contentType, base string) *Feed {
	t.Helper()
	f, err := parse(t, doc, contentType, base)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return f
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct{ file, ct, base string }{
		{"bbc.rss.xml", "application/rss+xml", "https://podcasts.files.bbci.co.uk/b006qykl.rss"},
		{"koi8r.rss.xml", "text/xml", "http://example.com/rss"},
		{"heise.atom.xml", "application/atom+xml; charset=utf-8", "https://www.heise.de/developer/rss/news-atom.xml"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			f, err := ParseOptions(data, tc.ct, tc.base, Options{Now: now})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			for _, l := range f.Lines() {
				if err := enc.Encode(l); err != nil {
					t.Fatal(err)
				}
			}
			golden := filepath.Join("testdata", strings.TrimSuffix(tc.file, ".xml")+".golden.jsonl")
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(want, buf.Bytes()) {
				t.Fatalf("output differs from %s:\n%s", golden, buf.String())
			}
		})
	}
}

func TestLineContract(t *testing.T) {
	f := mustParse(t, `<rss><channel><title>T</title><link>https://ex.org/</link><language>en</language>
		<item><title>A</title><link>/a</link><guid>g1</guid><pubDate>Sun, 01 Mar 2026 10:00:00 GMT</pubDate></item></channel></rss>`, "", "https://ex.org/feed")
	b, err := json.Marshal(f.Lines()[0])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"guid", "title", "link", "published_at", "authors", "categories", "summary", "content", "feed"} {
		if _, ok := m[k]; !ok {
			t.Errorf("line lacks %q: %s", k, b)
		}
	}
	fi := m["feed"].(map[string]any)
	if fi["title"] != "T" || fi["link"] != "https://ex.org/" || fi["language"] != "en" {
		t.Errorf("feed info = %v", fi)
	}
	if m["link"] != "https://ex.org/a" {
		t.Errorf("link = %v", m["link"])
	}
}

func TestSchedule(t *testing.T) {
	f := mustParse(t, `<?xml version="1.0"?>
<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel><title>x</title>
<ttl>90</ttl><sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency>
<skipHours><hour>24</hour><hour>3</hour><hour>3</hour><hour>99</hour><hour>x</hour></skipHours>
<skipDays><day>Sunday</day><day>saturday</day><day>Funday</day></skipDays>
<item><title>a</title><link>https://ex.org/a</link></item></channel></rss>`, "", "")
	if f.TTL != 90*time.Minute {
		t.Errorf("TTL = %v", f.TTL)
	}
	if f.UpdatePeriod != 30*time.Minute {
		t.Errorf("UpdatePeriod = %v", f.UpdatePeriod)
	}
	if got := f.SkipHours; len(got) != 2 || got[0] != 0 || got[1] != 3 {
		t.Errorf("SkipHours = %v", got)
	}
	if got := f.SkipDays; len(got) != 2 || got[0] != time.Sunday || got[1] != time.Saturday {
		t.Errorf("SkipDays = %v", got)
	}
}

func TestAbsurdTTL(t *testing.T) {
	for _, tc := range []struct {
		ttl  string
		want time.Duration
	}{
		{"999999999999999999999", 0},
		{"99999999", maxTTLMinutes * time.Minute},
		{"-5", 0},
		{"abc", 0},
		{"0", 0},
	} {
		f := mustParse(t, `<rss><channel><title>x</title><ttl>`+tc.ttl+`</ttl></channel></rss>`, "", "")
		if f.TTL != tc.want {
			t.Errorf("ttl %s: TTL = %v, want %v", tc.ttl, f.TTL, tc.want)
		}
	}
}

func TestLinksAndBases(t *testing.T) {
	f := mustParse(t, `<rss xml:base="https://cdn.ex.org/news/"><channel><title>x</title><link>javascript:alert(1)</link>
<item><title>rel</title><link>story/1</link></item>
<item xml:base="/other/"><title>itembase</title><link>2</link></item>
<item><title>js</title><link>javascript:alert(1)</link><guid>js</guid></item>
<item><title>data</title><link>data:text/html,hi</link><guid>d</guid></item>
<item><title>file</title><link>file:///etc/passwd</link><guid>f</guid></item>
<item><title>img</title><link>https://ex.org/i</link><enclosure url="data:image/png;base64,AAAA" type="image/png"/></item>
</channel></rss>`, "", "https://ex.org/feed.xml")
	if f.Link != "" {
		t.Errorf("feed link = %q, want dropped", f.Link)
	}
	want := []string{"https://cdn.ex.org/news/story/1", "https://cdn.ex.org/other/2", "", "", "", "https://ex.org/i"}
	if len(f.Items) != len(want) {
		t.Fatalf("%d items", len(f.Items))
	}
	for i, w := range want {
		if f.Items[i].Link != w {
			t.Errorf("item %d link = %q, want %q", i, f.Items[i].Link, w)
		}
	}
	if f.Items[5].Image != "" {
		t.Errorf("data: image kept: %q", f.Items[5].Image)
	}
}

func TestAtomXMLBase(t *testing.T) {
	f := mustParse(t, `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://ex.org/blog/"><title>t</title>
<entry><id>urn:1</id><title type="html">A &amp;amp; &lt;b&gt;B&lt;/b&gt;</title><link href="posts/1"/><updated>2026-02-01T10:00:00+03:00</updated></entry></feed>`, "", "https://feeds.ex.org/atom")
	it := f.Items[0]
	if it.Link != "https://ex.org/blog/posts/1" {
		t.Errorf("link = %q", it.Link)
	}
	if it.Title != "A & B" {
		t.Errorf("title = %q", it.Title)
	}
	if _, off := it.PublishedAt.Zone(); off != 3*3600 {
		t.Errorf("offset lost: %v", it.PublishedAt)
	}
}

func TestIdentity(t *testing.T) {
	f := mustParse(t, `<rss><channel><title>x</title>
<item><title>no guid</title><link>https://ex.org/a</link></item>
<item><title>nothing</title><description>text only</description></item>
<item><guid>same</guid><title>1</title><link>https://ex.org/1</link></item>
<item><guid>same</guid><title>2</title><link>https://ex.org/2</link></item>
<item><guid>dup</guid><title>d</title><link>https://ex.org/d</link></item>
<item><guid>dup</guid><title>d</title><link>https://ex.org/d</link></item>
<item></item>
</channel></rss>`, "", "")
	var guids []string
	for _, it := range f.Items {
		guids = append(guids, it.GUID)
	}
	if len(guids) != 5 {
		t.Fatalf("guids = %q", guids)
	}
	if guids[0] != "https://ex.org/a" || !strings.HasPrefix(guids[1], "sha256:") ||
		guids[2] != "https://ex.org/1" || guids[3] != "https://ex.org/2" || guids[4] != "dup" {
		t.Errorf("guids = %q", guids)
	}
	// the synthetic id is stable
	g := mustParse(t, `<rss><channel><title>x</title><item><title>nothing</title><description>text only</description></item></channel></rss>`, "", "")
	if g.Items[0].GUID != guids[1] {
		t.Errorf("synthetic guid not stable: %q vs %q", g.Items[0].GUID, guids[1])
	}
}

func TestDatesInFeed(t *testing.T) {
	f := mustParse(t, `<rss><channel><title>x</title>
<item><guid>1</guid><pubDate>not a date</pubDate></item>
<item><guid>2</guid><pubDate>Sat, 01 Jan 10000 00:00:00 GMT</pubDate></item>
<item><guid>3</guid><pubDate>Mon, 01 Jan 1900 00:00:00 GMT</pubDate></item>
<item><guid>4</guid><pubDate>Sun, 01 Mar 2026 10:00:00 IST</pubDate></item>
<item><guid>5</guid><pubDate>2030-01-01T00:00:00Z</pubDate></item>
<item><guid>6</guid><pubDate>Thu, 01 Jan 1970 00:00:00 GMT</pubDate></item>
</channel></rss>`, "", "")
	for i, it := range f.Items {
		if i == 3 {
			if want := time.Date(2026, 3, 1, 4, 30, 0, 0, time.UTC); !it.PublishedAt.Equal(want) {
				t.Errorf("IST: %v, want %v", it.PublishedAt, want)
			}
			continue
		}
		if !it.PublishedAt.IsZero() {
			t.Errorf("item %s: date kept: %v", it.GUID, it.PublishedAt)
		}
	}
	if !hasWarning(f, "ambiguous time zone IST") || !hasWarning(f, "implausible") || !hasWarning(f, "unparsable") {
		t.Errorf("warnings = %q", f.Warnings)
	}
	if _, err := json.Marshal(f.Lines()); err != nil {
		t.Errorf("lines do not marshal: %v", err)
	}
}

func hasWarning(f *Feed, s string) bool {
	for _, w := range f.Warnings {
		if strings.Contains(w, s) {
			return true
		}
	}
	return false
}

func TestEncodings(t *testing.T) {
	const title = "Пример ленты"
	cp1251, _ := charmap.Windows1251.NewEncoder().String(`<?xml version="1.0" encoding="utf-8"?><rss><channel><title>` + title + `</title></channel></rss>`)
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(`<?xml version="1.0" encoding="UTF-16"?><rss><channel><title>` + title + `</title></channel></rss>`)
	for _, tc := range []struct {
		name, doc, ct, want, warn string
	}{
		{"header over prolog", cp1251, "application/xml; charset=windows-1251", title, ""},
		{"prolog latin1 over utf-8", `<?xml version="1.0" encoding="ISO-8859-1"?><rss><channel><title>` + title + `</title></channel></rss>`, "text/xml", title, "declared charset not used"},
		{"unknown label", `<?xml version="1.0" encoding="x-klingon"?><rss><channel><title>` + title + `</title></channel></rss>`, "text/xml; charset=x-vulcan", title, "declared charset not used"},
		{"utf-16 bom", utf16, "", title, ""},
		{"invalid utf-8", "<rss><channel><title>ok\xff\xfeok</title></channel></rss>", "text/xml; charset=utf-8", "ok\uFFFD\uFFFDok", "invalid utf-8"},
		{"nul and c0", "<rss><channel><title>a\x00b\x01c\x1fd</title></channel></rss>", "", "abcd", "control characters removed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := mustParse(t, tc.doc, tc.ct, "")
			if f.Title != tc.want {
				t.Errorf("title = %q, want %q", f.Title, tc.want)
			}
			if tc.warn != "" && !hasWarning(f, tc.warn) {
				t.Errorf("warnings = %q, want %q", f.Warnings, tc.warn)
			}
		})
	}
}

func TestHostileXML(t *testing.T) {
	laughs := `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">` +
		`<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
		`<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">` +
		`<!ENTITY lol9 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>` +
		`<rss><channel><title>&lol9;</title><item><guid>1</guid><title>x</title></item></channel></rss>`
	xxe := `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` +
		`<rss><channel><title>t</title><item><guid>1</guid><title>&xxe;</title></item></channel></rss>`
	deep := "<rss><channel><title>t</title>" + strings.Repeat("<a>", 1_000_000) + strings.Repeat("</a>", 1_000_000) + "</channel></rss>"
	many := "<rss><channel><title>t</title>" + strings.Repeat("<x/>", 5_000_000) + "</channel></rss>"
	truncated := `<rss><channel><title>t</title><item><guid>1</guid><title>one</title></item><item><guid>2</guid><title>tw`
	for _, tc := range []struct {
		name    string
		doc     string
		wantErr error
		check   func(t *testing.T, f *Feed)
	}{
		{"billion laughs", laughs, nil, func(t *testing.T, f *Feed) {
			if len(f.Title) > 100 || !hasWarning(f, "entity declarations ignored") {
				t.Errorf("title %d bytes, warnings %q", len(f.Title), f.Warnings)
			}
		}},
		{"xxe", xxe, nil, func(t *testing.T, f *Feed) {
			if strings.Contains(f.Items[0].Title, "root:") {
				t.Errorf("external entity expanded: %q", f.Items[0].Title)
			}
		}},
		{"deep", deep, ErrRejected, nil},
		{"many", many, ErrRejected, nil},
		{"truncated", truncated, nil, func(t *testing.T, f *Feed) {
			if len(f.Items) != 1 || f.Items[0].Title != "one" || !hasWarning(f, "truncated") {
				t.Errorf("items %+v warnings %q", f.Items, f.Warnings)
			}
		}},
		{"not a feed", `<html><body>hi</body></html>`, ErrNotFeed, nil},
		{"sitemap", `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://ex.org/</loc></url></urlset>`, ErrNotFeed, nil},
		{"deep json", strings.Repeat("[", 100_000), ErrRejected, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			f, err := parse(t, tc.doc, "", "")
			if el := time.Since(start); el > slowdown*time.Second {
				t.Errorf("took %v", el)
			}
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, f)
		})
	}
}

func TestJSONFeed(t *testing.T) {
	f := mustParse(t, `{"version":"https://jsonfeed.org/version/1.1","title":"J","home_page_url":"https://ex.org/",
"items":[{"id":"1","url":"/p/1","title":"One","content_html":"<p>x</p>","date_published":"2026-02-01T10:00:00Z","authors":[{"name":"Ann"}],"tags":["a","a","b"]}]}`, "application/feed+json", "https://ex.org/feed.json")
	it := f.Items[0]
	if f.Format != "json" || it.Link != "https://ex.org/p/1" || len(it.Authors) != 1 || len(it.Categories) != 2 {
		t.Errorf("%+v %+v", f, it)
	}
}
