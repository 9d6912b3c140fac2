package api

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/meedoen/meedoen/internal/errs"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
)

const publicURL = "https://meedoen.example"

// panelFixture is the surveys API with its panels server, and Velsen
// known as a municipality.
type panelFixture struct {
	fixture
	panels *Panels
}

func newPanelFixture(t *testing.T) panelFixture {
	t.Helper()
	f := newFixture(t)
	if _, err := f.pool.Exec(context.Background(), `INSERT INTO tenant_municipalities (code, name, region_id, event_id)
VALUES ('GM0453', 'Velsen', 'ijmond', '0190f0e0-0000-7000-8000-000000000001')`); err != nil {
		t.Fatal(err)
	}
	return panelFixture{fixture: f, panels: NewPanels(store.New(f.pool), PanelsConfig{PublicURL: publicURL + "/", Neighbourhoods: demoHoods})}
}

func velsenSecretary() context.Context { return as("velsen-secretary", "secretary@GM0453") }

// mails returns the queued mails' address, kind and text, oldest first.
func (f panelFixture) mails(t *testing.T) []queuedMail {
	t.Helper()
	rows, err := f.pool.Query(context.Background(), `SELECT to_address, kind, text_body, unsubscribe_url FROM outgoing_mail ORDER BY created_at, id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []queuedMail
	for rows.Next() {
		var m queuedMail
		if err := rows.Scan(&m.to, &m.kind, &m.text, &m.unsubscribe); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

type queuedMail struct{ to, kind, text, unsubscribe string }

// linkToken returns the token of the first link to path in text.
func linkToken(t *testing.T, text, path string) string {
	t.Helper()
	m := regexp.MustCompile(regexp.QuoteMeta(publicURL+path) + `([A-Za-z0-9_-]+)`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no link to %s in:\n%s", path, text)
	}
	return m[1]
}

// sizes returns the member counts of the PanelSizeChanged events.
func (f panelFixture) sizes(t *testing.T) []int32 {
	t.Helper()
	var out []int32
	for _, e := range decoded(t, f.outbox(t, "panel.size_changed"), func() *eventsv1.PanelSizeChanged { return &eventsv1.PanelSizeChanged{} }) {
		if e.GetMunicipalityCode() != "GM0453" {
			t.Errorf("event for %q, want GM0453", e.GetMunicipalityCode())
		}
		out = append(out, e.GetMembers())
	}
	return out
}

// An import stores the good rows and reports every bad one with its line
// and column in Dutch and English; a second import of the same file adds
// nothing.
func TestImportPanelMembersReportsBadRowsAndStoresTheGood(t *testing.T) {
	t.Parallel()
	f := newPanelFixture(t)
	file := "\xef\xbb\xbfEmail;Postcode;Wijk;Leeftijdsgroep;Toestemming_datum\n" +
		"jan@velsen.example;1971ab;IJmuiden;66-75;05-01-2026\n" +
		"geen-adres;1971 AB;IJmuiden;66-75;05-01-2026\n" +
		"piet@velsen.example;;Driehuis;oud;05-01-2026\n" +
		"kees@velsen.example;;;;2026-01-04\n" +
		"KEES@velsen.example;;;;2026-01-04\n"
	req := &surveysv1.ImportPanelMembersRequest{MunicipalityCode: "GM0453", Csv: []byte(file), ConsentVersion: "2026-01"}
	got, err := f.panels.ImportPanelMembers(velsenOfficer(), req)
	if err != nil {
		t.Fatal(err)
	}
	want := &surveysv1.PanelImport{Rows: 5, Imported: 2, Duplicates: 1, Rejected: []*surveysv1.RejectedRow{
		{Line: 3, Column: "Email", Reason: &surveysv1.Text{Nl: "is geen e-mailadres", En: "is not an e-mail address"}},
		{Line: 4, Column: "Leeftijdsgroep", Reason: &surveysv1.Text{
			Nl: "moet een van deze zijn: 0-17, 18-26, 27-40, 41-65, 66-75, 76+", En: "must be one of 0-17, 18-26, 27-40, 41-65, 66-75, 76+"}},
	}}
	if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	again, err := f.panels.ImportPanelMembers(velsenOfficer(), req)
	if err != nil {
		t.Fatal(err)
	}
	if again.GetImported() != 0 || again.GetDuplicates() != 3 {
		t.Errorf("second import: %v; want nothing imported, 3 duplicates", again)
	}
	members, err := f.panels.ListPanelMembers(velsenSecretary(), &surveysv1.ListPanelMembersRequest{MunicipalityCode: "GM0453", PostcodePrefix: "1971"})
	if err != nil {
		t.Fatal(err)
	}
	if len(members.GetMembers()) != 1 || members.GetMembers()[0].GetPostcode() != "1971 AB" || members.GetMembers()[0].GetStatus() != surveysv1.PanelMemberStatus_PANEL_MEMBER_STATUS_ACTIVE {
		t.Errorf("members in 1971: %v", members.GetMembers())
	}
	if diff := cmp.Diff([]int32{2}, f.sizes(t)); diff != "" {
		t.Errorf("panel sizes announced (-want +got):\n%s", diff)
	}
}

// Double opt-in: a sign-up is pending and mailed a confirmation link;
// following it makes the member active and announces the panel's new
// size; signing up again answers the same and mails the owner, not the
// caller; the unsubscribe link in the mail erases the address.
func TestSignUpConfirmAndUnsubscribe(t *testing.T) {
	t.Parallel()
	f := newPanelFixture(t)
	ctx := resident()
	signUp := &surveysv1.SignUpRequest{MunicipalityCode: "GM0453", Email: "Anna@Velsen.example", Postcode: "1971ab",
		AgeBand: "27-40", ConsentVersion: "2026-01", Language: "en"}
	if _, err := f.panels.SignUp(ctx, signUp); err != nil {
		t.Fatal(err)
	}
	mails := f.mails(t)
	if len(mails) != 1 || mails[0].kind != "panel_confirm" || mails[0].to != "Anna@Velsen.example" {
		t.Fatalf("mails after sign-up: %+v", mails)
	}
	if !strings.HasPrefix(mails[0].text, "Beste inwoner") || !strings.Contains(mails[0].text, "Velsen") {
		t.Errorf("confirmation mail is not Dutch first about Velsen:\n%s", mails[0].text)
	}
	confirm := linkToken(t, mails[0].text, confirmPath)
	unsubscribe := linkToken(t, mails[0].text, unsubscribePath)
	if mails[0].unsubscribe != publicURL+unsubscribePath+unsubscribe {
		t.Errorf("List-Unsubscribe = %q", mails[0].unsubscribe)
	}
	if got := f.sizes(t); len(got) != 0 {
		t.Errorf("a pending sign-up announced sizes %v", got)
	}

	// Signing up again right away answers the same and mails nobody: an
	// address is not flooded.
	if _, err := f.panels.SignUp(ctx, signUp); err != nil {
		t.Fatal(err)
	}
	if n := len(f.mails(t)); n != 1 {
		t.Errorf("%d mails after signing up twice at once, want 1", n)
	}

	got, err := f.panels.ConfirmSignUp(ctx, &surveysv1.ConfirmSignUpRequest{Token: confirm})
	if err != nil {
		t.Fatal(err)
	}
	if got.GetMunicipalityCode() != "GM0453" {
		t.Errorf("confirmed for %q", got.GetMunicipalityCode())
	}
	if _, err := f.panels.ConfirmSignUp(ctx, &surveysv1.ConfirmSignUpRequest{Token: confirm}); codeOf(err) != errs.NotFound {
		t.Errorf("confirming twice: %v, want not found (single use)", err)
	}
	summary, err := f.panels.GetPanelSummary(velsenMember(), &surveysv1.GetPanelSummaryRequest{MunicipalityCode: "GM0453"})
	if err != nil {
		t.Fatal(err)
	}
	wantSummary := &surveysv1.PanelSummary{MunicipalityCode: "GM0453", Active: 1,
		AgeBands: []*surveysv1.PanelCount{{Value: "27-40", Members: 1}}, Neighbourhoods: []*surveysv1.PanelCount{{Value: "", Members: 1}}}
	if diff := cmp.Diff(wantSummary, summary, protocmp.Transform()); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}

	if _, err := f.panels.Unsubscribe(ctx, &surveysv1.UnsubscribeRequest{Token: unsubscribe}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.panels.Unsubscribe(ctx, &surveysv1.UnsubscribeRequest{Token: unsubscribe}); err != nil {
		t.Errorf("unsubscribing twice: %v, want fine", err)
	}
	if diff := cmp.Diff([]int32{1, 0}, f.sizes(t)); diff != "" {
		t.Errorf("panel sizes announced (-want +got):\n%s", diff)
	}
	list, err := f.panels.ListPanelMembers(velsenOfficer(), &surveysv1.ListPanelMembersRequest{MunicipalityCode: "GM0453"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.GetMembers()) != 1 {
		t.Fatalf("members: %v, want the tombstone", list.GetMembers())
	}
	tomb := list.GetMembers()[0]
	if tomb.GetEmail() != "" || tomb.GetPostcode() != "" || tomb.GetAgeBand() != "" ||
		tomb.GetStatus() != surveysv1.PanelMemberStatus_PANEL_MEMBER_STATUS_UNSUBSCRIBED {
		t.Errorf("after unsubscribing the member keeps %v", tomb)
	}
	export, err := f.panels.ExportPanelMember(velsenOfficer(), &surveysv1.ExportPanelMemberRequest{MunicipalityCode: "GM0453", Id: tomb.GetId()})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []surveysv1.ConsentEventKind
	for _, c := range export.GetConsents() {
		kinds = append(kinds, c.GetKind())
	}
	wantKinds := []surveysv1.ConsentEventKind{surveysv1.ConsentEventKind_CONSENT_EVENT_KIND_GIVEN,
		surveysv1.ConsentEventKind_CONSENT_EVENT_KIND_CONFIRMED, surveysv1.ConsentEventKind_CONSENT_EVENT_KIND_WITHDRAWN}
	if diff := cmp.Diff(wantKinds, kinds); diff != "" {
		t.Errorf("consent history (-want +got):\n%s", diff)
	}

	// An old import file cannot bring the address back.
	rep, err := f.panels.ImportPanelMembers(velsenOfficer(), &surveysv1.ImportPanelMembersRequest{MunicipalityCode: "GM0453",
		Csv: []byte("email,consent_date\nanna@velsen.example,2026-01-01\n"), ConsentVersion: "2025-12"})
	if err != nil {
		t.Fatal(err)
	}
	if rep.GetImported() != 0 || len(rep.GetRejected()) != 1 || rep.GetRejected()[0].GetLine() != 2 {
		t.Errorf("re-import of an unsubscribed address: %v", rep)
	}
}

// Inviting a panel mails each active member a single-use link once, which
// opens the poll; an erased member's invitation stays, unlinked.
func TestInvitePanelMailsLinksOnceAndSurvivesErasure(t *testing.T) {
	t.Parallel()
	f := newPanelFixture(t)
	p := f.opened(t, velsenMember(), panelPoll())
	if _, err := f.panels.ImportPanelMembers(velsenOfficer(), &surveysv1.ImportPanelMembersRequest{MunicipalityCode: "GM0453",
		Csv: []byte("email;leeftijdsgroep;toestemming_datum\na@velsen.example;18-26;2026-01-05\nb@velsen.example;76+;2026-01-05\n"), ConsentVersion: "2026-01"}); err != nil {
		t.Fatal(err)
	}
	req := &surveysv1.InvitePanelRequest{PollId: p.GetId()}
	if _, err := f.panels.InvitePanel(velsenOfficer(), req); codeOf(err) != errs.PermissionDenied {
		t.Errorf("a policy officer invited: %v, want permission denied (council work)", err)
	}
	if _, err := f.panels.InvitePanel(beverwijkChair(), req); codeOf(err) != errs.NotFound {
		t.Errorf("Beverwijk's chair invited Velsen's panel: %v, want not found", err)
	}
	for _, want := range []*surveysv1.InvitePanelResponse{{Invited: 2}, {AlreadyInvited: 2}} {
		got, err := f.panels.InvitePanel(velsenMember(), req)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
			t.Errorf("InvitePanel (-want +got):\n%s", diff)
		}
	}
	var invitations []string
	for _, m := range f.mails(t) {
		if m.kind == "invitation" {
			invitations = append(invitations, m.to)
			token := linkToken(t, m.text, invitationPath)
			got, err := f.srv.GetPollForRespondent(resident(), &surveysv1.GetPollForRespondentRequest{
				Link: &surveysv1.GetPollForRespondentRequest_InvitationToken{InvitationToken: token}})
			if err != nil {
				t.Errorf("the link mailed to %s does not open the poll: %v", m.to, err)
			} else if got.GetId() != p.GetId() {
				t.Errorf("the link mailed to %s opens %s", m.to, got.GetId())
			}
		}
	}
	if diff := cmp.Diff([]string{"a@velsen.example", "b@velsen.example"}, invitations, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("invited (-want +got):\n%s", diff)
	}

	list, err := f.panels.ListPanelMembers(velsenOfficer(), &surveysv1.ListPanelMembersRequest{MunicipalityCode: "GM0453", AgeBand: "76+"})
	if err != nil || len(list.GetMembers()) != 1 {
		t.Fatalf("members aged 76+: %v, %v", list, err)
	}
	id := list.GetMembers()[0].GetId()
	export, err := f.panels.ExportPanelMember(velsenSecretary(), &surveysv1.ExportPanelMemberRequest{MunicipalityCode: "GM0453", Id: id})
	if err != nil {
		t.Fatal(err)
	}
	if len(export.GetInvitations()) != 1 || export.GetInvitations()[0].GetPollTitle().GetNl() != "Eenzaamheid in Velsen" {
		t.Errorf("export's invitations: %v", export.GetInvitations())
	}
	erased, err := f.panels.ErasePanelMember(velsenOfficer(), &surveysv1.ErasePanelMemberRequest{MunicipalityCode: "GM0453", Id: id})
	if err != nil || erased.GetInvitationsUnlinked() != 1 {
		t.Fatalf("ErasePanelMember = %v, %v; want 1 invitation unlinked", erased, err)
	}
	if n := f.count(t, `SELECT count(*) FROM invitations WHERE poll_id = $1 AND panel_member_id IS NULL AND age_band = '76+'`, p.GetId()); n != 1 {
		t.Errorf("%d unlinked invitations of the erased member, want 1", n)
	}
	if _, err := f.panels.GetPanelMember(velsenOfficer(), &surveysv1.GetPanelMemberRequest{MunicipalityCode: "GM0453", Id: id}); codeOf(err) != errs.NotFound {
		t.Errorf("the erased member: %v, want not found", err)
	}
}

// A panel's members are for its own municipality's keepers: other
// municipalities' staff are told it does not exist, the council's members
// and the region's coordinator see only its size.
func TestPanelMembersAreForTheirMunicipalitysKeepers(t *testing.T) {
	t.Parallel()
	f := newPanelFixture(t)
	if _, err := f.panels.ImportPanelMembers(velsenOfficer(), &surveysv1.ImportPanelMembersRequest{MunicipalityCode: "GM0453",
		Csv: []byte("email;toestemming_datum\na@velsen.example;2026-01-05\n"), ConsentVersion: "2026-01"}); err != nil {
		t.Fatal(err)
	}
	list := &surveysv1.ListPanelMembersRequest{MunicipalityCode: "GM0453"}
	for _, tc := range []struct {
		name        string
		ctx         context.Context
		members     errs.Code
		summary     errs.Code
		wantMembers int
	}{
		{"Velsen's policy officer", velsenOfficer(), "", "", 1},
		{"Velsen's secretary", velsenSecretary(), "", "", 1},
		{"a Velsen council member", velsenMember(), errs.PermissionDenied, "", 0},
		{"Beverwijk's chair", beverwijkChair(), errs.NotFound, errs.NotFound, 0},
		// Plans shared polls with the region's panels: their numbers, never
		// their members.
		{"the IJmond coordinator", coordinator(), errs.NotFound, "", 0},
		{"another region's coordinator", as("zk-coordinator", "regional_coordinator@zuid-kennemerland"), errs.NotFound, errs.NotFound, 0},
		{"a platform admin", platformAdmin(), "", "", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := f.panels.ListPanelMembers(tc.ctx, list)
			if codeOf(err) != tc.members || len(got.GetMembers()) != tc.wantMembers {
				t.Errorf("ListPanelMembers = %d members, %v; want %d, %q", len(got.GetMembers()), err, tc.wantMembers, tc.members)
			}
			if _, err := f.panels.GetPanelSummary(tc.ctx, &surveysv1.GetPanelSummaryRequest{MunicipalityCode: "GM0453"}); codeOf(err) != tc.summary {
				t.Errorf("GetPanelSummary: %v, want %q", err, tc.summary)
			}
		})
	}
}
