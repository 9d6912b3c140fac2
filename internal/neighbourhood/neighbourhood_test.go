package neighbourhood_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/csvfile"
	"github.com/meedoen/meedoen/internal/neighbourhood"
)

func TestIJmondTableListsTheDemoDistricts(t *testing.T) {
	t.Parallel()
	tab, err := neighbourhood.IJmond()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []string{"GM0453", "GM0375", "GM0396"} {
		if tab.Of(m).Len() < 5 {
			t.Errorf("%s has %d neighbourhoods, want at least 5", m, tab.Of(m).Len())
		}
	}
	n, ok := tab.Of("GM0453").Resolve("ijmuiden")
	if !ok || n.Municipality != "GM0453" || n.Name != "IJmuiden" {
		t.Errorf("Resolve(ijmuiden) = %+v, %v", n, ok)
	}
}

func TestResolveFindsACodeOrANameAndNothingElse(t *testing.T) {
	t.Parallel()
	tab, err := neighbourhood.Read([]byte("gemeentecode,wijkcode,wijknaam\nGM0001,WK000101,Centrum\nGM0001,WK000102,Oud  Noord\nGM0002,WK000201,Centrum\n"))
	if err != nil {
		t.Fatal(err)
	}
	centrum1 := neighbourhood.Neighbourhood{Code: "WK000101", Municipality: "GM0001", Name: "Centrum"}
	for _, tc := range []struct {
		name           string
		municipalities []string
		s              string
		want           neighbourhood.Neighbourhood
		ok             bool
	}{
		{"a code", []string{"GM0001"}, "WK000101", centrum1, true},
		{"a code without case", []string{"GM0001"}, " wk000101 ", centrum1, true},
		{"a name without case and spaces", []string{"GM0001"}, "oud noord", neighbourhood.Neighbourhood{Code: "WK000102", Municipality: "GM0001", Name: "Oud Noord"}, true},
		{"another municipality's code", []string{"GM0001"}, "WK000201", neighbourhood.Neighbourhood{}, false},
		{"a name two municipalities share", []string{"GM0001", "GM0002"}, "Centrum", neighbourhood.Neighbourhood{}, false},
		{"free text", []string{"GM0001"}, "Jan Jansen tel 06-11112222 jan.jansen@example.org", neighbourhood.Neighbourhood{}, false},
		{"nothing", []string{"GM0001"}, " ", neighbourhood.Neighbourhood{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := tab.Of(tc.municipalities...).Resolve(tc.s)
			if diff := cmp.Diff(tc.want, got); diff != "" || ok != tc.ok {
				t.Errorf("Resolve(%q) ok %v, want %v; (-want +got):\n%s", tc.s, ok, tc.ok, diff)
			}
		})
	}
}

func TestReadRefusesABadTableNamingEveryProblem(t *testing.T) {
	t.Parallel()
	file := strings.Join([]string{
		"gemeente;code;naam",
		"GM0453;WK045301;IJmuiden",
		"Velsen;WK045302;Driehuis",     // 3
		"GM0453;wk 045303;Velserbroek", // 4
		"GM0453;WK045301;Santpoort",    // 5
		"GM0453;WK045309;ijmuiden",     // 6
		"GM0453;WK045310;",             // 7
		"GM0453;WK045311",              // 8
	}, "\n")
	_, err := neighbourhood.Read([]byte(file))
	var e *csvfile.Error
	if !errors.As(err, &e) {
		t.Fatalf("Read = %v, want a *csvfile.Error", err)
	}
	var got []string
	for _, p := range e.Problems {
		got = append(got, p.String())
	}
	want := []string{
		"line 3, column 1 (gemeente): the municipality must be a CBS code such as GM0453",
		"line 4, column 2 (code): the code must be 2 to 20 upper-case letters, digits and dashes, starting with a letter, such as WK045301",
		"line 5, column 2 (code): the code WK045301 is on line 2 already",
		"line 6, column 3 (naam): GM0453 has a neighbourhood of this name on line 2 already",
		"line 7, column 3 (naam): the name is missing",
		"line 8: has 2 fields, the header 3",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

func TestOpenNamesTheFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "wijken.csv")
	if err := os.WriteFile(path, []byte("gemeentecode;wijkcode;wijknaam\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := neighbourhood.Open(path)
	want := "reading neighbourhood table: " + path + ": 1 problem:\n" + path + ":1: the file has a header row but no data below it"
	if err == nil || err.Error() != want {
		t.Errorf("Open error:\n%v\nwant:\n%s", err, want)
	}
}

func TestNewRefusesWhatReadWould(t *testing.T) {
	t.Parallel()
	_, err := neighbourhood.New([]neighbourhood.Neighbourhood{
		{Code: "WK045301", Municipality: "GM0453", Name: "IJmuiden"},
		{Code: "WK045301", Municipality: "GM0453", Name: "Driehuis"},
		{Code: "WK045302", Municipality: "GM0453", Name: "Drie\x07huis"},
	})
	want := "entry 2: the code WK045301 is used twice\nentry 3: the name holds a control character"
	if err == nil || err.Error() != want {
		t.Errorf("New error:\n%v\nwant:\n%s", err, want)
	}
}

func TestNilTableKnowsNothing(t *testing.T) {
	t.Parallel()
	var tab *neighbourhood.Table
	if _, ok := tab.Lookup("VEL-01"); ok || tab.Len() != 0 || tab.Of("GM0453").Len() != 0 {
		t.Error("a nil table knows a neighbourhood")
	}
}
