package health

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestLiveHandlerAnswersOK(t *testing.T) {
	t.Parallel()
	c := New()
	c.Add("broken", func(context.Context) error { return errors.New("down") })
	rec := httptest.NewRecorder()

	c.LiveHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))

	if rec.Code != http.StatusOK || rec.Body.String() != "ok\n" {
		t.Errorf("GET /healthz = %d %q, want 200 \"ok\\n\" whatever the dependencies", rec.Code, rec.Body.String())
	}
}

func pass(context.Context) error { return nil }

func TestReadyHandler(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		checks     map[string]func(context.Context) error
		wantCode   int
		wantReport report
	}{
		{
			name:       "no checks",
			wantCode:   http.StatusOK,
			wantReport: report{Status: "ok", Checks: map[string]string{}},
		},
		{
			name:       "all pass",
			checks:     map[string]func(context.Context) error{"postgres": pass, "nats": pass},
			wantCode:   http.StatusOK,
			wantReport: report{Status: "ok", Checks: map[string]string{"postgres": "ok", "nats": "ok"}},
		},
		{
			name: "one fails",
			checks: map[string]func(context.Context) error{
				"postgres": func(context.Context) error {
					return errors.New("pinging postgres: failed to connect to `user=meedoen_app database=meedoen_db`: 10.1.2.3:5432 (db.internal): dial error")
				},
				"nats": pass,
			},
			wantCode: http.StatusServiceUnavailable,
			wantReport: report{Status: "unavailable", Checks: map[string]string{
				"postgres": "unavailable",
				"nats":     "ok",
			}},
		},
		{
			name: "one hangs until its timeout",
			checks: map[string]func(context.Context) error{
				"slow": func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() },
			},
			wantCode:   http.StatusServiceUnavailable,
			wantReport: report{Status: "unavailable", Checks: map[string]string{"slow": "unavailable"}},
		},
		{
			name: "one panics",
			checks: map[string]func(context.Context) error{
				"buggy": func(context.Context) error { panic("boom") },
			},
			wantCode:   http.StatusServiceUnavailable,
			wantReport: report{Status: "unavailable", Checks: map[string]string{"buggy": "unavailable"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := New()
			for name, fn := range tt.checks {
				c.Add(name, fn)
			}
			rec := httptest.NewRecorder()

			var logs bytes.Buffer
			c.ReadyHandler(slog.New(slog.NewTextHandler(&logs, nil))).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))

			if rec.Code != tt.wantCode {
				t.Errorf("status = %d, want %d", rec.Code, tt.wantCode)
			}
			if got := rec.Header().Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", got)
			}
			var got report
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatalf("decoding %q: %v", rec.Body.String(), err)
			}
			if diff := cmp.Diff(tt.wantReport, got); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
			// The causes are for operators, in the log only.
			for name := range tt.checks {
				if got.Checks[name] != "ok" && !strings.Contains(logs.String(), "check="+name) {
					t.Errorf("log lacks the failure of %s:\n%s", name, logs.String())
				}
			}
			for _, secret := range []string{"meedoen_app", "meedoen_db", "10.1.2.3", "5432", "db.internal"} {
				if strings.Contains(rec.Body.String(), secret) {
					t.Errorf("body %q shows %q", rec.Body.String(), secret)
				}
			}
		})
	}
}

func TestCheckRunsChecksConcurrently(t *testing.T) {
	t.Parallel()
	// Each check waits for the other to start: run one after the other,
	// both would time out.
	var started sync.WaitGroup
	started.Add(2)
	meet := func(ctx context.Context) error {
		started.Done()
		waited := make(chan struct{})
		go func() { started.Wait(); close(waited) }()
		select {
		case <-waited:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	c := New()
	c.Add("a", meet)
	c.Add("b", meet)

	got := c.Check(t.Context())

	if diff := cmp.Diff(map[string]error{"a": nil, "b": nil}, got, cmp.Comparer(func(x, y error) bool { return errors.Is(x, y) })); diff != "" {
		t.Errorf("Check (-want +got):\n%s", diff)
	}
}

func TestAddReplacesCheckOfTheSameName(t *testing.T) {
	t.Parallel()
	c := New()
	c.Add("db", func(context.Context) error { return errors.New("old") })
	c.Add("db", pass)

	if err := c.Check(t.Context())["db"]; err != nil {
		t.Errorf("Check()[db] = %v, want the replacement's nil", err)
	}
}
