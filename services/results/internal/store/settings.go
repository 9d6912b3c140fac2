package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/revision"
	"github.com/meedoen/meedoen/services/results/internal/response"
)

// Settings are a municipality's response settings.
type Settings = response.Settings

// ResponseSettings returns municipality's settings, the defaults if it
// set none.
func (s *Store) ResponseSettings(ctx context.Context, municipality string) (Settings, error) {
	return readSettings(ctx, s.pool, municipality)
}

// UpdateResponseSettings changes municipality's settings with change,
// which sees them with their row locked (defaults if none are stored).
// If they are not the version every one of expected names, nothing
// changes and the error is Stale.
func (s *Store) UpdateResponseSettings(ctx context.Context, municipality string, change func(*Settings) error, expected ...revision.Expected) (Settings, error) {
	var out Settings
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		// A row to lock, even for defaults never stored: two first
		// changes must not both pass the version check.
		_, err := tx.Exec(ctx, `INSERT INTO response_settings (municipality, term_days, updated_at) VALUES ($1, $2, $3)
ON CONFLICT (municipality) DO NOTHING`, municipality, response.DefaultTermDays, response.DefaultSettings(municipality).UpdatedAt)
		if err != nil {
			return fmt.Errorf("storing settings of %s: %w", municipality, err)
		}
		st, err := readSettingsRow(ctx, tx, municipality, true)
		if err != nil {
			return err
		}
		before := st
		if err := change(&st); err != nil {
			return err
		}
		if err := revision.Check("settings", before.UpdatedAt, expected...); err != nil {
			return err
		}
		if st == before {
			out = st
			return nil
		}
		err = tx.QueryRow(ctx, `UPDATE response_settings SET term_days = $2, officer_email = $3, secretary_email = $4,
updated_at = greatest($5, updated_at + interval '1 microsecond') WHERE municipality = $1 RETURNING updated_at`,
			municipality, st.TermDays, st.OfficerEmail, st.SecretaryEmail, st.UpdatedAt).Scan(&st.UpdatedAt)
		if err != nil {
			return fmt.Errorf("storing settings of %s: %w", municipality, err)
		}
		st.UpdatedAt = st.UpdatedAt.UTC()
		out = st
		return nil
	})
	return out, err
}

func readSettings(ctx context.Context, q querier, municipality string) (Settings, error) {
	st, err := readSettingsRow(ctx, q, municipality, false)
	if errors.Is(err, pgx.ErrNoRows) {
		return response.DefaultSettings(municipality), nil
	}
	return st, err
}

func readSettingsRow(ctx context.Context, q querier, municipality string, lock bool) (Settings, error) {
	sql := `SELECT term_days, officer_email, secretary_email, updated_at FROM response_settings WHERE municipality = $1`
	if lock {
		sql += ` FOR UPDATE`
	}
	st := Settings{Municipality: municipality}
	err := q.QueryRow(ctx, sql, municipality).Scan(&st.TermDays, &st.OfficerEmail, &st.SecretaryEmail, &st.UpdatedAt)
	if err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return st, err
		}
		return st, fmt.Errorf("reading settings of %s: %w", municipality, err)
	}
	st.UpdatedAt = st.UpdatedAt.UTC()
	return st, nil
}
