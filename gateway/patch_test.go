package gateway

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

func TestMergePatch(t *testing.T) {
	t.Parallel()
	const process = `{"id":"p1","title":"Wmo-loket","preciseQuestion":"Waar lopen inwoners vast?","approach":"Spiegelgesprek",` +
		`"targetGroup":"","forms":["visit"],"adviceSentTime":null,"etag":"v1"}`
	const poll = `{"id":"p2","title":{"nl":"Eenzaamheid","en":"Loneliness"},"intro":{"nl":"","en":""},"etag":"v1"}`
	tests := []struct {
		name        string
		current     string
		patch       string
		wantMerged  string
		wantChanged []string
	}{
		{"one member changes, the others stay", process, `{"targetGroup":"70+"}`,
			`{"id":"p1","title":"Wmo-loket","preciseQuestion":"Waar lopen inwoners vast?","approach":"Spiegelgesprek","targetGroup":"70+","forms":["visit"],"adviceSentTime":null,"etag":"v1"}`,
			[]string{"targetGroup"}},
		{"null clears", process, `{"approach":null}`,
			`{"id":"p1","title":"Wmo-loket","preciseQuestion":"Waar lopen inwoners vast?","targetGroup":"","forms":["visit"],"adviceSentTime":null,"etag":"v1"}`,
			[]string{"approach"}},
		{"an array is replaced whole", process, `{"forms":["other"]}`,
			`{"id":"p1","title":"Wmo-loket","preciseQuestion":"Waar lopen inwoners vast?","approach":"Spiegelgesprek","targetGroup":"","forms":["other"],"adviceSentTime":null,"etag":"v1"}`,
			[]string{"forms"}},
		{"objects merge member by member", poll, `{"title":{"nl":"Nieuw"}}`,
			`{"id":"p2","title":{"nl":"Nieuw","en":"Loneliness"},"intro":{"nl":"","en":""},"etag":"v1"}`,
			[]string{"title"}},
		{"null removes one member of an object", poll, `{"title":{"en":null}}`,
			`{"id":"p2","title":{"nl":"Eenzaamheid"},"intro":{"nl":"","en":""},"etag":"v1"}`,
			[]string{"title"}},
		{"what is already so changes nothing", process, `{"title":"Wmo-loket","approach":"Spiegelgesprek","forms":["visit"]}`, process, nil},
		{"clearing what is not set changes nothing", process, `{"targetGroup":null,"adviceSentTime":null}`,
			`{"id":"p1","title":"Wmo-loket","preciseQuestion":"Waar lopen inwoners vast?","approach":"Spiegelgesprek","forms":["visit"],"etag":"v1"}`,
			nil},
		{"an output-only member that changes is named", process, `{"title":"Anders"}`,
			`{"id":"p1","title":"Anders","preciseQuestion":"Waar lopen inwoners vast?","approach":"Spiegelgesprek","targetGroup":"","forms":["visit"],"adviceSentTime":null,"etag":"v1"}`,
			[]string{"title"}},
		{"an unknown member is named, for the decoder to refuse", process, `{"colour":"blue"}`,
			`{"id":"p1","title":"Wmo-loket","preciseQuestion":"Waar lopen inwoners vast?","approach":"Spiegelgesprek","targetGroup":"","forms":["visit"],"adviceSentTime":null,"colour":"blue","etag":"v1"}`,
			[]string{"colour"}},
		{"several, in order", process, `{"targetGroup":"70+","approach":"Meelopen","preciseQuestion":null}`,
			`{"id":"p1","title":"Wmo-loket","approach":"Meelopen","targetGroup":"70+","forms":["visit"],"adviceSentTime":null,"etag":"v1"}`,
			[]string{"approach", "preciseQuestion", "targetGroup"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			merged, changed, err := mergePatch([]byte(tt.current), []byte(tt.patch), "v1")
			if err != nil {
				t.Fatal(err)
			}
			var got, want any
			if err := json.Unmarshal(merged, &got); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(tt.wantMerged), &want); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("merged (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantChanged, changed); diff != "" {
				t.Errorf("changed (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseIfMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		values    []string
		want      ifMatch
		wantError bool
	}{
		{"none", nil, ifMatch{}, false},
		{"any", []string{"*"}, ifMatch{present: true, any: true}, false},
		{"one", []string{`"v1"`}, ifMatch{present: true, tags: []string{"v1"}}, false},
		{"a list over two fields", []string{`"v1", "v2"`, `"v3"`}, ifMatch{present: true, tags: []string{"v1", "v2", "v3"}}, false},
		{"a comma inside a tag", []string{`"a,b"`}, ifMatch{present: true, tags: []string{"a,b"}}, false},
		{"weak tags never match", []string{`W/"v1", "v2"`}, ifMatch{present: true, tags: []string{"v2"}}, false},
		{"only weak", []string{`W/"v1"`}, ifMatch{present: true}, false},
		{"unquoted", []string{`v1`}, ifMatch{}, true},
		{"unterminated", []string{`"v1`}, ifMatch{}, true},
		{"run together", []string{`"v1""v2"`}, ifMatch{}, true},
		{"empty", []string{``}, ifMatch{}, true},
		{"any and tags", []string{`*, "v1"`}, ifMatch{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, p := parseIfMatch(tt.values)
			if (p != nil) != tt.wantError {
				t.Fatalf("parseIfMatch(%q) problem %+v, want one: %v", tt.values, p, tt.wantError)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(ifMatch{})); diff != "" {
				t.Errorf("parseIfMatch(%q) (-want +got):\n%s", tt.values, diff)
			}
		})
	}
	for _, c := range []struct {
		cond    ifMatch
		current string
		want    string
	}{
		{ifMatch{present: true, tags: []string{"v0", "v1"}}, "v1", "v1"},
		{ifMatch{present: true, tags: []string{"v0", "v2"}}, "v1", "v0"},
		{ifMatch{present: true}, "v1", `W/""`},
	} {
		if got := c.cond.choose(c.current); got != c.want {
			t.Errorf("%+v chooses %q of %q, want %q", c.cond, got, c.current, c.want)
		}
	}
}

// patchCall is one PATCH through the gateway, of the council GM0453 unless
// path says otherwise.
type patchCall struct {
	path        string
	body        string
	contentType string
	ifMatch     string
	query       string
}

func (c patchCall) send(t *testing.T, srv *testServer) (*http.Response, map[string]any) {
	t.Helper()
	path := c.path
	if path == "" {
		path = "/councils/GM0453"
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPatch, srv.URL+apiPrefix+path+c.query, strings.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	ct := c.contentType
	if ct == "" {
		ct = "application/merge-patch+json"
	}
	req.Header.Set("Content-Type", ct)
	if c.ifMatch != "" {
		req.Header.Set("If-Match", c.ifMatch)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("PATCH answered %s, not JSON: %s", resp.Status, b)
	}
	return resp, out
}

// withCouncil gives the test server's fake the council of Velsen, at
// version 1, which races more updates find changed meanwhile.
func withCouncil(srv *testServer, races int) {
	srv.fake.mu.Lock()
	defer srv.fake.mu.Unlock()
	srv.fake.councils["GM0453"] = &fakeCouncil{version: 1, races: races, council: &councilsv1.Council{
		MunicipalityCode: "GM0453", Name: "Participatieraad Velsen", ContactEmail: "raad@velsen.example", Seats: 9}}
}

func (srv *testServer) updateRequests() []*councilsv1.UpdateCouncilRequest {
	srv.fake.mu.Lock()
	defer srv.fake.mu.Unlock()
	return srv.fake.updates
}

func TestPatchMergesThroughTheUpdateMask(t *testing.T) {
	t.Parallel()
	noLimit := Config{RateLimit: RateLimit{AnonymousPerMinute: -1}}
	tests := []struct {
		name  string
		races int
		call  patchCall
		// wantStatus and wantParam describe the answer; wantUpdates the
		// requests that reached UpdateCouncil, by their mask and etag.
		wantStatus  int
		wantParam   string
		wantETag    string
		wantName    string
		wantUpdates []*councilsv1.UpdateCouncilRequest
	}{
		{name: "one field, the others kept", call: patchCall{body: `{"seats":11}`},
			wantStatus: 200, wantETag: `"v2"`, wantName: "Participatieraad Velsen",
			wantUpdates: []*councilsv1.UpdateCouncilRequest{update(`{"seats":11}`, "v1", "seats")}},
		{name: "as application/json too", call: patchCall{body: `{"seats":11}`, contentType: "application/json"},
			wantStatus: 200, wantETag: `"v2"`, wantName: "Participatieraad Velsen",
			wantUpdates: []*councilsv1.UpdateCouncilRequest{update(`{"seats":11}`, "v1", "seats")}},
		{name: "null clears", call: patchCall{body: `{"contactEmail":null}`},
			wantStatus: 200, wantETag: `"v2"`, wantName: "Participatieraad Velsen",
			wantUpdates: []*councilsv1.UpdateCouncilRequest{update(`{"contactEmail":""}`, "v1", "contactEmail")}},
		{name: "null on a required field is the service's 400", call: patchCall{body: `{"name":null}`},
			wantStatus: 400, wantParam: "/name",
			wantUpdates: []*councilsv1.UpdateCouncilRequest{update(`{"name":""}`, "v1", "name")}},
		{name: "nothing new still asks the service, with no fields", call: patchCall{body: `{"seats":9,"vacancies":0}`},
			wantStatus: 200, wantETag: `"v1"`, wantName: "Participatieraad Velsen",
			wantUpdates: []*councilsv1.UpdateCouncilRequest{update(`{}`, "v1", "")}},
		{name: "the current version in If-Match", call: patchCall{body: `{"seats":11}`, ifMatch: `"v1"`},
			wantStatus: 200, wantETag: `"v2"`, wantName: "Participatieraad Velsen",
			wantUpdates: []*councilsv1.UpdateCouncilRequest{update(`{"seats":11}`, "v1", "seats")}},
		{name: "any version in If-Match", call: patchCall{body: `{"seats":11}`, ifMatch: `*`},
			wantStatus: 200, wantETag: `"v2"`, wantName: "Participatieraad Velsen",
			wantUpdates: []*councilsv1.UpdateCouncilRequest{update(`{"seats":11}`, "v1", "seats")}},
		{name: "an old version in If-Match changes nothing", call: patchCall{body: `{"seats":11}`, ifMatch: `"v0"`},
			wantStatus: 412, wantParam: "If-Match",
			wantUpdates: []*councilsv1.UpdateCouncilRequest{update(`{"seats":11}`, "v0", "seats")}},
		{name: "one of several versions in If-Match", call: patchCall{body: `{"seats":11}`, ifMatch: `"v0", "v1"`},
			wantStatus: 200, wantETag: `"v2"`, wantName: "Participatieraad Velsen",
			wantUpdates: []*councilsv1.UpdateCouncilRequest{update(`{"seats":11}`, "v1", "seats")}},
		{name: "a weak version in If-Match never matches", call: patchCall{body: `{"seats":11}`, ifMatch: `W/"v1"`},
			wantStatus: 412, wantParam: "If-Match",
			wantUpdates: []*councilsv1.UpdateCouncilRequest{update(`{"seats":11}`, `W/""`, "seats")}},
		{name: "an old version in the body changes nothing", call: patchCall{body: `{"seats":11,"etag":"v0"}`},
			wantStatus: 412, wantParam: "/etag",
			wantUpdates: []*councilsv1.UpdateCouncilRequest{update(`{"seats":11}`, "v0", "seats")}},
		{name: "If-Match and the body's etag disagree", call: patchCall{body: `{"seats":11,"etag":"v0"}`, ifMatch: `"v1"`},
			wantStatus: 412, wantParam: "If-Match"},
		{name: "the current version in the body", call: patchCall{body: `{"seats":11,"etag":"v1"}`},
			wantStatus: 200, wantETag: `"v2"`, wantName: "Participatieraad Velsen",
			wantUpdates: []*councilsv1.UpdateCouncilRequest{update(`{"seats":11}`, "v1", "seats")}},
		{name: "changed meanwhile, without If-Match: read and merged again", races: 1, call: patchCall{body: `{"seats":11}`},
			wantStatus: 200, wantETag: `"v3"`, wantName: "Participatieraad Velsen",
			wantUpdates: []*councilsv1.UpdateCouncilRequest{update(`{"seats":11}`, "v1", "seats"), update(`{"seats":11}`, "v2", "seats")}},
		{name: "changed meanwhile, with If-Match", races: 1, call: patchCall{body: `{"seats":11}`, ifMatch: `"v1"`},
			wantStatus: 412, wantParam: "If-Match",
			wantUpdates: []*councilsv1.UpdateCouncilRequest{update(`{"seats":11}`, "v1", "seats")}},
		{name: "changed meanwhile, again and again", races: patchAttempts, call: patchCall{body: `{"seats":11}`},
			wantStatus: 409,
			wantUpdates: []*councilsv1.UpdateCouncilRequest{
				update(`{"seats":11}`, "v1", "seats"), update(`{"seats":11}`, "v2", "seats"), update(`{"seats":11}`, "v3", "seats")}},
		{name: "an unknown council: asked for with no fields, answered as read", call: patchCall{path: "/councils/GM9999", body: `{"seats":11}`},
			wantStatus: 404,
			wantUpdates: []*councilsv1.UpdateCouncilRequest{{MunicipalityCode: "GM9999", Council: &councilsv1.Council{},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{""}}}}},
		{name: "an unknown member never reaches the service", call: patchCall{body: `{"colour":"blue"}`},
			wantStatus: 400, wantParam: "/colour"},
		{name: "a wrong type never reaches the service", call: patchCall{body: `{"seats":"eleven"}`},
			wantStatus: 400, wantParam: "/seats"},
		{name: "not an object", call: patchCall{body: `["seats"]`}, wantStatus: 400},
		{name: "an etag that is no string", call: patchCall{body: `{"etag":1}`}, wantStatus: 400, wantParam: "/etag"},
		{name: "a malformed If-Match", call: patchCall{body: `{"seats":11}`, ifMatch: `v1`}, wantStatus: 400, wantParam: "If-Match"},
		{name: "an update mask of the caller's", call: patchCall{body: `{"seats":11}`, query: "?updateMask=seats,name"},
			wantStatus: 400, wantParam: "updateMask"},
		{name: "a JSON Patch", call: patchCall{body: `[{"op":"replace","path":"/seats","value":11}]`, contentType: "application/json-patch+json"},
			wantStatus: 415},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newTestServer(t, noLimit)
			withCouncil(srv, tt.races)
			resp, out := tt.call.send(t, srv)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %s, want %d: %v", resp.Status, tt.wantStatus, out)
			}
			if got := resp.Header.Get("ETag"); got != tt.wantETag {
				t.Errorf("ETag %q, want %q", got, tt.wantETag)
			}
			if resp.StatusCode == http.StatusOK {
				if out["name"] != tt.wantName || out["etag"] != strings.Trim(tt.wantETag, `"`) {
					t.Errorf("answered %v, want name %q and etag %s", out, tt.wantName, tt.wantETag)
				}
			} else if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type %q, want application/problem+json", ct)
			}
			if tt.wantParam != "" {
				params, _ := out["invalidParams"].([]any)
				if len(params) != 1 || params[0].(map[string]any)["name"] != tt.wantParam {
					t.Errorf("invalidParams %v, want one naming %s", params, tt.wantParam)
				}
			}
			if diff := cmp.Diff(tt.wantUpdates, srv.updateRequests(), protocmp.Transform()); diff != "" {
				t.Errorf("UpdateCouncil requests (-want +got):\n%s", diff)
			}
		})
	}
}

