package config

import (
	"fmt"
	"os"
	"strings"
)

// LoadSecretFiles lets secrets come from files, as container platforms
// hand them over (Docker and Compose secrets under /run/secrets, Kubernetes
// Secrets mounted as volumes), so that a secret need not sit in the
// environment a container engine shows to whoever can inspect it.
//
// For each name, when the variable name_FILE is set, the file it names is
// read and its content, without trailing line breaks, becomes the value of
// the variable name in this process's environment, where Env and the flag
// defaults find it, and name_FILE is unset (so a second call finds nothing
// more to do, rather than both set). An empty file gives an empty value,
// which is the setting left out: Compose needs every secret file it names
// to exist, and an optional secret (an OIDC client secret, an SMTP
// password) may then be an empty file; the configuration printed at start
// shows such a secret empty rather than masked. Setting both name and
// name_FILE is an error, and so is a file that cannot be read: a secret
// that was asked for must not silently become no secret. An error names
// the variables and the file, never the content.
func LoadSecretFiles(names ...string) error {
	for _, name := range names {
		fileVar := name + "_FILE"
		path := os.Getenv(fileVar)
		if path == "" {
			continue
		}
		if os.Getenv(name) != "" {
			return fmt.Errorf("%s and %s are both set: set one", name, fileVar)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("%s: %w", fileVar, err)
		}
		v := strings.TrimRight(string(b), "\r\n")
		if err := os.Setenv(name, v); err != nil {
			return fmt.Errorf("%s: %w", fileVar, err)
		}
		if err := os.Unsetenv(fileVar); err != nil {
			return fmt.Errorf("%s: %w", fileVar, err)
		}
	}
	return nil
}
