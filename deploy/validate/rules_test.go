package validate

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/promslog"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/promqltest"
	"github.com/prometheus/prometheus/rules"
	sigsyaml "sigs.k8s.io/yaml"
)

// series is one input series for a rule scenario: its labels and one value
// per minute from time 0 (NaN-free; use gaps by ending early).
type series struct {
	metric string
	values []float64
}

// minutes builds n per-minute values with f(minute).
func minutes(n int, f func(m int) float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = f(i)
	}
	return out
}

// alertCheck says which alerts fire at a time: want lists the firing
// alerts' label sets (each as "k=v,k=v", alertname and severity included);
// an empty want means the alert does not fire.
type alertCheck struct {
	at    time.Duration
	alert string
	want  []string
}

type ruleScenario struct {
	name   string
	series []series
	checks []alertCheck
	// step is the evaluation interval of every group (default 1m; keep it
	// within the 5m lookback so that recorded series never go stale).
	step time.Duration
}

// rulesFile writes the PrometheusRule's groups as a plain Prometheus rule
// file (what the operator hands to Prometheus).
func rulesFile(t *testing.T) string {
	t.Helper()
	b, err := sigsyaml.Marshal(prometheusRule(t).Spec)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "newsfeed.rules.yaml")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// runScenario evaluates every rule group at its interval over the series,
// as Prometheus would, and compares the firing alerts at each check.
func runScenario(t *testing.T, file string, sc ruleScenario) {
	var load strings.Builder
	load.WriteString("load 1m\n")
	length := 0
	for _, s := range sc.series {
		vals := make([]string, len(s.values))
		for i, v := range s.values {
			vals[i] = strconv.FormatFloat(v, 'f', -1, 64)
		}
		fmt.Fprintf(&load, "  %s %s\n", s.metric, strings.Join(vals, " "))
		length = max(length, len(s.values))
	}
	suite, err := promqltest.NewLazyLoader(load.String(), promqltest.LazyLoaderOpts{EnableAtModifier: true, EnableNegativeOffset: true})
	if err != nil {
		t.Fatalf("series: %v", err)
	}
	defer suite.Close()
	suite.SubqueryInterval = time.Minute
	mgr := rules.NewManager(&rules.ManagerOptions{
		QueryFunc:    rules.EngineQueryFunc(suite.QueryEngine(), suite.Storage()),
		AppendableV2: suite.Storage(),
		Context:      context.Background(),
		NotifyFunc:   func(context.Context, string, ...*rules.Alert) {},
		Logger:       promslog.NewNopLogger(),
	})
	groups, errs := mgr.LoadGroups(time.Minute, labels.EmptyLabels(), "", nil, false, file)
	if len(errs) > 0 {
		t.Fatalf("Prometheus does not load the rules: %v", errs)
	}
	var ordered []*rules.Group
	for _, g := range groups {
		ordered = append(ordered, g)
		for _, r := range g.Rules() {
			if ar, ok := r.(*rules.AlertingRule); ok {
				ar.SetRestored(true)
			}
		}
	}
	sort.Slice(ordered, func(i, j int) bool { return ordered[i].Name() < ordered[j].Name() }) // recording before alerts
	checks := append([]alertCheck(nil), sc.checks...)
	sort.Slice(checks, func(i, j int) bool { return checks[i].at < checks[j].at })
	start := time.Unix(0, 0).UTC()
	end := checks[len(checks)-1].at
	if time.Duration(length)*time.Minute < end {
		t.Fatalf("the series are shorter than the last check")
	}
	step := sc.step
	if step == 0 {
		step = time.Minute
	}
	for ts := start; !ts.After(start.Add(end)); ts = ts.Add(step) {
		suite.WithSamplesTill(ts, func(err error) {
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range ordered {
				if ts.Sub(start)%max(g.Interval(), step) != 0 {
					continue
				}
				g.Eval(suite.Context(), ts)
				for _, r := range g.Rules() {
					if err := r.LastError(); err != nil {
						t.Fatalf("rule %s at %v: %v", r.Name(), ts.Sub(start), err)
					}
				}
			}
		})
		for len(checks) > 0 && checks[0].at == ts.Sub(start) {
			c := checks[0]
			checks = checks[1:]
			var got []string
			for _, g := range ordered {
				for _, ar := range g.AlertingRules() {
					if ar.Name() != c.alert {
						continue
					}
					for _, a := range ar.ActiveAlerts() {
						if a.State == rules.StateFiring {
							got = append(got, labelString(a.Labels))
						}
					}
				}
			}
			sort.Strings(got)
			want := append([]string(nil), c.want...)
			sort.Strings(want)
			if strings.Join(got, " | ") != strings.Join(want, " | ") {
				t.Errorf("%s at %v: firing %q, want %q", c.alert, c.at, got, want)
			}
		}
	}
	for _, c := range checks {
		t.Errorf("%s at %v: not a multiple of the %v evaluation step, never checked", c.alert, c.at, step)
	}
}

