// Package charset converts fetched documents to UTF-8.
//
// XML (feeds, sitemaps, OPML) follows RFC 7303: byte order mark, then the
// HTTP charset, then the XML declaration, then detection. HTML follows the
// WHATWG order: byte order mark, HTTP charset, <meta> prescan, detection.
//
// Declarations are trusted with two exceptions that real servers get wrong
// all the time: a declared single-byte or legacy charset over a body that is
// valid UTF-8 and contains non-ASCII text is read as UTF-8 (a default
// "charset=ISO-8859-1" from the web server, or a CMS that re-encoded the
// document without fixing its prolog), and a declared UTF-16/32 over a body
// that starts with ASCII markup is ignored. Unknown labels are ignored.
// Bytes that are invalid in the chosen encoding become U+FFFD; decoding never
// fails.
package charset

import (
	"bytes"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gogs/chardet"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
	"golang.org/x/text/transform"
)

// Source tells which rule chose the encoding.
type Source string

// Sources of an encoding decision.
const (
	SourceBOM      Source = "bom"
	SourceHeader   Source = "header"
	SourceProlog   Source = "prolog" // XML declaration
	SourceMeta     Source = "meta"   // HTML <meta>
	SourceDetected Source = "detected"
)

// Result describes a decoding.
type Result struct {
	// Name is the WHATWG name of the encoding used ("utf-8", "windows-1251").
	Name   string
	Source Source
	// Overridden is set when a declaration was present but not followed
	// (an unknown label, or a label the bytes contradict).
	Overridden bool
	// Replaced counts invalid byte sequences replaced by U+FFFD.
	Replaced int
}

// DecodeHTML returns body as UTF-8 and the name of the encoding used.
func DecodeHTML(body []byte, contentType string) ([]byte, string) {
	out, r := DecodeHTMLResult(body, contentType)
	return out, r.Name
}

// DecodeHTMLResult is DecodeHTML with the details of the decision.
func DecodeHTMLResult(body []byte, contentType string) ([]byte, Result) {
	if enc, name, n := bom(body); enc != nil {
		return decode(body[n:], enc, Result{Name: name, Source: SourceBOM})
	}
	var overridden bool
	if label := HeaderCharset(contentType); label != "" {
		enc, name, ok := usable(label, body)
		if ok {
			return decode(body, enc, Result{Name: name, Source: SourceHeader})
		}
		overridden = true
	}
	if label := metaCharset(body); label != "" {
		// A <meta> saying UTF-16 is read as UTF-8 (WHATWG).
		if e, err := htmlindex.Get(label); err == nil {
			if n, _ := htmlindex.Name(e); strings.HasPrefix(n, "utf-16") {
				label = "utf-8"
			}
		}
		if enc, name, ok := usable(label, body); ok {
			return decode(body, enc, Result{Name: name, Source: SourceMeta, Overridden: overridden})
		}
		overridden = true
	}
	enc, name := Detect(body)
	return decode(body, enc, Result{Name: name, Source: SourceDetected, Overridden: overridden})
}

// DecodeXML returns body as UTF-8 (with the XML declaration's encoding
// rewritten to utf-8) and the name of the encoding used.
func DecodeXML(body []byte, contentType string) ([]byte, string) {
	out, r := DecodeXMLResult(body, contentType)
	return out, r.Name
}

// DecodeXMLResult is DecodeXML with the details of the decision.
func DecodeXMLResult(body []byte, contentType string) ([]byte, Result) {
	out, r := decodeXML(body, contentType)
	return rewriteDecl(out), r
}

func decodeXML(body []byte, contentType string) ([]byte, Result) {
	if enc, name, n := bom(body); enc != nil {
		return decode(body[n:], enc, Result{Name: name, Source: SourceBOM})
	}
	var overridden bool
	if label := HeaderCharset(contentType); label != "" {
		if enc, name, ok := usable(label, body); ok {
			return decode(body, enc, Result{Name: name, Source: SourceHeader})
		}
		overridden = true
	}
	if label := prologCharset(body); label != "" {
		if enc, name, ok := usable(label, body); ok {
			return decode(body, enc, Result{Name: name, Source: SourceProlog, Overridden: overridden})
		}
		overridden = true
	}
	enc, name := Detect(body)
	return decode(body, enc, Result{Name: name, Source: SourceDetected, Overridden: overridden})
}

