package api

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/errs"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

// beverwijkOfficer and the callers below it act for the demo tenants.
func beverwijkOfficer() context.Context { return as("po-bev", "policy_officer@GM0375") }

func beverwijkChair() context.Context { return as("chair-bev", "chair@GM0375") }

func beverwijkMember() context.Context { return as("cm-bev", "council_member@GM0375") }

func velsenOfficer() context.Context { return as("po-vel", "policy_officer@GM0453") }

func velsenChair() context.Context { return as("chair-vel", "chair@GM0453") }

func velsenMember() context.Context { return as("cm-vel", "council_member@GM0453") }

func heemskerkMember() context.Context { return as("cm-hee", "council_member@GM0396") }

func heemskerkChair() context.Context { return as("chair-hee", "chair@GM0396") }

func ijmondCoord() context.Context { return as("coord", "regional_coordinator@ijmond") }

func platformAdmin() context.Context { return as("root", "admin@*") }

// agendaProblem is the code of err and the paths of the fields it names.
func agendaProblem(err error) (errs.Code, []string) {
	if err == nil {
		return "", nil
	}
	var e *errs.Error
	if !errors.As(err, &e) {
		return errs.Internal, nil
	}
	var paths []string
	for _, f := range e.Fields {
		paths = append(paths, f.Path)
	}
	return e.Code, paths
}

// adviceDate is a date the advice is needed by, well ahead.
func adviceDate() string { return time.Now().AddDate(0, 3, 0).Format(time.DateOnly) }

func solicited(tenant string, participants ...string) *councilsv1.Question {
	return &councilsv1.Question{
		Title:          "Mantelzorgwaardering 2026",
		Description:    "Hoe waarderen we mantelzorgers het best?",
		Theme:          "mantelzorg",
		Origin:         councilsv1.Origin_ORIGIN_SOLICITED,
		Scope:          &councilsv1.Scope{Tenant: tenant, ParticipatingMunicipalities: participants},
		AdviceNeededBy: adviceDate(),
	}
}

func unsolicited(tenant string, participants ...string) *councilsv1.Question {
	return &councilsv1.Question{
		Title:  "Wachtlijsten huishoudelijke hulp",
		Theme:  "huishoudelijke-hulp",
		Origin: councilsv1.Origin_ORIGIN_UNSOLICITED,
		Scope:  &councilsv1.Scope{Tenant: tenant, ParticipatingMunicipalities: participants},
	}
}

// takeUnsolicited lets the councils of codes raise their own questions.
func (f fixture) takeUnsolicited(t *testing.T, codes ...string) {
	t.Helper()
	if _, err := f.pool.Exec(context.Background(), `UPDATE councils SET takes_unsolicited_questions = true WHERE municipality_code = ANY($1)`, codes); err != nil {
		t.Fatal(err)
	}
}

// raised puts q on the agenda as ctx's caller.
func (f fixture) raised(t *testing.T, ctx context.Context, q *councilsv1.Question) *councilsv1.Question {
	t.Helper()
	got, err := f.srv.RaiseQuestion(ctx, &councilsv1.RaiseQuestionRequest{Question: q})
	if err != nil {
		t.Fatalf("raising %q: %v", q.GetTitle(), err)
	}
	return got
}

// accepted raises q and has decider accept it.
func (f fixture) accepted(t *testing.T, raiser, decider context.Context, q *councilsv1.Question) *councilsv1.Question {
	t.Helper()
	got, err := f.srv.DecideQuestion(decider, &councilsv1.DecideQuestionRequest{Id: f.raised(t, raiser, q).GetId(), Accept: true})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestListThemesGivesTheSeededThemes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	resp, err := f.srv.ListThemes(velsenMember(), &councilsv1.ListThemesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, th := range resp.GetThemes() {
		keys = append(keys, th.GetKey())
		if th.GetNameNl() == "" || th.GetNameEn() == "" {
			t.Errorf("theme %s lacks a name", th.GetKey())
		}
	}
	want := []string{"huishoudelijke-hulp", "jeugd", "mantelzorg", "minimabeleid", "ouderen", "schulden", "toegankelijkheid", "wonen-en-zorg"}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("themes (-want +got):\n%s", diff)
	}
}

