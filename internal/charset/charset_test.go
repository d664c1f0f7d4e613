package charset

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
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

func TestDecisions(t *testing.T) {
	cp1251, _ := charmap.Windows1251.NewEncoder().String(title)
	koi8, _ := charmap.KOI8R.NewEncoder().String(title + " и ещё немного текста")
	latin1, _ := charmap.Windows1252.NewEncoder().String("Café in Zürich, naïve façade")
	for _, tc := range []struct {
		name, doc, ct string
		html          bool
		wantName      string
		wantSource    Source
		overridden    bool
		contains      string
	}{
		{"utf-8 bom", "\xEF\xBB\xBF<rss>" + title + "</rss>", "text/xml; charset=windows-1251", false, "utf-8", SourceBOM, false, title},
		{"header", "<rss>" + cp1251 + "</rss>", "text/xml; charset=windows-1251", false, "windows-1251", SourceHeader, false, title},
		{"header label alias", "<rss>" + latin1 + "</rss>", "text/xml; charset=latin1", false, "windows-1252", SourceHeader, false, "Zürich"},
		{"header latin1 over utf-8 bytes", "<rss>Zürich</rss>", "text/xml; charset=ISO-8859-1", false, "utf-8", SourceDetected, true, "Zürich"},
		{"prolog latin1 over utf-8 bytes", `<?xml version="1.0" encoding="iso-8859-1"?><rss>Zürich</rss>`, "", false, "utf-8", SourceDetected, true, "Zürich"},
		{"prolog latin1 over latin1 bytes", `<?xml version="1.0" encoding="iso-8859-1"?><rss>` + latin1 + `</rss>`, "", false, "windows-1252", SourceProlog, false, "façade"},
		{"unknown header label", "<rss>" + cp1251 + "</rss>", "text/xml; charset=x-unknown", false, "windows-1251", SourceDetected, true, title},
		{"utf-16 label over ASCII markup", "<rss>Zürich</rss>", "text/xml; charset=utf-16", false, "utf-8", SourceDetected, true, "Zürich"},
		{"undeclared cp1251", "<rss>" + cp1251 + "</rss>", "", false, "windows-1251", SourceDetected, false, title},
		{"undeclared koi8-r", "<rss>" + koi8 + "</rss>", "", false, "koi8-r", SourceDetected, false, title},
		{"undeclared latin1", "<rss>" + latin1 + "</rss>", "", false, "windows-1252", SourceDetected, false, "naïve"},
		{"utf-16be without bom", "\x00<\x00?\x00x\x00m\x00l", "", false, "utf-16be", SourceBOM, false, "<?xml"},
		{"html header beats meta", `<meta charset="windows-1251">` + koi8, "text/html; charset=koi8-r", true, "koi8-r", SourceHeader, false, title},
		{"html meta", `<meta charset="windows-1251">` + cp1251, "text/html", true, "windows-1251", SourceMeta, false, title},
		{"html meta utf-16 means utf-8", `<meta charset="utf-16">Zürich`, "", true, "utf-8", SourceMeta, false, "Zürich"},
		{"html meta over utf-8 bytes", `<meta charset="windows-1252">Zürich`, "", true, "utf-8", SourceDetected, true, "Zürich"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out []byte
			var r Result
			if tc.html {
				out, r = DecodeHTMLResult([]byte(tc.doc), tc.ct)
			} else {
				out, r = DecodeXMLResult([]byte(tc.doc), tc.ct)
			}
			if r.Name != tc.wantName || r.Source != tc.wantSource || r.Overridden != tc.overridden || !strings.Contains(string(out), tc.contains) {
				t.Errorf("%+v: %q", r, out)
			}
		})
	}
}

