package api

import (
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/jackc/pgx/v5/pgxpool"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/mailq"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/tenancy"
	"github.com/meedoen/meedoen/internal/testkit"
	pb "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
	"github.com/meedoen/meedoen/services/focusgroups/internal/store"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

const (
	processID       = "01957a3c-2b1e-7c00-8000-000000000396"
	sharedProcessID = "01957a3c-2b1e-7c00-8000-0000000000aa"
)

// fixture is the focus groups APIs on a database of the test's own,
// called in-process: the guard's per-method check is the policy's
// business; these tests exercise what the methods decide themselves.
type fixture struct {
	srv   *Server
	links *Links
	pool  *pgxpool.Pool
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	url := testkit.NewDatabase(t, testkit.Schema{Name: "focusgroups",
		Sets: []pg.MigrationSet{events.Migrations(), tenancy.Migrations(), mailq.Migrations(), store.Migrations()}})
	pool := testkit.NewPool(t, url, "focusgroups")
	if _, err := pool.Exec(t.Context(), `INSERT INTO processes (id, tenant, participants, theme, phase) VALUES
($1, 'GM0396', '{}', 'mantelzorg', 'execute'), ($2, 'ijmond', '{GM0375,GM0396}', 'mantelzorg', 'execute')`, processID, sharedProcessID); err != nil {
		t.Fatal(err)
	}
	st := store.New(pool, store.Config{PublicURL: "https://meedoen.example", From: "focusgroepen@meedoen.example"})
	return fixture{srv: New(st), links: NewLinks(st, "focusgroepen@meedoen.example"), pool: pool}
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

var raadslid = as("raadslid", "council_member@GM0396")

// fields lists the paths an error names.
func fields(err error) []string {
	var e *errs.Error
	if !errors.As(err, &e) {
		return nil
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Path)
	}
	slices.Sort(out)
	return out
}

func (f fixture) group(t *testing.T, ctx context.Context, processID string) *pb.FocusGroup {
	t.Helper()
	g, err := f.srv.CreateFocusGroup(ctx, &pb.CreateFocusGroupRequest{FocusGroup: &pb.FocusGroup{ProcessId: processID,
		Name: "Mantelzorg", Seats: []*pb.SeatGroup{{Roles: []string{"client"}, Seats: 2}}}})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestCreateTellsEveryProblemAtOnce: a bad name, bad seats and an unknown
// process are refused together, each naming its field; a process the
// caller may not work in is refused as an unknown one.
func TestCreateTellsEveryProblemAtOnce(t *testing.T) {
	f := newFixture(t)
	_, err := f.srv.CreateFocusGroup(raadslid, &pb.CreateFocusGroupRequest{FocusGroup: &pb.FocusGroup{
		ProcessId: "01957a3c-2b1e-7c00-8000-00000000dead", Name: " ",
		Seats: []*pb.SeatGroup{{Roles: []string{"buurman"}, Seats: 0}}, ReminderHours: 1000}})
	want := []string{"/name", "/processId", "/reminderHours", "/seats/0/roles/0", "/seats/0/seats"}
	if got := fields(err); !slices.Equal(got, want) || errs.CodeOf(err) != errs.Invalid {
		t.Errorf("got %v naming %v, want invalid naming %v", err, got, want)
	}
	_, foreign := f.srv.CreateFocusGroup(as("velsen", "council_member@GM0453"), &pb.CreateFocusGroupRequest{FocusGroup: &pb.FocusGroup{
		ProcessId: processID, Name: "Overname"}})
	_, unknown := f.srv.CreateFocusGroup(as("velsen", "council_member@GM0453"), &pb.CreateFocusGroupRequest{FocusGroup: &pb.FocusGroup{
		ProcessId: "01957a3c-2b1e-7c00-8000-00000000dead", Name: "Overname"}})
	if foreign == nil || foreign.Error() != unknown.Error() {
		t.Errorf("another municipality's process: %v; an unknown one: %v; want the same refusal", foreign, unknown)
	}
}

// TestSharedGroups: a shared process's group belongs to the region, its
// participating municipalities' council manages it, and an organiser from
// elsewhere finds it in their list.
func TestSharedGroups(t *testing.T) {
	f := newFixture(t)
	g, err := f.srv.CreateFocusGroup(as("beverwijk", "council_member@GM0375"), &pb.CreateFocusGroupRequest{FocusGroup: &pb.FocusGroup{
		ProcessId: sharedProcessID, Name: "Mantelzorg in de IJmond", Organisers: []string{"ambtenaar-velsen"}}})
	if err != nil {
		t.Fatal(err)
	}
	if g.GetTenant() != "ijmond" || !slices.Equal(g.GetParticipants(), []string{"GM0375", "GM0396"}) {
		t.Errorf("tenant %s, participants %v", g.GetTenant(), g.GetParticipants())
	}
	if _, err := f.srv.ListFocusGroupMembers(raadslid, &pb.ListFocusGroupMembersRequest{FocusGroupId: g.GetId()}); err != nil {
		t.Errorf("Heemskerk's council, taking part, may not manage the shared group: %v", err)
	}
	list, err := f.srv.ListFocusGroups(as("ambtenaar-velsen", "policy_officer@GM0453"), &pb.ListFocusGroupsRequest{})
	if err != nil || len(list.GetFocusGroups()) != 1 {
		t.Errorf("the organiser from Velsen lists %v, %v; want the group", list.GetFocusGroups(), err)
	}
	if list, _ := f.srv.ListFocusGroups(as("velsen", "council_member@GM0453"), &pb.ListFocusGroupsRequest{}); len(list.GetFocusGroups()) != 0 {
		t.Error("Velsen's council, not taking part, lists the shared group")
	}
}

// TestUpdateChecksMaskAndVersion: an output-only field in the mask is
// refused naming it; a change based on an old version is stale.
func TestUpdateChecksMaskAndVersion(t *testing.T) {
	f := newFixture(t)
	g := f.group(t, raadslid, processID)
	_, err := f.srv.UpdateFocusGroup(raadslid, &pb.UpdateFocusGroupRequest{Id: g.GetId(), FocusGroup: &pb.FocusGroup{Status: pb.FocusGroupStatus_FOCUS_GROUP_STATUS_CONCLUDED},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"status"}}})
	if got := fields(err); !slices.Equal(got, []string{"/status"}) {
		t.Errorf("changing the status by mask: %v, want /status named", err)
	}
	changed, err := f.srv.UpdateFocusGroup(raadslid, &pb.UpdateFocusGroupRequest{Id: g.GetId(), FocusGroup: &pb.FocusGroup{Name: "Nieuw", Etag: g.GetEtag()},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"name"}}})
	if err != nil || changed.GetName() != "Nieuw" || changed.GetEtag() == g.GetEtag() {
		t.Fatalf("renaming: %v, %v", changed, err)
	}
	if _, err := f.srv.UpdateFocusGroup(raadslid, &pb.UpdateFocusGroupRequest{Id: g.GetId(), FocusGroup: &pb.FocusGroup{Name: "Ouder", Etag: g.GetEtag()},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"name"}}}); errs.CodeOf(err) != errs.Stale {
		t.Errorf("a change based on the old version: %v, want stale", err)
	}
}

