package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/cursor"
	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/services/councils/internal/agenda"
	"github.com/meedoen/meedoen/services/councils/internal/council"
)

// Visibility is whose work a caller may see: everything (a platform-wide
// grant), or that of Tenants: the questions and processes whose tenant is
// one of them, and the regional ones any of them takes part in.
type Visibility struct {
	All     bool
	Tenants []string
}

// QuestionFilter narrows a list of questions. Empty fields do not filter.
type QuestionFilter struct {
	Visibility
	// Tenant keeps the questions of one municipality, including the
	// regional ones it takes part in, or of one region.
	Tenant string
	Theme  string
	Origin agenda.Origin
	Status agenda.Status
}

// QuestionChange turns a question, read with its row locked, into its
// changed self and the events that announce the change.
type QuestionChange func(agenda.Question) (agenda.Question, []events.Event, error)

// querier is a pool or a transaction.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Themes lists every theme by key.
func (s *Store) Themes(ctx context.Context) ([]agenda.Theme, error) {
	rows, err := s.pool.Query(ctx, `SELECT key, name_nl, name_en FROM themes ORDER BY key`)
	if err != nil {
		return nil, fmt.Errorf("listing themes: %w", err)
	}
	themes, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (agenda.Theme, error) {
		var t agenda.Theme
		err := row.Scan(&t.Key, &t.NameNL, &t.NameEN)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("listing themes: %w", err)
	}
	return themes, nil
}

// Directory returns what a new question may refer to: every theme, and
// those of names that are municipalities (with whether their council takes
// unsolicited questions) or regions.
func (s *Store) Directory(ctx context.Context, names ...string) (agenda.Directory, error) {
	dir := agenda.Directory{Themes: map[string]bool{}, Municipalities: map[string]agenda.Municipality{}, Regions: map[string]bool{}}
	names = textArray(names)
	themes, err := s.Themes(ctx)
	if err != nil {
		return agenda.Directory{}, err
	}
	for _, t := range themes {
		dir.Themes[t.Key] = true
	}
	rows, err := s.pool.Query(ctx, `SELECT m.code, m.name, m.region_id, coalesce(c.takes_unsolicited_questions, false)
FROM municipalities m LEFT JOIN councils c ON c.municipality_code = m.code
WHERE m.code = ANY($1)`, names)
	if err != nil {
		return agenda.Directory{}, fmt.Errorf("looking up municipalities: %w", err)
	}
	var code string
	var m agenda.Municipality
	_, err = pgx.ForEachRow(rows, []any{&code, &m.Name, &m.RegionID, &m.TakesUnsolicited}, func() error {
		dir.Municipalities[code] = m
		return nil
	})
	if err != nil {
		return agenda.Directory{}, fmt.Errorf("looking up municipalities: %w", err)
	}
	rows, err = s.pool.Query(ctx, `SELECT id FROM regions WHERE id = ANY($1)`, names)
	if err != nil {
		return agenda.Directory{}, fmt.Errorf("looking up regions: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return agenda.Directory{}, fmt.Errorf("looking up regions: %w", err)
	}
	for _, id := range ids {
		dir.Regions[id] = true
	}
	return dir, nil
}

// RaiseQuestion stores a new question and its events.
func (s *Store) RaiseQuestion(ctx context.Context, q agenda.Question, evs ...events.Event) error {
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO questions (id, tenant, participants, title, description, theme, origin,
advice_needed_by, status, raised_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			q.ID(), q.Scope().Tenant(), textArray(q.Scope().Participants()), q.Title(), q.Description(), q.Theme(),
			string(q.Origin()), dayOrNull(q.AdviceNeededBy()), string(q.Status()), q.RaisedBy(), q.CreatedAt())
		if err != nil {
			return fmt.Errorf("inserting question: %w", err)
		}
		return events.Enqueue(ctx, tx, evs...)
	})
}

const questionColumns = `q.id::text, q.tenant, q.participants, q.title, q.description, q.theme, q.origin, q.advice_needed_by,
q.status, q.decision_reason, q.decided_by, q.decided_at, coalesce(p.id::text, ''), q.raised_by, q.created_at`

const questionFrom = `FROM questions q LEFT JOIN processes p ON p.question_id = q.id`

// Question returns the question with id.
func (s *Store) Question(ctx context.Context, id string) (agenda.Question, error) {
	return readQuestion(ctx, s.pool, id, false)
}

