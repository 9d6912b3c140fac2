package roletable

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/meedoen/meedoen/internal/csvfile"
	"github.com/meedoen/meedoen/services/focusgroups/internal/group"
)

func TestReadsTheExtraRolesPerTenant(t *testing.T) {
	t.Parallel()
	data := "\ufefftenant;key;label_nl;label_en;resident\n" +
		"GM0453;youth_worker;Jongerenwerker;Youth worker;false\n" +
		"0375; buurt_coach ;  Buurt   coach ;Neighbourhood coach;TRUE\n" +
		"\n" +
		"ijmond;youth_worker;Jongerenwerker (regio);Youth worker (region);false\n"
	c, err := Read([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if c.Len() != 3 {
		t.Errorf("Len = %d, want 3", c.Len())
	}
	for tenant, want := range map[string][]group.Role{
		"GM0453": {{Key: "youth_worker", NL: "Jongerenwerker", EN: "Youth worker"}},
		"GM0375": {{Key: "buurt_coach", NL: "Buurt coach", EN: "Neighbourhood coach", Resident: true}},
		"ijmond": {{Key: "youth_worker", NL: "Jongerenwerker (regio)", EN: "Youth worker (region)"}},
		"GM0396": nil,
	} {
		got := c.For(tenant).All()[len(group.BuiltIn()):]
		if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s's extra roles (-want +got):\n%s", tenant, diff)
		}
	}
}

// Every problem is told with its line and column, all at once.
func TestRefusesABadTableNamingEveryProblem(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", MaxLabel+1)
	for _, tc := range []struct {
		name, data string
		want       []string
	}{
		{"empty", "", []string{"line 1: the file is empty; it needs a header row naming the columns, and the data below it"}},
		{"header only", "tenant;key;label_nl;label_en;resident\n", []string{"line 1: the file has a header row but no data below it"}},
		{"a column missing", "tenant;key;label_nl;label_en\nGM0453;youth_worker;Jongerenwerker;Youth worker\n", nil},
		{"bad tenant", "tenant;key;label_nl;label_en;resident\nVelsen;youth_worker;J;Y;false\n",
			[]string{"line 2, column 1 (tenant): must be a CBS municipality code such as GM0453, or a region id such as ijmond"}},
		{"bad keys", "tenant;key;label_nl;label_en;resident\nGM0453;Youth-Worker;J;Y;false\nGM0453;x;J;Y;false\nGM0453;" + strings.Repeat("a", 41) + ";J;Y;false\nGM0453;a__b;J;Y;false\n",
			[]string{
				"line 2, column 2 (key): the key must be 2 to 40 lower-case letters, digits and underscores (snake_case), such as youth_worker",
				"line 3, column 2 (key): the key must be 2 to 40 lower-case letters, digits and underscores (snake_case), such as youth_worker",
				"line 4, column 2 (key): the key must be 2 to 40 lower-case letters, digits and underscores (snake_case), such as youth_worker",
				"line 5, column 2 (key): the key must be 2 to 40 lower-case letters, digits and underscores (snake_case), such as youth_worker",
			}},
		{"a built-in key", "tenant;key;label_nl;label_en;resident\nGM0453;key_figure;S;K;true\n",
			[]string{"line 2, column 2 (key): key_figure is a built-in role, which every tenant has already"}},
		{"a key twice for one tenant", "tenant;key;label_nl;label_en;resident\nGM0453;youth_worker;J;Y;false\ngm0453;youth_worker;J2;Y2;false\n",
			[]string{"line 3, column 2 (key): GM0453 has this role on line 2 already"}},
		{"labels", "tenant;key;label_nl;label_en;resident\nGM0453;youth_worker; ;" + long + ";false\nGM0453;buurt_coach;\"a\x01b\";Y;false\n",
			[]string{
				"line 2, column 3 (label_nl): the label is missing",
				"line 2, column 4 (label_en): the label is longer than 60 characters",
				"line 3, column 3 (label_nl): the label holds a control character",
			}},
		{"NUL in a label", "tenant;key;label_nl;label_en;resident\nGM0453;youth_worker;J\x00;Y;false\n",
			[]string{"line 2, column 3: holds a NUL character"}},
		{"invalid UTF-8 in a label", "tenant;key;label_nl;label_en;resident\nGM0453;youth_worker;J\xff;Y;false\n",
			[]string{`line 2, column 3: is not UTF-8 text; save the file as "CSV UTF-8"`}},
		{"resident", "tenant;key;label_nl;label_en;resident\nGM0453;youth_worker;J;Y;ja\n",
			[]string{"line 2, column 5 (resident): must be true or false"}},
		{"fields missing", "tenant;key;label_nl;label_en;resident\nGM0453;youth_worker;J\n",
			[]string{"line 2: has 3 fields, the header 5"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := Read([]byte(tc.data))
			var e *csvfile.Error
			if !errors.As(err, &e) {
				t.Fatalf("Read = %v, %v; want a *csvfile.Error", c, err)
			}
			if tc.want == nil {
				return
			}
			var got []string
			for _, p := range e.Problems {
				got = append(got, p.String())
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOpenNamesTheFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "rollen.csv")
	if err := os.WriteFile(path, []byte("tenant,key,label_nl,label_en,resident\nGM0453,Youth,J,Y,false\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(path)
	want := "reading focus group role table: " + path + ": 1 problem:\n" + path +
		":2:2: key: the key must be 2 to 40 lower-case letters, digits and underscores (snake_case), such as youth_worker"
	if err == nil || err.Error() != want {
		t.Errorf("Open = %v\nwant %s", err, want)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "missing.csv")); err == nil {
		t.Error("Open of a missing file succeeded")
	}
}
