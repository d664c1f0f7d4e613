package feed

import (
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/newsfeed/newsfeed/internal/urlnorm"
	"github.com/newsfeed/newsfeed/internal/xmlguard"
)

func TestParseDate(t *testing.T) {
	utc := func(y int, m time.Month, d, hh, mm, ss int) time.Time {
		return time.Date(y, m, d, hh, mm, ss, 0, time.UTC)
	}
	for _, tc := range []struct {
		in        string
		want      time.Time // zero: not parsed
		ambiguous bool
		offset    int // expected zone offset in seconds, checked when want is set
	}{
		{"Mon, 02 Jan 2006 15:04:05 GMT", utc(2006, 1, 2, 15, 4, 5), false, 0},
		{"Mon, 02 Jan 2006 15:04:05 +0300", utc(2006, 1, 2, 12, 4, 5), false, 3 * 3600},
		{"Mon, 2 Jan 2006 15:04:05 -07:00", utc(2006, 1, 2, 22, 4, 5), false, -7 * 3600},
		{"Mon, 02 Jan 06 15:04 EST", utc(2006, 1, 2, 20, 4, 0), false, -5 * 3600},
		{"Monday, 02 January 2006 15:04:05 PDT", utc(2006, 1, 2, 22, 4, 5), false, -7 * 3600},
		{"02 Jan 2006 15:04:05 MSK", utc(2006, 1, 2, 12, 4, 5), false, 3 * 3600},
		{"Tue, 10 Jun 2025 09:00:00 CEST", utc(2025, 6, 10, 7, 0, 0), false, 2 * 3600},
		{"Tue, 10 Jun 2025 09:00:00 IST", utc(2025, 6, 10, 3, 30, 0), true, 19800},
		{"Tue, 10 Jun 2025 09:00:00 BST", utc(2025, 6, 10, 8, 0, 0), true, 3600},
		{"Tue, 10 Jun 2025 09:00:00 CST", utc(2025, 6, 10, 15, 0, 0), true, -6 * 3600},
		{"Tue, 10 Jun 2025 09:00:00 GMT+3", utc(2025, 6, 10, 6, 0, 0), false, 3 * 3600},
		{"Tue, 10 Jun 2025 09:00:00 UTC-05:30", utc(2025, 6, 10, 14, 30, 0), false, -19800},
		{"Tue, 10 Jun 2025 09:00:00 GMT +0200", utc(2025, 6, 10, 7, 0, 0), false, 2 * 3600},
		{"Tue, 10 Jun 2025 09:00:00 +0000 (UTC)", utc(2025, 6, 10, 9, 0, 0), false, 0},
		{"Tue, 10 Jun 2025 09:00:00 A", utc(2025, 6, 10, 9, 0, 0), false, 0}, // military: unknown
		{"Tue, 10 Jun 2025 09:00:00", utc(2025, 6, 10, 9, 0, 0), false, 0},
		{"10 JUN 2025 09:00:00 GMT", utc(2025, 6, 10, 9, 0, 0), false, 0},
		{"Tue, 10 Sept 2025 09:00:00 GMT", utc(2025, 9, 10, 9, 0, 0), false, 0},
		{"June 10, 2025 9:00 PM", utc(2025, 6, 10, 21, 0, 0), false, 0},
		{"June 10, 2025 at 09:00:00", utc(2025, 6, 10, 9, 0, 0), false, 0},
		{"2025-06-10T09:00:00Z", utc(2025, 6, 10, 9, 0, 0), false, 0},
		{"2025-06-10T09:00:00.123+02:00", time.Date(2025, 6, 10, 7, 0, 0, 123e6, time.UTC), false, 7200},
		{"2025-06-10T09:00:00+0200", utc(2025, 6, 10, 7, 0, 0), false, 7200},
		{"2025-06-10 09:00:00 +0200", utc(2025, 6, 10, 7, 0, 0), false, 7200},
		{"2025-06-10T09:00", utc(2025, 6, 10, 9, 0, 0), false, 0},
		{"2025-06-10", utc(2025, 6, 10, 0, 0, 0), false, 0},
		{"2025/06/10 09:00", utc(2025, 6, 10, 9, 0, 0), false, 0},
		{"10.06.2025 09:00", utc(2025, 6, 10, 9, 0, 0), false, 0},
		{"1749546000", utc(2025, 6, 10, 9, 0, 0), false, 0},
		{"", time.Time{}, false, 0},
		{"garbage", time.Time{}, false, 0},
		{"Tue, 10 Jun 2025 09:00:00 XYZ", time.Time{}, false, 0},
		{"Sat, 01 Jan 10000 00:00:00 GMT", time.Time{}, false, 0},
		{"31 Feb 2025 10:00:00 GMT", time.Time{}, false, 0},
		{"Tue, 10 Jun 2025 25:00:00 GMT", time.Time{}, false, 0},
		{"Tue, 10 Jun 2025 09:00:00 +9900", time.Time{}, false, 0},
		{strings.Repeat("9", 500), time.Time{}, false, 0},
	} {
		d, ok := ParseDate(tc.in)
		if tc.want.IsZero() {
			if ok {
				t.Errorf("%q: parsed as %v", tc.in, d.Time)
			}
			continue
		}
		if !ok || !d.Time.Equal(tc.want) || d.Ambiguous != tc.ambiguous {
			t.Errorf("%q: %v ok=%v ambiguous=%v, want %v ambiguous=%v", tc.in, d.Time, ok, d.Ambiguous, tc.want, tc.ambiguous)
			continue
		}
		if _, off := d.Time.Zone(); off != tc.offset {
			t.Errorf("%q: offset %d, want %d (the publisher's offset is kept)", tc.in, off, tc.offset)
		}
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"Mon, 02 Jan 2006 15:04:05 GMT", "2025-06-10T09:00:00.123+02:00", "Tue, 10 Jun 2025 09:00:00 GMT+3", "1749546000", "10.06.2025 09:00", "June 10, 2025 at 9:00 PM IST"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := ParseDate(s)
		if !ok {
			return
		}
		// whatever parses must survive the plausibility filter and JSON
		if p := plausible(d.Time, now); !p.IsZero() {
			if _, err := p.MarshalJSON(); err != nil {
				t.Fatalf("%q → %v: %v", s, p, err)
			}
		}
	})
}

