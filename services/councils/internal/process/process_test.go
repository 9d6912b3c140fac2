package process_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/councils/internal/agenda"
	"github.com/meedoen/meedoen/services/councils/internal/council"
	"github.com/meedoen/meedoen/services/councils/internal/process"
)

var (
	today = council.NewDate(2025, time.March, 10)
	now   = time.Date(2025, 3, 10, 9, 30, 0, 0, time.UTC)
	sent  = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
)

// ready is a local Beverwijk process in phase that meets every gate.
func ready(phase process.Phase) process.Record {
	return process.Record{
		ID: "p1", QuestionID: "q1", Title: "Mantelzorgwaardering", Theme: "mantelzorg", Origin: agenda.Solicited,
		Scope: agenda.RestoreScope("GM0375", nil), Phase: phase,
		PreciseQuestion: "Hoe willen mantelzorgers gewaardeerd worden?", Approach: "Korte gesprekken op ontmoetingsplekken",
		TargetGroup: "Mantelzorgers van ouderen", Forms: []process.FormKind{process.FocusGroup, process.Visit},
		ExecutedForms: []process.FormKind{process.Visit}, AdviceSentAt: sent, ReportPublishedAt: sent.Add(24 * time.Hour),
	}
}

// bare is a process in phase that meets no gate's own conditions.
func bare(phase process.Phase) process.Record {
	r := ready(phase)
	r.PreciseQuestion, r.Approach, r.TargetGroup = "", "", ""
	r.Forms, r.ExecutedForms = nil, nil
	r.AdviceSentAt, r.ReportPublishedAt = time.Time{}, time.Time{}
	return r
}

func with(r process.Record, change func(*process.Record)) process.Record {
	change(&r)
	return r
}

// problem returns the code and field paths of a domain error.
func problem(t *testing.T, err error) (errs.Code, []string) {
	t.Helper()
	if err == nil {
		return "", nil
	}
	var e *errs.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not a domain error", err)
	}
	var paths []string
	for _, f := range e.Fields {
		paths = append(paths, f.Path)
	}
	return e.Code, paths
}

