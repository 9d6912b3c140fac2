package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"unicode"

	"github.com/meedoen/meedoen/gateway/openapi"
	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/testkit"
)

// exampleRequest is a well-formed call of one endpoint; the matrix varies
// only who makes it. n makes created things unique per call.
type exampleRequest func(n int64) (path, body string)

// examples holds one example per operationId. An endpoint in the OpenAPI
// document without an example, or without a policy rule, fails the matrix.
var examples = map[string]exampleRequest{
	"listRegions": func(int64) (string, string) { return "/regions", "" },
	"getRegion":   func(int64) (string, string) { return "/regions/ijmond", "" },
	"createRegion": func(n int64) (string, string) {
		return "/regions", fmt.Sprintf(`{"id":"regio-%d","name":"Regio %d"}`, n, n)
	},
	"listMunicipalities": func(int64) (string, string) { return "/municipalities?regionId=ijmond", "" },
	"getMunicipality":    func(int64) (string, string) { return "/municipalities/GM0453", "" },
	"createMunicipality": func(n int64) (string, string) {
		return "/municipalities", fmt.Sprintf(`{"code":"GM%04d","name":"Gemeente %d","regionId":"ijmond"}`, 9000+n%1000, n)
	},
	"listCouncils": func(int64) (string, string) { return "/councils?regionId=ijmond", "" },
	"getCouncil":   func(int64) (string, string) { return "/councils/GM0453", "" },
	"updateCouncil": func(int64) (string, string) {
		return "/councils/GM0453", `{"name":"Participatieraad Velsen","contactEmail":"raad@velsen.example","takesUnsolicitedQuestions":false,"seats":9}`
	},
	"listMembers": func(int64) (string, string) { return "/councils/GM0453/members", "" },
	"getMember":   func(int64) (string, string) { return "/councils/GM0453/members/" + unknownID, "" },
	"addMember": func(int64) (string, string) {
		return "/councils/GM0453/members", `{"name":"Test Lid","role":"member","termStart":"2026-01-01"}`
	},
	"updateMember": func(int64) (string, string) {
		return "/councils/GM0453/members/" + unknownID, `{"name":"Test Lid","role":"member","termStart":"2026-01-01"}`
	},
	"listThemes":    func(int64) (string, string) { return "/themes", "" },
	"listQuestions": func(int64) (string, string) { return "/questions?tenant=GM0453", "" },
	"getQuestion":   func(int64) (string, string) { return "/questions/" + unknownID, "" },
	"raiseQuestion": func(n int64) (string, string) {
		return "/questions", fmt.Sprintf(`{"title":"Vraag %d","description":"Hoe bereiken we mantelzorgers?","theme":"mantelzorg","origin":"solicited","scope":{"tenant":"GM0453"},"adviceNeededBy":"2099-01-01"}`, n)
	},
	"decideQuestion": func(int64) (string, string) { return "/questions/" + unknownID + "/decisions", `{"accept":true}` },
	"startProcess":   func(int64) (string, string) { return "/processes", `{"questionId":"` + unknownID + `"}` },
	"listProcesses":  func(int64) (string, string) { return "/processes?tenant=GM0453", "" },
	"getProcess":     func(int64) (string, string) { return "/processes/" + unknownID, "" },
	"updateProcess":  func(int64) (string, string) { return "/processes/" + unknownID, `{"preciseQuestion":"Wat?"}` },
	"transitionProcess": func(int64) (string, string) {
		return "/processes/" + unknownID + "/transitions", `{"toPhase":"concretise"}`
	},
	"listTransitions":     func(int64) (string, string) { return "/processes/" + unknownID + "/transitions", "" },
	"listFieldActivities": func(int64) (string, string) { return "/processes/" + unknownID + "/field-activities", "" },
	"recordFieldActivity": func(int64) (string, string) {
		return "/processes/" + unknownID + "/field-activities", `{"form":"visit","date":"2026-01-05","place":"Voedselbank","residentsReached":12}`
	},
	"listDeclarations": func(int64) (string, string) { return "/processes/" + unknownID + "/declarations", "" },
	"declareInterest": func(int64) (string, string) {
		return "/processes/" + unknownID + "/declarations", `{"memberId":"` + unknownID + `","statement":"Ik werk bij de voedselbank."}`
	},

	"listPolls": func(int64) (string, string) { return "/polls?tenant=GM0453", "" },
	"getPoll":   func(int64) (string, string) { return "/polls/" + unknownID, "" },
	"createPoll": func(n int64) (string, string) {
		return "/polls", fmt.Sprintf(`{"processId":"%s","tenant":"GM0453","kind":"flash_poll","title":{"nl":"Peiling %d"}}`, unknownID, n)
	},
	"updatePoll":     func(int64) (string, string) { return "/polls/" + unknownID, `{"intro":{"nl":"Vijf korte vragen."}}` },
	"schedulePoll":   func(int64) (string, string) { return "/polls/" + unknownID + "/scheduling", "" },
	"unschedulePoll": func(int64) (string, string) { return "/polls/" + unknownID + "/scheduling", "" },
	"openPoll":       func(int64) (string, string) { return "/polls/" + unknownID + "/opening", "" },
	"closePoll":      func(int64) (string, string) { return "/polls/" + unknownID + "/closing", "" },
	"cancelPoll": func(int64) (string, string) {
		return "/polls/" + unknownID + "/cancellation", `{"reason":"Dubbel aangemaakt."}`
	},
	"createInvitations": func(int64) (string, string) {
		return "/polls/" + unknownID + "/invitations", `{"invitees":[{"municipalityCode":"GM0453"}]}`
	},
	"getTally":       func(int64) (string, string) { return "/polls/" + unknownID + "/tally", "" },
	"getPublicTally": func(int64) (string, string) { return "/polls/" + unknownID + "/public-tally", "" },
	// A download (text/csv by default); its errors are problem+json as
	// any other's.
	"exportResponses": func(int64) (string, string) { return "/polls/" + unknownID + "/responses?format=csv", "" },

	"importPanelMembers": func(int64) (string, string) {
		// "email;toestemming_datum\njan@velsen.example;2026-01-05\n", base64.
		return "/panels/GM0453/imports", `{"csv":"ZW1haWw7dG9lc3RlbW1pbmdfZGF0dW0KamFuQHZlbHNlbi5leGFtcGxlOzIwMjYtMDEtMDUK","consentVersion":"2026-01","dryRun":true}`
	},
	"listPanelMembers":  func(int64) (string, string) { return "/panels/GM0453/members", "" },
	"getPanelMember":    func(int64) (string, string) { return "/panels/GM0453/members/" + unknownID, "" },
	"exportPanelMember": func(int64) (string, string) { return "/panels/GM0453/members/" + unknownID + "/data-export", "" },
	"erasePanelMember":  func(int64) (string, string) { return "/panels/GM0453/members/" + unknownID, "" },
	"getPanelSummary":   func(int64) (string, string) { return "/panels/GM0453", "" },
	"invitePanel": func(int64) (string, string) {
		return "/polls/" + unknownID + "/panel-invitations", `{"municipalityCode":"GM0453","ageBands":["66-75"]}`
	},
	"remindPanel": func(int64) (string, string) { return "/polls/" + unknownID + "/reminders", "" },

	"listNeighbourhoods": func(int64) (string, string) { return "/neighbourhoods?municipalityCode=GM0453", "" },
	"listOpenPolls":      func(int64) (string, string) { return "/open-polls?municipalityCode=GM0453", "" },

	"listFocusGroups": func(int64) (string, string) { return "/focus-groups?tenant=GM0453", "" },
	"getFocusGroup":   func(int64) (string, string) { return fgPath, "" },
	"createFocusGroup": func(n int64) (string, string) {
		return "/focus-groups", fmt.Sprintf(`{"processId":"%s","name":"Focusgroep %d"}`, unknownID, n)
	},
	"updateFocusGroup":   func(int64) (string, string) { return fgPath, `{"plannedSessions":4}` },
	"concludeFocusGroup": func(int64) (string, string) { return fgPath + "/conclusion", "" },
	"dissolveFocusGroup": func(int64) (string, string) { return fgPath + "/dissolution", `{"reason":"Dubbel."}` },
	"listRoles":          func(int64) (string, string) { return "/focus-group-roles", "" },
	"addFocusGroupMember": func(int64) (string, string) {
		return fgPath + "/members", `{"kind":"staff","role":"council_member","name":"Test Lid","subject":"test-lid"}`
	},
	"listFocusGroupMembers":  func(int64) (string, string) { return fgPath + "/members", "" },
	"getFocusGroupMember":    func(int64) (string, string) { return fgPath + "/members/" + unknownID, "" },
	"removeFocusGroupMember": func(int64) (string, string) { return fgPath + "/members/" + unknownID, "" },
	"eraseFocusGroupMember":  func(int64) (string, string) { return fgPath + "/members/" + unknownID + "/erasure", "" },
	"exportFocusGroupMember": func(int64) (string, string) { return fgPath + "/members/" + unknownID + "/data-export", "" },
	"inviteResidents": func(int64) (string, string) {
		return fgPath + "/invitations", `{"invitees":[{"email":"henk@velsen.example","name":"Henk","role":"client"}]}`
	},
	"scheduleSession": func(int64) (string, string) {
		return fgPath + "/sessions", `{"startTime":"2099-01-14T18:30:00Z","endTime":"2099-01-14T20:30:00Z","place":{"address":"Raadhuis"}}`
	},
	"listSessions":    func(int64) (string, string) { return fgPath + "/sessions", "" },
	"getSession":      func(int64) (string, string) { return fgSessionPath, "" },
	"updateSession":   func(int64) (string, string) { return fgSessionPath, `{"agenda":"Kennismaking."}` },
	"cancelSession":   func(int64) (string, string) { return fgSessionPath + "/cancellation", `{"reason":"Zaal dicht."}` },
	"completeSession": func(int64) (string, string) { return fgSessionPath + "/completion", "" },
	"setRsvp": func(int64) (string, string) {
		return fgSessionPath + "/rsvps", `{"memberId":"` + unknownID + `","answer":"yes"}`
	},
	"listRsvps": func(int64) (string, string) { return fgSessionPath + "/rsvps", "" },
	"getRsvp":   func(int64) (string, string) { return fgSessionPath + "/rsvps/" + unknownID, "" },
	"promoteFromWaitlist": func(int64) (string, string) {
		return fgSessionPath + "/promotions", `{"memberId":"` + unknownID + `","reason":"Enige sleutelfiguur."}`
	},
	"recordAttendance": func(int64) (string, string) {
		return fgSessionPath + "/attendance", `{"walkIns":[{"role":"informal_carer","count":2}]}`
	},
	"getAttendance": func(int64) (string, string) { return fgSessionPath + "/attendance", "" },
	"createFinding": func(int64) (string, string) {
		return fgPath + "/findings", `{"statement":"Het loket is slecht bereikbaar.","breadth":"most"}`
	},
	"listFindings":         func(int64) (string, string) { return fgPath + "/findings", "" },
	"getFinding":           func(int64) (string, string) { return fgPath + "/findings/" + unknownID, "" },
	"updateFinding":        func(int64) (string, string) { return fgPath + "/findings/" + unknownID, `{"breadth":"all"}` },
	"agreeFinding":         func(int64) (string, string) { return fgPath + "/findings/" + unknownID + "/agreement", "" },
	"getPublishedFindings": func(int64) (string, string) { return fgPath + "/published-findings", "" },

	"createAdvice": func(int64) (string, string) {
		return "/advices", `{"processId":"` + unknownID + `","content":{"title":"Advies","recommendations":[{"text":"Doe het."}]}}`
	},
	"getAdvice":   func(int64) (string, string) { return advicePath, "" },
	"listAdvices": func(int64) (string, string) { return "/advices?tenant=GM0453", "" },
	"createVersion": func(int64) (string, string) {
		return advicePath + "/versions", `{"basedOn":1,"changeNote":"Verduidelijkt.","content":{"title":"Advies","recommendations":[{"text":"Doe het."}]}}`
	},
	"getVersion":          func(int64) (string, string) { return advicePath + "/versions/1", "" },
	"listVersions":        func(int64) (string, string) { return advicePath + "/versions", "" },
	"adoptAdvice":         func(int64) (string, string) { return advicePath + "/adoption", `{"version":1}` },
	"sendAdvice":          func(int64) (string, string) { return advicePath + "/sending", `{"version":1}` },
	"listRecommendations": func(int64) (string, string) { return advicePath + "/recommendations", "" },
	"listResponses":       func(int64) (string, string) { return "/responses?municipalityCode=GM0453", "" },
	"getResponse":         func(int64) (string, string) { return responsePath, "" },
	"acknowledgeResponse": func(int64) (string, string) { return responsePath + "/acknowledgement", "" },
	"assignResponse": func(int64) (string, string) {
		return responsePath + "/assignment", `{"ownerName":"Sanne Bakker","ownerEmail":"sanne.bakker@velsen.example"}`
	},
	"recordResponse": func(int64) (string, string) {
		return responsePath + "/decisions", `{"decidedOn":"2026-01-05","answers":[{"recommendation":1,"verdict":"adopted"}]}`
	},
	"requestRevision": func(int64) (string, string) {
		return responsePath + "/revision-requests", `{"reason":"Niet gemotiveerd."}`
	},
	"getResponseSettings":    func(int64) (string, string) { return "/response-settings/GM0453", "" },
	"updateResponseSettings": func(int64) (string, string) { return "/response-settings/GM0453", `{"termDays":42}` },
	"createReport": func(int64) (string, string) {
		return "/reports", `{"processId":"` + unknownID + `","summary":"Wat er met uw inbreng gebeurde."}`
	},
	"getReport":          func(int64) (string, string) { return "/reports/" + unknownID, "" },
	"listReports":        func(int64) (string, string) { return "/reports?tenant=GM0453", "" },
	"getProcessResults":  func(int64) (string, string) { return "/process-results/" + unknownID, "" },
	"listProcessResults": func(int64) (string, string) { return "/process-results?tenant=GM0453", "" },
	"getFigures":         func(int64) (string, string) { return "/figures?regionId=ijmond", "" },
	// The results service's files, which the gateway serves itself
	// (gateway/files.go): an advice that does not exist answers 404 to
	// whoever may ask.
	"renderAdvice":   func(int64) (string, string) { return advicePath + "/document", "" },
	"renderChart":    func(int64) (string, string) { return "/figures/charts/adoption", "" },
	"exportFigures":  func(int64) (string, string) { return "/open-data/evaluation-figures", "" },
	"exportResults":  func(int64) (string, string) { return "/open-data/process-results", "" },
	"getDataCatalog": func(int64) (string, string) { return "/open-data/catalog", "" },
}

