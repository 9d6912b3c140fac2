package mailq_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/meedoen/meedoen/internal/mail"
	"github.com/meedoen/meedoen/internal/mailq"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/testkit"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

func newPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	url := testkit.NewDatabase(t, testkit.Schema{Name: "mailq", Sets: []pg.MigrationSet{mailq.Migrations()}})
	return testkit.NewPool(t, url, "mailq")
}

// enqueue commits mails in one transaction, with fn (if any) run in it too.
func enqueue(t *testing.T, pool *pgxpool.Pool, ms []mailq.Mail, fn func(tx pgx.Tx) error) {
	t.Helper()
	err := pg.InTx(context.Background(), pool, func(tx pgx.Tx) error {
		for _, m := range ms {
			if err := mailq.Enqueue(context.Background(), tx, m); err != nil {
				return err
			}
		}
		if fn != nil {
			return fn(tx)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func queueLength(t *testing.T, pool *pgxpool.Pool) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM outgoing_mail`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func startMailbox(t *testing.T) (*mail.DevMailbox, *mail.SMTP) {
	t.Helper()
	mb, err := mail.NewDevMailbox(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = mb.Run(ctx) })
	t.Cleanup(func() { cancel(); wg.Wait() })
	host, port, _ := net.SplitHostPort(mb.Addr())
	p, _ := strconv.Atoi(port)
	s, err := mail.NewSMTP(mail.SMTPConfig{Host: host, Port: p, From: "noreply@meedoen.test", TLS: mail.TLSNone})
	if err != nil {
		t.Fatal(err)
	}
	return mb, s
}

// runWorker runs w until the test ends.
func runWorker(t *testing.T, w *mailq.Worker) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := w.Run(ctx); err != nil {
			t.Errorf("worker: %v", err)
		}
	})
	t.Cleanup(func() { cancel(); wg.Wait() })
}

func TestQueuedMailIsDeliveredOnceWithTwoWorkers(t *testing.T) {
	pool := newPool(t)
	mb, sender := startMailbox(t)
	const n = 30
	var ms []mailq.Mail
	var want []string
	for i := range n {
		to := fmt.Sprintf("inwoner%02d@example.nl", i)
		want = append(want, "<"+to+">")
		ms = append(ms, mailq.Mail{To: to, Subject: "Uitkomst", Text: "Het verslag is er.", Kind: "feedback", Batch: "report-1"})
	}
	enqueue(t, pool, ms, func(tx pgx.Tx) error {
		_, err := mailq.Expect(context.Background(), tx, "feedback", "report-1", n)
		return err
	})

	var mu sync.Mutex
	var settled []mailq.Batch
	cfg := mailq.WorkerConfig{Sender: sender, BatchSize: 4, Interval: 10 * time.Millisecond,
		Settled: map[string]mailq.SettleFunc{"feedback": func(_ context.Context, _ pgx.Tx, b mailq.Batch) error {
			mu.Lock()
			defer mu.Unlock()
			settled = append(settled, b)
			return nil
		}}}
	for range 2 {
		w, err := mailq.NewWorker(pool, cfg)
		if err != nil {
			t.Fatal(err)
		}
		runWorker(t, w)
	}

	testkit.CheckFor(t, 10*time.Second, 20*time.Millisecond, func() error {
		if q := queueLength(t, pool); q > 0 {
			return fmt.Errorf("%d mails still queued", q)
		}
		return nil
	})
	stored, err := mb.Messages()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range stored {
		got = append(got, m.To)
	}
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("recipients in the mailbox (-want +got):\n%s", diff)
	}
	b, err := mailq.BatchOf(context.Background(), pool, "feedback", "report-1")
	if err != nil {
		t.Fatal(err)
	}
	wantBatch := mailq.Batch{Kind: "feedback", Key: "report-1", Sent: n, Expected: n}
	if diff := cmp.Diff(wantBatch, b); diff != "" {
		t.Errorf("batch (-want +got):\n%s", diff)
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff([]mailq.Batch{wantBatch}, settled); diff != "" {
		t.Errorf("settled batches (-want +got):\n%s", diff)
	}
}

// failingSender fails every send with err and counts the attempts.
type failingSender struct {
	mu    sync.Mutex
	err   error
	calls int
}

func (f *failingSender) Send(context.Context, mail.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	return f.err
}

func TestFailingMailIsRetriedThenGivenUp(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		wantCalls int
	}{
		{name: "temporary failure: tried MaxAttempts times", err: errors.New("451 try later"), wantCalls: 3},
		{name: "rejection: tried once", err: fmt.Errorf("sending mail: %w: 550", mail.ErrRejected), wantCalls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pool := newPool(t)
			enqueue(t, pool, []mailq.Mail{{To: "inwoner@example.nl", Subject: "s", Text: "t", Kind: "feedback", Batch: "r"}},
				func(tx pgx.Tx) error {
					_, err := mailq.Expect(context.Background(), tx, "feedback", "r", 1)
					return err
				})
			sender := &failingSender{err: tt.err}
			var settled int
			w, err := mailq.NewWorker(pool, mailq.WorkerConfig{Sender: sender, MaxAttempts: 3,
				Backoff: time.Millisecond, MaxBackoff: 4 * time.Millisecond,
				Settled: map[string]mailq.SettleFunc{"feedback": func(context.Context, pgx.Tx, mailq.Batch) error {
					settled++
					return nil
				}}})
			if err != nil {
				t.Fatal(err)
			}
			testkit.CheckFor(t, 5*time.Second, 5*time.Millisecond, func() error {
				if _, err := w.SendDue(context.Background()); err != nil {
					return err
				}
				if q := queueLength(t, pool); q > 0 {
					return fmt.Errorf("%d mails still queued", q)
				}
				return nil
			})
			if sender.calls != tt.wantCalls {
				t.Errorf("sender called %d times, want %d", sender.calls, tt.wantCalls)
			}
			b, err := mailq.BatchOf(context.Background(), pool, "feedback", "r")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(mailq.Batch{Kind: "feedback", Key: "r", Failed: 1, Expected: 1}, b); diff != "" {
				t.Errorf("batch (-want +got):\n%s", diff)
			}
			if settled != 1 {
				t.Errorf("batch settled %d times, want 1", settled)
			}
		})
	}
}

func TestRetryWaitsForItsTime(t *testing.T) {
	pool := newPool(t)
	enqueue(t, pool, []mailq.Mail{{To: "inwoner@example.nl", Subject: "s", Text: "t", Kind: "invitation"}}, nil)
	sender := &failingSender{err: errors.New("451 try later")}
	w, err := mailq.NewWorker(pool, mailq.WorkerConfig{Sender: sender, Backoff: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := w.SendDue(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if sender.calls != 1 {
		t.Errorf("sender called %d times within the backoff, want 1", sender.calls)
	}
	var attempts int
	var lastError string
	if err := pool.QueryRow(context.Background(), `SELECT attempts, last_error FROM outgoing_mail`).Scan(&attempts, &lastError); err != nil {
		t.Fatal(err)
	}
	if attempts != 1 || lastError != "451 try later" {
		t.Errorf("queued mail has attempts %d, last error %q; want 1, %q", attempts, lastError, "451 try later")
	}
}

func TestMailOfARolledBackTransactionIsNeverSent(t *testing.T) {
	pool := newPool(t)
	errRollback := errors.New("roll back")
	err := pg.InTx(context.Background(), pool, func(tx pgx.Tx) error {
		if err := mailq.Enqueue(context.Background(), tx, mailq.Mail{To: "a@example.nl", Subject: "s", Text: "t", Kind: "invitation"}); err != nil {
			return err
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		t.Fatal(err)
	}
	if q := queueLength(t, pool); q != 0 {
		t.Errorf("%d mails queued after a rollback, want 0", q)
	}
}

func TestExpectingNoMailSettlesTheBatchAtOnce(t *testing.T) {
	pool := newPool(t)
	var first, second bool
	err := pg.InTx(context.Background(), pool, func(tx pgx.Tx) (err error) {
		if first, err = mailq.Expect(context.Background(), tx, "feedback", "r", 0); err != nil {
			return err
		}
		second, err = mailq.Expect(context.Background(), tx, "feedback", "r", 0)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !first || second {
		t.Errorf("Expect settled: first %v, second %v; want true, false", first, second)
	}
}

func TestEnqueueRefusesAnIncompleteMail(t *testing.T) {
	pool := newPool(t)
	tests := []struct {
		name string
		m    mailq.Mail
	}{
		{"no recipient", mailq.Mail{Subject: "s", Text: "t", Kind: "invitation"}},
		{"no kind", mailq.Mail{To: "a@example.nl", Subject: "s", Text: "t"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := pg.InTx(context.Background(), pool, func(tx pgx.Tx) error {
				return mailq.Enqueue(context.Background(), tx, tt.m)
			})
			if err == nil {
				t.Error("Enqueue succeeded, want an error")
			}
		})
	}
}

// An attachment, such as a focus-group session's iCalendar invitation,
// arrives as it was enqueued, with its content type and method.
func TestAttachmentsArriveAsQueued(t *testing.T) {
	pool := newPool(t)
	mb, sender := startMailbox(t)
	ics := "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
	want := []mail.Attachment{{Name: "uitnodiging.ics", ContentType: "text/calendar; charset=utf-8; method=REQUEST", Data: []byte(ics)}}
	enqueue(t, pool, []mailq.Mail{{To: "lid@example.nl", Subject: "Uitnodiging", Text: "Tot dan.", Kind: "session_invitation",
		Attachments: want}}, nil)
	w, err := mailq.NewWorker(pool, mailq.WorkerConfig{Sender: sender, Interval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	runWorker(t, w)
	var got []mail.Stored
	testkit.CheckFor(t, 10*time.Second, 20*time.Millisecond, func() error {
		got, err = mb.Messages()
		if err == nil && len(got) != 1 {
			err = fmt.Errorf("%d messages in the mailbox", len(got))
		}
		return err
	})
	if got[0].Text != "Tot dan." {
		t.Errorf("text %q, want the body beside the attachment", got[0].Text)
	}
	if diff := cmp.Diff(want, got[0].Attachments); diff != "" {
		t.Errorf("attachments (-want +got):\n%s", diff)
	}
}
