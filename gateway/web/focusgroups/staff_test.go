package focusgroups

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/meedoen/meedoen/gateway/web/webtest"
	focusgroupsv1 "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
)

// staffSite serves the pages over fresh fakes.
func staffSite(t *testing.T) (*Site, *fakes) {
	t.Helper()
	fk := newFakes(t)
	return newSite(t, fk.cfg), fk
}

var chair = &webtest.VelsenChair

const (
	base       = "/focusgroepen/" + groupID
	sessionURI = base + "/bijeenkomsten/" + sessionID
)

func TestStaffPagesRender(t *testing.T) {
	t.Parallel()
	site, _ := staffSite(t)
	tests := []struct {
		name, target string
		wants        []string
	}{
		{"groups", "/focusgroepen", []string{"Focusgroepen van Velsen", "Mantelzorg in Velsen", "Actief", "Mantelzorg", "6 leden, 4 plaatsen",
			"Minimaregelingen in de IJmond", "Regionaal: IJmond"}},
		{"new group", "/focusgroepen/nieuw", []string{"Focusgroep vormen", "Respijtzorg voor mantelzorgers", `id="zetels-client"`, "Plaatsen in totaal"}},
		{"group", base, []string{"<title>Mantelzorg in Velsen · Meedoen</title>", "<dd class=\"utrecht-data-list__item-value utrecht-data-list__item-value--html-dd\">Velsen</dd>", "Cliënt, Mantelzorger", "Plaatsen per rol", "Fatma Yilmaz", "Sleutelfiguur (1)",
			"dinsdag 12 januari 2027, 19:00–21:00", "Komen: 2 · wachtlijst: 1 · misschien: 1 · niet: 1", "Afgezegd"}},
		{"invite", base + "/uitnodigen", []string{"Inwoners uitnodigen", "Eén persoon per regel"}},
		{"add member", base + "/leden/nieuw", []string{"Lid toevoegen", "Hoe gaf de inwoner toestemming?"}},
		{"new session", base + "/bijeenkomsten/nieuw", []string{"Bijeenkomst plannen", `type="date"`, `type="time"`, "Nederlandse tijd"}},
		{"session", sessionURI, []string{"Bijeenkomst van dinsdag 12 januari 2027, 19:00–21:00", "Komen (2)", "Fatma Yilmaz (Cliënt) · heeft nodig: Rolstoeltoegang · Ik kom met de scootmobiel.",
			"Wachtlijst Mantelzorger", "Henk Smit een plaats geven", "Misschien (1)", "Komen niet (1)", sessionURI + "/afzeggen",
			"Nog geen antwoord (1)", "Wim Kramer (Ervaringsdeskundige)"}},
		{"edit session", sessionURI + "/bewerken", []string{"Bijeenkomst wijzigen", `value="2027-01-12"`, `value="19:00"`, `value="21:00"`, `name="versie" value="s1"`}},
		{"cancel", sessionURI + "/afzeggen", []string{"Bijeenkomst afzeggen", "Ja, bijeenkomst afzeggen", "Nee, bijeenkomst houden"}},
		{"promote", sessionURI + "/wachtlijst/" + henkID, []string{"Henk Smit een plaats geven", "nummer 1 op de wachtlijst voor de rol Mantelzorger"}},
		{"attendance", sessionURI + "/aanwezigheid", []string{"Aanwezigheid", `id="aanwezig-m-fatma"`, `id="aanwezig-m-henk"`, `id="aanwezig-m-sanne"`, `id="inloop-client"`, "Vastleggen als gehouden"}},
		{"print", sessionURI + "/presentielijst", []string{"Presentielijst Mantelzorg in Velsen", `class="mdn-print"`, "Anne de Vries", "Fatma Yilmaz"}},
		{"findings", base + "/bevindingen", []string{"Mantelzorgers weten niet waar ze respijtzorg kunnen aanvragen.", "met naam (Fatma Yilmaz)", "alleen binnen de groep", "Vastgesteld", "De meesten"}},
		{"new finding", base + "/bevindingen/nieuw", []string{"Bevinding", "Citaat 1", "Citaat 2", "Meerdere bijeenkomsten"}},
		{"edit finding", base + "/bevindingen/" + draftID, []string{"Ik heb drie loketten gebeld", `name="citaat-id-0" value="q-1"`, "Citaat 5"}},
		{"agree", base + "/bevindingen/" + draftID + "/akkoord", []string{"Vaststellen en publiceren", "(Fatma Yilmaz)", "(anoniem)", "1 citaat blijft binnen de groep"}},
		// Internal quotes stay within the group: the staff who manage it
		// see them, the published view never does.
		{"agreed quotes", base + "/bevindingen", []string{"Mijn buurman zegt"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp, body := webtest.Send(t, site, webtest.Request{Target: tc.target, As: chair})
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d, want 200", resp.StatusCode)
			}
			webtest.MustContain(t, body, tc.wants...)
			webtest.MustNotContain(t, body, "fg.", "fgm.", "Jeugdhulp in Heemskerk")
		})
	}
}

func TestStaffPagesSpeakEnglish(t *testing.T) {
	t.Parallel()
	site, _ := staffSite(t)
	_, body := webtest.Send(t, site, webtest.Request{Target: sessionURI, As: chair, Lang: "en"})
	webtest.MustContain(t, body, "Session of Tuesday 12 January 2027, 19:00–21:00", "Waitlist Informal carer", "Give Henk Smit a seat")
}

func TestStaffPagesNeedALogin(t *testing.T) {
	t.Parallel()
	site, fk := staffSite(t)
	resp, _ := webtest.Send(t, site, webtest.Request{Target: base})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/auth/login") {
		t.Errorf("anonymous: status %d to %q, want 303 to log in", resp.StatusCode, resp.Header.Get("Location"))
	}
	if n := fk.groups.CallsOf("GetFocusGroup"); n != 0 {
		t.Errorf("the service was called %d times for an anonymous visitor", n)
	}
}

