package api

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"google.golang.org/protobuf/proto"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/pg"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/councils/internal/inputs"
)

// move asks for a transition as ctx's caller.
func (f fixture) move(ctx context.Context, id string, to councilsv1.Phase, reason string) (*councilsv1.Process, error) {
	return f.srv.TransitionProcess(ctx, &councilsv1.TransitionProcessRequest{Id: id, ToPhase: to, Reason: reason})
}

func (f fixture) mustMove(t *testing.T, ctx context.Context, id string, to ...councilsv1.Phase) *councilsv1.Process {
	t.Helper()
	var p *councilsv1.Process
	for _, phase := range to {
		var err error
		if p, err = f.move(ctx, id, phase, ""); err != nil {
			t.Fatalf("moving to %s: %v", phase, err)
		}
	}
	return p
}

// plan is what concretising a mantelzorg process decides.
func plan(forms ...councilsv1.FormKind) *councilsv1.Process {
	return &councilsv1.Process{
		PreciseQuestion: "Welke waardering helpt mantelzorgers echt?",
		Approach:        "Gesprekken waar mantelzorgers al komen, en een flitspeiling",
		TargetGroup:     "Mantelzorgers van thuiswonende ouderen",
		Forms:           forms,
	}
}

// started has q raised by raiser, accepted by decider and its process
// started by worker.
func (f fixture) started(t *testing.T, raiser, decider, worker context.Context, q *councilsv1.Question) *councilsv1.Process {
	t.Helper()
	p, err := f.srv.StartProcess(worker, &councilsv1.StartProcessRequest{QuestionId: f.accepted(t, raiser, decider, q).GetId()})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// executing is a Beverwijk process in execute.
func (f fixture) executing(t *testing.T) *councilsv1.Process {
	t.Helper()
	p := f.started(t, beverwijkOfficer(), beverwijkChair(), beverwijkMember(), solicited("GM0375"))
	f.mustMove(t, beverwijkMember(), p.GetId(), councilsv1.Phase_PHASE_CONCRETISE)
	if _, err := f.srv.UpdateProcess(beverwijkMember(), &councilsv1.UpdateProcessRequest{Id: p.GetId(),
		Process: plan(councilsv1.FormKind_FORM_KIND_VISIT)}); err != nil {
		t.Fatal(err)
	}
	return f.mustMove(t, beverwijkMember(), p.GetId(), councilsv1.Phase_PHASE_CHOOSE_FORMS, councilsv1.Phase_PHASE_EXECUTE)
}

func (f fixture) visible(t *testing.T, ctx context.Context, id string) bool {
	t.Helper()
	_, err := f.srv.GetProcess(ctx, &councilsv1.GetProcessRequest{Id: id})
	switch errs.CodeOf(err) {
	case errs.NotFound:
		if _, err := f.srv.ListTransitions(ctx, &councilsv1.ListTransitionsRequest{Id: id}); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("the transitions of an invisible process answer %v, want not found", err)
		}
		return false
	case errs.Internal:
		if err == nil {
			return true
		}
	}
	t.Fatalf("reading process %s: %v", id, err)
	return false
}

