package api

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/mailq"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/tenancy"
	"github.com/meedoen/meedoen/internal/testkit"
	pb "github.com/meedoen/meedoen/proto/meedoen/results/v1"
	"github.com/meedoen/meedoen/services/results/internal/evidence"
	"github.com/meedoen/meedoen/services/results/internal/store"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

// The tests' processes: a local one of Heemskerk (GM0396), and one the
// IJmond region shares with Beverwijk (GM0375) and Heemskerk.
const (
	processID       = "01957a3c-2b1e-7c00-8000-000000000396"
	sharedProcessID = "01957a3c-2b1e-7c00-8000-0000000000aa"
)

// fixture is the results APIs on a database of the test's own, called
// in-process: the guard's per-method check is the policy's business;
// these tests exercise what the methods decide themselves. Its clock
// stands at 10 March 2027 unless a test moves it.
type fixture struct {
	srv  Servers
	st   *store.Store
	pool *pgxpool.Pool
	now  time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	url := testkit.NewDatabase(t, testkit.Schema{Name: "results",
		Sets: []pg.MigrationSet{events.Migrations(), tenancy.Migrations(), mailq.Migrations(), store.Migrations()}})
	pool := testkit.NewPool(t, url, "results")
	if _, err := pool.Exec(t.Context(), `INSERT INTO processes (id, tenant, participants, theme, origin, phase) VALUES
($1, 'GM0396', '{}', 'mantelzorg', 'council', 'advise'), ($2, 'ijmond', '{GM0375,GM0396}', 'mantelzorg', 'council', 'advise')`,
		processID, sharedProcessID); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(t.Context(), `INSERT INTO tenant_regions (id, name, event_id) VALUES ('ijmond', 'IJmond', gen_random_uuid());
INSERT INTO tenant_municipalities (code, name, region_id, event_id) VALUES ('GM0375', 'Beverwijk', 'ijmond', gen_random_uuid()),
('GM0396', 'Heemskerk', 'ijmond', gen_random_uuid()), ('GM0453', 'Velsen', 'ijmond', gen_random_uuid())`); err != nil {
		t.Fatal(err)
	}
	f := &fixture{st: store.New(pool), pool: pool, now: time.Date(2027, 3, 10, 10, 0, 0, 0, time.UTC)}
	f.srv = New(f.st, Config{Cells: evidence.MinCells{Default: 5}, PublicURL: "https://meedoen.example",
		Now: func() time.Time { return f.now }})
	return f
}

// as returns a context carrying an identity with grants "<role>@<tenant>".
func as(subject string, grants ...string) context.Context {
	id := auth.Identity{Subject: subject}
	for _, g := range grants {
		gr, err := auth.ParseGrant(g)
		if err != nil {
			panic(err)
		}
		id.Grants = append(id.Grants, gr)
	}
	return auth.WithIdentity(context.Background(), id)
}

var (
	raadslid        = as("raadslid", "council_member@GM0396")
	secretaris      = as("secretaris", "secretary@GM0396")
	ambtenaar       = as("ambtenaar", "policy_officer@GM0396")
	velsenAmbtenaar = as("velsen", "policy_officer@GM0453")
	coordinator     = as("coordinator", "regional_coordinator@ijmond")
	beverwijk       = as("beverwijk", "policy_officer@GM0375")
)

func content(recs ...string) *pb.AdviceContent {
	c := &pb.AdviceContent{Title: "Advies over ondersteuning van mantelzorgers",
		Question: "Wat hebben mantelzorgers nodig om op tijd ondersteuning te vragen?"}
	for _, r := range recs {
		c.Recommendations = append(c.Recommendations, &pb.Recommendation{Text: r})
	}
	return c
}

// drafted is a new advice of process with two recommendations.
func (f *fixture) drafted(t *testing.T, ctx context.Context, process string) *pb.Advice {
	t.Helper()
	a, err := f.srv.Advice.CreateAdvice(ctx, &pb.CreateAdviceRequest{Advice: &pb.Advice{ProcessId: process,
		Content: content("Zet het mantelzorgloket in de huis-aan-huiskrant.", "Bel mantelzorgers een keer per jaar op.")}})
	if err != nil {
		t.Fatalf("creating an advice: %v", err)
	}
	return a
}

