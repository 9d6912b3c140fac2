// Package config reads settings explicitly: flags whose defaults come from
// environment variables, and a printout of the resulting configuration with
// secrets masked, so that an operator sees at start what the program will
// use without the logs leaking a password.
package config

import (
	"os"
	"strconv"
	"time"
)

// The Env functions give a flag its default from the environment, e.g.
//
//	fs.String("database-url", config.Env("DATABASE_URL", ""), "PostgreSQL URL")
//
// so that a command-line flag beats the environment, which beats the
// built-in default. An unset or empty variable yields def. A variable that
// does not parse as the wanted type also yields def: a flag default has no
// way to report an error, and the configuration printed at start (see
// Print) shows which value won.

// Env returns the value of the environment variable name, or def when it is
// unset or empty.
func Env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// EnvInt returns the environment variable name as a decimal integer, or
// def when it is unset, empty or not an integer.
func EnvInt(name string, def int) int {
	return parseEnv(name, def, strconv.Atoi)
}

// EnvDuration returns the environment variable name as a Go duration such
// as "1m30s", or def when it is unset, empty or not a duration.
func EnvDuration(name string, def time.Duration) time.Duration {
	return parseEnv(name, def, time.ParseDuration)
}

// EnvBool returns the environment variable name as a boolean ("1", "true",
// "0", "false" and the other forms strconv.ParseBool accepts), or def when it
// is unset, empty or not a boolean.
func EnvBool(name string, def bool) bool {
	return parseEnv(name, def, strconv.ParseBool)
}

func parseEnv[T any](name string, def T, parse func(string) (T, error)) T {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	v, err := parse(s)
	if err != nil {
		return def
	}
	return v
}
