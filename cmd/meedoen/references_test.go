package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/gateway/openapi"
	"github.com/meedoen/meedoen/internal/testkit"
)

// TestReferencesAcrossTenantsAreRefused is the class test for ids that
// name another resource: for every write operation in the OpenAPI
// document, every reference in its path and body (ids, municipality codes,
// tenants) is tried as a Velsen caller with a real resource of another
// tenant and with a random one. Both must be refused with a 4xx and write
// nothing; for resources whose existence is not public (processes,
// questions, polls, council and panel members) the two refusals must be
// indistinguishable, so that a refusal does not tell a caller that a
// foreign id exists. The untouched request must then succeed, so that each
// refusal is the reference's doing and not a broken example.
//
// A new operation, or a new reference field, without a case here fails the
// test: the next services' ids are checked the day they are added.
func TestReferencesAcrossTenantsAreRefused(t *testing.T) {
	databaseURL := testkit.NewDatabase(t)
	idp := newTestIdP(t)
	base := startInProcess(t, "-http-addr=127.0.0.1:0", "-data-dir="+t.TempDir(), "-database-url="+databaseURL,
		"-oidc-issuer="+idp.issuer, "-oidc-api-audience=meedoen-api", "-rate-limit=-1", "-anonymous-rate-limit=-1")
	fx := newReferenceFixtures(t, base, idp)
	db := newFingerprinter(t, databaseURL)

	cases := referenceCases(fx)
	for _, op := range writeOperations(t) {
		c, ok := cases[op.id]
		if !ok {
			t.Errorf("%s %s (%s) writes, but the reference test has no case for it: add one to referenceCases", op.method, op.path, op.id)
			continue
		}
		if len(op.refs) == 0 && !c.noReferences {
			t.Errorf("%s: the document shows no reference in its path or body; mark the case noReferences if that is right", op.id)
		}
		t.Run(op.id, func(t *testing.T) {
			params, body := c.prepare(t)
			for _, ref := range op.refs {
				kind, ok := referenceKind(op, ref)
				if !ok {
					t.Errorf("%s names another resource, but the test knows no kind for it: add it to referenceKind", ref.name)
					continue
				}
				type variant struct {
					name  string
					value any
				}
				variants := []variant{{"foreign", fx.foreign(kind)}, {"unknown", fx.unknown(kind)}}
				if c.caller == "root" {
					// A platform administrator acts in every tenant: nothing
					// is foreign to them.
					variants = variants[1:]
				}
				answers := make([]refusal, len(variants))
				for i, variant := range variants {
					p, b := params, body
					if ref.inPath {
						p = withParam(params, ref.name, fmt.Sprint(variant.value))
					} else {
						b = withPointer(t, body, ref.pointer, variant.value)
					}
					before := db.settled(t)
					status, out := fx.call(c.caller, op.method, fill(t, op.path, p), b)
					after := db.now(t)
					if status < 400 || status >= 500 {
						t.Errorf("%s %s = %v: %d %v, want a 4xx", variant.name, ref, variant.value, status, out)
					}
					if diff := before.diff(after); diff != "" {
						t.Errorf("%s %s = %v was refused with %d but wrote: %s", variant.name, ref, variant.value, status, diff)
					}
					answers[i] = refusalOf(status, out, variant.value)
				}
				if kind.secret() && len(answers) == 2 && answers[0] != answers[1] {
					t.Errorf("%s: a foreign id is refused as %v, an unknown one as %v: the difference tells the caller the foreign one exists",
						ref, answers[0], answers[1])
				}
			}
			if status, out := fx.call(c.caller, op.method, fill(t, op.path, params), body); status >= 300 {
				t.Errorf("the untouched request answered %d %v: the refusals above prove nothing until it succeeds", status, out)
			}
		})
	}
}

// refusal is what tells two refusals apart: the status, the detail and
// the fields named with their reasons, the value tried left out (a detail
// that repeats the id a caller sent tells them nothing new).
type refusal struct {
	status         int
	detail, fields string
}

func refusalOf(status int, problem map[string]any, value any) refusal {
	tried := fmt.Sprint(value)
	if list, ok := value.([]any); ok && len(list) == 1 {
		tried = fmt.Sprint(list[0])
	}
	var fields []string
	params, _ := problem["invalidParams"].([]any)
	for _, p := range params {
		if m, ok := p.(map[string]any); ok {
			fields = append(fields, fmt.Sprintf("%v: %v", m["name"], m["reason"]))
		}
	}
	slices.Sort(fields)
	return refusal{status: status,
		detail: strings.ReplaceAll(fmt.Sprint(problem["detail"]), tried, "…"),
		fields: strings.ReplaceAll(strings.Join(fields, "; "), tried, "…")}
}

// writeOperation is an operation of the OpenAPI document that changes
// something, with the references in its path and request body.
type writeOperation struct {
	method, path, id string
	refs             []reference
}

// reference is a path parameter or a body member that names another
// resource.
type reference struct {
	name    string // the parameter's or member's name
	pointer string // the body member's JSON pointer, arrays at index 0
	inPath  bool
}

func (r reference) String() string {
	if r.inPath {
		return "path parameter " + r.name
	}
	return r.pointer
}

// referencePattern matches the names of members and parameters that name
// another resource.
var referencePattern = regexp.MustCompile(`(^id$|Id$|Ids$|Code$|Codes$|^code$|^tenant$|^participants$|^participatingMunicipalities$)`)

// ownKeys are body members that name the resource itself (a new
// municipality's code, a question's key inside a poll), not another one.
var ownKeys = []string{"id", "code"}