// bom recognises a byte order mark and returns the encoding and its length.
func bom(b []byte) (encoding.Encoding, string, int) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return xunicode.UTF8, "utf-8", 3
	case bytes.HasPrefix(b, []byte{0x00, 0x00, 0xFE, 0xFF}):
		return utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM), "utf-32be", 4
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE, 0x00, 0x00}):
		return utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM), "utf-32le", 4
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return xunicode.UTF16(xunicode.BigEndian, xunicode.IgnoreBOM), "utf-16be", 2
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM), "utf-16le", 2
	}
	// UTF-32 and UTF-16 without a BOM but with an XML declaration: "<?"
	// as 32- or 16-bit units.
	switch {
	case bytes.HasPrefix(b, []byte{0x00, 0x00, 0x00, '<'}):
		return utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM), "utf-32be", 0
	case bytes.HasPrefix(b, []byte{'<', 0x00, 0x00, 0x00}):
		return utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM), "utf-32le", 0
	case bytes.HasPrefix(b, []byte{0x00, '<', 0x00, '?'}):
		return xunicode.UTF16(xunicode.BigEndian, xunicode.IgnoreBOM), "utf-16be", 0
	case bytes.HasPrefix(b, []byte{'<', 0x00, '?', 0x00}):
		return xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM), "utf-16le", 0
	}
	return nil, "", 0
}

// usable looks label up and decides whether the body can be in that
// encoding. ok is false for unknown labels and for declarations the bytes
// contradict (see the package comment).
func usable(label string, body []byte) (encoding.Encoding, string, bool) {
	enc, err := htmlindex.Get(label)
	if err != nil {
		return nil, "", false
	}
	name, err := htmlindex.Name(enc)
	if err != nil {
		name = strings.ToLower(label)
	}
	switch {
	case name == "utf-8":
		return xunicode.UTF8, "utf-8", true
	case strings.HasPrefix(name, "utf-16"):
		// Markup that starts with an ASCII '<' followed by a non-NUL byte is
		// not UTF-16, whatever the label says.
		if startsASCIIMarkup(body) {
			return nil, "", false
		}
		return enc, name, true
	case name == "replacement":
		return nil, "", false
	}
	if hasNonASCII(body) && utf8.Valid(body) {
		return nil, "", false
	}
	return enc, name, true
}

func startsASCIIMarkup(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) >= 2 && b[0] == '<' && b[1] != 0
}

func hasNonASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

// HeaderCharset returns the charset parameter of a Content-Type value.
func HeaderCharset(contentType string) string {
	for _, part := range strings.Split(contentType, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "charset") {
			return strings.Trim(strings.TrimSpace(v), `"'`)
		}
	}
	return ""
}

var xmlDecl = regexp.MustCompile(`^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']`)

func prologCharset(body []byte) string {
	head := body
	if len(head) > 1024 {
		head = head[:1024]
	}
	if m := xmlDecl.FindSubmatch(head); m != nil {
		return string(m[1])
	}
	return ""
}

var metaRe = regexp.MustCompile(`(?i)<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)`)

func metaCharset(body []byte) string {
	head := body
	if len(head) > 1024 {
		head = head[:1024]
	}
	if m := metaRe.FindSubmatch(head); m != nil {
		return string(m[1])
	}
	return ""
}

// Detect guesses the encoding of an undeclared document: UTF-8 when the
// bytes are valid UTF-8; else an East Asian double-byte encoding when one
// decodes the text cleanly into plausible text (kana for Shift_JIS and
// EUC-JP, Hangul for EUC-KR, common Han characters for GBK and Big5);
// else the single-byte encoding that an n-gram detector (ICU's method, per
// language: Polish in ISO-8859-2, Greek in ISO-8859-7, Turkish in
// windows-1254, Arabic in windows-1256, ...) is confident of; else the best
// scoring of windows-1252, windows-1251 and KOI8-R (long runs of high-bit
// letters mean Cyrillic; the share of lower-case letters separates
// windows-1251 from KOI8-R).
func Detect(body []byte) (encoding.Encoding, string) {
	sample := body
	if len(sample) > 64<<10 {
		sample = sample[:64<<10]
		// do not judge UTF-8 validity on a cut rune
		for i := len(sample) - 1; i >= 0 && i > len(sample)-4; i-- {
			if utf8.RuneStart(sample[i]) {
				sample = sample[:i]
				break
			}
		}
	}
	if !hasNonASCII(sample) || utf8.Valid(sample) {
		return xunicode.UTF8, "utf-8"
	}
	if enc, name, ok := detectCJK(sample); ok {
		return enc, name
	}
	if enc, name, ok := detectSingleByte(sample); ok {
		return enc, name
	}
	var highLetters, asciiLetters int
	for _, c := range sample {
		switch {
		case c >= 0xC0:
			highLetters++
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
			asciiLetters++
		}
	}
	if highLetters*2 < asciiLetters {
		return charmap.Windows1252, "windows-1252"
	}
	if lowerShare(sample, charmap.Windows1251) >= lowerShare(sample, charmap.KOI8R) {
		return charmap.Windows1251, "windows-1251"
	}
	return charmap.KOI8R, "koi8-r"
}

