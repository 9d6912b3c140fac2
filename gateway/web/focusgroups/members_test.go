package focusgroups

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/meedoen/meedoen/gateway/web/webtest"
	focusgroupsv1 "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
)

var (
	fatmaPage   = "/focusgroep/" + fatmaToken
	fatmaSesson = fatmaPage + "/bijeenkomsten/" + sessionID
	henkSession = "/focusgroep/" + henkToken + "/bijeenkomsten/" + sessionID
)

func TestMemberPagesRender(t *testing.T) {
	t.Parallel()
	site, _ := staffSite(t)
	tests := []struct {
		name, target string
		wants        []string
	}{
		{"invitation", "/focusgroep/uitnodiging/" + invitationToken, []string{"<title>Uitnodiging voor Mantelzorg in Velsen · Meedoen</title>", "Hallo Joost Bakker,", "in de rol Sleutelfiguur", "Ja, ik doe mee"}},
		{"member page", fatmaPage, []string{"<title>Mantelzorg in Velsen · Meedoen</title>", "Hallo Fatma Yilmaz, je doet mee in de rol Cliënt.", "dinsdag 12 januari 2027, 19:00–21:00",
			"Je komt. Er is een plaats voor je.", "Afgezegd", "Agenda-link maken", fatmaPage + "/verlaten"}},
		{"session with a seat", fatmaSesson, []string{"Bijeenkomst van Mantelzorg in Velsen", "Buurthuis De Stek, Zeeweg 12, IJmuiden", "Drempelvrije ingang",
			`href="https://meet.example.org/mantelzorg-velsen"`, "Wat kost mantelzorg je?", "Je komt. Er is een plaats voor je.",
			`value="ja" checked`, `value="rolstoel" checked`, "Ik kom met de scootmobiel.", fatmaSesson + "/agenda.ics"}},
		{"session on the waitlist", henkSession, []string{"Je staat op de wachtlijst: nummer 1 voor de rol Mantelzorger."}},
		{"cancelled session", fatmaPage + "/bijeenkomsten/" + cancelledID, []string{"Deze bijeenkomst gaat niet door. De zaal is niet beschikbaar."}},
		{"leaving", fatmaPage + "/verlaten", []string{"Uit Mantelzorg in Velsen gaan?", "Ja, ik ga uit de focusgroep", "Nee, ik blijf"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp, body := webtest.Send(t, site, webtest.Request{Target: tc.target})
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d, want 200", resp.StatusCode)
			}
			webtest.MustContain(t, body, tc.wants...)
			// Residents see no staff menu and no login.
			webtest.MustNotContain(t, body, "fg.", "fgm.", "/auth/login", `class="utrecht-nav-bar`)
		})
	}
}

func TestMemberPagesSpeakEnglish(t *testing.T) {
	t.Parallel()
	site, _ := staffSite(t)
	_, body := webtest.Send(t, site, webtest.Request{Target: henkSession, Lang: "en"})
	webtest.MustContain(t, body, "You are on the waitlist: number 1 for the role Informal carer.", "Tuesday 12 January 2027, 19:00–21:00", "Are you coming?")
}

func TestLinksThatLeadNowhere(t *testing.T) {
	t.Parallel()
	site, fk := staffSite(t)
	for _, target := range []string{
		"/focusgroep/kort",
		"/focusgroep/" + webtest.Token("nobody"),
		"/focusgroep/uitnodiging/" + webtest.Token("nobody"),
		fatmaPage + "/bijeenkomsten/s-elders",
		fatmaPage + "/onbekend",
		"/focusgroep/agenda/" + feedToken + ".txt",
	} {
		resp, body := webtest.Send(t, site, webtest.Request{Target: target})
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status = %d, want 404", target, resp.StatusCode)
		}
		if target != "/focusgroep/agenda/"+feedToken+".txt" {
			webtest.MustContain(t, body, "Deze link werkt niet (meer)")
		}
	}
	if n := fk.groups.CallsOf("GetMemberView"); n != 2 {
		t.Errorf("GetMemberView called %d times; a token that cannot be one is not worth a call", n)
	}
}