// sent is an advice of process drafted, adopted and sent.
func (f *fixture) sent(t *testing.T, process string, decider context.Context) *pb.Advice {
	t.Helper()
	a := f.drafted(t, decider, process)
	if _, err := f.srv.Advice.AdoptAdvice(decider, &pb.AdoptAdviceRequest{Id: a.GetId(), Version: 1}); err != nil {
		t.Fatalf("adopting: %v", err)
	}
	a, err := f.srv.Advice.SendAdvice(decider, &pb.SendAdviceRequest{Id: a.GetId(), Version: 1})
	if err != nil {
		t.Fatalf("sending: %v", err)
	}
	return a
}

func wantCode(t *testing.T, what string, err error, code errs.Code) {
	t.Helper()
	if got := errs.CodeOf(err); got != code {
		t.Errorf("%s: code %v (%v), want %v", what, got, err, code)
	}
}

func TestLifecycle(t *testing.T) {
	f := newFixture(t)
	a := f.drafted(t, raadslid, processID)
	if a.GetStatus() != pb.AdviceStatus_ADVICE_STATUS_DRAFT || a.GetLatestVersion() != 1 || a.GetReference() == "" {
		t.Fatalf("new advice: status %v, version %d, reference %q", a.GetStatus(), a.GetLatestVersion(), a.GetReference())
	}
	v2, err := f.srv.Advice.CreateVersion(raadslid, &pb.CreateVersionRequest{Id: a.GetId(), Version: &pb.Version{BasedOn: 1,
		ChangeNote: "Aanbeveling 2 verduidelijkt.", Content: content("Zet het mantelzorgloket in de huis-aan-huiskrant.",
			"Bel mantelzorgers die dat willen een keer per jaar op.")}})
	if err != nil || v2.GetNumber() != 2 {
		t.Fatalf("version 2: %v, %v", v2, err)
	}
	// A council member drafts; the board adopts and sends.
	_, err = f.srv.Advice.AdoptAdvice(raadslid, &pb.AdoptAdviceRequest{Id: a.GetId(), Version: 2})
	wantCode(t, "a council member adopting", err, errs.PermissionDenied)
	if _, err := f.srv.Advice.AdoptAdvice(secretaris, &pb.AdoptAdviceRequest{Id: a.GetId(), Version: 2}); err != nil {
		t.Fatalf("adopting: %v", err)
	}
	sent, err := f.srv.Advice.SendAdvice(secretaris, &pb.SendAdviceRequest{Id: a.GetId(), Version: 2})
	if err != nil {
		t.Fatalf("sending: %v", err)
	}
	if sent.GetStatus() != pb.AdviceStatus_ADVICE_STATUS_SENT || sent.GetSentVersion() != 2 || sent.GetContentHash() == "" {
		t.Fatalf("sent advice: status %v, sent version %d, hash %q", sent.GetStatus(), sent.GetSentVersion(), sent.GetContentHash())
	}
	if n := f.count(t, `SELECT count(*) FROM outgoing_mail`); n != 0 {
		t.Errorf("%d mails queued without an officers' address, want none", n)
	}

	// The policy officer's inbox.
	list, err := f.srv.Advice.ListResponses(ambtenaar, &pb.ListResponsesRequest{})
	if err != nil || len(list.GetResponses()) != 1 {
		t.Fatalf("inbox: %v, %v", list, err)
	}
	r, err := f.srv.Advice.AcknowledgeResponse(ambtenaar, &pb.AcknowledgeResponseRequest{Id: a.GetId(), MunicipalityCode: "GM0396"})
	if err != nil || r.GetStatus() != pb.ResponseStatus_RESPONSE_STATUS_ACKNOWLEDGED {
		t.Fatalf("acknowledging: %v, %v", r.GetStatus(), err)
	}
	if _, err := f.srv.Advice.AssignResponse(ambtenaar, &pb.AssignResponseRequest{Id: a.GetId(), MunicipalityCode: "GM0396",
		OwnerName: "Sanne Bakker", OwnerEmail: "sanne.bakker@heemskerk.example"}); err != nil {
		t.Fatalf("assigning: %v", err)
	}
	// Anything but adopting a recommendation needs a motivation.
	_, err = f.srv.Advice.RecordResponse(ambtenaar, &pb.RecordResponseRequest{Id: a.GetId(), MunicipalityCode: "GM0396", DecidedOn: "2027-03-20",
		Answers: []*pb.RecommendationAnswer{{Recommendation: 1, Verdict: pb.Verdict_VERDICT_ADOPTED}, {Recommendation: 2, Verdict: pb.Verdict_VERDICT_NOT_ADOPTED}}})
	wantCode(t, "not adopting without a motivation", err, errs.Invalid)
	f.now = time.Date(2027, 3, 22, 9, 0, 0, 0, time.UTC)
	r, err = f.srv.Advice.RecordResponse(ambtenaar, &pb.RecordResponseRequest{Id: a.GetId(), MunicipalityCode: "GM0396", DecidedOn: "2027-03-20",
		Answers: []*pb.RecommendationAnswer{{Recommendation: 1, Verdict: pb.Verdict_VERDICT_ADOPTED},
			{Recommendation: 2, Verdict: pb.Verdict_VERDICT_NOT_ADOPTED, Motivation: "Daar is geen budget voor."}}})
	if err != nil {
		t.Fatalf("responding: %v", err)
	}
	if r.GetStatus() != pb.ResponseStatus_RESPONSE_STATUS_ANSWERED || r.GetVersion() != 1 || !r.GetAnsweredOnTime() {
		t.Errorf("response: status %v, version %d, on time %v", r.GetStatus(), r.GetVersion(), r.GetAnsweredOnTime())
	}
	// The council asks for a revision: a new term, awaited again.
	r, err = f.srv.Advice.RequestRevision(secretaris, &pb.RequestRevisionRequest{Id: a.GetId(), MunicipalityCode: "GM0396",
		Reason: "Aanbeveling 2 is niet gemotiveerd met cijfers."})
	if err != nil || r.GetStatus() != pb.ResponseStatus_RESPONSE_STATUS_REVISION_REQUESTED {
		t.Fatalf("requesting a revision: %v, %v", r.GetStatus(), err)
	}

	// The public results and the report.
	res, err := f.srv.Results.GetProcessResults(context.Background(), &pb.GetProcessResultsRequest{ProcessId: processID})
	if err != nil {
		t.Fatalf("public results: %v", err)
	}
	if res.GetAdvice().GetContentHash() != sent.GetContentHash() || len(res.GetResponses()) != 1 {
		t.Errorf("public results: hash %q, %d responses", res.GetAdvice().GetContentHash(), len(res.GetResponses()))
	}
	rep, err := f.srv.Results.CreateReport(secretaris, &pb.CreateReportRequest{Report: &pb.Report{ProcessId: processID,
		Summary: "Heemskerk neemt aanbeveling 1 over."}})
	if err != nil {
		t.Fatalf("publishing the report: %v", err)
	}
	got, err := f.srv.Results.GetReport(context.Background(), &pb.GetReportRequest{Id: rep.GetId()})
	if err != nil || got.GetContentHash() != rep.GetContentHash() || got.GetAdviceVersion() != 2 {
		t.Errorf("report read back: %v, %v", got, err)
	}
	_, err = f.srv.Results.CreateReport(secretaris, &pb.CreateReportRequest{Report: &pb.Report{ProcessId: processID}})
	wantCode(t, "a second report", err, errs.Conflict)
	// The shared process's advice, still a draft, is not public.
	f.drafted(t, coordinator, sharedProcessID)
	public, err := f.srv.Results.ListProcessResults(context.Background(), &pb.ListProcessResultsRequest{})
	if err != nil || len(public.GetResults()) != 1 {
		t.Fatalf("public results list: %v, %v; want one", public.GetResults(), err)
	}
	if p := public.GetResults()[0]; p.GetProcessId() != processID || p.GetResponded() != 1 || !p.GetReported() || p.GetReference() != a.GetReference() {
		t.Errorf("public results entry: %v", p)
	}
}

