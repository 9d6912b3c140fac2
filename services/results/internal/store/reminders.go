package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/mailq"
	"github.com/meedoen/meedoen/services/results/internal/advice"
	"github.com/meedoen/meedoen/services/results/internal/response"
)

// The reminders of one term, as the reminders table names them.
const (
	ReminderWeekBefore = "week_before"
	ReminderDeadline   = "deadline"
	ReminderOverdue    = "overdue"
)

// DueReminder is the reminder due for a response awaited: the furthest of
// a week before its deadline, on its deadline, and overdue that has come.
// A response found late (the loop did not run for a while) gets only the
// furthest, never the ones it overtook.
type DueReminder struct {
	Kind     string
	Advice   advice.Advice
	Response response.Response
	Settings Settings
	// MunicipalityName is the responding municipality's name, its code
	// while the tenancy projection does not know it.
	MunicipalityName string
}

// ReminderEffects composes what a due reminder queues: its mail and, for
// an overdue response, its event. An empty result claims the reminder
// all the same (nobody to tell stays nobody).
type ReminderEffects func(ctx context.Context, r DueReminder) ([]mailq.Mail, []events.Event, error)

// reminderDue returns the furthest reminder due at now for r, or "".
func reminderDue(r response.Response, now time.Time) string {
	if !r.Awaited() {
		return ""
	}
	t := r.Term()
	switch {
	case t.Passed(now):
		return ReminderOverdue
	case !now.Before(t.Deadline.Start()):
		return ReminderDeadline
	case !now.Before(t.Deadline.AddDays(-7).Start()):
		return ReminderWeekBefore
	}
	return ""
}

// SendReminders queues, at now, the reminder due for each response
// awaited, once per response, term round and kind: the claim (a row in
// reminders) is written in the transaction that queues the mail and the
// event, with the response's row locked, so replicas running the loop side
// by side send each once. It returns how many reminders it claimed.
func (s *Store) SendReminders(ctx context.Context, now time.Time, effects ReminderEffects) (int, error) {
	// A week and a day ahead covers the week-before reminder of a deadline
	// in any time zone; reminderDue decides exactly.
	rows, err := s.pool.Query(ctx, `SELECT advice_id, municipality FROM responses
WHERE status <> 'answered' AND due_at <= $1 ORDER BY due_at LIMIT 500`, now.Add(8*24*time.Hour+time.Hour))
	if err != nil {
		return 0, fmt.Errorf("finding responses awaited: %w", err)
	}
	type key struct{ advice, municipality string }
	var keys []key
	for rows.Next() {
		var k key
		if err := rows.Scan(&k.advice, &k.municipality); err != nil {
			rows.Close()
			return 0, fmt.Errorf("reading responses awaited: %w", err)
		}
		keys = append(keys, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("reading responses awaited: %w", err)
	}
	sent := 0
	for _, k := range keys {
		claimed, err := s.sendReminder(ctx, k.advice, k.municipality, now, effects)
		if err != nil {
			return sent, fmt.Errorf("reminding %s of advice %s: %w", k.municipality, k.advice, err)
		}
		if claimed {
			sent++
		}
	}
	return sent, nil
}

// sendReminder claims and queues the reminder due for one response, if
// any is due and no replica claimed it.
func (s *Store) sendReminder(ctx context.Context, adviceID, municipality string, now time.Time, effects ReminderEffects) (bool, error) {
	claimed := false
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		r, err := readResponse(ctx, tx, adviceID, municipality, true)
		if err != nil {
			return err
		}
		kind := reminderDue(r, now)
		if kind == "" {
			return nil
		}
		tag, err := tx.Exec(ctx, `INSERT INTO reminders (advice_id, municipality, round, kind, sent_at)
VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, adviceID, municipality, r.Round(), kind, now.UTC())
		if err != nil {
			return fmt.Errorf("claiming the %s reminder: %w", kind, err)
		}
		if tag.RowsAffected() == 0 {
			return nil
		}
		a, err := readAdvice(ctx, tx, adviceID, false)
		if err != nil {
			return err
		}
		st, err := readSettings(ctx, tx, municipality)
		if err != nil {
			return err
		}
		name := municipality
		if err := tx.QueryRow(ctx, `SELECT coalesce((SELECT name FROM tenant_municipalities WHERE code = $1), $1)`, municipality).Scan(&name); err != nil {
			return fmt.Errorf("reading the name of %s: %w", municipality, err)
		}
		mails, evs, err := effects(ctx, DueReminder{Kind: kind, Advice: a, Response: r, Settings: st, MunicipalityName: name})
		if err != nil {
			return err
		}
		for _, m := range mails {
			if err := mailq.Enqueue(ctx, tx, m); err != nil {
				return err
			}
		}
		if err := events.Enqueue(ctx, tx, evs...); err != nil {
			return err
		}
		claimed = true
		return nil
	})
	return claimed, err
}