func writeOperations(t *testing.T) []writeOperation {
	t.Helper()
	var doc struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openapi.Document(), &doc); err != nil {
		t.Fatal(err)
	}
	var ops []writeOperation
	for path, methods := range doc.Paths {
		for method, raw := range methods {
			if !slices.Contains([]string{"post", "put", "patch", "delete"}, method) {
				continue
			}
			var op struct {
				OperationID string `json:"operationId"`
				RequestBody struct {
					Content map[string]struct {
						Schema json.RawMessage `json:"schema"`
					} `json:"content"`
				} `json:"requestBody"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatal(err)
			}
			w := writeOperation{method: strings.ToUpper(method), path: path, id: op.OperationID}
			for _, m := range regexp.MustCompile(`\{([^}]+)\}`).FindAllStringSubmatch(path, -1) {
				if referencePattern.MatchString(m[1]) {
					w.refs = append(w.refs, reference{name: m[1], inPath: true})
				}
			}
			for _, content := range op.RequestBody.Content {
				bodyReferences(t, doc.Components.Schemas, content.Schema, "", map[string]bool{}, &w.refs)
				break
			}
			ops = append(ops, w)
		}
	}
	slices.SortFunc(ops, func(a, b writeOperation) int { return strings.Compare(a.id, b.id) })
	return ops
}

// bodyReferences adds the writable members of schema that name another
// resource. A member called id names the resource itself (or a question's
// key), not another one.
func bodyReferences(t *testing.T, schemas map[string]json.RawMessage, raw json.RawMessage, pointer string, seen map[string]bool, refs *[]reference) {
	t.Helper()
	var s struct {
		Ref        string                     `json:"$ref"`
		Properties map[string]json.RawMessage `json:"properties"`
		Items      json.RawMessage            `json:"items"`
		AllOf      []json.RawMessage          `json:"allOf"`
		ReadOnly   bool                       `json:"readOnly"`
		Type       string                     `json:"type"`
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatal(err)
	}
	if s.Ref != "" {
		name := s.Ref[strings.LastIndex(s.Ref, "/")+1:]
		if seen[name] {
			return
		}
		inner := map[string]bool{name: true}
		for k := range seen {
			inner[k] = true
		}
		bodyReferences(t, schemas, schemas[name], pointer, inner, refs)
		return
	}
	for _, a := range s.AllOf {
		bodyReferences(t, schemas, a, pointer, seen, refs)
	}
	if s.Items != nil {
		bodyReferences(t, schemas, s.Items, pointer+"/0", seen, refs)
	}
	for _, name := range slices.Sorted(mapsKeys(s.Properties)) {
		var member struct {
			ReadOnly bool `json:"readOnly"`
		}
		_ = json.Unmarshal(s.Properties[name], &member)
		if member.ReadOnly {
			continue
		}
		p := pointer + "/" + name
		if !slices.Contains(ownKeys, name) && referencePattern.MatchString(name) {
			*refs = append(*refs, reference{name: name, pointer: p})
			continue
		}
		bodyReferences(t, schemas, s.Properties[name], p, seen, refs)
	}
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// refKind is what a reference names.
type refKind string

const (
	kindPoll          refKind = "poll"
	kindProcess       refKind = "process"
	kindQuestion      refKind = "question"
	kindCouncilMember refKind = "council member"
	kindPanelMember   refKind = "panel member"
	kindMunicipality  refKind = "municipality"
	kindTenant        refKind = "tenant"
	kindRegion        refKind = "region"
	// kindMunicipalities is a list of municipalities taking part.
	kindMunicipalities refKind = "municipalities"
	kindFocusGroup     refKind = "focus group"
	kindGroupMember    refKind = "focus group member"
	kindSession        refKind = "focus group session"
	kindFinding        refKind = "focus group finding"
	kindAdvice         refKind = "advice"
)

// secret reports whether the existence of a thing of this kind is for
// its tenants' staff only. Municipalities and regions are public facts.
func (k refKind) secret() bool {
	switch k {
	case kindMunicipality, kindTenant, kindRegion, kindMunicipalities:
		return false
	}
	return true
}

// referenceKind says what a reference of an operation names.
func referenceKind(op writeOperation, ref reference) (refKind, bool) {
	switch ref.name {
	case "pollId":
		return kindPoll, true
	case "processId":
		return kindProcess, true
	case "questionId":
		return kindQuestion, true
	case "focusGroupId":
		return kindFocusGroup, true
	case "sessionId":
		return kindSession, true
	case "memberId":
		if strings.HasPrefix(op.path, "/focus-groups/") {
			return kindGroupMember, true
		}
		return kindCouncilMember, true
	case "panelMemberId":
		return kindPanelMember, true
	case "municipalityCode":
		return kindMunicipality, true
	case "tenant":
		return kindTenant, true
	case "regionId":
		return kindRegion, true
	case "participants", "participatingMunicipalities":
		return kindMunicipalities, true
	case "id":
		// A path's own id: what the collection before it holds.
		switch {
		case strings.HasPrefix(op.path, "/polls/{id}"):
			return kindPoll, true
		case strings.HasPrefix(op.path, "/processes/{id}"):
			return kindProcess, true
		case strings.HasPrefix(op.path, "/questions/{id}"):
			return kindQuestion, true
		case strings.HasPrefix(op.path, "/panels/{municipalityCode}/members/{id}"):
			return kindPanelMember, true
		case strings.HasPrefix(op.path, "/focus-groups/{focusGroupId}/members/{id}"):
			return kindGroupMember, true
		case strings.HasPrefix(op.path, "/focus-groups/{focusGroupId}/sessions/{id}"):
			return kindSession, true
		case strings.HasPrefix(op.path, "/focus-groups/{focusGroupId}/findings/{id}"):
			return kindFinding, true
		case strings.HasPrefix(op.path, "/focus-groups/{id}"):
			return kindFocusGroup, true
		case strings.HasPrefix(op.path, "/advices/{id}"):
			return kindAdvice, true
		}
	}
	return "", false
}

// referenceCase is how to make a well-formed, allowed request of one
// operation as a Velsen caller.
type referenceCase struct {
	caller string
	// prepare makes what the request needs and returns its path
	// parameters and body (nil for none).
	prepare func(t *testing.T) (params map[string]string, body map[string]any)
	// noReferences marks an operation that names nothing but itself.
	noReferences bool
}

func referenceCases(fx *referenceFixtures) map[string]referenceCase {
	return map[string]referenceCase{
		"createRegion": {caller: "root", noReferences: true, prepare: func(*testing.T) (map[string]string, map[string]any) {
			return nil, map[string]any{"id": "regio-" + fx.unique(), "name": "Regio"}
		}},
		"createMunicipality": {caller: "root", prepare: func(*testing.T) (map[string]string, map[string]any) {
			return nil, map[string]any{"code": fmt.Sprintf("GM%04d", 9000+fx.counter()), "name": "Gemeente", "regionId": "ijmond"}
		}},
		"updateCouncil": {caller: "chair@GM0453", prepare: func(*testing.T) (map[string]string, map[string]any) {
			return map[string]string{"municipalityCode": "GM0453"}, map[string]any{
				"name": "Participatieraad Velsen", "contactEmail": "raad@velsen.example", "takesUnsolicitedQuestions": false, "seats": 9}
		}},
		"addMember": {caller: "chair@GM0453", prepare: func(*testing.T) (map[string]string, map[string]any) {
			return map[string]string{"municipalityCode": "GM0453"}, map[string]any{
				"name": "Nieuw Lid", "role": "member", "termStart": "2026-01-01"}
		}},
		"updateMember": {caller: "chair@GM0453", prepare: func(t *testing.T) (map[string]string, map[string]any) {
			return map[string]string{"municipalityCode": "GM0453", "memberId": fx.councilMember(t, "GM0453", "")}, map[string]any{
				"name": "Ander Lid", "role": "member", "termStart": "2026-01-01"}
		}},
		"raiseQuestion": {caller: "policy_officer@GM0453", prepare: func(*testing.T) (map[string]string, map[string]any) {
			// Regional, so that participating municipalities are in play.
			return nil, map[string]any{"title": "Vraag " + fx.unique(), "description": "Hoe bereiken we mantelzorgers?",
				"theme": "mantelzorg", "origin": "solicited", "adviceNeededBy": "2099-01-01",
				"scope": map[string]any{"tenant": "ijmond", "participatingMunicipalities": []any{"GM0453", "GM0375"}}}
		}},
		"decideQuestion": {caller: "chair@GM0453", prepare: func(t *testing.T) (map[string]string, map[string]any) {
			return map[string]string{"id": fx.question(t, "GM0453", false)}, map[string]any{"accept": true}
		}},
		"startProcess": {caller: "council_member@GM0453", prepare: func(t *testing.T) (map[string]string, map[string]any) {
			return nil, map[string]any{"questionId": fx.question(t, "GM0453", true)}
		}},
		"updateProcess": {caller: "council_member@GM0453", prepare: func(t *testing.T) (map[string]string, map[string]any) {
			return map[string]string{"id": fx.process(t, "GM0453")}, map[string]any{
				"preciseQuestion": "Wat hebben inwoners nodig?", "approach": "Een flitspeiling.", "targetGroup": "65+"}
		}},
		"transitionProcess": {caller: "council_member@GM0453", prepare: func(t *testing.T) (map[string]string, map[string]any) {
			return map[string]string{"id": fx.process(t, "GM0453")}, map[string]any{"toPhase": "concretise"}
		}},
		"recordFieldActivity": {caller: "council_member@GM0453", prepare: func(t *testing.T) (map[string]string, map[string]any) {
			return map[string]string{"id": fx.process(t, "GM0453")}, map[string]any{
				"form": "visit", "date": "2026-01-05", "place": "Voedselbank", "municipalityCode": "GM0453", "residentsReached": 12}
		}},
		"declareInterest": {caller: "council_member@GM0453", prepare: func(t *testing.T) (map[string]string, map[string]any) {
			return map[string]string{"id": fx.process(t, "GM0453")}, map[string]any{
				"memberId": fx.councilMember(t, "GM0453", "council_member@GM0453"), "statement": "Ik werk bij de voedselbank."}
		}},
		"createPoll": {caller: "council_member@GM0453", prepare: func(t *testing.T) (map[string]string, map[string]any) {
			return nil, map[string]any{"processId": fx.process(t, "GM0453"), "tenant": "GM0453", "kind": "flash_poll",
				"title": map[string]any{"nl": "Peiling"}}
		}},
		"updatePoll": {caller: "council_member@GM0453", prepare: func(t *testing.T) (map[string]string, map[string]any) {
			return map[string]string{"id": fx.poll(t, "GM0453", pollDraft)}, map[string]any{"intro": map[string]any{"nl": "Vijf korte vragen."}}
		}},
		"schedulePoll": {caller: "council_member@GM0453", prepare: func(t *testing.T) (map[string]string, map[string]any) {
			// A draft of a process in execute, once the surveys service
			// has heard the phase: scheduled, and taken back to draft.
			id := fx.poll(t, "GM0453", pollScheduled)
			fx.must(t, "council_member@GM0453", "DELETE", "/polls/"+id+"/scheduling", nil)
			return map[string]string{"id": id}, nil
		}},
		"unschedulePoll": {caller: "council_member@GM0453", prepare: func(t *testing.T) (map[string]string, map[string]any) {
			return map[string]string{"id": fx.poll(t, "GM0453", pollScheduled)}, nil
		}},
		"openPoll": {caller: "council_member@GM0453", prepare: func(t *testing.T) (map[string]string, map[string]any) {
			return map[string]string{"id": fx.poll(t, "GM0453", pollScheduled)}, nil
		}},
		"closePoll": {caller: "council_member@GM0453", prepare: func(t *testing.T) (map[string]string, map[string]any) {
			return map[string]string{"id": fx.poll(t, "GM0453", pollOpen)}, nil
		}},
		"cancelPoll": {caller: "council_member@GM0453", prepare: func(t *testing.T) (map[string]string, map[string]any) {
			return map[string]string{"id": fx.poll(t, "GM0453", pollDraft)}, map[string]any{"reason": "Dubbel."}
		}},
		"createInvitations": {caller: "council_member@GM0453", prepare: func(t *testing.T) (map[string]string, map[string]any) {
			return map[string]string{"pollId": fx.poll(t, "GM0453", pollDraft)}, map[string]any{"invitees": []any{
				map[string]any{"panelMemberId": fx.panelMember(t, "GM0453"), "municipalityCode": "GM0453"}}}
		}},
		"invitePanel": {caller: "council_member@GM0453", prepare: func(t *testing.T) (map[string]string, map[string]any) {
			fx.panelMember(t, "GM0453")
			return map[string]string{"pollId": fx.poll(t, "GM0453", pollOpen)}, map[string]any{"municipalityCode": "GM0453"}
		}},
		"remindPanel": {caller: "council_member@GM0453", prepare: func(t *testing.T) (map[string]string, map[string]any) {
			fx.panelMember(t, "GM0453")
			id := fx.poll(t, "GM0453", pollOpen)
			fx.must(t, "council_member@GM0453", "POST", "/polls/"+id+"/panel-invitations", map[string]any{"municipalityCode": "GM0453"})
			return map[string]string{"pollId": id}, nil
		}},
		"importPanelMembers": {caller: "secretary@GM0453", prepare: func(*testing.T) (map[string]string, map[string]any) {
			csv := "email;toestemming_datum\nnieuw-" + fx.unique() + "@velsen.example;2026-10-01\n"
			return map[string]string{"municipalityCode": "GM0453"}, map[string]any{
				"csv": base64.StdEncoding.EncodeToString([]byte(csv)), "consentVersion": "2026-10"}
		}},
		"erasePanelMember": {caller: "secretary@GM0453", prepare: func(t *testing.T) (map[string]string, map[string]any) {
			return map[string]string{"municipalityCode": "GM0453", "id": fx.panelMember(t, "GM0453")}, nil
		}},
		"createFocusGroup": {caller: fgCaller, prepare: func(t *testing.T) (map[string]string, map[string]any) {
			return nil, map[string]any{"processId": fx.knownProcess(t, "GM0453"), "name": "Focusgroep " + fx.unique()}
		}},
		"updateFocusGroup": {caller: fgCaller, prepare: func(t *testing.T) (map[string]string, map[string]any) {
			return map[string]string{"id": fx.focusGroup(t, "GM0453")}, map[string]any{"plannedSessions": 4}
		}},
		"concludeFocusGroup": {caller: fgCaller, prepare: func(t *testing.T) (map[string]string, map[string]any) {
			return map[string]string{"id": fx.focusGroup(t, "GM0453")}, nil
		}},
		"dissolveFocusGroup": {caller: fgCaller, prepare: func(t *testing.T) (map[string]string, map[string]any) {
			return map[string]string{"id": fx.focusGroup(t, "GM0453")}, map[string]any{"reason": "Opgegaan in een ander traject."}
		}},
		"addFocusGroupMember": {caller: fgCaller, prepare: func(t *testing.T) (map[string]string, map[string]any) {
			return map[string]string{"focusGroupId": fx.focusGroup(t, "GM0453")}, fgResident(fx.unique())
		}},
		"removeFocusGroupMember": {caller: fgCaller, prepare: func(t *testing.T) (map[string]string, map[string]any) {
			g := fx.focusGroup(t, "GM0453")
			return map[string]string{"focusGroupId": g, "id": fx.groupMember(t, "GM0453", g)}, nil
		}},
		"eraseFocusGroupMember": {caller: fgCaller, prepare: func(t *testing.T) (map[string]string, map[string]any) {
			g := fx.focusGroup(t, "GM0453")
			return map[string]string{"focusGroupId": g, "id": fx.groupMember(t, "GM0453", g)}, nil
		}},
		"inviteResidents": {caller: fgCaller, prepare: func(t *testing.T) (map[string]string, map[string]any) {
			return map[string]string{"focusGroupId": fx.focusGroup(t, "GM0453")}, map[string]any{"invitees": []any{
				map[string]any{"email": "uitgenodigd-" + fx.unique() + "@velsen.example", "name": "Henk", "role": "client"}}}
		}},
		"scheduleSession": {caller: fgCaller, prepare: func(t *testing.T) (map[string]string, map[string]any) {
			return map[string]string{"focusGroupId": fx.focusGroup(t, "GM0453")}, fgSessionBody(7 * 24 * time.Hour)
		}},
		"updateSession": {caller: fgCaller, prepare: func(t *testing.T) (map[string]string, map[string]any) {
			g := fx.focusGroup(t, "GM0453")
			return map[string]string{"focusGroupId": g, "id": fx.session(t, "GM0453", g, 7*24*time.Hour)}, map[string]any{"agenda": "Nieuwe agenda."}
		}},
		"cancelSession": {caller: fgCaller, prepare: func(t *testing.T) (map[string]string, map[string]any) {
			g := fx.focusGroup(t, "GM0453")
			return map[string]string{"focusGroupId": g, "id": fx.session(t, "GM0453", g, 7*24*time.Hour)}, map[string]any{"reason": "Zaal dicht."}
		}},
		"completeSession": {caller: fgCaller, prepare: func(t *testing.T) (map[string]string, map[string]any) {
			g := fx.focusGroup(t, "GM0453")
			return map[string]string{"focusGroupId": g, "id": fx.session(t, "GM0453", g, 0)}, nil
		}},
		"setRsvp": {caller: fgCaller, prepare: func(t *testing.T) (map[string]string, map[string]any) {
			g := fx.focusGroup(t, "GM0453")
			return map[string]string{"focusGroupId": g, "sessionId": fx.session(t, "GM0453", g, 7*24*time.Hour)},
				map[string]any{"memberId": fx.groupMember(t, "GM0453", g), "answer": "yes"}
		}},
		"promoteFromWaitlist": {caller: fgCaller, prepare: func(t *testing.T) (map[string]string, map[string]any) {
			g := fx.focusGroup(t, "GM0453")
			session := fx.session(t, "GM0453", g, 7*24*time.Hour)
			seated, waiting := fx.groupMember(t, "GM0453", g), fx.groupMember(t, "GM0453", g)
			for _, m := range []string{seated, waiting} {
				fx.must(t, fgCaller, "POST", "/focus-groups/"+g+"/sessions/"+session+"/rsvps", map[string]any{"memberId": m, "answer": "yes"})
			}
			return map[string]string{"focusGroupId": g, "sessionId": session}, map[string]any{"memberId": waiting, "reason": "Enige sleutelfiguur."}
		}},
		"recordAttendance": {caller: fgCaller, prepare: func(t *testing.T) (map[string]string, map[string]any) {
			g := fx.focusGroup(t, "GM0453")
			return map[string]string{"focusGroupId": g, "sessionId": fx.session(t, "GM0453", g, 7*24*time.Hour)},
				map[string]any{"members": []any{map[string]any{"memberId": fx.groupMember(t, "GM0453", g), "present": true}},
					"walkIns": []any{map[string]any{"role": "informal_carer", "count": 2}}}
		}},
		"createFinding": {caller: fgCaller, prepare: func(t *testing.T) (map[string]string, map[string]any) {
			g := fx.focusGroup(t, "GM0453")
			return map[string]string{"focusGroupId": g}, map[string]any{"sessionId": fx.session(t, "GM0453", g, 7*24*time.Hour),
				"statement": "Het loket is slecht bereikbaar.", "breadth": "most",
				"quotes": []any{map[string]any{"text": "Ik bel altijd tevergeefs.", "consent": "anonymous", "memberId": fx.groupMember(t, "GM0453", g)}}}
		}},
		"updateFinding": {caller: fgCaller, prepare: func(t *testing.T) (map[string]string, map[string]any) {
			g := fx.focusGroup(t, "GM0453")
			return map[string]string{"focusGroupId": g, "id": fx.finding(t, "GM0453", g)},
				map[string]any{"sessionId": fx.session(t, "GM0453", g, 7*24*time.Hour), "breadth": "all"}
		}},
		"agreeFinding": {caller: fgCaller, prepare: func(t *testing.T) (map[string]string, map[string]any) {
			g := fx.focusGroup(t, "GM0453")
			return map[string]string{"focusGroupId": g, "id": fx.finding(t, "GM0453", g)}, nil
		}},
		"createAdvice": {caller: "council_member@GM0453", prepare: func(t *testing.T) (map[string]string, map[string]any) {
			return nil, map[string]any{"processId": fx.resultsProcess(t, "GM0453"), "content": adviceContent("Advies " + fx.unique())}
		}},
		"createVersion": {caller: "council_member@GM0453", prepare: func(t *testing.T) (map[string]string, map[string]any) {
			return map[string]string{"id": fx.advice(t, "GM0453", 1, adviceDraft)}, map[string]any{
				"basedOn": 1, "changeNote": "Aanbeveling 2 verduidelijkt.", "content": adviceContent("Advies " + fx.unique())}
		}},
		"adoptAdvice": {caller: "chair@GM0453", prepare: func(t *testing.T) (map[string]string, map[string]any) {
			return map[string]string{"id": fx.advice(t, "GM0453", 2, adviceDraft)}, map[string]any{"version": 2}
		}},
		"sendAdvice": {caller: "chair@GM0453", prepare: func(t *testing.T) (map[string]string, map[string]any) {
			return map[string]string{"id": fx.advice(t, "GM0453", 2, adviceAdopted)}, map[string]any{"version": 2}
		}},
		"acknowledgeResponse": {caller: "policy_officer@GM0453", prepare: func(t *testing.T) (map[string]string, map[string]any) {
			return map[string]string{"id": fx.advice(t, "GM0453", 1, adviceSent), "municipalityCode": "GM0453"}, nil
		}},
		"assignResponse": {caller: "policy_officer@GM0453", prepare: func(t *testing.T) (map[string]string, map[string]any) {
			return map[string]string{"id": fx.advice(t, "GM0453", 1, adviceSent), "municipalityCode": "GM0453"}, map[string]any{
				"ownerName": "Eigenaar " + fx.unique(), "ownerEmail": "eigenaar-" + fx.unique() + "@velsen.example"}
		}},
		"recordResponse": {caller: "policy_officer@GM0453", prepare: func(t *testing.T) (map[string]string, map[string]any) {
			return map[string]string{"id": fx.advice(t, "GM0453", 1, adviceSent), "municipalityCode": "GM0453"}, responseBody()
		}},
		"requestRevision": {caller: "chair@GM0453", prepare: func(t *testing.T) (map[string]string, map[string]any) {
			return map[string]string{"id": fx.advice(t, "GM0453", 1, adviceAnswered), "municipalityCode": "GM0453"},
				map[string]any{"reason": "Aanbeveling 2 is niet gemotiveerd."}
		}},
		"updateResponseSettings": {caller: "policy_officer@GM0453", prepare: func(*testing.T) (map[string]string, map[string]any) {
			return map[string]string{"municipalityCode": "GM0453"}, map[string]any{"termDays": 40 + fx.counter()%20}
		}},
		"createReport": {caller: "chair@GM0453", prepare: func(t *testing.T) (map[string]string, map[string]any) {
			process := fx.resultsProcess(t, "GM0453")
			fx.adviceFor(t, "GM0453", process, 1, adviceSent)
			return nil, map[string]any{"processId": process, "summary": "Wat er met uw inbreng gebeurde."}
		}},
	}
}

// referenceFixtures makes real things in Velsen (the caller's), in
// Heemskerk (another municipality of the same region) and in Haarlem
// (another region), through the API as their own staff.
type referenceFixtures struct {
	t    *testing.T
	base string
	idp  *testIdP
	n    int
	// Heemskerk's things, made once.
	foreignOf map[refKind]any
}

func newReferenceFixtures(t *testing.T, base string, idp *testIdP) *referenceFixtures {
	fx := &referenceFixtures{t: t, base: base, idp: idp}
	fx.must(t, "root", "POST", "/regions", map[string]any{"id": "ijmond", "name": "IJmond"})
	fx.must(t, "root", "POST", "/regions", map[string]any{"id": "zuid-kennemerland", "name": "Zuid-Kennemerland"})
	for _, m := range [][3]string{{"GM0453", "Velsen", "ijmond"}, {"GM0375", "Beverwijk", "ijmond"}, {"GM0396", "Heemskerk", "ijmond"},
		{"GM0392", "Haarlem", "zuid-kennemerland"}} {
		fx.must(t, "root", "POST", "/municipalities", map[string]any{"code": m[0], "name": m[1], "regionId": m[2]})
	}
	fx.foreignOf = map[refKind]any{
		kindProcess:       fx.process(t, "GM0396"),
		kindQuestion:      fx.question(t, "GM0396", true),
		kindPoll:          fx.poll(t, "GM0396", pollDraft),
		kindCouncilMember: fx.councilMember(t, "GM0396", ""),
		kindPanelMember:   fx.panelMember(t, "GM0396"),
		kindMunicipality:  "GM0396",
		kindTenant:        "GM0396",
		// A platform administrator has no foreign region; the other
		// region stands in.
		kindRegion:         "zuid-kennemerland",
		kindMunicipalities: []any{"GM0392"},
	}
	group := fx.focusGroup(t, "GM0396")
	fx.foreignOf[kindFocusGroup] = group
	fx.foreignOf[kindGroupMember] = fx.groupMember(t, "GM0396", group)
	fx.foreignOf[kindSession] = fx.session(t, "GM0396", group, 7*24*time.Hour)
	fx.foreignOf[kindFinding] = fx.finding(t, "GM0396", group)
	fx.foreignOf[kindAdvice] = fx.advice(t, "GM0396", 1, adviceSent)
	return fx
}

// foreign returns a real thing of kind that the Velsen callers may not act
// on.
func (fx *referenceFixtures) foreign(kind refKind) any {
	return fx.foreignOf[kind]
}

// unknown returns a well-formed reference to nothing.
func (fx *referenceFixtures) unknown(kind refKind) any {
	switch kind {
	case kindMunicipality, kindTenant:
		return "GM9999"
	case kindRegion:
		return "regio-onbekend"
	case kindMunicipalities:
		return []any{"GM9999"}
	}
	return uuid.Must(uuid.NewV7()).String()
}

func (fx *referenceFixtures) counter() int { fx.n++; return fx.n }

func (fx *referenceFixtures) unique() string { return strconv.Itoa(fx.counter()) }

// call makes one API call as subject and returns the status and the
// decoded body.
func (fx *referenceFixtures) call(subject, method, path string, body map[string]any) (int, map[string]any) {
	fx.t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			fx.t.Fatal(err)
		}
		r = strings.NewReader(string(b))
	}
	req, err := http.NewRequest(method, fx.base+"/api/v1"+path, r)
	if err != nil {
		fx.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+fx.idp.token(fx.t, subject))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fx.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return resp.StatusCode, out
}

func (fx *referenceFixtures) must(t *testing.T, subject, method, path string, body map[string]any) map[string]any {
	t.Helper()
	status, out := fx.call(subject, method, path, body)
	if status >= 300 {
		t.Fatalf("%s %s as %s: %d %v", method, path, subject, status, out)
	}
	return out
}

// question raises a solicited question of tenant, accepted if asked.
func (fx *referenceFixtures) question(t *testing.T, tenant string, accepted bool) string {
	t.Helper()
	q := fx.must(t, "policy_officer@"+tenant, "POST", "/questions", map[string]any{
		"title": "Vraag " + fx.unique(), "description": "Hoe ervaren inwoners het loket?", "theme": "toegankelijkheid",
		"origin": "solicited", "scope": map[string]any{"tenant": tenant}, "adviceNeededBy": "2099-03-31"})
	id, _ := q["id"].(string)
	if accepted {
		fx.must(t, "chair@"+tenant, "POST", "/questions/"+id+"/decisions", map[string]any{"accept": true})
	}
	return id
}

// process starts a new participation process of tenant.
func (fx *referenceFixtures) process(t *testing.T, tenant string) string {
	t.Helper()
	p := fx.must(t, "council_member@"+tenant, "POST", "/processes", map[string]any{"questionId": fx.question(t, tenant, true)})
	id, _ := p["id"].(string)
	return id
}

// execute takes process id through its plan into execute, where its
// polls may be scheduled and open.
func (fx *referenceFixtures) execute(t *testing.T, subject, id string) {
	t.Helper()
	move := func(to string) {
		fx.must(t, subject, "POST", "/processes/"+id+"/transitions", map[string]any{"toPhase": to})
	}
	move("concretise")
	fx.must(t, subject, "PATCH", "/processes/"+id, map[string]any{"preciseQuestion": "Waar lopen inwoners vast?",
		"approach": "Een flitspeiling", "targetGroup": "Inwoners", "forms": []any{"flash_poll"}})
	move("choose_forms")
	move("execute")
}

type pollState int

const (
	pollDraft pollState = iota
	pollScheduled
	pollOpen
)

// poll makes a complete panel poll of a new process of tenant, in state.
func (fx *referenceFixtures) poll(t *testing.T, tenant string, state pollState) string {
	t.Helper()
	subject := "council_member@" + tenant
	now := time.Now().UTC()
	process := fx.process(t, tenant)
	if state >= pollScheduled {
		fx.execute(t, subject, process)
	}
	p := fx.must(t, subject, "POST", "/polls", map[string]any{
		"processId": process, "tenant": tenant, "kind": "flash_poll",
		"title": map[string]any{"nl": "Het loket"},
		"sections": []any{map[string]any{"id": "s1", "questions": []any{map[string]any{
			"id": "q1", "type": "likert", "text": map[string]any{"nl": "Het loket is goed bereikbaar."}}}}},
		"audience":       map[string]any{"kind": "panel"},
		"resultsSharing": map[string]any{"nl": "In juni op de website."},
		"opensAt":        now.Add(time.Hour).Format(time.RFC3339),
		"closesAt":       now.Add(14 * 24 * time.Hour).Format(time.RFC3339),
	})
	id, _ := p["id"].(string)
	if state >= pollScheduled {
		// The process's phase reaches the surveys service by event.
		deadline := time.Now().Add(10 * time.Second)
		for {
			code, out := fx.call(subject, "POST", "/polls/"+id+"/scheduling", nil)
			if code == http.StatusOK {
				break
			}
			if code != http.StatusConflict || time.Now().After(deadline) {
				t.Fatalf("scheduling poll %s: %d %v", id, code, out)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	if state >= pollOpen {
		fx.must(t, subject, "POST", "/polls/"+id+"/opening", nil)
	}
	return id
}

// councilMember adds a member to tenant's council, linked to a login
// subject if one is given.
func (fx *referenceFixtures) councilMember(t *testing.T, tenant, subject string) string {
	t.Helper()
	body := map[string]any{"name": "Lid " + fx.unique(), "role": "member", "termStart": "2026-01-01"}
	if subject != "" {
		body["subject"] = subject
	}
	m := fx.must(t, "chair@"+tenant, "POST", "/councils/"+tenant+"/members", body)
	id, _ := m["id"].(string)
	return id
}

// panelMember imports a new member into tenant's panel and returns their
// id.
func (fx *referenceFixtures) panelMember(t *testing.T, tenant string) string {
	t.Helper()
	email := "lid-" + fx.unique() + "@" + strings.ToLower(tenant) + ".example"
	csv := "email;toestemming_datum\n" + email + ";2026-10-01\n"
	keeper := "secretary@" + tenant
	fx.must(t, keeper, "POST", "/panels/"+tenant+"/imports", map[string]any{
		"csv": base64.StdEncoding.EncodeToString([]byte(csv)), "consentVersion": "2026-10"})
	for cursor := ""; ; {
		list := fx.must(t, keeper, "GET", "/panels/"+tenant+"/members?limit=100&cursor="+cursor, nil)
		members, _ := list["members"].([]any)
		for _, m := range members {
			if mm, _ := m.(map[string]any); mm["email"] == email {
				return mm["id"].(string)
			}
		}
		if cursor, _ = list["nextCursor"].(string); cursor == "" {
			t.Fatalf("imported %s into the panel of %s, but it is not listed", email, tenant)
		}
	}
}

// withParam returns params with name set to value.
func withParam(params map[string]string, name, value string) map[string]string {
	out := map[string]string{}
	for k, v := range params {
		out[k] = v
	}
	out[name] = value
	return out
}

// fill puts params into a path template.
func fill(t *testing.T, template string, params map[string]string) string {
	t.Helper()
	return regexp.MustCompile(`\{([^}]+)\}`).ReplaceAllStringFunc(template, func(m string) string {
		v, ok := params[m[1:len(m)-1]]
		if !ok {
			t.Fatalf("no value for %s in %s", m, template)
		}
		return v
	})
}

// withPointer returns a deep copy of body with the member at pointer set
// to value, making the objects and one-element arrays on the way.
func withPointer(t *testing.T, body map[string]any, pointer string, value any) map[string]any {
	t.Helper()
	b, _ := json.Marshal(body)
	var out any = map[string]any{}
	if body != nil {
		_ = json.Unmarshal(b, &out)
	}
	parts := strings.Split(strings.TrimPrefix(pointer, "/"), "/")
	var set func(node any, parts []string) any
	set = func(node any, parts []string) any {
		if len(parts) == 0 {
			return value
		}
		if parts[0] == "0" {
			list, _ := node.([]any)
			if len(list) == 0 {
				list = []any{nil}
			}
			list[0] = set(list[0], parts[1:])
			return list
		}
		m, _ := node.(map[string]any)
		if m == nil {
			m = map[string]any{}
		}
		m[parts[0]] = set(m[parts[0]], parts[1:])
		return m
	}
	return set(out, parts).(map[string]any)
}

// fingerprinter compares the contents of every table of every service.
type fingerprinter struct {
	conn   *pgx.Conn
	query  string
	tables []string
}

// snapshot is a digest of each table.
type snapshot map[string]string

func newFingerprinter(t *testing.T, databaseURL string) *fingerprinter {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	rows, err := conn.Query(ctx, `SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables
WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') AND table_name NOT LIKE 'goose%'
ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(tables) == 0 {
		t.Fatalf("tables: %v %v", tables, err)
	}
	parts := make([]string, len(tables))
	for i, tbl := range tables {
		parts[i] = fmt.Sprintf(`SELECT %s, count(*) || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '') FROM %s t`,
			"'"+tbl+"'", tbl)
	}
	return &fingerprinter{conn: conn, query: strings.Join(parts, " UNION ALL "), tables: tables}
}