func TestMoveToFollowsTheStepPlan(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		from      process.Record
		to        process.Phase
		reason    string
		wantCode  errs.Code
		wantPaths []string
	}{
		// Forward, one phase at a time, each gate met.
		{name: "intake to concretise needs nothing", from: bare(process.Intake), to: process.Concretise},
		{name: "concretise to choose forms", from: ready(process.Concretise), to: process.ChooseForms},
		{name: "choose forms to execute", from: ready(process.ChooseForms), to: process.Execute},
		{name: "execute to analyse", from: ready(process.Execute), to: process.Analyse},
		{name: "analyse to advise", from: ready(process.Analyse), to: process.Advise},
		{name: "advise to feedback once the advice is sent", from: ready(process.Advise), to: process.Feedback},
		{name: "feedback to closed once the report is published", from: ready(process.Feedback), to: process.Closed},
		{name: "a reason may come along forward", from: ready(process.Analyse), to: process.Advise, reason: "analyse klaar"},

		// Forward, gate not met: every unmet condition at once.
		{name: "choose forms without precise question, approach and target group", from: bare(process.Concretise), to: process.ChooseForms,
			wantCode: errs.FailedPrecondition, wantPaths: []string{"/preciseQuestion", "/approach", "/targetGroup"}},
		{name: "choose forms with only the precise question", to: process.ChooseForms,
			from:     with(bare(process.Concretise), func(r *process.Record) { r.PreciseQuestion = "Wat mist u?" }),
			wantCode: errs.FailedPrecondition, wantPaths: []string{"/approach", "/targetGroup"}},
		{name: "execute without a form", to: process.Execute,
			from:     with(ready(process.ChooseForms), func(r *process.Record) { r.Forms = nil }),
			wantCode: errs.FailedPrecondition, wantPaths: []string{"/forms"}},
		{name: "analyse without executed input", to: process.Analyse,
			from:     with(ready(process.Execute), func(r *process.Record) { r.ExecutedForms = nil }),
			wantCode: errs.FailedPrecondition, wantPaths: []string{"/executedForms"}},
		{name: "advise still needs what analyse needs", to: process.Advise,
			from:     with(ready(process.Analyse), func(r *process.Record) { r.ExecutedForms, r.TargetGroup = nil, "" }),
			wantCode: errs.FailedPrecondition, wantPaths: []string{"/targetGroup", "/executedForms"}},
		{name: "feedback before the advice is sent", to: process.Feedback,
			from:     with(ready(process.Advise), func(r *process.Record) { r.AdviceSentAt = time.Time{} }),
			wantCode: errs.FailedPrecondition, wantPaths: []string{"/adviceSentTime"}},
		{name: "closed before the report is published", to: process.Closed,
			from:     with(ready(process.Feedback), func(r *process.Record) { r.ReportPublishedAt = time.Time{} }),
			wantCode: errs.FailedPrecondition, wantPaths: []string{"/reportPublishedTime"}},

		// Skipping a phase, even with every gate met.
		{name: "intake straight to choose forms", from: ready(process.Intake), to: process.ChooseForms,
			wantCode: errs.FailedPrecondition, wantPaths: []string{"/toPhase"}},
		{name: "execute straight to advise", from: ready(process.Execute), to: process.Advise,
			wantCode: errs.FailedPrecondition, wantPaths: []string{"/toPhase"}},
		{name: "intake straight to closed", from: ready(process.Intake), to: process.Closed,
			wantCode: errs.FailedPrecondition, wantPaths: []string{"/toPhase"}},

		// Back, to any earlier phase, with a reason; gates do not apply.
		{name: "back one phase", from: bare(process.Execute), to: process.ChooseForms, reason: "andere vorm nodig"},
		{name: "back to intake", from: ready(process.Feedback), to: process.Intake, reason: "vraag herzien"},
		{name: "back without a reason", from: ready(process.Execute), to: process.Concretise, reason: " ",
			wantCode: errs.Invalid, wantPaths: []string{"/reason"}},

		// Closed stays closed; nothing moves to where it is.
		{name: "out of closed", from: ready(process.Closed), to: process.Feedback, reason: "nog een reactie",
			wantCode: errs.FailedPrecondition, wantPaths: []string{"/toPhase"}},
		{name: "closed to closed", from: ready(process.Closed), to: process.Closed,
			wantCode: errs.FailedPrecondition, wantPaths: []string{"/toPhase"}},
		{name: "to the phase it is in", from: ready(process.ChooseForms), to: process.ChooseForms,
			wantCode: errs.FailedPrecondition, wantPaths: []string{"/toPhase"}},

		// Nonsense input.
		{name: "no phase", from: ready(process.Intake), to: "",
			wantCode: errs.Invalid, wantPaths: []string{"/toPhase"}},
		{name: "a reason that is too long", from: ready(process.Intake), to: process.Concretise, reason: string(make([]rune, 2001)),
			wantCode: errs.Invalid, wantPaths: []string{"/reason"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := process.Restore(tc.from)
			err := p.MoveTo(tc.to, tc.reason, "cm-1", now)
			code, paths := problem(t, err)
			if code != tc.wantCode {
				t.Fatalf("error %v, want code %q", err, tc.wantCode)
			}
			if diff := cmp.Diff(tc.wantPaths, paths); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			pending := p.Pending().Transitions
			if err != nil {
				if p.Phase() != tc.from.Phase || len(pending) != 0 {
					t.Errorf("a refused move left phase %s and %d transitions, want %s and none", p.Phase(), len(pending), tc.from.Phase)
				}
				return
			}
			if p.Phase() != tc.to {
				t.Errorf("phase %s, want %s", p.Phase(), tc.to)
			}
			if len(pending) != 1 {
				t.Fatalf("%d transitions recorded, want 1", len(pending))
			}
			got := pending[0]
			want := process.Transition{ID: got.ID, ProcessID: "p1", From: tc.from.Phase, To: tc.to, Reason: tc.reason, Actor: "cm-1", At: now}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("transition (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNextGateUnmetSaysWhatTheNextPhaseNeeds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		from process.Record
		want []string
	}{
		{name: "intake", from: bare(process.Intake)},
		{name: "concretise", from: bare(process.Concretise), want: []string{"/preciseQuestion", "/approach", "/targetGroup"}},
		{name: "choose forms", from: with(ready(process.ChooseForms), func(r *process.Record) { r.Forms = nil }), want: []string{"/forms"}},
		{name: "execute", from: with(ready(process.Execute), func(r *process.Record) { r.ExecutedForms = nil }), want: []string{"/executedForms"}},
		{name: "analyse", from: ready(process.Analyse)},
		{name: "advise", from: with(ready(process.Advise), func(r *process.Record) { r.AdviceSentAt = time.Time{} }), want: []string{"/adviceSentTime"}},
		{name: "feedback", from: with(ready(process.Feedback), func(r *process.Record) { r.ReportPublishedAt = time.Time{} }), want: []string{"/reportPublishedTime"}},
		{name: "closed", from: bare(process.Closed)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, f := range process.Restore(tc.from).NextGateUnmet() {
				got = append(got, f.Path)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("unmet (-want +got):\n%s", diff)
			}
		})
	}
}

func TestResultsEventsCompleteAdviseAndFeedback(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, 3, 9, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		from      process.Record
		apply     func(p *process.Process) error
		wantPhase process.Phase
		wantMoves []process.Transition
	}{
		{name: "advice sent while advising moves to feedback", from: bare(process.Advise),
			apply:     func(p *process.Process) error { return p.MarkAdviceSent("ev-1", at, now) },
			wantPhase: process.Feedback,
			wantMoves: []process.Transition{{ProcessID: "p1", From: process.Advise, To: process.Feedback, Reason: "the advice was sent", Actor: process.System, At: now}}},
		{name: "advice sent early is only recorded", from: bare(process.Analyse),
			apply:     func(p *process.Process) error { return p.MarkAdviceSent("ev-1", at, now) },
			wantPhase: process.Analyse},
		{name: "report published during feedback closes", from: bare(process.Feedback),
			apply:     func(p *process.Process) error { return p.MarkReportPublished("ev-2", at, now) },
			wantPhase: process.Closed,
			wantMoves: []process.Transition{{ProcessID: "p1", From: process.Feedback, To: process.Closed, Reason: "the final report was published", Actor: process.System, At: now}}},
		{name: "advice sent after the report moves on to closed", from: with(bare(process.Advise), func(r *process.Record) { r.ReportPublishedAt = sent }),
			apply:     func(p *process.Process) error { return p.MarkAdviceSent("ev-1", at, now) },
			wantPhase: process.Closed,
			wantMoves: []process.Transition{
				{ProcessID: "p1", From: process.Advise, To: process.Feedback, Reason: "the advice was sent", Actor: process.System, At: now},
				{ProcessID: "p1", From: process.Feedback, To: process.Closed, Reason: "the final report was published", Actor: process.System, At: now},
			}},
		{name: "report published early is only recorded", from: bare(process.Advise),
			apply:     func(p *process.Process) error { return p.MarkReportPublished("ev-2", at, now) },
			wantPhase: process.Advise},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := process.Restore(tc.from)
			if err := tc.apply(&p); err != nil {
				t.Fatal(err)
			}
			if p.Phase() != tc.wantPhase {
				t.Errorf("phase %s, want %s", p.Phase(), tc.wantPhase)
			}
			got := p.Pending().Transitions
			for i := range got {
				got[i].ID = ""
			}
			if diff := cmp.Diff(tc.wantMoves, got); diff != "" {
				t.Errorf("transitions (-want +got):\n%s", diff)
			}
			if n := len(p.Pending().Milestones); n != 1 {
				t.Errorf("%d milestones pending, want 1", n)
			}
		})
	}
}

