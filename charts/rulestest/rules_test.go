// Package rulestest checks the chart's Prometheus alert rules and Grafana
// dashboards: the rules load with Prometheus' own rule parser, every
// expression parses as PromQL, and every metric they name is one Meedoen
// serves (testdata/metrics.txt). It is a module of its own so that
// Prometheus does not enter Meedoen's.
package rulestest

import (
	"bufio"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
)

const (
	rulesFile     = "../meedoen/rules/meedoen.rules.yaml"
	dashboardsDir = "../meedoen/dashboards"
	metricsFile   = "testdata/metrics.txt"
)

var promql = parser.NewParser(parser.Options{})

// exported reads the metric names Meedoen serves, plus what Prometheus
// adds of its own.
func exported(t *testing.T) map[string]bool {
	t.Helper()
	f, err := os.Open(metricsFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	names := map[string]bool{"up": true}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" && !strings.HasPrefix(line, "#") {
			names[line] = true
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(names) < 10 {
		t.Fatalf("%s lists %d metrics, want the whole list", metricsFile, len(names))
	}
	return names
}

// metricsIn returns the metric names expr selects.
func metricsIn(t *testing.T, expr string) []string {
	t.Helper()
	node, err := promql.ParseExpr(expr)
	if err != nil {
		t.Errorf("expression does not parse: %v\n%s", err, expr)
		return nil
	}
	var names []string
	parser.Inspect(node, func(n parser.Node, _ []parser.Node) error {
		vs, ok := n.(*parser.VectorSelector)
		if !ok {
			return nil
		}
		name := vs.Name
		for _, m := range vs.LabelMatchers {
			if m.Name == labels.MetricName && m.Type == labels.MatchEqual {
				name = m.Value
			}
		}
		if name == "" {
			t.Errorf("selector %s names no metric", vs)
		}
		names = append(names, name)
		return nil
	})
	return names
}

func loadRules(t *testing.T) *rulefmt.RuleGroups {
	t.Helper()
	groups, errs := rulefmt.ParseFile(rulesFile, false, model.UTF8Validation, promql, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, err := range errs {
		t.Error(err)
	}
	if groups == nil {
		t.FailNow()
	}
	return groups
}

// The rules load with Prometheus' parser, alert on what an operator of
// several replicas must hear about, and each says how bad and what.
func TestRulesLoad(t *testing.T) {
	groups := loadRules(t)
	var alerts []string
	for _, g := range groups.Groups {
		for _, r := range g.Rules {
			if r.Alert == "" {
				continue
			}
			alerts = append(alerts, r.Alert)
			if s := r.Labels["severity"]; s != "warning" && s != "critical" {
				t.Errorf("%s: severity %q, want warning or critical", r.Alert, s)
			}
			for _, a := range []string{"summary", "description"} {
				if r.Annotations[a] == "" {
					t.Errorf("%s has no %s", r.Alert, a)
				}
			}
		}
	}
	for _, want := range []string{"MeedoenConsumerLagging", "MeedoenOutboxStalled", "MeedoenDeadLetters", "MeedoenNotReady"} {
		if !slices.Contains(alerts, want) {
			t.Errorf("no alert %s among %v", want, alerts)
		}
	}
}

// A rule file Prometheus would refuse fails the test: the check is real.
func TestRuleParserRefusesBrokenRules(t *testing.T) {
	bad := []byte("groups:\n  - name: x\n    rules:\n      - alert: Broken\n        expr: sum(rate(meedoen_outbox_pending[5m])\n")
	if _, errs := rulefmt.Parse(bad, false, model.UTF8Validation, promql, slog.New(slog.NewTextHandler(io.Discard, nil))); len(errs) == 0 {
		t.Error("a rule with an unbalanced parenthesis loaded")
	}
}

func TestRulesUseExportedMetrics(t *testing.T) {
	names := exported(t)
	for _, g := range loadRules(t).Groups {
		for _, r := range g.Rules {
			for _, name := range metricsIn(t, r.Expr) {
				if !names[name] {
					t.Errorf("rule %s uses %s, which Meedoen does not serve (%s)", r.Alert+r.Record, name, metricsFile)
				}
			}
		}
	}
}

// dashboard is what the test reads of a Grafana dashboard.
type dashboard struct {
	UID        string  `json:"uid"`
	Title      string  `json:"title"`
	Panels     []panel `json:"panels"`
	Templating struct {
		List []struct {
			Name  string `json:"name"`
			Type  string `json:"type"`
			Query any    `json:"query"`
		} `json:"list"`
	} `json:"templating"`
}

type panel struct {
	ID      int     `json:"id"`
	Type    string  `json:"type"`
	Title   string  `json:"title"`
	Panels  []panel `json:"panels"`
	Targets []struct {
		Expr string `json:"expr"`
	} `json:"targets"`
}

// grafanaVars stand in for Grafana's interval variables, which PromQL
// does not know.
var grafanaVars = strings.NewReplacer("$__rate_interval", "5m", "$__interval", "1m", "$__range", "1h")

// labelValues matches a template variable's query, label_values(selector, label).
var labelValues = regexp.MustCompile(`^label_values\((.+),\s*[a-zA-Z_][a-zA-Z0-9_]*\)$`)

func TestDashboards(t *testing.T) {
	names := exported(t)
	files, err := filepath.Glob(filepath.Join(dashboardsDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no dashboards in %s", dashboardsDir)
	}
	uids := map[string]string{}
	covered := map[string]bool{}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var d dashboard
			if err := json.Unmarshal(raw, &d); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
			if d.UID == "" || d.Title == "" {
				t.Errorf("uid %q, title %q: want both", d.UID, d.Title)
			}
			if other, dup := uids[d.UID]; dup {
				t.Errorf("uid %q also in %s", d.UID, other)
			}
			uids[d.UID] = file
			check := func(where, expr string) {
				for _, name := range metricsIn(t, grafanaVars.Replace(expr)) {
					covered[name] = true
					if !names[name] {
						t.Errorf("%s uses %s, which Meedoen does not serve (%s)", where, name, metricsFile)
					}
				}
			}
			ids := map[int]bool{}
			var walk func([]panel)
			walk = func(ps []panel) {
				for _, p := range ps {
					if ids[p.ID] {
						t.Errorf("panel id %d twice", p.ID)
					}
					ids[p.ID] = true
					if p.Type != "row" && len(p.Targets) == 0 {
						t.Errorf("panel %q has no query", p.Title)
					}
					for _, tg := range p.Targets {
						check("panel "+p.Title, tg.Expr)
					}
					walk(p.Panels)
				}
			}
			walk(d.Panels)
			for _, v := range d.Templating.List {
				if v.Type != "query" {
					continue
				}
				q, _ := v.Query.(map[string]any)
				query, _ := q["query"].(string)
				m := labelValues.FindStringSubmatch(query)
				if m == nil {
					t.Errorf("variable %s: query %q, want label_values(selector, label)", v.Name, query)
					continue
				}
				check("variable "+v.Name, m[1])
			}
		})
	}
	// What the issue asks the dashboards to show.
	for _, want := range []string{"http_server_request_duration_seconds_bucket", "meedoen_consumer_oldest_pending_age_seconds",
		"meedoen_outbox_oldest_pending_age_seconds", "meedoen_db_pool_connections"} {
		if !covered[want] {
			t.Errorf("no dashboard shows %s", want)
		}
	}
}
