package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/mailq"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/tenancy"
	"github.com/meedoen/meedoen/internal/testkit"
	"github.com/meedoen/meedoen/services/focusgroups/internal/finding"
	"github.com/meedoen/meedoen/services/focusgroups/internal/group"
	"github.com/meedoen/meedoen/services/focusgroups/internal/member"
	"github.com/meedoen/meedoen/services/focusgroups/internal/process"
	"github.com/meedoen/meedoen/services/focusgroups/internal/session"
	"github.com/meedoen/meedoen/services/focusgroups/internal/store"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

// The tests' processes: a local one of Heemskerk, and one that left its
// analysis.
const (
	processID     = "01957a3c-2b1e-7c00-8000-000000000396"
	doneProcessID = "01957a3c-2b1e-7c00-8000-000000000397"
	questionID    = "01957a3c-2b1e-7c00-8000-0000000000a1"
)

// schema is the focus groups schema as the service builds it.
func schema() testkit.Schema {
	return testkit.Schema{Name: "focusgroups",
		Sets: []pg.MigrationSet{events.Migrations(), tenancy.Migrations(), mailq.Migrations(), store.Migrations()}}
}

type fixture struct {
	st   *store.Store
	pool *pgxpool.Pool
	now  time.Time
}

// newStore returns a store on a database of the test's own, whose clock
// stands at 1 March 2027 unless a test moves it; poolParams are added to
// the connection URL.
func newStore(t testing.TB, poolParams ...string) *fixture {
	t.Helper()
	url := testkit.NewDatabase(t, schema())
	for _, p := range poolParams {
		url += "&" + p
	}
	return seeded(t, testkit.NewPool(t, url, "focusgroups"))
}

// seeded is a fixture on pool with the tests' processes projected.
func seeded(t testing.TB, pool *pgxpool.Pool) *fixture {
	t.Helper()
	f := &fixture{pool: pool, now: time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)}
	f.st = store.New(pool, store.Config{PublicURL: "https://meedoen.example/", From: "focusgroepen@meedoen.example"}).
		WithClock(func() time.Time { return f.now })
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `INSERT INTO processes (id, tenant, participants, theme, question_id, phase) VALUES
($1, 'GM0396', '{}', 'mantelzorg', $3, 'execute'), ($2, 'GM0396', '{}', 'mantelzorg', NULL, 'advise')`,
		processID, doneProcessID, questionID); err != nil {
		t.Fatalf("projecting the tests' processes: %v", err)
	}
	return f
}

// replica is another store on the fixture's database, as a second
// replica of the service has: answers it takes queue apart from the
// fixture's, and only the database keeps the two apart.
func (f *fixture) replica() *store.Store {
	return store.New(f.pool, store.Config{PublicURL: "https://meedoen.example/", From: "focusgroepen@meedoen.example"}).
		WithClock(func() time.Time { return f.now })
}

// allow is the access of a caller who may do anything.
func allow(group.Group) error { return nil }