func FuzzDecodeXML(f *testing.F) {
	f.Add([]byte(`<?xml version="1.0" encoding="koi8-r"?><a>x</a>`), "text/xml; charset=utf-16")
	f.Add([]byte("\xFF\xFE<\x00a\x00"), "")
	f.Add([]byte("<a>\xff\xfe\xc3</a>"), "text/html; charset=\"utf-8\"")
	f.Add([]byte("<p>\xcf \xf5\xf0\xef\xf5\xf1\xe3\xfc\xf2 \xc5\xee\xf9\xf4\xe5\xf1\xe9\xea\xfe\xed \xe4\xde\xeb\xf9\xf3\xe5</p>"), "")
	f.Fuzz(func(t *testing.T, doc []byte, ct string) {
		for _, out := range [][]byte{first(DecodeXML(doc, ct)), first(DecodeHTML(doc, ct))} {
			if !utf8.Valid(out) {
				t.Fatalf("invalid UTF-8 out of %q (%q)", doc, ct)
			}
		}
	})
}

func first(b []byte, _ string) []byte { return b }

func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		text string
		enc  encoding.Encoding
		want string
	}{
		{"ゲーム三昧な正月を過ごしました。", japanese.EUCJP, "euc-jp"},
		{"DrecomRSSに記事投稿が反映されない…", japanese.ShiftJIS, "shift_jis"},
		{"EUC-KR 에서 TypeKey 한글닉네임 표시하기", korean.EUCKR, "euc-kr"},
		{"不归移民漫画系列：专业工作", simplifiedchinese.GBK, "gbk"},
		{"我希望這個文件很容易被翻譯成中文。感謝您閱讀本文。", traditionalchinese.Big5, "big5"},
		{"Лавров поддержал усилия хунты Мьянмы по проведению выборов", charmap.Windows1251, "windows-1251"},
		{"Лавров поддержал усилия хунты Мьянмы по проведению выборов", charmap.KOI8R, "koi8-r"},
		{"Le café de la gare est fermé à Noël, désolé.", charmap.Windows1252, "windows-1252"},
		// Single-byte scripts the n-gram detector tells apart (WHATWG
		// names: ISO-8859-9 text decodes as its superset windows-1254).
		{"Minister spraw zagranicznych powiedział w środę, że Polska popiera wysiłki władz. Zażółć gęślą jaźń w Łodzi i Krakowie, gdzie ludzie czekają.", charmap.ISO8859_2, "iso-8859-2"},
		{"Ο υπουργός Εξωτερικών δήλωσε την Τετάρτη ότι η Ελλάδα υποστηρίζει τις προσπάθειες της κυβέρνησης για σταθερότητα στην περιοχή.", charmap.ISO8859_7, "iso-8859-7"},
		{"Bakan çarşamba günü yaptığı açıklamada, yangınların kontrol altına alındığını söyledi. İzmir ve Muğla'da çalışmalar sürüyor.", charmap.ISO8859_9, "windows-1254"},
		{"قال وزير الخارجية يوم الأربعاء إن الحكومة تدعم جهود السلام في المنطقة وتسعى إلى الاستقرار والتنمية.", charmap.Windows1256, "windows-1256"},
	} {
		b, err := tc.enc.NewEncoder().Bytes([]byte("<title>" + tc.text + "</title>"))
		if err != nil {
			t.Fatal(err)
		}
		_, name := Detect(b)
		if name != tc.want {
			t.Errorf("%s: detected %s, want %s", tc.text, name, tc.want)
		}
		if out, _ := DecodeXML(b, ""); !strings.Contains(string(out), tc.text) {
			t.Errorf("%s: decoded %q", tc.text, out)
		}
	}
}

func TestFixC1(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		n        int
	}{
		{"don\u0092t", "don’t", 1},
		{"\u0093quoted\u0094 \u0080 5", "“quoted” € 5", 3},
		{"undefined\u0081 gone", "undefined gone", 1},
		{"clean ’ text", "clean ’ text", 0},
		{"Ä ü \u00a0", "Ä ü \u00a0", 0}, // C2 A0 and other two-byte letters untouched
	} {
		got, n := FixC1([]byte(tc.in))
		if string(got) != tc.want || n != tc.n {
			t.Errorf("FixC1(%q) = %q, %d; want %q, %d", tc.in, got, n, tc.want, tc.n)
		}
	}
}
