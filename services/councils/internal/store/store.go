// Package store keeps the councils service's data in its PostgreSQL schema.
// Every change is written together with its events (the outbox) in one
// transaction, and driver errors are translated to domain errors here.
package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/meedoen/meedoen/internal/cursor"
	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/services/councils/internal/region"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the councils schema's migrations.
func Migrations() pg.MigrationSet {
	return pg.MigrationSet{Name: "councils", FS: pg.Sub(migrationFiles, "migrations")}
}

// Store reads and writes the councils schema.
type Store struct {
	pool *pgxpool.Pool
}

// New returns a store on pool, whose search_path is the councils schema.
func New(pool *pgxpool.Pool) *Store { return &Store{pool: pool} }

// Page asks for one page of a list.
type Page struct {
	Limit  int
	Cursor string // opaque; empty for the first page
}

// CreateRegion stores r and its events.
func (s *Store) CreateRegion(ctx context.Context, r region.Region, evs ...events.Event) error {
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO regions (id, name, created_at) VALUES ($1, $2, $3)`, r.ID(), r.Name(), r.CreatedAt())
		if isUniqueViolation(err) {
			return errs.New(errs.Conflict, "region %q already exists", r.ID())
		}
		if err != nil {
			return fmt.Errorf("inserting region: %w", err)
		}
		return events.Enqueue(ctx, tx, evs...)
	})
}

// Region returns the region with id.
func (s *Store) Region(ctx context.Context, id string) (region.Region, error) {
	var name string
	var created time.Time
	err := s.pool.QueryRow(ctx, `SELECT name, created_at FROM regions WHERE id = $1`, id).Scan(&name, &created)
	if errors.Is(err, pgx.ErrNoRows) {
		return region.Region{}, errs.New(errs.NotFound, "region %q not found", id)
	}
	if err != nil {
		return region.Region{}, fmt.Errorf("reading region: %w", err)
	}
	return region.RestoreRegion(id, name, created), nil
}

// Regions lists regions by id.
func (s *Store) Regions(ctx context.Context, p Page) ([]region.Region, string, error) {
	after, err := cursor.Decode(p.Cursor, region.IsRegionID)
	if err != nil {
		return nil, "", err
	}
	rows, err := s.pool.Query(ctx, `SELECT id, name, created_at FROM regions WHERE id > $1 ORDER BY id LIMIT $2`, after, p.Limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("listing regions: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (region.Region, error) {
		var id, name string
		var created time.Time
		err := row.Scan(&id, &name, &created)
		return region.RestoreRegion(id, name, created), err
	})
	if err != nil {
		return nil, "", fmt.Errorf("listing regions: %w", err)
	}
	list, next := cursor.Next(list, p.Limit, region.Region.ID)
	return list, next, nil
}

// CreateMunicipality stores m and its events. The region must exist.
func (s *Store) CreateMunicipality(ctx context.Context, m region.Municipality, evs ...events.Event) error {
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO municipalities (code, name, region_id, created_at) VALUES ($1, $2, $3, $4)`,
			m.Code(), m.Name(), m.RegionID(), m.CreatedAt())
		var pgErr *pgconn.PgError
		switch {
		case isUniqueViolation(err):
			return errs.New(errs.Conflict, "municipality %q already exists", m.Code())
		case errors.As(err, &pgErr) && pgErr.Code == "23503":
			return &errs.Error{Code: errs.Invalid, Message: "invalid input",
				Fields: []errs.Field{{Path: "/regionId", Reason: fmt.Sprintf("region %q does not exist", m.RegionID())}}}
		case err != nil:
			return fmt.Errorf("inserting municipality: %w", err)
		}
		if err := insertDefaultCouncil(ctx, tx, m); err != nil {
			return err
		}
		return events.Enqueue(ctx, tx, evs...)
	})
}

// Municipality returns the municipality with code.
func (s *Store) Municipality(ctx context.Context, code string) (region.Municipality, error) {
	var name, regionID string
	var created time.Time
	err := s.pool.QueryRow(ctx, `SELECT name, region_id, created_at FROM municipalities WHERE code = $1`, code).Scan(&name, &regionID, &created)
	if errors.Is(err, pgx.ErrNoRows) {
		return region.Municipality{}, errs.New(errs.NotFound, "municipality %q not found", code)
	}
	if err != nil {
		return region.Municipality{}, fmt.Errorf("reading municipality: %w", err)
	}
	return region.RestoreMunicipality(code, name, regionID, created), nil
}

// Municipalities lists municipalities by code, of one region if regionID is set.
func (s *Store) Municipalities(ctx context.Context, regionID string, p Page) ([]region.Municipality, string, error) {
	after, err := cursor.Decode(p.Cursor, region.IsCode)
	if err != nil {
		return nil, "", err
	}
	rows, err := s.pool.Query(ctx, `SELECT code, name, region_id, created_at FROM municipalities
WHERE code > $1 AND ($2 = '' OR region_id = $2) ORDER BY code LIMIT $3`, after, regionID, p.Limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("listing municipalities: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (region.Municipality, error) {
		var code, name, rid string
		var created time.Time
		err := row.Scan(&code, &name, &rid, &created)
		return region.RestoreMunicipality(code, name, rid, created), err
	})
	if err != nil {
		return nil, "", fmt.Errorf("listing municipalities: %w", err)
	}
	list, next := cursor.Next(list, p.Limit, region.Municipality.Code)
	return list, next, nil
}

func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}