// TestConsentIsAppliedWhenRead: a quote's consent narrowed after the
// finding was agreed is published as it now stands; an internal quote
// never is; a widened one is refused.
func TestConsentIsAppliedWhenRead(t *testing.T) {
	f := newFixture(t)
	g := f.group(t, raadslid, processID)
	fd, err := f.srv.CreateFinding(raadslid, &pb.CreateFindingRequest{FocusGroupId: g.GetId(), Finding: &pb.Finding{
		Statement: "Het loket is slecht bereikbaar.", Breadth: pb.FindingBreadth_FINDING_BREADTH_SOME, Quotes: []*pb.Quote{
			{Text: "Ik bel tevergeefs.", Consent: pb.QuoteConsent_QUOTE_CONSENT_NAMED, SpeakerName: "Ans"},
			{Text: "Niet verder vertellen.", Consent: pb.QuoteConsent_QUOTE_CONSENT_INTERNAL},
		}}})
	if err != nil {
		t.Fatal(err)
	}
	if fd, err = f.srv.AgreeFinding(raadslid, &pb.AgreeFindingRequest{FocusGroupId: g.GetId(), Id: fd.GetId()}); err != nil {
		t.Fatal(err)
	}
	published := func() []*pb.PublishedQuote {
		p, err := f.srv.GetPublishedFindings(context.Background(), &pb.GetPublishedFindingsRequest{FocusGroupId: g.GetId()})
		if err != nil {
			t.Fatal(err)
		}
		return p.GetFindings()[0].GetQuotes()
	}
	if q := published(); len(q) != 1 || q[0].GetSpeakerName() != "Ans" {
		t.Errorf("published %v, want the named quote only, with its name", q)
	}
	quotes := fd.GetQuotes()
	quotes[0].Consent, quotes[0].SpeakerName = pb.QuoteConsent_QUOTE_CONSENT_ANONYMOUS, ""
	if _, err := f.srv.UpdateFinding(raadslid, &pb.UpdateFindingRequest{FocusGroupId: g.GetId(), Id: fd.GetId(),
		Finding: &pb.Finding{Quotes: quotes}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"quotes"}}}); err != nil {
		t.Fatal(err)
	}
	if q := published(); len(q) != 1 || q[0].GetSpeakerName() != "" {
		t.Errorf("published %v after the consent was narrowed, want the quote without a name", q)
	}
	quotes[1].Consent = pb.QuoteConsent_QUOTE_CONSENT_NAMED
	quotes[1].SpeakerName = "Piet"
	_, err = f.srv.UpdateFinding(raadslid, &pb.UpdateFindingRequest{FocusGroupId: g.GetId(), Id: fd.GetId(),
		Finding: &pb.Finding{Quotes: quotes}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"quotes"}}})
	if !slices.Contains(fields(err), "/quotes/1/consent") {
		t.Errorf("widening an agreed quote's consent: %v, want /quotes/1/consent named", err)
	}
}