func TestSendingUnadoptedConflicts(t *testing.T) {
	f := newFixture(t)
	a := f.drafted(t, secretaris, processID)
	_, err := f.srv.Advice.SendAdvice(secretaris, &pb.SendAdviceRequest{Id: a.GetId(), Version: 1})
	wantCode(t, "sending a draft", err, errs.FailedPrecondition)
}

func TestEditingSentAdviceConflicts(t *testing.T) {
	f := newFixture(t)
	a := f.sent(t, processID, secretaris)
	_, err := f.srv.Advice.CreateVersion(raadslid, &pb.CreateVersionRequest{Id: a.GetId(), Version: &pb.Version{BasedOn: 1,
		ChangeNote: "Een aanbeveling geschrapt.", Content: content("Zet het mantelzorgloket in de huis-aan-huiskrant.")}})
	wantCode(t, "a correction of a sent advice dropping a recommendation", err, errs.FailedPrecondition)
	_, err = f.srv.Advice.AdoptAdvice(secretaris, &pb.AdoptAdviceRequest{Id: a.GetId(), Version: 1})
	wantCode(t, "adopting the sent version again", err, errs.FailedPrecondition)
	// The trigger keeps the sent version as it was, whatever the code does.
	_, err = f.pool.Exec(t.Context(), `UPDATE advice_versions SET content = '{}' WHERE advice_id = $1 AND number = 1`, a.GetId())
	if err == nil {
		t.Error("the database let a sent version change")
	}
}

