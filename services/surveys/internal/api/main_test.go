package api

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/neighbourhood"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/tenancy"
	"github.com/meedoen/meedoen/internal/testkit"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
	"github.com/meedoen/meedoen/services/surveys/internal/announce"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
	"github.com/meedoen/meedoen/services/surveys/internal/tally"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

const processID = "01957a3c-2b1e-7c00-8000-000000000001"

// fixture is a surveys API on a database of the test's own, called
// in-process: the guard's per-method check is the policy's business; these
// tests exercise what the methods decide themselves.
type fixture struct {
	srv  *Server
	pool *pgxpool.Pool
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	url := testkit.NewDatabase(t, testkit.Schema{Name: "surveys",
		Sets: []pg.MigrationSet{events.Migrations(), tenancy.Migrations(), store.Migrations()}})
	pool := testkit.NewPool(t, url, "surveys")
	knowProcess(t, pool, processID, "ijmond", "GM0375", "GM0396", "GM0453")
	return fixture{srv: New(store.New(pool), Config{Neighbourhoods: demoHoods}), pool: pool}
}

// demoHoods is the demo region's list of neighbourhoods, which the
// service gets from the binary.
var demoHoods = func() *neighbourhood.Table {
	tab, err := neighbourhood.IJmond()
	if err != nil {
		panic(err) // part of the binary, and read by internal/neighbourhood's tests
	}
	return tab
}()

