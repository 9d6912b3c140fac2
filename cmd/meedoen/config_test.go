package main

import (
	"bytes"
	"flag"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/config"
)

// The configuration printed at start goes to the logs: no secret may be in
// it, only whether it was given.
func TestPrintedConfigurationHidesSecrets(t *testing.T) {
	t.Parallel()
	secrets := map[string]string{
		"-internal-signing-key": "SIGNINGKEY",
		"-oidc-client-secret":   "CLIENTSECRET",
		"-session-key":          "SESSIONKEY",
		"-database-url":         "postgres://app:DBPASSWORD@db/meedoen",
		"-nats-url":             "nats://app:NATSPASSWORD@nats:4222",
	}
	var args []string
	for flag, value := range secrets {
		args = append(args, flag+"="+value)
	}
	cfg, err := parseConfig(args, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	config.Print(&out, "configuration:", cfg)
	for _, leak := range []string{"SIGNINGKEY", "CLIENTSECRET", "SESSIONKEY", "DBPASSWORD", "NATSPASSWORD"} {
		if strings.Contains(out.String(), leak) {
			t.Errorf("printed configuration shows %s:\n%s", leak, out.String())
		}
	}
}

func TestMinCellByNamesMunicipalitiesAndCounts(t *testing.T) {
	got, err := parseMinCellBy(" GM0453=10, GM0375=8 ,")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int{"GM0453": 10, "GM0375": 8}, got); diff != "" {
		t.Errorf("parseMinCellBy (-want +got):\n%s", diff)
	}
	for _, bad := range []string{"GM0453", "GM0453=0", "Velsen=10", "GM0453=ten"} {
		if _, err := parseMinCellBy(bad); err == nil {
			t.Errorf("parseMinCellBy(%q) accepted it", bad)
		}
	}
}

// -report-url reaches the surveys service only when it can lead a resident
// to the report the mail announces.
func TestReportURLNamesTheReport(t *testing.T) {
	t.Parallel()
	cfg, err := parseConfig([]string{"-report-url=https://meedoen.example.nl/verslagen/{id}"}, io.Discard)
	if err != nil || cfg.ReportURL != "https://meedoen.example.nl/verslagen/{id}" {
		t.Fatalf("parseConfig: %q, %v", cfg.ReportURL, err)
	}
	for _, bad := range []string{"https://meedoen.example.nl/verslagen", "/verslagen/{id}", "ftp://host/{id}", "https:///{id}"} {
		if _, err := parseConfig([]string{"-report-url=" + bad}, io.Discard); err == nil || !strings.Contains(err.Error(), "-report-url") {
			t.Errorf("-report-url=%s: %v, want an error naming the flag", bad, err)
		}
	}
}

// The README's table is where an administrator looks for the identity
// settings: every one of them must be there.
func TestREADMEListsEveryIdentitySetting(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	newFlagSet(&Config{}, io.Discard).VisitAll(func(f *flag.Flag) {
		if strings.HasPrefix(f.Name, "oidc-") || strings.HasPrefix(f.Name, "session-") || f.Name == "public-url" {
			if !strings.Contains(string(readme), "`-"+f.Name+"`") {
				missing = append(missing, "-"+f.Name)
			}
		}
	})
	if len(missing) > 0 {
		t.Errorf("README.md's settings table lacks %v", missing)
	}
}

func TestIdentitySettings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		wantErr bool
		check   func(Config) []string
	}{
		{
			name: "defaults",
			check: func(c Config) []string {
				return []string{c.OIDCScopes, c.OIDCAPIAudience, c.OIDCRecheckInterval.String(), c.SessionTTL.String()}
			},
		},
		{
			name: "lists, by commas or spaces",
			args: []string{"-oidc-scopes=openid profile allatclaims", "-oidc-api-audience=api://meedoen, meedoen"},
			check: func(c Config) []string {
				return append(splitList(c.OIDCScopes), splitList(c.OIDCAPIAudience)...)
			},
		},
		{name: "a recheck interval longer than the session", args: []string{"-oidc-recheck-interval=9h"}, wantErr: true},
		{name: "no recheck interval", args: []string{"-oidc-recheck-interval=0"}, wantErr: true},
	}
	want := map[string][]string{
		"defaults":                   {"openid profile", "", "1m0s", "8h0m0s"},
		"lists, by commas or spaces": {"openid", "profile", "allatclaims", "api://meedoen", "meedoen"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseConfig(tt.args, io.Discard)
			if tt.wantErr {
				if err == nil {
					t.Error("parseConfig accepted it")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want[tt.name], tt.check(cfg)); diff != "" {
				t.Errorf("settings (-want +got):\n%s", diff)
			}
		})
	}
}

// Each component's replicas report as one service of their own.
func TestServiceNameNamesTheComponent(t *testing.T) {
	t.Parallel()
	for target, want := range map[string]string{
		"councils": "meedoen-councils", "gateway": "meedoen-gateway", "all": "meedoen", "": "meedoen",
		"surveys,results": "meedoen",
	} {
		if got := serviceName(target); got != want {
			t.Errorf("serviceName(%q) = %q, want %q", target, got, want)
		}
	}
}