func (f fixture) listed(t *testing.T, ctx context.Context, req *councilsv1.ListProcessesRequest) []string {
	t.Helper()
	resp, err := f.srv.ListProcesses(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range resp.GetProcesses() {
		ids = append(ids, p.GetId())
	}
	return ids
}

// deliver hands a consumed event to the consumer's handler in a
// transaction, as the consumer does.
func (f fixture) deliver(t *testing.T, ev events.Event) {
	t.Helper()
	for _, c := range inputs.Consumers(slog.New(slog.DiscardHandler)) {
		for _, s := range c.Subjects {
			if strings.HasSuffix(s, "*."+ev.Name) {
				if err := pg.InTx(context.Background(), f.pool, func(tx pgx.Tx) error { return c.Handle(context.Background(), tx, ev) }); err != nil {
					t.Fatal(err)
				}
				return
			}
		}
	}
	t.Fatalf("no consumer for %s", ev.Name)
}

func consumed(t *testing.T, tenant string, msg proto.Message) events.Event {
	t.Helper()
	ev, err := events.New(context.Background(), tenant, "upstream", msg)
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

// The end-to-end story, through the API: a policy officer of
// Beverwijk raises a question, the council turns it into a process and
// moves it to execute, and it shows up for Velsen only if it is regional.
func TestBeverwijksQuestionBecomesAProcessThatVelsenSeesOnlyWhenRegional(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	q := f.raised(t, beverwijkOfficer(), solicited("GM0375"))
	if q.GetScope().GetTenant() != "GM0375" || q.GetOrigin() != councilsv1.Origin_ORIGIN_SOLICITED {
		t.Fatalf("raised %v", q)
	}
	q, err := f.srv.DecideQuestion(beverwijkChair(), &councilsv1.DecideQuestionRequest{Id: q.GetId(), Accept: true})
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.srv.StartProcess(beverwijkMember(), &councilsv1.StartProcessRequest{QuestionId: q.GetId()})
	if err != nil {
		t.Fatal(err)
	}
	id := p.GetId()
	if p.GetPhase() != councilsv1.Phase_PHASE_INTAKE || p.GetTitle() != q.GetTitle() {
		t.Fatalf("started %v", p)
	}
	f.mustMove(t, beverwijkMember(), id, councilsv1.Phase_PHASE_CONCRETISE)
	p, err = f.srv.UpdateProcess(beverwijkMember(), &councilsv1.UpdateProcessRequest{Id: id,
		Process: plan(councilsv1.FormKind_FORM_KIND_VISIT, councilsv1.FormKind_FORM_KIND_FLASH_POLL)})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.GetNextGateUnmet()) != 0 {
		t.Errorf("concretised, yet choosing forms still needs %v", p.GetNextGateUnmet())
	}
	p = f.mustMove(t, beverwijkMember(), id, councilsv1.Phase_PHASE_CHOOSE_FORMS, councilsv1.Phase_PHASE_EXECUTE)
	if p.GetPhase() != councilsv1.Phase_PHASE_EXECUTE {
		t.Fatalf("phase %s, want execute", p.GetPhase())
	}
	wantUnmet := []string{"/executedForms: no form has brought in input yet: record a field activity, hold a focus-group session or close a poll for this process"}
	if diff := cmp.Diff(wantUnmet, p.GetNextGateUnmet()); diff != "" {
		t.Errorf("what analyse needs (-want +got):\n%s", diff)
	}

	// A double click: the second request finds the process there already.
	if _, err := f.move(beverwijkMember(), id, councilsv1.Phase_PHASE_EXECUTE, ""); errs.CodeOf(err) != errs.FailedPrecondition ||
		!strings.Contains(err.Error(), "already in phase execute") {
		t.Errorf("moving to execute twice gave %v, want a failed precondition: already in phase execute", err)
	}
	if n := f.count(t, `SELECT count(*) FROM transitions WHERE process_id = $1`, id); n != 3 {
		t.Errorf("%d transitions stored, want 3", n)
	}

	for name, ctx := range map[string]context.Context{"officer": beverwijkOfficer(), "chair": beverwijkChair(), "member": beverwijkMember()} {
		if !f.visible(t, ctx, id) {
			t.Errorf("Beverwijk's %s cannot see Beverwijk's process", name)
		}
		if got := f.listed(t, ctx, &councilsv1.ListProcessesRequest{}); !cmp.Equal([]string{id}, got) {
			t.Errorf("Beverwijk's %s lists %v", name, got)
		}
	}
	for name, ctx := range map[string]context.Context{"officer": velsenOfficer(), "chair": velsenChair(), "member": velsenMember()} {
		if f.visible(t, ctx, id) {
			t.Errorf("Velsen's %s sees Beverwijk's local process", name)
		}
		if got := f.listed(t, ctx, &councilsv1.ListProcessesRequest{}); len(got) != 0 {
			t.Errorf("Velsen's %s lists %v", name, got)
		}
		if got := f.listed(t, ctx, &councilsv1.ListProcessesRequest{Tenant: "GM0375"}); len(got) != 0 {
			t.Errorf("Velsen's %s lists %v by asking for Beverwijk", name, got)
		}
		if _, err := f.move(ctx, id, councilsv1.Phase_PHASE_CONCRETISE, "even kijken"); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("Velsen's %s moving Beverwijk's process gave %v, want not found", name, err)
		}
	}
	if _, err := f.move(beverwijkOfficer(), id, councilsv1.Phase_PHASE_ANALYSE, ""); errs.CodeOf(err) != errs.PermissionDenied {
		t.Errorf("a policy officer moving the council's process gave %v, want permission denied", err)
	}

	// The same, shared by the region: Velsen and Beverwijk take part.
	reg := f.started(t, beverwijkOfficer(), ijmondCoord(), velsenMember(), solicited("ijmond", "GM0453", "GM0375"))
	for name, ctx := range map[string]context.Context{
		"Beverwijk's member": beverwijkMember(), "Velsen's officer": velsenOfficer(), "Velsen's chair": velsenChair(), "the coordinator": ijmondCoord(),
	} {
		if !f.visible(t, ctx, reg.GetId()) {
			t.Errorf("%s cannot see the regional process", name)
		}
	}
	if got := f.listed(t, velsenMember(), &councilsv1.ListProcessesRequest{}); !cmp.Equal([]string{reg.GetId()}, got) {
		t.Errorf("Velsen lists %v, want only the regional process", got)
	}
	if got := f.listed(t, beverwijkChair(), &councilsv1.ListProcessesRequest{Tenant: "GM0375"}); !cmp.Equal([]string{reg.GetId(), id}, got) {
		t.Errorf("Beverwijk's processes are %v, want the regional and its own", got)
	}
	if got := f.listed(t, ijmondCoord(), &councilsv1.ListProcessesRequest{}); !cmp.Equal([]string{reg.GetId()}, got) {
		t.Errorf("the coordinator lists %v, want the regional process", got)
	}
	for name, ctx := range map[string]context.Context{"member": heemskerkMember(), "chair": heemskerkChair()} {
		if f.visible(t, ctx, reg.GetId()) {
			t.Errorf("Heemskerk's %s sees a regional process Heemskerk does not take part in", name)
		}
		if got := f.listed(t, ctx, &councilsv1.ListProcessesRequest{Tenant: "ijmond"}); len(got) != 0 {
			t.Errorf("Heemskerk's %s lists %v", name, got)
		}
	}

	want := []string{
		"question.raised", "question.accepted", "process.created",
		"process.phase_changed", "process.phase_changed", "process.phase_changed",
		"question.raised", "question.accepted", "process.created",
	}
	var got []string
	for _, typ := range f.outboxTypes(t) {
		if strings.HasPrefix(typ, "question.") || strings.HasPrefix(typ, "process.") {
			got = append(got, typ)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("announced (-want +got):\n%s", diff)
	}
}

func TestTransitionProcessGuardsEveryGate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.started(t, beverwijkOfficer(), beverwijkChair(), beverwijkMember(), solicited("GM0375"))
	id := p.GetId()
	steps := []struct {
		name      string
		update    *councilsv1.Process // set before moving, if any
		to        councilsv1.Phase
		reason    string
		wantCode  errs.Code
		wantPaths []string
		wantPhase councilsv1.Phase
	}{
		{name: "skipping a phase", to: councilsv1.Phase_PHASE_CHOOSE_FORMS,
			wantCode: errs.FailedPrecondition, wantPaths: []string{"/toPhase"}, wantPhase: councilsv1.Phase_PHASE_INTAKE},
		{name: "no phase", to: councilsv1.Phase_PHASE_UNSPECIFIED,
			wantCode: errs.Invalid, wantPaths: []string{"/toPhase"}, wantPhase: councilsv1.Phase_PHASE_INTAKE},
		{name: "to concretise", to: councilsv1.Phase_PHASE_CONCRETISE, wantPhase: councilsv1.Phase_PHASE_CONCRETISE},
		{name: "choose forms without the precise question, approach and target group", to: councilsv1.Phase_PHASE_CHOOSE_FORMS,
			wantCode: errs.FailedPrecondition, wantPaths: []string{"/preciseQuestion", "/approach", "/targetGroup"}, wantPhase: councilsv1.Phase_PHASE_CONCRETISE},
		{name: "choose forms once concretised", update: plan(), to: councilsv1.Phase_PHASE_CHOOSE_FORMS, wantPhase: councilsv1.Phase_PHASE_CHOOSE_FORMS},
		{name: "execute without a form", to: councilsv1.Phase_PHASE_EXECUTE,
			wantCode: errs.FailedPrecondition, wantPaths: []string{"/forms"}, wantPhase: councilsv1.Phase_PHASE_CHOOSE_FORMS},
		{name: "execute with a form", update: plan(councilsv1.FormKind_FORM_KIND_MIRROR_CONVERSATION), to: councilsv1.Phase_PHASE_EXECUTE,
			wantPhase: councilsv1.Phase_PHASE_EXECUTE},
		{name: "analyse without input", to: councilsv1.Phase_PHASE_ANALYSE,
			wantCode: errs.FailedPrecondition, wantPaths: []string{"/executedForms"}, wantPhase: councilsv1.Phase_PHASE_EXECUTE},
		{name: "back without a reason", to: councilsv1.Phase_PHASE_CONCRETISE,
			wantCode: errs.Invalid, wantPaths: []string{"/reason"}, wantPhase: councilsv1.Phase_PHASE_EXECUTE},
		{name: "back with a reason", to: councilsv1.Phase_PHASE_CHOOSE_FORMS, reason: "ook een flitspeiling",
			wantPhase: councilsv1.Phase_PHASE_CHOOSE_FORMS},
	}
	for _, st := range steps {
		if st.update != nil {
			if _, err := f.srv.UpdateProcess(beverwijkMember(), &councilsv1.UpdateProcessRequest{Id: id, Process: st.update}); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
		}
		before := f.count(t, `SELECT count(*) FROM transitions`)
		_, err := f.move(beverwijkChair(), id, st.to, st.reason)
		code, paths := agendaProblem(err)
		if code != st.wantCode {
			t.Fatalf("%s: error %v, want code %q", st.name, err, st.wantCode)
		}
		if diff := cmp.Diff(st.wantPaths, paths); diff != "" {
			t.Errorf("%s: fields (-want +got):\n%s", st.name, diff)
		}
		got, gerr := f.srv.GetProcess(beverwijkChair(), &councilsv1.GetProcessRequest{Id: id})
		if gerr != nil {
			t.Fatal(gerr)
		}
		if got.GetPhase() != st.wantPhase {
			t.Errorf("%s: phase %s, want %s", st.name, got.GetPhase(), st.wantPhase)
		}
		if after := f.count(t, `SELECT count(*) FROM transitions`); (err == nil) != (after == before+1) {
			t.Errorf("%s: %d transitions before, %d after", st.name, before, after)
		}
	}
	resp, err := f.srv.ListTransitions(beverwijkOfficer(), &councilsv1.ListTransitionsRequest{Id: id})
	if err != nil {
		t.Fatal(err)
	}
	var timeline []string
	for _, tr := range resp.GetTransitions() {
		timeline = append(timeline, tr.GetFromPhase().String()+">"+tr.GetToPhase().String()+" "+tr.GetActor()+" "+tr.GetReason())
	}
	want := []string{
		"PHASE_INTAKE>PHASE_CONCRETISE chair-bev ",
		"PHASE_CONCRETISE>PHASE_CHOOSE_FORMS chair-bev ",
		"PHASE_CHOOSE_FORMS>PHASE_EXECUTE chair-bev ",
		"PHASE_EXECUTE>PHASE_CHOOSE_FORMS chair-bev ook een flitspeiling",
	}
	if diff := cmp.Diff(want, timeline); diff != "" {
		t.Errorf("timeline (-want +got):\n%s", diff)
	}
}

func TestResultsEventsCompleteTheProcessOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.executing(t)
	id := p.GetId()
	if _, err := f.srv.RecordFieldActivity(beverwijkMember(), &councilsv1.RecordFieldActivityRequest{Id: id, FieldActivity: &councilsv1.FieldActivity{
		Form: councilsv1.FormKind_FORM_KIND_VISIT, Date: today(), Place: "Voedselbank Beverwijk", ResidentsReached: 17,
	}}); err != nil {
		t.Fatal(err)
	}
	f.mustMove(t, beverwijkMember(), id, councilsv1.Phase_PHASE_ANALYSE, councilsv1.Phase_PHASE_ADVISE)
	if _, err := f.move(beverwijkChair(), id, councilsv1.Phase_PHASE_FEEDBACK, ""); errs.CodeOf(err) != errs.FailedPrecondition {
		t.Errorf("feedback before the advice was sent gave %v, want a failed precondition", err)
	}

	sent := consumed(t, "GM0375", &eventsv1.AdviceSent{AdviceId: uuid.NewString(), ProcessId: id, Recommendations: 4})
	f.deliver(t, sent)
	f.deliver(t, sent) // redelivered: the same event id
	got, err := f.srv.GetProcess(beverwijkChair(), &councilsv1.GetProcessRequest{Id: id})
	if err != nil {
		t.Fatal(err)
	}
	if got.GetPhase() != councilsv1.Phase_PHASE_FEEDBACK || got.GetAdviceSentTime() == nil {
		t.Fatalf("after the advice was sent: phase %s, sent at %v; want feedback", got.GetPhase(), got.GetAdviceSentTime())
	}
	if n := f.count(t, `SELECT count(*) FROM transitions WHERE process_id = $1 AND to_phase = 'feedback' AND actor = 'system'`, id); n != 1 {
		t.Errorf("%d moves to feedback, want 1", n)
	}
	if n := f.count(t, `SELECT count(*) FROM outbox WHERE subject LIKE '%.process.phase_changed' AND convert_from(data, 'UTF8')::jsonb->>'toPhase' = 'feedback'`); n != 1 {
		t.Errorf("%d moves to feedback announced, want 1", n)
	}

	published := consumed(t, "GM0375", &eventsv1.ReportPublished{ReportId: uuid.NewString(), ProcessId: id})
	f.deliver(t, published)
	f.deliver(t, published)
	got, err = f.srv.GetProcess(beverwijkChair(), &councilsv1.GetProcessRequest{Id: id})
	if err != nil {
		t.Fatal(err)
	}
	if got.GetPhase() != councilsv1.Phase_PHASE_CLOSED || len(got.GetNextGateUnmet()) != 0 {
		t.Errorf("after the report was published: phase %s, still needing %v; want closed", got.GetPhase(), got.GetNextGateUnmet())
	}
	if n := f.count(t, `SELECT count(*) FROM outbox WHERE subject = 'meedoen.councils.GM0375.process.closed' AND ce_subject = $1`, id); n != 1 {
		t.Errorf("%d closings announced, want 1", n)
	}
	if _, err := f.move(beverwijkChair(), id, councilsv1.Phase_PHASE_FEEDBACK, "nog een reactie"); errs.CodeOf(err) != errs.FailedPrecondition {
		t.Errorf("moving out of closed gave %v, want a failed precondition", err)
	}
}