func TestAdviceSentEarlyMeetsTheFeedbackGateLater(t *testing.T) {
	t.Parallel()
	p := process.Restore(with(ready(process.Analyse), func(r *process.Record) { r.AdviceSentAt = time.Time{} }))
	if err := p.MarkAdviceSent("ev-1", sent, now); err != nil {
		t.Fatal(err)
	}
	for _, to := range []process.Phase{process.Advise, process.Feedback} {
		if err := p.MoveTo(to, "", "chair-1", now); err != nil {
			t.Fatalf("moving to %s: %v", to, err)
		}
	}
	// A second advice (say, after moving back) keeps the first date.
	if err := p.MarkAdviceSent("ev-3", sent.Add(48*time.Hour), now); err != nil {
		t.Fatal(err)
	}
	if !p.AdviceSentAt().Equal(sent) {
		t.Errorf("advice sent at %v, want the first, %v", p.AdviceSentAt(), sent)
	}
}

func TestStartNeedsAnAcceptedQuestionWithoutProcess(t *testing.T) {
	t.Parallel()
	scope := agenda.RestoreScope("ijmond", []string{"GM0375", "GM0453"})
	tests := []struct {
		name      string
		status    agenda.Status
		processID string
		wantCode  errs.Code
	}{
		{name: "accepted", status: agenda.Accepted},
		{name: "still open", status: agenda.Open, wantCode: errs.FailedPrecondition},
		{name: "rejected", status: agenda.Rejected, wantCode: errs.FailedPrecondition},
		{name: "already has a process", status: agenda.Accepted, processID: "p0", wantCode: errs.Conflict},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			q := agenda.RestoreQuestion(agenda.Record{ID: "q1", Title: "Schuldhulp", Theme: "schulden", Origin: agenda.Unsolicited,
				Scope: scope, Status: tc.status, ProcessID: tc.processID})
			p, err := process.Start(q, "cm-1", now)
			if code, _ := problem(t, err); code != tc.wantCode {
				t.Fatalf("error %v, want code %q", err, tc.wantCode)
			}
			if err != nil {
				return
			}
			if p.Phase() != process.Intake || p.QuestionID() != "q1" || p.ID() == "" || !p.Scope().Regional() || p.Title() != "Schuldhulp" {
				t.Errorf("started %+v, want a regional process in intake for q1", p)
			}
		})
	}
}

func TestSetPlanReplacesPlanAndForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		from      process.Record
		plan      process.Plan
		wantCode  errs.Code
		wantPaths []string
		wantForms []process.FormKind
	}{
		{name: "forms deduplicated in a stable order", from: bare(process.Concretise),
			plan:      process.Plan{PreciseQuestion: " Wat mist u? ", Forms: []process.FormKind{process.Visit, process.FlashPoll, process.Visit}},
			wantForms: []process.FormKind{process.FlashPoll, process.Visit}},
		{name: "every problem at once", from: bare(process.Concretise),
			plan:     process.Plan{TargetGroup: string(make([]rune, 1001)), Forms: []process.FormKind{process.Visit, "", "choir"}},
			wantCode: errs.Invalid, wantPaths: []string{"/targetGroup", "/forms/1", "/forms/2"}},
		{name: "a closed process", from: ready(process.Closed), plan: process.Plan{PreciseQuestion: "Nog iets?"},
			wantCode: errs.FailedPrecondition, wantPaths: []string{"/phase"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := process.Restore(tc.from)
			err := p.SetPlan(tc.plan, now)
			code, paths := problem(t, err)
			if code != tc.wantCode {
				t.Fatalf("error %v, want code %q", err, tc.wantCode)
			}
			if diff := cmp.Diff(tc.wantPaths, paths); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(tc.wantForms, p.Forms()); diff != "" {
				t.Errorf("forms (-want +got):\n%s", diff)
			}
			if p.PreciseQuestion() != "Wat mist u?" {
				t.Errorf("precise question %q, want it trimmed", p.PreciseQuestion())
			}
		})
	}
}