func TestAGroupOfAnotherTenantIsNotFound(t *testing.T) {
	t.Parallel()
	site, _ := staffSite(t)
	resp, _ := webtest.Send(t, site, webtest.Request{Target: "/focusgroepen/fg-elders", As: chair})
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("status = %d, want 404", resp.StatusCode)
	}
}

func TestFormingAGroupSendsItsSeats(t *testing.T) {
	t.Parallel()
	site, fk := staffSite(t)
	form := url.Values{
		fProcess: {"p-mantelzorg"}, fName: {" Respijt in Velsen "}, fPurpose: {"Wat helpt?"}, fPlanned: {"3"},
		"zetels-client": {"4"}, "zetels-key_figure": {"2"}, "zetels-council_member": {"2"}, "zetels-policy_officer": {"1"}, fTotal: {""},
	}
	resp, _ := webtest.Send(t, site, webtest.Request{Target: "/focusgroepen/nieuw", As: chair, Form: form})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(resp.Header.Get("Location"), "?gelukt=gevormd") {
		t.Fatalf("status %d to %q, want 303 to the new group", resp.StatusCode, resp.Header.Get("Location"))
	}
	got := fk.groups.Request("CreateFocusGroup").(*focusgroupsv1.CreateFocusGroupRequest)
	want := &focusgroupsv1.CreateFocusGroupRequest{FocusGroup: &focusgroupsv1.FocusGroup{
		ProcessId: "p-mantelzorg", Name: "Respijt in Velsen", Purpose: "Wat helpt?", PlannedSessions: 3,
		Seats: []*focusgroupsv1.SeatGroup{
			{Roles: []string{"client"}, Seats: 4}, {Roles: []string{"key_figure"}, Seats: 2},
			{Roles: []string{"council_member"}, Seats: 2}, {Roles: []string{"policy_officer"}, Seats: 1},
		},
	}}
	if diff := cmp.Diff(want, got, protocmp.Transform(), ignoreKeys); diff != "" {
		t.Errorf("CreateFocusGroup (-want +got):\n%s", diff)
	}
}

func TestFormingAGroupWithBadInputSendsNothing(t *testing.T) {
	t.Parallel()
	site, fk := staffSite(t)
	form := url.Values{fProcess: {""}, fName: {"  "}, fPlanned: {"drie"}, "zetels-client": {"-1"}, "zetels-key_figure": {"2"}, fTotal: {"1"}}
	resp, body := webtest.Send(t, site, webtest.Request{Target: "/focusgroepen/nieuw", As: chair, Form: form})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("status = %d, want 422", resp.StatusCode)
	}
	want := [][2]string{
		{"#traject", "Traject: Kies het traject waarvoor de groep werkt."},
		{"#naam", "Naam: Vul dit in."},
		{"#bijeenkomsten", "Geplande bijeenkomsten: Vul een heel getal in van 0 tot 50."},
		{"#zetels-client", "Cliënt: Vul een heel getal in van 0 tot 500."},
		{"#totaal", "Plaatsen in totaal: Het totaal is kleiner dan de plaatsen van één rol. Maak het groter of laat het leeg."},
	}
	if diff := cmp.Diff(want, webtest.SummaryOf(t, body)); diff != "" {
		t.Errorf("error summary (-want +got):\n%s", diff)
	}
	webtest.MustContain(t, body, "<title>Fout: ", `id="naam-fout"`, `aria-invalid="true"`)
	if strings.Index(body, "<h1") > strings.Index(body, `id="fouten"`) {
		t.Error("the error summary comes before the h1")
	}
	if n := fk.groups.CallsOf("CreateFocusGroup"); n != 0 {
		t.Errorf("CreateFocusGroup called %d times, want none", n)
	}
}

func TestFormingAGroupShowsTheServiceObjections(t *testing.T) {
	t.Parallel()
	site, fk := staffSite(t)
	fk.groups.FailWith("CreateFocusGroup", webtest.Invalid("/focusGroup/name", "must be at most 200 characters", "/focusGroup/seats/1/seats", "must be from 1 to 500"))
	form := url.Values{fProcess: {"p-mantelzorg"}, fName: {"x"}}
	resp, body := webtest.Send(t, site, webtest.Request{Target: "/focusgroepen/nieuw", As: chair, Form: form})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("status = %d, want 422", resp.StatusCode)
	}
	want := [][2]string{{"#naam", "Naam: Dit mag hoogstens 200 tekens lang zijn."}, {"#zetels-client", "Plaatsen per rol: Kies een getal van 1 tot en met 500."}}
	if diff := cmp.Diff(want, webtest.SummaryOf(t, body)); diff != "" {
		t.Errorf("error summary (-want +got):\n%s", diff)
	}
}