// knowProcess puts a participation process into the service's projection,
// as the councils' process.created event would.
func knowProcess(t *testing.T, pool *pgxpool.Pool, id, tenant string, participants ...string) {
	t.Helper()
	if participants == nil {
		participants = []string{}
	}
	if _, err := pool.Exec(t.Context(), `INSERT INTO processes (id, tenant, participants) VALUES ($1, $2, $3)`, id, tenant, participants); err != nil {
		t.Fatal(err)
	}
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

// The callers of the IJmond story.
func velsenMember() context.Context    { return as("velsen-member", "council_member@GM0453") }
func velsenOfficer() context.Context   { return as("velsen-officer", "policy_officer@GM0453") }
func beverwijkChair() context.Context  { return as("beverwijk-chair", "chair@GM0375") }
func heemskerkMember() context.Context { return as("heemskerk-member", "council_member@GM0396") }
func coordinator() context.Context     { return as("ijmond-coordinator", "regional_coordinator@ijmond") }
func platformAdmin() context.Context   { return as("root", "admin@*") }
func resident() context.Context        { return context.Background() }

func nl(s string) *surveysv1.Text { return &surveysv1.Text{Nl: s} }

func options(ids ...string) []*surveysv1.Option {
	out := make([]*surveysv1.Option, len(ids))
	for i, id := range ids {
		out[i] = &surveysv1.Option{Id: id, Label: &surveysv1.Text{Nl: "optie " + id, En: "option " + id}}
	}
	return out
}

// flashPoll is a complete local Velsen flash poll on an open link, opening
// in an hour and running a week.
func flashPoll(slug string) *surveysv1.Poll {
	now := time.Now()
	return &surveysv1.Poll{
		ProcessId: processID,
		Tenant:    "GM0453",
		Kind:      surveysv1.PollKind_POLL_KIND_FLASH_POLL,
		Title:     &surveysv1.Text{Nl: "Eenzaamheid in Velsen", En: "Loneliness in Velsen"},
		Sections: []*surveysv1.Section{{Id: "s1", Questions: []*surveysv1.Question{
			{Id: "often", Type: surveysv1.QuestionType_QUESTION_TYPE_SINGLE_CHOICE, Text: nl("Hoe vaak voelt u zich eenzaam?"),
				Required: true, Options: options("never", "sometimes", "often"), Other: true},
			{Id: "help", Type: surveysv1.QuestionType_QUESTION_TYPE_MULTIPLE_CHOICE, Text: nl("Wat helpt?"),
				Options: options("visits", "calls", "clubs"), MaxChoices: 2},
			{Id: "grade", Type: surveysv1.QuestionType_QUESTION_TYPE_SCALE, Text: nl("Welk cijfer geeft u uw buurt?")},
			{Id: "hours", Type: surveysv1.QuestionType_QUESTION_TYPE_NUMBER, Text: nl("Hoeveel uur per week ziet u anderen?"),
				Max: "168", Step: "0.5"},
			{Id: "idea", Type: surveysv1.QuestionType_QUESTION_TYPE_SHORT_TEXT, Text: nl("Wat zou helpen?"), MaxLength: 20},
		}}},
		Slug:           slug,
		Audience:       &surveysv1.Audience{Kind: surveysv1.AudienceKind_AUDIENCE_KIND_OPEN_LINK},
		OpensAt:        timestamppb.New(now.Add(time.Hour)),
		ClosesAt:       timestamppb.New(now.Add(7 * 24 * time.Hour)),
		ResultsSharing: nl("In juni op de website van de participatieraad."),
	}
}

// sharedPoll is flashPoll shared by Velsen and Beverwijk in the IJmond.
func sharedPoll(slug string) *surveysv1.Poll {
	p := flashPoll(slug)
	p.Tenant, p.Participants = "ijmond", []string{"GM0453", "GM0375"}
	p.Title = nl("Eenzaamheid in de IJmond")
	return p
}

// panelPoll is flashPoll for Velsen's panel, by invitation.
func panelPoll() *surveysv1.Poll {
	p := flashPoll("")
	p.Audience = &surveysv1.Audience{Kind: surveysv1.AudienceKind_AUDIENCE_KIND_PANEL}
	return p
}

func (f fixture) create(t *testing.T, ctx context.Context, p *surveysv1.Poll) *surveysv1.Poll {
	t.Helper()
	created, err := f.srv.CreatePoll(ctx, &surveysv1.CreatePollRequest{Poll: p})
	if err != nil {
		t.Fatalf("CreatePoll: %v", err)
	}
	return created
}

// opened creates p as ctx's caller, schedules it and opens it early.
func (f fixture) opened(t *testing.T, ctx context.Context, p *surveysv1.Poll) *surveysv1.Poll {
	t.Helper()
	id := f.create(t, ctx, p).GetId()
	if _, err := f.srv.SchedulePoll(ctx, &surveysv1.SchedulePollRequest{Id: id}); err != nil {
		t.Fatalf("SchedulePoll: %v", err)
	}
	open, err := f.srv.OpenPoll(ctx, &surveysv1.OpenPollRequest{Id: id})
	if err != nil {
		t.Fatalf("OpenPoll: %v", err)
	}
	return open
}

func mask(paths ...string) *fieldmaskpb.FieldMask { return &fieldmaskpb.FieldMask{Paths: paths} }

// codeOf returns the code of a domain error, "" for nil.
func codeOf(err error) errs.Code {
	if err == nil {
		return ""
	}
	return errs.CodeOf(err)
}

// fieldPaths returns the paths a domain error names.
func fieldPaths(err error) []string {
	var e *errs.Error
	if !errors.As(err, &e) {
		return nil
	}
	var ps []string
	for _, f := range e.Fields {
		ps = append(ps, f.Path)
	}
	return ps
}

// count runs a query that returns one number.
func (f fixture) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// outbox returns the events in the outbox named name ("" for all), oldest
// first, as a consumer would receive them.
func (f fixture) outbox(t *testing.T, name string) []events.Event {
	t.Helper()
	rows, err := f.pool.Query(context.Background(), `SELECT event_id::text, subject, ce_subject, ce_time, data FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []events.Event
	for rows.Next() {
		var ev events.Event
		var subject string
		if err := rows.Scan(&ev.ID, &subject, &ev.Subject, &ev.Time, &ev.Data); err != nil {
			t.Fatal(err)
		}
		parts := strings.SplitN(subject, ".", 4)
		ev.Service, ev.Tenant, ev.Name = parts[1], parts[2], parts[3]
		ev.Type, ev.Source = events.TypeOf(ev.Service, ev.Name), events.SourceURN(ev.Service)
		if name == "" || ev.Name == name {
			out = append(out, ev)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// decoded decodes the payloads of evs into new messages like msg.
func decoded[M proto.Message](t *testing.T, evs []events.Event, msg func() M) []M {
	t.Helper()
	var out []M
	for _, ev := range evs {
		m := msg()
		if err := ev.Decode(m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// accepted returns the responses the responses.accepted events in the
// outbox announce, in order.
func (f fixture) accepted(t *testing.T) []*eventsv1.ResponseAccepted {
	t.Helper()
	var out []*eventsv1.ResponseAccepted
	for _, ev := range f.outbox(t, "responses.accepted") {
		in, err := announce.AcceptedIn(ev)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, in...)
	}
	return out
}

// tallyOutbox applies the responses.accepted events in the outbox to the
// tallies, as the tally consumer does.
func (f fixture) tallyOutbox(t *testing.T) {
	t.Helper()
	evs := f.outbox(t, "responses.accepted")
	err := pg.InTx(context.Background(), f.pool, func(tx pgx.Tx) error { return tally.Apply(context.Background(), tx, evs, demoHoods) })
	if err != nil {
		t.Fatal(err)
	}
}