// advicePath and responsePath name an advice and a municipality's response
// to it that do not exist.
const (
	advicePath   = "/advices/" + unknownID
	responsePath = advicePath + "/responses/GM0453"
)

// fgPath and fgSessionPath name a focus group and a session of it that do
// not exist.
const (
	fgPath        = "/focus-groups/" + unknownID
	fgSessionPath = fgPath + "/sessions/" + unknownID
)

// unknownID names a thing that does not exist: what matters is whether the
// guard lets the caller through, not what the method then finds.
const unknownID = "0190f0e0-0000-7000-8000-000000000000"

// guardRefusal is the detail of the guard's 403, which the policy decides;
// a service's own 403 (visible, but not this caller's to change) differs.
const guardRefusal = "your roles do not allow this"

// publicOperations are served by the gateway itself, not by a service.
var publicOperations = []string{"getOpenApiDocument"}

// unservedOperations are documented but not served yet; their 404 is not
// in the document. None: keep it so.
var unservedOperations = []string{}

type operation struct{ method, path, id string }

func documentedOperations(t *testing.T) []operation {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openapi.Document(), &doc); err != nil {
		t.Fatal(err)
	}
	var ops []operation
	for path, methods := range doc.Paths {
		for method, raw := range methods {
			var op struct {
				OperationID string `json:"operationId"`
			}
			if json.Unmarshal(raw, &op) == nil && op.OperationID != "" {
				ops = append(ops, operation{method: strings.ToUpper(method), path: path, id: op.OperationID})
			}
		}
	}
	slices.SortFunc(ops, func(a, b operation) int { return strings.Compare(a.id, b.id) })
	return ops
}

