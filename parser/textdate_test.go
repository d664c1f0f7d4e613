package parser

import (
	"testing"
	"time"
)

func TestTextDate(t *testing.T) {
	day := func(y, m, d, h, mi int) time.Time { return time.Date(y, time.Month(m), d, h, mi, 0, 0, time.UTC) }
	for _, tc := range []struct {
		in       string
		dayFirst bool
		want     time.Time
		ok       bool
	}{
		{"veröffentlicht 28.01.2022 06:00", true, day(2022, 1, 28, 6, 0), true},
		{"Erstellt von Fabian am Dienstag 6. Mai 2014", true, day(2014, 5, 6, 0, 0), true},
		{"By Yngrid · November 22, 2011 · 3 comments", false, day(2011, 11, 22, 0, 0), true},
		{"8 January 2020, 3:51 pm", true, day(2020, 1, 8, 15, 51), true},
		{"Georg Quaas, 21. Jan. 2015", true, day(2015, 1, 21, 0, 0), true},
		{"05 de mayo de 2022", true, day(2022, 5, 5, 0, 0), true},
		{"21 января 2020 в 14:05", true, day(2020, 1, 21, 14, 5), true},
		{"Written: 2023-11-07 15:03:30", true, day(2023, 11, 7, 15, 3), true},
		{"26/10/2018", true, day(2018, 10, 26, 0, 0), true},
		{"03/04/2020", true, day(2020, 4, 3, 0, 0), true},
		{"03/04/2020", false, day(2020, 3, 4, 0, 0), true},
		{"25. November 2021 16:11 Uhr", true, day(2021, 11, 25, 16, 11), true},
		{"31.06.2020", true, time.Time{}, false}, // no 31 June
		{"Version 2.10.2020 of the software 99", true, day(2020, 10, 2, 0, 0), true},
		{"Call 030 1234 5678", true, time.Time{}, false},
		{"Mayor 12 2020 plans", true, time.Time{}, false}, // "Mayor" is not a month
	} {
		got, ok := textDate(tc.in, tc.dayFirst)
		if ok != tc.ok || !got.Equal(tc.want) {
			t.Errorf("textDate(%q, %v) = %v, %v; want %v, %v", tc.in, tc.dayFirst, got, ok, tc.want, tc.ok)
		}
	}
}

