package focusgroups_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meedoen/meedoen/services/focusgroups"
)

func TestOpenRoles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "rollen.csv")
	if err := os.WriteFile(good, []byte("tenant;key;label_nl;label_en;resident\nGM0396;youth_worker;Jongerenwerker;Youth worker;false\n"+
		"ijmond;buurt_coach;Buurtcoach;Neighbourhood coach;true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	roles, err := focusgroups.OpenRoles(good)
	if err != nil || roles.Len() != 2 {
		t.Fatalf("OpenRoles = %d roles, %v; want 2", roles.Len(), err)
	}
	if (*focusgroups.Roles)(nil).Len() != 0 {
		t.Error("no table has extra roles")
	}
	bad := filepath.Join(dir, "kapot.csv")
	if err := os.WriteFile(bad, []byte("tenant;key;label_nl;label_en;resident\nGM0396;client;Cliënt;Client;true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := focusgroups.OpenRoles(bad); err == nil || !strings.Contains(err.Error(), bad+":2:2: key: client is a built-in role") {
		t.Errorf("OpenRoles of a bad file: %v, want its line and column named", err)
	}
}
