package mailq

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/meedoen/meedoen/internal/backoff"
	"github.com/meedoen/meedoen/internal/mail"
	"github.com/meedoen/meedoen/internal/pg"
)

// Batch is the delivery count of one batch of mails.
type Batch struct {
	// Kind and Key name the batch (Mail.Kind and Mail.Batch).
	Kind, Key string
	// Sent and Failed count the mails settled so far.
	Sent, Failed int64
	// Expected is how many mails the batch holds, or -1 if unknown.
	Expected int64
}

// SettleFunc acts, inside the transaction tx that counts a batch's last
// mail, on the batch being settled: every mail sent or given up.
type SettleFunc func(ctx context.Context, tx pgx.Tx, b Batch) error

// WorkerConfig configures a Worker.
type WorkerConfig struct {
	// Sender delivers the mails.
	Sender mail.Sender
	// Log gets failures, never addresses.
	Log *slog.Logger
	// BatchSize is how many mails one transaction claims; 0 means 10.
	BatchSize int
	// Interval is how often an idle worker looks for due mail; 0 means a
	// second.
	Interval time.Duration
	// MaxAttempts is how many times a mail is tried before it is given
	// up; 0 means 6.
	MaxAttempts int
	// Backoff is the wait before the first retry, doubled for each
	// further one up to MaxBackoff; 0 means 30 seconds and an hour.
	Backoff, MaxBackoff time.Duration
	// SendTimeout bounds one delivery; 0 means a minute.
	SendTimeout time.Duration
	// Settled says, per kind, what to do when a batch of that kind with a
	// known Expected count is settled.
	Settled map[string]SettleFunc
	// Retry spaces the rounds after failed ones in a row, such as while
	// PostgreSQL is away; its zero value waits Interval, doubling up to
	// 30 s.
	Retry backoff.Backoff
}

func (c *WorkerConfig) defaults() {
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 10
	}
	if c.Interval <= 0 {
		c.Interval = time.Second
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 6
	}
	if c.Backoff <= 0 {
		c.Backoff = 30 * time.Second
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = time.Hour
	}
	if c.SendTimeout <= 0 {
		c.SendTimeout = time.Minute
	}
	if c.Retry.Min <= 0 {
		c.Retry.Min = c.Interval
	}
}

// Worker sends queued mail. Any number of workers, in one process or
// several, may share a queue: each claims its mails with FOR UPDATE SKIP
// LOCKED, so no mail is claimed by two at once.
//
// A worker holds its claim, a transaction, while it sends, and deletes the
// sent mails in that same transaction. Should the commit fail after the
// server took a mail, the mail is sent again: delivery is at least once,
// and exactly once whenever the database stays reachable.
type Worker struct {
	pool *pgxpool.Pool
	cfg  WorkerConfig
}

// NewWorker returns a worker on pool, whose search_path is the schema
// holding the queue.
func NewWorker(pool *pgxpool.Pool, cfg WorkerConfig) (*Worker, error) {
	if cfg.Sender == nil {
		return nil, errors.New("mail worker: no sender")
	}
	cfg.defaults()
	return &Worker{pool: pool, cfg: cfg}, nil
}

// Run sends due mail until ctx ends. A failing round is logged and tried
// again after Retry's wait, which grows while rounds keep failing; Run
// returns nil when ctx ends.
func (w *Worker) Run(ctx context.Context) error {
	retry := w.cfg.Retry
	for {
		n, err := w.SendDue(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			w.cfg.Log.WarnContext(ctx, "sending queued mail failed", "error", err, "failures_in_a_row", retry.Failures()+1)
			if !retry.Wait(ctx) {
				return nil
			}
			continue
		}
		retry.Reset()
		if n == w.cfg.BatchSize {
			continue // there may be more due right now
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(w.cfg.Interval):
		}
	}
}

// queued is a claimed mail.
type queued struct {
	id       string
	msg      mail.Message
	kind     string
	batch    string
	attempts int
}

// outcome is what became of a claimed mail.
type outcome struct {
	sent    bool
	gaveUp  bool
	errText string
}

