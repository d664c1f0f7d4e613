package opml

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/newsfeed/newsfeed/internal/xmlguard"
)

func TestParse(t *testing.T) {
	data, err := os.ReadFile("testdata/subscriptions.opml")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	want := []Outline{
		{URL: "https://www.themoscowtimes.com/rss/news", Title: "The Moscow Times", HTMLURL: "https://www.themoscowtimes.com/", Category: "News", Type: "rss"},
		{URL: "https://meduza.io/rss/en/all", Title: "Meduza & Co", Category: "News", Type: "rss"},
		{URL: "https://www.heise.de/rss/heise-atom.xml", Title: "Heise", Category: "News/Europe", Type: "atom"},
		{URL: "https://go.dev/blog/feed.atom", Title: "Tagged", Category: "Tech/Go", Type: "rss"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d outlines: %+v", len(got), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("outline %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func TestBadDocuments(t *testing.T) {
	for _, tc := range []struct {
		name string
		doc  string
		err  error
		n    int
	}{
		{"not opml", `<rss><channel/></rss>`, ErrNotOPML, 0},
		{"empty", ``, ErrNotOPML, 0},
		{"too deep", `<opml><body>` + strings.Repeat(`<outline text="f">`, 100) + `</body></opml>`, xmlguard.ErrRejected, 0},
		{"truncated", `<opml><body><outline xmlUrl="https://a.example/f"/><outline xmlUrl="https://b.example/f"/><outline xmlUrl="https://c.exa`, nil, 2},
		{"latin1 titles", "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><opml><body><outline text=\"Caf\xe9\" xmlUrl=\"https://a.example/f\"/></body></opml>", nil, 1},
		{"html entities", `<opml><body><outline text="A&nbsp;B" xmlUrl="https://a.example/f"/></body></opml>`, nil, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse([]byte(tc.doc))
			if !errors.Is(err, tc.err) {
				t.Fatalf("err %v, want %v", err, tc.err)
			}
			if len(got) != tc.n {
				t.Errorf("%d outlines: %+v", len(got), got)
			}
			if tc.name == "latin1 titles" && got[0].Title != "Café" {
				t.Errorf("title %q", got[0].Title)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	data, _ := os.ReadFile("testdata/subscriptions.opml")
	f.Add(data)
	f.Add([]byte(`<opml><body><outline xmlUrl="http://x/"><outline`))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := Parse(data)
		if err != nil {
			return
		}
		for _, o := range out {
			if !strings.HasPrefix(o.URL, "http://") && !strings.HasPrefix(o.URL, "https://") {
				t.Fatalf("url %q kept", o.URL)
			}
		}
	})
}
