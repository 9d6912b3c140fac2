package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/neighbourhood"
	"github.com/meedoen/meedoen/internal/pg"
)

// NeighbourhoodSync is what SyncNeighbourhoods changed, in counts only:
// the values it cleared may be personal data and are never shown.
type NeighbourhoodSync struct {
	// Listed is how many neighbourhoods the list has now; Removed, how
	// many it had before and has no more.
	Listed, Removed int
	// Named counts values that were a listed neighbourhood's name and are
	// now its code; Cleared, values not on the list, now none. Per table:
	// panel members and invitations.
	MembersNamed, MembersCleared         int
	InvitationsNamed, InvitationsCleared int
	// BreakdownsNamed counts breakdown rows of a listed neighbourhood's
	// name, merged into its code's; BreakdownsDeleted, rows of a value not
	// on the list, deleted.
	BreakdownsNamed, BreakdownsDeleted int
}

// Changed reports whether the sync changed stored members, invitations or
// breakdowns, and not only the list.
func (s NeighbourhoodSync) Changed() bool {
	return s.MembersNamed+s.MembersCleared+s.InvitationsNamed+s.InvitationsCleared+s.BreakdownsNamed+s.BreakdownsDeleted > 0
}

// nameKeySQL writes a name the way neighbourhood.List.Resolve compares
// names: without case and extra spaces.
const nameKeySQL = `lower(regexp_replace(btrim(%s), '\s+', ' ', 'g'))`

func nameKey(column string) string { return fmt.Sprintf(nameKeySQL, column) }

// SyncNeighbourhoods makes list the stored list of neighbourhoods, and
// brings what is stored in line with it, in one transaction: a member's
// or invitation's neighbourhood that is a listed neighbourhood's name
// (of its municipality) becomes its code, and one that is neither code
// nor name becomes none; breakdown rows are merged or deleted alike. The
// service calls it at every start, so that values from before the list
// (residents once typed their neighbourhood), and codes the operator took
// off the list, are gone before anything reads them. Replicas starting
// together take turns.
func (s *Store) SyncNeighbourhoods(ctx context.Context, list []neighbourhood.Neighbourhood) (NeighbourhoodSync, error) {
	codes := make([]string, len(list))
	municipalities := make([]string, len(list))
	names := make([]string, len(list))
	for i, n := range list {
		codes[i], municipalities[i], names[i] = n.Code, n.Municipality, n.Name
	}
	var out NeighbourhoodSync
	steps := []struct {
		n    *int
		what string
		sql  string
		args []any
	}{
		{nil, "waiting for another replica's sync", `SELECT pg_advisory_xact_lock(hashtextextended('surveys.neighbourhoods', 0))`, nil},
		{&out.Removed, "removing neighbourhoods", `DELETE FROM neighbourhoods WHERE code <> ALL($1::text[])`, []any{codes}},
		{nil, "storing neighbourhoods", `INSERT INTO neighbourhoods (code, municipality, name)
SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
ON CONFLICT (code) DO UPDATE SET municipality = EXCLUDED.municipality, name = EXCLUDED.name
WHERE (neighbourhoods.municipality, neighbourhoods.name) IS DISTINCT FROM (EXCLUDED.municipality, EXCLUDED.name)`,
			[]any{codes, municipalities, names}},
		// Names first, so that a name on the list is kept, as its code.
		{&out.MembersNamed, "naming members' neighbourhoods by code", fmt.Sprintf(nameToCode, "panel_members"), nil},
		{&out.MembersCleared, "clearing members' neighbourhoods not on the list", fmt.Sprintf(clearUnlisted, "panel_members"), nil},
		{&out.InvitationsNamed, "naming invitations' neighbourhoods by code", fmt.Sprintf(nameToCode, "invitations"), nil},
		{&out.InvitationsCleared, "clearing invitations' neighbourhoods not on the list", fmt.Sprintf(clearUnlisted, "invitations"), nil},
		{&out.BreakdownsNamed, "merging breakdowns of neighbourhood names into their codes'", breakdownNamesToCodes, nil},
		{&out.BreakdownsDeleted, "deleting breakdowns of neighbourhoods not on the list", `DELETE FROM tally_breakdowns b
WHERE (b.attribute = 'neighbourhood' AND NOT EXISTS (SELECT 1 FROM neighbourhoods c WHERE c.code = b.value))
   OR b.attribute NOT IN ('neighbourhood', 'age_band')`, nil},
	}
	err := pg.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		for _, st := range steps {
			tag, err := tx.Exec(ctx, st.sql, st.args...)
			if err != nil {
				return fmt.Errorf("%s: %w", st.what, err)
			}
			if st.n != nil {
				*st.n = int(tag.RowsAffected())
			}
		}
		return nil
	})
	if err != nil {
		return NeighbourhoodSync{}, fmt.Errorf("syncing the neighbourhood list: %w", err)
	}
	out.Listed = len(list)
	return out, nil
}

