package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestUsageErrors(t *testing.T) {
	badKey := writeFile(t, "bad.yaml", "feeds:\n  - url: https://example.org/rss\nhttp:\n  timeout: 5s\n  retries: 3\n")
	negative := writeFile(t, "neg.yaml", "feeds:\n  - url: https://example.org/rss\n    interval: -1m\n")
	badURL := writeFile(t, "url.yaml", "feeds:\n  - url: example.org/rss\n")
	tests := []struct {
		name     string
		args     []string
		code     int
		contains string
	}{
		{"no command", nil, exitUsage, "Usage"},
		{"unknown command", []string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{"bad flag", []string{"once", "--bogus"}, exitUsage, "flag provided but not defined: -bogus"},
		{"missing config", []string{"once", "--config", "/nonexistent/newsfeed.yaml"}, exitFail, "/nonexistent/newsfeed.yaml"},
		{"unknown key", []string{"run", "--config", badKey}, exitFail, `line 5: unknown key "retries" in http`},
		{"negative interval", []string{"once", "--config", negative}, exitFail, "interval: must not be negative"},
		{"bad feed url", []string{"once", "--config", badURL}, exitFail, `url "example.org/rss": scheme must be http or https`},
		{"bad format", []string{"extract", "--format", "pdf", "x.html"}, exitUsage, `--format "pdf"`},
		{"extract without input", []string{"extract"}, exitUsage, "no input"},
		{"feed with two inputs", []string{"feed", "a", "b"}, exitUsage, "exactly one"},
		{"feed bad url", []string{"feed", "ftp://example.org/rss"}, exitFail, "ftp://example.org/rss"},
		{"extract missing file", []string{"extract", "/nonexistent.html"}, exitFail, "/nonexistent.html"},
		{"check unknown key", []string{"check", "--config", badKey}, exitFail, `line 5: unknown key "retries" in http`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(t, "", tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d (stdout %q, stderr %q)", code, tt.code, out, errs)
			}
			text := errs
			if tt.code == exitUsage && tt.name == "no command" {
				text = errs + out
			}
			if !strings.Contains(text, tt.contains) {
				t.Fatalf("stderr %q does not contain %q", errs, tt.contains)
			}
			if tt.name != "no command" && strings.Count(strings.TrimSpace(errs), "\n") > 0 {
				t.Fatalf("error is not one line: %q", errs)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	for _, c := range commands() {
		code, out, errs := runCLI(t, "", c.name, "--help")
		if code != exitOK || !strings.Contains(out, "Usage: newsfeed "+c.name) || errs != "" {
			t.Errorf("%s --help: exit %d, stdout %q, stderr %q", c.name, code, out, errs)
		}
		if n := strings.Count(out, "Usage: "); n != 1 {
			t.Errorf("%s --help printed the usage %d times:\n%s", c.name, n, out)
		}
	}
	code, out, _ := runCLI(t, "", "--help")
	if code != exitOK || !strings.Contains(out, "newsfeed extract") {
		t.Errorf("--help: %d %q", code, out)
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runCLI(t, "", "version")
	if code != exitOK || !strings.HasPrefix(out, "newsfeed ") || !strings.Contains(out, "go1.") {
		t.Fatalf("version: %d %q", code, out)
	}
}

func TestExtractReference(t *testing.T) {
	const canon = "https://www.themoscowtimes.com/2022/08/03/russia-backs-myanmar-juntas-efforts-to-stabilize-count-ry-fm-a78492"
	page := "../../internal/testsite/reference/moscowtimes-article.html"
	code, out, errs := runCLI(t, "", "extract", "--url", canon, page, page)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d JSON lines for 2 inputs", len(lines))
	}
	var a struct {
		CanonicalURL string `json:"canonical_url"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &a); err != nil {
		t.Fatal(err)
	}
	if a.CanonicalURL != canon {
		t.Fatalf("canonical_url %q", a.CanonicalURL)
	}
	code, md, _ := runCLI(t, "", "extract", "--url", canon, "--format", "markdown", page)
	want, _ := os.ReadFile("../../internal/testsite/reference/moscowtimes-article.md")
	if code != exitOK || !strings.Contains(md, "Original url:") || !strings.HasPrefix(strings.TrimSpace(md), strings.SplitN(strings.TrimSpace(string(want)), "\n", 2)[0]) {
		t.Fatalf("markdown: %d %q", code, md)
	}
	// stdin works too.
	data, _ := os.ReadFile(page)
	code, out, errs = runCLI(t, string(data), "extract", "--url", canon, "-")
	if code != exitOK || !strings.Contains(out, "Russia Backs Myanmar") {
		t.Fatalf("stdin: %d %q %q", code, out, errs)
	}
}

func TestFeedFile(t *testing.T) {
	code, out, errs := runCLI(t, "", "feed", "../../internal/testsite/reference/moscowtimes-rss-news.xml")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("%d items, want 3", len(lines))
	}
	var it struct {
		GUID, Title, Link string
		Feed              struct{ Title, Language string }
	}
	if err := json.Unmarshal([]byte(lines[0]), &it); err != nil {
		t.Fatal(err)
	}
	if it.Title != "Russia Backs Myanmar Junta's Efforts to 'Stabilize' Country – FM" || it.Feed.Language != "en-us" || it.GUID == "" {
		t.Fatalf("item: %+v", it)
	}
	code, _, errs = runCLI(t, "not a feed at all", "feed", "-")
	if code != exitFail || !strings.Contains(errs, "newsfeed feed: -:") {
		t.Fatalf("garbage on stdin: %d %q", code, errs)
	}
}

func TestHealthProbe(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/readyz" {
			w.WriteHeader(503)
			_, _ = w.Write([]byte("not ready: sink db: down"))
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	if code, _, errs := runCLI(t, "", "health", "--addr", addr); code != exitFail || !strings.Contains(errs, "sink db: down") {
		t.Fatalf("readiness probe: %d %q", code, errs)
	}
	if code, out, _ := runCLI(t, "", "health", "--live", "--addr", addr); code != exitOK || !strings.Contains(out, "ok") {
		t.Fatalf("liveness probe: %d %q", code, out)
	}
}

func TestFeedDiscoversFromPage(t *testing.T) {
	rss, _ := os.ReadFile("../../internal/testsite/reference/moscowtimes-rss-news.xml")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte(`<html><head><link rel="alternate" type="application/rss+xml" title="News" href="/rss/news"></head><body>Home</body></html>`))
		case "/rss/news":
			w.Header().Set("Content-Type", "text/xml")
			_, _ = w.Write(rss)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	cfg := writeFile(t, "c.yaml", "http: {allow_private_networks: true, respect_robots: false}\n")
	code, out, errs := runCLI(t, "", "feed", "--config", cfg, srv.URL+"/")
	if code != exitOK || strings.Count(out, "\n") != 3 || !strings.Contains(errs, srv.URL+"/rss/news") {
		t.Fatalf("discovery: exit %d, %d lines, stderr %q", code, strings.Count(out, "\n"), errs)
	}
	// Without allow_private_networks the loopback origin is refused with a reason.
	code, _, errs = runCLI(t, "", "feed", srv.URL+"/")
	if code != exitFail || !strings.Contains(errs, "blocked") {
		t.Fatalf("SSRF guard: exit %d, stderr %q", code, errs)
	}
}

func TestOPMLAddsFeeds(t *testing.T) {
	dir := t.TempDir()
	opmlDoc := `<?xml version="1.0"?><opml version="2.0"><head><title>subs</title></head><body>
<outline text="News"><outline type="rss" text="BBC World" xmlUrl="https://feeds.bbci.co.uk/news/world/rss.xml"/>
<outline type="rss" text="Dup" xmlUrl="https://www.themoscowtimes.com/rss/news"/></outline></body></opml>`
	if err := os.WriteFile(filepath.Join(dir, "subs.opml"), []byte(opmlDoc), 0o644); err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "newsfeed.yaml")
	if err := os.WriteFile(cfgPath, []byte("opml: subs.opml\nfeeds:\n  - {url: https://www.themoscowtimes.com/rss/news, name: MT}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig(&env{getenv: func(string) string { return "" }}, cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Feeds) != 2 || cfg.Feeds[1].Name != "BBC World" || cfg.Feeds[1].Interval == 0 {
		t.Fatalf("feeds after OPML: %+v", cfg.Feeds)
	}
	if err := os.WriteFile(cfgPath, []byte("opml: missing.opml\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := loadConfig(&env{getenv: func(string) string { return "" }}, cfgPath); err == nil || !strings.Contains(err.Error(), "missing.opml") {
		t.Fatalf("missing OPML: %v", err)
	}
}

func TestCheck(t *testing.T) {
	code, out, errs := runCLI(t, "", "check", "--config", "../../examples/newsfeed.yaml")
	if code != exitOK || !strings.Contains(out, "ok (5 feeds, 2 sinks") {
		t.Fatalf("check: %d %q %q", code, out, errs)
	}
}

// TestLargeConfigRestoresGC loads a config over largeConfig, which is
// decoded with eager collection, and checks that every feed is read and
// the process's GC setting is what it was before, whether decoding worked
// or failed.
func TestLargeConfigRestoresGC(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("feeds:\n")
	n := 0
	for b.Len() <= largeConfig {
		fmt.Fprintf(&b, "  - {url: \"https://example.org/feeds/%d.xml\", name: \"feed %d\"}\n", n, n)
		n++
	}
	good := filepath.Join(dir, "good.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(good, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte(b.String()+"  - {url: \"not a url\"}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	const setting = 137
	old := debug.SetGCPercent(setting)
	defer debug.SetGCPercent(old)
	e := &env{getenv: func(string) string { return "" }}
	cfg, err := loadConfig(e, good)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Feeds) != n {
		t.Fatalf("%d feeds read, want %d", len(cfg.Feeds), n)
	}
	if got := debug.SetGCPercent(setting); got != setting {
		t.Fatalf("GC percent after loading %s: %d, want %d", good, got, setting)
	}
	if _, err := loadConfig(e, bad); err == nil {
		t.Fatal("a config with a bad feed URL was accepted")
	}
	if got := debug.SetGCPercent(setting); got != setting {
		t.Fatalf("GC percent after failing to load %s: %d, want %d", bad, got, setting)
	}
}