func TestResponseToMissingRecommendation(t *testing.T) {
	f := newFixture(t)
	a := f.sent(t, processID, secretaris)
	_, err := f.srv.Advice.RecordResponse(ambtenaar, &pb.RecordResponseRequest{Id: a.GetId(), MunicipalityCode: "GM0396", DecidedOn: "2027-03-10",
		Answers: []*pb.RecommendationAnswer{{Recommendation: 1, Verdict: pb.Verdict_VERDICT_ADOPTED},
			{Recommendation: 2, Verdict: pb.Verdict_VERDICT_ADOPTED}, {Recommendation: 3, Verdict: pb.Verdict_VERDICT_ADOPTED}}})
	wantCode(t, "answering recommendation 3 of 2", err, errs.Invalid)
}

func TestOtherMunicipalitysOfficer(t *testing.T) {
	f := newFixture(t)
	a := f.sent(t, processID, secretaris)
	for name, call := range map[string]func() error{
		"acknowledge": func() error {
			_, err := f.srv.Advice.AcknowledgeResponse(velsenAmbtenaar, &pb.AcknowledgeResponseRequest{Id: a.GetId(), MunicipalityCode: "GM0396"})
			return err
		},
		"respond": func() error {
			_, err := f.srv.Advice.RecordResponse(velsenAmbtenaar, &pb.RecordResponseRequest{Id: a.GetId(), MunicipalityCode: "GM0396", DecidedOn: "2027-03-10",
				Answers: []*pb.RecommendationAnswer{{Recommendation: 1, Verdict: pb.Verdict_VERDICT_ADOPTED}, {Recommendation: 2, Verdict: pb.Verdict_VERDICT_ADOPTED}}})
			return err
		},
		"read": func() error {
			_, err := f.srv.Advice.GetResponse(velsenAmbtenaar, &pb.GetResponseRequest{Id: a.GetId(), MunicipalityCode: "GM0396"})
			return err
		},
		"its own, which does not exist": func() error {
			_, err := f.srv.Advice.AcknowledgeResponse(velsenAmbtenaar, &pb.AcknowledgeResponseRequest{Id: a.GetId(), MunicipalityCode: "GM0453"})
			return err
		},
	} {
		wantCode(t, name, call(), errs.NotFound)
	}
	list, err := f.srv.Advice.ListResponses(velsenAmbtenaar, &pb.ListResponsesRequest{})
	if err != nil || len(list.GetResponses()) != 0 {
		t.Errorf("Velsen's inbox: %v, %v; want empty", list.GetResponses(), err)
	}
}

func TestFrozenEvidence(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	if _, err := f.pool.Exec(ctx, `INSERT INTO process_sessions (session_id, process_id, day, attendees) VALUES
('01957a3c-2b1e-7c00-8000-0000000000b1', $1, '2027-02-01', 12)`, processID); err != nil {
		t.Fatal(err)
	}
	a := f.sent(t, processID, secretaris)
	before, err := f.srv.Advice.GetVersion(secretaris, &pb.GetVersionRequest{Id: a.GetId(), Number: 1})
	if err != nil {
		t.Fatal(err)
	}
	// A session reported late, after the advice was sent.
	if _, err := f.pool.Exec(ctx, `INSERT INTO process_sessions (session_id, process_id, day, attendees) VALUES
('01957a3c-2b1e-7c00-8000-0000000000b2', $1, '2027-03-09', 30)`, processID); err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(time.Hour)
	after, err := f.srv.Advice.GetVersion(secretaris, &pb.GetVersionRequest{Id: a.GetId(), Number: 1})
	if err != nil {
		t.Fatal(err)
	}
	if before.GetEvidence().GetSessions() != 1 || after.GetEvidence().GetSessions() != 1 {
		t.Errorf("sessions in the sent version: %d before, %d after the late event; want 1 both", before.GetEvidence().GetSessions(), after.GetEvidence().GetSessions())
	}
	if after.GetContentHash() != before.GetContentHash() || after.GetContentHash() != a.GetContentHash() {
		t.Errorf("hash moved: %q, then %q; sent as %q", before.GetContentHash(), after.GetContentHash(), a.GetContentHash())
	}
	if !after.GetEvidence().GetAsOfTime().AsTime().Equal(before.GetEvidence().GetAsOfTime().AsTime()) {
		t.Error("the frozen evidence's time moved")
	}
}

