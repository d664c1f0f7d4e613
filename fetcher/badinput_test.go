package fetcher

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/newsfeed/newsfeed/internal/charset"
	"github.com/newsfeed/newsfeed/parser/feed"
)

// The bad-input suite: every case states its expected outcome (rejected
// with a class, degraded, or accepted) and checks what must hold besides
// (no request reached the origin, a time or memory bound, the repaired
// content). Run with -v to print the table of outcomes.

type outcome string

const (
	rejected outcome = "rejected"
	degraded outcome = "degraded"
	accepted outcome = "accepted"
)

type result struct {
	outcome outcome
	class   Class // for rejected
	note    string
	parse   time.Duration // time spent in feed.Parse, when it ran
}

type badCase struct {
	cat, name string
	want      result
	run       func(t *testing.T) result
}

var refusalWords = regexp.MustCompile(`private|blocked|not allowed|forbidden|refus`)

// guarded returns a client with the SSRF guard on.
func guarded(t *testing.T, res *fakeResolver, exempt ...netip.AddrPort) *Client {
	c := newClient(t, Options{Resolver: res, Timeout: 3 * time.Second})
	if len(exempt) > 0 {
		c.exempt = map[netip.AddrPort]bool{}
		for _, a := range exempt {
			c.exempt[a] = true
		}
	}
	return c
}

// ssrf fetches rawURL with the guard on and expects a blocked refusal
// before any request reaches o.
func ssrf(t *testing.T, c *Client, o *origin, rawURL string) result {
	t.Helper()
	_, err := c.Fetch(context.Background(), Request{URL: rawURL})
	r := classResult(err)
	if err != nil && !refusalWords.MatchString(err.Error()) {
		t.Errorf("refusal does not say why: %v", err)
	}
	if o != nil && o.hits.Load() != 0 {
		t.Errorf("the origin saw %d requests", o.hits.Load())
	}
	return r
}

func classResult(err error) result {
	if err == nil {
		return result{outcome: accepted}
	}
	msg := err.Error()
	if len(msg) > 150 {
		msg = msg[:150] + "…"
	}
	return result{outcome: rejected, class: ClassOf(err), note: msg}
}

// serve returns an origin answering every request with body.
func serve(t *testing.T, contentType string, body []byte) *origin {
	return newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.Write(body)
	})
}

// fetchFeed fetches and parses a feed: rejected at either step, degraded
// when the parser had to repair or drop something, else accepted.
func fetchFeed(t *testing.T, c *Client, rawURL string) (result, *feed.Feed) {
	t.Helper()
	resp, err := c.Fetch(context.Background(), Request{URL: rawURL, Kind: KindFeed})
	if err != nil {
		return classResult(err), nil
	}
	start := time.Now()
	f, err := feed.Parse(resp.Body, resp.ContentType, resp.URL)
	took := time.Since(start)
	if err != nil {
		return result{outcome: rejected, class: ClassParse, note: fmt.Sprintf("%v (parse %v)", err, took.Round(time.Millisecond)), parse: took}, nil
	}
	if len(f.Warnings) > 0 {
		return result{outcome: degraded, note: strings.Join(f.Warnings, "; ")}, f
	}
	return result{outcome: accepted, note: fmt.Sprintf("%d items", len(f.Items))}, f
}

func plainClient(t *testing.T) *Client {
	return newClient(t, Options{AllowPrivateNetworks: true, Timeout: 3 * time.Second})
}

func feedCase(contentType string, body []byte, check func(t *testing.T, f *feed.Feed)) func(t *testing.T) result {
	return feedCaseMax(contentType, body, 0, check)
}

// feedCaseMax is feedCase with a body cap (0: the default 10 MiB).
func feedCaseMax(contentType string, body []byte, max int64, check func(t *testing.T, f *feed.Feed)) func(t *testing.T) result {
	return func(t *testing.T) result {
		o := serve(t, contentType, body)
		c := newClient(t, Options{AllowPrivateNetworks: true, Timeout: 5 * time.Second, MaxBody: max})
		r, f := fetchFeed(t, c, o.URL+"/feed")
		if f != nil && check != nil {
			check(t, f)
		}
		return r
	}
}