func TestNewFieldActivityChecksEveryField(t *testing.T) {
	t.Parallel()
	local := process.Restore(ready(process.Execute))
	regional := process.Restore(with(ready(process.Execute), func(r *process.Record) {
		r.Scope = agenda.RestoreScope("ijmond", []string{"GM0375", "GM0453"})
	}))
	visit := process.ActivityDraft{Form: process.Visit, Date: "2025-03-10", Place: "Voedselbank Beverwijk", ResidentsReached: 14}
	tests := []struct {
		name      string
		p         process.Process
		change    func(d *process.ActivityDraft)
		wantPaths []string
		wantCode  string
	}{
		{name: "local defaults to its municipality", p: local, change: func(*process.ActivityDraft) {}, wantCode: "GM0375"},
		{name: "local naming its municipality", p: local, change: func(d *process.ActivityDraft) { d.MunicipalityCode = "GM0375" }, wantCode: "GM0375"},
		{name: "local naming another", p: local, change: func(d *process.ActivityDraft) { d.MunicipalityCode = "GM0453" },
			wantPaths: []string{"/municipalityCode"}},
		{name: "regional in a participant", p: regional, change: func(d *process.ActivityDraft) { d.MunicipalityCode = "GM0453" }, wantCode: "GM0453"},
		{name: "regional without a municipality", p: regional, change: func(*process.ActivityDraft) {},
			wantPaths: []string{"/municipalityCode"}},
		{name: "regional outside the participants", p: regional, change: func(d *process.ActivityDraft) { d.MunicipalityCode = "GM0396" },
			wantPaths: []string{"/municipalityCode"}},
		{name: "nobody reached is fine", p: local, change: func(d *process.ActivityDraft) { d.ResidentsReached = 0 }, wantCode: "GM0375"},
		{name: "tomorrow", p: local, change: func(d *process.ActivityDraft) { d.Date = "2025-03-11" }, wantPaths: []string{"/date"}},
		{name: "everything wrong", p: local, change: func(d *process.ActivityDraft) {
			*d = process.ActivityDraft{Form: "koor", Date: "10-03-2025", Place: string(make([]rune, 201)), ResidentsReached: -1, Notes: string(make([]rune, 4001))}
		}, wantPaths: []string{"/form", "/date", "/place", "/residentsReached", "/notes"}},
		{name: "everything missing", p: local, change: func(d *process.ActivityDraft) {
			*d = process.ActivityDraft{ResidentsReached: 100001}
		}, wantPaths: []string{"/form", "/date", "/place", "/residentsReached"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := visit
			tc.change(&d)
			a, err := process.NewFieldActivity(tc.p, d, "cm-1", today, now)
			_, paths := problem(t, err)
			if diff := cmp.Diff(tc.wantPaths, paths); diff != "" {
				t.Fatalf("fields (-want +got):\n%s", diff)
			}
			if err == nil && a.MunicipalityCode() != tc.wantCode {
				t.Errorf("municipality %q, want %q", a.MunicipalityCode(), tc.wantCode)
			}
		})
	}
}