func (f *fingerprinter) now(t *testing.T) snapshot {
	t.Helper()
	rows, err := f.conn.Query(context.Background(), f.query)
	if err != nil {
		t.Fatal(err)
	}
	s := snapshot{}
	for rows.Next() {
		var table, digest string
		if err := rows.Scan(&table, &digest); err != nil {
			t.Fatal(err)
		}
		s[table] = digest
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return s
}

// settled waits until what earlier calls set off (relays, consumers,
// projections) has come to rest, and returns the snapshot then.
func (f *fingerprinter) settled(t *testing.T) snapshot {
	t.Helper()
	prev := f.now(t)
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); {
		time.Sleep(150 * time.Millisecond)
		cur := f.now(t)
		// Quiet for a moment is not enough on a loaded machine: a relay
		// may not have published yet, and would mark its rows during the
		// call under test. Every outbox must be published too.
		if cur.diff(prev) == "" && f.published(t) {
			return cur
		}
		prev = cur
	}
	t.Fatalf("the database did not come to rest: %s", prev.diff(f.now(t)))
	return nil
}

// published reports whether every service's outbox has been published.
func (f *fingerprinter) published(t *testing.T) bool {
	t.Helper()
	for _, tbl := range f.tables {
		if !strings.HasSuffix(tbl, ".outbox") {
			continue
		}
		var pending int
		if err := f.conn.QueryRow(context.Background(), `SELECT count(*) FROM `+tbl+` WHERE published_at IS NULL`).Scan(&pending); err != nil {
			t.Fatal(err)
		}
		if pending > 0 {
			return false
		}
	}
	return true
}