func rss(items string) string {
	return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title><link>https://ex.org/</link>` + items + `</channel></rss>`
}

// parsedWithin runs a feed case and bounds the time feed.Parse took.
func parsedWithin(t *testing.T, d time.Duration, f func() result) result {
	t.Helper()
	d *= slowdown
	r := f()
	if r.parse > d {
		t.Errorf("parse took %v, bound %v", r.parse, d)
	}
	return r
}

func within(t *testing.T, d time.Duration, f func() result) result {
	t.Helper()
	start := time.Now()
	r := f()
	if el := time.Since(start); el > d {
		t.Errorf("took %v, bound %v", el, d)
	}
	r.note += fmt.Sprintf(" (%v)", time.Since(start).Round(time.Millisecond))
	return r
}

// raw answers with bytes written straight to the connection.
func raw(t *testing.T, response string) *origin {
	return newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		buf.WriteString(response)
		buf.Flush()
	})
}

func TestBadInput(t *testing.T) {
	gzBomb, err := os.ReadFile("testdata/bomb.gz")
	if err != nil {
		t.Fatal(err)
	}
	brBomb, err := os.ReadFile("testdata/bomb.br")
	if err != nil {
		t.Fatal(err)
	}
	title := "Пример ленты"
	cp1251Feed, _ := charmap.Windows1251.NewEncoder().String(`<?xml version="1.0" encoding="utf-8"?><rss><channel><title>` + title + `</title><item><guid>1</guid><title>` + title + `</title></item></channel></rss>`)
	utf16Feed, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(`<?xml version="1.0" encoding="UTF-16"?><rss><channel><title>` + title + `</title><item><guid>1</guid><title>x</title></item></channel></rss>`)
	koi8Page, _ := charmap.KOI8R.NewEncoder().String(`<html><head><meta charset="windows-1251"><title>` + title + `</title></head><body>` + title + `</body></html>`)

	cases := []badCase{
		// ---- SSRF ----
		{"ssrf", "direct loopback 127.0.0.1", result{outcome: rejected, class: ClassBlocked}, func(t *testing.T) result {
			o := serve(t, "", []byte("secret"))
			return ssrf(t, guarded(t, newResolver()), o, o.URL+"/")
		}},
		{"ssrf", "name resolving to loopback", result{outcome: rejected, class: ClassBlocked}, func(t *testing.T) result {
			o := serve(t, "", []byte("secret"))
			return ssrf(t, guarded(t, newResolver().set("intranet.example.com", "127.0.0.1")), o, o.at("intranet.example.com", "/"))
		}},
		{"ssrf", "localhost by name", result{outcome: rejected, class: ClassBlocked}, func(t *testing.T) result {
			o := serve(t, "", []byte("secret"))
			return ssrf(t, guarded(t, newResolver()), o, o.at("localhost", "/"))
		}},
		{"ssrf", "metadata 169.254.169.254", result{outcome: rejected, class: ClassBlocked}, func(t *testing.T) result {
			return ssrf(t, guarded(t, newResolver()), nil, "http://169.254.169.254/latest/meta-data/iam/")
		}},
		{"ssrf", "metadata fd00:ec2::254", result{outcome: rejected, class: ClassBlocked}, func(t *testing.T) result {
			return ssrf(t, guarded(t, newResolver()), nil, "http://[fd00:ec2::254]/latest/meta-data/")
		}},
		{"ssrf", "CGNAT metadata 100.100.100.200", result{outcome: rejected, class: ClassBlocked}, func(t *testing.T) result {
			return ssrf(t, guarded(t, newResolver()), nil, "http://100.100.100.200/latest/meta-data/")
		}},
		{"ssrf", "redirect to a private address", result{outcome: rejected, class: ClassBlocked}, func(t *testing.T) result {
			inner := serve(t, "", []byte("secret"))
			front := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, inner.URL+"/admin", http.StatusFound)
			})
			r := ssrf(t, guarded(t, newResolver(), front.addrPort()), inner, front.URL+"/")
			if front.hits.Load() != 1 {
				t.Errorf("the allowed front origin saw %d requests", front.hits.Load())
			}
			return r
		}},
		{"ssrf", "redirect to a name resolving to 10.0.0.5", result{outcome: rejected, class: ClassBlocked}, func(t *testing.T) result {
			front := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "http://db.corp.example:5432/", http.StatusFound)
			})
			return ssrf(t, guarded(t, newResolver().set("db.corp.example", "10.0.0.5"), front.addrPort()), nil, front.URL+"/")
		}},
		{"ssrf", "DNS rebinding (public, then loopback)", result{outcome: rejected, class: ClassBlocked}, func(t *testing.T) result {
			o := serve(t, "", []byte("secret"))
			res := newResolver().set("rebind.example", "93.184.216.34").set("rebind.example", "127.0.0.1")
			r := ssrf(t, guarded(t, res), o, o.at("rebind.example", "/"))
			if n := res.count("rebind.example"); n != 2 {
				t.Errorf("resolver asked %d times: the dialer did not re-check", n)
			}
			return r
		}},
		{"ssrf", "name with a public and a private address", result{outcome: rejected, class: ClassBlocked}, func(t *testing.T) result {
			o := serve(t, "", []byte("secret"))
			return ssrf(t, guarded(t, newResolver().set("mixed.example", "93.184.216.34", "127.0.0.1")), o, o.at("mixed.example", "/"))
		}},
		{"ssrf", "IPv4-mapped [::ffff:127.0.0.1]", result{outcome: rejected, class: ClassBlocked}, func(t *testing.T) result {
			o := serve(t, "", []byte("secret"))
			return ssrf(t, guarded(t, newResolver()), o, "http://[::ffff:127.0.0.1]:"+o.port()+"/")
		}},
		{"ssrf", "IPv4-mapped via DNS (AAAA ::ffff:7f00:1)", result{outcome: rejected, class: ClassBlocked}, func(t *testing.T) result {
			o := serve(t, "", []byte("secret"))
			return ssrf(t, guarded(t, newResolver().set("v6.example", "::ffff:7f00:1")), o, o.at("v6.example", "/"))
		}},
		{"ssrf", "NAT64 [64:ff9b::7f00:1]", result{outcome: rejected, class: ClassBlocked}, func(t *testing.T) result {
			return ssrf(t, guarded(t, newResolver()), nil, "http://[64:ff9b::7f00:1]/")
		}},
		{"ssrf", "6to4 [2002:a9fe:a9fe::1] (169.254.169.254)", result{outcome: rejected, class: ClassBlocked}, func(t *testing.T) result {
			return ssrf(t, guarded(t, newResolver()), nil, "http://[2002:a9fe:a9fe::1]/")
		}},
		{"ssrf", "0.0.0.0", result{outcome: rejected, class: ClassBlocked}, func(t *testing.T) result {
			o := serve(t, "", []byte("secret"))
			return ssrf(t, guarded(t, newResolver()), o, "http://0.0.0.0:"+o.port()+"/")
		}},
		{"ssrf", "decimal host 2130706433", result{outcome: rejected, class: ClassBlocked}, func(t *testing.T) result {
			o := serve(t, "", []byte("secret"))
			return ssrf(t, guarded(t, newResolver()), o, "http://2130706433:"+o.port()+"/")
		}},
		{"ssrf", "hex host 0x7f.1", result{outcome: rejected, class: ClassBlocked}, func(t *testing.T) result {
			o := serve(t, "", []byte("secret"))
			return ssrf(t, guarded(t, newResolver()), o, "http://0x7f.1:"+o.port()+"/")
		}},
		{"ssrf", "short host 127.1", result{outcome: rejected, class: ClassBlocked}, func(t *testing.T) result {
			o := serve(t, "", []byte("secret"))
			return ssrf(t, guarded(t, newResolver()), o, "http://127.1:"+o.port()+"/")
		}},
		{"ssrf", "octal host 0177.0.0.1", result{outcome: rejected, class: ClassBlocked}, func(t *testing.T) result {
			o := serve(t, "", []byte("secret"))
			return ssrf(t, guarded(t, newResolver()), o, "http://0177.0.0.1:"+o.port()+"/")
		}},
		{"ssrf", "non-http schemes (file, gopher, ftp, javascript)", result{outcome: rejected, class: ClassBlocked}, func(t *testing.T) result {
			c := guarded(t, newResolver())
			var last result
			for _, u := range []string{"file:///etc/passwd", "gopher://127.0.0.1:70/_", "ftp://ftp.example.com/", "javascript:alert(1)", "//example.com/x"} {
				last = ssrf(t, c, nil, u)
				if last.class != ClassBlocked {
					t.Errorf("%s: %+v", u, last)
				}
			}
			return last
		}},
		// ---- XML ----
		{"xml", "billion laughs", result{outcome: degraded}, func(t *testing.T) result {
			doc := `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">` +
				`<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">` +
				`<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">` +
				`<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>` +
				`<rss><channel><title>&lol9;</title><item><guid>1</guid><title>ok</title></item></channel></rss>`
			return within(t, time.Second, func() result {
				return feedCase("application/rss+xml", []byte(doc), func(t *testing.T, f *feed.Feed) {
					if len(f.Title) > 64 || len(f.Items) != 1 {
						t.Errorf("entities expanded? title %d bytes", len(f.Title))
					}
				})(t)
			})
		}},
		{"xml", "XXE external entity", result{outcome: degraded}, func(t *testing.T) result {
			doc := `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` +
				`<rss><channel><title>t</title><item><guid>1</guid><title>&xxe;</title></item></channel></rss>`
			return feedCase("application/rss+xml", []byte(doc), func(t *testing.T, f *feed.Feed) {
				if strings.Contains(f.Items[0].Title, "root:") {
					t.Errorf("external entity read: %q", f.Items[0].Title)
				}
			})(t)
		}},
		{"xml", "1,000,000-deep nesting (7 MB)", result{outcome: rejected, class: ClassParse}, func(t *testing.T) result {
			doc := rss(strings.Repeat("<a>", 1_000_000) + strings.Repeat("</a>", 1_000_000))
			return parsedWithin(t, 250*time.Millisecond, func() result { return feedCaseMax("application/rss+xml", []byte(doc), 16<<20, nil)(t) })
		}},
		{"xml", "5 million tiny elements (20 MB)", result{outcome: rejected, class: ClassParse}, func(t *testing.T) result {
			doc := rss(strings.Repeat("<x/>", 5_000_000))
			return parsedWithin(t, time.Second, func() result { return feedCaseMax("application/rss+xml", []byte(doc), 32<<20, nil)(t) })
		}},
		{"xml", "truncated document", result{outcome: degraded}, feedCase("application/rss+xml",
			[]byte(`<rss><channel><title>t</title><item><guid>1</guid><title>one</title></item><item><guid>2</guid><title>tw`),
			func(t *testing.T, f *feed.Feed) {
				if len(f.Items) != 1 || f.Items[0].Title != "one" {
					t.Errorf("items %+v", f.Items)
				}
			})},
		{"xml", "truncated transfer (Content-Length 1000, 500 sent)", result{outcome: rejected, class: ClassConnect}, func(t *testing.T) result {
			o := raw(t, "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 1000\r\n\r\n"+rss(strings.Repeat("<item><title>x</title></item>", 20))[:500])
			r, _ := fetchFeed(t, plainClient(t), o.URL+"/")
			return r
		}},
		{"xml", "not XML at all (HTML page)", result{outcome: rejected, class: ClassParse}, feedCase("text/html", []byte("<!doctype html><html><body><p>hello</body></html>"), nil)},
		// ---- encoding ----
		{"encoding", "invalid UTF-8 bytes", result{outcome: degraded}, feedCase("application/rss+xml; charset=utf-8",
			[]byte(rss("<item><guid>1</guid><title>caf\xe9 \xff ok</title></item>")), func(t *testing.T, f *feed.Feed) {
				if f.Items[0].Title != "caf\uFFFD \uFFFD ok" {
					t.Errorf("title %q", f.Items[0].Title)
				}
			})},
		{"encoding", "prolog ISO-8859-1 over UTF-8 bytes", result{outcome: degraded}, feedCase("text/xml",
			[]byte(`<?xml version="1.0" encoding="ISO-8859-1"?><rss><channel><title>Café Zürich</title><item><guid>1</guid><title>x</title></item></channel></rss>`),
			func(t *testing.T, f *feed.Feed) {
				if f.Title != "Café Zürich" {
					t.Errorf("title %q", f.Title)
				}
			})},
		{"encoding", "unknown charset label", result{outcome: degraded}, feedCase("text/xml; charset=x-klingon",
			[]byte(`<?xml version="1.0" encoding="x-vulcan"?><rss><channel><title>Café</title><item><guid>1</guid><title>x</title></item></channel></rss>`),
			func(t *testing.T, f *feed.Feed) {
				if f.Title != "Café" {
					t.Errorf("title %q", f.Title)
				}
			})},
		{"encoding", "NUL and C0 control bytes", result{outcome: degraded}, feedCase("application/rss+xml",
			[]byte(rss("<item><guid>1</guid><title>a\x00b\x01c\x08d\x1b</title></item>")), func(t *testing.T, f *feed.Feed) {
				if f.Items[0].Title != "abcd" {
					t.Errorf("title %q", f.Items[0].Title)
				}
			})},
		{"encoding", "UTF-16LE with BOM", result{outcome: accepted}, feedCase("application/xml", []byte(utf16Feed), func(t *testing.T, f *feed.Feed) {
			if f.Title != title {
				t.Errorf("title %q", f.Title)
			}
		})},
		{"encoding", "header windows-1251 vs prolog utf-8 (feed)", result{outcome: accepted}, feedCase("application/rss+xml; charset=windows-1251", []byte(cp1251Feed), func(t *testing.T, f *feed.Feed) {
			if f.Title != title {
				t.Errorf("title %q", f.Title)
			}
		})},
		{"encoding", "header koi8-r vs meta windows-1251 (page)", result{outcome: accepted}, func(t *testing.T) result {
			o := serve(t, "text/html; charset=koi8-r", []byte(koi8Page))
			resp, err := plainClient(t).Fetch(context.Background(), Request{URL: o.URL + "/", Kind: KindPage})
			if err != nil {
				return classResult(err)
			}
			out, res := charset.DecodeHTMLResult(resp.Body, resp.ContentType)
			if !strings.Contains(string(out), title) || res.Name != "koi8-r" || res.Source != charset.SourceHeader {
				t.Errorf("decoded as %+v: %q", res, out)
			}
			return result{outcome: accepted, note: "header wins: " + res.Name}
		}},
		// ---- size ----
		{"size", "gzip bomb (256 MiB of zeros, 255 KiB on the wire)", result{outcome: rejected, class: ClassTooLarge}, func(t *testing.T) result {
			return bomb(t, "gzip", gzBomb)
		}},
		{"size", "brotli bomb (256 MiB of zeros, 421 B on the wire)", result{outcome: rejected, class: ClassTooLarge}, func(t *testing.T) result {
			return bomb(t, "br", brBomb)
		}},
		{"size", "Content-Length over the cap", result{outcome: rejected, class: ClassTooLarge}, func(t *testing.T) result {
			o := raw(t, "HTTP/1.1 200 OK\r\nContent-Length: 999999999999\r\n\r\n<rss>")
			_, err := newClient(t, Options{AllowPrivateNetworks: true, MaxBody: 1 << 20}).Fetch(context.Background(), Request{URL: o.URL})
			return classResult(err)
		}},
		{"size", "lying Content-Length (smaller than the body)", result{outcome: degraded}, func(t *testing.T) result {
			doc := rss("<item><guid>1</guid><title>one</title></item><item><guid>2</guid><title>two</title></item>")
			cut := strings.Index(doc, "<item><guid>2") + 20
			o := raw(t, fmt.Sprintf("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s%s", cut, doc, strings.Repeat("junk", 1000)))
			r, f := fetchFeed(t, plainClient(t), o.URL)
			if f != nil && (len(f.Items) != 1 || f.Items[0].Title != "one") {
				t.Errorf("items %+v", f.Items)
			}
			return r
		}},
		{"size", "endless body without Content-Length", result{outcome: rejected, class: ClassTooLarge}, func(t *testing.T) result {
			o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
				chunk := []byte(strings.Repeat("<item/>", 1000))
				for i := 0; i < 10_000 && r.Context().Err() == nil; i++ {
					if _, err := w.Write(chunk); err != nil {
						return
					}
				}
			})
			_, err := newClient(t, Options{AllowPrivateNetworks: true, MaxBody: 1 << 20}).Fetch(context.Background(), Request{URL: o.URL})
			return classResult(err)
		}},
		{"size", "huge response headers (1 MiB)", result{outcome: rejected, class: ClassTooLarge}, func(t *testing.T) result {
			o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Junk", strings.Repeat("a", 1<<20))
				w.Write([]byte("<rss/>"))
			})
			_, err := plainClient(t).Fetch(context.Background(), Request{URL: o.URL})
			return classResult(err)
		}},
		// ---- timing ----
		{"timing", "1 byte per 100 ms drip (timeout 1s)", result{outcome: rejected, class: ClassTimeout}, func(t *testing.T) result {
			o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", "1000")
				for i := 0; i < 1000; i++ {
					if _, err := w.Write([]byte("x")); err != nil {
						return
					}
					w.(http.Flusher).Flush()
					select {
					case <-r.Context().Done():
						return
					case <-time.After(100 * time.Millisecond):
					}
				}
			})
			return within(t, 2*time.Second, func() result {
				_, err := newClient(t, Options{AllowPrivateNetworks: true, Timeout: time.Second}).Fetch(context.Background(), Request{URL: o.URL})
				return classResult(err)
			})
		}},
		{"timing", "server that never answers (timeout 1s)", result{outcome: rejected, class: ClassTimeout}, func(t *testing.T) result {
			o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-time.After(30 * time.Second):
				}
			})
			return within(t, 2*time.Second, func() result {
				_, err := newClient(t, Options{AllowPrivateNetworks: true, Timeout: time.Second}).Fetch(context.Background(), Request{URL: o.URL})
				return classResult(err)
			})
		}},
		{"timing", "listener that never accepts HTTP (raw TCP, silent)", result{outcome: rejected, class: ClassTimeout}, func(t *testing.T) result {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			done, stop := make(chan struct{}), make(chan struct{})
			go func() {
				defer close(done)
				conn, err := ln.Accept()
				if err != nil {
					return
				}
				bufio.NewReader(conn).ReadString('\n')
				<-stop
				conn.Close()
			}()
			defer func() { close(stop); ln.Close(); <-done }()
			return within(t, 2*time.Second, func() result {
				_, err := newClient(t, Options{AllowPrivateNetworks: true, Timeout: 800 * time.Millisecond}).Fetch(context.Background(), Request{URL: "http://" + ln.Addr().String() + "/"})
				return classResult(err)
			})
		}},
		// ---- redirects ----
		{"redirects", "redirect loop /a → /b → /a", result{outcome: rejected, class: ClassRedirect}, func(t *testing.T) result {
			o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/a" {
					http.Redirect(w, r, "/b", http.StatusFound)
					return
				}
				http.Redirect(w, r, "/a", http.StatusFound)
			})
			_, err := plainClient(t).Fetch(context.Background(), Request{URL: o.URL + "/a"})
			if o.hits.Load() != 2 {
				t.Errorf("%d requests before the loop was seen", o.hits.Load())
			}
			return classResult(err)
		}},
		{"redirects", "6 redirects (limit 5)", result{outcome: rejected, class: ClassRedirect}, func(t *testing.T) result {
			o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
				var n int
				fmt.Sscanf(r.URL.Path, "/r%d", &n)
				if n < 6 {
					http.Redirect(w, r, fmt.Sprintf("/r%d", n+1), http.StatusFound)
					return
				}
				w.Write([]byte("end"))
			})
			_, err := plainClient(t).Fetch(context.Background(), Request{URL: o.URL + "/r0"})
			return classResult(err)
		}},
		{"redirects", "HTTPS → HTTP downgrade", result{outcome: rejected, class: ClassBlocked}, func(t *testing.T) result {
			plain := serve(t, "", []byte("downgraded"))
			secure := newTLSOrigin(t, func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, plain.URL+"/", http.StatusMovedPermanently)
			})
			c := newClient(t, Options{AllowPrivateNetworks: true, TLSConfig: secure.Client().Transport.(*http.Transport).TLSClientConfig})
			_, err := c.Fetch(context.Background(), Request{URL: secure.URL + "/"})
			if plain.hits.Load() != 0 {
				t.Error("the http origin was reached")
			}
			return classResult(err)
		}},
		// ---- dates ----
		{"dates", "garbage date", result{outcome: degraded}, dateCase("<pubDate>the day after tomorrow</pubDate>", time.Time{})},
		{"dates", "year 10000", result{outcome: degraded}, dateCase("<pubDate>Sat, 01 Jan 10000 00:00:00 GMT</pubDate>", time.Time{})},
		{"dates", "year 1900", result{outcome: degraded}, dateCase("<pubDate>Mon, 01 Jan 1900 00:00:00 GMT</pubDate>", time.Time{})},
		{"dates", "ambiguous zone IST", result{outcome: degraded}, dateCase("<pubDate>Sun, 01 Feb 2026 10:00:00 IST</pubDate>", time.Date(2026, 2, 1, 4, 30, 0, 0, time.UTC))},
		{"dates", "ambiguous zone CST (RFC 822: US Central)", result{outcome: degraded}, dateCase("<pubDate>Sun, 01 Feb 2026 10:00:00 CST</pubDate>", time.Date(2026, 2, 1, 16, 0, 0, 0, time.UTC))},
		// ---- identity ----
		{"identity", "no guid and no link", result{outcome: degraded}, feedCase("application/rss+xml",
			[]byte(rss("<item><title>Only a title</title><description>and text</description></item>")), func(t *testing.T, f *feed.Feed) {
				if len(f.Items) != 1 || !strings.HasPrefix(f.Items[0].GUID, "sha256:") {
					t.Errorf("items %+v", f.Items)
				}
			})},
		{"identity", "guid reused for different links", result{outcome: degraded}, feedCase("application/rss+xml",
			[]byte(rss(`<item><guid>42</guid><title>a</title><link>https://ex.org/a</link></item><item><guid>42</guid><title>b</title><link>https://ex.org/b</link></item>`)),
			func(t *testing.T, f *feed.Feed) {
				if len(f.Items) != 2 || f.Items[0].GUID == f.Items[1].GUID {
					t.Errorf("items %+v", f.Items)
				}
			})},
		// ---- politeness ----
		{"politeness", "absurd ttl (10^12 minutes)", result{outcome: degraded}, feedCase("application/rss+xml",
			[]byte(`<rss><channel><title>t</title><ttl>1000000000000</ttl><item><guid>1</guid><title>x</title></item></channel></rss>`),
			func(t *testing.T, f *feed.Feed) {
				d := Cadence(CadenceInput{Configured: 5 * time.Minute, Min: time.Minute, Max: 24 * time.Hour, TTL: f.TTL})
				if d != 24*time.Hour {
					t.Errorf("cadence %v, want the 24h maximum", d)
				}
			})},
		{"politeness", "absurd Retry-After (10^20 s, year 9999, -5, junk)", result{outcome: rejected, class: ClassHTTP5xx}, func(t *testing.T) result {
			values := map[string]time.Duration{
				"100000000000000000000":         MaxRetryAfter,
				"Fri, 31 Dec 9999 23:59:59 GMT": MaxRetryAfter,
				"-5":                            0,
				"soon":                          0,
			}
			var last result
			for v, want := range values {
				o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Retry-After", v)
					w.WriteHeader(http.StatusServiceUnavailable)
				})
				_, err := plainClient(t).Fetch(context.Background(), Request{URL: o.URL})
				fe := fetchErr(t, err)
				if fe.RetryAfter != want {
					t.Errorf("Retry-After %q: %v, want %v", v, fe.RetryAfter, want)
				}
				last = classResult(err)
			}
			last.note = "clamped to [0, 24h]"
			return last
		}},
		{"politeness", "10 MB robots.txt", result{outcome: rejected, class: ClassBlocked}, func(t *testing.T) result {
			body := "User-agent: *\nDisallow: /private\n" + strings.Repeat("# padding padding padding padding\n", 10<<20/34) + "Disallow: /late\n"
			o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/robots.txt" {
					w.Write([]byte(body))
					return
				}
				w.Write([]byte("page"))
			})
			c := newClient(t, Options{AllowPrivateNetworks: true, RespectRobots: true})
			if _, err := c.Fetch(context.Background(), Request{URL: o.URL + "/late", Kind: KindPage}); err != nil {
				t.Errorf("a rule past 500 KiB was applied: %v", err)
			}
			_, err := c.Fetch(context.Background(), Request{URL: o.URL + "/private/x", Kind: KindPage})
			return classResult(err)
		}},
		{"politeness", "robots.txt answering 500", result{outcome: rejected, class: ClassBlocked}, func(t *testing.T) result {
			var pages int
			o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/robots.txt" {
					http.Error(w, "down", 500)
					return
				}
				pages++
				w.Write([]byte("page"))
			})
			c := newClient(t, Options{AllowPrivateNetworks: true, RespectRobots: true})
			_, err := c.Fetch(context.Background(), Request{URL: o.URL + "/article", Kind: KindPage})
			fe := fetchErr(t, err)
			if fe.RetryAfter <= 0 || fe.Permanent() || pages != 0 {
				t.Errorf("retry %v permanent %v pages %d", fe.RetryAfter, fe.Permanent(), pages)
			}
			return classResult(err)
		}},
		{"politeness", "robots.txt redirecting 6 times", result{outcome: accepted}, func(t *testing.T) result {
			o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
				var n int
				if _, err := fmt.Sscanf(r.URL.Path, "/robots%d.txt", &n); err == nil || r.URL.Path == "/robots.txt" {
					http.Redirect(w, r, fmt.Sprintf("/robots%d.txt", n+1), http.StatusFound)
					return
				}
				w.Write([]byte("page"))
			})
			c := newClient(t, Options{AllowPrivateNetworks: true, RespectRobots: true})
			_, err := c.Fetch(context.Background(), Request{URL: o.URL + "/article", Kind: KindPage})
			r := classResult(err)
			r.note = "treated as unavailable (RFC 9309 §2.3.1.2): no rules"
			return r
		}},
	}

	type row struct {
		cat, name string
		got       result
		ok        bool
	}
	var rows []row
	for _, tc := range cases {
		var got result
		ok := t.Run(tc.cat+"/"+tc.name, func(t *testing.T) {
			got = tc.run(t)
			if got.outcome != tc.want.outcome || got.class != tc.want.class {
				t.Errorf("outcome %s %s (%s), want %s %s", got.outcome, got.class, got.note, tc.want.outcome, tc.want.class)
			}
		})
		rows = append(rows, row{tc.cat, tc.name, got, ok})
	}
	if len(cases) < 40 {
		t.Errorf("only %d cases", len(cases))
	}
	var b strings.Builder
	b.WriteString("\n| category | case | outcome | class | detail |\n|---|---|---|---|---|\n")
	for _, r := range rows {
		mark := ""
		if !r.ok {
			mark = " **FAILED**"
		}
		fmt.Fprintf(&b, "| %s | %s | %s%s | %s | %s |\n", r.cat, r.name, r.got.outcome, mark, r.got.class, strings.ReplaceAll(r.got.note, "|", "/"))
	}
	t.Log(b.String())
}

func bomb(t *testing.T, coding string, data []byte) result {
	o := newOrigin(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", coding)
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(data)
	})
	c := newClient(t, Options{AllowPrivateNetworks: true, MaxBody: 1 << 20})
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	_, err := c.Fetch(context.Background(), Request{URL: o.URL})
	el := time.Since(start)
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	if alloc > 32<<20 {
		t.Errorf("allocated %d MiB decoding a bomb under a 1 MiB cap", alloc>>20)
	}
	if el > 2*time.Second {
		t.Errorf("took %v", el)
	}
	r := classResult(err)
	r.note = fmt.Sprintf("stopped at the 1 MiB cap: %d KiB allocated, %v", alloc>>10, el.Round(time.Millisecond))
	if !errors.Is(err, errTooLarge) {
		t.Errorf("error %v does not wrap errTooLarge", err)
	}
	return r
}

func dateCase(pub string, want time.Time) func(t *testing.T) result {
	return feedCase("application/rss+xml", []byte(rss("<item><guid>1</guid><title>x</title>"+pub+"</item>")), func(t *testing.T, f *feed.Feed) {
		if got := f.Items[0].PublishedAt; !got.Equal(want) {
			t.Errorf("published %v, want %v", got, want)
		}
	})
}