func TestStartProcessOnlyForAcceptedQuestionsOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	open := f.raised(t, beverwijkOfficer(), solicited("GM0375")).GetId()
	accepted := f.accepted(t, beverwijkOfficer(), beverwijkChair(), solicited("GM0375")).GetId()
	tests := []struct {
		name     string
		ctx      context.Context
		question string
		wantCode errs.Code
	}{
		{name: "no question", ctx: beverwijkMember(), wantCode: errs.Invalid},
		{name: "an open question", ctx: beverwijkMember(), question: open, wantCode: errs.FailedPrecondition},
		{name: "by a policy officer", ctx: beverwijkOfficer(), question: accepted, wantCode: errs.PermissionDenied},
		// A question named in the body that the caller may not see is
		// refused as one that does not exist: invalid input.
		{name: "by Velsen", ctx: velsenMember(), question: accepted, wantCode: errs.Invalid},
		{name: "a question that does not exist", ctx: beverwijkMember(), question: "0190f0e0-0000-7000-8000-000000000000", wantCode: errs.Invalid},
		{name: "by Beverwijk's council", ctx: beverwijkMember(), question: accepted},
		{name: "again", ctx: beverwijkChair(), question: accepted, wantCode: errs.Conflict},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := f.srv.StartProcess(tc.ctx, &councilsv1.StartProcessRequest{QuestionId: tc.question})
			if code, _ := agendaProblem(err); code != tc.wantCode {
				t.Fatalf("error %v, want code %q", err, tc.wantCode)
			}
			if err == nil && p.GetQuestionId() != accepted {
				t.Errorf("process for %s, want %s", p.GetQuestionId(), accepted)
			}
		})
	}
	if n := f.count(t, `SELECT count(*) FROM processes`); n != 1 {
		t.Errorf("%d processes, want 1", n)
	}
	q, err := f.srv.GetQuestion(beverwijkOfficer(), &councilsv1.GetQuestionRequest{Id: accepted})
	if err != nil {
		t.Fatal(err)
	}
	if q.GetProcessId() == "" {
		t.Error("the question does not link to its process")
	}
}