func TestSchedulingReadsAmsterdamTime(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, day, start, end string
		wantStart, wantEnd    string
	}{
		{"winter time", "2027-01-19", "19:30", "21:00", "2027-01-19T18:30:00Z", "2027-01-19T20:00:00Z"},
		{"summer time", "2027-06-15", "09:00", "12:15", "2027-06-15T07:00:00Z", "2027-06-15T10:15:00Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			site, fk := staffSite(t)
			form := url.Values{fDay: {tc.day}, fStart: {tc.start}, fEnd: {tc.end}, fAddress: {"Bibliotheek IJmuiden"}, fOnline: {""}, fCapacity: {"6"}, fAgenda: {"Kennismaken"}}
			resp, _ := webtest.Send(t, site, webtest.Request{Target: base + "/bijeenkomsten/nieuw", As: chair, Form: form})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("status = %d, want 303", resp.StatusCode)
			}
			got := fk.groups.Request("ScheduleSession").(*focusgroupsv1.ScheduleSessionRequest)
			want := &focusgroupsv1.ScheduleSessionRequest{FocusGroupId: groupID, Session: &focusgroupsv1.Session{
				StartTime: webtest.At(tc.wantStart), EndTime: webtest.At(tc.wantEnd),
				Place: &focusgroupsv1.Place{Address: "Bibliotheek IJmuiden"}, Agenda: "Kennismaken", Capacity: 6,
			}}
			if diff := cmp.Diff(want, got, protocmp.Transform(), ignoreKeys); diff != "" {
				t.Errorf("ScheduleSession (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSchedulingWithBadInputSendsNothing(t *testing.T) {
	t.Parallel()
	tomorrow := time.Now().In(amsterdam).AddDate(0, 0, 1).Format(time.DateOnly)
	tests := []struct {
		name string
		form url.Values
		want [][2]string
	}{
		{"nothing filled in", url.Values{}, [][2]string{
			{"#datum", "Datum: Vul een datum in, zoals 2027-03-14."},
			{"#begin", "Begintijd: Vul een tijd in, zoals 19:30."},
			{"#einde", "Eindtijd: Vul een tijd in, zoals 19:30."},
			{"#adres", "Adres: Vul een adres, een link om online mee te doen of allebei in."},
		}},
		{"ends before it starts", url.Values{fDay: {tomorrow}, fStart: {"20:00"}, fEnd: {"19:00"}, fOnline: {"https://meet.example.org/x"}}, [][2]string{
			{"#einde", "Eindtijd: De eindtijd moet na de begintijd liggen."},
		}},
		{"longer than twelve hours", url.Values{fDay: {tomorrow}, fStart: {"07:00"}, fEnd: {"23:30"}, fAddress: {"Stadhuis"}}, [][2]string{
			{"#einde", "Eindtijd: Een bijeenkomst duurt hoogstens 12 uur."},
		}},
		{"in the past", url.Values{fDay: {"2020-03-02"}, fStart: {"19:00"}, fEnd: {"21:00"}, fAddress: {"Stadhuis"}}, [][2]string{
			{"#datum", "Datum: De bijeenkomst ligt in het verleden. Kies een moment dat nog moet komen."},
		}},
		{"a link that is no web address", url.Values{fDay: {tomorrow}, fStart: {"19:00"}, fEnd: {"21:00"}, fOnline: {"javascript:alert(1)"}, fCapacity: {"veel"}}, [][2]string{
			{"#online", "Link om online mee te doen: Vul een link in die begint met https://."},
			{"#capaciteit", "Plaatsen voor deze bijeenkomst: Vul een heel getal in van 0 tot 500."},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			site, fk := staffSite(t)
			for _, target := range []string{base + "/bijeenkomsten/nieuw", sessionURI + "/bewerken"} {
				resp, body := webtest.Send(t, site, webtest.Request{Target: target, As: chair, Form: tc.form})
				if resp.StatusCode != http.StatusUnprocessableEntity {
					t.Errorf("%s: status = %d, want 422", target, resp.StatusCode)
				}
				if diff := cmp.Diff(tc.want, webtest.SummaryOf(t, body)); diff != "" {
					t.Errorf("%s: error summary (-want +got):\n%s", target, diff)
				}
			}
			if n := fk.groups.CallsOf("ScheduleSession") + fk.groups.CallsOf("UpdateSession"); n != 0 {
				t.Errorf("the session was sent %d times, want none", n)
			}
		})
	}
}

func TestEditingASessionSendsItsVersion(t *testing.T) {
	t.Parallel()
	site, fk := staffSite(t)
	form := url.Values{fDay: {"2027-01-19"}, fStart: {"19:00"}, fEnd: {"21:00"}, fAddress: {"Buurthuis De Stek"}, fEtag: {"s1"}}
	resp, _ := webtest.Send(t, site, webtest.Request{Target: sessionURI + "/bewerken", As: chair, Form: form})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != sessionURI+"?gelukt=gewijzigd" {
		t.Fatalf("status %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	got := fk.groups.Request("UpdateSession").(*focusgroupsv1.UpdateSessionRequest)
	if got.GetSession().GetEtag() != "s1" || got.GetId() != sessionID || len(got.GetUpdateMask().GetPaths()) != 6 {
		t.Errorf("UpdateSession = %v", got)
	}

	// Someone changed it meanwhile: the form comes back, said so.
	form.Set(fEtag, "old")
	resp, body := webtest.Send(t, site, webtest.Request{Target: sessionURI + "/bewerken", As: chair, Form: form})
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("status = %d, want 409", resp.StatusCode)
	}
	webtest.MustContain(t, body, "Iemand anders heeft dit intussen gewijzigd.")
}

func TestCancellingIsConfirmedOnAPageOfItsOwn(t *testing.T) {
	t.Parallel()
	site, fk := staffSite(t)
	_, page := webtest.Send(t, site, webtest.Request{Target: sessionURI, As: chair})
	if strings.Contains(page, `action="`+sessionURI+`/afzeggen"`) {
		t.Error("the session's page cancels without a confirmation")
	}
	resp, _ := webtest.Send(t, site, webtest.Request{Target: sessionURI + "/afzeggen", As: chair, Form: url.Values{"reden": {" De zaal is dicht. "}}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != sessionURI+"?gelukt=afgezegd" {
		t.Fatalf("status %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	got := fk.groups.Request("CancelSession").(*focusgroupsv1.CancelSessionRequest)
	if got.GetReason() != "De zaal is dicht." || got.GetId() != sessionID {
		t.Errorf("CancelSession = %v", got)
	}
	_, body := webtest.Send(t, site, webtest.Request{Target: sessionURI + "?gelukt=afgezegd", As: chair})
	webtest.MustContain(t, body, "De bijeenkomst is afgezegd.", "Reden van afzeggen: De zaal is dicht.")
	webtest.MustNotContain(t, body, sessionURI+"/bewerken")
}

func TestPromotionNeedsAReasonAndIsRecorded(t *testing.T) {
	t.Parallel()
	site, fk := staffSite(t)
	target := sessionURI + "/wachtlijst/" + henkID
	resp, body := webtest.Send(t, site, webtest.Request{Target: target, As: chair, Form: url.Values{"reden": {" "}}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("status = %d, want 422", resp.StatusCode)
	}
	if diff := cmp.Diff([][2]string{{"#reden", "Reden: Vul de reden in. Die wordt vastgelegd."}}, webtest.SummaryOf(t, body)); diff != "" {
		t.Errorf("error summary (-want +got):\n%s", diff)
	}
	if n := fk.groups.CallsOf("PromoteFromWaitlist"); n != 0 {
		t.Fatalf("PromoteFromWaitlist called %d times without a reason", n)
	}
	resp, _ = webtest.Send(t, site, webtest.Request{Target: target, As: chair, Form: url.Values{"reden": {"Tolk geregeld voor deze avond."}}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("status = %d, want 303", resp.StatusCode)
	}
	got := fk.groups.Request("PromoteFromWaitlist").(*focusgroupsv1.PromoteFromWaitlistRequest)
	if got.GetMemberId() != henkID || got.GetReason() != "Tolk geregeld voor deze avond." {
		t.Errorf("PromoteFromWaitlist = %v", got)
	}
	_, body = webtest.Send(t, site, webtest.Request{Target: sessionURI + "?gelukt=plekgegeven", As: chair})
	webtest.MustContain(t, body, "Het lid heeft een plaats gekregen.", "Plaats gegeven door Fatima El Amrani op 5 januari 2027, 10:30: Tolk geregeld voor deze avond.", "Niemand staat op een wachtlijst.")
}

func TestAttendanceSheetSendsTheWholeSheet(t *testing.T) {
	t.Parallel()
	site, fk := staffSite(t)
	form := url.Values{fPresent: {fatmaID, sanneID}, "inloop-client": {"2"}, "inloop-informal_carer": {""}, "inloop-key_figure": {"0"}}
	resp, _ := webtest.Send(t, site, webtest.Request{Target: sessionURI + "/aanwezigheid", As: chair, Form: form})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("status = %d, want 303", resp.StatusCode)
	}
	got := fk.groups.Request("RecordAttendance").(*focusgroupsv1.RecordAttendanceRequest)
	want := &focusgroupsv1.RecordAttendanceRequest{FocusGroupId: groupID, SessionId: sessionID, Attendance: &focusgroupsv1.Attendance{
		Members: []*focusgroupsv1.MemberAttendance{
			{MemberId: fatmaID, Present: true}, {MemberId: joopID}, {MemberId: henkID}, {MemberId: sanneID, Present: true},
		},
		WalkIns: []*focusgroupsv1.WalkIns{{Role: "client", Count: 2}},
	}}
	if diff := cmp.Diff(want, got, protocmp.Transform(), ignoreKeys); diff != "" {
		t.Errorf("RecordAttendance (-want +got):\n%s", diff)
	}
	_, body := webtest.Send(t, site, webtest.Request{Target: sessionURI + "/aanwezigheid?gelukt=aanwezigheid", As: chair})
	webtest.MustContain(t, body, "De aanwezigheid is opgeslagen.", "Aanwezig: 4 · Cliënt: 3 · Sleutelfiguur: 1", `value="m-fatma" checked`)

	resp, body = webtest.Send(t, site, webtest.Request{Target: sessionURI + "/aanwezigheid", As: chair, Form: url.Values{"inloop-client": {"twee"}}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("status = %d, want 422", resp.StatusCode)
	}
	if diff := cmp.Diff([][2]string{{"#inloop-client", "Cliënt: Vul een heel getal in van 0 tot 500."}}, webtest.SummaryOf(t, body)); diff != "" {
		t.Errorf("error summary (-want +got):\n%s", diff)
	}
	if n := fk.groups.CallsOf("RecordAttendance"); n != 1 {
		t.Errorf("RecordAttendance called %d times, want 1", n)
	}
}

func TestMarkingASessionHeld(t *testing.T) {
	t.Parallel()
	site, fk := staffSite(t)
	fk.groups.FailWith("CompleteSession", webtest.Unmet("the session has not started"))
	resp, body := webtest.Send(t, site, webtest.Request{Target: sessionURI + "/gehouden", As: chair, Form: url.Values{}})
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("status = %d, want 409", resp.StatusCode)
	}
	webtest.MustContain(t, body, "ze moet begonnen zijn")
	fk.groups.FailWith("CompleteSession", nil)
	resp, _ = webtest.Send(t, site, webtest.Request{Target: sessionURI + "/gehouden", As: chair, Form: url.Values{}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != sessionURI+"/aanwezigheid?gelukt=gehouden" {
		t.Errorf("status %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestFindingsKeepEachQuotesConsent(t *testing.T) {
	t.Parallel()
	site, fk := staffSite(t)
	form := url.Values{
		fStatement: {"Respijtzorg is onbekend."}, fBreadth: {"meesten"}, fSession: {sessionID},
		"citaat-0": {"Ik wist niet dat het bestond."}, "toestemming-0": {"naam"}, "spreker-0": {"Joop de Boer"},
		"citaat-1": {"Niemand vertelde het me."}, "toestemming-1": {"anoniem"}, "spreker-1": {"Henk Smit"},
		"citaat-2": {"Dat zeg ik alleen hier."}, "toestemming-2": {"intern"},
		"citaat-3": {""}, "toestemming-3": {"naam"},
	}
	resp, _ := webtest.Send(t, site, webtest.Request{Target: base + "/bevindingen/nieuw", As: chair, Form: form})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("status = %d, want 303", resp.StatusCode)
	}
	got := fk.groups.Request("CreateFinding").(*focusgroupsv1.CreateFindingRequest)
	want := &focusgroupsv1.CreateFindingRequest{FocusGroupId: groupID, Finding: &focusgroupsv1.Finding{
		SessionId: sessionID, Statement: "Respijtzorg is onbekend.", Breadth: focusgroupsv1.FindingBreadth_FINDING_BREADTH_MOST,
		Quotes: []*focusgroupsv1.Quote{
			{Text: "Ik wist niet dat het bestond.", Consent: focusgroupsv1.QuoteConsent_QUOTE_CONSENT_NAMED, SpeakerName: "Joop de Boer"},
			// An anonymous speaker's name is not kept, even when typed.
			{Text: "Niemand vertelde het me.", Consent: focusgroupsv1.QuoteConsent_QUOTE_CONSENT_ANONYMOUS},
			{Text: "Dat zeg ik alleen hier.", Consent: focusgroupsv1.QuoteConsent_QUOTE_CONSENT_INTERNAL},
		},
	}}
	if diff := cmp.Diff(want, got, protocmp.Transform(), ignoreKeys); diff != "" {
		t.Errorf("CreateFinding (-want +got):\n%s", diff)
	}
}

func TestFindingWithBadInputSendsNothing(t *testing.T) {
	t.Parallel()
	site, fk := staffSite(t)
	form := url.Values{
		fStatement: {""},
		"citaat-0": {"Zonder toestemming."},
		"citaat-1": {"Met naam maar zonder naam."}, "toestemming-1": {"naam"},
	}
	resp, body := webtest.Send(t, site, webtest.Request{Target: base + "/bevindingen/" + draftID, As: chair, Form: form})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("status = %d, want 422", resp.StatusCode)
	}
	want := [][2]string{
		{"#bevinding", "Bevinding: Vul dit in."},
		{"#breedte-iedereen", "Hoe breed werd het gedeeld?: Kies hoe breed de bevinding gedeeld werd."},
		{"#toestemming-0-naam", "Kies wat de spreker toestond."},
		{"#spreker-1", "Vul de naam in waarmee de spreker geciteerd wil worden, of kies anoniem."},
	}
	if diff := cmp.Diff(want, webtest.SummaryOf(t, body)); diff != "" {
		t.Errorf("error summary (-want +got):\n%s", diff)
	}
	if n := fk.groups.CallsOf("UpdateFinding"); n != 0 {
		t.Errorf("UpdateFinding called %d times, want none", n)
	}
}

func TestAgreeingAFindingPublishesIt(t *testing.T) {
	t.Parallel()
	site, fk := staffSite(t)
	resp, _ := webtest.Send(t, site, webtest.Request{Target: base + "/bevindingen/" + draftID + "/akkoord", As: chair, Form: url.Values{}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != base+"/bevindingen?gelukt=akkoord" {
		t.Fatalf("status %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if got := fk.groups.Request("AgreeFinding").(*focusgroupsv1.AgreeFindingRequest); got.GetId() != draftID {
		t.Errorf("AgreeFinding = %v", got)
	}
	// An agreed finding's statement is fixed: its form has only its
	// quotes.
	_, body := webtest.Send(t, site, webtest.Request{Target: base + "/bevindingen/" + draftID, As: chair})
	webtest.MustContain(t, body, "Citaten van een vastgestelde bevinding", `name="weghalen-0"`)
	webtest.MustNotContain(t, body, `name="bevinding"`)
}

func TestAnAgreedFindingsQuotesOnlyNarrow(t *testing.T) {
	t.Parallel()
	site, fk := staffSite(t)
	target := base + "/bevindingen/" + agreedID
	_, body := webtest.Send(t, site, webtest.Request{Target: target, As: chair})
	// The anonymous quote may not become a named one.
	webtest.MustContain(t, body, `id="toestemming-0-naam"`, `id="toestemming-1-anoniem"`, `id="toestemming-1-intern"`)
	webtest.MustNotContain(t, body, `id="toestemming-1-naam"`)
	form := url.Values{fAgreed: {"ja"}, fEtag: {"f2"}, "toestemming-0": {"anoniem"}, "toestemming-1": {"naam"}, "weghalen-1": {"ja"}}
	resp, _ := webtest.Send(t, site, webtest.Request{Target: target, As: chair, Form: form})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("status = %d, want 303", resp.StatusCode)
	}
	got := fk.groups.Request("UpdateFinding").(*focusgroupsv1.UpdateFindingRequest)
	want := &focusgroupsv1.UpdateFindingRequest{FocusGroupId: groupID, Id: agreedID,
		Finding: &focusgroupsv1.Finding{Etag: "f2", Quotes: []*focusgroupsv1.Quote{
			// Narrowed to anonymous: the name goes.
			{Id: "q-4", Text: "Ik sta soms een uur te wachten.", Consent: focusgroupsv1.QuoteConsent_QUOTE_CONSENT_ANONYMOUS, MemberId: sanneID},
		}},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"quotes"}}}
	if diff := cmp.Diff(want, got, protocmp.Transform(), ignoreKeys); diff != "" {
		t.Errorf("UpdateFinding (-want +got):\n%s", diff)
	}

	// A wider consent posted anyway is not sent; a stale form is shown
	// again as the finding is now.
	resp, body = webtest.Send(t, site, webtest.Request{Target: target, As: chair, Form: form})
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("stale: status = %d, want 409", resp.StatusCode)
	}
	webtest.MustContain(t, body, "Iemand anders heeft dit intussen gewijzigd.")
	form = url.Values{fAgreed: {"ja"}, fEtag: {"f2+"}, "toestemming-0": {"naam"}}
	webtest.Send(t, site, webtest.Request{Target: target, As: chair, Form: form})
	got = fk.groups.Request("UpdateFinding").(*focusgroupsv1.UpdateFindingRequest)
	if c := got.GetFinding().GetQuotes()[0].GetConsent(); c != focusgroupsv1.QuoteConsent_QUOTE_CONSENT_ANONYMOUS {
		t.Errorf("a quote narrowed to anonymous was sent as %v", c)
	}
}

func TestInvitingResidents(t *testing.T) {
	t.Parallel()
	site, fk := staffSite(t)
	form := url.Values{fInvitees: {"Fatma Yilmaz, fatma@example.org\r\n\r\nKees Jansen <kees@example.org>\n"}, fRole: {"client"}, fLang: {"en"}}
	resp, _ := webtest.Send(t, site, webtest.Request{Target: base + "/uitnodigen", As: chair, Form: form})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("status = %d, want 303", resp.StatusCode)
	}
	got := fk.groups.Request("InviteResidents").(*focusgroupsv1.InviteResidentsRequest)
	want := &focusgroupsv1.InviteResidentsRequest{FocusGroupId: groupID, Invitees: []*focusgroupsv1.GroupInvitee{
		{Email: "fatma@example.org", Name: "Fatma Yilmaz", Role: "client", Language: "en"},
		{Email: "kees@example.org", Name: "Kees Jansen", Role: "client", Language: "en"},
	}}
	if diff := cmp.Diff(want, got, protocmp.Transform(), ignoreKeys); diff != "" {
		t.Errorf("InviteResidents (-want +got):\n%s", diff)
	}

	resp, body := webtest.Send(t, site, webtest.Request{Target: base + "/uitnodigen", As: chair, Form: url.Values{fInvitees: {"alleen@example.org"}}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("status = %d, want 422", resp.StatusCode)
	}
	want2 := [][2]string{
		{"#adressen", "Naam en e-mailadres: Regel 1 (“alleen@example.org”) heeft niet de vorm naam, e-mailadres."},
		{"#rol", "Rol: Kies een rol."},
	}
	if diff := cmp.Diff(want2, webtest.SummaryOf(t, body)); diff != "" {
		t.Errorf("error summary (-want +got):\n%s", diff)
	}
	if n := fk.groups.CallsOf("InviteResidents"); n != 1 {
		t.Errorf("InviteResidents called %d times, want 1", n)
	}
}

func TestAddingAResidentRecordsTheirConsent(t *testing.T) {
	t.Parallel()
	site, fk := staffSite(t)
	form := url.Values{fKind: {"inwoner"}, fRole: {"informal_carer"}, fName: {"Ria Kok"}, fEmail: {"ria@example.org"}, fLang: {"nl"},
		fConsentMethod: {"telefoon"}, fConsentDay: {"2026-11-30"}}
	resp, _ := webtest.Send(t, site, webtest.Request{Target: base + "/leden/nieuw", As: chair, Form: form})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("status = %d, want 303", resp.StatusCode)
	}
	got := fk.groups.Request("AddFocusGroupMember").(*focusgroupsv1.AddFocusGroupMemberRequest)
	want := &focusgroupsv1.AddFocusGroupMemberRequest{FocusGroupId: groupID, Member: &focusgroupsv1.GroupMember{
		Kind: focusgroupsv1.MemberKind_MEMBER_KIND_RESIDENT, Role: "informal_carer", Name: "Ria Kok", Email: "ria@example.org", Language: "nl",
		Consent: &focusgroupsv1.Consent{Method: focusgroupsv1.ConsentMethod_CONSENT_METHOD_PHONE, Time: webtest.At("2026-11-30T11:00:00Z")},
	}}
	if diff := cmp.Diff(want, got, protocmp.Transform(), ignoreKeys); diff != "" {
		t.Errorf("AddFocusGroupMember (-want +got):\n%s", diff)
	}

	resp, body := webtest.Send(t, site, webtest.Request{Target: base + "/leden/nieuw", As: chair, Form: url.Values{fKind: {"inwoner"}, fRole: {"client"}, fName: {"Piet"}, fConsentDay: {"2999-01-01"}}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("status = %d, want 422", resp.StatusCode)
	}
	want2 := [][2]string{
		{"#email", "E-mailadres: Vul het e-mailadres van de inwoner in."},
		{"#toestemming", "Hoe gaf de inwoner toestemming?: Kies hoe de inwoner toestemming gaf."},
		{"#toestemmingsdatum", "Datum van de toestemming: De datum van de toestemming ligt in de toekomst."},
	}
	if diff := cmp.Diff(want2, webtest.SummaryOf(t, body)); diff != "" {
		t.Errorf("error summary (-want +got):\n%s", diff)
	}
	if n := fk.groups.CallsOf("AddFocusGroupMember"); n != 1 {
		t.Errorf("AddFocusGroupMember called %d times, want 1", n)
	}
}

func TestUnconfiguredServiceSaysSo(t *testing.T) {
	t.Parallel()
	site := newSite(t, Config{})
	resp, body := webtest.Send(t, site, webtest.Request{Target: "/focusgroepen", As: chair})
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("staff: status = %d, want 503", resp.StatusCode)
	}
	webtest.MustContain(t, body, "Focusgroepen zijn hier niet beschikbaar")
	resp, _ = webtest.Send(t, site, webtest.Request{Target: "/focusgroep/" + fatmaToken})
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("member: status = %d, want 503", resp.StatusCode)
	}
}

func TestPublishingShowsNoInternalQuote(t *testing.T) {
	t.Parallel()
	site, _ := staffSite(t)
	_, body := webtest.Send(t, site, webtest.Request{Target: base + "/bevindingen/" + draftID + "/akkoord", As: chair})
	webtest.MustNotContain(t, body, "Mijn buurman zegt")
}

func TestEndingAGroupOrAMembershipIsConfirmed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, target, method string
		form                 url.Values
		page                 []string
		location             string
		check                func(t *testing.T, fk *fakes)
	}{
		{"conclude", base + "/afronden", "ConcludeFocusGroup", url.Values{},
			[]string{"Mantelzorg in Velsen afronden", "Ja, focusgroep afronden"}, base + "?gelukt=afgerond", nil},
		{"dissolve", base + "/opheffen", "DissolveFocusGroup", url.Values{"reden": {" Geen deelnemers. "}},
			[]string{"Mantelzorg in Velsen opheffen", "Ja, focusgroep opheffen", `id="reden"`}, base + "?gelukt=opgeheven",
			func(t *testing.T, fk *fakes) {
				if got := fk.groups.Request("DissolveFocusGroup").(*focusgroupsv1.DissolveFocusGroupRequest); got.GetReason() != "Geen deelnemers." {
					t.Errorf("DissolveFocusGroup = %v", got)
				}
			}},
		{"remove", base + "/leden/" + joopID + "/verwijderen", "RemoveFocusGroupMember", url.Values{},
			[]string{"Joop de Boer uit de groep halen", "Ja, uit de groep halen"}, base + "?gelukt=verwijderd",
			func(t *testing.T, fk *fakes) {
				if got := fk.groups.Request("RemoveFocusGroupMember").(*focusgroupsv1.RemoveFocusGroupMemberRequest); got.GetId() != joopID {
					t.Errorf("RemoveFocusGroupMember = %v", got)
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			site, fk := staffSite(t)
			from := base
			if tc.name == "remove" {
				from = base + "/leden/" + joopID
			}
			_, page := webtest.Send(t, site, webtest.Request{Target: from, As: chair})
			webtest.MustContain(t, page, `href="`+tc.target+`"`)
			webtest.MustNotContain(t, page, `action="`+tc.target+`"`)
			resp, body := webtest.Send(t, site, webtest.Request{Target: tc.target, As: chair})
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("confirmation: status = %d", resp.StatusCode)
			}
			webtest.MustContain(t, body, tc.page...)
			if n := fk.groups.CallsOf(tc.method); n != 0 {
				t.Fatalf("%s called %d times before the confirmation", tc.method, n)
			}
			resp, _ = webtest.Send(t, site, webtest.Request{Target: tc.target, As: chair, Form: tc.form})
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != tc.location {
				t.Errorf("status %d to %q, want 303 to %q", resp.StatusCode, resp.Header.Get("Location"), tc.location)
			}
			if tc.check != nil {
				tc.check(t, fk)
			}
		})
	}
}

func TestDissolvingWithALongReasonSendsNothing(t *testing.T) {
	t.Parallel()
	site, fk := staffSite(t)
	resp, body := webtest.Send(t, site, webtest.Request{Target: base + "/opheffen", As: chair, Form: url.Values{"reden": {strings.Repeat("x", 501)}}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("status = %d, want 422", resp.StatusCode)
	}
	if diff := cmp.Diff([][2]string{{"#reden", "Reden: Gebruik hoogstens 500 tekens."}}, webtest.SummaryOf(t, body)); diff != "" {
		t.Errorf("error summary (-want +got):\n%s", diff)
	}
	if n := fk.groups.CallsOf("DissolveFocusGroup"); n != 0 {
		t.Errorf("DissolveFocusGroup called %d times", n)
	}
}

func TestPublishedFindingsKeepTheSpeakersConsent(t *testing.T) {
	t.Parallel()
	site, _ := staffSite(t)
	webtest.Send(t, site, webtest.Request{Target: base + "/bevindingen/" + draftID + "/akkoord", As: chair, Form: url.Values{}})
	resp, body := webtest.Send(t, site, webtest.Request{Target: base + "/bevindingen/gepubliceerd", As: chair})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d", resp.StatusCode)
	}
	webtest.MustContain(t, body, "De regiotaxi is voor mantelzorgers te onvoorspelbaar.", "“Ik heb drie loketten gebeld voordat iemand het wist.” (Fatma Yilmaz)",
		"“Vrij nemen voelt als mijn moeder in de steek laten.” (anoniem)")
	webtest.MustNotContain(t, body, "Mijn buurman zegt")
}

func TestEditingAGroupKeepsItsSharedSeats(t *testing.T) {
	t.Parallel()
	site, fk := staffSite(t)
	target := base + "/bewerken"
	_, body := webtest.Send(t, site, webtest.Request{Target: target, As: chair})
	webtest.MustContain(t, body, "Mantelzorg in Velsen wijzigen", `id="zetels-client--informal_carer"`, `value="2"`, `name="versie" value="g1"`, `id="zetels-experience_expert"`)
	webtest.MustNotContain(t, body, `id="traject"`, `id="zetels-client"`)
	form := url.Values{fEtag: {"g1"}, fName: {"Mantelzorg in Velsen"}, fPlanned: {"4"}, "zetels-client--informal_carer": {"3"}, "zetels-key_figure": {"1"},
		"zetels-council_member": {"1"}, fTotal: {"5"}}
	resp, _ := webtest.Send(t, site, webtest.Request{Target: target, As: chair, Form: form})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != base+"?gelukt=gewijzigdGroep" {
		t.Fatalf("status %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	got := fk.groups.Request("UpdateFocusGroup").(*focusgroupsv1.UpdateFocusGroupRequest)
	want := &focusgroupsv1.UpdateFocusGroupRequest{Id: groupID, FocusGroup: &focusgroupsv1.FocusGroup{
		Name: "Mantelzorg in Velsen", PlannedSessions: 4, TotalSeats: 5, Etag: "g1",
		Seats: []*focusgroupsv1.SeatGroup{
			{Roles: []string{"client", "informal_carer"}, Seats: 3}, {Roles: []string{"key_figure"}, Seats: 1}, {Roles: []string{"council_member"}, Seats: 1},
		},
	}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"name", "purpose", "planned_sessions", "seats", "total_seats"}}}
	if diff := cmp.Diff(want, got, protocmp.Transform(), ignoreKeys); diff != "" {
		t.Errorf("UpdateFocusGroup (-want +got):\n%s", diff)
	}
	resp, body = webtest.Send(t, site, webtest.Request{Target: target, As: chair, Form: form})
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("stale: status = %d, want 409", resp.StatusCode)
	}
	webtest.MustContain(t, body, "Iemand anders heeft dit intussen gewijzigd.")
	form.Set("zetels-client--informal_carer", "x")
	resp, body = webtest.Send(t, site, webtest.Request{Target: target, As: chair, Form: form})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad seats: status = %d, want 422", resp.StatusCode)
	}
	if diff := cmp.Diff([][2]string{{"#zetels-client--informal_carer", "Cliënt, Mantelzorger: Vul een heel getal in van 0 tot 500."}}, webtest.SummaryOf(t, body)); diff != "" {
		t.Errorf("error summary (-want +got):\n%s", diff)
	}
	if n := fk.groups.CallsOf("UpdateFocusGroup"); n != 2 {
		t.Errorf("UpdateFocusGroup called %d times, want 2", n)
	}
}

func TestAMembersDataIsExportedAndErased(t *testing.T) {
	t.Parallel()
	site, fk := staffSite(t)
	page := base + "/leden/" + fatmaID
	_, body := webtest.Send(t, site, webtest.Request{Target: base, As: chair})
	webtest.MustContain(t, body, `href="`+page+`">Fatma Yilmaz</a>`)
	_, body = webtest.Send(t, site, webtest.Request{Target: page, As: chair})
	webtest.MustContain(t, body, "<title>Fatma Yilmaz · Mantelzorg in Velsen · Meedoen</title>", "fatma@example.org", "Inwoner", page+"/gegevens", page+"/wissen")
	resp, data := webtest.Send(t, site, webtest.Request{Target: page + "/gegevens", As: chair})
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/json; charset=utf-8" ||
		resp.Header.Get("Content-Disposition") != `attachment; filename="focusgroeplid-m-fatma.json"` || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("export: %d %v", resp.StatusCode, resp.Header)
	}
	webtest.MustContain(t, data, `"fatma@example.org"`, `"Ik kom met de scootmobiel."`)
	_, body = webtest.Send(t, site, webtest.Request{Target: page + "/wissen", As: chair})
	webtest.MustContain(t, body, "Gegevens van Fatma Yilmaz wissen", "Ja, gegevens wissen")
	if n := fk.groups.CallsOf("EraseFocusGroupMember"); n != 0 {
		t.Fatalf("erased before the confirmation")
	}
	resp, _ = webtest.Send(t, site, webtest.Request{Target: page + "/wissen", As: chair, Form: url.Values{}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != page+"?gelukt=gewist" {
		t.Fatalf("status %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = webtest.Send(t, site, webtest.Request{Target: page + "?gelukt=gewist", As: chair})
	webtest.MustContain(t, body, "De gegevens zijn gewist.", "(naam verwijderd)", "Gewist")
	webtest.MustNotContain(t, body, "fatma@example.org", page+"/wissen")
}

func TestAnsweringOnAMembersBehalf(t *testing.T) {
	t.Parallel()
	site, fk := staffSite(t)
	target := sessionURI + "/antwoorden/m-wim"
	_, page := webtest.Send(t, site, webtest.Request{Target: sessionURI, As: chair})
	webtest.MustContain(t, page, `href="`+target+`"`, "antwoord van Wim Kramer invullen")
	_, body := webtest.Send(t, site, webtest.Request{Target: target, As: chair})
	webtest.MustContain(t, body, "Antwoord van Wim Kramer invullen", "Nog geen antwoord.", "Ja, komt", "Wat is er nodig om mee te doen?")
	resp, body := webtest.Send(t, site, webtest.Request{Target: target, As: chair, Form: url.Values{fNeeds: {"tolk"}}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("no answer: status = %d, want 422", resp.StatusCode)
	}
	if diff := cmp.Diff([][2]string{{"#antwoord-ja", "Antwoord: Kies ja, misschien of nee."}}, webtest.SummaryOf(t, body)); diff != "" {
		t.Errorf("error summary (-want +got):\n%s", diff)
	}
	if n := fk.groups.CallsOf("SetRsvp"); n != 0 {
		t.Fatalf("SetRsvp called %d times without an answer", n)
	}
	resp, _ = webtest.Send(t, site, webtest.Request{Target: target, As: chair, Form: url.Values{fAnswer: {"ja"}, fNeeds: {"tolk"}, fNote: {"Gebarentaal"}}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != sessionURI+"?gelukt=antwoord" {
		t.Fatalf("status %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	got := fk.groups.Request("SetRsvp").(*focusgroupsv1.SetRsvpRequest)
	want := &focusgroupsv1.SetRsvpRequest{FocusGroupId: groupID, SessionId: sessionID, Rsvp: &focusgroupsv1.Rsvp{
		MemberId: "m-wim", Answer: focusgroupsv1.RsvpAnswer_RSVP_ANSWER_YES,
		AccessNeeds: []focusgroupsv1.AccessNeed{focusgroupsv1.AccessNeed_ACCESS_NEED_INTERPRETER}, AccessNote: "Gebarentaal"}}
	if diff := cmp.Diff(want, got, protocmp.Transform(), ignoreKeys); diff != "" {
		t.Errorf("SetRsvp (-want +got):\n%s", diff)
	}
	_, page = webtest.Send(t, site, webtest.Request{Target: sessionURI + "?gelukt=antwoord", As: chair})
	webtest.MustContain(t, page, "Het antwoord is opgeslagen.", "Wim Kramer (Ervaringsdeskundige) · heeft nodig: Een tolk (ook gebarentaal) · Gebarentaal")
	webtest.MustNotContain(t, page, "Nog geen antwoord")
}
