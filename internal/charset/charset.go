// Package charset converts fetched documents to UTF-8. HTML follows the
// WHATWG order (BOM, HTTP header, <meta>, detection); XML uses BOM, HTTP
// header, then the XML declaration.
package charset

import (
	"bytes"
	"regexp"
	"strings"
	"unicode/utf8"

	htmlcharset "golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// DecodeHTML returns body as UTF-8 and the name of the encoding used.
func DecodeHTML(body []byte, contentType string) ([]byte, string) {
	enc, name, _ := htmlcharset.DetermineEncoding(body, contentType)
	return decode(body, enc, name)
}

var xmlDecl = regexp.MustCompile(`^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']`)

// DecodeXML returns body as UTF-8 (with the XML declaration's encoding
// rewritten to utf-8) and the name of the encoding used.
func DecodeXML(body []byte, contentType string) ([]byte, string) {
	var enc encoding.Encoding
	name := ""
	switch {
	case bytes.HasPrefix(body, []byte{0xEF, 0xBB, 0xBF}):
		body = body[3:]
		enc, name = unicode.UTF8, "utf-8"
	case bytes.HasPrefix(body, []byte{0xFE, 0xFF}):
		enc, name = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), "utf-16be"
	case bytes.HasPrefix(body, []byte{0xFF, 0xFE}):
		enc, name = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), "utf-16le"
	}
	if enc == nil {
		if label := headerCharset(contentType); label != "" {
			if e, err := htmlindex.Get(label); err == nil {
				enc, name = e, label
			}
		}
	}
	if enc == nil {
		head := body
		if len(head) > 512 {
			head = head[:512]
		}
		if m := xmlDecl.FindSubmatch(head); m != nil {
			if e, err := htmlindex.Get(string(m[1])); err == nil {
				enc, name = e, strings.ToLower(string(m[1]))
			}
		}
	}
	if enc == nil {
		if utf8.Valid(body) {
			enc, name = unicode.UTF8, "utf-8"
		} else {
			e, n, _ := htmlcharset.DetermineEncoding(body, "")
			enc, name = e, n
		}
	}
	out, name := decode(body, enc, name)
	return rewriteDecl(out), name
}

func headerCharset(contentType string) string {
	for _, part := range strings.Split(contentType, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "charset") {
			return strings.Trim(strings.TrimSpace(v), `"'`)
		}
	}
	return ""
}

func decode(body []byte, enc encoding.Encoding, name string) ([]byte, string) {
	if enc == nil || enc == encoding.Nop || name == "utf-8" {
		return toValidUTF8(bytes.TrimPrefix(body, []byte{0xEF, 0xBB, 0xBF})), "utf-8"
	}
	out, _, err := transform.Bytes(enc.NewDecoder(), body)
	if err != nil {
		return toValidUTF8(body), "utf-8"
	}
	return toValidUTF8(out), name
}

func toValidUTF8(b []byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	return bytes.ToValidUTF8(b, []byte("\uFFFD"))
}

var declEncoding = regexp.MustCompile(`^(\s*<\?xml[^>]*encoding\s*=\s*["'])[A-Za-z0-9._:-]+(["'])`)

func rewriteDecl(b []byte) []byte {
	head := b
	if len(head) > 512 {
		head = head[:512]
	}
	loc := declEncoding.FindSubmatchIndex(head)
	if loc == nil {
		return b
	}
	out := make([]byte, 0, len(b))
	out = append(out, b[:loc[3]]...)
	out = append(out, "utf-8"...)
	out = append(out, b[loc[4]:]...)
	return out
}