func TestUpdateProcessNamesEveryBadFieldAndStoresNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.started(t, beverwijkOfficer(), beverwijkChair(), beverwijkMember(), solicited("GM0375"))
	bad := plan(councilsv1.FormKind_FORM_KIND_VISIT, councilsv1.FormKind_FORM_KIND_UNSPECIFIED, 42)
	bad.Approach = strings.Repeat("x", 4001)
	_, err := f.srv.UpdateProcess(beverwijkMember(), &councilsv1.UpdateProcessRequest{Id: p.GetId(), Process: bad})
	code, paths := agendaProblem(err)
	if code != errs.Invalid || !cmp.Equal([]string{"/approach", "/forms/1", "/forms/2"}, paths) {
		t.Errorf("error %v, want invalid /approach, /forms/1 and /forms/2", err)
	}
	got, err := f.srv.GetProcess(beverwijkMember(), &councilsv1.GetProcessRequest{Id: p.GetId()})
	if err != nil {
		t.Fatal(err)
	}
	if got.GetPreciseQuestion() != "" || len(got.GetForms()) != 0 {
		t.Errorf("a refused update was stored: %v", got)
	}
	if _, err := f.srv.UpdateProcess(velsenMember(), &councilsv1.UpdateProcessRequest{Id: p.GetId(), Process: plan()}); errs.CodeOf(err) != errs.NotFound {
		t.Errorf("Velsen updating Beverwijk's process gave %v, want not found", err)
	}
}

