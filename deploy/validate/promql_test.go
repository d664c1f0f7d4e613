package validate

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"text/template"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/promql/parser"
	corev1 "k8s.io/api/core/v1"
)

// promExpr is one PromQL expression and where it comes from.
type promExpr struct {
	where, expr string
}

// Series that Prometheus itself adds to every scrape target.
var prometheusSynthesized = map[string]bool{"up": true}

func prometheusRule(t testing.TB) *monitoringv1.PrometheusRule {
	t.Helper()
	return one[monitoringv1.PrometheusRule](t, render(t, "base"), "PrometheusRule")
}

// ruleExprs returns every rule expression and the names the rules record.
func ruleExprs(t testing.TB) ([]promExpr, map[string]bool) {
	t.Helper()
	var out []promExpr
	recorded := map[string]bool{}
	for _, g := range prometheusRule(t).Spec.Groups {
		for _, r := range g.Rules {
			name := r.Alert
			if r.Record != "" {
				name = r.Record
				recorded[r.Record] = true
			}
			out = append(out, promExpr{where: "rule " + g.Name + "/" + name, expr: r.Expr.String()})
		}
	}
	return out, recorded
}

// grafanaVars stands in for the dashboard's variables so that its queries
// parse as PromQL.
var grafanaVars = regexp.MustCompile(`\$\{?(__rate_interval|__interval|__range|[A-Za-z_][A-Za-z0-9_]*)\}?`)

func substituteGrafana(s string) string {
	return grafanaVars.ReplaceAllStringFunc(s, func(v string) string {
		name := strings.Trim(v, "${}")
		if strings.HasPrefix(name, "__") {
			return "5m"
		}
		return "x"
	})
}

// dashboardExprs returns every query of the dashboard: panel targets
// (rows included) and the label_values() selectors of its variables.
func dashboardExprs(t testing.TB) []promExpr {
	t.Helper()
	var dash struct {
		Panels     []json.RawMessage `json:"panels"`
		Templating struct {
			List []struct {
				Name  string          `json:"name"`
				Type  string          `json:"type"`
				Query json.RawMessage `json:"query"`
			} `json:"list"`
		} `json:"templating"`
	}
	if err := json.Unmarshal(mustRead(t, dashboardFile), &dash); err != nil {
		t.Fatalf("dashboard: %v", err)
	}
	var out []promExpr
	var walk func([]json.RawMessage)
	walk = func(panels []json.RawMessage) {
		for _, raw := range panels {
			var p struct {
				Title   string            `json:"title"`
				Panels  []json.RawMessage `json:"panels"`
				Targets []struct {
					Expr string `json:"expr"`
				} `json:"targets"`
			}
			if err := json.Unmarshal(raw, &p); err != nil {
				t.Fatalf("dashboard panel: %v", err)
			}
			for i, tg := range p.Targets {
				out = append(out, promExpr{where: fmt.Sprintf("panel %q target %d", p.Title, i), expr: substituteGrafana(tg.Expr)})
			}
			walk(p.Panels)
		}
	}
	walk(dash.Panels)
	labelValues := regexp.MustCompile(`^label_values\((.+),\s*[A-Za-z_][A-Za-z0-9_]*\)$`)
	for _, v := range dash.Templating.List {
		if v.Type != "query" {
			continue
		}
		var q struct {
			Query string `json:"query"`
		}
		if err := json.Unmarshal(v.Query, &q); err != nil {
			t.Fatalf("dashboard variable %s: %v", v.Name, err)
		}
		m := labelValues.FindStringSubmatch(q.Query)
		if m == nil {
			t.Fatalf("dashboard variable %s: query %q is not label_values(selector, label)", v.Name, q.Query)
		}
		out = append(out, promExpr{where: "variable " + v.Name, expr: substituteGrafana(m[1])})
	}
	return out
}

// metricNames returns the metric names an expression selects.
func metricNames(t testing.TB, e promExpr) []string {
	t.Helper()
	ast, err := parser.NewParser(parser.Options{}).ParseExpr(e.expr)
	if err != nil {
		t.Fatalf("%s: %v\n%s", e.where, err, e.expr)
	}
	var names []string
	parser.Inspect(ast, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok {
			name := vs.Name
			for _, m := range vs.LabelMatchers {
				if m.Name == model.MetricNameLabel {
					name = m.Value
				}
			}
			if name == "" {
				t.Errorf("%s: a selector without a metric name: %s", e.where, vs)
			}
			names = append(names, name)
		}
		return nil
	})
	return names
}

