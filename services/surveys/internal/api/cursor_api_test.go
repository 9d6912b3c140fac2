package api

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/cursor"
	"github.com/meedoen/meedoen/internal/errs"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// TestListsRefuseCursorsTheyDidNotHandOut calls every list method with
// cursors the service never hands out (the probe's first: base64url of a
// single NUL): each answers Invalid naming "cursor".
func TestListsRefuseCursorsTheyDidNotHandOut(t *testing.T) {
	f := newPanelFixture(t)
	badCursors := map[string]string{
		"a NUL":               "AA",
		"a key holding a NUL": cursor.Encode("0190f0e0-0000-7000-8000-00000000000\x00"),
		"invalid UTF-8":       cursor.Encode("\xff\xfe"),
		"not base64url":       "not base64!",
		"not an id":           cursor.Encode("GM0453"),
	}
	lists := map[string]func(c string) error{
		"ListPolls": func(c string) error {
			_, err := f.srv.ListPolls(velsenMember(), &surveysv1.ListPollsRequest{Cursor: c})
			return err
		},
		"ListPanelMembers": func(c string) error {
			_, err := f.panels.ListPanelMembers(velsenSecretary(), &surveysv1.ListPanelMembersRequest{MunicipalityCode: "GM0453", Cursor: c})
			return err
		},
	}
	for list, call := range lists {
		for name, c := range badCursors {
			t.Run(list+"/"+name, func(t *testing.T) {
				var e *errs.Error
				if err := call(c); !errors.As(err, &e) {
					t.Fatalf("error = %v, want an Invalid *errs.Error", err)
				}
				want := &errs.Error{Code: errs.Invalid, Message: "invalid input",
					Fields: []errs.Field{{Path: "cursor", Reason: "is not a cursor this API returned"}}}
				if diff := cmp.Diff(want, e); diff != "" {
					t.Errorf("error (-want +got):\n%s", diff)
				}
			})
		}
	}
}