func TestRecordFieldActivityCountsInputAndResidents(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	local := f.executing(t).GetId()
	regional := f.started(t, beverwijkOfficer(), ijmondCoord(), ijmondCoord(), solicited("ijmond", "GM0375", "GM0453")).GetId()
	tomorrow := time.Now().AddDate(0, 0, 2).Format(time.DateOnly)
	visit := func(change func(a *councilsv1.FieldActivity)) *councilsv1.FieldActivity {
		a := &councilsv1.FieldActivity{Form: councilsv1.FormKind_FORM_KIND_VISIT, Date: today(), Place: "Schilderclub De Kwast", ResidentsReached: 9, Notes: "Vervoer is het grootste probleem"}
		change(a)
		return a
	}
	tests := []struct {
		name      string
		ctx       context.Context
		process   string
		activity  *councilsv1.FieldActivity
		wantCode  errs.Code
		wantPaths []string
		wantPlace string
	}{
		{name: "a visit in Beverwijk", ctx: beverwijkMember(), process: local, activity: visit(func(*councilsv1.FieldActivity) {}), wantPlace: "GM0375"},
		{name: "every problem at once", ctx: beverwijkMember(), process: local, activity: &councilsv1.FieldActivity{
			Date: tomorrow, ResidentsReached: -3, MunicipalityCode: "GM0453", Notes: strings.Repeat("x", 4001)},
			wantCode: errs.Invalid, wantPaths: []string{"/form", "/date", "/place", "/residentsReached", "/notes", "/municipalityCode"}},
		{name: "regional, in Velsen", ctx: velsenMember(), process: regional,
			activity: visit(func(a *councilsv1.FieldActivity) { a.MunicipalityCode = "GM0453" }), wantPlace: "GM0453"},
		{name: "regional, without saying where", ctx: velsenMember(), process: regional, activity: visit(func(*councilsv1.FieldActivity) {}),
			wantCode: errs.Invalid, wantPaths: []string{"/municipalityCode"}},
		{name: "regional, in Heemskerk", ctx: velsenMember(), process: regional,
			activity: visit(func(a *councilsv1.FieldActivity) { a.MunicipalityCode = "GM0396" }),
			wantCode: errs.Invalid, wantPaths: []string{"/municipalityCode"}},
		{name: "by a policy officer", ctx: beverwijkOfficer(), process: local, activity: visit(func(*councilsv1.FieldActivity) {}),
			wantCode: errs.PermissionDenied},
		{name: "by Heemskerk", ctx: heemskerkMember(), process: regional, activity: visit(func(*councilsv1.FieldActivity) {}),
			wantCode: errs.NotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := f.count(t, `SELECT count(*) FROM field_activities`)
			a, err := f.srv.RecordFieldActivity(tc.ctx, &councilsv1.RecordFieldActivityRequest{Id: tc.process, FieldActivity: tc.activity})
			code, paths := agendaProblem(err)
			if code != tc.wantCode {
				t.Fatalf("error %v, want code %q", err, tc.wantCode)
			}
			if diff := cmp.Diff(tc.wantPaths, paths); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			after := f.count(t, `SELECT count(*) FROM field_activities`)
			if err != nil {
				if after != before {
					t.Error("a refused activity was stored")
				}
				return
			}
			if a.GetMunicipalityCode() != tc.wantPlace || a.GetId() == "" || a.GetProcessId() != tc.process {
				t.Errorf("recorded %v, want it in %s", a, tc.wantPlace)
			}
		})
	}
	p, err := f.srv.GetProcess(beverwijkChair(), &councilsv1.GetProcessRequest{Id: local})
	if err != nil {
		t.Fatal(err)
	}
	if p.GetResidentsReached() != 9 || !cmp.Equal([]councilsv1.FormKind{councilsv1.FormKind_FORM_KIND_VISIT}, p.GetExecutedForms()) || len(p.GetNextGateUnmet()) != 0 {
		t.Errorf("after the visit: %d reached, executed %v, still needing %v", p.GetResidentsReached(), p.GetExecutedForms(), p.GetNextGateUnmet())
	}
	list, err := f.srv.ListFieldActivities(ijmondCoord(), &councilsv1.ListFieldActivitiesRequest{Id: regional})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.GetFieldActivities()) != 1 || list.GetFieldActivities()[0].GetNotes() != "Vervoer is het grootste probleem" {
		t.Errorf("regional activities %v", list.GetFieldActivities())
	}
	if _, err := f.srv.ListFieldActivities(heemskerkChair(), &councilsv1.ListFieldActivitiesRequest{Id: regional}); errs.CodeOf(err) != errs.NotFound {
		t.Errorf("Heemskerk listing the regional activities gave %v, want not found", err)
	}
	if n := f.count(t, `SELECT count(*) FROM outbox WHERE subject LIKE '%.field_activity.recorded'`); n != 2 {
		t.Errorf("%d activities announced, want 2", n)
	}
	var data string
	if err := f.pool.QueryRow(context.Background(), `SELECT convert_from(data, 'UTF8') FROM outbox WHERE subject = 'meedoen.councils.ijmond.field_activity.recorded'`).Scan(&data); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(data, "Schilderclub") || strings.Contains(data, "Vervoer") {
		t.Errorf("the event carries what was said or where: %s", data)
	}
}

