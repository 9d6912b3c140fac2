// Package process keeps the surveys service's projection of the councils'
// participation processes, which polls belong to: a consumer of the
// councils' process.created and process.closed events, and the lookup the
// API uses to give a new poll its process's tenant and municipalities.
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

// Consumer returns the consumer that keeps the projection.
func Consumer() events.ConsumerConfig {
	return events.ConsumerConfig{
		Name:   "processes",
		Stream: events.StreamName("councils"),
		Subjects: []string{
			"meedoen.councils.*.process.created",
			"meedoen.councils.*.process.closed",
		},
		Handle: Apply,
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
		_, err := tx.Exec(ctx, `INSERT INTO processes (id, tenant, participants) VALUES ($1, $2, $3)
ON CONFLICT (id) DO UPDATE SET tenant = excluded.tenant, participants = excluded.participants, updated_at = now()`,
			p.GetProcessId(), ev.Tenant, participants)
		if err != nil {
			return fmt.Errorf("projecting process %s: %w", p.GetProcessId(), err)
		}
	case "process.closed":
		var p eventsv1.ProcessClosed
		if err := ev.Decode(&p); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO processes (id, tenant, closed) VALUES ($1, '', true)
ON CONFLICT (id) DO UPDATE SET closed = true, updated_at = now()`, p.GetProcessId())
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
	err := q.QueryRow(ctx, `SELECT tenant, participants, closed FROM processes WHERE id = $1`, id).
		Scan(&p.Tenant, &p.Participants, &p.Closed)
	if errors.Is(err, pgx.ErrNoRows) {
		return Process{}, ErrUnknown
	}
	if err != nil {
		return Process{}, fmt.Errorf("looking up process %s: %w", id, err)
	}
	return p, nil
}