// diff names the tables whose contents differ.
func (s snapshot) diff(other snapshot) string {
	var changed []string
	for table, digest := range s {
		if other[table] != digest {
			changed = append(changed, table)
		}
	}
	slices.Sort(changed)
	if len(changed) == 0 {
		return ""
	}
	return "changed " + strings.Join(changed, ", ")
}

// fgCaller does the council's work in Velsen, the tenant of the focus
// groups the reference cases make.
const fgCaller = "council_member@GM0453"

// knownProcess starts a process of tenant and waits until the focus
// groups service has heard of it, which it does through the councils'
// events.
func (fx *referenceFixtures) knownProcess(t *testing.T, tenant string) string {
	t.Helper()
	id := fx.process(t, tenant)
	testkit.CheckFor(t, 15*time.Second, 50*time.Millisecond, func() error {
		status, out := fx.call("council_member@"+tenant, "POST", "/focus-groups", map[string]any{"processId": id, "name": ""})
		// A known process gets only the empty name refused.
		if status != http.StatusBadRequest || strings.Contains(fmt.Sprint(out["invalidParams"]), "processId") {
			return fmt.Errorf("the focus groups service does not know process %s yet: %d %v", id, status, out)
		}
		return nil
	})
	return id
}

// focusGroup forms a focus group for a new process of tenant, with two
// client seats.
func (fx *referenceFixtures) focusGroup(t *testing.T, tenant string) string {
	t.Helper()
	g := fx.must(t, "council_member@"+tenant, "POST", "/focus-groups", map[string]any{"processId": fx.knownProcess(t, tenant),
		"name": "Focusgroep " + fx.unique(), "seats": []any{map[string]any{"roles": []any{"client"}, "seats": 1}}})
	id, _ := g["id"].(string)
	return id
}