func TestAcceptingAnInvitation(t *testing.T) {
	t.Parallel()
	site, fk := staffSite(t)
	target := "/focusgroep/uitnodiging/" + invitationToken
	resp, _ := webtest.Send(t, site, webtest.Request{Target: target, Form: url.Values{}})
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/focusgroep/") || !strings.HasSuffix(loc, "?gelukt=welkom") {
		t.Fatalf("status %d to %q, want 303 to the member's page", resp.StatusCode, loc)
	}
	_, body := webtest.Send(t, site, webtest.Request{Target: loc})
	webtest.MustContain(t, body, "Welkom in de focusgroep.", "Hallo Joost Bakker, je doet mee in de rol Sleutelfiguur.")
	// The invitation's link is single use: a double click's second
	// request says the first made them a member.
	resp, body = webtest.Send(t, site, webtest.Request{Target: target, Form: url.Values{}})
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("second accept: status = %d, want 404", resp.StatusCode)
	}
	webtest.MustContain(t, body, "Deze uitnodiging is al gebruikt", "Dan doe je mee: de welkomstmail met je persoonlijke link is onderweg.")
	_, body = webtest.Send(t, site, webtest.Request{Target: target})
	webtest.MustContain(t, body, "Deze link werkt niet (meer)")
	if n := fk.groups.CallsOf("AcceptInvitation"); n != 2 {
		t.Errorf("AcceptInvitation called %d times, want 2", n)
	}
}

func TestAnsweringASession(t *testing.T) {
	t.Parallel()
	site, fk := staffSite(t)
	form := url.Values{fAnswer: {"nee"}, fNeeds: {"tolk", "dieet"}, fNote: {" Turks; halal. "}}
	// A double click sends the same answer twice: it is one answer.
	for range 2 {
		resp, _ := webtest.Send(t, site, webtest.Request{Target: fatmaSesson, Form: form})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != fatmaSesson+"?gelukt=antwoord" {
			t.Fatalf("status %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	got := fk.groups.Request("RespondToSession").(*focusgroupsv1.RespondToSessionRequest)
	want := &focusgroupsv1.RespondToSessionRequest{Token: fatmaToken, SessionId: sessionID, Answer: focusgroupsv1.RsvpAnswer_RSVP_ANSWER_NO,
		AccessNeeds: []focusgroupsv1.AccessNeed{focusgroupsv1.AccessNeed_ACCESS_NEED_INTERPRETER, focusgroupsv1.AccessNeed_ACCESS_NEED_DIETARY},
		AccessNote:  "Turks; halal."}
	if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
		t.Errorf("RespondToSession (-want +got):\n%s", diff)
	}
	var fatma, henk int
	for _, r := range fk.groups.rsvpsOf(sessionID) {
		switch r.GetMemberId() {
		case fatmaID:
			fatma++
		case henkID:
			henk++
			if r.GetState() != focusgroupsv1.RsvpState_RSVP_STATE_CONFIRMED {
				t.Errorf("Henk, first in line, is %v after Fatma's no; want a seat", r.GetState())
			}
		}
	}
	if fatma != 1 || henk != 1 {
		t.Errorf("%d answers of Fatma and %d of Henk, want one each", fatma, henk)
	}
	_, body := webtest.Send(t, site, webtest.Request{Target: fatmaSesson + "?gelukt=antwoord"})
	webtest.MustContain(t, body, "Je antwoord is opgeslagen.", "Je komt niet.", `value="nee" checked`, `value="tolk" checked`)
	_, body = webtest.Send(t, site, webtest.Request{Target: henkSession})
	webtest.MustContain(t, body, "Je komt. Er is een plaats voor je.")
}

func TestAnsweringWithBadInputSendsNothing(t *testing.T) {
	t.Parallel()
	site, fk := staffSite(t)
	form := url.Values{fNeeds: {"helikopter"}, fNote: {strings.Repeat("x", 501)}}
	resp, body := webtest.Send(t, site, webtest.Request{Target: fatmaSesson, Form: form})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("status = %d, want 422", resp.StatusCode)
	}
	want := [][2]string{
		{"#antwoord-ja", "Je antwoord: Kies ja, misschien of nee."},
		{"#toegang-tolk", "Wat heb je nodig om mee te doen?: Kies alleen uit de genoemde mogelijkheden."},
		{"#toelichting", "Toelichting: Gebruik hoogstens 500 tekens."},
	}
	if diff := cmp.Diff(want, webtest.SummaryOf(t, body)); diff != "" {
		t.Errorf("error summary (-want +got):\n%s", diff)
	}
	if strings.Index(body, "<h1") > strings.Index(body, `id="fouten"`) {
		t.Error("the error summary comes before the h1")
	}
	if n := fk.groups.CallsOf("RespondToSession"); n != 0 {
		t.Errorf("RespondToSession called %d times, want none", n)
	}
}

func TestACancelledSessionTakesNoAnswer(t *testing.T) {
	t.Parallel()
	site, _ := staffSite(t)
	target := fatmaPage + "/bijeenkomsten/" + cancelledID
	_, body := webtest.Send(t, site, webtest.Request{Target: target})
	webtest.MustNotContain(t, body, "Antwoord versturen", "agenda.ics")
	resp, body := webtest.Send(t, site, webtest.Request{Target: target, Form: url.Values{fAnswer: {"ja"}}})
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("status = %d, want 409", resp.StatusCode)
	}
	webtest.MustContain(t, body, "Op deze bijeenkomst kun je niet meer antwoorden")
}

