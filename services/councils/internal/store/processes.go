package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/meedoen/meedoen/internal/cursor"
	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/revision"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/councils/internal/agenda"
	"github.com/meedoen/meedoen/services/councils/internal/council"
	"github.com/meedoen/meedoen/services/councils/internal/process"
)

// ProcessFilter narrows a list of processes. Empty fields do not filter.
type ProcessFilter struct {
	Visibility
	// Tenant keeps the processes of one municipality, including the
	// regional ones it takes part in, or of one region.
	Tenant string
	Theme  string
	Origin agenda.Origin
	Phase  process.Phase
}

// ProcessStart turns the question, read with its row locked, into the
// process that starts for it and the events that announce it.
type ProcessStart func(agenda.Question) (process.Process, []events.Event, error)

// ProcessChange turns a process, read with its row locked, into its
// changed self and the events that announce the change. The store adds the
// events of the records the change left pending (transitions, field
// activities), so every transition is published.
type ProcessChange func(process.Process) (process.Process, []events.Event, error)

// StartProcess stores the process start makes of the question with
// questionID. The question's row stays locked meanwhile, so two starts for
// one question cannot both succeed.
func (s *Store) StartProcess(ctx context.Context, questionID string, start ProcessStart) (process.Process, error) {
	var out process.Process
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q, err := readQuestion(ctx, tx, questionID, true)
		if err != nil {
			return err
		}
		p, evs, err := start(q)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO processes (id, question_id, phase, started_by, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6)`, p.ID(), p.QuestionID(), string(p.Phase()), p.StartedBy(), p.CreatedAt(), p.UpdatedAt())
		if isUniqueViolation(err) {
			return errs.New(errs.Conflict, "question %s already has a process", questionID)
		}
		if err != nil {
			return fmt.Errorf("inserting process: %w", err)
		}
		if err := saveProcess(ctx, tx, p, evs); err != nil {
			return err
		}
		p.ClearPending()
		out = p
		return nil
	})
	return out, err
}

// Process returns the process with id.
func (s *Store) Process(ctx context.Context, id string) (process.Process, error) {
	return readProcess(ctx, s.pool, id, false)
}

// Processes lists the processes f lets through, newest first.
func (s *Store) Processes(ctx context.Context, f ProcessFilter, p Page) ([]process.Process, string, error) {
	before, err := decodeIDCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+processColumns+` `+processFrom+`
WHERE `+questionsFiltered+`
  AND ($6 = '' OR p.phase = $6)
  AND ($7::uuid IS NULL OR p.id < $7::uuid)
ORDER BY p.id DESC LIMIT $8`,
		f.All, textArray(f.Tenants), f.Tenant, f.Theme, string(f.Origin), string(f.Phase), before, p.Limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("listing processes: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (process.Process, error) { return scanProcess(row) })
	if err != nil {
		return nil, "", fmt.Errorf("listing processes: %w", err)
	}
	list, next := cursor.Next(list, p.Limit, process.Process.ID)
	return list, next, nil
}

// UpdateProcess changes the process with id. The row is locked while
// change runs, so concurrent changes of one process serialise and their
// events reach the outbox in commit order. If the stored process is not
// the version every one of expected names, nothing changes and the error
// is Stale.
func (s *Store) UpdateProcess(ctx context.Context, id string, change ProcessChange, expected ...revision.Expected) (process.Process, error) {
	var out process.Process
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		p, err := updateProcess(ctx, tx, id, change, expected)
		out = p
		return err
	})
	return out, err
}

// ApplyToProcess applies what a consumed event with id source tells about
// the process with processID, in the consumer's transaction tx: apply sees
// the process with its row locked, and what it changes is stored with the
// events it causes. An event applied before (the same source recorded as
// input or milestone) is skipped and applied reports false. An unknown
// process gives a not-found error, which a consumer may ignore.
func ApplyToProcess(ctx context.Context, tx pgx.Tx, processID, source string, apply func(*process.Process) error) (applied bool, err error) {
	p, err := readProcess(ctx, tx, processID, true)
	if err != nil {
		return false, err
	}
	var seen bool
	err = tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM process_inputs WHERE source = $1)
OR EXISTS (SELECT 1 FROM process_milestones WHERE source = $1)`, source).Scan(&seen)
	if err != nil {
		return false, fmt.Errorf("checking whether %s was applied: %w", source, err)
	}
	if seen {
		return false, nil
	}
	if err := apply(&p); err != nil {
		return false, err
	}
	_, err = writeProcess(ctx, tx, p, nil)
	return true, err
}