func labelString(ls labels.Labels) string {
	var parts []string
	ls.Range(func(l labels.Label) { parts = append(parts, l.Name+"="+l.Value) })
	return strings.Join(parts, ",")
}

// TestAlertRules runs the recording and alerting rules through Prometheus's
// own rule engine on synthetic series, minute by minute, and checks that
// each alert fires when it should and stays quiet when it should.
func TestAlertRules(t *testing.T) {
	if testing.Short() {
		t.Skip("evaluates the rules over simulated days")
	}
	file := rulesFile(t)
	const ns = `namespace="news"`
	scenarios := []ruleScenario{
		{
			name: "feed failing from minute 60 (5m interval)",
			series: []series{
				{`newsfeed_feed_consecutive_failures{` + ns + `,pod="a",feed="F"}`, minutes(200, func(m int) float64 {
					if m < 60 {
						return 0
					}
					return float64(1 + (m-60)/10)
				})},
				{`newsfeed_feed_last_success_timestamp_seconds{` + ns + `,pod="a",feed="F"}`, minutes(200, func(m int) float64 {
					return float64(min(m, 59) / 5 * 5 * 60)
				})},
				{`newsfeed_feed_fetches_total{` + ns + `,pod="a",feed="F",result="ok"}`, minutes(200, func(m int) float64 { return float64(min(m, 59) / 5) })},
				{`newsfeed_feed_fetches_total{` + ns + `,pod="a",feed="F",result="timeout"}`, minutes(200, func(m int) float64 { return float64(max(0, m-50) / 10) })},
			},
			checks: []alertCheck{
				{at: 100 * time.Minute, alert: "NewsfeedFeedFailing"},
				{at: 118 * time.Minute, alert: "NewsfeedFeedFailing"},
				{at: 140 * time.Minute, alert: "NewsfeedFeedFailing", want: []string{"alertname=NewsfeedFeedFailing,feed=F,namespace=news,severity=warning"}},
			},
		},
		{
			name: "a streak left on a replica after the feed recovered elsewhere",
			series: []series{
				{`newsfeed_feed_consecutive_failures{` + ns + `,pod="a",feed="F"}`, minutes(240, func(m int) float64 { return b2f(m >= 30) })},
				{`newsfeed_feed_consecutive_failures{` + ns + `,pod="b",feed="F"}`, minutes(240, func(int) float64 { return 0 })},
				{`newsfeed_feed_last_success_timestamp_seconds{` + ns + `,pod="b",feed="F"}`, minutes(240, func(m int) float64 { return float64(m / 5 * 5 * 60) })},
				{`newsfeed_feed_fetches_total{` + ns + `,pod="a",feed="F",result="timeout"}`, minutes(240, func(m int) float64 { return b2f(m >= 30) })},
				{`newsfeed_feed_fetches_total{` + ns + `,pod="b",feed="F",result="ok"}`, minutes(240, func(m int) float64 { return float64(m / 5) })},
			},
			checks: []alertCheck{{at: 200 * time.Minute, alert: "NewsfeedFeedFailing"}},
		},
		{
			name: "a source that published every 10 minutes for 8 hours goes silent",
			step: 2 * time.Minute,
			series: []series{
				{`newsfeed_articles_published_total{` + ns + `,pod="a",source="s",language="en"}`, minutes(480+90, func(m int) float64 {
					return float64(min(m, 480) / 10)
				})},
				{`newsfeed_articles_published_total{` + ns + `,pod="a",source="busy",language="en"}`, minutes(480+90, func(m int) float64 { return float64(m / 10) })},
			},
			checks: []alertCheck{
				{at: 480 * time.Minute, alert: "NewsfeedSourceSilent"},
				{at: (480 + 30) * time.Minute, alert: "NewsfeedSourceSilent"},
				{at: (480 + 80) * time.Minute, alert: "NewsfeedSourceSilent", want: []string{"alertname=NewsfeedSourceSilent,namespace=news,severity=warning,source=s"}},
			},
		},
		{
			name: "authors stop being found after 12 hours",
			step: 2 * time.Minute,
			series: func() []series {
				n := 720 + 240
				drop := 720
				s := []series{{`newsfeed_extractions_total{` + ns + `,pod="a",source="s",method="generic"}`, minutes(n, func(m int) float64 { return float64(m) })}}
				for _, f := range []string{"title", "text"} {
					s = append(s, series{`newsfeed_extraction_field_present_total{` + ns + `,pod="a",source="s",field="` + f + `"}`, minutes(n, func(m int) float64 { return float64(m) })})
				}
				s = append(s, series{`newsfeed_extraction_field_present_total{` + ns + `,pod="a",source="s",field="authors"}`, minutes(n, func(m int) float64 { return float64(min(m, drop)) })})
				return s
			}(),
			checks: []alertCheck{
				{at: (720 + 30) * time.Minute, alert: "NewsfeedExtractionCompletenessDropped"},
				{at: (720 + 230) * time.Minute, alert: "NewsfeedExtractionCompletenessDropped", want: []string{"alertname=NewsfeedExtractionCompletenessDropped,field=authors,namespace=news,severity=warning,source=s"}},
			},
		},
		{
			name: "dead letters: one is not growth, six an hour is",
			series: []series{
				{`newsfeed_dead_letters_total{` + ns + `,pod="a",stage="sink"}`, minutes(120, func(m int) float64 { return float64(m / 10) })},
				{`newsfeed_dead_letters_total{` + ns + `,pod="a",stage="scrape"}`, minutes(120, func(m int) float64 { return b2f(m >= 20) })},
			},
			checks: []alertCheck{
				{at: 20 * time.Minute, alert: "NewsfeedDeadLettersGrowing"},
				{at: 90 * time.Minute, alert: "NewsfeedDeadLettersGrowing", want: []string{"alertname=NewsfeedDeadLettersGrowing,namespace=news,severity=warning,stage=sink"}},
			},
		},
		{
			name: "a backlog that keeps growing and one that is large but steady",
			series: []series{
				{`newsfeed_consumer_pending_messages{` + ns + `,pod="a",consumer="scraper"}`, minutes(120, func(m int) float64 { return float64(10 * m) })},
				{`newsfeed_consumer_pending_messages{` + ns + `,pod="b",consumer="scraper"}`, minutes(120, func(m int) float64 { return float64(10 * m) })},
				{`newsfeed_consumer_pending_messages{` + ns + `,pod="a",consumer="sink-jsonl"}`, minutes(120, func(int) float64 { return 5000 })},
			},
			checks: []alertCheck{
				{at: 30 * time.Minute, alert: "NewsfeedConsumerLagGrowing"},
				{at: 100 * time.Minute, alert: "NewsfeedConsumerLagGrowing", want: []string{"alertname=NewsfeedConsumerLagGrowing,consumer=scraper,namespace=news,severity=warning"}},
			},
		},
		{
			name: "one replica turns unready, then all",
			series: []series{
				{`newsfeed_ready{` + ns + `,pod="a",job="newsfeed"}`, minutes(90, func(m int) float64 { return b2f(m < 20) })},
				{`newsfeed_ready{` + ns + `,pod="b",job="newsfeed"}`, minutes(90, func(m int) float64 { return b2f(m < 50) })},
				{`up{` + ns + `,pod="a",job="newsfeed"}`, minutes(90, func(int) float64 { return 1 })},
				{`up{` + ns + `,pod="b",job="newsfeed"}`, minutes(90, func(int) float64 { return 1 })},
			},
			checks: []alertCheck{
				{at: 25 * time.Minute, alert: "NewsfeedReplicaNotReady"},
				{at: 35 * time.Minute, alert: "NewsfeedReplicaNotReady", want: []string{"alertname=NewsfeedReplicaNotReady,namespace=news,pod=a,severity=warning"}},
				{at: 35 * time.Minute, alert: "NewsfeedDown"},
				{at: 60 * time.Minute, alert: "NewsfeedDown", want: []string{"alertname=NewsfeedDown,namespace=news,severity=critical"}},
			},
		},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			runScenario(t, file, sc)
		})
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
