package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	legacyrouter "github.com/getkin/kin-openapi/routers/legacy"
	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/gateway/openapi"
	"github.com/meedoen/meedoen/internal/testkit"
)

// The PATCH operations of the OpenAPI document, tested from the document:
// every operation needs a target below and a sample for every member a
// client may write, so an operation or member added to the API without
// one fails here.

// fixedAtCreation is the sample of a member a client writes when it
// creates the resource, which a PATCH cannot change: it must be refused
// with 400 naming the member, and change nothing.
const fixedAtCreation = "(fixed at creation)"

// patchSamples holds, per PATCH operation and writable member, a new
// valid value as JSON, different from the target's, or fixedAtCreation.
var patchSamples = map[string]map[string]string{
	"updateCouncil": {
		"name":                      `"Participatieraad Velsen (proef)"`,
		"contactEmail":              `"proef@participatieraadvelsen.nl"`,
		"takesUnsolicitedQuestions": `true`,
		"seats":                     `13`,
	},
	"updateMember": {
		"name":      `"Anouk de Proef"`,
		"role":      `"secretary"`,
		"termStart": `"2025-06-01"`,
		"termEnd":   `"2031-12-31"`,
		"subject":   `"proef-anouk"`,
	},
	"updateProcess": {
		"preciseQuestion": `"Waar lopen inwoners van 70 en ouder vast bij het Wmo-loket?"`,
		"approach":        `"Spiegelgesprek in het buurthuis en een flitspeiling"`,
		"targetGroup":     `"70+"`,
		"forms":           `["flash_poll","mirror_conversation"]`,
	},
	"updatePoll": {
		"title": `{"nl":"Het Wmo-loket in Velsen","en":"The Wmo desk in Velsen"}`,
		"intro": `{"nl":"Drie korte vragen.","en":"Three short questions."}`,
		"sections": `[{"id":"s1","questions":[
			{"id":"q1","type":"single_choice","text":{"nl":"Hoe vaak was u dit jaar bij het loket?"},"required":true,
			 "options":[{"id":"a","label":{"nl":"Nooit"}},{"id":"b","label":{"nl":"Een keer"}},{"id":"c","label":{"nl":"Vaker"}}]},
			{"id":"q2","type":"likert","text":{"nl":"Het loket is goed bereikbaar."}}]}]`,
		"slug":           `"wmo-loket-proef"`,
		"audience":       `{"kind":"open_link","postcodeCheck":true}`,
		"opensAt":        `"2099-03-01T09:00:00Z"`,
		"closesAt":       `"2099-03-15T17:00:00Z"`,
		"resultsSharing": `{"nl":"In juni op de website van de participatieraad."}`,
		"processId":      fixedAtCreation,
		"tenant":         fixedAtCreation,
		"participants":   fixedAtCreation,
		"kind":           fixedAtCreation,
	},
	"updateFocusGroup": {
		"name":            `"Mantelzorg in Velsen (proef)"`,
		"purpose":         `"Wat hebben mantelzorgers nodig om op tijd hulp te vragen?"`,
		"plannedSessions": `5`,
		"seats":           `[{"roles":["client","experience_expert"],"seats":3},{"roles":["key_figure"],"seats":2}]`,
		"totalSeats":      `6`,
		"reminderHours":   `24`,
		"organisers":      `["proef-organisator","council_member@GM0453"]`,
		"processId":       fixedAtCreation,
	},
	"updateSession": {
		"startTime": `"2099-05-10T17:00:00Z"`,
		"endTime":   `"2099-05-10T21:00:00Z"`,
		"place":     `{"address":"Buurthuis De Schakel, Velsen","accessibility":"Drempelvrije ingang en ringleiding."}`,
		"onlineUrl": `"https://meet.velsen.example/proef"`,
		"agenda":    `"Kennismaking en ervaringen met het loket."`,
		"capacity":  `6`,
		"notes":     `"Notulen volgen."`,
	},
	"updateFinding": {
		"sessionId": `"{sessionId}"`,
		"statement": `"Mantelzorgers weten niet dat zij zelf ondersteuning kunnen vragen."`,
		"breadth":   `"all"`,
		"quotes":    `[{"text":"Ik dacht dat het loket alleen voor mijn moeder was.","consent":"anonymous"}]`,
	},
	"updateResponseSettings": {
		"termDays":       `57`,
		"officerEmail":   `"adviezen-proef@velsen.example"`,
		"secretaryEmail": `"secretaris-proef@velsen.example"`,
	},
}