// nameToCode replaces, in the table %[1]s, a neighbourhood that is no
// listed code but is the name of one of its municipality's listed
// neighbourhoods by that one's code.
var nameToCode = `UPDATE %[1]s t SET neighbourhood = n.code
FROM neighbourhoods n
WHERE t.neighbourhood IS NOT NULL AND n.municipality = t.municipality
  AND NOT EXISTS (SELECT 1 FROM neighbourhoods c WHERE c.code = t.neighbourhood AND c.municipality = t.municipality)
  AND ` + nameKey("n.name") + ` = ` + nameKey("t.neighbourhood")

// clearUnlisted clears, in the table %[1]s, a neighbourhood that is not
// the code of one of its municipality's listed neighbourhoods.
const clearUnlisted = `UPDATE %[1]s t SET neighbourhood = NULL
WHERE t.neighbourhood IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM neighbourhoods c WHERE c.code = t.neighbourhood AND c.municipality = t.municipality)`

// breakdownNamesToCodes moves the breakdown rows of a listed
// neighbourhood's name onto its code's, adding to what the code has; its
// row count is the rows merged. A breakdown has no municipality of its
// own: a name counts as the neighbourhood of that name among its poll's
// municipalities, if exactly one has it; other rows are left for the
// deletion that follows.
var breakdownNamesToCodes = `WITH named AS (
    SELECT b.poll_id, b.value, b.question, b.row_key, b.cell_key, b.count, min(n.code) AS code
    FROM tally_breakdowns b
    JOIN polls p ON p.id = b.poll_id
    JOIN neighbourhoods n
      ON n.municipality = ANY (CASE WHEN cardinality(p.participants) > 0 THEN p.participants ELSE ARRAY[p.tenant] END)
     AND ` + nameKey("n.name") + ` = ` + nameKey("b.value") + `
    WHERE b.attribute = 'neighbourhood'
      AND NOT EXISTS (SELECT 1 FROM neighbourhoods c WHERE c.code = b.value)
    GROUP BY b.poll_id, b.value, b.question, b.row_key, b.cell_key, b.count
    HAVING count(*) = 1
), gone AS (
    DELETE FROM tally_breakdowns b USING named
    WHERE b.attribute = 'neighbourhood' AND (b.poll_id, b.value, b.question, b.row_key, b.cell_key)
        = (named.poll_id, named.value, named.question, named.row_key, named.cell_key)
    RETURNING named.*
)
INSERT INTO tally_breakdowns (poll_id, attribute, value, question, row_key, cell_key, count)
SELECT poll_id, 'neighbourhood', code, question, row_key, cell_key, sum(count) FROM gone
GROUP BY poll_id, code, question, row_key, cell_key
ON CONFLICT (poll_id, attribute, value, question, row_key, cell_key)
DO UPDATE SET count = tally_breakdowns.count + EXCLUDED.count`
