package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/testkit"
	"github.com/meedoen/meedoen/services/councils/internal/agenda"
	"github.com/meedoen/meedoen/services/councils/internal/process"
	"github.com/meedoen/meedoen/services/councils/internal/store"
)

// started raises and accepts a question for tenant and starts its process.
func (f agendaFixture) started(t *testing.T, tenant string, participants ...string) process.Process {
	t.Helper()
	ctx := context.Background()
	qid := f.raise(t, agenda.Solicited, "mantelzorg", tenant, participants...)
	if _, err := f.st.UpdateQuestion(ctx, qid, func(q agenda.Question) (agenda.Question, []events.Event, error) {
		return q, nil, q.Decide(true, "", "chair-1", time.Now())
	}); err != nil {
		t.Fatal(err)
	}
	p, err := f.st.StartProcess(ctx, qid, func(q agenda.Question) (process.Process, []events.Event, error) {
		p, err := process.Start(q, "cm-1", time.Now())
		return p, nil, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// change applies fn to the stored process with id.
func (f agendaFixture) change(id string, fn func(p *process.Process) error) (process.Process, error) {
	return f.st.UpdateProcess(context.Background(), id, func(p process.Process) (process.Process, []events.Event, error) {
		return p, nil, fn(&p)
	})
}

func TestStartProcessOnceForAnAcceptedQuestion(t *testing.T) {
	t.Parallel()
	f := newAgendaStore(t)
	ctx := context.Background()
	p := f.started(t, "ijmond", "GM0375", "GM0453")

	got, err := f.st.Process(ctx, p.ID())
	if err != nil {
		t.Fatal(err)
	}
	if got.Phase() != process.Intake || got.QuestionID() != p.QuestionID() || !got.Scope().Regional() || got.Title() != "Vraag van ijmond" {
		t.Errorf("stored process %+v, want a regional process in intake for its question", got)
	}
	q, err := f.st.Question(ctx, p.QuestionID())
	if err != nil {
		t.Fatal(err)
	}
	if q.ProcessID() != p.ID() {
		t.Errorf("question links to process %q, want %q", q.ProcessID(), p.ID())
	}
	_, err = f.st.StartProcess(ctx, p.QuestionID(), func(q agenda.Question) (process.Process, []events.Event, error) {
		p, err := process.Start(q, "cm-2", time.Now())
		return p, nil, err
	})
	if codeOf(err) != errs.Conflict {
		t.Errorf("a second start gave %v, want a conflict", err)
	}
	if n := f.count(t, `SELECT count(*) FROM processes`); n != 1 {
		t.Errorf("%d processes stored, want 1", n)
	}
}

func TestUpdateProcessStoresPlanTransitionsAndTheirEvents(t *testing.T) {
	t.Parallel()
	f := newAgendaStore(t)
	ctx := context.Background()
	p := f.started(t, "GM0375")
	now := time.Now()

	steps := []func(p *process.Process) error{
		func(p *process.Process) error { return p.MoveTo(process.Concretise, "", "cm-1", now) },
		func(p *process.Process) error {
			return p.SetPlan(process.Plan{PreciseQuestion: "Wat mist u?", Approach: "Gesprekken", TargetGroup: "Mantelzorgers",
				Forms: []process.FormKind{process.Visit, process.FlashPoll}}, now)
		},
		func(p *process.Process) error { return p.MoveTo(process.ChooseForms, "", "cm-1", now) },
		func(p *process.Process) error {
			return p.SetPlan(process.Plan{PreciseQuestion: "Wat mist u?", Approach: "Gesprekken", TargetGroup: "Mantelzorgers",
				Forms: []process.FormKind{process.Visit, process.FocusGroup}}, now)
		},
		func(p *process.Process) error { return p.MoveTo(process.Execute, "", "cm-1", now) },
		func(p *process.Process) error {
			return p.MoveTo(process.Concretise, "doelgroep te breed", "chair-1", now)
		},
	}
	for i, step := range steps {
		if _, err := f.change(p.ID(), step); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	// A refused move stores nothing.
	if _, err := f.change(p.ID(), func(p *process.Process) error { return p.MoveTo(process.Execute, "", "cm-1", now) }); codeOf(err) != errs.FailedPrecondition {
		t.Fatalf("skipping a phase gave %v, want a failed precondition", err)
	}

	got, err := f.st.Process(ctx, p.ID())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]process.FormKind{process.FocusGroup, process.Visit}, got.Forms()); diff != "" {
		t.Errorf("forms (-want +got):\n%s", diff)
	}
	if got.Phase() != process.Concretise || got.Approach() != "Gesprekken" {
		t.Errorf("stored process in %s with approach %q", got.Phase(), got.Approach())
	}
	ts, err := f.st.Transitions(ctx, p.ID())
	if err != nil {
		t.Fatal(err)
	}
	type move struct{ From, To, Reason, Actor string }
	var moves []move
	for _, tr := range ts {
		moves = append(moves, move{string(tr.From), string(tr.To), tr.Reason, tr.Actor})
	}
	want := []move{
		{"intake", "concretise", "", "cm-1"},
		{"concretise", "choose_forms", "", "cm-1"},
		{"choose_forms", "execute", "", "cm-1"},
		{"execute", "concretise", "doelgroep te breed", "chair-1"},
	}
	if diff := cmp.Diff(want, moves); diff != "" {
		t.Errorf("transitions (-want +got):\n%s", diff)
	}
	if n := f.count(t, `SELECT count(*) FROM outbox WHERE subject = 'meedoen.councils.GM0375.process.phase_changed' AND ce_subject = $1`, p.ID()); n != 4 {
		t.Errorf("%d phase changes announced, want 4", n)
	}
}

func TestTransitionsOfOneProcessSerialise(t *testing.T) {
	t.Parallel()
	f := newAgendaStore(t)
	p := f.started(t, "GM0375")

	// Two members press "to concretise" at once: one moves it, the other
	// finds it already there.
	var wg sync.WaitGroup
	results := make([]error, 2)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, results[i] = f.change(p.ID(), func(p *process.Process) error { return p.MoveTo(process.Concretise, "", "cm-1", time.Now()) })
		}()
	}
	wg.Wait()
	var codes []errs.Code
	for _, err := range results {
		codes = append(codes, codeOf(err))
	}
	if !(codes[0] == "" && codes[1] == errs.FailedPrecondition) && !(codes[1] == "" && codes[0] == errs.FailedPrecondition) {
		t.Errorf("concurrent moves ended %v (%v), want one success and one failed precondition", codes, results)
	}
	if n := f.count(t, `SELECT count(*) FROM transitions`); n != 1 {
		t.Errorf("%d transitions stored, want 1", n)
	}
	if n := f.count(t, `SELECT count(*) FROM outbox WHERE subject LIKE '%.process.phase_changed'`); n != 1 {
		t.Errorf("%d phase changes announced, want 1", n)
	}
}

