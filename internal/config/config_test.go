package config_test

import (
	"bytes"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/config"
)

func TestMask(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "postgres url", in: "postgres://app:s3cret@db:5432/meedoen?sslmode=disable", want: "postgres://app:********@db:5432/meedoen?sslmode=disable"},
		{name: "nats url", in: "nats://app:pw@nats:4222", want: "nats://app:********@nats:4222"},
		{name: "nats url list", in: "nats://a:pw1@n1:4222,nats://n2:4222,nats://b:pw2@n3:4222", want: "nats://a:********@n1:4222,nats://n2:4222,nats://b:********@n3:4222"},
		{name: "postgres multi-host", in: "postgres://app:pw@h1:5432,h2:5432/db", want: "postgres://app:********@h1:5432,h2:5432/db"},
		{name: "password with reserved characters", in: "postgres://app:p/w?x#y,z@db/meedoen", want: "postgres://app:********@db/meedoen"},
		{name: "user without password", in: "postgres://app@db/meedoen", want: "postgres://app@db/meedoen"},
		{name: "url without userinfo", in: "nats://127.0.0.1:4222", want: "nats://127.0.0.1:4222"},
		{name: "password in query", in: "postgres://db/meedoen?user=app&password=pw&sslmode=require", want: "postgres://db/meedoen?user=app&password=********&sslmode=require"},
		{name: "key value dsn", in: "host=db user=app password=pw dbname=meedoen", want: "host=db user=app password=******** dbname=meedoen"},
		{name: "key value dsn quoted", in: `host=db password='p w\'x' dbname=meedoen`, want: "host=db password=******** dbname=meedoen"},
		{name: "plain text", in: "all", want: "all"},
		{name: "empty", in: "", want: ""},
		{name: "at sign after whitespace", in: "see http://example.org or mail a:b@c", want: "see http://example.org or mail a:b@c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, config.Mask(tt.in)); diff != "" {
				t.Errorf("Mask(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

type printedConfig struct {
	Target   string
	Postgres struct {
		URL      string
		MaxConns int
	}
	NATS struct {
		URL   string
		Token string `secret:"true"`
	}
	Listen
	Timeout    time.Duration
	APIKey     string `secret:"true"`
	EmptyKey   string `secret:"true"`
	Public     *url.URL
	Missing    *url.URL
	Tags       []string
	unexported string
}

type Listen struct {
	HTTPAddr string
	GRPCAddr string
}

func TestPrint(t *testing.T) {
	t.Parallel()
	var cfg printedConfig
	cfg.Target = "all"
	cfg.Postgres.URL = "postgres://app:pgpw@db:5432/meedoen"
	cfg.Postgres.MaxConns = 10
	cfg.NATS.URL = "nats://app:natspw@nats:4222"
	cfg.NATS.Token = "tok"
	cfg.HTTPAddr = ":8080"
	cfg.GRPCAddr = ":9090"
	cfg.Timeout = 90 * time.Second
	cfg.APIKey = "key"
	cfg.Public = &url.URL{Scheme: "https", User: url.UserPassword("u", "urlpw"), Host: "example.org"}
	cfg.Tags = []string{"a", "b"}
	cfg.unexported = "hidden"

	for _, tt := range []struct {
		name string
		cfg  any
	}{
		{name: "pointer", cfg: &cfg},
		{name: "value", cfg: cfg},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			config.Print(&out, "meedoen configuration", tt.cfg)

			want := `meedoen configuration
  Target             all
  Postgres.URL       postgres://app:********@db:5432/meedoen
  Postgres.MaxConns  10
  NATS.URL           nats://app:********@nats:4222
  NATS.Token         ********
  HTTPAddr           :8080
  GRPCAddr           :9090
  Timeout            1m30s
  APIKey             ********
  EmptyKey           
  Public             https://u:********@example.org
  Missing            
  Tags               [a b]
`
			if diff := cmp.Diff(want, out.String()); diff != "" {
				t.Errorf("Print output (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEnvDefaults(t *testing.T) {
	tests := []struct {
		name string
		set  *string // nil leaves the variable unset
		got  func() any
		want any
	}{
		{name: "string set", set: ptr("x"), got: func() any { return config.Env("TEST_CONFIG_VAR", "def") }, want: "x"},
		{name: "string unset", got: func() any { return config.Env("TEST_CONFIG_VAR", "def") }, want: "def"},
		{name: "string empty", set: ptr(""), got: func() any { return config.Env("TEST_CONFIG_VAR", "def") }, want: "def"},
		{name: "int set", set: ptr("42"), got: func() any { return config.EnvInt("TEST_CONFIG_VAR", 7) }, want: 42},
		{name: "int unset", got: func() any { return config.EnvInt("TEST_CONFIG_VAR", 7) }, want: 7},
		{name: "int malformed", set: ptr("4x"), got: func() any { return config.EnvInt("TEST_CONFIG_VAR", 7) }, want: 7},
		{name: "duration set", set: ptr("1m30s"), got: func() any { return config.EnvDuration("TEST_CONFIG_VAR", time.Second) }, want: 90 * time.Second},
		{name: "duration unset", got: func() any { return config.EnvDuration("TEST_CONFIG_VAR", time.Second) }, want: time.Second},
		{name: "duration malformed", set: ptr("90"), got: func() any { return config.EnvDuration("TEST_CONFIG_VAR", time.Second) }, want: time.Second},
		{name: "bool set true", set: ptr("true"), got: func() any { return config.EnvBool("TEST_CONFIG_VAR", false) }, want: true},
		{name: "bool set 0", set: ptr("0"), got: func() any { return config.EnvBool("TEST_CONFIG_VAR", true) }, want: false},
		{name: "bool unset", got: func() any { return config.EnvBool("TEST_CONFIG_VAR", true) }, want: true},
		{name: "bool malformed", set: ptr("yes please"), got: func() any { return config.EnvBool("TEST_CONFIG_VAR", true) }, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// t.Setenv restores the variable afterwards; it rules out
			// t.Parallel, which is why this table runs in sequence.
			t.Setenv("TEST_CONFIG_VAR", "")
			if tt.set != nil {
				t.Setenv("TEST_CONFIG_VAR", *tt.set)
			} else if err := os.Unsetenv("TEST_CONFIG_VAR"); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, tt.got()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func ptr(s string) *string { return &s }
