package main

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/meedoen/meedoen/cmd/meedoen/internal/apiclient"
	"github.com/meedoen/meedoen/internal/testkit"
)

// TestIntegratorFlowWithTheGeneratedClient is an integrator's first day,
// written against the client oapi-codegen makes of the OpenAPI document
// (internal/apiclient): that it compiles is half the test, that the
// typed answers hold what the steps need is the other. It uses only what
// the document and docs/api.md say: the public lists, paging by cursor,
// the problems of a bad limit, creating with 201 and Location, decisions
// and transitions, a merge patch with If-Match, and a poll's enum filters
// and tally counts. Every answer also passes the contract check of
// contract_test.go, as the client calls through http.DefaultClient.
func TestIntegratorFlowWithTheGeneratedClient(t *testing.T) {
	databaseURL := testkit.NewDatabase(t)
	idp := newTestIdP(t)
	base := startInProcess(t, "-http-addr=127.0.0.1:0", "-data-dir="+t.TempDir(), "-database-url="+databaseURL, "-oidc-issuer="+idp.issuer, "-oidc-api-audience=meedoen-api")
	ctx := context.Background()
	as := func(subject string) *apiclient.ClientWithResponses {
		t.Helper()
		opts := []apiclient.ClientOption{apiclient.WithHTTPClient(http.DefaultClient)}
		if subject != "" {
			token := idp.token(t, subject)
			opts = append(opts, apiclient.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
				r.Header.Set("Authorization", "Bearer "+token)
				return nil
			}))
		}
		c, err := apiclient.NewClientWithResponses(base+"/api/v1", opts...)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	// status fails the test unless an answer has the status wanted.
	status := func(step string, got *http.Response, body []byte, err error, want int) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if got.StatusCode != want {
			t.Fatalf("%s: %s, want %d: %s", step, got.Status, want, body)
		}
	}
	root, anonymous := as("root"), as("")
	chair, officer, member := as("chair@GM0453"), as("policy_officer@GM0453"), as("council_member@GM0453")

	// The platform's administrator sets up a region and its municipalities.
	region, err := root.CreateRegionWithResponse(ctx, apiclient.Region{Id: "ijmond", Name: "IJmond"})
	status("create a region", region.HTTPResponse, region.Body, err, http.StatusCreated)
	if got := region.HTTPResponse.Header.Get("Location"); got != "/api/v1/regions/ijmond" {
		t.Errorf("Location %q, want /api/v1/regions/ijmond", got)
	}
	for _, m := range []apiclient.Municipality{{Code: "GM0453", Name: "Velsen"}, {Code: "GM0375", Name: "Beverwijk"}} {
		m.RegionId = "ijmond"
		created, err := root.CreateMunicipalityWithResponse(ctx, m)
		status("create "+m.Name, created.HTTPResponse, created.Body, err, http.StatusCreated)
	}

	// Municipalities are public: a page at a time, without a token.
	var codes []string
	params := &apiclient.ListMunicipalitiesParams{Limit: ptr[int32](1)}
	for range 3 {
		page, err := anonymous.ListMunicipalitiesWithResponse(ctx, params)
		status("list municipalities", page.HTTPResponse, page.Body, err, http.StatusOK)
		for _, m := range page.JSON200.Municipalities {
			codes = append(codes, m.Code)
		}
		if page.JSON200.NextCursor == "" {
			break
		}
		params.Cursor = &page.JSON200.NextCursor
	}
	if diff := cmp.Diff([]string{"GM0375", "GM0453"}, codes); diff != "" {
		t.Errorf("municipalities page by page (-want +got):\n%s", diff)
	}
	tooMany, err := anonymous.ListMunicipalitiesWithResponse(ctx, &apiclient.ListMunicipalitiesParams{Limit: ptr[int32](0)})
	status("a limit of 0", tooMany.HTTPResponse, tooMany.Body, err, http.StatusBadRequest)
	if p := tooMany.ApplicationproblemJSON400; p == nil || p.InvalidParams == nil || (*p.InvalidParams)[0].Name != "limit" {
		t.Errorf("a limit of 0 answers %s, want a problem naming limit", tooMany.Body)
	}

	// The council's chair fills in the council and adds a member.
	council, err := chair.UpdateCouncilWithApplicationMergePatchPlusJSONBodyWithResponse(ctx, "GM0453", &apiclient.UpdateCouncilParams{},
		apiclient.CouncilPatch{Name: ptr("Participatieraad Velsen"), Seats: ptr[int32](9)})
	status("change the council", council.HTTPResponse, council.Body, err, http.StatusOK)
	if council.JSON200.Seats != 9 || council.JSON200.Vacancies == nil || *council.JSON200.Vacancies != 9 {
		t.Errorf("council %+v, want 9 seats, all vacant", council.JSON200)
	}
	added, err := chair.AddMemberWithResponse(ctx, "GM0453", apiclient.Member{Name: "Anouk de Vries", Role: apiclient.MemberRoleMember,
		TermStart: openapi_types.Date{Time: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}})
	status("add a member", added.HTTPResponse, added.Body, err, http.StatusCreated)
	if added.JSON201.Role != apiclient.MemberRoleMember || added.JSON201.Active == nil || !*added.JSON201.Active {
		t.Errorf("member %+v, want an active member", added.JSON201)
	}

	// A policy officer asks for advice; the chair takes the question up;
	// the council starts the process and concretises it.
	question, err := officer.RaiseQuestionWithResponse(ctx, apiclient.CouncilsQuestion{Title: "Wmo-loket", Theme: "toegankelijkheid",
		Origin: apiclient.Solicited, AdviceNeededBy: ptr("2099-03-31"), Scope: apiclient.Scope{Tenant: "GM0453"}})
	status("raise a question", question.HTTPResponse, question.Body, err, http.StatusCreated)
	if question.JSON201.Status == nil || *question.JSON201.Status != apiclient.QuestionStatusOpen {
		t.Errorf("a new question is %v, want open", question.JSON201.Status)
	}
	decided, err := chair.DecideQuestionWithResponse(ctx, *question.JSON201.Id, apiclient.DecideQuestionBody{Accept: true})
	status("decide", decided.HTTPResponse, decided.Body, err, http.StatusOK)
	if *decided.JSON200.Status != apiclient.QuestionStatusAccepted {
		t.Errorf("a decided question is %v, want accepted", *decided.JSON200.Status)
	}
	started, err := member.StartProcessWithResponse(ctx, apiclient.StartProcessBody{QuestionId: *question.JSON201.Id})
	status("start the process", started.HTTPResponse, started.Body, err, http.StatusCreated)
	process := started.JSON201
	processID := *process.Id
	if process.Phase == nil || *process.Phase != apiclient.PhaseIntake || started.HTTPResponse.Header.Get("Location") != "/api/v1/processes/"+processID {
		t.Errorf("a new process is in %v at %q, want intake at its own path", process.Phase, started.HTTPResponse.Header.Get("Location"))
	}
	moved, err := member.TransitionProcessWithResponse(ctx, processID, apiclient.TransitionProcessBody{ToPhase: apiclient.PhaseConcretise})
	status("concretise", moved.HTTPResponse, moved.Body, err, http.StatusOK)
	read, err := member.GetProcessWithResponse(ctx, processID)
	status("read the process", read.HTTPResponse, read.Body, err, http.StatusOK)
	etag := read.HTTPResponse.Header.Get("ETag")
	patched, err := member.UpdateProcessWithApplicationMergePatchPlusJSONBodyWithResponse(ctx, processID, &apiclient.UpdateProcessParams{IfMatch: &etag},
		apiclient.ProcessPatch{PreciseQuestion: ptr("Waar lopen inwoners vast?"), Forms: &[]apiclient.FormKind{apiclient.FormKindFlashPoll}})
	status("concretise the question", patched.HTTPResponse, patched.Body, err, http.StatusOK)
	if patched.JSON200.PreciseQuestion != "Waar lopen inwoners vast?" || *patched.JSON200.Title != "Wmo-loket" {
		t.Errorf("patched process %+v: want the precise question set and the title kept", patched.JSON200)
	}
	stale, err := member.UpdateProcessWithApplicationMergePatchPlusJSONBodyWithResponse(ctx, processID, &apiclient.UpdateProcessParams{IfMatch: &etag},
		apiclient.ProcessPatch{Approach: ptr("Spiegelgesprek")})
	status("change based on an old version", stale.HTTPResponse, stale.Body, err, http.StatusPreconditionFailed)

	// The council builds a flash poll and finds it among the drafts,
	// with a tally of numbers.
	poll, err := member.CreatePollWithResponse(ctx, apiclient.Poll{ProcessId: processID, Tenant: "GM0453", Kind: apiclient.PollKindFlashPoll,
		Title: apiclient.Text{Nl: "Het Wmo-loket"},
		Sections: &[]apiclient.Section{{Id: "s1", Questions: &[]apiclient.SurveysQuestion{{Id: "q1", Type: apiclient.Likert,
			Text: apiclient.Text{Nl: "Het loket is goed bereikbaar."}}}}}})
	status("create a poll", poll.HTTPResponse, poll.Body, err, http.StatusCreated)
	drafts, err := member.ListPollsWithResponse(ctx, &apiclient.ListPollsParams{Status: ptr(apiclient.PollStatusDraft)})
	status("list the drafts", drafts.HTTPResponse, drafts.Body, err, http.StatusOK)
	if len(drafts.JSON200.Polls) != 1 || *drafts.JSON200.Polls[0].Id != *poll.JSON201.Id {
		t.Errorf("drafts %s, want the new poll", drafts.Body)
	}
	open, err := member.ListPollsWithResponse(ctx, &apiclient.ListPollsParams{Status: ptr(apiclient.PollStatusOpen)})
	status("list the open polls", open.HTTPResponse, open.Body, err, http.StatusOK)
	if len(open.JSON200.Polls) != 0 {
		t.Errorf("open polls %s, want none", open.Body)
	}
	tally, err := member.GetTallyWithResponse(ctx, *poll.JSON201.Id, nil)
	status("read the tally", tally.HTTPResponse, tally.Body, err, http.StatusOK)
	if tally.JSON200.Responses == nil || tally.JSON200.Responses.Value != 0 || len(tally.JSON200.Questions) != 1 {
		t.Errorf("tally %s, want no responses to one question", tally.Body)
	}
}

func ptr[T any](v T) *T { return &v }
