package charset

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

const title = "Лавров поддержал усилия хунты Мьянмы"

func TestDecodeXMLHeaderCharset(t *testing.T) {
	src, _ := charmap.Windows1251.NewEncoder().String(`<?xml version="1.0"?><rss><title>` + title + `</title></rss>`)
	out, name := DecodeXML([]byte(src), "application/rss+xml; charset=windows-1251")
	if !strings.Contains(string(out), title) || name != "windows-1251" {
		t.Fatalf("got %q (%s)", out, name)
	}
}

func TestDecodeXMLProlog(t *testing.T) {
	src, _ := charmap.KOI8R.NewEncoder().String(`<?xml version="1.0" encoding="KOI8-R"?><rss><title>` + title + `</title></rss>`)
	out, _ := DecodeXML([]byte(src), "text/xml")
	if !strings.Contains(string(out), title) || !strings.Contains(string(out), `encoding="utf-8"`) {
		t.Fatalf("got %q", out)
	}
}

func TestDecodeHTMLMeta(t *testing.T) {
	src, _ := charmap.KOI8R.NewEncoder().String(`<html><head><meta http-equiv="Content-Type" content="text/html; charset=koi8-r"></head><body>` + title + `</body></html>`)
	out, name := DecodeHTML([]byte(src), "")
	if !strings.Contains(string(out), title) || name != "koi8-r" {
		t.Fatalf("got %q (%s)", out, name)
	}
}

func TestInvalidUTF8Replaced(t *testing.T) {
	out, _ := DecodeXML([]byte("<?xml version=\"1.0\" encoding=\"utf-8\"?><a>ok\xff\xfe</a>"), "")
	if !strings.Contains(string(out), "ok\uFFFD") {
		t.Fatalf("got %q", out)
	}
}