// TestPromQL parses every expression of the rules and the dashboard and
// checks the rules' own consistency. That each metric exists is checked
// against a running daemon in TestDaemon.
func TestPromQL(t *testing.T) {
	rules, recorded := ruleExprs(t)
	// job is the label the Prometheus Operator sets from the Service's name.
	job := one[corev1.Service](t, render(t, "overlays/prod"), "Service").Name
	for _, e := range append(rules, dashboardExprs(t)...) {
		for _, n := range metricNames(t, e) {
			if strings.Contains(n, ":") && !recorded[n] {
				t.Errorf("%s: %s looks like a recorded series but no rule records it", e.where, n)
			}
		}
		ast, _ := parser.NewParser(parser.Options{}).ParseExpr(e.expr)
		parser.Inspect(ast, func(n parser.Node, _ []parser.Node) error {
			if vs, ok := n.(*parser.VectorSelector); ok {
				for _, m := range vs.LabelMatchers {
					if m.Name == "job" && !m.Matches(job) {
						t.Errorf("%s: %s does not match job %q (the Service's name)", e.where, m, job)
					}
				}
			}
			return nil
		})
	}

	readme := strings.ToLower(string(mustRead(t, deployReadme)))
	funcs := template.FuncMap{}
	for _, f := range []string{"humanize", "humanize1024", "humanizeDuration", "humanizePercentage", "humanizeTimestamp", "title", "toUpper", "toLower", "printf"} {
		funcs[f] = func(...any) string { return "" }
	}
	alerts := map[string]bool{}
	recordedExprs := map[string]string{}
	for _, g := range prometheusRule(t).Spec.Groups {
		for _, r := range g.Rules {
			if r.Record != "" {
				recordedExprs[r.Record] = r.Expr.String()
			}
		}
	}
	for _, g := range prometheusRule(t).Spec.Groups {
		if g.Interval != nil {
			if _, err := model.ParseDuration(string(*g.Interval)); err != nil {
				t.Errorf("group %s: interval %q: %v", g.Name, *g.Interval, err)
			}
		}
		for _, r := range g.Rules {
			if r.Record != "" {
				if r.Alert != "" || !regexp.MustCompile(`^newsfeed:[a-z0-9_]+(:[a-z0-9_]+)?$`).MatchString(r.Record) {
					t.Errorf("recording rule %q: name it level:metric:operations (newsfeed:...)", r.Record)
				}
				continue
			}
			if alerts[r.Alert] {
				t.Errorf("alert %s is defined twice", r.Alert)
			}
			alerts[r.Alert] = true
			if r.For != nil {
				if _, err := model.ParseDuration(string(*r.For)); err != nil {
					t.Errorf("alert %s: for %q: %v", r.Alert, *r.For, err)
				}
			}
			if sev := r.Labels["severity"]; sev != "warning" && sev != "critical" {
				t.Errorf("alert %s: severity %q, want warning or critical", r.Alert, sev)
			}
			for _, a := range []string{"summary", "description", "runbook"} {
				if r.Annotations[a] == "" {
					t.Errorf("alert %s: no %s annotation", r.Alert, a)
				}
			}
			// Annotations are Go templates that Prometheus runs with these
			// variables defined; every $labels.X must be a label that the
			// expression's result keeps.
			kept := outputLabels(t, r.Expr.String(), recordedExprs)
			for k, v := range r.Annotations {
				const prelude = "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}"
				if _, err := template.New(k).Funcs(funcs).Parse(prelude + v); err != nil {
					t.Errorf("alert %s: annotation %s does not parse as a template: %v", r.Alert, k, err)
				}
				for _, m := range regexp.MustCompile(`\$labels\.([A-Za-z_][A-Za-z0-9_]*)`).FindAllStringSubmatch(v, -1) {
					if kept != nil && !kept[m[1]] {
						t.Errorf("alert %s: annotation %s uses $labels.%s, which the expression drops (it keeps %v)", r.Alert, k, m[1], kept)
					}
				}
			}
			// The runbook anchor is a heading of deploy/README.md.
			anchor := strings.TrimPrefix(r.Annotations["runbook"], "deploy/README.md#")
			if anchor != strings.ToLower(r.Alert) || !strings.Contains(readme, "\n### "+anchor+"\n") {
				t.Errorf("alert %s: runbook %q: want deploy/README.md#%s and a heading '### %s' there", r.Alert, r.Annotations["runbook"], strings.ToLower(r.Alert), r.Alert)
			}
		}
	}
	// The alerts the issue asks for.
	for _, want := range []string{"NewsfeedFeedFailing", "NewsfeedSourceSilent", "NewsfeedExtractionCompletenessDropped",
		"NewsfeedDeadLettersGrowing", "NewsfeedConsumerLagGrowing", "NewsfeedReplicaNotReady"} {
		if !alerts[want] {
			t.Errorf("alert %s is missing", want)
		}
	}
}

