package urlnorm

import (
	"net/url"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
		wantErr        bool
	}{
		{"lower host and scheme", "HTTPS://WWW.Example.COM/A/b", "https://www.example.com/A/b", false},
		{"default port", "http://example.com:80/x", "http://example.com/x", false},
		{"https default port", "https://example.com:443/x", "https://example.com/x", false},
		{"other port kept", "http://example.com:8080/x", "http://example.com:8080/x", false},
		{"fragment dropped", "https://example.com/a#comments", "https://example.com/a", false},
		{"tracking dropped", "https://example.com/a?utm_source=rss&utm_medium=feed", "https://example.com/a", false},
		{"params sorted", "https://example.com/a?b=2&a=1&fbclid=x", "https://example.com/a?a=1&b=2", false},
		{"empty path", "https://example.com", "https://example.com/", false},
		{"dot segments", "https://example.com/a/./b/../c", "https://example.com/a/c", false},
		{"trailing slash kept", "https://example.com/a/", "https://example.com/a/", false},
		{"userinfo dropped", "https://u:p@example.com/a", "https://example.com/a", false},
		{"javascript refused", "javascript:alert(1)", "", true},
		{"relative refused", "/a/b", "", true},
		{"empty refused", "  ", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Normalize(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Normalize(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Fatalf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestStripTracking(t *testing.T) {
	got, err := StripTracking("https://www.themoscowtimes.com/2022/08/02/pelosi-lands-in-taiwan-a78480?utm_source=rss&utm_medium=feed")
	if err != nil {
		t.Fatal(err)
	}
	if want := "https://www.themoscowtimes.com/2022/08/02/pelosi-lands-in-taiwan-a78480"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	got, _ = StripTracking("https://example.com/a?id=7&utm_campaign=x#top")
	if want := "https://example.com/a?id=7"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestResolve(t *testing.T) {
	base, _ := url.Parse("https://example.com/news/")
	tests := map[string]string{
		"a.html":                 "https://example.com/news/a.html",
		"/b":                     "https://example.com/b",
		"javascript:alert(1)":    "",
		"data:text/html,x":       "",
		"file:///etc/passwd":     "",
		"mailto:x@example.com":   "",
		"":                       "",
		"https://other.org/x?y=": "https://other.org/x?y=",
	}
	for in, want := range tests {
		if got := Resolve(base, in); got != want {
			t.Errorf("Resolve(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDomain(t *testing.T) {
	if got := Domain("https://www.TheMoscowTimes.com:443/x"); got != "themoscowtimes.com" {
		t.Fatalf("got %q", got)
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"https://example.com/a?utm_source=x&b=1#f", "http://[::1]:80/", "https://a/%zz", "http://x/../../"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Normalize(s)
		if err != nil {
			return
		}
		// Normalisation is idempotent.
		n2, err := Normalize(n)
		if err != nil {
			t.Fatalf("Normalize(%q) = %q which fails: %v", s, n, err)
		}
		if n2 != n {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, n, n2)
		}
	})
}

func TestRedact(t *testing.T) {
	tests := map[string]string{
		"https://user:s3cret@example.com/feed":      "https://user:xxxxx@example.com/feed",
		"https://tok@example.com/feed":              "https://xxxxx@example.com/feed",
		"https://example.com/feed?token=abc&page=2": "https://example.com/feed?page=2&token=xxxxx",
		"https://example.com/feed?page=2":           "https://example.com/feed?page=2",
		"https://example.com/rss?API_KEY=k":         "https://example.com/rss?API_KEY=xxxxx",
	}
	for in, want := range tests {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}
