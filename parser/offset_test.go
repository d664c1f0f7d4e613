package parser

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

func TestZoneBetween(t *testing.T) {
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	inst := utc("2023-11-09T05:30:59Z")
	for _, tc := range []struct {
		name  string
		wall  string
		secs  bool
		want  string // the offset, "" for none
		instT time.Time
	}{
		{"six hours behind, to the second", "2023-11-08T23:30:59Z", true, "-06:00", inst},
		{"seconds disagree", "2023-11-08T23:30:58Z", true, "", inst},
		{"minutes only", "2023-11-08T23:30:00Z", false, "-06:00", inst},
		{"half hour ahead (India)", "2023-11-09T11:00:59Z", true, "+05:30", inst},
		{"quarter hour with seconds (Nepal)", "2023-11-09T11:15:59Z", true, "+05:45", inst},
		{"quarter hour without seconds is no evidence", "2023-11-09T11:15:00Z", false, "", inst},
		{"the same clock: no offset", "2023-11-09T05:30:59Z", true, "", inst},
		{"minutes apart: another time", "2023-11-09T07:42:59Z", true, "", inst},
		{"fourteen hours ahead", "2023-11-09T19:30:59Z", true, "+14:00", inst},
		{"fifteen hours ahead", "2023-11-09T20:30:59Z", true, "", inst},
		{"twelve hours behind: a 12-hour clock", "2023-11-08T17:30:59Z", true, "", inst},
	} {
		t.Run(tc.name, func(t *testing.T) {
			z := zoneBetween(utc(tc.wall), tc.instT, tc.secs)
			got := ""
			if z != nil {
				got = tc.instT.In(z).Format("-07:00")
			}
			if got != tc.want {
				t.Errorf("offset %q, want %q", got, tc.want)
			}
		})
	}
}

func TestNaiveClock(t *testing.T) {
	for _, tc := range []struct {
		in         string
		ok, secs   bool
		wantFormat string
	}{
		{"2023-11-08 23:30:59", true, true, "2023-11-08T23:30:59Z"},
		{"2023-11-08T23:30", true, false, "2023-11-08T23:30:00Z"},
		{"2023-11-08T23:30:59.123", true, true, "2023-11-08T23:30:59Z"},
		{"2023-11-08T23:30:59Z", false, false, ""},
		{"2023-11-08T23:30:59+01:00", false, false, ""},
		{"2023-11-08", false, false, ""},
		{"08.11.2023 23:30", false, false, ""},
	} {
		w, secs, ok := naiveClock(tc.in)
		if ok != tc.ok || secs != tc.secs || ok && w.Format(time.RFC3339) != tc.wantFormat {
			t.Errorf("naiveClock(%q) = %v, %v, %v; want %s, %v, %v", tc.in, w, secs, ok, tc.wantFormat, tc.secs, tc.ok)
		}
	}
}

// TestPublisherOffset checks that a publication date given in UTC takes
// the offset another statement of the same instant on the page gives.
func TestPublisherOffset(t *testing.T) {
	const body = `<p>` + longPara + `</p><p>` + longPara + `</p>`
	ld := func(date string) string {
		return `<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"Title here","datePublished":"` + date + `"}</script>`
	}
	for _, tc := range []struct{ name, page, want string }{
		{"a naive time element states the local time",
			`<html><head>` + ld("2023-11-09T05:30:59Z") + `</head><body><article><h1>Title here</h1><time datetime="2023-11-08 23:30:59">November 8, 2023 at 11:30 p.m.</time>` + body + `</article></body></html>`,
			"2023-11-08T23:30:59-06:00"},
		{"a script's data carries the offset",
			`<html><head>` + ld("2020-02-25T02:25:54Z") + `<script>var page = {"publish_date":"2020\/02\/24","date":"2020-02-24T21:25:54-05:00"};</script></head><body><article><h1>Title here</h1>` + body + `</article></body></html>`,
			"2020-02-24T21:25:54-05:00"},
		{"a script's data in ±hhmm form",
			`<html><head>` + ld("2020-02-25T02:25:54.120Z") + `<script>x={"d":"2020-02-24T21:25:54.120-0500"}</script></head><body><article><h1>Title here</h1>` + body + `</article></body></html>`,
			"2020-02-24T21:25:54-05:00"},
		{"another instant in a script is not the publisher's",
			`<html><head>` + ld("2020-02-25T02:25:54Z") + `<script>x={"d":"2020-02-24T21:25:54-04:00"}</script></head><body><article><h1>Title here</h1>` + body + `</article></body></html>`,
			"2020-02-25T02:25:54Z"},
		{"a meta tag with the offset",
			`<html><head>` + ld("2022-01-26T08:00:50Z") + `<meta property="article:published_time" content="2022-01-26T09:00:50+01:00"></head><body><article><h1>Title here</h1>` + body + `</article></body></html>`,
			"2022-01-26T09:00:50+01:00"},
		{"another instant does not lend its offset",
			`<html><head>` + ld("2020-02-25T02:25:54Z") + `<meta property="article:modified_time" content="2020-02-26T10:00:00-05:00"></head><body><article><h1>Title here</h1>` + body + `</article></body></html>`,
			"2020-02-25T02:25:54Z"},
		{"no other statement",
			`<html><head>` + ld("2020-02-25T02:25:54Z") + `</head><body><article><h1>Title here</h1>` + body + `</article></body></html>`,
			"2020-02-25T02:25:54Z"},
		{"the time shown to readers is no evidence",
			`<html><head>` + ld("2019-04-30T15:10:10Z") + `</head><body><article><h1>Title here</h1><p class="date">30 April 2019 13:10 GMT</p>` + body + `</article></body></html>`,
			"2019-04-30T15:10:10Z"},
		{"a date without a time is not placed",
			`<html><head>` + ld("2021-11-05T00:00:00Z") + `</head><body><article><h1>Title here</h1><time datetime="2021-11-04T19:00:00">4. November</time>` + body + `</article></body></html>`,
			"2021-11-05T00:00:00Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := New(nil).Extract([]byte(tc.page), Options{URL: "https://news.example/title-here"})
			if err != nil {
				t.Fatal(err)
			}
			if got := a.PublishedAt.Format(time.RFC3339); got != tc.want {
				t.Errorf("published_at %s, want %s", got, tc.want)
			}
		})
	}
}

// FuzzScriptZone: any script text, never a panic, and a zone found states
// the same instant with a non-zero offset.
func FuzzScriptZone(f *testing.F) {
	for _, s := range []string{
		`{"date":"2020-02-24T21:25:54-05:00"}`, `2020-02-24 21:25:54.1234567890+0530`, `:25:54-05:00`,
		`2020-02-24T21:25:54-0`, `2020-02-24T21:25:54.`, `xx2020-13-99T99:25:54+99:99`,
	} {
		f.Add(s)
	}
	inst := time.Date(2020, 2, 25, 2, 25, 54, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		n := &html.Node{Type: html.ElementNode, Data: "script"}
		n.AppendChild(&html.Node{Type: html.TextNode, Data: s})
		z := scriptZone([]*html.Node{n}, inst)
		if z == nil {
			return
		}
		if _, off := inst.In(z).Zone(); off == 0 {
			t.Fatalf("zero offset from %q", s)
		}
		if !strings.Contains(s, ":25:54") {
			t.Fatalf("zone from %q, which does not state the instant", s)
		}
	})
}