func FuzzPrepare(f *testing.F) {
	f.Add([]byte(`<?xml version="1.0" encoding="koi8-r"?><rss><channel><item><title>x</title></item><item>`), "text/xml")
	f.Add([]byte("\xFF\xFE<\x00r\x00s\x00s\x00>\x00"), "")
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1","items":[{"id":"1"}]}`), "application/feed+json")
	f.Fuzz(func(t *testing.T, data []byte, ct string) {
		doc, _, _, err := Prepare(data, ct, xmlguard.Limits{MaxDepth: 64, MaxElements: 10_000})
		if err != nil {
			return
		}
		if !utf8.Valid(doc) {
			t.Fatal("prepared document is not UTF-8")
		}
		for _, c := range doc {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				t.Fatalf("control byte %#x left", c)
			}
		}
	})
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`<rss><channel><title>t</title><ttl>5</ttl><item><guid>1</guid><link>/a</link><pubDate>Mon, 02 Jan 2006 15:04:05 GMT</pubDate></item></channel></rss>`))
	f.Add([]byte(`<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://x/"><entry><id>1</id><link href="a"/></entry></feed>`))
	f.Add([]byte(`{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","url":"javascript:x"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fd, err := ParseOptions(data, "", "https://example.org/feed", Options{Now: now, MaxDepth: 64, MaxElements: 10_000})
		if err != nil {
			return
		}
		guids := map[string]bool{}
		for _, l := range fd.Lines() {
			if _, err := l.PublishedAt.MarshalJSON(); err != nil {
				t.Fatalf("unmarshalable date %v", l.PublishedAt)
			}
			if l.GUID == "" || guids[l.GUID] {
				t.Fatalf("empty or repeated guid %q", l.GUID)
			}
			guids[l.GUID] = true
			for _, link := range []string{l.Link, l.Image, fd.Link} {
				if link != "" && !strings.HasPrefix(link, "http://") && !strings.HasPrefix(link, "https://") {
					t.Fatalf("link %q kept", link)
				}
			}
		}
	})
}

// FuzzResolve checks link resolution (URL normalisation of feed links):
// whatever the xml:base chain and the link, the result is "" or an
// absolute http(s) URL with a host.
func FuzzResolve(f *testing.F) {
	f.Add("https://ex.org/feed", "/news/", "story?id=1")
	f.Add("https://ex.org/feed", "javascript:alert(1)//", "x")
	f.Add("", "", "data:text/html,hi")
	f.Add("http://[::1]/", "file:///etc/", "../../a")
	f.Fuzz(func(t *testing.T, feedURL, xmlBase, link string) {
		base := resolveBases(parseBase(feedURL), []string{xmlBase})
		got := urlnorm.Resolve(base, link)
		if got == "" {
			return
		}
		u, err := url.Parse(got)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			t.Fatalf("(%q, %q, %q) → %q", feedURL, xmlBase, link, got)
		}
	})
}

func TestLocalisedDates(t *testing.T) {
	for in, want := range map[string]string{
		"Seg, 24 Set 2018 19:18:49 -0300":   "2018-09-24T19:18:49-03:00",
		"mer, 16 nov 2022 00:38:15 +0100":   "2022-11-16T00:38:15+01:00",
		"lun., 3 févr. 2025 08:00:00 +0100": "2025-02-03T08:00:00+01:00",
		"Mi, 12 Mär 2025 10:00:00 +0100":    "2025-03-12T10:00:00+01:00",
		"Пн, 03 фев 2025 08:00:00 +0300":    "2025-02-03T08:00:00+03:00",
		"3 января 2025 08:00 MSK":           "2025-01-03T08:00:00+03:00",
		"jueves, 6 de marzo de 2025 10:00":  "",
	} {
		d, ok := ParseDate(in)
		got := ""
		if ok {
			got = d.Time.Format(time.RFC3339)
		}
		if got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
