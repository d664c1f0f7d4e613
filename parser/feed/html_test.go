package feed

import (
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"
)

func TestSanitizeHTML(t *testing.T) {
	for _, tc := range []struct{ name, in, base, want string }{
		{"plain text unchanged", "Don't panic: it's fine", "", "Don't panic: it's fine"},
		{"text escaped minimally", "Q&A: a < b", "", "Q&amp;A: a &lt; b"},
		{"script and its code dropped", `safe<script>location.href='x'</script> text`, "", "safe text"},
		{"style dropped", `<style>b{color:red}</style><b>bold</b>`, "", "<b>bold</b>"},
		{"event handlers and styles dropped", `<p onclick="x()" style="color:red">hi</p>`, "", "<p>hi</p>"},
		{"iframe dropped", `a<iframe src="http://e.com/"></iframe>b`, "", "ab"},
		{"object fallback text kept", `safe<object data="x.swf"> <b>text</b></object>`, "", "safe <b>text</b>"},
		{"relative link resolved", `<a href="/a/b">x</a>`, "https://news.example/story/1", `<a href="https://news.example/a/b">x</a>`},
		{"relative image resolved", `<img src="i.jpg" alt="A">`, "https://news.example/story/", `<img src="https://news.example/story/i.jpg" alt="A">`},
		{"javascript link dropped", `<a href="javascript:alert(1)">x</a>`, "https://news.example/", "x"},
		{"image without usable address dropped", `<img src="rel.jpg">t`, "", "t"},
		{"mailto kept", `<a href="mailto:desk@news.example">desk</a>`, "", `<a href="mailto:desk@news.example">desk</a>`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := SanitizeHTML(tc.in, tc.base); got != tc.want {
				t.Errorf("SanitizeHTML(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestCleanTextDropsCode(t *testing.T) {
	for in, want := range map[string]string{
		`safe<script>location.href='http://e.com/';</script> title`: "safe title",
		`<style>h1{}</style>Headline`:                               "Headline",
		`<b>Bold</b> &amp; plain`:                                   "Bold & plain",
		`Tom &amp; Jerry`:                                           "Tom & Jerry",
	} {
		if got := cleanText(in); got != want {
			t.Errorf("cleanText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLangTag(t *testing.T) {
	for in, want := range map[string]string{
		"en_US": "en-US", "en-us": "en-us", " de ": "de", "zh_Hant_TW": "zh-Hant-TW", "en, de": "en", "": "",
	} {
		if got := langTag(in); got != want {
			t.Errorf("langTag(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestItemFieldsGofeedLeavesOut(t *testing.T) {
	const doc = `<?xml version="1.0"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>t</title><link>https://news.example/</link>
<item><title>guid is the link</title><guid>https://news.example/a/1</guid></item>
<item><title>guid not a permalink</title><guid isPermaLink="false">https://news.example/a/2</guid></item>
<item><title>guid not a URL</title><guid>12345</guid></item>
<item><title>thumbnails</title><link>https://news.example/a/3</link>
  <media:thumbnail url="/small.jpg" width="120"/><media:thumbnail url="/large.jpg" width="960"/></item>
<item><title>group</title><link>https://news.example/a/4</link>
  <media:group><media:content url="https://cdn.example/v.mp4" type="video/mp4"/><media:content url="https://cdn.example/p.jpg" medium="image"/>
  <media:description>Only here</media:description></media:group></item>
</channel></rss>`
	f := mustParse(t, doc, "application/rss+xml", "https://news.example/feed.xml")
	want := []struct{ link, image, summary string }{
		{"https://news.example/a/1", "", ""},
		{"", "", ""},
		{"", "", ""},
		{"https://news.example/a/3", "https://news.example/large.jpg", ""},
		{"https://news.example/a/4", "https://cdn.example/p.jpg", "Only here"},
	}
	if len(f.Items) != len(want) {
		t.Fatalf("%d items, want %d", len(f.Items), len(want))
	}
	for i, w := range want {
		it := f.Items[i]
		if it.Link != w.link || it.Image != w.image || it.Summary != w.summary {
			t.Errorf("item %d (%s): link %q image %q summary %q; want %q %q %q", i, it.Title, it.Link, it.Image, it.Summary, w.link, w.image, w.summary)
		}
	}
}

// FuzzSanitizeHTML checks that whatever the fragment, the output holds no
// active element, no event handler or style, and only absolute http(s) or
// mailto addresses.
func FuzzSanitizeHTML(f *testing.F) {
	f.Add(`safe<script>x()</script><a href="/a" onclick="y()">l</a><img src="i.png">`, "https://news.example/s/1")
	f.Add(`<p style="x">t</p><iframe src="javascript:x"></iframe><object><b>f</b></object>`, "")
	f.Add(`&lt;!' <a href="foo">`, "http://x/")
	f.Fuzz(func(t *testing.T, in, base string) {
		out := SanitizeHTML(in, base)
		z := xhtml.NewTokenizer(strings.NewReader(out))
		for {
			tt := z.Next()
			if tt == xhtml.ErrorToken {
				return
			}
			if tt != xhtml.StartTagToken && tt != xhtml.SelfClosingTagToken {
				continue
			}
			tok := z.Token()
			switch tok.Data {
			case "script", "style", "iframe", "object", "embed", "form", "input", "meta", "link", "base", "svg", "math":
				t.Fatalf("%q kept an active element %s: %q", in, tok.Data, out)
			}
			for _, a := range tok.Attr {
				if strings.HasPrefix(a.Key, "on") || a.Key == "style" {
					t.Fatalf("%q kept attribute %s: %q", in, a.Key, out)
				}
				if a.Key == "href" || a.Key == "src" {
					v := strings.ToLower(a.Val)
					if !strings.HasPrefix(v, "http://") && !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "mailto:") {
						t.Fatalf("%q kept address %q: %q", in, a.Val, out)
					}
				}
			}
		}
	})
}

// TestJSONFeedContentText checks that JSON Feed's plain-text content is
// text: angle brackets in it are characters, not tags.
func TestJSONFeedContentText(t *testing.T) {
	const doc = `{"version":"https://jsonfeed.org/version/1.1","title":"T","items":[
{"id":"1","url":"https://ex.org/a","content_text":"Plain & simple <not a tag>"},
{"id":"2","url":"https://ex.org/b","content_html":"<p>Hi <script>x()</script></p>","content_text":"Hi"}]}`
	f := mustParse(t, doc, "application/feed+json", "https://ex.org/feed.json")
	lines := f.Lines()
	if len(lines) != 2 {
		t.Fatalf("%d items", len(lines))
	}
	if got, want := lines[0].Content, "Plain &amp; simple &lt;not a tag&gt;"; got != want {
		t.Errorf("content_text: %q, want %q", got, want)
	}
	if got, want := lines[1].Content, "<p>Hi </p>"; got != want {
		t.Errorf("content_html: %q, want %q", got, want)
	}
}
