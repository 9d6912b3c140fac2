package workspace

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/webtest"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

func TestBoardGroupsProcessesByPhase(t *testing.T) {
	t.Parallel()
	fake, site := workspace(t)
	_, body := webtest.Send(t, site, webtest.Request{Target: "/trajecten", As: &webtest.VelsenChair})
	if diff := cmp.Diff(&councilsv1.ListProcessesRequest{Tenant: "GM0453", Limit: boardPageSize}, fake.Request("ListProcesses"), protocmp.Transform()); diff != "" {
		t.Errorf("ListProcesses request (-want +got):\n%s", diff)
	}
	columns := regexp.MustCompile(`(?s)<section class="mdn-board__column" aria-labelledby="(fase-[a-z_]+)">(.*?)</section>`).FindAllStringSubmatch(body, -1)
	got := map[string][]string{}
	var order []string
	for _, c := range columns {
		order = append(order, c[1])
		for _, title := range regexp.MustCompile(`href="/trajecten/([^"]+)"`).FindAllStringSubmatch(c[2], -1) {
			got[c[1]] = append(got[c[1]], title[1])
		}
	}
	wantOrder := []string{"fase-intake", "fase-concretise", "fase-choose_forms", "fase-execute", "fase-analyse", "fase-advise", "fase-feedback", "fase-closed"}
	if diff := cmp.Diff(wantOrder, order); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
	want := map[string][]string{
		"fase-intake":     {"p-intake"},
		"fase-concretise": {"p-regional"},
		"fase-execute":    {"p-execute"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("cards per column (-want +got):\n%s", diff)
	}
	webtest.MustContain(t, body,
		`<span class="utrecht-status-badge mdn-badge mdn-badge--regional">Regionaal</span> Heemskerk, Velsen`,
		"<li class=\"mdn-gate__item\">de precieze vraag</li>",
		"<li class=\"mdn-gate__item\">de doelgroep</li>",
	)
}

func TestGateChecklistWords(t *testing.T) {
	t.Parallel()
	got := gateChecklist([]string{"/preciseQuestion", "/target_group: the target group is not set", "/forms", "a condition in words"})
	want := []kit.FieldError{
		{Key: "gate.preciseQuestion"},
		{Key: "gate.targetGroup"},
		{Key: "gate.forms"},
		{Text: "a condition in words", Lang: "en"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("checklist (-want +got):\n%s", diff)
	}
}

func TestProcessPage(t *testing.T) {
	t.Parallel()
	_, site := workspace(t)
	_, body := webtest.Send(t, site, webtest.Request{Target: "/trajecten/p-execute", As: &webtest.VelsenChair})
	webtest.MustContain(t, body,
		// The question, with its day.
		"Jongeren met schulden zoeken laat hulp.", "1 december 2026",
		// The step plan with the current phase marked.
		`<li class="mdn-steps__item mdn-steps__item--current" aria-current="step">Uitvoeren`,
		// The gate of the next phase.
		"Nog nodig voor Analyseren:", "inbreng uit een uitgevoerde vorm",
		// The edit form holds the current values.
		`>Wat houdt jongeren tegen om hulp te vragen?</textarea>`,
		`id="vorm-focus_group" name="vormen" value="focus_group" checked>`,
		// The timeline: times in Amsterdam, names from the roster.
		"20 januari 2026, 10:15", "Door Fatima El Amrani", "Door een medewerker", "Door Meedoen (voorbeeldgegevens)",
		"Terug van Vormen kiezen naar Concretiseren", "De doelgroep was te breed.",
		"2 juli 2026, 00:30", "Automatisch, na een bericht van een andere dienst", "Het advies is verstuurd.",
		// What happened.
		"Inwoners bereikt", ">23<", "Veel jongeren kennen het loket niet.",
		"Fatima El Amrani: Werkt als vrijwilliger bij de schuldhulp.",
		`href="/trajecten/p-execute/veldactiviteit"`,
	)
}

func TestProcessPageIsReadOnlyForPolicyOfficers(t *testing.T) {
	t.Parallel()
	_, site := workspace(t)
	_, body := webtest.Send(t, site, webtest.Request{Target: "/trajecten/p-execute", As: &webtest.VelsenOfficer})
	webtest.MustNotContain(t, body, `action="/trajecten/p-execute/`)
	webtest.MustContain(t, body, "Gesprekken op school", "Focusgroep, Bezoek aan bestaande groep")
}

func TestUpdateProcess(t *testing.T) {
	t.Parallel()
	t.Run("saved", func(t *testing.T) {
		t.Parallel()
		fake, site := workspace(t)
		resp, _ := webtest.Send(t, site, webtest.Request{Target: "/trajecten/p-regional/bijwerken", As: &webtest.VelsenChair, Form: url.Values{
			"precieze-vraag": {" Waar lopen kiezers vast? "}, "aanpak": {"Meelopen op de verkiezingsdag"},
			"doelgroep": {"Kiezers met een beperking"}, "vormen": {"visit", "flash_poll"}, "versie": {"v2"},
		}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status = %d, want 303", resp.StatusCode)
		}
		if got, want := resp.Header.Get("Location"), "/trajecten/p-regional?gelukt=bijgewerkt#gegevens"; got != want {
			t.Errorf("Location = %q, want %q", got, want)
		}
		want := &councilsv1.UpdateProcessRequest{Id: "p-regional", Process: &councilsv1.Process{
			PreciseQuestion: "Waar lopen kiezers vast?", Approach: "Meelopen op de verkiezingsdag", TargetGroup: "Kiezers met een beperking",
			Forms: []councilsv1.FormKind{councilsv1.FormKind_FORM_KIND_VISIT, councilsv1.FormKind_FORM_KIND_FLASH_POLL},
			Etag:  "v2",
		}}
		if diff := cmp.Diff(want, fake.Request("UpdateProcess"), protocmp.Transform()); diff != "" {
			t.Errorf("UpdateProcess request (-want +got):\n%s", diff)
		}
	})
	t.Run("refused", func(t *testing.T) {
		t.Parallel()
		fake, site := workspace(t)
		fake.FailWith("UpdateProcess", webtest.Invalid("/targetGroup", "must be at most 500 characters", "/forms/1", "is not a participation form"))
		resp, body := webtest.Send(t, site, webtest.Request{Target: "/trajecten/p-regional/bijwerken", As: &webtest.VelsenChair, Form: url.Values{
			"precieze-vraag": {"Nieuw"}, "doelgroep": {"Lang"}, "vormen": {"opinion_bus"},
		}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("status = %d, want 422", resp.StatusCode)
		}
		webtest.MustContain(t, body,
			`href="#doelgroep">Doelgroep: Dit mag hoogstens 500 tekens lang zijn.`,
			`href="#vorm-focus_group">Participatievormen: Kies een van de mogelijkheden in de lijst.`,
			`>Nieuw</textarea>`, `value="Lang"`, `value="opinion_bus" checked>`,
		)
	})
	t.Run("changed meanwhile", func(t *testing.T) {
		t.Parallel()
		fake, site := workspace(t)
		fake.FailWith("UpdateProcess", status.Error(codes.Aborted, "the process changed since it was read"))
		resp, body := webtest.Send(t, site, webtest.Request{Target: "/trajecten/p-regional/bijwerken", As: &webtest.VelsenChair, Form: url.Values{
			"precieze-vraag": {"Nieuw"}, "doelgroep": {"Ouderen"}, "vormen": {"opinion_bus"}, "versie": {"v1"},
		}})
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("status = %d, want 409", resp.StatusCode)
		}
		// What was typed stays, now based on the stored version, so that
		// saving again replaces the other's change knowingly.
		webtest.MustContain(t, body,
			"Iemand anders heeft dit traject gewijzigd nadat je dit formulier opende; er is niets opgeslagen.",
			`>Nieuw</textarea>`, `value="Ouderen"`, `value="opinion_bus" checked>`,
			`<input type="hidden" name="versie" value="v2">`,
		)
	})
}

func TestTransition(t *testing.T) {
	t.Parallel()
	t.Run("forward", func(t *testing.T) {
		t.Parallel()
		fake, site := workspace(t)
		resp, _ := webtest.Send(t, site, webtest.Request{Target: "/trajecten/p-intake/fase", As: &webtest.VelsenChair, Form: url.Values{
			"richting": {"vooruit"}, "naar": {"concretise"}, "reden": {""},
		}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status = %d, want 303", resp.StatusCode)
		}
		if got, want := resp.Header.Get("Location"), "/trajecten/p-intake?gelukt=fase"; got != want {
			t.Errorf("Location = %q, want %q", got, want)
		}
		want := &councilsv1.TransitionProcessRequest{Id: "p-intake", ToPhase: councilsv1.Phase_PHASE_CONCRETISE}
		if diff := cmp.Diff(want, fake.Request("TransitionProcess"), protocmp.Transform()); diff != "" {
			t.Errorf("TransitionProcess request (-want +got):\n%s", diff)
		}
	})
	t.Run("a closed gate lists what is missing, linked to where it is filled in", func(t *testing.T) {
		t.Parallel()
		fake, site := workspace(t)
		fake.FailWith("TransitionProcess", webtest.Unmet("the process cannot enter phase choose_forms yet",
			"/preciseQuestion", "the precise question is not set", "/targetGroup", "the target group is not set"))
		resp, body := webtest.Send(t, site, webtest.Request{Target: "/trajecten/p-regional/fase", As: &webtest.VelsenChair, Form: url.Values{
			"richting": {"vooruit"}, "naar": {"choose_forms"}, "reden": {"Klaar met trechteren"},
		}})
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("status = %d, want 409", resp.StatusCode)
		}
		webtest.MustContain(t, body,
			`<a class="utrecht-link utrecht-link--html-a" href="#precieze-vraag">de precieze vraag</a>`,
			`<a class="utrecht-link utrecht-link--html-a" href="#doelgroep">de doelgroep</a>`,
			"Het traject kan nog niet naar de volgende fase.",
			">Klaar met trechteren</textarea>",
		)
	})
	t.Run("back without a reason", func(t *testing.T) {
		t.Parallel()
		fake, site := workspace(t)
		fake.FailWith("TransitionProcess", webtest.Invalid("/reason", "is required when moving back to an earlier phase"))
		resp, body := webtest.Send(t, site, webtest.Request{Target: "/trajecten/p-execute/fase", As: &webtest.VelsenChair, Form: url.Values{
			"richting": {"terug"}, "naar": {"concretise"},
		}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("status = %d, want 422", resp.StatusCode)
		}
		webtest.MustContain(t, body,
			`href="#reden-terug">Toelichting: Vul dit in.`,
			`id="reden-terug-fout"`,
			`<option value="concretise" selected>Concretiseren</option>`,
		)
	})
}

func TestRecordFieldActivity(t *testing.T) {
	t.Parallel()
	t.Run("recorded", func(t *testing.T) {
		t.Parallel()
		fake, site := workspace(t)
		resp, _ := webtest.Send(t, site, webtest.Request{Target: "/trajecten/p-regional/veldactiviteit", As: &webtest.VelsenChair, Form: url.Values{
			"vorm": {"visit"}, "datum": {"2026-03-20"}, "plaats": {" Koor in de Dorpskerk "}, "gemeente": {"GM0396"},
			"bereikt": {"14"}, "notities": {"Drempels bij de ingang."},
		}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("status = %d, want 303", resp.StatusCode)
		}
		if got, want := resp.Header.Get("Location"), "/trajecten/p-regional?gelukt=veldactiviteit#veldactiviteiten"; got != want {
			t.Errorf("Location = %q, want %q", got, want)
		}
		want := &councilsv1.RecordFieldActivityRequest{Id: "p-regional", FieldActivity: &councilsv1.FieldActivity{
			Form: councilsv1.FormKind_FORM_KIND_VISIT, Date: "2026-03-20", Place: "Koor in de Dorpskerk",
			MunicipalityCode: "GM0396", ResidentsReached: 14, Notes: "Drempels bij de ingang.",
		}}
		if diff := cmp.Diff(want, fake.Request("RecordFieldActivity"), protocmp.Transform()); diff != "" {
			t.Errorf("RecordFieldActivity request (-want +got):\n%s", diff)
		}
		page, _, _ := strings.Cut(resp.Header.Get("Location"), "#")
		_, body := webtest.Send(t, site, webtest.Request{Target: page, As: &webtest.VelsenChair})
		webtest.MustContain(t, body, "De veldactiviteit is vastgelegd.")
	})
	t.Run("a count that is no number stops at the site", func(t *testing.T) {
		t.Parallel()
		fake, site := workspace(t)
		resp, body := webtest.Send(t, site, webtest.Request{Target: "/trajecten/p-intake/veldactiviteit", As: &webtest.VelsenChair, Form: url.Values{
			"vorm": {"visit"}, "datum": {"2026-03-20"}, "plaats": {"Buurthuis"}, "bereikt": {"veel"},
		}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("status = %d, want 422", resp.StatusCode)
		}
		if fake.Request("RecordFieldActivity") != nil {
			t.Error("the service was asked to record it")
		}
		webtest.MustContain(t, body, `href="#bereikt">Aantal inwoners bereikt: Vul het aantal in als een heel getal, 0 of meer.</a>`,
			`value="Buurthuis"`, `<option value="visit" selected>`)
		// A local process needs no municipality.
		webtest.MustNotContain(t, body, `id="gemeente"`)
	})
	t.Run("refused by the service", func(t *testing.T) {
		t.Parallel()
		fake, site := workspace(t)
		fake.FailWith("RecordFieldActivity", webtest.Invalid("/place", "is required", "/date", "must not be in the future"))
		resp, body := webtest.Send(t, site, webtest.Request{Target: "/trajecten/p-intake/veldactiviteit", As: &webtest.VelsenChair, Form: url.Values{
			"vorm": {"visit"}, "datum": {"2030-01-01"}, "bereikt": {"3"}, "notities": {"Gezellig"},
		}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("status = %d, want 422", resp.StatusCode)
		}
		webtest.MustContain(t, body, `href="#datum">Datum: Dit mag niet in de toekomst liggen.`,
			`href="#plaats">Plaats: Vul dit in.`, `value="2030-01-01"`, `>Gezellig</textarea>`, `value="3"`)
		if strings.Index(body, `href="#datum"`) > strings.Index(body, `href="#plaats"`) {
			t.Error("the summary does not follow the form's order")
		}
	})
}

func TestCouncilRoster(t *testing.T) {
	t.Parallel()
	_, site := workspace(t)
	t.Run("a municipality's council", func(t *testing.T) {
		t.Parallel()
		_, body := webtest.Send(t, site, webtest.Request{Target: "/raad", As: &webtest.VelsenChair})
		webtest.MustContain(t, body,
			`<th class="utrecht-table__header-cell" scope="row">Fatima El Amrani</th>`,
			"1 januari 2025 tot en met 31 december 2028", "Vanaf 1 juni 2025",
			"<caption class=\"utrecht-table__caption\">Oud-leden</caption>", "Ria Smit",
			"raad@example.org", "Zetels",
		)
		if strings.Index(body, "Ria Smit") < strings.Index(body, "Kees de Boer") {
			t.Error("former members come before current ones")
		}
	})
	t.Run("a region lists its councils", func(t *testing.T) {
		t.Parallel()
		_, body := webtest.Send(t, site, webtest.Request{Target: "/raad", As: &webtest.IJmondCoordinator})
		webtest.MustContain(t, body, "Participatieraden in de regio IJmond", "Participatieraad Beverwijk",
			"Participatieraad Heemskerk", "Participatieraad Velsen", "Gevraagd en ongevraagd advies")
	})
}
