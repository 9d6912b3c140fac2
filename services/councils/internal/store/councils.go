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
	"github.com/meedoen/meedoen/services/councils/internal/council"
	"github.com/meedoen/meedoen/services/councils/internal/region"
)

// CouncilFilter narrows a list of councils to a region and to those a
// caller may see.
type CouncilFilter struct {
	// RegionID keeps only the councils of this region's municipalities;
	// empty for every region.
	RegionID string
	// All lets every council through the visibility filter; otherwise only
	// the councils of Municipalities and of the municipalities of Regions.
	All            bool
	Municipalities []string
	Regions        []string
}

// Changes to a council or member are made with a function that receives the
// stored value inside the transaction (the row locked) and returns the new
// value with the events that announce it, or an error that undoes
// everything.
type (
	// CouncilChange turns a council into its changed self and its events.
	CouncilChange func(council.Council) (council.Council, []events.Event, error)
	// MemberChange turns a member into its changed self and its events.
	MemberChange func(council.Member) (council.Member, []events.Event, error)
)

const councilColumns = `c.municipality_code, m.region_id, c.name, c.contact_email, c.takes_unsolicited_questions, c.seats, c.updated_at`

const memberColumns = `id, municipality_code, name, role, term_start, term_end, subject, created_at, updated_at`

// insertDefaultCouncil gives a new municipality its council, in the
// transaction that creates the municipality, so no municipality is ever
// without one.
func insertDefaultCouncil(ctx context.Context, tx pgx.Tx, m region.Municipality) error {
	c := council.New(m, m.CreatedAt())
	_, err := tx.Exec(ctx, `INSERT INTO councils (municipality_code, name, contact_email, takes_unsolicited_questions, seats, updated_at)
VALUES ($1, $2, $3, $4, $5, $6)`,
		c.MunicipalityCode(), c.Name(), c.ContactEmail(), c.TakesUnsolicitedQuestions(), c.Seats(), c.UpdatedAt())
	if err != nil {
		return fmt.Errorf("inserting council of %s: %w", m.Code(), err)
	}
	return nil
}

// Council returns the council of the municipality with code.
func (s *Store) Council(ctx context.Context, code string) (council.Council, error) {
	c, err := scanCouncil(s.pool.QueryRow(ctx, `SELECT `+councilColumns+`
FROM councils c JOIN municipalities m ON m.code = c.municipality_code WHERE c.municipality_code = $1`, code))
	if errors.Is(err, pgx.ErrNoRows) {
		return council.Council{}, councilNotFound(code)
	}
	if err != nil {
		return council.Council{}, fmt.Errorf("reading council of %s: %w", code, err)
	}
	return c, nil
}

// Councils lists the councils f lets through, by municipality code.
func (s *Store) Councils(ctx context.Context, f CouncilFilter, p Page) ([]council.Council, string, error) {
	after, err := cursor.Decode(p.Cursor, region.IsCode)
	if err != nil {
		return nil, "", err
	}
	rows, err := s.pool.Query(ctx, `SELECT `+councilColumns+`
FROM councils c JOIN municipalities m ON m.code = c.municipality_code
WHERE c.municipality_code > $1
  AND ($2 = '' OR m.region_id = $2)
  AND ($3 OR c.municipality_code = ANY($4) OR m.region_id = ANY($5))
ORDER BY c.municipality_code LIMIT $6`,
		after, f.RegionID, f.All, nonNil(f.Municipalities), nonNil(f.Regions), p.Limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("listing councils: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (council.Council, error) { return scanCouncil(row) })
	if err != nil {
		return nil, "", fmt.Errorf("listing councils: %w", err)
	}
	list, next := cursor.Next(list, p.Limit, council.Council.MunicipalityCode)
	return list, next, nil
}

// nextVersion is the SQL of a changed row's updated_at, whose value is the
// version clients see as its etag: the change's time, but always later
// than the version it replaces, so that no two versions of a row share a
// tag (internal/revision). $n is the change's time.
func nextVersion(n int) string {
	return fmt.Sprintf("greatest($%d, updated_at + interval '1 microsecond')", n)
}

// UpdateCouncil changes the council of code with change and stores the
// result and its events in one transaction. If the stored council is not
// the version every one of expected names, nothing changes and the error
// is Stale.
func (s *Store) UpdateCouncil(ctx context.Context, code string, change CouncilChange, expected ...revision.Expected) (council.Council, error) {
	var updated council.Council
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		c, err := scanCouncil(tx.QueryRow(ctx, `SELECT `+councilColumns+`
FROM councils c JOIN municipalities m ON m.code = c.municipality_code WHERE c.municipality_code = $1 FOR UPDATE OF c`, code))
		if errors.Is(err, pgx.ErrNoRows) {
			return councilNotFound(code)
		}
		if err != nil {
			return fmt.Errorf("reading council of %s: %w", code, err)
		}
		version := c.UpdatedAt()
		c, evs, err := change(c)
		if err != nil {
			return err
		}
		// After the change's own checks, as HTTP orders preconditions
		// (RFC 9110, 13.2.1), and before anything is written.
		if err := revision.Check("council", version, expected...); err != nil {
			return err
		}
		// The stored time is what later reads return, so return it, not the
		// finer one the change was made with.
		var stored time.Time
		err = tx.QueryRow(ctx, `UPDATE councils SET name = $2, contact_email = $3, takes_unsolicited_questions = $4, seats = $5,
updated_at = `+nextVersion(6)+` WHERE municipality_code = $1 RETURNING updated_at`,
			code, c.Name(), c.ContactEmail(), c.TakesUnsolicitedQuestions(), c.Seats(), c.UpdatedAt()).Scan(&stored)
		if err != nil {
			return fmt.Errorf("updating council of %s: %w", code, err)
		}
		updated = council.Restore(c.MunicipalityCode(), c.RegionID(), c.Settings(), stored)
		return events.Enqueue(ctx, tx, evs...)
	})
	return updated, err
}

