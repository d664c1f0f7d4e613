package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func noEnv(string) string { return "" }

func TestBadConfigs(t *testing.T) {
	tests := map[string]string{
		"unknown-key.bad.yaml":            `line 5: unknown key "user_agnt" in http`,
		"negative-interval.bad.yaml":      "feed 2 (line 3): interval: must not be negative",
		"bad-url.bad.yaml":                `feed 1 (line 2): url "ftp://example.org/rss": scheme must be http or https`,
		"unknown-sink.bad.yaml":           `sink 1 (line 4): unknown type "kafka"`,
		"bad-size.bad.yaml":               `"lots" is not a size`,
		"feed-key.bad.yaml":               `line 3: unknown key "intervl" in a feed`,
		"dup-sink.bad.yaml":               `sink 2 (line 3): another sink is already named "jsonl"`,
		"not-yaml.bad.yaml":               "did not find expected",
		"negative-cluster-bound.bad.yaml": "enrich.cluster_max_members: must not be negative",
	}
	for file, want := range tests {
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", file))
			if err != nil {
				t.Fatal(err)
			}
			_, err = Parse(data, file, noEnv)
			if err == nil {
				t.Fatalf("no error, want %q", want)
			}
			if !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), file+": ") {
				t.Fatalf("error %q does not name %q", err, want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error spans lines: %q", err)
			}
		})
	}
}

func TestFeedsOnlyGetsDefaults(t *testing.T) {
	cfg, err := Load(filepath.Join("testdata", "feeds-only.good.yaml"), false)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.NATS.URL != "" || cfg.NATS.Embedded.Listen != "127.0.0.1:4222" || cfg.NATS.Embedded.StoreDir != "./data/nats" {
		t.Errorf("nats defaults: %+v", cfg.NATS)
	}
	if cfg.HTTP.MaxBody != 10<<20 || cfg.HTTP.Timeout != 20*time.Second || !cfg.HTTP.RespectRobots {
		t.Errorf("http defaults: %+v", cfg.HTTP)
	}
	if len(cfg.Sinks) != 2 || cfg.Sinks[0].Name != "sqlite" || cfg.Sinks[1].Name != "jsonl" {
		t.Errorf("default sinks: %+v", cfg.Sinks)
	}
	if cfg.Enrich.ClusterWindow != 72*time.Hour || cfg.Enrich.ClusterMaxMembers != DefaultClusterMaxMembers {
		t.Errorf("enrich defaults: %+v", cfg.Enrich)
	}
	f := cfg.Feeds[0]
	if f.Interval != 5*time.Minute || !f.ShouldFetchArticles() || f.Type != "feed" {
		t.Errorf("feed defaults: %+v", f)
	}
}

func TestEnvOverrides(t *testing.T) {
	env := map[string]string{
		"NEWSFEED_NATS_URL":                  "nats://10.0.0.1:4222",
		"NEWSFEED_HTTP_PER_HOST_CONCURRENCY": "7",
		"NEWSFEED_HTTP_MAX_BODY":             "1MiB",
		"NEWSFEED_HTTP_RESPECT_ROBOTS":       "false",
		"NEWSFEED_PIPELINE_ROLES":            "poller, scraper",
		"NEWSFEED_SCHEDULE_TICK":             "2s",
	}
	cfg, err := Parse([]byte("feeds: []\n"), "x.yaml", func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.NATS.URL != "nats://10.0.0.1:4222" || cfg.HTTP.PerHost.Concurrency != 7 || cfg.HTTP.MaxBody != 1<<20 ||
		cfg.HTTP.RespectRobots || len(cfg.Pipeline.Roles) != 2 || cfg.Schedule.Tick != 2*time.Second {
		t.Fatalf("overrides not applied: %+v", cfg)
	}
	_, err = Parse(nil, "", func(k string) string {
		if k == "NEWSFEED_HTTP_TIMEOUT" {
			return "soon"
		}
		return ""
	})
	if err == nil || !strings.Contains(err.Error(), "NEWSFEED_HTTP_TIMEOUT") {
		t.Fatalf("bad env value: %v", err)
	}
}

func TestMissingFile(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "nope.yaml"), false); err == nil {
		t.Fatal("missing file accepted")
	}
	cfg, err := Load(filepath.Join(t.TempDir(), "nope.yaml"), true)
	if err != nil || len(cfg.Feeds) != 0 {
		t.Fatalf("optional missing file: %v", err)
	}
}

func TestByteSize(t *testing.T) {
	tests := map[string]ByteSize{"10MiB": 10 << 20, "512KB": 512000, "1GiB": 1 << 30, "100": 100, "1.5KiB": 1536}
	for in, want := range tests {
		got, err := ParseByteSize(in)
		if err != nil || got != want {
			t.Errorf("ParseByteSize(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := ParseByteSize("-1MiB"); err == nil {
		t.Error("negative size accepted")
	}
}