// fgResident is a resident to add to a focus group, consent recorded.
func fgResident(unique string) map[string]any {
	return map[string]any{"kind": "resident", "role": "client", "name": "Deelnemer " + unique,
		"email": "deelnemer-" + unique + "@velsen.example", "consent": map[string]any{"method": "in_person", "time": "2026-11-20T10:00:00Z"}}
}

// groupMember adds a resident to a focus group of tenant.
func (fx *referenceFixtures) groupMember(t *testing.T, tenant, group string) string {
	t.Helper()
	m := fx.must(t, "council_member@"+tenant, "POST", "/focus-groups/"+group+"/members", fgResident(fx.unique()))
	id, _ := m["id"].(string)
	return id
}

// fgSessionBody is a session starting in from now.
func fgSessionBody(in time.Duration) map[string]any {
	start := time.Now().UTC().Add(in)
	return map[string]any{"startTime": start.Format(time.RFC3339Nano), "endTime": start.Add(2 * time.Hour).Format(time.RFC3339Nano),
		"place": map[string]any{"address": "Raadhuis Velsen"}}
}

// session schedules a session of a focus group of tenant starting in from
// now; 0 schedules one that has started by the time this returns.
func (fx *referenceFixtures) session(t *testing.T, tenant, group string, in time.Duration) string {
	t.Helper()
	wait := in == 0
	if wait {
		in = 1500 * time.Millisecond
	}
	body := fgSessionBody(in)
	s := fx.must(t, "council_member@"+tenant, "POST", "/focus-groups/"+group+"/sessions", body)
	if wait {
		start, _ := time.Parse(time.RFC3339Nano, body["startTime"].(string))
		time.Sleep(time.Until(start) + 100*time.Millisecond)
	}
	id, _ := s["id"].(string)
	return id
}

