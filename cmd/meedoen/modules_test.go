package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func names(mods []module) []string {
	out := make([]string, len(mods))
	for i, m := range mods {
		out[i] = m.name
	}
	return out
}

// -target picks its components and what they need, in start order:
// PostgreSQL before the services (which migrate), NATS before the
// platform (whose streams they provision), the HTTP listener in every
// process, and the demo data wherever the councils service runs.
func TestTargetsPickTheirModules(t *testing.T) {
	t.Parallel()
	infra := []string{"telemetry", "health", "postgres", "nats", "keys", "platform"}
	gatewayParts := []string{"http", "conns", "sessions", "devidp", "api", "identity", "terms", "web", "gateway"}
	tests := []struct {
		target string
		want   []string
	}{
		{"councils", append(infra, "councils", "http", "demo")},
		{"focusgroups", []string{"telemetry", "health", "focusgroup-roles", "postgres", "nats", "keys", "platform", "mail", "focusgroups", "http"}},
		{"surveys", []string{"telemetry", "health", "neighbourhoods", "postgres", "nats", "keys", "platform", "mail", "surveys", "http"}},
		{"gateway", append([]string{"telemetry", "health", "postcodes", "postgres", "nats", "keys", "platform", "mail"}, gatewayParts...)},
		{" gateway , surveys", append([]string{"telemetry", "health", "postcodes", "neighbourhoods", "postgres", "nats", "keys", "platform", "mail", "surveys"}, gatewayParts...)},
		{"all", names(modules())},
		{"", names(modules())},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			t.Parallel()
			got, err := pick(modules(), tt.target)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, names(got)); diff != "" {
				t.Errorf("modules (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTargetsAreComponentsOnly(t *testing.T) {
	t.Parallel()
	if diff := cmp.Diff([]string{"councils", "focusgroups", "surveys", "results", "gateway"}, components(modules())); diff != "" {
		t.Errorf("components (-want +got):\n%s", diff)
	}
	for _, target := range []string{"nonsense", "postgres", "councils,web", ","} {
		if _, err := pick(modules(), target); err == nil || !strings.Contains(err.Error(), "unknown component") {
			t.Errorf("-target=%s: %v, want an unknown component", target, err)
		}
	}
}

// A module can only depend on one that starts before it, so that the
// table's order is a start order.
func TestModulesDependOnEarlierOnes(t *testing.T) {
	t.Parallel()
	if _, err := pick(modules(), "all"); err != nil {
		t.Fatal(err)
	}
	table := []module{{name: "b", deps: []string{"a"}, target: true}, {name: "a", target: true}}
	if _, err := pick(table, "b"); err == nil || !strings.Contains(err.Error(), "b depends on a") {
		t.Errorf("a table out of order: %v, want an error", err)
	}
}
