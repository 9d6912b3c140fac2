// Package process keeps the focus groups service's projection of the
// councils' participation processes: a consumer of process.created,
// process.phase_changed and process.closed, and the lookup that gives a
// new focus group its process's tenant, municipalities, theme and
// question. Never the councils' tables.
package process

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/events"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
)

// Phases of the step plan as the councils' events name them, in order.
var phases = []string{"intake", "concretise", "choose_forms", "execute", "analyse", "advise", "feedback", "closed"}

// pastAnalysis reports whether phase comes after the analyse phase: a
// focus group's work is done there.
func pastAnalysis(phase string) bool {
	return slices.Index(phases, phase) > slices.Index(phases, "analyse")
}

// EndedFunc ends, in the consumer's transaction, the focus groups of a
// process that left the analyse phase or closed.
type EndedFunc func(ctx context.Context, tx pgx.Tx, processID string) error

// Consumer returns the consumer that keeps the projection; ended is called
// when a process's groups are done. It reads in stream order, so that a
// process's phases are applied as they happened.
func Consumer(ended EndedFunc) events.ConsumerConfig {
	return events.ConsumerConfig{
		Name:   "processes",
		Stream: events.StreamName("councils"),
		Subjects: []string{
			"meedoen.councils.*.process.created",
			"meedoen.councils.*.process.phase_changed",
			"meedoen.councils.*.process.closed",
		},
		Ordered: true,
		Handle: func(ctx context.Context, tx pgx.Tx, ev events.Event) error {
			return apply(ctx, tx, ev, ended)
		},
	}
}

// apply records one councils event in the projection. A phase change or
// closing that arrives before its process.created (a projection rebuilt
// from a purged stream may start mid-way) is remembered for a process of
// unknown tenant, for which no group can be formed.
func apply(ctx context.Context, tx pgx.Tx, ev events.Event, ended EndedFunc) error {
	switch ev.Name {
	case "process.created":
		var p eventsv1.ProcessCreated
		if err := ev.Decode(&p); err != nil {
			return err
		}
		participants := slices.Clone(p.GetParticipatingMunicipalities())
		if participants == nil {
			participants = []string{}
		}
		slices.Sort(participants)
		var question *string
		if q := p.GetQuestionId(); q != "" {
			question = &q
		}
		_, err := tx.Exec(ctx, `INSERT INTO processes (id, tenant, participants, theme, question_id) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (id) DO UPDATE SET tenant = excluded.tenant, participants = excluded.participants, theme = excluded.theme,
    question_id = excluded.question_id, updated_at = now()`,
			p.GetProcessId(), ev.Tenant, participants, p.GetTheme(), question)
		if err != nil {
			return fmt.Errorf("projecting process %s: %w", p.GetProcessId(), err)
		}
		return nil
	case "process.phase_changed":
		var p eventsv1.ProcessPhaseChanged
		if err := ev.Decode(&p); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO processes (id, tenant, phase) VALUES ($1, '', $2)
ON CONFLICT (id) DO UPDATE SET phase = excluded.phase, updated_at = now()`, p.GetProcessId(), p.GetToPhase()); err != nil {
			return fmt.Errorf("projecting the phase of process %s: %w", p.GetProcessId(), err)
		}
		if p.GetFromPhase() == "analyse" && pastAnalysis(p.GetToPhase()) {
			return ended(ctx, tx, p.GetProcessId())
		}
		return nil
	case "process.closed":
		var p eventsv1.ProcessClosed
		if err := ev.Decode(&p); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO processes (id, tenant, closed) VALUES ($1, '', true)
ON CONFLICT (id) DO UPDATE SET closed = true, updated_at = now()`, p.GetProcessId()); err != nil {
			return fmt.Errorf("projecting the closing of process %s: %w", p.GetProcessId(), err)
		}
		return ended(ctx, tx, p.GetProcessId())
	}
	return fmt.Errorf("process projection: unexpected event %s", ev.Type)
}

// Process is a projected participation process.
type Process struct {
	ID     string
	Tenant string
	// Participants are a shared process's municipalities, sorted; empty
	// for a local one.
	Participants []string
	Theme        string
	QuestionID   string
	Phase        string
	Closed       bool
}

// TakesGroups reports whether new focus groups may be formed for p: it is
// open and not past its analysis.
func (p Process) TakesGroups() bool { return !p.Closed && !pastAnalysis(p.Phase) }

// ErrUnknown means the process is not (yet) known to this service.
var ErrUnknown = errors.New("unknown participation process")

// Querier is what a lookup needs: a pool or a transaction.
type Querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Lookup returns the projected process with id, or ErrUnknown. lock takes
// a share lock on its row, for a transaction that forms a group: the
// consumer's phase change then waits for it, and ends the new group too.
func Lookup(ctx context.Context, q Querier, id string, lock bool) (Process, error) {
	sql := `SELECT tenant, participants, theme, coalesce(question_id::text, ''), phase, closed FROM processes WHERE id = $1`
	if lock {
		sql += ` FOR SHARE`
	}
	p := Process{ID: id}
	err := q.QueryRow(ctx, sql, id).Scan(&p.Tenant, &p.Participants, &p.Theme, &p.QuestionID, &p.Phase, &p.Closed)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && p.Tenant == "") {
		return Process{}, ErrUnknown
	}
	if err != nil {
		return Process{}, fmt.Errorf("looking up process %s: %w", id, err)
	}
	return p, nil
}