// checkNamesExposed fails for every metric named by a rule or the dashboard
// that the daemon does not expose (histograms expose _bucket, _sum, _count).
func checkNamesExposed(t *testing.T, families map[string]string) {
	exposed := map[string]bool{}
	for name, typ := range families {
		switch typ {
		case "histogram":
			for _, s := range []string{"_bucket", "_sum", "_count"} {
				exposed[name+s] = true
			}
		case "summary":
			exposed[name], exposed[name+"_sum"], exposed[name+"_count"] = true, true, true
		default:
			exposed[name] = true
		}
	}
	rules, recorded := ruleExprs(t)
	missing := map[string][]string{}
	for _, e := range append(rules, dashboardExprs(t)...) {
		for _, n := range metricNames(t, e) {
			if !exposed[n] && !recorded[n] && !prometheusSynthesized[n] {
				missing[n] = append(missing[n], e.where)
			}
		}
	}
	var names []string
	for n := range missing {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		t.Errorf("%s is not exposed by the daemon; used by %s", n, strings.Join(missing[n], ", "))
	}
}

// outputLabels returns the labels an expression's result series carry, as
// far as the expression decides them (aggregations, matching, recorded
// series); nil means "whatever the scraped series carry".
func outputLabels(t testing.TB, expr string, recorded map[string]string) map[string]bool {
	t.Helper()
	ast, err := parser.NewParser(parser.Options{}).ParseExpr(expr)
	if err != nil {
		t.Fatalf("%v\n%s", err, expr)
	}
	var labelsOf func(n parser.Node) (set map[string]bool, scalar bool)
	labelsOf = func(n parser.Node) (map[string]bool, bool) {
		switch n := n.(type) {
		case *parser.NumberLiteral, *parser.StringLiteral:
			return nil, true
		case *parser.ParenExpr:
			return labelsOf(n.Expr)
		case *parser.UnaryExpr:
			return labelsOf(n.Expr)
		case *parser.SubqueryExpr:
			return labelsOf(n.Expr)
		case *parser.StepInvariantExpr:
			return labelsOf(n.Expr)
		case *parser.MatrixSelector:
			return labelsOf(n.VectorSelector)
		case *parser.VectorSelector:
			if e, ok := recorded[n.Name]; ok {
				return outputLabels(t, e, recorded), false
			}
			return nil, false
		case *parser.AggregateExpr:
			switch {
			case n.Op == parser.TOPK || n.Op == parser.BOTTOMK || n.Op == parser.LIMITK || n.Op == parser.LIMIT_RATIO:
				return labelsOf(n.Expr) // these keep the series as they are
			case n.Without:
				return nil, false
			}
			set := map[string]bool{}
			for _, l := range n.Grouping {
				set[l] = true
			}
			return set, false
		case *parser.Call:
			if n.Func.ReturnType == parser.ValueTypeScalar || len(n.Args) == 0 {
				return nil, true
			}
			for _, a := range n.Args {
				if a.Type() == parser.ValueTypeVector || a.Type() == parser.ValueTypeMatrix {
					return labelsOf(a)
				}
			}
			return nil, true
		case *parser.BinaryExpr:
			l, ls := labelsOf(n.LHS)
			r, rs := labelsOf(n.RHS)
			switch {
			case ls && rs:
				return nil, true
			case ls:
				return r, false
			case rs:
				return l, false
			}
			if n.Op == parser.LOR {
				if l == nil || r == nil {
					return nil, false
				}
				both := map[string]bool{}
				for k := range l {
					if r[k] {
						both[k] = true
					}
				}
				return both, false
			}
			if n.VectorMatching != nil && n.VectorMatching.Card == parser.CardOneToMany {
				return r, false
			}
			return l, false
		}
		return nil, false
	}
	set, _ := labelsOf(ast)
	return set
}
