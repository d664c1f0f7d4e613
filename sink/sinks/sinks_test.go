package sinks

import (
	"bytes"
	"crypto/rand"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/newsfeed/newsfeed/config"
	"github.com/newsfeed/newsfeed/sink"
	"github.com/newsfeed/newsfeed/sink/internal/sinktest"
	"github.com/newsfeed/newsfeed/sink/jsonl"
	"github.com/newsfeed/newsfeed/sink/postgres"
	"github.com/newsfeed/newsfeed/sink/sqlite"
	"github.com/newsfeed/newsfeed/sink/stdout"
	"github.com/newsfeed/newsfeed/sink/webhook"
)

// parse loads sinks from YAML through config, as the daemon does.
func parse(t *testing.T, yaml string, env map[string]string) ([]config.Sink, error) {
	t.Helper()
	cfg, err := config.Parse([]byte(yaml), "test.yaml", func(k string) string { return env[k] })
	if err != nil {
		return nil, err
	}
	return cfg.Sinks, nil
}

func TestOpenEachType(t *testing.T) {
	dir := t.TempDir()
	var mu sync.Mutex
	var verified int
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if err := webhook.Verify([]byte("k3y"), r.Header, body, time.Minute, time.Now()); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		if r.Header.Get("Authorization") != "Bearer t" {
			http.Error(w, "no auth", http.StatusForbidden)
			return
		}
		mu.Lock()
		verified++
		mu.Unlock()
	}))
	defer hook.Close()
	yaml := `sinks:
  - {type: sqlite, path: ` + filepath.Join(dir, "a.db") + `}
  - {type: jsonl, path: ` + filepath.Join(dir, "a.jsonl") + `, fsync: always, rotate_size: 1MiB, rotate_daily: true, compress: false}
  - {type: webhook, url: "` + hook.URL + `", secret_env: HOOK_SECRET, mode: batch, allow_private_networks: true, headers: {Authorization: "Bearer t"}, timeout: 5s}
  - {type: stdout}
`
	env := map[string]string{"HOOK_SECRET": "k3y"}
	pg := os.Getenv("NEWSFEED_TEST_POSTGRES_DSN")
	if pg != "" {
		yaml += "  - {type: postgres, dsn_env: PG, schema: nf_test_sinks_" + rand.Text()[:12] + "}\n"
		env["PG"] = pg
	}
	cfgs, err := parse(t, yaml, env)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	for _, c := range cfgs {
		t.Run(c.Name, func(t *testing.T) {
			s, err := Open(t.Context(), c, Options{Stdout: &out, Getenv: func(k string) string { return env[k] }})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.Write(t.Context(), sinktest.Batch(0, 3)); err != nil {
				t.Fatal(err)
			}
			if err := s.Check(t.Context()); err != nil {
				t.Fatal(err)
			}
			switch c.Type {
			case "sqlite":
				_ = s.(*sqlite.Sink)
				if _, ok := s.(sink.Searcher); !ok {
					t.Fatal("sqlite sink is not a Searcher")
				}
			case "postgres":
				p := s.(*postgres.Sink)
				hits, err := p.Search(t.Context(), sink.Query{Text: "story"})
				if err != nil || len(hits) != 3 {
					t.Fatalf("search: %d hits, %v", len(hits), err)
				}
				dropSchema(t, pg, c.Schema)
			case "jsonl":
				_ = s.(*jsonl.Sink)
			case "webhook":
				_ = s.(*webhook.Sink)
				mu.Lock()
				defer mu.Unlock()
				if verified != 1 {
					t.Fatalf("%d signed batch requests, want 1", verified)
				}
			case "stdout":
				_ = s.(*stdout.Sink)
				if n := strings.Count(out.String(), "\n"); n != 3 {
					t.Fatalf("%d lines on stdout, want 3", n)
				}
			}
		})
	}
	if pg == "" {
		t.Log("NEWSFEED_TEST_POSTGRES_DSN is not set: the postgres sink was not opened")
	}
}

func TestOpenErrors(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		env        map[string]string
		want       string
	}{
		{"dsn env empty", `sinks: [{type: postgres, dsn_env: NOPE}]`, nil, `sink "postgres": environment variable NOPE (dsn_env) is empty`},
		{"secret env empty", `sinks: [{type: webhook, url: "https://example.org/h", secret_env: NOPE}]`, nil, `environment variable NOPE (secret_env) is empty`},
		{"unreachable postgres", `sinks: [{type: postgres, name: pg, dsn: "postgres://u@127.0.0.1:1/x?connect_timeout=2"}]`, nil, `sinks: sink "pg": postgres:`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfgs, err := parse(t, tc.yaml, tc.env)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Open(t.Context(), cfgs[0], Options{Getenv: func(k string) string { return tc.env[k] }})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Open = %v, want %q", err, tc.want)
			}
		})
	}
	if _, err := Open(t.Context(), config.Sink{Type: "kafka"}, Options{}); err == nil {
		t.Fatal("unknown type opened")
	}
}

func TestConfigValidatesNewFields(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{`sinks: [{type: webhook, url: "https://x/", mode: stream}]`, `mode: "stream" (want single or batch)`},
		{`sinks: [{type: jsonl, path: x.jsonl, mode: batch}]`, `only webhook sinks take a mode`},
		{`sinks: [{type: postgres, dsn: "postgres://x/", schema: "bad-name"}]`, `schema "bad-name"`},
	} {
		if _, err := parse(t, tc.yaml, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.yaml, err, tc.want)
		}
	}
	cfgs, err := parse(t, `sinks: [{type: webhook, url: "https://x/"}]`, nil)
	if err != nil || cfgs[0].Mode != "single" {
		t.Fatalf("default mode %q, %v", cfgs[0].Mode, err)
	}
}

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