func lowerFirst(s string) string {
	r := []rune(s)
	r[0] = unicode.ToLower(r[0])
	return string(r)
}

// ruleFor finds the policy rule of the gRPC method behind an operationId.
func ruleFor(p auth.Policy, operationID string) (auth.Rule, bool) {
	for _, r := range p.Rules() {
		if lowerFirst(auth.MethodName(r.Method)) == operationID {
			return r, true
		}
	}
	return auth.Rule{}, false
}

// TestPolicyMatrix calls every endpoint of the OpenAPI document as every
// role in every demo tenant, and anonymously, through the whole system, and
// checks the answer against the policy table.
func TestPolicyMatrix(t *testing.T) {
	databaseURL := testkit.NewDatabase(t)
	idp := newTestIdP(t)
	base := startInProcess(t, "-http-addr=127.0.0.1:0", "-data-dir="+t.TempDir(), "-database-url="+databaseURL,
		"-oidc-issuer="+idp.issuer, "-oidc-api-audience=meedoen-api", "-dev", "-anonymous-rate-limit=-1", "-rate-limit=-1")
	policy := authPolicy()

	type caller struct {
		name  string
		id    auth.Identity
		token string
	}
	callers := []caller{{name: "anonymous"}}
	for _, tenant := range matrixTenants {
		for _, role := range auth.Roles {
			sub := matrixSubject(role, tenant)
			callers = append(callers, caller{name: sub, token: idp.token(t, sub),
				id: auth.Identity{Subject: sub, Grants: []auth.Grant{{Tenant: tenant, Role: role}}}})
		}
	}

	var n atomic.Int64
	for _, op := range documentedOperations(t) {
		if slices.Contains(publicOperations, op.id) || slices.Contains(unservedOperations, op.id) {
			continue
		}
		rule, ok := ruleFor(policy, op.id)
		if !ok {
			t.Errorf("%s %s (%s) has no rule in the policy (the Policy of its service, services/<name>)", op.method, op.path, op.id)
			continue
		}
		example, ok := examples[op.id]
		if !ok {
			t.Errorf("%s %s (%s) has no example request in the policy matrix", op.method, op.path, op.id)
			continue
		}
		// Every caller at once: a create naming a process the service has
		// not heard of waits a moment for it before refusing, and those
		// waits add up to minutes one after the other. The answers say
		// only what the guard decided, which no order changes.
		t.Run(op.id, func(t *testing.T) {
			var wg sync.WaitGroup
			for _, c := range callers {
				wg.Go(func() {
					path, body := example(n.Add(1))
					req, err := http.NewRequest(op.method, base+"/api/v1"+path, strings.NewReader(body))
					if err != nil {
						t.Errorf("%s: %v", c.name, err)
						return
					}
					if body != "" {
						req.Header.Set("Content-Type", "application/json")
					}
					if c.token != "" {
						req.Header.Set("Authorization", "Bearer "+c.token)
					}
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						t.Errorf("%s: %v", c.name, err)
						return
					}
					b, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					allowed := rule.Allows(c.id, c.token != "")
					guardSaidNo := resp.StatusCode == http.StatusForbidden && strings.Contains(string(b), guardRefusal)
					switch {
					case allowed && (resp.StatusCode == http.StatusUnauthorized || guardSaidNo):
						t.Errorf("policy allows %s, got %s: %s", c.name, resp.Status, b)
					case allowed && resp.StatusCode >= 500:
						t.Errorf("%s: %s: %s", c.name, resp.Status, b)
					case !allowed && c.token == "" && resp.StatusCode != http.StatusUnauthorized:
						t.Errorf("anonymous: got %s, want 401: %s", resp.Status, b)
					case !allowed && c.token != "" && !guardSaidNo:
						t.Errorf("policy denies %s, got %s: %s", c.name, resp.Status, b)
					}
				})
			}
			wg.Wait()
		})
	}
}