// AddMember stores m and its events. The council must exist.
func (s *Store) AddMember(ctx context.Context, m council.Member, evs ...events.Event) error {
	return pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		t := m.Term()
		_, err := tx.Exec(ctx, `INSERT INTO members (`+memberColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			m.ID(), m.MunicipalityCode(), m.Name(), string(m.Role()), t.Start.Time(), dateOrNull(t.End), m.Subject(), m.CreatedAt(), m.UpdatedAt())
		var pgErr *pgconn.PgError
		switch {
		case errors.As(err, &pgErr) && pgErr.Code == "23503":
			return councilNotFound(m.MunicipalityCode())
		case err != nil:
			return fmt.Errorf("inserting member: %w", err)
		}
		return events.Enqueue(ctx, tx, evs...)
	})
}

// Member returns the member id of the council of code.
func (s *Store) Member(ctx context.Context, code, id string) (council.Member, error) {
	if _, err := uuid.Parse(id); err != nil {
		return council.Member{}, memberNotFound(id) // no such id can exist
	}
	m, err := scanMember(s.pool.QueryRow(ctx, `SELECT `+memberColumns+` FROM members WHERE id = $1 AND municipality_code = $2`, id, code))
	if errors.Is(err, pgx.ErrNoRows) {
		return council.Member{}, memberNotFound(id)
	}
	if err != nil {
		return council.Member{}, fmt.Errorf("reading member %s: %w", id, err)
	}
	return m, nil
}

// UpdateMember changes the member id of the council of code with change and
// stores the result and its events in one transaction. If the stored
// member is not the version every one of expected names, nothing changes
// and the error is Stale.
func (s *Store) UpdateMember(ctx context.Context, code, id string, change MemberChange, expected ...revision.Expected) (council.Member, error) {
	if _, err := uuid.Parse(id); err != nil {
		return council.Member{}, memberNotFound(id) // no such id can exist
	}
	var updated council.Member
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		m, err := scanMember(tx.QueryRow(ctx, `SELECT `+memberColumns+` FROM members WHERE id = $1 AND municipality_code = $2 FOR UPDATE`, id, code))
		if errors.Is(err, pgx.ErrNoRows) {
			return memberNotFound(id)
		}
		if err != nil {
			return fmt.Errorf("reading member %s: %w", id, err)
		}
		version := m.UpdatedAt()
		m, evs, err := change(m)
		if err != nil {
			return err
		}
		if err := revision.Check("member", version, expected...); err != nil {
			return err
		}
		t := m.Term()
		var stored time.Time
		err = tx.QueryRow(ctx, `UPDATE members SET name = $2, role = $3, term_start = $4, term_end = $5, subject = $6,
updated_at = `+nextVersion(7)+` WHERE id = $1 RETURNING updated_at`,
			id, m.Name(), string(m.Role()), t.Start.Time(), dateOrNull(t.End), m.Subject(), m.UpdatedAt()).Scan(&stored)
		if err != nil {
			return fmt.Errorf("updating member %s: %w", id, err)
		}
		updated = council.RestoreMember(m.ID(), m.MunicipalityCode(), m.Name(), m.Role(), t, m.Subject(), m.CreatedAt(), stored)
		return events.Enqueue(ctx, tx, evs...)
	})
	return updated, err
}

// Members returns every member, current or former, of the councils of
// codes, ordered by municipality code and name.
func (s *Store) Members(ctx context.Context, codes ...string) ([]council.Member, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+memberColumns+` FROM members WHERE municipality_code = ANY($1)
ORDER BY municipality_code, name, id`, nonNil(codes))
	if err != nil {
		return nil, fmt.Errorf("listing members: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (council.Member, error) { return scanMember(row) })
	if err != nil {
		return nil, fmt.Errorf("listing members: %w", err)
	}
	return list, nil
}

func scanCouncil(row pgx.Row) (council.Council, error) {
	var code, regionID string
	var s council.Settings
	var seats int32
	var updated time.Time
	if err := row.Scan(&code, &regionID, &s.Name, &s.ContactEmail, &s.TakesUnsolicitedQuestions, &seats, &updated); err != nil {
		return council.Council{}, err
	}
	s.Seats = int(seats)
	return council.Restore(code, regionID, s, updated), nil
}

func scanMember(row pgx.Row) (council.Member, error) {
	var id uuid.UUID
	var code, name, role, subject string
	var start time.Time
	var end *time.Time
	var created, updated time.Time
	if err := row.Scan(&id, &code, &name, &role, &start, &end, &subject, &created, &updated); err != nil {
		return council.Member{}, err
	}
	term := council.Term{Start: council.DateOf(start)}
	if end != nil {
		term.End = council.DateOf(*end)
	}
	return council.RestoreMember(id.String(), code, name, council.Role(role), term, subject, created, updated), nil
}

// dateOrNull stores an unset date as NULL.
func dateOrNull(d council.Date) *time.Time {
	if d.IsZero() {
		return nil
	}
	t := d.Time()
	return &t
}

// nonNil keeps "= ANY($n)" false rather than NULL for an empty list.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func councilNotFound(code string) error { return errs.New(errs.NotFound, "council %q not found", code) }

func memberNotFound(id string) error { return errs.New(errs.NotFound, "member %q not found", id) }