// finding writes a draft finding of a focus group of tenant.
func (fx *referenceFixtures) finding(t *testing.T, tenant, group string) string {
	t.Helper()
	f := fx.must(t, "council_member@"+tenant, "POST", "/focus-groups/"+group+"/findings", map[string]any{
		"statement": "Mantelzorgers vinden de weg niet.", "breadth": "some"})
	id, _ := f["id"].(string)
	return id
}

// resultsProcess starts a process of tenant and waits until the results
// service has heard of it, which it does through the councils' events.
func (fx *referenceFixtures) resultsProcess(t *testing.T, tenant string) string {
	t.Helper()
	id := fx.process(t, tenant)
	testkit.CheckFor(t, 15*time.Second, 50*time.Millisecond, func() error {
		status, out := fx.call("council_member@"+tenant, "POST", "/advices", map[string]any{"processId": id, "content": map[string]any{}})
		// A known process gets only the empty content refused.
		if status != http.StatusBadRequest || strings.Contains(fmt.Sprint(out["invalidParams"]), "processId") {
			return fmt.Errorf("the results service does not know process %s yet: %d %v", id, status, out)
		}
		return nil
	})
	return id
}

// adviceContent is an advice's text with two recommendations, as the
// examples answer them.
func adviceContent(title string) map[string]any {
	return map[string]any{"title": title, "question": "Wat hebben mantelzorgers nodig?",
		"recommendations": []any{map[string]any{"text": "Zet het loket in de krant."}, map[string]any{"text": "Bel mantelzorgers op."}}}
}