// minSingleByteConfidence is the n-gram detector's confidence (0-100) below
// which its single-byte guess is not taken. Short texts score low; the
// letter heuristics after it decide those.
const minSingleByteConfidence = 20

// detectSingleByte asks the statistical detector for a single-byte
// encoding. Its multi-byte and UTF guesses are ignored: those are decided
// before, by validity and by script.
func detectSingleByte(sample []byte) (encoding.Encoding, string, bool) {
	rs, err := chardet.NewHtmlDetector().DetectAll(sample)
	if err != nil || len(rs) == 0 {
		return nil, "", false
	}
	r := rs[0]
	if r.Confidence < minSingleByteConfidence {
		return nil, "", false
	}
	label := strings.ToLower(r.Charset)
	label = strings.TrimSuffix(label, "-i") // ISO-8859-8-I: logical order, same bytes
	if !strings.HasPrefix(label, "iso-8859-") && !strings.HasPrefix(label, "windows-125") && label != "koi8-r" {
		return nil, "", false
	}
	enc, err := htmlindex.Get(label)
	if err != nil {
		return nil, "", false
	}
	name, err := htmlindex.Name(enc)
	if err != nil {
		return nil, "", false
	}
	return enc, name, true
}

// commonHan holds frequent Chinese characters in simplified and
// traditional forms; a wrong decoding rarely produces them.
var commonHan = func() map[rune]bool {
	m := map[rune]bool{}
	for _, r := range "的一是不了人我在有他这這中大来來上国國个個到说說们們为為子和你地出道也时時年得就那要下以生会會自着著去之过過家学學对對可她里裡后後小么麼心多天而能好都然没沒日于於起还還发發成事只作当當想看文无無开開手十用主行方又如前所本见見经經头頭面公同三已老从從动動两兩长長知民样樣现現分将將外但身些与與高意进進把法此实實回二理美点點月明其种種声聲全工己话話儿兒者向情部正名定女问問力机機给給等几幾很业業最间間新什打便位因重被走电電四第门門相次东東政海口使教西再平真听聽世气氣信北少关關并內加化由却代军軍产產入先山五太水万萬市眼体體别別处處总總才场場师師书書比住员員九笑性通目华華报報立马馬命张張活难難神数數件安表原车車白应應路期叫死常提感金何更反合放做系计計或司利受光王果亲親界及今京务務制解各任至清物台象记記边邊共风風战戰干接它变變" {
		m[r] = true
	}
	return m
}()

type cjkCandidate struct {
	name string
	enc  encoding.Encoding
}