func updateProcess(ctx context.Context, tx pgx.Tx, id string, change ProcessChange, expected []revision.Expected) (process.Process, error) {
	p, err := readProcess(ctx, tx, id, true)
	if err != nil {
		return process.Process{}, err
	}
	version := p.UpdatedAt()
	p, evs, err := change(p)
	if err != nil {
		return process.Process{}, err
	}
	// After the change's own checks (who may see and change it comes
	// first: a version must not reveal a process), as HTTP orders
	// preconditions (RFC 9110, 13.2.1), and before anything is written.
	if err := revision.Check("process", version, expected...); err != nil {
		return process.Process{}, err
	}
	stored, err := writeProcess(ctx, tx, p, evs)
	if err != nil {
		return process.Process{}, err
	}
	p.Saved(stored)
	return p, nil
}

// writeProcess stores p's fields and forms, its pending records and evs,
// and returns the time of the change as stored: the version of the
// process that its etag names.
func writeProcess(ctx context.Context, tx pgx.Tx, p process.Process, evs []events.Event) (time.Time, error) {
	var stored time.Time
	err := tx.QueryRow(ctx, `UPDATE processes SET phase = $2, precise_question = $3, approach = $4, target_group = $5,
residents_reached = $6, advice_sent_at = $7, report_published_at = $8, updated_at = `+nextVersion(9)+`
WHERE id = $1 RETURNING updated_at`,
		p.ID(), string(p.Phase()), p.PreciseQuestion(), p.Approach(), p.TargetGroup(), p.ResidentsReached(),
		timeOrNull(p.AdviceSentAt()), timeOrNull(p.ReportPublishedAt()), p.UpdatedAt()).Scan(&stored)
	if err != nil {
		return time.Time{}, fmt.Errorf("updating process %s: %w", p.ID(), err)
	}
	forms := make([]string, 0, len(p.Forms()))
	for _, f := range p.Forms() {
		forms = append(forms, string(f))
	}
	if _, err := tx.Exec(ctx, `DELETE FROM process_forms WHERE process_id = $1 AND NOT form = ANY($2)`, p.ID(), forms); err != nil {
		return time.Time{}, fmt.Errorf("updating forms of process %s: %w", p.ID(), err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO process_forms (process_id, form) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`, p.ID(), forms)
	if err != nil {
		return time.Time{}, fmt.Errorf("updating forms of process %s: %w", p.ID(), err)
	}
	return stored, saveProcess(ctx, tx, p, evs)
}

// saveProcess stores the records p has pending and enqueues evs with the
// events of those records.
func saveProcess(ctx context.Context, tx pgx.Tx, p process.Process, evs []events.Event) error {
	pending := p.Pending()
	tenant := p.Scope().Tenant()
	for _, t := range pending.Transitions {
		_, err := tx.Exec(ctx, `INSERT INTO transitions (id, process_id, from_phase, to_phase, reason, actor, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)`, t.ID, p.ID(), string(t.From), string(t.To), t.Reason, t.Actor, t.At)
		if err != nil {
			return fmt.Errorf("recording transition of process %s: %w", p.ID(), err)
		}
		ev, err := events.New(ctx, tenant, p.ID(), &eventsv1.ProcessPhaseChanged{ProcessId: p.ID(), FromPhase: string(t.From), ToPhase: string(t.To)})
		if err != nil {
			return fmt.Errorf("announcing transition of process %s: %w", p.ID(), err)
		}
		evs = append(evs, ev)
		if t.To == process.Closed {
			ev, err := events.New(ctx, tenant, p.ID(), &eventsv1.ProcessClosed{ProcessId: p.ID()})
			if err != nil {
				return fmt.Errorf("announcing closing of process %s: %w", p.ID(), err)
			}
			evs = append(evs, ev)
		}
	}
	for _, a := range pending.FieldActivities {
		_, err := tx.Exec(ctx, `INSERT INTO field_activities (id, process_id, form, day, place, municipality_code,
residents_reached, notes, recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			a.ID(), p.ID(), string(a.Form()), a.Day().Time(), a.Place(), a.MunicipalityCode(), a.ResidentsReached(),
			a.Notes(), a.RecordedBy(), a.CreatedAt())
		if err != nil {
			return fmt.Errorf("recording field activity of process %s: %w", p.ID(), err)
		}
		ev, err := events.New(ctx, tenant, p.ID(), &eventsv1.FieldActivityRecorded{
			FieldActivityId: a.ID(), ProcessId: p.ID(), Form: string(a.Form()), MunicipalityCode: a.MunicipalityCode(),
			ResidentsReached: int32(a.ResidentsReached()), Date: a.Day().String(),
		})
		if err != nil {
			return fmt.Errorf("announcing field activity of process %s: %w", p.ID(), err)
		}
		evs = append(evs, ev)
	}
	for _, in := range pending.Inputs {
		_, err := tx.Exec(ctx, `INSERT INTO process_inputs (source, process_id, form, occurred_at, recorded_at)
VALUES ($1, $2, $3, $4, now())`, in.Source, p.ID(), string(in.Form), in.OccurredAt)
		if err != nil {
			return fmt.Errorf("recording input of process %s: %w", p.ID(), err)
		}
	}
	for _, m := range pending.Milestones {
		_, err := tx.Exec(ctx, `INSERT INTO process_milestones (source, process_id, kind, occurred_at, recorded_at)
VALUES ($1, $2, $3, $4, now())`, m.Source, p.ID(), string(m.Kind), m.OccurredAt)
		if err != nil {
			return fmt.Errorf("recording milestone of process %s: %w", p.ID(), err)
		}
	}
	return events.Enqueue(ctx, tx, evs...)
}

const processColumns = `p.id::text, p.question_id::text, q.title, q.theme, q.origin, q.tenant, q.participants, p.phase,
p.precise_question, p.approach, p.target_group,
ARRAY(SELECT f.form FROM process_forms f WHERE f.process_id = p.id),
ARRAY(SELECT DISTINCT i.form FROM process_inputs i WHERE i.process_id = p.id),
p.residents_reached, p.advice_sent_at, p.report_published_at, p.started_by, p.created_at, p.updated_at,
` + pollsColumn

const processFrom = `FROM processes p JOIN questions q ON q.id = p.question_id`

// readProcess reads the process with id, locking its row if forUpdate.
func readProcess(ctx context.Context, q querier, id string, forUpdate bool) (process.Process, error) {
	if _, err := uuid.Parse(id); err != nil {
		return process.Process{}, processNotFound(id)
	}
	if forUpdate {
		// Lock in a statement of its own and read in the next: a locking read
		// that had to wait returns the newest version of the locked row, but
		// computes the forms and input of the sub-selects from its snapshot
		// taken before the wait, and a change would write stale forms back.
		err := q.QueryRow(ctx, `SELECT 1 FROM processes WHERE id = $1 FOR UPDATE`, id).Scan(new(int))
		if errors.Is(err, pgx.ErrNoRows) {
			return process.Process{}, processNotFound(id)
		}
		if err != nil {
			return process.Process{}, fmt.Errorf("locking process %s: %w", id, err)
		}
	}
	p, err := scanProcess(q.QueryRow(ctx, `SELECT `+processColumns+` `+processFrom+` WHERE p.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return process.Process{}, processNotFound(id)
	}
	if err != nil {
		return process.Process{}, fmt.Errorf("reading process %s: %w", id, err)
	}
	return p, nil
}

func scanProcess(row pgx.Row) (process.Process, error) {
	var r process.Record
	var origin, tenant, phase string
	var participants, forms, executed []string
	var adviceSent, reportPublished *time.Time
	var polls []byte
	err := row.Scan(&r.ID, &r.QuestionID, &r.Title, &r.Theme, &origin, &tenant, &participants, &phase,
		&r.PreciseQuestion, &r.Approach, &r.TargetGroup, &forms, &executed,
		&r.ResidentsReached, &adviceSent, &reportPublished, &r.StartedBy, &r.CreatedAt, &r.UpdatedAt, &polls)
	if err != nil {
		return process.Process{}, err
	}
	if r.Polls, err = decodePolls(polls); err != nil {
		return process.Process{}, err
	}
	r.Origin, r.Phase = agenda.Origin(origin), process.Phase(phase)
	r.Scope = agenda.RestoreScope(tenant, participants)
	for _, f := range forms {
		r.Forms = append(r.Forms, process.FormKind(f))
	}
	for _, f := range executed {
		r.ExecutedForms = append(r.ExecutedForms, process.FormKind(f))
	}
	if adviceSent != nil {
		r.AdviceSentAt = *adviceSent
	}
	if reportPublished != nil {
		r.ReportPublishedAt = *reportPublished
	}
	return process.Restore(r), nil
}

func processNotFound(id string) error { return errs.New(errs.NotFound, "process %q not found", id) }

// Transitions lists the moves of the process with id, oldest first.
func (s *Store) Transitions(ctx context.Context, id string) ([]process.Transition, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, processNotFound(id)
	}
	rows, err := s.pool.Query(ctx, `SELECT id::text, process_id::text, from_phase, to_phase, reason, actor, created_at
FROM transitions WHERE process_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("listing transitions of process %s: %w", id, err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (process.Transition, error) {
		var t process.Transition
		var from, to string
		err := row.Scan(&t.ID, &t.ProcessID, &from, &to, &t.Reason, &t.Actor, &t.At)
		t.From, t.To = process.Phase(from), process.Phase(to)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("listing transitions of process %s: %w", id, err)
	}
	return list, nil
}

// FieldActivities lists the field activities of the process with id, by
// the day they took place.
func (s *Store) FieldActivities(ctx context.Context, id string) ([]process.FieldActivity, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, processNotFound(id)
	}
	rows, err := s.pool.Query(ctx, `SELECT id::text, process_id::text, form, day, place, municipality_code,
residents_reached, notes, recorded_by, created_at FROM field_activities WHERE process_id = $1 ORDER BY day, id`, id)
	if err != nil {
		return nil, fmt.Errorf("listing field activities of process %s: %w", id, err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (process.FieldActivity, error) {
		var r process.ActivityRecord
		var form string
		var day time.Time
		err := row.Scan(&r.ID, &r.ProcessID, &form, &day, &r.Place, &r.MunicipalityCode, &r.ResidentsReached,
			&r.Notes, &r.RecordedBy, &r.CreatedAt)
		r.Form, r.Day = process.FormKind(form), council.DateOf(day)
		return process.RestoreFieldActivity(r), err
	})
	if err != nil {
		return nil, fmt.Errorf("listing field activities of process %s: %w", id, err)
	}
	return list, nil
}

// Seat is a council member as a declaration of interest needs them: the
// council they sit on and the login subject the roster links them to.
// Both are empty for an id that names no member.
type Seat struct {
	MemberID     string
	Municipality string
	Subject      string
}

// Declaration decides on a declaration of interest in a process.
type Declaration func(p process.Process, member Seat) (process.Declaration, []events.Event, error)

// Declare stores what declare makes of the process with processID and the
// member with memberID, read in the same transaction: the member's row is
// held until the declaration is stored, so that the member declare saw is
// the member the declaration names.
func (s *Store) Declare(ctx context.Context, processID, memberID string, declare Declaration) (process.Declaration, error) {
	var out process.Declaration
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		p, err := readProcess(ctx, tx, processID, false)
		if err != nil {
			return err
		}
		seat := Seat{MemberID: memberID}
		if _, err := uuid.Parse(memberID); err == nil {
			err := tx.QueryRow(ctx, `SELECT municipality_code, subject FROM members WHERE id = $1 FOR SHARE`, memberID).
				Scan(&seat.Municipality, &seat.Subject)
			if err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return fmt.Errorf("reading council member %s: %w", memberID, err)
			}
		}
		d, evs, err := declare(p, seat)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO declarations (id, process_id, member_id, statement, declared_by, created_at)
VALUES ($1, $2, $3, $4, $5, $6)`, d.ID(), d.ProcessID(), d.MemberID(), d.Statement(), d.DeclaredBy(), d.CreatedAt())
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "23503" && pgErr.ConstraintName == "declarations_member_id_fkey" {
			return (errs.Violations{{Path: "/memberId", Reason: "is not a council member"}}).Err()
		}
		if err != nil {
			return fmt.Errorf("inserting declaration: %w", err)
		}
		out = d
		return events.Enqueue(ctx, tx, evs...)
	})
	return out, err
}

// Declarations lists the declarations of interest in the process with id,
// oldest first.
func (s *Store) Declarations(ctx context.Context, id string) ([]process.Declaration, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, processNotFound(id)
	}
	rows, err := s.pool.Query(ctx, `SELECT id::text, process_id::text, member_id::text, statement, declared_by, created_at
FROM declarations WHERE process_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("listing declarations of process %s: %w", id, err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (process.Declaration, error) {
		var id, processID, memberID, statement, by string
		var created time.Time
		err := row.Scan(&id, &processID, &memberID, &statement, &by, &created)
		return process.RestoreDeclaration(id, processID, memberID, statement, by, created), err
	})
	if err != nil {
		return nil, fmt.Errorf("listing declarations of process %s: %w", id, err)
	}
	return list, nil
}