// SendDue claims up to BatchSize due mails, sends them and records the
// outcome, in one transaction. It returns how many it claimed.
func (w *Worker) SendDue(ctx context.Context) (int, error) {
	var claimed int
	err := pg.InTx(ctx, w.pool, func(tx pgx.Tx) error {
		ms, err := claim(ctx, tx, w.cfg.BatchSize)
		if err != nil {
			return err
		}
		claimed = len(ms)
		if claimed == 0 {
			return nil
		}
		outs := make([]outcome, len(ms))
		for i, m := range ms {
			outs[i] = w.send(ctx, m)
		}
		return w.record(ctx, tx, ms, outs)
	})
	if err != nil {
		return claimed, fmt.Errorf("sending queued mail: %w", err)
	}
	return claimed, nil
}

func claim(ctx context.Context, tx pgx.Tx, n int) ([]queued, error) {
	const q = `SELECT id::text, to_address, subject, text_body, html_body, unsubscribe_url, language, kind, batch, attempts, attachments
FROM outgoing_mail
WHERE next_attempt_at <= now()
ORDER BY next_attempt_at
LIMIT $1
FOR UPDATE SKIP LOCKED`
	rows, err := tx.Query(ctx, q, n)
	if err != nil {
		return nil, fmt.Errorf("claiming mail: %w", err)
	}
	ms, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (queued, error) {
		var m queued
		var attachments []byte
		err := r.Scan(&m.id, &m.msg.To, &m.msg.Subject, &m.msg.Text, &m.msg.HTML, &m.msg.UnsubscribeURL,
			&m.msg.Language, &m.kind, &m.batch, &m.attempts, &attachments)
		if err != nil {
			return m, err
		}
		m.msg.Attachments, err = mailAttachments(attachments)
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("claiming mail: %w", err)
	}
	return ms, nil
}

// send delivers one mail and says what came of it.
func (w *Worker) send(ctx context.Context, m queued) outcome {
	sctx, cancel := context.WithTimeout(ctx, w.cfg.SendTimeout)
	defer cancel()
	err := w.cfg.Sender.Send(sctx, m.msg)
	if err == nil {
		return outcome{sent: true}
	}
	gaveUp := errors.Is(err, mail.ErrRejected) || m.attempts+1 >= w.cfg.MaxAttempts
	// The mail package's errors name no recipient, so they may be logged.
	w.cfg.Log.WarnContext(ctx, "mail not sent", "mail_id", m.id, "kind", m.kind, "attempt", m.attempts+1, "given_up", gaveUp, "error", err)
	return outcome{gaveUp: gaveUp, errText: err.Error()}
}

// record deletes the mails sent or given up, schedules the others' retry,
// and counts the settled ones per batch.
func (w *Worker) record(ctx context.Context, tx pgx.Tx, ms []queued, outs []outcome) error {
	var done []string
	type counts struct{ sent, failed int64 }
	perBatch := map[[2]string]counts{}
	for i, m := range ms {
		o := outs[i]
		if !o.sent && !o.gaveUp {
			delay := w.backoff(m.attempts + 1)
			const q = `UPDATE outgoing_mail SET attempts = attempts + 1, last_error = $2,
    next_attempt_at = now() + make_interval(secs => $3) WHERE id = $1`
			if _, err := tx.Exec(ctx, q, m.id, o.errText, delay.Seconds()); err != nil {
				return fmt.Errorf("scheduling a retry: %w", err)
			}
			continue
		}
		done = append(done, m.id)
		if m.batch == "" {
			continue
		}
		k := [2]string{m.kind, m.batch}
		c := perBatch[k]
		if o.sent {
			c.sent++
		} else {
			c.failed++
		}
		perBatch[k] = c
	}
	if len(done) > 0 {
		if _, err := tx.Exec(ctx, `DELETE FROM outgoing_mail WHERE id = ANY($1::uuid[])`, done); err != nil {
			return fmt.Errorf("deleting settled mail: %w", err)
		}
	}
	// Batches in a fixed order, so that concurrent workers lock their
	// counters in the same order.
	keys := slices.SortedFunc(maps.Keys(perBatch), func(a, b [2]string) int {
		return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]))
	})
	for _, k := range keys {
		c := perBatch[k]
		if err := w.count(ctx, tx, k[0], k[1], c.sent, c.failed); err != nil {
			return err
		}
	}
	return nil
}

