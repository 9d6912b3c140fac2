package store

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/services/focusgroups/internal/notice"
)

// reminderBatch bounds the sessions one round of SendReminders claims.
const reminderBatch = 20

// SendReminders queues the reminders that are due at now and reports how
// many it queued. A session's reminder is due from its group's reminder
// hours before it starts until it starts, for the active members with an
// address who have not said no and are not waiting for a seat; a session
// scheduled within that window gets none, as its invitation has just gone
// out.
//
// Each reminder is claimed by a row (session, member, start time) in the
// transaction that queues its mail, so that of several replicas only one
// sends it, and a session that moves gets a reminder for its new time
// only. Sessions are claimed with FOR UPDATE SKIP LOCKED, so replicas
// share the work instead of waiting for each other. Cancelled, held and
// started sessions are never due.
func (s *Store) SendReminders(ctx context.Context) (int, error) {
	sent := 0
	for {
		n, more, err := s.remindBatch(ctx)
		sent += n
		if err != nil || !more {
			return sent, err
		}
	}
}

// remindBatch queues the reminders of up to reminderBatch due sessions in
// one transaction.
func (s *Store) remindBatch(ctx context.Context) (sent int, more bool, err error) {
	now := s.now().UTC()
	err = pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT s.id::text, s.group_id::text FROM sessions s JOIN focus_groups g ON g.id = s.group_id
WHERE s.status = 'scheduled' AND s.starts_at > $1
  AND s.starts_at - make_interval(hours => g.reminder_hours) <= $1
  AND s.created_at < s.starts_at - make_interval(hours => g.reminder_hours)
  AND EXISTS (SELECT 1 FROM members m WHERE m.group_id = s.group_id AND m.status = 'active' AND m.email <> ''
      AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.session_id = s.id AND r.member_id = m.id AND r.starts_at = s.starts_at))
ORDER BY s.starts_at, s.id
LIMIT $2
FOR UPDATE OF s SKIP LOCKED`, now, reminderBatch+1)
		if err != nil {
			return fmt.Errorf("finding due reminders: %w", err)
		}
		type due struct{ session, group string }
		list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (due, error) {
			var d due
			return d, row.Scan(&d.session, &d.group)
		})
		if err != nil {
			return fmt.Errorf("finding due reminders: %w", err)
		}
		if len(list) > reminderBatch {
			list, more = list[:reminderBatch], true
		}
		for _, d := range list {
			n, err := s.remind(ctx, tx, d.group, d.session, now)
			if err != nil {
				return err
			}
			sent += n
		}
		return nil
	})
	if err != nil {
		return 0, false, err
	}
	return sent, more, nil
}

// remind claims and queues the reminders of one locked session.
func (s *Store) remind(ctx context.Context, tx pgx.Tx, groupID, sessionID string, now time.Time) (int, error) {
	g, err := readGroup(ctx, tx, groupID, "")
	if err != nil {
		return 0, err
	}
	ss, err := readSession(ctx, tx, groupID, sessionID, "")
	if err != nil {
		return 0, err
	}
	// The members' answers decide who is reminded: a "no" or a place in
	// line is not a seat to come to.
	rows, err := tx.Query(ctx, `INSERT INTO reminders (session_id, member_id, starts_at, sent_at)
SELECT $1, m.id, $2, $3 FROM members m LEFT JOIN rsvps r ON r.session_id = $1 AND r.member_id = m.id
WHERE m.group_id = $4 AND m.status = 'active' AND m.email <> ''
  AND coalesce(r.state, '') NOT IN ('declined', 'waitlisted')
ON CONFLICT DO NOTHING
RETURNING member_id::text`, ss.ID(), ss.StartsAt(), now, g.ID())
	if err != nil {
		return 0, fmt.Errorf("claiming reminders: %w", err)
	}
	claimed, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return 0, fmt.Errorf("claiming reminders: %w", err)
	}
	// Those not reminded are marked too, so that the session is not found
	// due again for them.
	if _, err := tx.Exec(ctx, `INSERT INTO reminders (session_id, member_id, starts_at, sent_at)
SELECT $1, m.id, $2, $3 FROM members m WHERE m.group_id = $4 AND m.status = 'active' AND m.email <> ''
ON CONFLICT DO NOTHING`, ss.ID(), ss.StartsAt(), now, g.ID()); err != nil {
		return 0, fmt.Errorf("claiming reminders: %w", err)
	}
	for _, id := range claimed {
		m, err := readMember(ctx, tx, g.ID(), id, "")
		if err != nil {
			return 0, err
		}
		link, err := s.newMemberLink(ctx, tx, m.ID())
		if err != nil {
			return 0, err
		}
		r := recipient{id: m.ID(), name: m.Name(), email: m.Email(), language: m.Language()}
		if err := enqueue(ctx, tx, KindReminder, ss.ID(), r,
			notice.Reminder(letterGroup(g), letterSession(ss), notice.Recipient{Name: r.name, Email: r.email, Link: link, Language: r.language})); err != nil {
			return 0, err
		}
	}
	return len(claimed), nil
}