// count runs a query that returns one number.
func (f *fixture) count(t testing.TB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := f.pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// fingerprint counts the rows a refused write must leave alone.
func (f *fixture) fingerprint(t testing.TB) string {
	t.Helper()
	var out string
	for _, table := range []string{"focus_groups", "members", "member_tokens", "invitations", "sessions", "rsvps", "rsvp_log",
		"attendance", "walk_ins", "findings", "reminders", "outgoing_mail", "outbox"} {
		out += fmt.Sprintf("%s=%d ", table, f.count(t, `SELECT count(*) FROM `+table))
	}
	out += fmt.Sprintf("updated=%d", f.count(t, `SELECT count(*) FROM (SELECT updated_at FROM focus_groups UNION ALL SELECT updated_at FROM sessions UNION ALL SELECT updated_at FROM findings) t`))
	return out
}

// events lists the names of the events in the outbox, oldest first.
func (f *fixture) events(t testing.TB) []string {
	t.Helper()
	rows, err := f.pool.Query(context.Background(), `SELECT subject FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		// meedoen.focusgroups.<tenant>.<event name>
		parts := strings.SplitN(n, ".", 4)
		out = append(out, parts[len(parts)-1])
	}
	return out
}

// clientsAndKeyFigures are seats of 6 for clients and experience experts
// together and 4 for key figures.
var clientsAndKeyFigures = group.Seating{Groups: []group.SeatGroup{
	{Roles: []string{group.Client, group.ExperienceExpert}, Seats: 6},
	{Roles: []string{group.KeyFigure}, Seats: 4},
}, Total: 10}

// newGroup forms a group for the tests' process.
func (f *fixture) newGroup(t testing.TB, seating group.Seating) group.Group {
	t.Helper()
	g, err := f.st.NewGroup(context.Background(), processID, func(p process.Process) (group.Group, error) {
		return group.New(group.Spec{Process: groupProcess(p), Name: "Mantelzorg in Heemskerk", Purpose: "Wat hebben mantelzorgers nodig?",
			PlannedSessions: 2, Seating: seating, CreatedBy: "organiser"}, f.now)
	})
	if err != nil {
		t.Fatalf("forming a group: %v", err)
	}
	return g
}

func groupProcess(p process.Process) group.Process {
	return group.Process{ID: p.ID, Tenant: p.Tenant, Participants: p.Participants, Theme: p.Theme, QuestionID: p.QuestionID}
}

// addResident adds a resident in role with a recorded consent.
func (f *fixture) addResident(t testing.TB, g group.Group, role, name, email string) member.Member {
	t.Helper()
	m, err := f.st.AddMember(context.Background(), g.ID(), allow, func(g group.Group) (member.Member, error) {
		return member.New(member.Spec{GroupID: g.ID(), Kind: member.Resident, Role: role, Name: name, Email: email,
			Consent: member.Consent{Method: member.InPerson, At: f.now.Add(-time.Hour), RecordedBy: "organiser"}}, f.now)
	})
	if err != nil {
		t.Fatalf("adding %s: %v", name, err)
	}
	return m
}

// schedule schedules a session of g starting in, from the fixture's now.
func (f *fixture) schedule(t testing.TB, g group.Group, in time.Duration) session.Session {
	t.Helper()
	ss, err := f.st.ScheduleSession(context.Background(), g.ID(), allow, func(g group.Group) (session.Session, error) {
		start := f.now.Add(in)
		return session.New(session.Spec{GroupID: g.ID(), Plan: session.Plan{StartsAt: start, EndsAt: start.Add(2 * time.Hour),
			Place: session.Place{Address: "Buurthuis De Schakel, Heemskerk"}, OnlineURL: "https://meet.example/fg"}}, f.now)
	})
	if err != nil {
		t.Fatalf("scheduling: %v", err)
	}
	return ss
}

// answer sets a member's answer on their behalf, as staff.
func (f *fixture) answer(t testing.TB, g group.Group, ss session.Session, m member.Member, a string) store.Rsvp {
	t.Helper()
	r, err := f.st.SetRsvp(context.Background(), g.ID(), ss.ID(), m.ID(), store.Answer{Answer: seatingAnswer(a)}, "organiser", allow)
	if err != nil {
		t.Fatalf("answering %s for %s: %v", a, m.Name(), err)
	}
	return r
}

// fieldsOf returns the paths an Invalid (or other) error names.
func fieldsOf(err error) []string {
	var e *errs.Error
	if !errors.As(err, &e) {
		return nil
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Path)
	}
	return out
}

// findingSpec is a finding of g with one quote of each consent.
func findingSpec(g group.Group, sessionID, speakerID string) finding.Spec {
	return finding.Spec{GroupID: g.ID(), QuestionID: g.Process().QuestionID, SessionID: sessionID,
		Statement: "Mantelzorgers weten niet waar ze respijtzorg vinden.", Breadth: finding.Most, CreatedBy: "organiser",
		Quotes: []finding.Quote{
			{Text: "Ik zoek het al twee jaar.", Consent: finding.Named, SpeakerName: "Ans", MemberID: speakerID},
			{Text: "Niemand belt terug.", Consent: finding.Anonymous},
			{Text: "Mijn buurvrouw weet het ook niet.", Consent: finding.Internal},
		}}
}