func TestCalendarFiles(t *testing.T) {
	t.Parallel()
	site, fk := staffSite(t)
	resp, body := webtest.Send(t, site, webtest.Request{Target: fatmaSesson + "/agenda.ics"})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
		t.Errorf("Content-Type = %q, want text/calendar", ct)
	}
	if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename="bijeenkomst-s-januari.ics"` {
		t.Errorf("Content-Disposition = %q", cd)
	}
	if !strings.HasPrefix(body, "BEGIN:VCALENDAR\r\n") || !strings.Contains(body, "UID:"+sessionID) {
		t.Errorf("body = %q", body)
	}

	// A new feed link, shown once, and the feed behind it.
	resp, body = webtest.Send(t, site, webtest.Request{Target: fatmaPage + "/agenda", Form: url.Values{}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("renewing: status = %d, want 200", resp.StatusCode)
	}
	webtest.MustContain(t, body, `href="webcal://example.com/focusgroep/agenda/`, `value="http://example.com/focusgroep/agenda/`, "De link is persoonlijk")
	feed := fk.groups.Request("RenewCalendarFeed").(*focusgroupsv1.RenewCalendarFeedRequest)
	if feed.GetToken() != fatmaToken {
		t.Errorf("RenewCalendarFeed token = %q", feed.GetToken())
	}
	path := body[strings.Index(body, `value="http://example.com`)+len(`value="http://example.com`):]
	path = path[:strings.Index(path, `"`)]
	resp, body = webtest.Send(t, site, webtest.Request{Target: path})
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/calendar") || resp.Header.Get("Content-Disposition") != "" {
		t.Errorf("feed: status %d, %q, %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
	}
	if !strings.HasPrefix(body, "BEGIN:VCALENDAR") {
		t.Errorf("feed body = %q", body)
	}
	// The old feed stopped.
	resp, _ = webtest.Send(t, site, webtest.Request{Target: "/focusgroep/agenda/" + feedToken + ".ics"})
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("old feed: status = %d, want 404", resp.StatusCode)
	}
}

func TestLeavingTheGroup(t *testing.T) {
	t.Parallel()
	site, fk := staffSite(t)
	resp, body := webtest.Send(t, site, webtest.Request{Target: fatmaPage + "/verlaten", Form: url.Values{}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200", resp.StatusCode)
	}
	webtest.MustContain(t, body, "Je bent uit Mantelzorg in Velsen", "Je krijgt geen uitnodigingen meer voor Mantelzorg in Velsen.")
	if n := fk.groups.CallsOf("LeaveFocusGroup"); n != 1 {
		t.Errorf("LeaveFocusGroup called %d times, want 1", n)
	}
	resp, _ = webtest.Send(t, site, webtest.Request{Target: fatmaPage})
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("the link after leaving: status = %d, want 404", resp.StatusCode)
	}
	// A double click's second request.
	resp, body = webtest.Send(t, site, webtest.Request{Target: fatmaPage + "/verlaten", Form: url.Values{}})
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("leaving twice: status = %d, want 404", resp.StatusCode)
	}
	webtest.MustContain(t, body, "Dan ben je uit de groep")
}

