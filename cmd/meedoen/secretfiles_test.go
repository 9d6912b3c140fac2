package main

import (
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Every secret setting can come from a file named by <VARIABLE>_FILE, the
// way deploy/compose.yaml and the Helm chart hand secrets over; a secret
// field added to Config without that fails here.
func TestConfigSecretsFromFiles(t *testing.T) {
	fields := map[string]string{ // Config field → environment variable
		"DatabaseURL":        "DATABASE_URL",
		"NATSURL":            "NATS_URL",
		"InternalSigningKey": "MEEDOEN_INTERNAL_SIGNING_KEY",
		"SessionKey":         "MEEDOEN_SESSION_KEY",
		"RespondentKey":      "MEEDOEN_RESPONDENT_KEY",
		"OIDCClientSecret":   "OIDC_CLIENT_SECRET",
		"SMTPPassword":       "MEEDOEN_SMTP_PASSWORD",
	}
	ct := reflect.TypeFor[Config]()
	for i := range ct.NumField() {
		if f := ct.Field(i); f.Tag.Get("secret") == "true" {
			if _, ok := fields[f.Name]; !ok {
				t.Errorf("Config.%s is secret but cannot come from a file: add its variable to secretEnv and here", f.Name)
			}
		}
	}
	dir := t.TempDir()
	for field, name := range fields {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte("from-file-"+field+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		t.Setenv(name, "")
		t.Setenv(name+"_FILE", path)
	}
	cfg, err := parseConfig(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cv := reflect.ValueOf(cfg)
	for field := range fields {
		if got := cv.FieldByName(field).String(); got != "from-file-"+field {
			t.Errorf("Config.%s = %q, want the content of its file", field, got)
		}
	}

	// A variable set twice is refused, naming both and not the value.
	t.Setenv("MEEDOEN_SESSION_KEY", "TWICE")
	t.Setenv("MEEDOEN_SESSION_KEY_FILE", filepath.Join(dir, "MEEDOEN_SESSION_KEY"))
	if _, err := parseConfig(nil, io.Discard); err == nil || !strings.Contains(err.Error(), "MEEDOEN_SESSION_KEY_FILE") || strings.Contains(err.Error(), "TWICE") {
		t.Errorf("parseConfig with MEEDOEN_SESSION_KEY and its file both set: %v", err)
	}
}