// TestDeadlineAcrossSummerTime sends an advice on 10 March 2027 with a
// 30-day term: summer time starts on 28 March, inside the term. The
// deadline is 9 April, and the response is overdue from midnight in
// Amsterdam after it, which is 22:00 UTC (not 23:00 as in winter).
func TestDeadlineAcrossSummerTime(t *testing.T) {
	f := newFixture(t)
	if _, err := f.srv.Advice.UpdateResponseSettings(ambtenaar, &pb.UpdateResponseSettingsRequest{MunicipalityCode: "GM0396",
		Settings: &pb.ResponseSettings{TermDays: 30}}); err != nil {
		t.Fatalf("setting the term: %v", err)
	}
	a := f.sent(t, processID, secretaris)
	r, err := f.srv.Advice.GetResponse(ambtenaar, &pb.GetResponseRequest{Id: a.GetId(), MunicipalityCode: "GM0396"})
	if err != nil {
		t.Fatal(err)
	}
	due := time.Date(2027, 4, 9, 22, 0, 0, 0, time.UTC)
	if r.GetTermDays() != 30 || r.GetDeadline() != "2027-04-09" || !r.GetDueTime().AsTime().Equal(due) {
		t.Fatalf("term %d days, deadline %s, due %v; want 30, 2027-04-09, %v", r.GetTermDays(), r.GetDeadline(), r.GetDueTime().AsTime(), due)
	}
	for _, c := range []struct {
		at      time.Time
		overdue bool
	}{
		{due.Add(-time.Second), false},
		{due, true},
	} {
		f.now = c.at
		r, err := f.srv.Advice.GetResponse(ambtenaar, &pb.GetResponseRequest{Id: a.GetId(), MunicipalityCode: "GM0396"})
		if err != nil {
			t.Fatal(err)
		}
		if r.GetOverdue() != c.overdue {
			t.Errorf("at %v: overdue %v, want %v", c.at, r.GetOverdue(), c.overdue)
		}
	}
}

func (f *fixture) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.pool.QueryRow(t.Context(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// TestSharedAdvice sends the IJmond's shared advice to Beverwijk and
// Heemskerk: each officer answers only their own municipality's
// response; Beverwijk's officer sees Heemskerk's (the process is theirs
// too) but may not change it.
func TestSharedAdvice(t *testing.T) {
	f := newFixture(t)
	a := f.sent(t, sharedProcessID, coordinator)
	if got := a.GetAddressees(); len(got) != 2 {
		t.Fatalf("addressees %v, want Beverwijk and Heemskerk", got)
	}
	if _, err := f.srv.Advice.AcknowledgeResponse(beverwijk, &pb.AcknowledgeResponseRequest{Id: a.GetId(), MunicipalityCode: "GM0375"}); err != nil {
		t.Errorf("Beverwijk acknowledging its own: %v", err)
	}
	_, err := f.srv.Advice.AcknowledgeResponse(beverwijk, &pb.AcknowledgeResponseRequest{Id: a.GetId(), MunicipalityCode: "GM0396"})
	wantCode(t, "Beverwijk acknowledging Heemskerk's", err, errs.PermissionDenied)
	_, err = f.srv.Advice.AcknowledgeResponse(velsenAmbtenaar, &pb.AcknowledgeResponseRequest{Id: a.GetId(), MunicipalityCode: "GM0396"})
	wantCode(t, "Velsen, outside the process, acknowledging Heemskerk's", err, errs.NotFound)
}
