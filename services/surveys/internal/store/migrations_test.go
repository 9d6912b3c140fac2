package store_test

import (
	"context"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/tenancy"
	"github.com/meedoen/meedoen/internal/testkit"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
)

// migrationsBefore returns the surveys migrations older than version, so
// that a test can put data of an earlier version in place and migrate it.
func migrationsBefore(t *testing.T, version string) pg.MigrationSet {
	t.Helper()
	all := store.Migrations()
	older := fstest.MapFS{}
	err := fs.WalkDir(all.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path >= version {
			return err
		}
		b, err := fs.ReadFile(all.FS, path)
		older[path] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return pg.MigrationSet{Name: all.Name, FS: older}
}

// Invitations linked to another municipality's panel member, or to an id
// of nobody, before the service checked them lose the link when the
// database is upgraded; the invitations themselves stay. Afterwards the
// database refuses such a link whatever writes it.
func TestUpgradeCutsInvitationLinksToOtherPanels(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := testkit.NewDatabase(t, testkit.Schema{Name: "surveys",
		Sets: []pg.MigrationSet{events.Migrations(), tenancy.Migrations(), migrationsBefore(t, "00011")}})
	pool := testkit.NewPool(t, url, "surveys")
	f := fixture{st: store.New(pool), pool: pool, url: url}
	f.knownProcess(t)
	now := time.Now()
	p := openPoll(t, f, flashSpec("velsen", now), now) // Velsen's
	f.panelMembers(t, "GM0453", anna)
	f.panelMembers(t, "GM0396", chris)
	invite := func(id, member string) {
		t.Helper()
		_, err := pool.Exec(ctx, `INSERT INTO invitations (id, poll_id, token_hash, panel_member_id, municipality, created_at)
VALUES ($1::uuid, $2, sha256(convert_to($1::text, 'UTF8')), $3, 'GM0453', now())`, id, p.ID(), member)
		if err != nil {
			t.Fatal(err)
		}
	}
	const (
		ownMember     = "01957a3c-2b1e-7c00-8000-00000000f001"
		foreignMember = "01957a3c-2b1e-7c00-8000-00000000f002"
		nobody        = "01957a3c-2b1e-7c00-8000-00000000f003"
	)
	invite(ownMember, anna)
	invite(foreignMember, chris)
	invite(nobody, "01957a3c-2b1e-7c00-8000-00000000dead")

	if err := pg.Migrate(ctx, url, "surveys", events.Migrations(), tenancy.Migrations(), store.Migrations()); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	rows, err := pool.Query(ctx, `SELECT id::text, coalesce(panel_member_id::text, '') FROM invitations`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, member string
		if err := rows.Scan(&id, &member); err != nil {
			t.Fatal(err)
		}
		got[id] = member
	}
	want := map[string]string{ownMember: anna, foreignMember: "", nobody: ""}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("invitations after the upgrade (-want +got):\n%s", diff)
	}

	_, err = pool.Exec(ctx, `UPDATE invitations SET panel_member_id = $1 WHERE id = $2`, chris, foreignMember)
	if err == nil || !strings.Contains(err.Error(), "invitations_panel_member_fkey") {
		t.Errorf("linking an invitation to another municipality's member after the upgrade: %v, want the foreign key to refuse", err)
	}
	// Erasing a member keeps their invitations, unlinked.
	if _, err := pool.Exec(ctx, `DELETE FROM panel_members WHERE id = $1`, anna); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, `SELECT count(*) FROM invitations WHERE id = $1 AND panel_member_id IS NULL`, ownMember); n != 1 {
		t.Errorf("the erased member's invitation: %d unlinked, want 1", n)
	}
}