func TestRaiseQuestionChecksWhoRaisesWhatWhere(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.takeUnsolicited(t, "GM0375", "GM0396")
	tests := []struct {
		name      string
		ctx       context.Context
		q         *councilsv1.Question
		wantCode  errs.Code
		wantPaths []string
	}{
		{name: "a Beverwijk officer asks Beverwijk's council", ctx: beverwijkOfficer(), q: solicited("GM0375")},
		{name: "the tenant defaults to the caller's only one", ctx: beverwijkOfficer(), q: solicited("")},
		{name: "a platform admin names the tenant", ctx: platformAdmin(), q: solicited("GM0453")},
		{name: "a platform admin must name it", ctx: platformAdmin(), q: solicited(""),
			wantCode: errs.Invalid, wantPaths: []string{"/scope/tenant"}},
		{name: "a Beverwijk officer asks the region with Beverwijk", ctx: beverwijkOfficer(), q: solicited("ijmond", "GM0375", "GM0453")},
		{name: "the coordinator asks the region", ctx: ijmondCoord(), q: solicited("ijmond", "GM0453")},
		{name: "codes with spaces around them", ctx: ijmondCoord(), q: solicited(" ijmond", " GM0453", "GM0375 ")},
		{name: "Beverwijk's council raises its own", ctx: beverwijkMember(), q: unsolicited("GM0375")},
		{name: "Beverwijk and Heemskerk raise one together", ctx: heemskerkChair(), q: unsolicited("ijmond", "GM0375", "GM0396")},

		{name: "a council member cannot ask for the municipality", ctx: beverwijkMember(), q: solicited("GM0375"),
			wantCode: errs.PermissionDenied},
		{name: "an officer cannot raise the council's own", ctx: beverwijkOfficer(), q: unsolicited("GM0375"),
			wantCode: errs.PermissionDenied},
		{name: "a Velsen officer cannot ask Beverwijk", ctx: velsenOfficer(), q: solicited("GM0375"),
			wantCode: errs.PermissionDenied},
		{name: "a Heemskerk member cannot raise for a region without Heemskerk", ctx: heemskerkMember(),
			q: unsolicited("ijmond", "GM0375"), wantCode: errs.PermissionDenied},
		{name: "Velsen's council only takes the municipality's", ctx: velsenMember(), q: unsolicited("GM0453"),
			wantCode: errs.FailedPrecondition, wantPaths: []string{"/origin"}},
		{name: "nor regional ones it takes part in", ctx: beverwijkMember(), q: unsolicited("ijmond", "GM0375", "GM0453"),
			wantCode: errs.FailedPrecondition, wantPaths: []string{"/origin"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := f.count(t, `SELECT count(*) FROM questions`)
			got, err := f.srv.RaiseQuestion(tc.ctx, &councilsv1.RaiseQuestionRequest{Question: tc.q})
			code, paths := agendaProblem(err)
			if code != tc.wantCode {
				t.Fatalf("error %v, want code %q", err, tc.wantCode)
			}
			if diff := cmp.Diff(tc.wantPaths, paths); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			after := f.count(t, `SELECT count(*) FROM questions`)
			if err != nil {
				if after != before {
					t.Errorf("a refused question was stored")
				}
				return
			}
			if after != before+1 || got.GetStatus() != councilsv1.QuestionStatus_QUESTION_STATUS_OPEN || got.GetId() == "" {
				t.Errorf("raised %v; %d questions stored, want %d", got, after, before+1)
			}
		})
	}

	if n := f.count(t, `SELECT count(*) FROM outbox WHERE subject LIKE 'meedoen.councils.%.question.raised'`); n != 8 {
		t.Errorf("%d questions announced, want 8", n)
	}
}

func TestVelsensCouncilRefusesUnsolicitedQuestionsClearly(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, err := f.srv.RaiseQuestion(velsenChair(), &councilsv1.RaiseQuestionRequest{Question: unsolicited("GM0453")})
	var e *errs.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v, want a domain error", err)
	}
	want := &errs.Error{Code: errs.FailedPrecondition, Message: "the council of Velsen only takes questions from the municipality",
		Fields: []errs.Field{{Path: "/origin", Reason: "the council of Velsen only takes questions from the municipality"}}}
	if diff := cmp.Diff(want, e); diff != "" {
		t.Errorf("error (-want +got):\n%s", diff)
	}
	if n := f.count(t, `SELECT count(*) FROM questions`); n != 0 {
		t.Errorf("%d questions stored, want none", n)
	}
}

