package focusgroups

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/meedoen/meedoen/gateway/web/webtest"
	focusgroupsv1 "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
)

// ignoreKeys leaves the creating requests' idempotency keys, random per
// shown form, out of a comparison; TestCreatingFormsCarryOneKey checks them.
var ignoreKeys = cmp.Options{
	protocmp.IgnoreFields(&focusgroupsv1.CreateFocusGroupRequest{}, "idempotency_key"),
	protocmp.IgnoreFields(&focusgroupsv1.ScheduleSessionRequest{}, "idempotency_key"),
	protocmp.IgnoreFields(&focusgroupsv1.InviteResidentsRequest{}, "idempotency_key"),
	protocmp.IgnoreFields(&focusgroupsv1.CreateFindingRequest{}, "idempotency_key"),
}

var hiddenKey = regexp.MustCompile(`<input type="hidden" name="sleutel" value="([^"]*)">`)

// keyIn returns the idempotency key of the form on a page.
func keyIn(t *testing.T, body string) string {
	t.Helper()
	m := hiddenKey.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("the page has no hidden key field")
	}
	return m[1]
}

// TestCreatingFormsCarryOneKey: each creating form carries a hidden key
// made when it is shown; a double click (the same form posted twice) sends
// both requests with that key, so that the service creates one thing; a
// form shown again with errors keeps its key; and two showings of a form
// get different keys.
func TestCreatingFormsCarryOneKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, page, method string
		form, bad          url.Values
		keyOf              func(any) string
	}{
		{"form group", "/focusgroepen/nieuw", "CreateFocusGroup",
			url.Values{fProcess: {"p-mantelzorg"}, fName: {"Respijt in Velsen"}, "zetels-client": {"4"}},
			url.Values{fProcess: {""}, fName: {"Respijt in Velsen"}},
			func(r any) string { return r.(*focusgroupsv1.CreateFocusGroupRequest).GetIdempotencyKey() }},
		{"schedule session", base + "/bijeenkomsten/nieuw", "ScheduleSession",
			url.Values{fDay: {"2027-06-15"}, fStart: {"19:00"}, fEnd: {"21:00"}, fAddress: {"Bibliotheek IJmuiden"}, fCapacity: {"6"}},
			url.Values{fDay: {"2027-06-15"}, fStart: {"21:00"}, fEnd: {"19:00"}, fAddress: {"Bibliotheek IJmuiden"}, fCapacity: {"6"}},
			func(r any) string { return r.(*focusgroupsv1.ScheduleSessionRequest).GetIdempotencyKey() }},
		{"invite residents", base + "/uitnodigen", "InviteResidents",
			url.Values{fInvitees: {"Kees Jansen <kees@example.org>"}, fRole: {"client"}, fLang: {"nl"}},
			url.Values{fInvitees: {"alleen@example.org"}},
			func(r any) string { return r.(*focusgroupsv1.InviteResidentsRequest).GetIdempotencyKey() }},
		{"new finding", base + "/bevindingen/nieuw", "CreateFinding",
			url.Values{fStatement: {"Respijtzorg is onbekend."}, fBreadth: {"meesten"}},
			url.Values{fStatement: {""}, fBreadth: {"meesten"}},
			func(r any) string { return r.(*focusgroupsv1.CreateFindingRequest).GetIdempotencyKey() }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			site, fk := staffSite(t)
			_, body := webtest.Send(t, site, webtest.Request{Target: tc.page, As: chair})
			key := keyIn(t, body)
			if !keyPattern.MatchString(key) {
				t.Fatalf("key %q is not one formKey makes", key)
			}
			if _, again := webtest.Send(t, site, webtest.Request{Target: tc.page, As: chair}); keyIn(t, again) == key {
				t.Errorf("two showings of the form share the key %q", key)
			}

			bad := url.Values{fKey: {key}}
			for k, v := range tc.bad {
				bad[k] = v
			}
			resp, body := webtest.Send(t, site, webtest.Request{Target: tc.page, As: chair, Form: bad})
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("bad input: status = %d, want 422", resp.StatusCode)
			}
			if got := keyIn(t, body); got != key {
				t.Errorf("the form shown again with errors has key %q, want the shown form's %q", got, key)
			}

			form := url.Values{fKey: {key}}
			for k, v := range tc.form {
				form[k] = v
			}
			var sent []string
			for range 2 {
				resp, _ := webtest.Send(t, site, webtest.Request{Target: tc.page, As: chair, Form: form})
				if resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("status = %d, want 303", resp.StatusCode)
				}
				sent = append(sent, tc.keyOf(fk.groups.Request(tc.method)))
			}
			if diff := cmp.Diff([]string{key, key}, sent); diff != "" {
				t.Errorf("%s's keys of a double click (-want +got):\n%s", tc.method, diff)
			}
		})
	}
}

// TestAPostWithoutAKeyGetsOne: a form posted without the hidden field
// (an old page, a script) still sends a key of its own.
func TestAPostWithoutAKeyGetsOne(t *testing.T) {
	t.Parallel()
	site, fk := staffSite(t)
	form := url.Values{fStatement: {"Respijtzorg is onbekend."}, fBreadth: {"meesten"}, fKey: {"<script>"}}
	if resp, _ := webtest.Send(t, site, webtest.Request{Target: base + "/bevindingen/nieuw", As: chair, Form: form}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("status = %d, want 303", resp.StatusCode)
	}
	if key := fk.groups.Request("CreateFinding").(*focusgroupsv1.CreateFindingRequest).GetIdempotencyKey(); !keyPattern.MatchString(key) {
		t.Errorf("sent key %q, want one formKey makes", key)
	}
}
