// Package process keeps the surveys service's projection of the councils'
// participation processes, which polls belong to: a consumer of the
// councils' process.created, process.phase_changed and process.closed
// events, and the lookup the API uses to give a new poll its process's
// tenant and municipalities. A poll is scheduled and opens only while its
// process is in the execute phase (see ExecutePhase).
package process

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
)

// Consumer returns the consumer that keeps the projection.
func Consumer() events.ConsumerConfig {
	return events.ConsumerConfig{
		Name:   "processes",
		Stream: events.StreamName("councils"),
		Subjects: []string{
			"meedoen.councils.*.process.created",
			"meedoen.councils.*.process.phase_changed",
			"meedoen.councils.*.process.closed",
		},
		// The phase is the last one heard: the events must be applied in
		// stream order. A durable consumer that several replicas share
		// hands two phase changes to two replicas, and the one that
		// commits last wins, not the later change.
		Ordered: true,
		Handle:  Apply,
	}
}

// Apply records one councils event in the projection. A process.closed
// that arrives before its process.created (other consumers' streams
// interleave, this one's does not, but a projection rebuilt from a purged
// stream may start mid-way) is remembered as a closed process of unknown
// tenant, which no poll can be made for.
func Apply(ctx context.Context, tx pgx.Tx, ev events.Event) error {
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
		// A process starts in intake; a phase heard before (a stream
		// replayed from the middle) is kept.
		_, err := tx.Exec(ctx, `INSERT INTO processes (id, tenant, participants, phase) VALUES ($1, $2, $3, 'intake')
ON CONFLICT (id) DO UPDATE SET tenant = excluded.tenant, participants = excluded.participants,
    phase = coalesce(processes.phase, 'intake'), updated_at = now()`,
			p.GetProcessId(), ev.Tenant, participants)
		if err != nil {
			return fmt.Errorf("projecting process %s: %w", p.GetProcessId(), err)
		}
	case "process.phase_changed":
		var p eventsv1.ProcessPhaseChanged
		if err := ev.Decode(&p); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO processes (id, tenant, phase) VALUES ($1, '', $2)
ON CONFLICT (id) DO UPDATE SET phase = excluded.phase, updated_at = now()`, p.GetProcessId(), p.GetToPhase())
		if err != nil {
			return fmt.Errorf("projecting the phase of process %s: %w", p.GetProcessId(), err)
		}
	case "process.closed":
		var p eventsv1.ProcessClosed
		if err := ev.Decode(&p); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO processes (id, tenant, closed, phase) VALUES ($1, '', true, 'closed')
ON CONFLICT (id) DO UPDATE SET closed = true, phase = 'closed', updated_at = now()`, p.GetProcessId())
		if err != nil {
			return fmt.Errorf("projecting the closing of process %s: %w", p.GetProcessId(), err)
		}
	default:
		return fmt.Errorf("process projection: unexpected event %s", ev.Type)
	}
	return nil
}

// Process is a projected participation process.
type Process struct {
	ID     string
	Tenant string
	// Participants are a shared process's municipalities, sorted; empty
	// for a local one.
	Participants []string
	Closed       bool
	// Phase is the process's phase in the step plan, e.g. "intake" or
	// "execute"; empty when the projection has not heard it (a process
	// projected before phases were).
	Phase string
}

// ExecutePhase is the phase in which a process's polls are scheduled and
// open.
const ExecutePhase = "execute"

// TakesOpenPolls reports whether a poll of p may be scheduled or open
// now: when p is in execute, or its phase is not known.
func (p Process) TakesOpenPolls() bool { return p.Phase == "" || p.Phase == ExecutePhase }

// NotExecuting is the error for scheduling or opening a poll of p while
// p is in another phase: FailedPrecondition naming /processId, with the
// phase in the reason.
func (p Process) NotExecuting(action string) error {
	return &errs.Error{
		Code:    errs.FailedPrecondition,
		Message: fmt.Sprintf("cannot %s a poll of a process in phase %s", action, p.Phase),
		Fields: []errs.Field{{Path: "/processId",
			Reason: fmt.Sprintf("the process is in phase %s; polls open in %s", p.Phase, ExecutePhase)}},
	}
}

// ErrUnknown means the process is not (yet) known to this service.
var ErrUnknown = errors.New("unknown participation process")

// Querier is what a lookup needs: a pool or a transaction.
type Querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Lookup returns the projected process with id, or ErrUnknown.
func Lookup(ctx context.Context, q Querier, id string) (Process, error) {
	p := Process{ID: id}
	err := q.QueryRow(ctx, `SELECT tenant, participants, closed, coalesce(phase, '') FROM processes WHERE id = $1`, id).
		Scan(&p.Tenant, &p.Participants, &p.Closed, &p.Phase)
	if errors.Is(err, pgx.ErrNoRows) {
		return Process{}, ErrUnknown
	}
	if err != nil {
		return Process{}, fmt.Errorf("looking up process %s: %w", id, err)
	}
	return p, nil
}