func TestRaiseQuestionNamesEveryBadFieldAndStoresNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	zaanstreek := platformAdmin()
	if _, err := f.srv.CreateRegion(zaanstreek, &councilsv1.CreateRegionRequest{Region: &councilsv1.Region{Id: "zaanstreek", Name: "Zaanstreek"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.srv.CreateMunicipality(zaanstreek, &councilsv1.CreateMunicipalityRequest{
		Municipality: &councilsv1.Municipality{Code: "GM0479", Name: "Zaanstad", RegionId: "zaanstreek"},
	}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		q         *councilsv1.Question
		wantPaths []string
	}{
		{name: "regional without participants", q: solicited("ijmond"), wantPaths: []string{"/scope/participatingMunicipalities"}},
		{name: "a participant outside the region", q: solicited("ijmond", "GM0375", "GM0479"),
			wantPaths: []string{"/scope/participatingMunicipalities/1"}},
		{name: "an unknown municipality", q: solicited("ijmond", "GM9999"), wantPaths: []string{"/scope/participatingMunicipalities/0"}},
		{name: "an unknown tenant", q: solicited("GM9999"), wantPaths: []string{"/scope/tenant"}},
		{name: "everything else", q: &councilsv1.Question{Theme: "sport", Scope: &councilsv1.Scope{Tenant: "GM0375"}, AdviceNeededBy: "2020-01-01"},
			wantPaths: []string{"/title", "/theme", "/origin", "/adviceNeededBy"}},
		{name: "solicited without a date", q: func() *councilsv1.Question { q := solicited("GM0375"); q.AdviceNeededBy = ""; return q }(),
			wantPaths: []string{"/adviceNeededBy"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.srv.RaiseQuestion(ijmondCoordAndOfficers(), &councilsv1.RaiseQuestionRequest{Question: tc.q})
			code, paths := agendaProblem(err)
			if code != errs.Invalid {
				t.Fatalf("error %v, want invalid input", err)
			}
			if diff := cmp.Diff(tc.wantPaths, paths); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
	if n := f.count(t, `SELECT count(*) FROM questions`); n != 0 {
		t.Errorf("%d questions stored, want none", n)
	}
	if n := f.count(t, `SELECT count(*) FROM outbox WHERE subject LIKE '%.question.%'`); n != 0 {
		t.Errorf("%d question events, want none", n)
	}
}

// ijmondCoordAndOfficers may raise solicited questions anywhere in the
// IJmond, so that only the input decides.
func ijmondCoordAndOfficers() context.Context {
	return as("po-all", "regional_coordinator@ijmond", "policy_officer@GM0375", "policy_officer@GM0453", "policy_officer@GM0396")
}

func TestDecideQuestionByTheBoardOfTheCouncilConcerned(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	local := f.raised(t, beverwijkOfficer(), solicited("GM0375")).GetId()
	regional := f.raised(t, beverwijkOfficer(), solicited("ijmond", "GM0375", "GM0453")).GetId()
	tests := []struct {
		name     string
		ctx      context.Context
		req      *councilsv1.DecideQuestionRequest
		wantCode errs.Code
		want     councilsv1.QuestionStatus
	}{
		{name: "Velsen's chair cannot see Beverwijk's agenda", ctx: velsenChair(), req: &councilsv1.DecideQuestionRequest{Id: local, Accept: true},
			wantCode: errs.NotFound},
		{name: "a council member sees but does not decide", ctx: beverwijkMember(), req: &councilsv1.DecideQuestionRequest{Id: local, Accept: true},
			wantCode: errs.PermissionDenied},
		{name: "rejecting needs a reason", ctx: beverwijkChair(), req: &councilsv1.DecideQuestionRequest{Id: local},
			wantCode: errs.Invalid},
		{name: "the chair accepts", ctx: beverwijkChair(), req: &councilsv1.DecideQuestionRequest{Id: local, Accept: true},
			want: councilsv1.QuestionStatus_QUESTION_STATUS_ACCEPTED},
		{name: "only once", ctx: beverwijkChair(), req: &councilsv1.DecideQuestionRequest{Id: local, Reason: "toch niet"},
			wantCode: errs.FailedPrecondition},
		{name: "Velsen's chair decides a regional question Velsen takes part in", ctx: velsenChair(),
			req:  &councilsv1.DecideQuestionRequest{Id: regional, Reason: "eerst lokaal verkennen"},
			want: councilsv1.QuestionStatus_QUESTION_STATUS_REJECTED},
		{name: "no such question", ctx: platformAdmin(), req: &councilsv1.DecideQuestionRequest{Id: "nope", Accept: true},
			wantCode: errs.NotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := f.srv.DecideQuestion(tc.ctx, tc.req)
			if code, _ := agendaProblem(err); code != tc.wantCode {
				t.Fatalf("error %v, want code %q", err, tc.wantCode)
			}
			if err == nil && got.GetStatus() != tc.want {
				t.Errorf("status %s, want %s", got.GetStatus(), tc.want)
			}
		})
	}
	want := []string{"question.raised", "question.raised", "question.accepted", "question.rejected"}
	if diff := cmp.Diff(want, questionEvents(f.outboxTypes(t))); diff != "" {
		t.Errorf("question events (-want +got):\n%s", diff)
	}
	rejected, err := f.srv.GetQuestion(beverwijkOfficer(), &councilsv1.GetQuestionRequest{Id: regional})
	if err != nil {
		t.Fatal(err)
	}
	if rejected.GetDecisionReason() != "eerst lokaal verkennen" {
		t.Errorf("decision reason %q", rejected.GetDecisionReason())
	}
}

func TestListQuestionsShowsWhatTheCallerMaySee(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.takeUnsolicited(t, "GM0375")
	bev := f.raised(t, beverwijkOfficer(), solicited("GM0375")).GetId()
	own := f.raised(t, beverwijkMember(), unsolicited("GM0375")).GetId()
	vel := f.raised(t, velsenOfficer(), solicited("GM0453")).GetId()
	reg := f.raised(t, ijmondCoord(), solicited("ijmond", "GM0375", "GM0453")).GetId()

	tests := []struct {
		name      string
		ctx       context.Context
		req       *councilsv1.ListQuestionsRequest
		want      []string
		wantCode  errs.Code
		wantPaths []string
	}{
		{name: "Beverwijk", ctx: beverwijkChair(), req: &councilsv1.ListQuestionsRequest{}, want: []string{reg, own, bev}},
		{name: "Velsen", ctx: velsenMember(), req: &councilsv1.ListQuestionsRequest{}, want: []string{reg, vel}},
		{name: "Heemskerk", ctx: heemskerkMember(), req: &councilsv1.ListQuestionsRequest{}},
		{name: "the coordinator", ctx: ijmondCoord(), req: &councilsv1.ListQuestionsRequest{}, want: []string{reg}},
		{name: "an admin, everything", ctx: platformAdmin(), req: &councilsv1.ListQuestionsRequest{}, want: []string{reg, vel, own, bev}},
		{name: "an admin, Velsen's agenda", ctx: platformAdmin(), req: &councilsv1.ListQuestionsRequest{Tenant: "GM0453"}, want: []string{reg, vel}},
		{name: "Beverwijk's unsolicited", ctx: beverwijkChair(), req: &councilsv1.ListQuestionsRequest{Origin: councilsv1.Origin_ORIGIN_UNSOLICITED}, want: []string{own}},
		{name: "by theme", ctx: beverwijkChair(), req: &councilsv1.ListQuestionsRequest{Theme: "huishoudelijke-hulp"}, want: []string{own}},
		{name: "open ones", ctx: beverwijkChair(), req: &councilsv1.ListQuestionsRequest{Status: councilsv1.QuestionStatus_QUESTION_STATUS_OPEN}, want: []string{reg, own, bev}},
		{name: "an undefined origin", ctx: beverwijkChair(), req: &councilsv1.ListQuestionsRequest{Origin: 7}, wantCode: errs.Invalid},
		{name: "too large a page", ctx: beverwijkChair(), req: &councilsv1.ListQuestionsRequest{Limit: 101}, wantCode: errs.Invalid,
			wantPaths: []string{"limit"}},
		{name: "every bad parameter at once", ctx: beverwijkChair(), req: &councilsv1.ListQuestionsRequest{Limit: 101, Origin: 7, Status: 9},
			wantCode: errs.Invalid, wantPaths: []string{"limit", "origin", "status"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := f.srv.ListQuestions(tc.ctx, tc.req)
			code, paths := agendaProblem(err)
			if code != tc.wantCode {
				t.Fatalf("error %v, want code %q", err, tc.wantCode)
			}
			if tc.wantPaths != nil {
				if diff := cmp.Diff(tc.wantPaths, paths); diff != "" {
					t.Errorf("fields (-want +got):\n%s", diff)
				}
			}
			var got []string
			for _, q := range resp.GetQuestions() {
				got = append(got, q.GetId())
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("questions (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("in pages", func(t *testing.T) {
		var got []string
		req := &councilsv1.ListQuestionsRequest{Limit: 1}
		for range 10 {
			resp, err := f.srv.ListQuestions(beverwijkChair(), req)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range resp.GetQuestions() {
				got = append(got, q.GetId())
			}
			if req.Cursor = resp.GetNextCursor(); req.Cursor == "" {
				break
			}
		}
		if diff := cmp.Diff([]string{reg, own, bev}, got); diff != "" {
			t.Errorf("pages (-want +got):\n%s", diff)
		}
	})

	t.Run("one at a time", func(t *testing.T) {
		if _, err := f.srv.GetQuestion(heemskerkChair(), &councilsv1.GetQuestionRequest{Id: reg}); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("Heemskerk read the regional question without taking part: %v", err)
		}
		q, err := f.srv.GetQuestion(velsenOfficer(), &councilsv1.GetQuestionRequest{Id: reg})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"GM0375", "GM0453"}, q.GetScope().GetParticipatingMunicipalities()); diff != "" {
			t.Errorf("participants (-want +got):\n%s", diff)
		}
	})
}

// questionEvents keeps the question events of types.
func questionEvents(types []string) []string {
	var out []string
	for _, t := range types {
		if strings.HasPrefix(t, "question.") {
			out = append(out, t)
		}
	}
	return out
}