func TestRecordFieldActivityCountsAsExecutedInput(t *testing.T) {
	t.Parallel()
	p := process.Restore(bare(process.Execute))
	var first string
	for _, n := range []int{14, 6} {
		a, err := process.NewFieldActivity(p, process.ActivityDraft{
			Form: process.Visit, Date: "2025-03-07", Place: "Zangkoor De Lofstem", ResidentsReached: n}, "cm-1", today, now)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.RecordFieldActivity(a); err != nil {
			t.Fatal(err)
		}
		if first == "" {
			first = a.ID()
		}
	}
	if p.ResidentsReached() != 20 {
		t.Errorf("residents reached %d, want 20", p.ResidentsReached())
	}
	if diff := cmp.Diff([]process.FormKind{process.Visit}, p.ExecutedForms()); diff != "" {
		t.Errorf("executed forms (-want +got):\n%s", diff)
	}
	if err := p.MoveTo(process.Analyse, "", "cm-1", now); err == nil {
		t.Error("moved to analyse without forms chosen; the gate is cumulative")
	}
	pending := p.Pending()
	if len(pending.Inputs) != 2 || len(pending.FieldActivities) != 2 || pending.Inputs[0].Source != first {
		t.Errorf("pending %+v, want two inputs sourced by the activities and two activities", pending)
	}

	closed := process.Restore(ready(process.Closed))
	a, err := process.NewFieldActivity(closed, process.ActivityDraft{Form: process.Visit, Date: "2025-03-07", Place: "Bibliotheek"}, "cm-1", today, now)
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := problem(t, closed.RecordFieldActivity(a)); code != errs.FailedPrecondition {
		t.Errorf("a closed process took a field activity (code %q), want a failed precondition", code)
	}
}

func TestRecordInputFromEventsCountsOnceForEachForm(t *testing.T) {
	t.Parallel()
	p := process.Restore(ready(process.Execute))
	for _, f := range []process.FormKind{process.FlashPoll, process.FocusGroup, process.FlashPoll} {
		if err := p.RecordInput("ev-"+string(f), f, now, now); err != nil {
			t.Fatal(err)
		}
	}
	want := []process.FormKind{process.FocusGroup, process.FlashPoll, process.Visit}
	if diff := cmp.Diff(want, p.ExecutedForms()); diff != "" {
		t.Errorf("executed forms (-want +got):\n%s", diff)
	}
	if err := p.RecordInput("ev-x", "carrier_pigeon", now, now); err == nil {
		t.Error("recorded input of an unknown form")
	}
}

func TestNewDeclarationNeedsAMemberOfACouncilTakingPart(t *testing.T) {
	t.Parallel()
	regional := process.Restore(with(ready(process.Execute), func(r *process.Record) {
		r.Scope = agenda.RestoreScope("ijmond", []string{"GM0375", "GM0453"})
	}))
	tests := []struct {
		name      string
		memberID  string
		council   string
		statement string
		wantPaths []string
	}{
		{name: "member of a participating council", memberID: "m1", council: "GM0453", statement: "Mijn moeder ontvangt huishoudelijke hulp"},
		{name: "member of a council not taking part", memberID: "m1", council: "GM0396", statement: "Bestuurslid voedselbank",
			wantPaths: []string{"/memberId"}},
		{name: "no such member", memberID: "m9", statement: "Bestuurslid voedselbank", wantPaths: []string{"/memberId"}},
		{name: "nothing given", wantPaths: []string{"/memberId", "/statement"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d, err := process.NewDeclaration(regional, tc.memberID, tc.council, tc.statement, "sec-1", now)
			_, paths := problem(t, err)
			if diff := cmp.Diff(tc.wantPaths, paths); diff != "" {
				t.Fatalf("fields (-want +got):\n%s", diff)
			}
			if err == nil && (d.ProcessID() != "p1" || d.MemberID() != tc.memberID) {
				t.Errorf("declaration for %s by %s, want p1 by %s", d.ProcessID(), d.MemberID(), tc.memberID)
			}
		})
	}
}

func TestPhasesAndFormsKnowTheirOrder(t *testing.T) {
	t.Parallel()
	var got []process.Phase
	for p, ok := process.Intake, true; ok; p, ok = p.Next() {
		got = append(got, p)
	}
	if diff := cmp.Diff(process.Phases(), got); diff != "" {
		t.Errorf("walking Next (-want +got):\n%s", diff)
	}
	if process.Phase("vergaderen").Valid() || process.FormKind("").Valid() {
		t.Error("an unknown phase or an empty form counts as valid")
	}
}