// TestSessionCalendarFromTheLink: a member's link gives the session as an
// iCalendar file that a library reads back, with the stable UID and the
// online link.
func TestSessionCalendarFromTheLink(t *testing.T) {
	f := newFixture(t)
	g := f.group(t, raadslid, processID)
	start := time.Now().Add(72 * time.Hour).Truncate(time.Minute)
	ss, err := f.srv.ScheduleSession(raadslid, &pb.ScheduleSessionRequest{FocusGroupId: g.GetId(), Session: &pb.Session{
		StartTime: timestamppb.New(start), EndTime: timestamppb.New(start.Add(2 * time.Hour)), OnlineUrl: "https://meet.example/fg"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.srv.InviteResidents(raadslid, &pb.InviteResidentsRequest{FocusGroupId: g.GetId(),
		Invitees: []*pb.GroupInvitee{{Email: "ans@example.nl", Name: "Ans", Role: "client"}}}); err != nil {
		t.Fatal(err)
	}
	var text string
	if err := f.pool.QueryRow(t.Context(), `SELECT text_body FROM outgoing_mail WHERE kind = $1`, store.KindJoinInvitation).Scan(&text); err != nil {
		t.Fatal(err)
	}
	token := strings.Fields(text[strings.Index(text, "/focusgroep/uitnodiging/")+len("/focusgroep/uitnodiging/"):])[0]
	view, err := f.links.GetInvitation(context.Background(), &pb.GetInvitationRequest{Token: token})
	if err != nil || view.GetRole().GetLabelNl() != "Cliënt" {
		t.Fatalf("the invitation: %v, %v", view, err)
	}
	link, err := f.links.AcceptInvitation(context.Background(), &pb.AcceptInvitationRequest{Token: token})
	if err != nil {
		t.Fatal(err)
	}
	file, err := f.links.GetSessionCalendar(context.Background(), &pb.GetSessionCalendarRequest{Token: link.GetToken(), SessionId: ss.GetId()})
	if err != nil {
		t.Fatal(err)
	}
	cal, err := ics.ParseCalendar(strings.NewReader(string(file.GetData())))
	if err != nil {
		t.Fatal(err)
	}
	ev := cal.Events()
	if len(ev) != 1 || ev[0].Id() != ss.GetId()+"@focusgroups.meedoen" {
		t.Fatalf("events %v, want the session's", ev)
	}
	if u := ev[0].GetProperty(ics.ComponentPropertyUrl); u == nil || u.Value != "https://meet.example/fg" {
		t.Errorf("URL %v, want the online link", u)
	}
	if got, err := ev[0].GetStartAt(); err != nil || !got.Equal(start) {
		t.Errorf("starts %v (%v), want %v", got, err, start)
	}
	if _, err := f.links.GetSessionCalendar(context.Background(), &pb.GetSessionCalendarRequest{Token: token, SessionId: ss.GetId()}); errs.CodeOf(err) != errs.NotFound {
		t.Errorf("the used invitation's token as a member link: %v, want not found", err)
	}
}

// TestIdempotencyKey: a repeated create with the caller's key returns the
// first result, another caller's same key creates anew, and a key that is
// too long or not visible ASCII is refused naming the field, with the
// request's other problems.
func TestIdempotencyKey(t *testing.T) {
	f := newFixture(t)
	create := func(ctx context.Context, key string) (*pb.FocusGroup, error) {
		return f.srv.CreateFocusGroup(ctx, &pb.CreateFocusGroupRequest{IdempotencyKey: key, FocusGroup: &pb.FocusGroup{
			ProcessId: processID, Name: "Mantelzorg", Seats: []*pb.SeatGroup{{Roles: []string{"client"}, Seats: 2}}}})
	}
	first, err := create(raadslid, "dubbelklik-1")
	if err != nil {
		t.Fatal(err)
	}
	again, err := create(raadslid, "dubbelklik-1")
	if err != nil || again.GetId() != first.GetId() {
		t.Errorf("the repeat returned %q, %v; want the first group %q", again.GetId(), err, first.GetId())
	}
	colleague, err := create(as("collega", "council_member@GM0396"), "dubbelklik-1")
	if err != nil || colleague.GetId() == first.GetId() {
		t.Errorf("another caller's key returned %q, %v; want a group of their own", colleague.GetId(), err)
	}

	ss := &pb.Session{StartTime: timestamppb.New(time.Now().Add(72 * time.Hour)), EndTime: timestamppb.New(time.Now().Add(74 * time.Hour)),
		OnlineUrl: "https://meet.example/fg"}
	for _, key := range []string{strings.Repeat("k", 65), "met spatie", "sleutel-é"} {
		_, err := create(raadslid, key)
		if got := fields(err); errs.CodeOf(err) != errs.Invalid || !slices.Equal(got, []string{"/idempotencyKey"}) {
			t.Errorf("create with key %q: got %v naming %v, want invalid naming /idempotencyKey", key, err, got)
		}
		_, err = f.srv.ScheduleSession(raadslid, &pb.ScheduleSessionRequest{FocusGroupId: first.GetId(), Session: ss, IdempotencyKey: key})
		if got := fields(err); errs.CodeOf(err) != errs.Invalid || !slices.Equal(got, []string{"/idempotencyKey"}) {
			t.Errorf("schedule with key %q: got %v naming %v, want invalid naming /idempotencyKey", key, err, got)
		}
		_, err = f.srv.InviteResidents(raadslid, &pb.InviteResidentsRequest{FocusGroupId: first.GetId(), IdempotencyKey: key,
			Invitees: []*pb.GroupInvitee{{Email: "henk@example.nl", Name: "Henk", Role: "client"}}})
		if got := fields(err); errs.CodeOf(err) != errs.Invalid || !slices.Equal(got, []string{"/idempotencyKey"}) {
			t.Errorf("invite with key %q: got %v naming %v, want invalid naming /idempotencyKey", key, err, got)
		}
		_, err = f.srv.CreateFinding(raadslid, &pb.CreateFindingRequest{FocusGroupId: first.GetId(), IdempotencyKey: key,
			Finding: &pb.Finding{Statement: "Iets", Breadth: pb.FindingBreadth_FINDING_BREADTH_MOST}})
		if got := fields(err); errs.CodeOf(err) != errs.Invalid || !slices.Equal(got, []string{"/idempotencyKey"}) {
			t.Errorf("finding with key %q: got %v naming %v, want invalid naming /idempotencyKey", key, err, got)
		}
	}
	_, err = create(raadslid, strings.Repeat("k", 64))
	if err != nil {
		t.Errorf("a key of 64 characters: %v", err)
	}
}