func TestFieldActivitiesCountAsInputAndAreAnnounced(t *testing.T) {
	t.Parallel()
	f := newAgendaStore(t)
	ctx := context.Background()
	p := f.started(t, "ijmond", "GM0375", "GM0453")
	for _, d := range []process.ActivityDraft{
		{Form: process.Visit, Date: "2025-03-07", Place: "Voedselbank IJmuiden", MunicipalityCode: "GM0453", ResidentsReached: 12},
		{Form: process.NeighbourhoodShop, Date: "2025-03-03", Place: "Wijkwinkel Oosterwijk", MunicipalityCode: "GM0375", ResidentsReached: 30, Notes: "Veel zorgen over vervoer"},
	} {
		if _, err := f.change(p.ID(), func(p *process.Process) error {
			a, err := process.NewFieldActivity(*p, d, "cm-1", storeToday, time.Now())
			if err != nil {
				return err
			}
			return p.RecordFieldActivity(a)
		}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := f.st.Process(ctx, p.ID())
	if err != nil {
		t.Fatal(err)
	}
	if got.ResidentsReached() != 42 {
		t.Errorf("residents reached %d, want 42", got.ResidentsReached())
	}
	if diff := cmp.Diff([]process.FormKind{process.NeighbourhoodShop, process.Visit}, got.ExecutedForms()); diff != "" {
		t.Errorf("executed forms (-want +got):\n%s", diff)
	}
	list, err := f.st.FieldActivities(ctx, p.ID())
	if err != nil {
		t.Fatal(err)
	}
	var places []string
	for _, a := range list {
		places = append(places, a.Day().String()+" "+a.Place()+" "+a.MunicipalityCode())
	}
	if diff := cmp.Diff([]string{"2025-03-03 Wijkwinkel Oosterwijk GM0375", "2025-03-07 Voedselbank IJmuiden GM0453"}, places); diff != "" {
		t.Errorf("field activities by day (-want +got):\n%s", diff)
	}
	if n := f.count(t, `SELECT count(*) FROM outbox WHERE subject = 'meedoen.councils.ijmond.field_activity.recorded'`); n != 2 {
		t.Errorf("%d field activities announced, want 2", n)
	}
}

func TestApplyToProcessCountsEachSourceOnce(t *testing.T) {
	t.Parallel()
	f := newAgendaStore(t)
	ctx := context.Background()
	p := f.started(t, "GM0375")
	if _, err := f.pool.Exec(ctx, `UPDATE processes SET phase = 'advise' WHERE id = $1`, p.ID()); err != nil {
		t.Fatal(err)
	}
	apply := func(processID, source string, fn func(*process.Process) error) (bool, error) {
		var applied bool
		tx, err := f.pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		applied, err = store.ApplyToProcess(ctx, tx, processID, source, fn)
		if err != nil {
			return applied, err
		}
		return applied, tx.Commit(ctx)
	}
	sent := func(p *process.Process) error { return p.MarkAdviceSent("ev-1", time.Now(), time.Now()) }
	poll := func(p *process.Process) error {
		return p.RecordInput("ev-2", process.FlashPoll, time.Now(), time.Now())
	}

	tests := []struct {
		name        string
		processID   string
		source      string
		fn          func(*process.Process) error
		wantApplied bool
		wantCode    errs.Code
	}{
		{name: "advice sent", processID: p.ID(), source: "ev-1", fn: sent, wantApplied: true},
		{name: "advice sent, redelivered", processID: p.ID(), source: "ev-1", fn: sent},
		{name: "a poll closed", processID: p.ID(), source: "ev-2", fn: poll, wantApplied: true},
		{name: "a poll closed, redelivered", processID: p.ID(), source: "ev-2", fn: poll},
		{name: "an unknown process", processID: uuid.Must(uuid.NewV7()).String(), source: "ev-3", fn: poll, wantCode: errs.NotFound},
		{name: "not a process id", processID: "poll-123", source: "ev-4", fn: poll, wantCode: errs.NotFound},
	}
	for _, tc := range tests {
		applied, err := apply(tc.processID, tc.source, tc.fn)
		if codeOf(err) != tc.wantCode || applied != tc.wantApplied {
			t.Errorf("%s: applied %v with %v, want %v with code %q", tc.name, applied, err, tc.wantApplied, tc.wantCode)
		}
	}
	got, err := f.st.Process(ctx, p.ID())
	if err != nil {
		t.Fatal(err)
	}
	if got.Phase() != process.Feedback || got.AdviceSentAt().IsZero() {
		t.Errorf("process in %s with advice sent at %v, want feedback", got.Phase(), got.AdviceSentAt())
	}
	ts, err := f.st.Transitions(ctx, p.ID())
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 1 || ts[0].Actor != process.System || ts[0].To != process.Feedback {
		t.Errorf("transitions %+v, want one move to feedback by the system", ts)
	}
	if n := f.count(t, `SELECT count(*) FROM process_inputs`); n != 1 {
		t.Errorf("%d inputs stored, want 1", n)
	}
}

func TestDeclarationsNeedAnExistingMember(t *testing.T) {
	t.Parallel()
	f := newAgendaStore(t)
	ctx := context.Background()
	p := f.started(t, "GM0375")
	member := uuid.Must(uuid.NewV7()).String()
	if _, err := f.pool.Exec(ctx, `INSERT INTO members (id, municipality_code, name, role, term_start, subject, created_at, updated_at)
VALUES ($1, 'GM0375', 'Anna de Vries', 'member', '2024-01-01', 'cm-anna', now(), now())`, member); err != nil {
		t.Fatal(err)
	}
	// declare records the seat it is shown and declares for it as the
	// seat's council, whatever that is.
	var seen []store.Seat
	declare := func(council string) store.Declaration {
		return func(p process.Process, m store.Seat) (process.Declaration, []events.Event, error) {
			seen = append(seen, m)
			if council == "" {
				council = m.Municipality
			}
			d, err := process.NewDeclaration(p, m.MemberID, council, "Vrijwilliger bij de voedselbank", "sec-1", time.Now())
			return d, nil, err
		}
	}
	if _, err := f.st.Declare(ctx, p.ID(), member, declare("")); err != nil {
		t.Fatal(err)
	}
	for _, unknown := range []string{"", "nobody", uuid.Must(uuid.NewV7()).String()} {
		if _, err := f.st.Declare(ctx, p.ID(), unknown, declare("")); codeOf(err) != errs.Invalid {
			t.Errorf("declaring for unknown member %q: %v, want invalid input", unknown, err)
		}
	}
	// A member who is gone by the time the declaration is stored.
	if _, err := f.st.Declare(ctx, p.ID(), uuid.Must(uuid.NewV7()).String(), declare("GM0375")); codeOf(err) != errs.Invalid {
		t.Errorf("declaring for a member who does not exist gave %v, want invalid input", err)
	}
	if want := (store.Seat{MemberID: member, Municipality: "GM0375", Subject: "cm-anna"}); len(seen) == 0 || seen[0] != want {
		t.Errorf("the declaration saw %+v first, want %+v", seen, want)
	}
	for _, s := range seen[1:4] {
		if s.Municipality != "" || s.Subject != "" {
			t.Errorf("an unknown member was seen as %+v, want no council and no subject", s)
		}
	}
	if _, err := f.st.Declare(ctx, uuid.Must(uuid.NewV7()).String(), member, declare("")); codeOf(err) != errs.NotFound {
		t.Errorf("declaring in an unknown process gave %v, want not found", err)
	}
	list, err := f.st.Declarations(ctx, p.ID())
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].MemberID() != member || list[0].Statement() != "Vrijwilliger bij de voedselbank" {
		t.Errorf("declarations %+v, want the one made", list)
	}
}

func TestProcessesListsOnlyWhatTheCallerMaySee(t *testing.T) {
	t.Parallel()
	f := newAgendaStore(t)
	ctx := context.Background()
	local := f.started(t, "GM0375")
	regional := f.started(t, "ijmond", "GM0375", "GM0453")
	if _, err := f.change(local.ID(), func(p *process.Process) error { return p.MoveTo(process.Concretise, "", "cm-1", time.Now()) }); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		filter store.ProcessFilter
		want   []string
	}{
		{name: "Beverwijk", filter: store.ProcessFilter{Visibility: store.Visibility{Tenants: []string{"GM0375"}}}, want: []string{regional.ID(), local.ID()}},
		{name: "Velsen", filter: store.ProcessFilter{Visibility: store.Visibility{Tenants: []string{"GM0453"}}}, want: []string{regional.ID()}},
		{name: "Heemskerk", filter: store.ProcessFilter{Visibility: store.Visibility{Tenants: []string{"GM0396"}}}},
		{name: "by phase", filter: store.ProcessFilter{Visibility: store.Visibility{All: true}, Phase: process.Concretise}, want: []string{local.ID()}},
		{name: "by region", filter: store.ProcessFilter{Visibility: store.Visibility{All: true}, Tenant: "ijmond"}, want: []string{regional.ID()}},
		{name: "by theme", filter: store.ProcessFilter{Visibility: store.Visibility{All: true}, Theme: "jeugd"}},
		{name: "by origin", filter: store.ProcessFilter{Visibility: store.Visibility{All: true}, Origin: agenda.Solicited}, want: []string{regional.ID(), local.ID()}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			list, _, err := f.st.Processes(ctx, tc.filter, store.Page{Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range list {
				got = append(got, p.ID())
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("processes (-want +got):\n%s", diff)
			}
		})
	}
}

// A change that waited for another's row lock must see what the other
// stored, forms and input included: otherwise it writes back the forms it
// read before and undoes the other's choice.
func TestAChangeThatWaitedSeesTheChangeItWaitedFor(t *testing.T) {
	t.Parallel()
	f := newAgendaStore(t)
	ctx := context.Background()
	p := f.started(t, "GM0375")

	locked, release := make(chan struct{}), make(chan struct{})
	planned := make(chan error, 1)
	go func() {
		_, err := f.change(p.ID(), func(p *process.Process) error {
			close(locked)
			<-release
			return p.SetPlan(process.Plan{PreciseQuestion: "Wat mist u?", Approach: "Gesprekken", TargetGroup: "Mantelzorgers",
				Forms: []process.FormKind{process.Visit}}, time.Now())
		})
		planned <- err
	}()
	<-locked
	moved := make(chan error, 1)
	go func() {
		_, err := f.change(p.ID(), func(p *process.Process) error { return p.MoveTo(process.Concretise, "", "cm-2", time.Now()) })
		moved <- err
	}()
	// The move has started and waits for the plan's lock.
	testkit.CheckFor(t, 10*time.Second, 10*time.Millisecond, func() error {
		if n := f.count(t, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`); n != 1 {
			return fmt.Errorf("%d sessions wait for a lock, want 1", n)
		}
		return nil
	})
	close(release)
	if err := <-planned; err != nil {
		t.Fatal(err)
	}
	if err := <-moved; err != nil {
		t.Fatal(err)
	}

	got, err := f.st.Process(ctx, p.ID())
	if err != nil {
		t.Fatal(err)
	}
	if got.Phase() != process.Concretise || got.PreciseQuestion() != "Wat mist u?" {
		t.Errorf("process in %s with precise question %q, want both changes", got.Phase(), got.PreciseQuestion())
	}
	if diff := cmp.Diff([]process.FormKind{process.Visit}, got.Forms()); diff != "" {
		t.Errorf("forms after both changes (-want +got):\n%s", diff)
	}
}