// count adds to a batch's counters and, if that settles the batch, marks
// it settled and runs its kind's SettleFunc. The upsert locks the row, so
// of two workers finishing the same batch only one sees it settle.
func (w *Worker) count(ctx context.Context, tx pgx.Tx, kind, batch string, sent, failed int64) error {
	const q = `INSERT INTO mail_batches (kind, batch, sent, failed) VALUES ($1, $2, $3, $4)
ON CONFLICT (kind, batch) DO UPDATE
SET sent = mail_batches.sent + excluded.sent, failed = mail_batches.failed + excluded.failed
RETURNING sent, failed, coalesce(expected, -1), settled_at IS NOT NULL`
	b := Batch{Kind: kind, Key: batch}
	var settled bool
	if err := tx.QueryRow(ctx, q, kind, batch, sent, failed).Scan(&b.Sent, &b.Failed, &b.Expected, &settled); err != nil {
		return fmt.Errorf("counting mail batch: %w", err)
	}
	if settled || b.Expected < 0 || b.Sent+b.Failed < b.Expected {
		return nil
	}
	return w.settle(ctx, tx, b)
}

func (w *Worker) settle(ctx context.Context, tx pgx.Tx, b Batch) error {
	if err := markSettled(ctx, tx, b.Kind, b.Key); err != nil {
		return err
	}
	if fn := w.cfg.Settled[b.Kind]; fn != nil {
		if err := fn(ctx, tx, b); err != nil {
			return fmt.Errorf("settling %s batch: %w", b.Kind, err)
		}
	}
	return nil
}

func markSettled(ctx context.Context, tx pgx.Tx, kind, batch string) error {
	if _, err := tx.Exec(ctx, `UPDATE mail_batches SET settled_at = now() WHERE kind = $1 AND batch = $2`, kind, batch); err != nil {
		return fmt.Errorf("settling mail batch: %w", err)
	}
	return nil
}

// backoff is the wait before attempt number n+1, after n failures.
func (w *Worker) backoff(n int) time.Duration {
	d := w.cfg.Backoff
	for i := 1; i < n && d < w.cfg.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, w.cfg.MaxBackoff)
}

// Expect records, in the transaction that enqueues a batch's mails, how
// many the batch holds. It reports whether that already settles the batch
// (as it does for zero mails); the caller then acts on it in tx, since no
// worker will.
func Expect(ctx context.Context, tx pgx.Tx, kind, batch string, n int64) (settled bool, err error) {
	const q = `INSERT INTO mail_batches (kind, batch, expected) VALUES ($1, $2, $3)
ON CONFLICT (kind, batch) DO UPDATE SET expected = excluded.expected
RETURNING sent + failed >= expected AND settled_at IS NULL`
	if err := tx.QueryRow(ctx, q, kind, batch, n).Scan(&settled); err != nil {
		return false, fmt.Errorf("expecting mail batch: %w", err)
	}
	if settled {
		if err := markSettled(ctx, tx, kind, batch); err != nil {
			return false, err
		}
	}
	return settled, nil
}

// Querier is what BatchOf reads with: a pool or a transaction.
type Querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// BatchOf returns the delivery count of a batch; a batch nothing was
// counted or expected for counts zeros with Expected -1.
func BatchOf(ctx context.Context, q Querier, kind, batch string) (Batch, error) {
	b := Batch{Kind: kind, Key: batch, Expected: -1}
	err := q.QueryRow(ctx, `SELECT sent, failed, coalesce(expected, -1) FROM mail_batches WHERE kind = $1 AND batch = $2`,
		kind, batch).Scan(&b.Sent, &b.Failed, &b.Expected)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return Batch{}, fmt.Errorf("reading mail batch: %w", err)
	}
	return b, nil
}