func TestComputedKeysExist(t *testing.T) {
	t.Parallel()
	cats := webtest.Catalogues(t)
	var keys []string
	for _, v := range focusgroupsv1.FocusGroupStatus_value {
		keys = append(keys, groupStatusKey(focusgroupsv1.FocusGroupStatus(v)))
	}
	for _, v := range focusgroupsv1.SessionStatus_value {
		keys = append(keys, sessionStatusKey(focusgroupsv1.SessionStatus(v)))
	}
	for _, v := range focusgroupsv1.FindingBreadth_value {
		keys = append(keys, breadthKey(focusgroupsv1.FindingBreadth(v)))
	}
	for _, v := range focusgroupsv1.QuoteConsent_value {
		keys = append(keys, consentKey(focusgroupsv1.QuoteConsent(v)))
	}
	for _, v := range focusgroupsv1.FindingStatus_value {
		keys = append(keys, enumKey("fg.finding.status.", focusgroupsv1.FindingStatus(v).String(), "FINDING_STATUS_"))
	}
	for _, a := range answers {
		keys = append(keys, "fgm.session.answer."+a.value, "fg.onbehalf.answer."+a.value)
	}
	for _, n := range accessNeeds {
		keys = append(keys, "fgm.need."+n.value)
	}
	for _, c := range consentMethods {
		keys = append(keys, "fg.consentMethod."+c.value)
	}
	for d := range 7 {
		keys = append(keys, "fg.weekday."+string(rune('0'+d)))
	}
	for _, k := range []string{"gevormd", "uitgenodigd", "toegevoegd", "gepland", "gewijzigd", "afgezegd", "plekgegeven", "aanwezigheid", "gehouden", "bevinding", "akkoord", "afgerond", "opgeheven", "verwijderd", "gewijzigdGroep", "gewist"} {
		keys = append(keys, "fg.done."+k)
	}
	keys = append(keys, "fgm.done.welkom", "fgm.done.antwoord")
	for _, v := range focusgroupsv1.MemberKind_value {
		keys = append(keys, enumKey("fg.kind.", focusgroupsv1.MemberKind(v).String(), "MEMBER_KIND_"))
	}
	for _, v := range focusgroupsv1.MemberStatus_value {
		keys = append(keys, enumKey("fg.memberStatus.", focusgroupsv1.MemberStatus(v).String(), "MEMBER_STATUS_"))
	}
	for _, v := range focusgroupsv1.ConsentMethod_value {
		keys = append(keys, enumKey("fg.consentHow.", focusgroupsv1.ConsentMethod(v).String(), "CONSENT_METHOD_"))
	}
	for _, p := range []string{"fg.conclude", "fg.dissolve", "fg.remove", "fg.erase"} {
		keys = append(keys, p+".title", p+".heading", p+".lead", p+".body", p+".confirm")
	}
	for _, p := range []string{"fgm.notfound", "fgm.left", "fgm.used", "fgm.gone"} {
		keys = append(keys, p+".heading", p+".body")
	}
	for _, p := range []string{"badform", "unavailable", "internal", "unconfigured", "staffUnconfigured"} {
		for _, s := range []string{".title", ".heading", ".body"} {
			keys = append(keys, "error.fg."+p+s)
		}
	}
	for lang, cat := range cats {
		for _, k := range keys {
			if _, ok := cat[k]; !ok {
				t.Errorf("the %s catalogue lacks %q", lang, k)
			}
		}
	}
}

func TestMemberPagesSpeakTheLanguageOfTheMails(t *testing.T) {
	t.Parallel()
	site, fk := staffSite(t)
	fk.groups.mu.Lock()
	fk.groups.member(henkID).Language = "en"
	fk.groups.mu.Unlock()
	resp, _ := webtest.Send(t, site, webtest.Request{Target: henkSession})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != henkSession+"?lang=en" {
		t.Errorf("no language chosen: status %d to %q, want 303 to the English page", resp.StatusCode, resp.Header.Get("Location"))
	}
	// A choice made on the site wins.
	resp, body := webtest.Send(t, site, webtest.Request{Target: henkSession, Lang: "nl"})
	if resp.StatusCode != http.StatusOK {
		t.Errorf("Dutch chosen: status = %d, want 200", resp.StatusCode)
	}
	webtest.MustContain(t, body, "Je staat op de wachtlijst")
	resp, _ = webtest.Send(t, site, webtest.Request{Target: henkSession + "?lang=nl"})
	if resp.StatusCode != http.StatusOK {
		t.Errorf("?lang=nl: status = %d, want 200", resp.StatusCode)
	}
}
