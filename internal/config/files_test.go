package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meedoen/meedoen/internal/config"
)

// writeSecret writes content to a file of its own and returns its path.
func writeSecret(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadSecretFilesReadsTheFile(t *testing.T) {
	// t.Setenv restores both variables afterwards (and rules out
	// t.Parallel): LoadSecretFiles sets TEST_SECRET in the process.
	t.Setenv("TEST_SECRET", "")
	t.Setenv("TEST_SECRET_FILE", writeSecret(t, "s3cret with spaces \n\n"))
	t.Setenv("TEST_OTHER", "")
	t.Setenv("TEST_OTHER_FILE", "")
	if err := config.LoadSecretFiles("TEST_SECRET", "TEST_OTHER"); err != nil {
		t.Fatal(err)
	}
	if got := config.Env("TEST_SECRET", "def"); got != "s3cret with spaces " {
		t.Errorf("TEST_SECRET = %q, want the file's content without the trailing line breaks", got)
	}
	if got := config.Env("TEST_OTHER", "def"); got != "def" {
		t.Errorf("TEST_OTHER = %q, want it left unset without a file", got)
	}
	// A second call (a second parse of the flags) finds the file used up.
	if err := config.LoadSecretFiles("TEST_SECRET", "TEST_OTHER"); err != nil {
		t.Errorf("second call: %v", err)
	}
}

func TestLoadSecretFilesLeavesTheEnvironmentAloneWithoutFile(t *testing.T) {
	t.Setenv("TEST_SECRET", "from-env")
	t.Setenv("TEST_SECRET_FILE", "")
	if err := config.LoadSecretFiles("TEST_SECRET"); err != nil {
		t.Fatal(err)
	}
	if got := os.Getenv("TEST_SECRET"); got != "from-env" {
		t.Errorf("TEST_SECRET = %q, want from-env", got)
	}
}

// An empty file is a secret left out: Compose wants every file it names.
func TestLoadSecretFilesEmptyFileLeavesTheSettingOut(t *testing.T) {
	t.Setenv("TEST_SECRET", "")
	t.Setenv("TEST_SECRET_FILE", writeSecret(t, "\n"))
	if err := config.LoadSecretFiles("TEST_SECRET"); err != nil {
		t.Fatal(err)
	}
	if got := config.Env("TEST_SECRET", "def"); got != "def" {
		t.Errorf("TEST_SECRET = %q from an empty file, want the default", got)
	}
}

func TestLoadSecretFilesRefuses(t *testing.T) {
	tests := []struct {
		name     string
		value    string
		file     func(t *testing.T) string
		wantErr  string
		notInErr string
	}{
		{name: "both set", value: "from-env", file: func(t *testing.T) string { return writeSecret(t, "FILESECRET") }, wantErr: "TEST_SECRET and TEST_SECRET_FILE are both set", notInErr: "FILESECRET"},
		{name: "missing file", file: func(t *testing.T) string { return filepath.Join(t.TempDir(), "absent") }, wantErr: "TEST_SECRET_FILE: open"},
		{name: "a directory", file: func(t *testing.T) string { return t.TempDir() }, wantErr: "TEST_SECRET_FILE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("TEST_SECRET", tt.value)
			t.Setenv("TEST_SECRET_FILE", tt.file(t))
			err := config.LoadSecretFiles("TEST_SECRET")
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("LoadSecretFiles: %v, want an error with %q", err, tt.wantErr)
			}
			if tt.notInErr != "" && strings.Contains(err.Error(), tt.notInErr) {
				t.Errorf("error %q shows the secret", err)
			}
			if got := os.Getenv("TEST_SECRET"); got != tt.value {
				t.Errorf("TEST_SECRET = %q after a refusal, want it unchanged (%q)", got, tt.value)
			}
		})
	}
}
