package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A table file with a problem stops the start before anything runs,
// naming the file and every problem on a line of its own: the probe's
// bare quote once panicked, and a header-only file once started with an
// empty table.
func TestABadTableFileStopsTheStart(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, flag, file string
		want             string // with FILE for the file's path
	}{
		{"a bare quote in the postcodes", "-postcodes", "postcode;gemeentecode\n1971;GM0453\n1972;GM\"0453\n",
			`-postcodes: reading postcode table: FILE: 1 problem:
FILE:3:2: holds a quote (") in a field that does not start with one; put the whole field in quotes and double the quote ("")`},
		{"an unterminated quote in the postcodes", "-postcodes", "postcode;gemeentecode\n1971;GM0453\n\"1972;GM0453\n",
			`-postcodes: reading postcode table: FILE: 1 problem:
FILE:3:1: a field starts with a quote (") that is not closed, or text follows its closing quote`},
		{"postcodes without rows", "-postcodes", "postcode;gemeentecode\n",
			`-postcodes: reading postcode table: FILE: 1 problem:
FILE:1: the file has a header row but no data below it`},
		{"two bad neighbourhoods", "-neighbourhoods", "gemeentecode;wijkcode;wijknaam\nGM0453;WK045301;IJmuiden\nVelsen;WK045302;Driehuis\nGM0453;WK045301;Velserbroek\n",
			`-neighbourhoods: reading neighbourhood table: FILE: 2 problems:
FILE:3:1: gemeentecode: the municipality must be a CBS code such as GM0453
FILE:4:2: wijkcode: the code WK045301 is on line 2 already`},
		{"two bad focus group roles", "-focusgroup-roles", "tenant,key,label_nl,label_en,resident\nGM0453,youth_worker,Jongerenwerker,Youth worker,false\nGM0453,client,Cliënt,Client,true\nGM0453,buurt_coach,Buurtcoach,Neighbourhood coach,ja\n",
			`-focusgroup-roles: reading focus group role table: FILE: 2 problems:
FILE:3:2: key: client is a built-in role, which every tenant has already
FILE:4:5: resident: must be true or false`},
		{"focus group roles without rows", "-focusgroup-roles", "tenant,key,label_nl,label_en,resident\n",
			`-focusgroup-roles: reading focus group role table: FILE: 1 problem:
FILE:1: the file has a header row but no data below it`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "tabel.csv")
			if err := os.WriteFile(path, []byte(tc.file), 0o600); err != nil {
				t.Fatal(err)
			}
			// No database and no NATS: the table is read before either
			// would be started.
			err := run(context.Background(), []string{tc.flag + "=" + path, "-data-dir=" + dir, "-http-addr=127.0.0.1:0"}, io.Discard, io.Discard)
			if err == nil {
				t.Fatal("run started with a bad table")
			}
			want := strings.ReplaceAll(tc.want, "FILE", path)
			if diff := cmp.Diff(want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if _, err := os.Stat(filepath.Join(dir, "pg")); err == nil {
				t.Error("PostgreSQL was started before the table was read")
			}
		})
	}
}