// readQuestion reads the question with id, locking its row if forUpdate.
func readQuestion(ctx context.Context, q querier, id string, forUpdate bool) (agenda.Question, error) {
	if _, err := uuid.Parse(id); err != nil {
		return agenda.Question{}, questionNotFound(id)
	}
	sql := `SELECT ` + questionColumns + ` ` + questionFrom + ` WHERE q.id = $1`
	if forUpdate {
		sql += ` FOR UPDATE OF q`
	}
	question, err := scanQuestion(q.QueryRow(ctx, sql, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return agenda.Question{}, questionNotFound(id)
	}
	if err != nil {
		return agenda.Question{}, fmt.Errorf("reading question %s: %w", id, err)
	}
	return question, nil
}

// questionsFiltered is the filter questions and processes share, on
// questions q: $1 all tenants, $2 the caller's tenants (a question of one
// of them, or shared with one), $3 one tenant, $4 a theme, $5 an origin;
// an empty filter lets everything through.
const questionsFiltered = `($1 OR q.tenant = ANY($2) OR q.participants && $2)
  AND ($3 = '' OR q.tenant = $3 OR $3 = ANY(q.participants))
  AND ($4 = '' OR q.theme = $4)
  AND ($5 = '' OR q.origin = $5)`

// Questions lists the questions f lets through, newest first.
func (s *Store) Questions(ctx context.Context, f QuestionFilter, p Page) ([]agenda.Question, string, error) {
	before, err := decodeIDCursor(p.Cursor)
	if err != nil {
		return nil, "", err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+questionColumns+` `+questionFrom+`
WHERE `+questionsFiltered+`
  AND ($6 = '' OR q.status = $6)
  AND ($7::uuid IS NULL OR q.id < $7::uuid)
ORDER BY q.id DESC LIMIT $8`,
		f.All, textArray(f.Tenants), f.Tenant, f.Theme, string(f.Origin), string(f.Status), before, p.Limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("listing questions: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (agenda.Question, error) { return scanQuestion(row) })
	if err != nil {
		return nil, "", fmt.Errorf("listing questions: %w", err)
	}
	list, next := cursor.Next(list, p.Limit, agenda.Question.ID)
	return list, next, nil
}

// UpdateQuestion changes the question with id: change sees it with its row
// locked, and its result is stored with its events in one transaction.
func (s *Store) UpdateQuestion(ctx context.Context, id string, change QuestionChange) (agenda.Question, error) {
	var out agenda.Question
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		q, err := readQuestion(ctx, tx, id, true)
		if err != nil {
			return err
		}
		q, evs, err := change(q)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE questions SET status = $2, decision_reason = $3, decided_by = $4, decided_at = $5 WHERE id = $1`,
			q.ID(), string(q.Status()), q.DecisionReason(), q.DecidedBy(), timeOrNull(q.DecidedAt()))
		if err != nil {
			return fmt.Errorf("updating question %s: %w", id, err)
		}
		out = q
		return events.Enqueue(ctx, tx, evs...)
	})
	return out, err
}

func scanQuestion(row pgx.Row) (agenda.Question, error) {
	var r agenda.Record
	var tenant, origin, status string
	var participants []string
	var needed, decidedAt *time.Time
	err := row.Scan(&r.ID, &tenant, &participants, &r.Title, &r.Description, &r.Theme, &origin, &needed,
		&status, &r.DecisionReason, &r.DecidedBy, &decidedAt, &r.ProcessID, &r.RaisedBy, &r.CreatedAt)
	if err != nil {
		return agenda.Question{}, err
	}
	r.Scope = agenda.RestoreScope(tenant, participants)
	r.Origin, r.Status = agenda.Origin(origin), agenda.Status(status)
	if needed != nil {
		r.AdviceNeededBy = council.DateOf(*needed)
	}
	if decidedAt != nil {
		r.DecidedAt = *decidedAt
	}
	return agenda.RestoreQuestion(r), nil
}

func questionNotFound(id string) error { return errs.New(errs.NotFound, "question %q not found", id) }

// decodeIDCursor turns a cursor of a list ordered by UUIDv7 id into the id
// to continue below, or nil for the first page.
func decodeIDCursor(c string) (any, error) {
	key, err := cursor.Decode(c, cursor.UUID)
	if err != nil || key == "" {
		return nil, err
	}
	return key, nil
}

// textArray keeps "= ANY($n)" and "&&" false rather than NULL for an empty
// list.
func textArray(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// dayOrNull stores an unset day as NULL.
func dayOrNull(d council.Date) *time.Time {
	if d.IsZero() {
		return nil
	}
	t := d.Time()
	return &t
}

// timeOrNull stores an unset instant as NULL.
func timeOrNull(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
