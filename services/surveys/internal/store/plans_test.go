package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
)

// The statements on the resident's path keep their plans for as long as a
// connection lives, and a plan made while a table was nearly empty (a new
// installation, keys purged overnight) once scanned whole tables for every
// batch as they grew: seconds into a poll's opening rush. Their
// transactions therefore rule sequential scans out. This checks the generic
// plan of each, made on empty tables, the worst case: every table is
// reached through an index condition, never read whole, neither by a
// sequential scan nor by a full walk of an index.
func TestHotStatementsNeverReadATableWhole(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	tests := []struct {
		name, sql string
		settings  []string
	}{
		{"invitation lookup", store.LookupSQL, []string{"enable_seqscan"}},
		{"respondent keys, invitations used, responses", store.StoreWinnersSQL, []string{"enable_seqscan"}},
		{"idempotency key claims", store.ClaimKeysSQL, []string{"enable_seqscan"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			plan := genericPlan(t, f, tc.sql, tc.settings)
			var walk func(n map[string]any)
			walk = func(n map[string]any) {
				typ, _ := n["Node Type"].(string)
				rel, _ := n["Relation Name"].(string)
				_, cond := n["Index Cond"]
				switch {
				case typ == "Seq Scan":
					t.Errorf("a sequential scan of %s:\n%s", rel, plan)
				case (typ == "Index Scan" || typ == "Index Only Scan") && !cond:
					t.Errorf("a full walk of an index of %s:\n%s", rel, plan)
				}
				subs, _ := n["Plans"].([]any)
				for _, s := range subs {
					if m, ok := s.(map[string]any); ok {
						walk(m)
					}
				}
			}
			var doc []struct {
				Plan map[string]any `json:"Plan"`
			}
			if err := json.Unmarshal([]byte(plan), &doc); err != nil || len(doc) != 1 {
				t.Fatalf("reading the plan: %v\n%s", err, plan)
			}
			walk(doc[0].Plan)
		})
	}
}

var parameter = regexp.MustCompile(`\$([0-9]+)`)

// genericPlan returns, as EXPLAIN's JSON, the generic plan of sql with the
// planner settings off that its transaction turns off.
func genericPlan(t *testing.T, f fixture, sql string, off []string) string {
	t.Helper()
	ctx := context.Background()
	n := 0
	for _, m := range parameter.FindAllStringSubmatch(sql, -1) {
		var i int
		fmt.Sscan(m[1], &i)
		n = max(n, i)
	}
	nulls := strings.TrimSuffix(strings.Repeat("NULL, ", n), ", ")
	var plan string
	err := pg.InTx(ctx, f.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL plan_cache_mode = force_generic_plan`); err != nil {
			return err
		}
		for _, s := range off {
			if _, err := tx.Exec(ctx, `SET LOCAL `+s+` = off`); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `PREPARE hot AS `+sql); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `EXPLAIN (FORMAT JSON) EXECUTE hot(`+nulls+`)`, pgx.QueryExecModeSimpleProtocol)
		if err != nil {
			return err
		}
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		plan = strings.Join(lines, "\n")
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DEALLOCATE hot`)
		return err
	})
	if err != nil {
		t.Fatalf("explaining: %v", err)
	}
	return plan
}
