package store_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/tenancy"
	"github.com/meedoen/meedoen/internal/testkit"
	"github.com/meedoen/meedoen/services/surveys/internal/announce"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

const processID = "01957a3c-2b1e-7c00-8000-000000000001"

// schema is the surveys schema as the service builds it.
func schema() testkit.Schema {
	return testkit.Schema{Name: "surveys", Sets: []pg.MigrationSet{events.Migrations(), tenancy.Migrations(), store.Migrations()}}
}

type fixture struct {
	st   *store.Store
	pool *pgxpool.Pool
	url  string
}

// newStore returns a store on a database of the test's own; poolParams
// are added to the connection URL, e.g. "pool_max_conns=20".
func newStore(t *testing.T, poolParams ...string) fixture {
	t.Helper()
	url := testkit.NewDatabase(t, schema())
	u := url
	for _, p := range poolParams {
		u += "&" + p
	}
	pool := testkit.NewPool(t, u, "surveys")
	f := fixture{st: store.New(pool), pool: pool, url: url}
	f.knownProcess(t)
	return f
}

// knownProcess puts the process the tests' polls belong to into the
// projection, as its process.created event would.
func (f fixture) knownProcess(t *testing.T) {
	t.Helper()
	if _, err := f.pool.Exec(context.Background(), `INSERT INTO processes (id, tenant, participants) VALUES ($1, 'GM0453', '{}')
ON CONFLICT (id) DO NOTHING`, processID); err != nil {
		t.Fatalf("projecting the tests' process: %v", err)
	}
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

// panelMembers enrols active members with ids in municipality's panel, as
// an import would: an invitation may only name one.
func (f fixture) panelMembers(t *testing.T, municipality string, ids ...string) {
	t.Helper()
	for _, id := range ids {
		_, err := f.pool.Exec(context.Background(), `INSERT INTO panel_members
    (id, municipality, email, status, source, consent_at, consent_version, created_at, updated_at)
VALUES ($1::uuid, $2, $1::text || '@panel.example', 'active', 'import', now(), 'test', now(), now())
ON CONFLICT (id) DO NOTHING`, id, municipality)
		if err != nil {
			t.Fatalf("enrolling panel member %s: %v", id, err)
		}
	}
}

func nl(s string) poll.Text { return poll.Text{NL: s} }

func opts(ids ...string) []poll.Option {
	out := make([]poll.Option, len(ids))
	for i, id := range ids {
		out[i] = poll.Option{ID: id, Label: poll.Text{NL: "optie " + id, EN: "option " + id}}
	}
	return out
}

func dec(t testing.TB, s string) poll.Decimal {
	t.Helper()
	d, err := poll.ParseDecimal(s)
	if err != nil {
		t.Fatalf("ParseDecimal(%q): %v", s, err)
	}
	return d
}

// flashSpec is a local flash poll on an open link with slug, ready to be
// scheduled at now.
func flashSpec(slug string, now time.Time) poll.Spec {
	return poll.Spec{
		ProcessID: processID,
		Tenant:    "GM0453",
		Kind:      poll.FlashPoll,
		Title:     poll.Text{NL: "Eenzaamheid in Velsen", EN: "Loneliness in Velsen"},
		Sections: []poll.Section{{ID: "s1", Questions: []poll.Question{
			{ID: "often", Type: poll.SingleChoice, Text: nl("Hoe vaak voelt u zich eenzaam?"), Required: true, Options: opts("never", "sometimes", "often"), Other: true},
			{ID: "agree", Type: poll.Likert, Text: nl("Er is genoeg te doen in mijn wijk.")},
			{ID: "grade", Type: poll.Scale, Text: nl("Welk cijfer geeft u uw buurt?")},
			{ID: "hours", Type: poll.Number, Text: nl("Hoeveel uur per week ziet u anderen?"), Max: poll.DecimalFromInt(168), Step: poll.Decimal(500)},
			{ID: "idea", Type: poll.ShortText, Text: nl("Wat zou helpen?")},
		}}},
		Slug:           slug,
		Audience:       poll.Audience{Kind: poll.OpenLink},
		OpensAt:        now.Add(time.Hour),
		ClosesAt:       now.Add(7 * 24 * time.Hour),
		ResultsSharing: nl("In juni op de website van de participatieraad."),
		CreatedBy:      "secretaris@velsen",
	}
}

// everyType is a questionnaire's sections with one question of each type.
func everyType(t testing.TB) []poll.Section {
	return []poll.Section{
		{ID: "s1", Title: nl("Over u"), Intro: poll.Text{NL: "Eerst over u.", EN: "About you first."}, Questions: []poll.Question{
			{ID: "single", Type: poll.SingleChoice, Text: nl("Hoe vaak?"), Help: nl("Kies er één."), Required: true, Options: opts("a", "b", "c"), Other: true, OtherLabel: nl("Iets anders")},
			{ID: "multi", Type: poll.MultipleChoice, Text: nl("Welke?"), Options: opts("a", "b", "c", "d"), Other: true, MinChoices: 1, MaxChoices: 2},
			{ID: "likert", Type: poll.Likert, Text: nl("Mee eens?"), Required: true},
			{ID: "scale", Type: poll.Scale, Text: nl("Welk cijfer?"), Labels: []poll.Text{nl("slecht"), nl("uitstekend")}},
		}},
		{ID: "s2", Title: nl("Meer"), Questions: []poll.Question{
			{ID: "rank", Type: poll.Ranking, Text: nl("Wat eerst?"), Options: opts("x", "y", "z")},
			{ID: "matrix", Type: poll.Matrix, Text: nl("Hoe tevreden?"), Required: true, Rows: opts("r1", "r2"), Columns: opts("c1", "c2", "c3")},
			{ID: "number", Type: poll.Number, Text: nl("Hoeveel uur?"), Min: dec(t, "-2.5"), Max: dec(t, "100"), Step: dec(t, "0.5"), Unit: nl("uur per week")},
			{ID: "short", Type: poll.ShortText, Text: nl("Uw wijk?")},
			{ID: "long", Type: poll.LongText, Text: nl("Toelichting"), MaxLength: 500},
			{ID: "why", Type: poll.LongText, Text: nl("Waarom c?"), ShowIf: &poll.Condition{Question: "single", AnyOf: []string{"c"}}},
		}},
	}
}

// sharedSpec is a shared IJmond questionnaire of every question type on an
// open link that checks postcodes, so every response has a municipality.
func sharedSpec(t testing.TB, slug string, now time.Time) poll.Spec {
	s := flashSpec(slug, now)
	s.Tenant, s.Participants = "ijmond", []string{"GM0453", "GM0375", "GM0396"}
	s.Kind = poll.Questionnaire
	s.Title = nl("Mantelzorg in de IJmond")
	s.Sections = everyType(t)
	s.Audience = poll.Audience{Kind: poll.OpenLink, PostcodeCheck: true}
	return s
}

// openPoll stores a poll made of spec and opens it at now.
func openPoll(t *testing.T, f fixture, spec poll.Spec, now time.Time) poll.Poll {
	t.Helper()
	p, err := poll.New(spec, now)
	if err != nil {
		t.Fatalf("poll.New: %v", err)
	}
	if err := p.Schedule(now); err != nil {
		t.Fatalf("Schedule: %v", err)
	}
	if err := p.Open(now); err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := f.st.CreatePoll(context.Background(), p); err != nil {
		t.Fatalf("CreatePoll: %v", err)
	}
	return p
}

// check judges answers as the service does before submitting them.
func check(t testing.TB, p poll.Poll, a poll.Answers, at time.Time) poll.Response {
	t.Helper()
	r, err := p.Check(a, at)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return r
}

// announcing returns sub set to be announced as the service does: by its
// response's responses.accepted entry, in the poll's tenant.
func announcing(sub store.Submission) store.Submission {
	sub.Accepted, sub.Tenant = announce.Accepted(sub.Response), "GM0453"
	return sub
}

// announcedSQL counts the responses announced by the responses.accepted
// events in the outbox, or with $1 those that announce response $1.
const announcedSQL = `SELECT count(*) FROM outbox o,
    jsonb_array_elements(convert_from(o.data, 'UTF8')::jsonb -> 'responses') AS r
WHERE o.subject LIKE '%.responses.accepted' AND ($1 = '' OR r ->> 'responseId' = $1)`

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