func TestDeclareInterestForMembersOfACouncilTakingPart(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	p := f.started(t, beverwijkOfficer(), ijmondCoord(), ijmondCoord(), solicited("ijmond", "GM0375", "GM0453")).GetId()
	// member puts someone on the roster of code, with the login subject.
	member := func(code, subject string) string {
		id := uuid.NewString()
		if _, err := f.pool.Exec(context.Background(), `INSERT INTO members (id, municipality_code, name, role, term_start, subject, created_at, updated_at)
VALUES ($1, $2, 'Lid', 'member', '2024-01-01', $3, now(), now())`, id, code, subject); err != nil {
			t.Fatal(err)
		}
		return id
	}
	velsen, velsenChairs, heemskerk := member("GM0453", "cm-vel"), member("GM0453", "chair-vel"), member("GM0396", "cm-hee")
	withoutLogin := member("GM0453", "")
	tests := []struct {
		name      string
		ctx       context.Context
		d         *councilsv1.Declaration
		wantCode  errs.Code
		wantPaths []string
	}{
		{name: "a Velsen member for themselves", ctx: velsenMember(), d: &councilsv1.Declaration{MemberId: velsen, Statement: "Werkt bij de thuiszorg"}},
		{name: "the Velsen chair for themselves", ctx: velsenChair(), d: &councilsv1.Declaration{MemberId: velsenChairs, Statement: "Bestuurslid van de voedselbank"}},
		{name: "the Velsen chair for a member", ctx: velsenChair(), d: &councilsv1.Declaration{MemberId: velsen, Statement: "Werkt bij de thuiszorg"},
			wantCode: errs.PermissionDenied},
		{name: "a Velsen member for a member without a login", ctx: velsenMember(), d: &councilsv1.Declaration{MemberId: withoutLogin, Statement: "x"},
			wantCode: errs.PermissionDenied},
		{name: "a Heemskerk member", ctx: velsenChair(), d: &councilsv1.Declaration{MemberId: heemskerk, Statement: "Werkt bij de thuiszorg"},
			wantCode: errs.Invalid, wantPaths: []string{"/memberId"}},
		{name: "nobody, nothing", ctx: velsenChair(), d: &councilsv1.Declaration{MemberId: uuid.NewString()},
			wantCode: errs.Invalid, wantPaths: []string{"/memberId", "/statement"}},
		{name: "by Heemskerk", ctx: heemskerkChair(), d: &councilsv1.Declaration{MemberId: heemskerk, Statement: "x"}, wantCode: errs.NotFound},
		{name: "by an officer", ctx: velsenOfficer(), d: &councilsv1.Declaration{MemberId: velsen, Statement: "x"}, wantCode: errs.PermissionDenied},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := f.count(t, `SELECT count(*) FROM declarations`)
			_, err := f.srv.DeclareInterest(tc.ctx, &councilsv1.DeclareInterestRequest{Id: p, Declaration: tc.d})
			code, paths := agendaProblem(err)
			if code != tc.wantCode {
				t.Fatalf("error %v, want code %q", err, tc.wantCode)
			}
			if diff := cmp.Diff(tc.wantPaths, paths); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
			if after := f.count(t, `SELECT count(*) FROM declarations`); err != nil && after != before {
				t.Error("a refused declaration was stored")
			}
		})
	}
	list, err := f.srv.ListDeclarations(beverwijkOfficer(), &councilsv1.ListDeclarationsRequest{Id: p})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range list.GetDeclarations() {
		got = append(got, d.GetMemberId())
	}
	if diff := cmp.Diff([]string{velsen, velsenChairs}, got); diff != "" {
		t.Errorf("declarations (-want +got):\n%s", diff)
	}
	if _, err := f.srv.ListDeclarations(heemskerkMember(), &councilsv1.ListDeclarationsRequest{Id: p}); errs.CodeOf(err) != errs.NotFound {
		t.Errorf("Heemskerk listing declarations gave %v, want not found", err)
	}
}

