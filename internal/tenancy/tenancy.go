// Package tenancy keeps a service's projection of the regions and
// municipalities that the councils service owns. Every service that needs to
// know its tenants applies these migrations to its own schema and runs the
// consumer; the councils service's tables stay its own.
package tenancy

import (
	"context"
	"embed"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/pg"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the projection's tables as a migration set.
func Migrations() pg.MigrationSet {
	return pg.MigrationSet{Name: "tenancy", FS: pg.Sub(migrationFiles, "migrations")}
}

// Consumer returns the consumer that keeps the projection up to date.
func Consumer() events.ConsumerConfig {
	return events.ConsumerConfig{
		Name:   "tenancy",
		Stream: events.StreamName("councils"),
		Subjects: []string{
			"meedoen.councils.*.region.created",
			"meedoen.councils.*.municipality.created",
		},
		Handle: Apply,
	}
}

// Apply records one councils event in the projection.
func Apply(ctx context.Context, tx pgx.Tx, ev events.Event) error {
	switch ev.Name {
	case "region.created":
		var p eventsv1.RegionCreated
		if err := ev.Decode(&p); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO tenant_regions (id, name, event_id) VALUES ($1, $2, $3)
ON CONFLICT (id) DO UPDATE SET name = excluded.name, event_id = excluded.event_id, updated_at = now()`,
			p.GetRegionId(), p.GetName(), ev.ID)
		if err != nil {
			return fmt.Errorf("projecting region %s: %w", p.GetRegionId(), err)
		}
	case "municipality.created":
		var p eventsv1.MunicipalityCreated
		if err := ev.Decode(&p); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO tenant_municipalities (code, name, region_id, event_id) VALUES ($1, $2, $3, $4)
ON CONFLICT (code) DO UPDATE SET name = excluded.name, region_id = excluded.region_id, event_id = excluded.event_id, updated_at = now()`,
			p.GetCode(), p.GetName(), p.GetRegionId(), ev.ID)
		if err != nil {
			return fmt.Errorf("projecting municipality %s: %w", p.GetCode(), err)
		}
	default:
		return fmt.Errorf("tenancy projection: unexpected event %s", ev.Type)
	}
	return nil
}

// Municipality is a projected municipality.
type Municipality struct {
	Code     string
	Name     string
	RegionID string
}

// ErrUnknown means the tenant is not (yet) known to this service.
var ErrUnknown = errors.New("unknown tenant")

// Querier is what lookups need: a pool or a transaction.
type Querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// LookupMunicipality returns the projected municipality with code.
func LookupMunicipality(ctx context.Context, q Querier, code string) (Municipality, error) {
	var m Municipality
	err := q.QueryRow(ctx, `SELECT code, name, region_id FROM tenant_municipalities WHERE code = $1`, code).
		Scan(&m.Code, &m.Name, &m.RegionID)
	if errors.Is(err, pgx.ErrNoRows) {
		return Municipality{}, fmt.Errorf("municipality %s: %w", code, ErrUnknown)
	}
	if err != nil {
		return Municipality{}, fmt.Errorf("looking up municipality %s: %w", code, err)
	}
	return m, nil
}