// responseBody answers both recommendations of adviceContent, decided
// today.
func responseBody() map[string]any {
	amsterdam, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		amsterdam = time.UTC
	}
	return map[string]any{"decidedOn": time.Now().In(amsterdam).Format(time.DateOnly), "answers": []any{
		map[string]any{"recommendation": 1, "verdict": "adopted"},
		map[string]any{"recommendation": 2, "verdict": "not_adopted", "motivation": "Daar is geen budget voor."}}}
}

type adviceState int

const (
	adviceDraft adviceState = iota
	adviceAdopted
	adviceSent
	// adviceAnswered is sent and answered by the tenant's policy officer.
	adviceAnswered
)

// advice drafts an advice for a new process of tenant with the given
// number of versions, brought to state.
func (fx *referenceFixtures) advice(t *testing.T, tenant string, versions int, state adviceState) string {
	t.Helper()
	return fx.adviceFor(t, tenant, fx.resultsProcess(t, tenant), versions, state)
}

// adviceFor drafts an advice for process of tenant with the given number
// of versions, brought to state.
func (fx *referenceFixtures) adviceFor(t *testing.T, tenant, process string, versions int, state adviceState) string {
	t.Helper()
	a := fx.must(t, "council_member@"+tenant, "POST", "/advices", map[string]any{"processId": process, "content": adviceContent("Advies " + fx.unique())})
	id, _ := a["id"].(string)
	for v := 2; v <= versions; v++ {
		fx.must(t, "council_member@"+tenant, "POST", "/advices/"+id+"/versions", map[string]any{
			"basedOn": v - 1, "changeNote": "Versie " + strconv.Itoa(v) + ".", "content": adviceContent("Advies " + fx.unique())})
	}
	if state >= adviceAdopted {
		fx.must(t, "chair@"+tenant, "POST", "/advices/"+id+"/adoption", map[string]any{"version": versions})
	}
	if state >= adviceSent {
		fx.must(t, "chair@"+tenant, "POST", "/advices/"+id+"/sending", map[string]any{"version": versions})
	}
	if state >= adviceAnswered {
		fx.must(t, "policy_officer@"+tenant, "POST", "/advices/"+id+"/responses/"+tenant+"/decisions", responseBody())
	}
	return id
}
