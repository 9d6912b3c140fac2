package api

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/cursor"
	"github.com/meedoen/meedoen/internal/errs"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

// badCursors are cursors the service never hands out. The first is the
// probe's: base64url of a single NUL, which reached PostgreSQL and
// answered 500.
var badCursors = map[string]string{
	"a NUL":                   "AA",
	"a key holding a NUL":     cursor.Encode("GM\x00453"),
	"invalid UTF-8":           cursor.Encode("\xff\xfe"),
	"not base64url":           "not base64!",
	"a key no list hands out": cursor.Encode("no key!"),
	"an upper-case UUID":      cursor.Encode("0190F0E0-0000-7000-8000-000000000000"),
}

// TestListsRefuseCursorsTheyDidNotHandOut calls every list method with
// each bad cursor, anonymously where the method is public: each answers
// Invalid naming "cursor", never an internal error.
func TestListsRefuseCursorsTheyDidNotHandOut(t *testing.T) {
	f := newFixture(t)
	anonymous := context.Background()
	admin := as("root", "admin@*")
	lists := map[string]func(c string) error{
		"ListRegions (anonymous)": func(c string) error {
			_, err := f.srv.ListRegions(anonymous, &councilsv1.ListRegionsRequest{Cursor: c})
			return err
		},
		"ListMunicipalities (anonymous)": func(c string) error {
			_, err := f.srv.ListMunicipalities(anonymous, &councilsv1.ListMunicipalitiesRequest{Cursor: c})
			return err
		},
		"ListCouncils": func(c string) error {
			_, err := f.srv.ListCouncils(admin, &councilsv1.ListCouncilsRequest{Cursor: c})
			return err
		},
		"ListQuestions": func(c string) error {
			_, err := f.srv.ListQuestions(admin, &councilsv1.ListQuestionsRequest{Cursor: c})
			return err
		},
		"ListProcesses": func(c string) error {
			_, err := f.srv.ListProcesses(admin, &councilsv1.ListProcessesRequest{Cursor: c})
			return err
		},
	}
	for list, call := range lists {
		for name, c := range badCursors {
			t.Run(list+"/"+name, func(t *testing.T) {
				checkCursorRefused(t, call(c))
			})
		}
	}
}

func checkCursorRefused(t *testing.T, err error) {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v, want an Invalid *errs.Error", err)
	}
	want := &errs.Error{Code: errs.Invalid, Message: "invalid input",
		Fields: []errs.Field{{Path: "cursor", Reason: "is not a cursor this API returned"}}}
	if diff := cmp.Diff(want, e); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
}
