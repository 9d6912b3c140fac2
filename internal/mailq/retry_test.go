package mailq_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/meedoen/meedoen/internal/backoff"
	"github.com/meedoen/meedoen/internal/mail"
	"github.com/meedoen/meedoen/internal/mailq"
	"github.com/meedoen/meedoen/internal/testkit"
)

// nobody is a sender that is never reached in these tests.
type nobody struct{}

func (nobody) Send(context.Context, mail.Message) error { return nil }

// While PostgreSQL is away the worker tries ever more slowly, up to a cap,
// instead of logging a warning every Interval for as long as it lasts.
func TestWorkerBacksOffWhileTheDatabaseIsAway(t *testing.T) {
	t.Parallel()
	pool, err := pgxpool.New(context.Background(), "postgres://nobody@127.0.0.1:1/none?connect_timeout=1")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	var logs testkit.Buffer
	w, err := mailq.NewWorker(pool, mailq.WorkerConfig{Sender: nobody{}, Interval: 10 * time.Millisecond,
		Log: slog.New(slog.NewTextHandler(&logs, nil)), Retry: backoff.Backoff{Max: 160 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 1200*time.Millisecond)
	defer cancel()
	if err := w.Run(ctx); err != nil {
		t.Fatal(err)
	}
	// 10, 20, 40, 80, 160, 160, … ms from Interval up: about 10, where
	// every Interval would make over 100.
	n := strings.Count(logs.String(), "sending queued mail failed")
	if n < 5 || n > 15 {
		t.Errorf("%d warnings in 1.2 s, want about 10:\n%s", n, logs.String())
	}
	if !strings.Contains(logs.String(), "failures_in_a_row=5") {
		t.Errorf("the warnings do not count the failures in a row:\n%s", logs.String())
	}
}