// fixedSamples are values a PATCH of a member fixedAtCreation tries.
var fixedSamples = map[string]string{
	"processId":    `"0190f0e0-0000-7000-8000-000000000001"`,
	"tenant":       `"GM0375"`,
	"participants": `["GM0375"]`,
	"kind":         `"questionnaire"`,
}

// alsoChanges are the output-only members that a change of a member may
// move too; etag and updateTime move with every change.
var alsoChanges = map[string]map[string][]string{
	"updateCouncil": {"seats": {"vacancies"}},
	"updateMember":  {"termStart": {"active"}, "termEnd": {"active"}},
	"updateProcess": {
		"preciseQuestion": {"nextGateUnmet"}, "approach": {"nextGateUnmet"},
		"targetGroup": {"nextGateUnmet"}, "forms": {"nextGateUnmet"},
	},
	// A change members are sent raises the calendar sequence.
	"updateSession": {
		"startTime": {"sequence"}, "endTime": {"sequence"}, "place": {"sequence"}, "onlineUrl": {"sequence"}, "agenda": {"sequence"},
	},
}

// patchOperation is a PATCH of the document, with the members of its body
// a client may write.
type patchOperation struct {
	id, path string
	writable []string
}

func documentedPatches(t *testing.T) []patchOperation {
	t.Helper()
	type schema struct {
		Ref        string `json:"$ref"`
		Properties map[string]struct {
			ReadOnly bool `json:"readOnly"`
		} `json:"properties"`
	}
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string `json:"operationId"`
			RequestBody struct {
				Content map[string]struct {
					Schema schema `json:"schema"`
				} `json:"content"`
			} `json:"requestBody"`
		} `json:"paths"`
		Components struct {
			Schemas map[string]schema `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openapi.Document(), &doc); err != nil {
		t.Fatal(err)
	}
	var ops []patchOperation
	for path, item := range doc.Paths {
		op, ok := item["patch"]
		if !ok {
			continue
		}
		body := op.RequestBody.Content["application/merge-patch+json"].Schema
		if name, ok := strings.CutPrefix(body.Ref, "#/components/schemas/"); ok {
			body = doc.Components.Schemas[name]
		}
		if len(body.Properties) == 0 {
			t.Fatalf("PATCH %s (%s) takes no application/merge-patch+json resource", path, op.OperationID)
		}
		p := patchOperation{id: op.OperationID, path: path}
		for name, prop := range body.Properties {
			if !prop.ReadOnly {
				p.writable = append(p.writable, name)
			}
		}
		slices.Sort(p.writable)
		ops = append(ops, p)
	}
	slices.SortFunc(ops, func(a, b patchOperation) int { return strings.Compare(a.id, b.id) })
	return ops
}

// restClient calls the API as one person, with headers of its choice.
type restClient struct {
	t     *testing.T
	base  string
	token string
}

// answer is a response, its body decoded.
type answer struct {
	status int
	header http.Header
	body   map[string]any
}

func (c restClient) call(method, path, body string, header ...string) answer {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+"/api/v1"+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != "" {
		req.Header.Set("Content-Type", "application/merge-patch+json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, header: resp.Header}
	if err := json.Unmarshal(b, &a.body); err != nil && len(b) > 0 {
		c.t.Fatalf("%s %s: %s answered %q, not JSON", method, path, resp.Status, b)
	}
	return a
}

func (c restClient) must(status int, method, path, body string, header ...string) answer {
	c.t.Helper()
	a := c.call(method, path, body, header...)
	if a.status != status {
		c.t.Fatalf("%s %s %s: %d %v, want %d", method, path, body, a.status, a.body, status)
	}
	return a
}

// patchSystem is the running system with the IJmond demo data and people
// to call it as.
type patchSystem struct {
	chair, member, officer restClient
	// vars are the values of the placeholders in samples ("{sessionId}")
	// that only a target knows: ids of what it made for them.
	vars map[string]string
}

// expand fills in the placeholders of a sample.
func (s patchSystem) expand(sample string) string {
	for k, v := range s.vars {
		sample = strings.ReplaceAll(sample, "{"+k+"}", v)
	}
	return sample
}

func startPatchSystem(t *testing.T) patchSystem {
	t.Helper()
	databaseURL := testkit.NewDatabase(t)
	idp := newTestIdP(t)
	base := startInProcess(t, "-http-addr=127.0.0.1:0", "-data-dir="+t.TempDir(), "-database-url="+databaseURL,
		"-oidc-issuer="+idp.issuer, "-oidc-api-audience=meedoen-api", "-dev", "-anonymous-rate-limit=-1", "-rate-limit=-1")
	as := func(subject string) restClient { return restClient{t: t, base: base, token: idp.token(t, subject)} }
	return patchSystem{chair: as("chair@GM0453"), member: as("council_member@GM0453"), officer: as("policy_officer@GM0453"),
		vars: map[string]string{}}
}

// process starts a fresh Velsen process with its plan set, and returns
// its path.
func (s patchSystem) process(t *testing.T) string {
	t.Helper()
	q := s.officer.must(http.StatusCreated, "POST", "/questions", `{"title":"Het Wmo-loket","description":"Hoe ervaren inwoners het loket?",
		"theme":"toegankelijkheid","origin":"solicited","scope":{"tenant":"GM0453"},"adviceNeededBy":"2099-03-31"}`)
	qid, _ := q.body["id"].(string)
	s.chair.must(http.StatusOK, "POST", "/questions/"+qid+"/decisions", `{"accept":true}`)
	p := s.member.must(http.StatusCreated, "POST", "/processes", `{"questionId":"`+qid+`"}`)
	path := "/processes/" + p.body["id"].(string)
	s.member.must(http.StatusOK, "PATCH", path, `{"preciseQuestion":"Waar lopen inwoners vast bij het Wmo-loket?",
		"approach":"Gesprekken bij de voedselbank","forms":["visit"]}`)
	return path
}

// member adds a fresh member to Velsen's council and returns its path.
func (s patchSystem) newMember(t *testing.T) string {
	t.Helper()
	m := s.chair.must(http.StatusCreated, "POST", "/councils/GM0453/members",
		`{"name":"Anouk de Vries","role":"member","termStart":"2025-01-01"}`)
	return "/councils/GM0453/members/" + m.body["id"].(string)
}

// poll creates a draft poll for a fresh process and returns its path.
func (s patchSystem) poll(t *testing.T) string {
	t.Helper()
	process := strings.TrimPrefix(s.process(t), "/processes/")
	p := s.member.must(http.StatusCreated, "POST", "/polls", `{"processId":"`+process+`","tenant":"GM0453",
		"kind":"flash_poll","title":{"nl":"Concept","en":"Draft"}}`)
	return "/polls/" + p.body["id"].(string)
}

// patchTargets make, per PATCH operation, a resource to change, and say
// who changes it.
var patchTargets = map[string]func(t *testing.T, s patchSystem) (string, restClient){
	"updateCouncil":    func(_ *testing.T, s patchSystem) (string, restClient) { return "/councils/GM0453", s.chair },
	"updateMember":     func(t *testing.T, s patchSystem) (string, restClient) { return s.newMember(t), s.chair },
	"updateProcess":    func(t *testing.T, s patchSystem) (string, restClient) { return s.process(t), s.member },
	"updatePoll":       func(t *testing.T, s patchSystem) (string, restClient) { return s.poll(t), s.member },
	"updateFocusGroup": func(t *testing.T, s patchSystem) (string, restClient) { return s.focusGroup(t), s.member },
	"updateSession": func(t *testing.T, s patchSystem) (string, restClient) {
		group := s.focusGroup(t)
		return s.session(t, group), s.member
	},
	"updateResponseSettings": func(_ *testing.T, s patchSystem) (string, restClient) {
		return "/response-settings/GM0453", s.officer
	},
	"updateFinding": func(t *testing.T, s patchSystem) (string, restClient) {
		group := s.focusGroup(t)
		s.vars["sessionId"] = strings.TrimPrefix(s.session(t, group), group+"/sessions/")
		f := s.member.must(http.StatusCreated, "POST", group+"/findings", `{"statement":"Het loket is moeilijk te vinden.","breadth":"some"}`)
		return group + "/findings/" + f.body["id"].(string), s.member
	},
}

// focusGroup forms a focus group for a fresh process, once the focus
// groups service has heard of the process, and returns its path.
func (s patchSystem) focusGroup(t *testing.T) string {
	t.Helper()
	process := strings.TrimPrefix(s.process(t), "/processes/")
	var path string
	testkit.CheckFor(t, 15*time.Second, 50*time.Millisecond, func() error {
		g := s.member.call("POST", "/focus-groups", `{"processId":"`+process+`","name":"Mantelzorg in Velsen",
			"seats":[{"roles":["client"],"seats":2}]}`)
		if g.status != http.StatusCreated {
			return fmt.Errorf("forming a focus group: %d %v", g.status, g.body)
		}
		path = "/focus-groups/" + g.body["id"].(string)
		return nil
	})
	return path
}

// session schedules a session of the focus group at path in 2099 and
// returns its path.
func (s patchSystem) session(t *testing.T, group string) string {
	t.Helper()
	ss := s.member.must(http.StatusCreated, "POST", group+"/sessions", `{"startTime":"2099-05-10T18:00:00Z",
		"endTime":"2099-05-10T20:00:00Z","place":{"address":"Raadhuis Velsen"}}`)
	return group + "/sessions/" + ss.body["id"].(string)
}

// TestEveryPatchChangesWhatItNamesAndNothingElse patches, for every PATCH
// operation of the OpenAPI document, every member a client may write, one
// at a time, and checks that it changed and every other member stayed as
// it was.
func TestEveryPatchChangesWhatItNamesAndNothingElse(t *testing.T) {
	s := startPatchSystem(t)
	ops := documentedPatches(t)
	if len(ops) == 0 {
		t.Fatal("the OpenAPI document has no PATCH operation")
	}
	var documented []string
	for _, op := range ops {
		documented = append(documented, op.id)
		samples, ok := patchSamples[op.id]
		target := patchTargets[op.id]
		if !ok || target == nil {
			t.Errorf("PATCH %s (%s) has no samples or no target in this test: add them", op.path, op.id)
			continue
		}
		if diff := cmp.Diff(op.writable, slices.Sorted(maps.Keys(samples))); diff != "" {
			t.Errorf("%s: the writable members of the document (-) and the samples (+) differ; every writable member needs a sample:\n%s", op.id, diff)
			continue
		}
		t.Run(op.id, func(t *testing.T) {
			path, as := target(t, s)
			for _, field := range op.writable {
				t.Run(field, func(t *testing.T) {
					before := as.must(http.StatusOK, "GET", path, "")
					tag := before.header.Get("ETag")
					if tag == "" || tag != `"`+fmt.Sprint(before.body["etag"])+`"` {
						t.Fatalf("GET %s: ETag %q, etag member %v; want the member, quoted", path, tag, before.body["etag"])
					}
					if samples[field] == fixedAtCreation {
						patch := `{"` + field + `":` + fixedSamples[field] + `}`
						got := as.call("PATCH", path, patch)
						if got.status != http.StatusBadRequest || !namesParam(got.body, "/"+field) {
							t.Errorf("PATCH %s %s: %d %v, want 400 naming /%s", path, patch, got.status, got.body, field)
						}
						unchanged(t, as, path, before)
						return
					}
					sampleJSON := s.expand(samples[field])
					var sample any
					if err := json.Unmarshal([]byte(sampleJSON), &sample); err != nil {
						t.Fatalf("the sample of %s is not JSON: %v", field, err)
					}
					if containsValue(sample, before.body[field]) {
						t.Fatalf("the sample of %s, %s, is what the resource has already; pick another", field, samples[field])
					}
					patched := as.must(http.StatusOK, "PATCH", path, `{"`+field+`":`+sampleJSON+`}`)
					newTag := patched.header.Get("ETag")
					if newTag == tag || newTag != `"`+fmt.Sprint(patched.body["etag"])+`"` {
						t.Errorf("PATCH answered ETag %q (etag %v), want a new one that is its etag (was %s)", newTag, patched.body["etag"], tag)
					}
					after := as.must(http.StatusOK, "GET", path, "")
					if got := after.header.Get("ETag"); got != newTag {
						t.Errorf("GET after the PATCH has ETag %s, the PATCH answered %s", got, newTag)
					}
					if !containsValue(sample, after.body[field]) {
						t.Errorf("%s is %v after the PATCH, want %s", field, after.body[field], sampleJSON)
					}
					moved := append([]string{field, "etag", "updateTime"}, alsoChanges[op.id][field]...)
					for name, was := range before.body {
						if slices.Contains(moved, name) {
							continue
						}
						if diff := cmp.Diff(was, after.body[name]); diff != "" {
							t.Errorf("patching %s changed %s (-before +after):\n%s", field, name, diff)
						}
					}
				})
			}
		})
	}
	for id := range patchSamples {
		if !slices.Contains(documented, id) {
			t.Errorf("samples for %s, which the OpenAPI document does not have as a PATCH", id)
		}
	}
}

// namesParam reports whether a problem's invalidParams name name.
func namesParam(problem map[string]any, name string) bool {
	params, _ := problem["invalidParams"].([]any)
	for _, p := range params {
		if m, _ := p.(map[string]any); m["name"] == name {
			return true
		}
	}
	return false
}

// unchanged checks that the resource at path is as it was.
func unchanged(t *testing.T, as restClient, path string, before answer) {
	t.Helper()
	after := as.must(http.StatusOK, "GET", path, "")
	if diff := cmp.Diff(before.body, after.body); diff != "" {
		t.Errorf("%s changed (-before +after):\n%s", path, diff)
	}
	if got, want := after.header.Get("ETag"), before.header.Get("ETag"); got != want {
		t.Errorf("%s: ETag %s, want it unchanged (%s)", path, got, want)
	}
}

// containsValue reports whether got has every value of want: the same scalars,
// arrays of the same length whose elements contain want's, and objects
// with want's members (a service fills in defaults beside them).
func containsValue(want, got any) bool {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return false
		}
		for k, v := range w {
			if !containsValue(v, g[k]) {
				return false
			}
		}
		return true
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !containsValue(w[i], g[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(want, got)
}

// The probe that found the defect, and its neighbours: a partial PATCH
// leaves what it does not name alone, null clears, objects merge, and
// If-Match protects a change from someone else's.
func TestPartialPatchesKeepWhatTheyDoNotName(t *testing.T) {
	s := startPatchSystem(t)

	t.Run("the probe: a process's target group alone", func(t *testing.T) {
		path := s.process(t)
		before := s.member.must(http.StatusOK, "GET", path, "")
		// As the probe sent it: plain application/json.
		got := s.member.must(http.StatusOK, "PATCH", path, `{"targetGroup":"70+"}`, "Content-Type", "application/json")
		for _, kept := range []string{"preciseQuestion", "approach", "forms"} {
			if diff := cmp.Diff(before.body[kept], got.body[kept]); diff != "" {
				t.Errorf("%s after patching the target group (-before +after):\n%s", kept, diff)
			}
		}
		if got.body["targetGroup"] != "70+" || got.body["preciseQuestion"] != "Waar lopen inwoners vast bij het Wmo-loket?" {
			t.Errorf("process after the PATCH: %v", got.body)
		}
	})

	t.Run("a council's seats alone", func(t *testing.T) {
		before := s.chair.must(http.StatusOK, "GET", "/councils/GM0453", "")
		got := s.chair.must(http.StatusOK, "PATCH", "/councils/GM0453", `{"seats":11}`)
		if got.body["seats"] != 11.0 || got.body["name"] != before.body["name"] || got.body["contactEmail"] != before.body["contactEmail"] {
			t.Errorf("council after patching its seats: %v, was %v", got.body, before.body)
		}
	})

	t.Run("a member's role alone", func(t *testing.T) {
		path := s.newMember(t)
		got := s.chair.must(http.StatusOK, "PATCH", path, `{"role":"chair"}`)
		if got.body["role"] != "chair" || got.body["name"] != "Anouk de Vries" || got.body["termStart"] != "2025-01-01" {
			t.Errorf("member after patching the role: %v", got.body)
		}
	})

	t.Run("null clears what may be empty", func(t *testing.T) {
		for _, c := range []struct {
			path  func() string
			as    restClient
			field string
			set   string
		}{
			{func() string { return s.process(t) }, s.member, "approach", `"Spiegelgesprek"`},
			{func() string { return "/councils/GM0453" }, s.chair, "contactEmail", `"raad@velsen.example"`},
			{func() string { return s.newMember(t) }, s.chair, "termEnd", `"2030-12-31"`},
		} {
			path := c.path()
			c.as.must(http.StatusOK, "PATCH", path, `{"`+c.field+`":`+c.set+`}`)
			got := c.as.must(http.StatusOK, "PATCH", path, `{"`+c.field+`":null}`)
			if got.body[c.field] != "" {
				t.Errorf("%s of %s after null: %v, want it cleared", c.field, path, got.body[c.field])
			}
		}
	})

	t.Run("null on what is required is refused and changes nothing", func(t *testing.T) {
		member := s.newMember(t)
		for _, c := range []struct {
			path, field string
		}{
			{"/councils/GM0453", "name"},
			{member, "name"},
			{member, "role"},
			{member, "termStart"},
		} {
			before := s.chair.must(http.StatusOK, "GET", c.path, "")
			got := s.chair.call("PATCH", c.path, `{"`+c.field+`":null}`)
			if got.status != http.StatusBadRequest || !namesParam(got.body, "/"+c.field) {
				t.Errorf("PATCH %s {%q: null}: %d %v, want 400 naming /%s", c.path, c.field, got.status, got.body, c.field)
			}
			unchanged(t, s.chair, c.path, before)
		}
	})

	t.Run("objects merge member by member", func(t *testing.T) {
		path := s.poll(t)
		got := s.member.must(http.StatusOK, "PATCH", path, `{"title":{"nl":"Nieuw"}}`)
		if diff := cmp.Diff(map[string]any{"nl": "Nieuw", "en": "Draft"}, got.body["title"]); diff != "" {
			t.Errorf("title after patching its Dutch (-want +got):\n%s", diff)
		}
		got = s.member.must(http.StatusOK, "PATCH", path, `{"title":{"en":null}}`)
		if diff := cmp.Diff(map[string]any{"nl": "Nieuw", "en": ""}, got.body["title"]); diff != "" {
			t.Errorf("title after removing its English (-want +got):\n%s", diff)
		}
	})

	t.Run("If-Match", func(t *testing.T) {
		path := s.process(t)
		first := s.member.must(http.StatusOK, "GET", path, "")
		old := first.header.Get("ETag")
		second := s.member.must(http.StatusOK, "PATCH", path, `{"targetGroup":"Mantelzorgers"}`, "If-Match", old)
		current := second.header.Get("ETag")
		if current == old || current == "" {
			t.Fatalf("PATCH with the current ETag answered ETag %q, want a new one (was %s)", current, old)
		}
		// Someone else changed it since old was read: a change based on
		// old is refused and changes nothing.
		stale := s.member.call("PATCH", path, `{"targetGroup":"Ouderen"}`, "If-Match", old)
		if stale.status != http.StatusPreconditionFailed || stale.header.Get("Content-Type") != "application/problem+json" || !namesParam(stale.body, "If-Match") {
			t.Errorf("PATCH with an old ETag: %d %s %v, want a 412 problem naming If-Match", stale.status, stale.header.Get("Content-Type"), stale.body)
		}
		unchanged(t, s.member, path, second)
		if got := s.member.call("PATCH", path, `{"targetGroup":"Ouderen","etag":`+old+`}`); got.status != http.StatusPreconditionFailed {
			t.Errorf("PATCH with an old etag in the body: %d %v, want 412", got.status, got.body)
		}
		s.member.must(http.StatusOK, "PATCH", path, `{"targetGroup":"Ouderen"}`, "If-Match", "*")
	})

	t.Run("what a PATCH does not take", func(t *testing.T) {
		path := s.process(t)
		before := s.member.must(http.StatusOK, "GET", path, "")
		for _, c := range []struct {
			name, query, body, contentType string
			want                           int
			param                          string
		}{
			{"an unknown member", "", `{"targetGroup":"70+","colour":"blauw"}`, "", http.StatusBadRequest, "/colour"},
			{"an output-only member changed", "", `{"title":"Iets anders"}`, "", http.StatusBadRequest, "/title"},
			{"an update mask", "?updateMask=targetGroup", `{"targetGroup":"70+"}`, "", http.StatusBadRequest, "updateMask"},
			{"a JSON Patch", "", `[{"op":"replace","path":"/targetGroup","value":"70+"}]`, "application/json-patch+json", http.StatusUnsupportedMediaType, ""},
		} {
			header := []string{}
			if c.contentType != "" {
				header = []string{"Content-Type", c.contentType}
			}
			got := s.member.call("PATCH", path+c.query, c.body, header...)
			if got.status != c.want || (c.param != "" && !namesParam(got.body, c.param)) {
				t.Errorf("%s: %d %v, want %d naming %q", c.name, got.status, got.body, c.want, c.param)
			}
		}
		unchanged(t, s.member, path, before)
		// Output-only members sent back as read change nothing.
		echoed, err := json.Marshal(map[string]any{"title": before.body["title"], "phase": before.body["phase"], "targetGroup": "70+"})
		if err != nil {
			t.Fatal(err)
		}
		if got := s.member.must(http.StatusOK, "PATCH", path, string(echoed)); got.body["targetGroup"] != "70+" {
			t.Errorf("PATCH echoing output-only members: %v", got.body)
		}
	})

	t.Run("as a client made from the OpenAPI document sends and reads them", func(t *testing.T) {
		// What a generated client sends (a merge patch, If-Match) must be
		// a request the document allows, and what it gets back (200 with
		// an ETag, 412) an answer the document declares.
		doc, err := openapi3.NewLoader().LoadFromData(openapi.Document())
		if err != nil {
			t.Fatal(err)
		}
		doc.Servers = openapi3.Servers{{URL: s.member.base + "/api/v1"}}
		router, err := legacyrouter.NewRouter(doc)
		if err != nil {
			t.Fatal(err)
		}
		path := s.process(t)
		old := s.member.must(http.StatusOK, "GET", path, "").header.Get("ETag")
		opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
		for _, c := range []struct {
			body, contentType, ifMatch string
			want                       int
		}{
			{`{"targetGroup":"70+"}`, "application/merge-patch+json", old, http.StatusOK},
			{`{"approach":null}`, "application/json", "", http.StatusOK},
			{`{"targetGroup":"Ouderen"}`, "application/merge-patch+json", old, http.StatusPreconditionFailed},
		} {
			req, err := http.NewRequest(http.MethodPatch, s.member.base+"/api/v1"+path, strings.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+s.member.token)
			req.Header.Set("Content-Type", c.contentType)
			if c.ifMatch != "" {
				req.Header.Set("If-Match", c.ifMatch)
			}
			route, params, err := router.FindRoute(req)
			if err != nil {
				t.Fatal(err)
			}
			in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
			if err := openapi3filter.ValidateRequest(t.Context(), in); err != nil {
				t.Errorf("PATCH %s as %s: the document does not allow the request: %v", c.body, c.contentType, err)
			}
			req.Body = io.NopCloser(strings.NewReader(c.body))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.want {
				t.Errorf("PATCH %s: %s %s, want %d", c.body, resp.Status, b, c.want)
			}
			out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header, Options: opts}
			out.SetBodyBytes(b)
			if err := openapi3filter.ValidateResponse(t.Context(), out); err != nil {
				t.Errorf("PATCH %s: the document does not declare the answer %s: %v", c.body, resp.Status, err)
			}
		}
	})

	t.Run("a single resource answers with its ETag", func(t *testing.T) {
		for _, path := range []string{"/councils/GM0453", s.newMember(t), s.process(t), s.poll(t)} {
			for _, method := range []string{"GET", "HEAD"} {
				req, err := http.NewRequest(method, s.chair.base+"/api/v1"+path, nil)
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Authorization", "Bearer "+s.member.token)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if tag := resp.Header.Get("ETag"); resp.StatusCode != http.StatusOK || !strings.HasPrefix(tag, `"`) {
					t.Errorf("%s %s: %s with ETag %q, want 200 with a strong ETag", method, path, resp.Status, tag)
				}
			}
		}
	})
}