// TestVisibleDate checks the last-resort publication dates of pages without
// a machine-readable one.
func TestVisibleDate(t *testing.T) {
	const body = `<p>` + longPara + `</p><p>` + longPara + `</p>`
	for _, tc := range []struct{ name, page, want string }{
		{"entry-date text", `<html lang="de"><body><article><h1>Titel der Seite</h1><p class="postmeta">3. August 2015 · Fiction</p>` + body + `</article></body></html>`, "2015-08-03T00:00:00Z"},
		{"hAtom title", `<html><body><article><h1>Title here</h1><abbr class="published" title="2018-06-05T08:00:00-07:00">08:00</abbr>` + body + `</article></body></html>`, "2018-06-05T08:00:00-07:00"},
		{"time with published and updated classes", `<html><body><article><h1>Title here</h1><time class="entry-date published updated" datetime="2019-11-13T08:39:36+00:00">13. November 2019</time>` + body + `</article></body></html>`, "2019-11-13T08:39:36Z"},
		{"written before an update label", `<html><body><article><h1>Title here</h1><p class="date">Written: 2023-11-07 15:03<span> / </span>Updated: 2023-11-08 10:00</p>` + body + `</article></body></html>`, "2023-11-07T15:03:00Z"},
		{"update only is not publication", `<html><body><article><h1>Title here</h1><p class="info">Aktualisiert: 30.12.2016</p>` + body + `</article></body></html>`, ""},
		{"comment dates are not the post's", `<html><body><article><h1>Title here</h1>` + body + `</article><div class="comments"><div class="comment-date">8. Dezember 2010</div><p>Nice.</p></div></body></html>`, ""},
		{"untyped JSON-LD", `<html><head><script>{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Title here", "datePublished": "2022-01-28T06:00:00+01:00"}</script></head><body><article><h1>Title here</h1>` + body + `</article></body></html>`, "2022-01-28T06:00:00+01:00"},
		{"a date line right after the heading", `<html lang="de"><body><div class="content"><h1>Titel der Meldung</h1><p class="MsoNormal"><em>10.11.2021</em></p>` + body + `</div></body></html>`, "2021-11-10T00:00:00Z"},
		{"no date line in the prose", `<html><body><div class="content"><h1>Title here</h1>` + body + `<p>Meeting on 10.11.2021</p></div></body></html>`, ""},
		{"time element in a share bar, as a last resort", `<html><body><article><h1>Title here</h1><div class="share-bar"><time datetime="2021-11-25T16:11:00+01:00">25. November 2021</time> Share</div>` + body + `</article></body></html>`, "2021-11-25T16:11:00+01:00"},
		{"time element in comments is not", `<html><body><article><h1>Title here</h1>` + body + `</article><div class="comments"><time datetime="2021-11-26T10:00:00+01:00">26. November 2021</time><p>First!</p></div></body></html>`, ""},
		{"an unlabelled date line over the text", `<html lang="de"><head><title>Titel der Seite</title></head><body><div class="content"><div><span>12.03.2021</span></div>` + body + `</div></body></html>`, "2021-03-12T00:00:00Z"},
		{"a closing date line after the prose", `<html lang="de"><head><title>Titel der Seite</title></head><body><div class="content">` + body + `<p>Stand: 12.03.2021</p></div></body></html>`, "2021-03-12T00:00:00Z"},
		{"RDFa date property", `<html><body><article><h1>Title here</h1><span property="schema:dateCreated" content="2022-01-28T12:45:46+00:00" class="rdf-meta"></span>` + body + `</article></body></html>`, "2022-01-28T12:45:46Z"},
		{"datePublished written for readers", `<html lang="de"><body><article><h1>Titel der Seite</h1><span itemprop="datePublished">28. Dezember 2022</span>` + body + `</article></body></html>`, "2022-12-28T00:00:00Z"},
		{"a labelled date in a meta line", `<html lang="de"><body><article><h1>Titel der Seite</h1>` + body + `<div class="postinfo"><span>Veröffentlicht am:</span> <a href="/2009/08">6. August 2009</a></div></article></body></html>`, "2009-08-06T00:00:00Z"},
		{"posted on … by", `<html lang="en"><body><article><h1>Title here</h1><div>Posted on September 21, 2020 by Adi Tzlil</div>` + body + `</article></body></html>`, "2020-09-21T00:00:00Z"},
		{"a label opening a long line", `<html lang="de"><body><article><h1>Titel der Seite</h1><p>Pressemitteilung vom 25. Januar 2022 | Berlin<strong> </strong>– ` + longPara + `</p>` + body + `</article></body></html>`, "2022-01-25T00:00:00Z"},
		{"a label inside prose is not", `<html lang="en"><body><article><h1>Title here</h1><p>` + longPara + ` The first edition was published on 12 June 1998 by a small press.</p>` + body + `</article></body></html>`, ""},
		{"a dateline opening the first paragraph", `<html lang="de"><body><div class="content"><h1>Titel der Meldung</h1><p>27.1.2022 - ` + longPara + `</p>` + body + `</div></body></html>`, "2022-01-27T00:00:00Z"},
		{"a date in the first sentence is no dateline", `<html lang="en"><body><div class="content"><h1>Title here</h1><p>The meeting on 10.11.2021 – ` + longPara + `</p>` + body + `</div></body></html>`, ""},
		{"URL date when the page writes none", `<html><body><article><h1>Title here</h1>` + body + `</article></body></html>`, "2016-05-22T00:00:00Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := New(nil).Extract([]byte(tc.page), Options{URL: "https://blog.example/2016/05/22/title-here/"})
			if tc.name != "URL date when the page writes none" {
				a, err = New(nil).Extract([]byte(tc.page), Options{URL: "https://blog.example/title-here/"})
			}
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if !a.PublishedAt.IsZero() {
				got = a.PublishedAt.Format(time.RFC3339)
			}
			if got != tc.want {
				t.Errorf("published_at %q, want %q", got, tc.want)
			}
		})
	}
}

const longPara = "The council met on a wet evening to weigh the plan for the river path, and after two hours of questions from residents it voted to send the proposal back for a second look at the costs and the route through the old mill yard."

func FuzzTextDate(f *testing.F) {
	for _, s := range []string{"veröffentlicht 28.01.2022 06:00", "November 22, 2011", "21 января 2020 в 14:05", "03/04/2020", "2023-11-07 25:99"} {
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, dayFirst bool) {
		d, ok := textDate(s, dayFirst)
		if !ok {
			return
		}
		if d.Year() < 1900 || d.Year() > 2099 || d.Hour() > 23 || d.Location() != time.UTC {
			t.Fatalf("textDate(%q) = %v", s, d)
		}
	})
}
