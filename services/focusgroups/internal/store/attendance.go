package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/pg"
)

// maxWalkIns bounds the walk-ins of one role.
const maxWalkIns = 500

// Marked is one member on an attendance sheet.
type Marked struct {
	MemberID string
	Present  bool
}

// WalkIns counts people of a role who came without being members; nothing
// else about them is kept.
type WalkIns struct {
	Role  string
	Count int
}

// Sheet is a session's attendance.
type Sheet struct {
	SessionID string
	Members   []Marked
	WalkIns   []WalkIns
	// Present counts who was there per role, members and walk-ins
	// together (read only).
	Present map[string]int
	// UpdatedAt is when the sheet last changed (read only).
	UpdatedAt time.Time
}

// Total is everyone present.
func (s Sheet) Total() int {
	n := 0
	for _, c := range s.Present {
		n += c
	}
	return n
}

// RecordAttendance replaces the attendance sheet of a session of the group
// with groupID, if access allows, until the session is marked held. Every
// member it names must be one of the group's; walk-ins are a count per
// role.
func (s *Store) RecordAttendance(ctx context.Context, groupID, sessionID string, sheet Sheet, access Access) (Sheet, error) {
	var v errs.Violations
	seen := map[string]bool{}
	for i, m := range sheet.Members {
		switch {
		case !isUUID(m.MemberID):
			v.Add(fmt.Sprintf("/members/%d/memberId", i), "is not a member of this focus group")
		case seen[m.MemberID]:
			v.Add(fmt.Sprintf("/members/%d/memberId", i), "is listed before")
		}
		seen[m.MemberID] = true
	}
	roles := map[string]bool{}
	for i, w := range sheet.WalkIns {
		if roles[w.Role] {
			v.Add(fmt.Sprintf("/walkIns/%d/role", i), "is listed before; give one count per role")
		}
		roles[w.Role] = true
		if w.Count < 1 || w.Count > maxWalkIns {
			v.Add(fmt.Sprintf("/walkIns/%d/count", i), fmt.Sprintf("must be from 1 to %d", maxWalkIns))
		}
	}
	if err := v.Err(); err != nil {
		return Sheet{}, err
	}
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		g, err := readGroup(ctx, tx, groupID, "FOR KEY SHARE")
		if err != nil {
			return err
		}
		if err := access(g); err != nil {
			return err
		}
		paths, keys := make([]string, len(sheet.WalkIns)), make([]string, len(sheet.WalkIns))
		for i, w := range sheet.WalkIns {
			paths[i], keys[i] = fmt.Sprintf("/walkIns/%d/role", i), w.Role
		}
		if err := s.checkRoles(g.Tenant(), paths, keys); err != nil {
			return err
		}
		ss, err := readSession(ctx, tx, g.ID(), sessionID, "FOR UPDATE")
		if err != nil {
			return err
		}
		if err := ss.CheckAttendance(); err != nil {
			return err
		}
		ids := make([]string, len(sheet.Members))
		present := make([]bool, len(sheet.Members))
		for i, m := range sheet.Members {
			ids[i], present[i] = m.MemberID, m.Present
		}
		rows, err := tx.Query(ctx, `SELECT id::text FROM members WHERE group_id = $1 AND id = ANY($2::uuid[])`, g.ID(), ids)
		if err != nil {
			return fmt.Errorf("checking the members on an attendance sheet: %w", err)
		}
		known, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return fmt.Errorf("checking the members on an attendance sheet: %w", err)
		}
		for i, id := range ids {
			if !slices.Contains(known, id) {
				v.Add(fmt.Sprintf("/members/%d/memberId", i), "is not a member of this focus group")
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		roleList := make([]string, len(sheet.WalkIns))
		counts := make([]int32, len(sheet.WalkIns))
		for i, w := range sheet.WalkIns {
			roleList[i], counts[i] = w.Role, int32(w.Count)
		}
		b := &pgx.Batch{}
		b.Queue(`DELETE FROM attendance WHERE session_id = $1`, ss.ID())
		b.Queue(`DELETE FROM walk_ins WHERE session_id = $1`, ss.ID())
		b.Queue(`INSERT INTO attendance (session_id, member_id, present) SELECT $1, id, present FROM unnest($2::uuid[], $3::boolean[]) AS t(id, present)`,
			ss.ID(), ids, present)
		b.Queue(`INSERT INTO walk_ins (session_id, role, count) SELECT $1, role, n FROM unnest($2::text[], $3::int[]) AS t(role, n)`,
			ss.ID(), roleList, counts)
		b.Queue(`UPDATE sessions SET attendance_updated_at = $2 WHERE id = $1`, ss.ID(), s.now().UTC())
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return fmt.Errorf("storing attendance: %w", err)
		}
		return nil
	})
	if err != nil {
		return Sheet{}, err
	}
	return s.sheet(ctx, s.pool, sessionID)
}

// Attendance returns the attendance sheet of a session of the group with
// groupID, if access allows.
func (s *Store) Attendance(ctx context.Context, groupID, sessionID string, access Access) (Sheet, error) {
	g, err := readGroup(ctx, s.pool, groupID, "")
	if err != nil {
		return Sheet{}, err
	}
	if err := access(g); err != nil {
		return Sheet{}, err
	}
	if _, err := readSession(ctx, s.pool, g.ID(), sessionID, ""); err != nil {
		return Sheet{}, err
	}
	return s.sheet(ctx, s.pool, sessionID)
}

// sheet reads a session's attendance sheet.
func (s *Store) sheet(ctx context.Context, q querier, sessionID string) (Sheet, error) {
	out := Sheet{SessionID: sessionID, Present: map[string]int{}}
	rows, err := q.Query(ctx, `SELECT a.member_id::text, a.present, m.role FROM attendance a JOIN members m ON m.id = a.member_id
WHERE a.session_id = $1 ORDER BY a.member_id`, sessionID)
	if err != nil {
		return Sheet{}, fmt.Errorf("reading attendance: %w", err)
	}
	for rows.Next() {
		var m Marked
		var role string
		if err := rows.Scan(&m.MemberID, &m.Present, &role); err != nil {
			rows.Close()
			return Sheet{}, fmt.Errorf("reading attendance: %w", err)
		}
		out.Members = append(out.Members, m)
		if m.Present {
			out.Present[role]++
		}
	}
	if err := rows.Err(); err != nil {
		return Sheet{}, fmt.Errorf("reading attendance: %w", err)
	}
	rows, err = q.Query(ctx, `SELECT role, count FROM walk_ins WHERE session_id = $1 ORDER BY role`, sessionID)
	if err != nil {
		return Sheet{}, fmt.Errorf("reading walk-ins: %w", err)
	}
	for rows.Next() {
		var w WalkIns
		if err := rows.Scan(&w.Role, &w.Count); err != nil {
			rows.Close()
			return Sheet{}, fmt.Errorf("reading walk-ins: %w", err)
		}
		out.WalkIns = append(out.WalkIns, w)
		out.Present[w.Role] += w.Count
	}
	if err := rows.Err(); err != nil {
		return Sheet{}, fmt.Errorf("reading walk-ins: %w", err)
	}
	var at *time.Time
	if err := q.QueryRow(ctx, `SELECT attendance_updated_at FROM sessions WHERE id = $1`, sessionID).Scan(&at); err != nil {
		return Sheet{}, fmt.Errorf("reading attendance: %w", err)
	}
	out.UpdatedAt = timeOf(at)
	return out, nil
}
