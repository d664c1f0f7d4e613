// Package opml reads OPML subscription lists into feed URLs and titles.
//
// The document goes through the same pre-processing as feeds (charset
// detection, removal of characters XML forbids, the nesting and size
// pre-check). Outlines nest: an outline without xmlUrl is a folder whose
// title becomes the Category of the feeds inside it. Only absolute http and
// https feed URLs are kept, each once.
package opml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/newsfeed/newsfeed/internal/urlnorm"
	"github.com/newsfeed/newsfeed/internal/xmlguard"
	"github.com/newsfeed/newsfeed/parser/feed"
)

// ErrNotOPML is returned for documents whose root element is not <opml>.
var ErrNotOPML = errors.New("opml: not an OPML document")

// Outline is one feed of an OPML file.
type Outline struct {
	URL      string // xmlUrl
	Title    string // title, else text
	HTMLURL  string // htmlUrl, the site
	Category string // enclosing folders joined with "/", or the category attribute
	Type     string // type attribute (rss, atom, ...), lower case
}

// MaxOutlines bounds the number of feeds read from one file.
const MaxOutlines = 100_000

// Parse reads an OPML document.
func Parse(data []byte) ([]Outline, error) {
	doc, info, _, err := feed.Prepare(data, "", xmlguard.Limits{MaxDepth: 64})
	if err != nil {
		return nil, fmt.Errorf("opml: %w", err)
	}
	if info.Root != "opml" {
		return nil, ErrNotOPML
	}
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.Strict = false
	d.AutoClose = xml.HTMLAutoClose
	d.Entity = xml.HTMLEntity
	var (
		out     []Outline
		folders []string // title of each open outline ("" for feeds)
		seen    = map[string]bool{}
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			if len(out) > 0 {
				break // keep what was read before the damage
			}
			return nil, fmt.Errorf("opml: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if !strings.EqualFold(t.Name.Local, "outline") {
				continue
			}
			o := outline(t.Attr)
			if o.URL == "" {
				folders = append(folders, o.Title)
				continue
			}
			folders = append(folders, "")
			if o.Category == "" {
				o.Category = joinFolders(folders)
			}
			key, err := urlnorm.Normalize(o.URL)
			if err != nil || seen[key] || len(out) >= MaxOutlines {
				continue
			}
			seen[key] = true
			out = append(out, o)
		case xml.EndElement:
			if strings.EqualFold(t.Name.Local, "outline") && len(folders) > 0 {
				folders = folders[:len(folders)-1]
			}
		}
	}
	return out, nil
}

func outline(attrs []xml.Attr) Outline {
	var o Outline
	var text string
	for _, a := range attrs {
		v := strings.TrimSpace(a.Value)
		switch strings.ToLower(a.Name.Local) {
		case "xmlurl":
			if u := absolute(v); u != "" {
				o.URL = u
			}
		case "htmlurl":
			o.HTMLURL = absolute(v)
		case "title":
			o.Title = v
		case "text":
			text = v
		case "category":
			o.Category = strings.Trim(v, "/")
		case "type":
			o.Type = strings.ToLower(v)
		}
	}
	if o.Title == "" {
		o.Title = text
	}
	return o
}

func absolute(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	return urlnorm.Resolve(nil, raw)
}

func joinFolders(f []string) string {
	var parts []string
	for _, s := range f {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "/")
}