// update is an UpdateCouncil request of the gateway: the council of
// withCouncil with the members of changes merged in and etag set, and the
// mask.
func update(changes string, etag string, mask string) *councilsv1.UpdateCouncilRequest {
	fields := map[string]any{"municipalityCode": "GM0453", "name": "Participatieraad Velsen", "contactEmail": "raad@velsen.example", "seats": 9}
	if err := json.Unmarshal([]byte(changes), &fields); err != nil {
		panic(err)
	}
	b, err := json.Marshal(fields)
	if err != nil {
		panic(err)
	}
	c := &councilsv1.Council{}
	if err := protojson.Unmarshal(b, c); err != nil {
		panic(err)
	}
	c.Etag = etag
	return &councilsv1.UpdateCouncilRequest{MunicipalityCode: "GM0453", Council: c,
		UpdateMask: &fieldmaskpb.FieldMask{Paths: strings.Split(mask, ",")}}
}

func TestGetCarriesTheETag(t *testing.T) {
	t.Parallel()
	srv := newTestServer(t, Config{RateLimit: RateLimit{AnonymousPerMinute: -1}})
	withCouncil(srv, 0)
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+apiPrefix+"/councils/GM0453", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("ETag"); resp.StatusCode != http.StatusOK || got != `"v1"` {
			t.Errorf("%s: %s with ETag %q, want 200 with \"v1\"", method, resp.Status, got)
		}
	}
}