// detectCJK tries the East Asian double-byte encodings. A candidate must
// decode the sample without an invalid sequence; then Japanese needs kana,
// Korean 80% Hangul, Chinese common Han characters.
func detectCJK(sample []byte) (encoding.Encoding, string, bool) {
	cands := []cjkCandidate{
		{"shift_jis", japanese.ShiftJIS}, {"euc-jp", japanese.EUCJP},
		{"euc-kr", korean.EUCKR}, {"gbk", simplifiedchinese.GBK}, {"big5", traditionalchinese.Big5},
	}
	best, bestScore := -1, 0.0
	for i, c := range cands {
		if c.name == "euc-kr" && !strictEUC(sample) {
			// x/text's EUC-KR is Windows-949, which decodes almost any byte
			// pair to a rare Hangul syllable; Korean text keeps to the
			// KS X 1001 rows (both bytes 0xA1-0xFE)
			continue
		}
		out, _, err := transform.Bytes(c.enc.NewDecoder(), sample)
		if err != nil {
			continue
		}
		var nonASCII, kana, hangul, han, common, bad int
		for _, r := range string(out) {
			if r < 0x80 {
				continue
			}
			nonASCII++
			switch {
			case r == utf8.RuneError, r >= 0x80 && r < 0xA0, r >= 0xE000 && r <= 0xF8FF:
				bad++
			case unicode.In(r, unicode.Hiragana, unicode.Katakana):
				kana++
			case unicode.Is(unicode.Hangul, r):
				hangul++
			case unicode.Is(unicode.Han, r):
				han++
				if commonHan[r] {
					common++
				}
			}
		}
		if bad > 0 || nonASCII == 0 {
			continue
		}
		var score float64
		switch c.name {
		case "shift_jis", "euc-jp":
			if kana == 0 {
				continue
			}
			score = float64(kana+common) / float64(nonASCII)
		case "euc-kr":
			if hangul*5 < nonASCII*4 { // modern Korean is nearly all Hangul
				continue
			}
			score = float64(hangul) / float64(nonASCII)
		default:
			if common < 2 || common*10 < han {
				continue
			}
			score = float64(common) / float64(nonASCII)
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	if best < 0 {
		return nil, "", false
	}
	return cands[best].enc, cands[best].name, true
}

// strictEUC reports whether every non-ASCII byte pairs with another in
// 0xA1-0xFE, as in strict EUC-KR.
func strictEUC(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if b[i] < 0x80 {
			continue
		}
		if b[i] < 0xA1 || b[i] == 0xFF || i+1 >= len(b) || b[i+1] < 0xA1 || b[i+1] == 0xFF {
			return false
		}
		i++
	}
	return true
}

func lowerShare(b []byte, cm *charmap.Charmap) float64 {
	var lower, letters int
	for _, c := range b {
		if c < 0x80 {
			continue
		}
		r := cm.DecodeByte(c)
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsLower(r) {
				lower++
			}
		}
	}
	if letters == 0 {
		return 0
	}
	return float64(lower) / float64(letters)
}

func decode(body []byte, enc encoding.Encoding, r Result) ([]byte, Result) {
	if r.Name == "utf-8" || enc == nil || enc == encoding.Nop {
		r.Name = "utf-8"
		out, n := toValidUTF8(bytes.TrimPrefix(body, []byte{0xEF, 0xBB, 0xBF}))
		r.Replaced = n
		return out, r
	}
	out, _, err := transform.Bytes(enc.NewDecoder(), body)
	if err != nil {
		out, n := toValidUTF8(body)
		r.Name, r.Replaced, r.Overridden = "utf-8", n, true
		return out, r
	}
	out, n := toValidUTF8(out)
	r.Replaced = n
	return out, r
}

// toValidUTF8 replaces each invalid sequence by U+FFFD and counts them.
func toValidUTF8(b []byte) ([]byte, int) {
	if utf8.Valid(b) {
		return b, 0
	}
	out := make([]byte, 0, len(b)+16)
	n := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 {
			out = append(out, "\uFFFD"...)
			n++
			b = b[1:]
			continue
		}
		out = append(out, b[:size]...)
		b = b[size:]
	}
	return out, n
}

var declEncoding = regexp.MustCompile(`^(\s*<\?xml[^>]*?encoding\s*=\s*["'])[A-Za-z0-9._:-]+(["'])`)

func rewriteDecl(b []byte) []byte {
	head := b
	if len(head) > 1024 {
		head = head[:1024]
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

// FixC1 replaces C1 control characters (U+0080 to U+009F) in UTF-8 text
// with the windows-1252 characters of the same byte values, as browsers do
// for such code points in character references: they are what a CMS that
// decoded windows-1252 text as ISO-8859-1 leaves behind ("don\u0092t" for
// "don’t"), never text a publisher meant. The five values windows-1252
// leaves undefined are removed. It returns b itself when there is nothing
// to replace, and the number of characters replaced.
func FixC1(b []byte) ([]byte, int) {
	n := 0
	for i := 0; i+1 < len(b); i++ {
		if b[i] == 0xC2 && b[i+1] >= 0x80 && b[i+1] <= 0x9F {
			n++
		}
	}
	if n == 0 {
		return b, 0
	}
	out := make([]byte, 0, len(b)+n)
	for i := 0; i < len(b); i++ {
		if b[i] == 0xC2 && i+1 < len(b) && b[i+1] >= 0x80 && b[i+1] <= 0x9F {
			if r := c1[b[i+1]-0x80]; r != 0 {
				out = utf8.AppendRune(out, r)
			}
			i++
			continue
		}
		out = append(out, b[i])
	}
	return out, n
}

// c1 is windows-1252 at 0x80 to 0x9F (0: undefined).
var c1 = [32]rune{
	'€', 0, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0, 'Ž', 0,
	0, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0, 'ž', 'Ÿ',
}