func TestListProcessesFiltersAndPages(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a := f.executing(t).GetId()
	b := f.started(t, beverwijkOfficer(), beverwijkChair(), beverwijkMember(), solicited("GM0375")).GetId()
	f.takeUnsolicited(t, "GM0375")
	c := f.started(t, beverwijkMember(), beverwijkChair(), beverwijkMember(), unsolicited("GM0375")).GetId()
	tests := []struct {
		name      string
		req       *councilsv1.ListProcessesRequest
		want      []string
		wantCode  errs.Code
		wantPaths []string
	}{
		{name: "all", req: &councilsv1.ListProcessesRequest{}, want: []string{c, b, a}},
		{name: "in execute", req: &councilsv1.ListProcessesRequest{Phase: councilsv1.Phase_PHASE_EXECUTE}, want: []string{a}},
		{name: "unsolicited", req: &councilsv1.ListProcessesRequest{Origin: councilsv1.Origin_ORIGIN_UNSOLICITED}, want: []string{c}},
		{name: "by theme", req: &councilsv1.ListProcessesRequest{Theme: "mantelzorg"}, want: []string{b, a}},
		{name: "an undefined phase", req: &councilsv1.ListProcessesRequest{Phase: 12}, wantCode: errs.Invalid},
		{name: "a made-up cursor", req: &councilsv1.ListProcessesRequest{Cursor: "eA"}, wantCode: errs.Invalid},
		{name: "every bad parameter at once", req: &councilsv1.ListProcessesRequest{Limit: -1, Origin: 7, Phase: 12},
			wantCode: errs.Invalid, wantPaths: []string{"limit", "origin", "phase"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := f.srv.ListProcesses(beverwijkMember(), tc.req)
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
			for _, p := range resp.GetProcesses() {
				got = append(got, p.GetId())
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("processes (-want +got):\n%s", diff)
			}
		})
	}
	var got []string
	req := &councilsv1.ListProcessesRequest{Limit: 2}
	for range 5 {
		resp, err := f.srv.ListProcesses(beverwijkMember(), req)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range resp.GetProcesses() {
			got = append(got, p.GetId())
		}
		if req.Cursor = resp.GetNextCursor(); req.Cursor == "" {
			break
		}
	}
	if diff := cmp.Diff([]string{c, b, a}, got); diff != "" {
		t.Errorf("pages (-want +got):\n%s", diff)
	}
}
