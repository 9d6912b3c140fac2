package advice

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"google.golang.org/grpc"

	"github.com/meedoen/meedoen/gateway/web/webtest"
	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/browsertest"
	"github.com/meedoen/meedoen/internal/health"
	"github.com/meedoen/meedoen/internal/platform"
	"github.com/meedoen/meedoen/internal/rpc"
	"github.com/meedoen/meedoen/internal/telemetry"
	"github.com/meedoen/meedoen/internal/testkit"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	resultsv1 "github.com/meedoen/meedoen/proto/meedoen/results/v1"
	"github.com/meedoen/meedoen/services/councils"
	"github.com/meedoen/meedoen/services/results"
)

// startStack starts the councils and results services as the binary runs
// them, each over gRPC behind its guard, on a real PostgreSQL and an
// in-process JetStream, and returns the pages' configuration over them.
func startStack(t *testing.T) Config {
	t.Helper()
	ctx := context.Background()
	_, nc, js := testkit.NewJetStream(t)
	tel, err := telemetry.Setup(ctx, telemetry.Config{ServiceName: "adviceweb-test", LogFormat: "text", LogLevel: slog.LevelError}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tel.Shutdown(context.Background()) })
	key, err := auth.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	signer, err := auth.NewSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	deps := platform.Deps{DatabaseURL: testkit.NewDatabase(t), NATS: nc, JetStream: js, Telemetry: tel, Health: health.New(),
		Guard: auth.NewGuard(auth.NewVerifier(signer.Public()), auth.NewPolicy(slices.Concat(councils.Policy(), results.Policy())...), tel.Logger)}
	c, err := councils.New(ctx, councils.Config{GRPCAddr: "127.0.0.1:0"}, deps)
	if err != nil {
		t.Fatal(err)
	}
	r, err := results.New(ctx, results.Config{GRPCAddr: "127.0.0.1:0", PublicURL: "https://meedoen.example"}, deps)
	if err != nil {
		t.Fatal(err)
	}
	var cfg Config
	for _, svc := range []*platform.Service{c, r} {
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- svc.Run(runCtx) }()
		t.Cleanup(func() {
			stop()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("%s: %v", svc.Name, err)
				}
			case <-time.After(15 * time.Second):
				t.Errorf("%s did not stop with its context", svc.Name)
			}
		})
		// The gateway's connection: the identity of the request's context
		// travels as a signed internal token.
		conn, err := rpc.Dial(svc.Addr(), nil, grpc.WithChainUnaryInterceptor(auth.ClientInterceptor(signer)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		if svc == c {
			cfg.Councils = councilsv1.NewCouncilsServiceClient(conn)
		} else {
			cfg.Advice = resultsv1.NewAdviceServiceClient(conn)
		}
	}
	return cfg
}

// velsenProcess makes Velsen's process on informal care, in its analysis,
// and returns its id.
func velsenProcess(t *testing.T, cs councilsv1.CouncilsServiceClient) string {
	t.Helper()
	root := auth.WithIdentity(context.Background(), auth.Identity{Subject: "root", Grants: []auth.Grant{{Tenant: auth.AllTenants, Role: auth.Admin}}})
	as := func(role auth.Role) context.Context {
		return auth.WithIdentity(context.Background(), auth.Identity{Subject: string(role) + "@GM0453", Grants: []auth.Grant{{Tenant: velsen, Role: role}}})
	}
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(cs.CreateRegion(root, &councilsv1.CreateRegionRequest{Region: &councilsv1.Region{Id: ijmond, Name: "IJmond"}}))
	must(cs.CreateMunicipality(root, &councilsv1.CreateMunicipalityRequest{Municipality: &councilsv1.Municipality{Code: velsen, Name: "Velsen", RegionId: ijmond}}))
	q, err := cs.RaiseQuestion(as(auth.PolicyOfficer), &councilsv1.RaiseQuestionRequest{Question: &councilsv1.Question{
		Title: "Respijtzorg voor mantelzorgers", Description: "Wat hebben mantelzorgers nodig om het vol te houden?", Theme: "mantelzorg",
		Origin: councilsv1.Origin_ORIGIN_SOLICITED, Scope: &councilsv1.Scope{Tenant: velsen}, AdviceNeededBy: "2099-03-31"}})
	must(q, err)
	must(cs.DecideQuestion(as(auth.Chair), &councilsv1.DecideQuestionRequest{Id: q.GetId(), Accept: true}))
	p, err := cs.StartProcess(as(auth.CouncilMember), &councilsv1.StartProcessRequest{QuestionId: q.GetId()})
	must(p, err)
	return p.GetId()
}

// With the real services behind the pages: a council member writes an
// advice for a Velsen process and a second version, the chair adopts and
// sends it, Velsen's policy officer acknowledges, assigns and answers it,
// the chair asks for a revision and the officer sees why. On the way the
// services' own refusals reach the person in Dutch, next to the field.
func TestAdviceWithTheRealServices(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real services")
	}
	cfg := startStack(t)
	processID := velsenProcess(t, cfg.Councils)
	site := newSite(t, cfg)
	do := func(as auth.Identity, target string, form url.Values, want int) (string, string) {
		t.Helper()
		resp, body := webtest.Send(t, site, webtest.Request{Target: target, As: &as, Form: form})
		if resp.StatusCode != want {
			t.Fatalf("%s: status %d, want %d\n%s", target, resp.StatusCode, want, body)
		}
		return resp.Header.Get("Location"), body
	}

	// The process's page offers it; the editor names whom it goes to.
	_, body := do(member, "/adviezen/nieuw", nil, http.StatusOK)
	webtest.MustContain(t, body, "Respijtzorg voor mantelzorgers")
	_, body = do(member, "/adviezen/nieuw?traject="+processID, nil, http.StatusOK)
	webtest.MustContain(t, body, "Aan het college van", "Velsen", "Gevraagd")

	// The service's limit on a title, in Dutch next to it (the process
	// reaches the results service's projection meanwhile).
	text := url.Values{fProcess: {processID}, fTitle: {strings.Repeat("a", 201)}, fQuestion: {"Wat hebben mantelzorgers nodig?"},
		fRec: {"Maak respijtzorg bekend bij huisartsen.", "Open een steunpunt."}, fAction: {actSave}}
	_, body = do(member, "/adviezen/nieuw", text, http.StatusUnprocessableEntity)
	if got := webtest.SummaryOf(t, body); len(got) != 1 || got[0] != [2]string{"#titel", "Titel: Deze tekst is te lang: hoogstens 200 tekens."} {
		t.Errorf("summary = %q", got)
	}
	text.Set(fTitle, "Advies over respijtzorg in Velsen")
	loc, _ := do(member, "/adviezen/nieuw", text, http.StatusSeeOther)
	page := strings.TrimSuffix(loc, "?gelukt=aangemaakt")
	_, body = do(member, loc, nil, http.StatusOK)
	webtest.MustContain(t, body, "Het advies is opgeslagen als concept.", "Concept", "PR-GM0453-", "Open een steunpunt.")

	// A second version; one based on the first after that meets it.
	text = url.Values{fBasedOn: {"1"}, fTitle: {"Advies over respijtzorg in Velsen"}, fQuestion: {"Wat hebben mantelzorgers nodig?"},
		fRec: {"Maak respijtzorg bekend bij huisartsen.", "Open een steunpunt in IJmuiden."}, fNote: {"Plaats van het steunpunt."}, fAction: {actSave}}
	do(member, page+"/versies/nieuw", text, http.StatusSeeOther)
	text.Set(fNote, "Iets anders.")
	_, body = do(chair, page+"/versies/nieuw", text, http.StatusConflict)
	webtest.MustContain(t, body, "Iemand anders heeft intussen een nieuwe versie opgeslagen (nu versie 2).")

	// Only the board adopts and sends; sending waits for adopting.
	do(member, page+"/vaststellen", nil, http.StatusForbidden)
	_, body = do(chair, page+"/verzenden", url.Values{fVersion: {"2"}}, http.StatusConflict)
	webtest.MustContain(t, body, "Deze versie is nog niet vastgesteld.")
	do(chair, page+"/vaststellen", url.Values{fVersion: {"2"}}, http.StatusSeeOther)
	do(chair, page+"/verzenden", url.Values{fVersion: {"2"}}, http.StatusSeeOther)
	_, body = do(chair, page, nil, http.StatusOK)
	webtest.MustContain(t, body, "Verzonden", "Een verzonden advies verandert nooit meer.", "Reacties van de gemeenten", "Correctie schrijven")

	// Velsen's officer finds it in the inbox and answers it.
	_, body = do(velsenOfficer, "/adviezen", nil, http.StatusOK)
	webtest.MustContain(t, body, "Postvak: adviezen aan je gemeente", "Advies over respijtzorg in Velsen", "Nieuw")
	id := strings.TrimPrefix(page, "/adviezen/")
	response := responseURL(id, velsen)
	do(velsenOfficer, response+"/ontvangst", url.Values{}, http.StatusSeeOther)
	_, body = do(velsenOfficer, response+"/ontvangst", url.Values{}, http.StatusConflict)
	webtest.MustContain(t, body, "De ontvangst is al bevestigd.")
	_, body = do(velsenOfficer, response+"/eigenaar", url.Values{fOwner: {"Pieter Bakker"}, fOwnerEmail: {"pieter@"}}, http.StatusUnprocessableEntity)
	webtest.MustContain(t, body, "Dit is geen e-mailadres.")
	do(velsenOfficer, response+"/eigenaar", url.Values{fOwner: {"Pieter Bakker"}, fOwnerEmail: {"pieter@velsen.example"}}, http.StatusSeeOther)

	tomorrow := time.Now().AddDate(0, 0, 2).Format(time.DateOnly)
	answer := url.Values{"besluit-1": {"adopted"}, "besluit-2": {"not_adopted"}, "motivering-2": {"Geen budget dit jaar."}, fDecidedOn: {tomorrow}}
	_, body = do(velsenOfficer, response+"/beantwoorden", answer, http.StatusUnprocessableEntity)
	if got := webtest.SummaryOf(t, body); len(got) != 1 || got[0] != [2]string{"#besluitdatum", "Datum van het besluit van het college: De datum van het besluit ligt in de toekomst."} {
		t.Errorf("summary = %q", got)
	}
	answer.Set(fDecidedOn, time.Now().Format(time.DateOnly))
	do(velsenOfficer, response+"/beantwoorden", answer, http.StatusSeeOther)
	_, body = do(chair, response, nil, http.StatusOK)
	webtest.MustContain(t, body, "Beantwoord", "Pieter Bakker", "Niet overgenomen</strong>: <span class=\"mdn-multiline\">Geen budget dit jaar.</span>", "Vraag om herziene reactie")

	// The chair asks for a revision; the officer sees why.
	do(chair, response+"/herziening", url.Values{fReason: {"Waarom geen budget? Het kost weinig."}}, http.StatusSeeOther)
	_, body = do(velsenOfficer, response+"/beantwoorden", nil, http.StatusOK)
	webtest.MustContain(t, body, "De raad vraagt om een herziene reactie:", "Waarom geen budget? Het kost weinig.", "Geen budget dit jaar.")

	// The settings, with the service's refusal of an address.
	_, body = do(velsenOfficer, "/adviezen/instellingen", url.Values{fTermDays: {"56"}, fOfficers: {"adviezen"}, fEtag: {""}}, http.StatusUnprocessableEntity)
	webtest.MustContain(t, body, "Algemeen adres van de beleidsmedewerkers: Dit is geen e-mailadres.")
	do(velsenOfficer, "/adviezen/instellingen", url.Values{fTermDays: {"56"}, fOfficers: {"adviezen@velsen.example"}}, http.StatusSeeOther)
	_, body = do(member, "/adviezen/instellingen", nil, http.StatusOK)
	webtest.MustContain(t, body, "56 dagen (8 weken)", "adviezen@velsen.example")
}

// In a browser, with the real services behind the pages: a council member
// writes an advice with two recommendations on a phone, the chair adopts
// and sends it from the confirmation pages, and Velsen's policy officer
// finds it in the inbox and answers it with the keyboard. Every page on
// the way passes axe-core at 320 px and on a desktop.
func TestAdviceWithTheRealServicesInABrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("drives a browser against the real services")
	}
	b := browsertest.Start(t)
	cfg := startStack(t)
	processID := velsenProcess(t, cfg.Councils)
	site := newSite(t, cfg)
	serve := func(id auth.Identity) string {
		srv := httptest.NewServer(webtest.WithIdentity(id, site.Handler()))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	writer, board, officer := serve(member), serve(chair), serve(velsenOfficer)

	run := func(actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(b.Context(), 30*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, actions...); err != nil {
			where, _ := chromedp.Run(b.Context(), chromedp.Location())
			shows, _ := chromedp.Run(b.Context(), chromedp.Evaluate[string](`document.querySelector("main") ? document.querySelector("main").innerText : document.body.innerText`))
			t.Fatalf("%v at %s, which shows:\n%s", err, where, shows)
		}
	}
	// Buttons are pressed from the keyboard: the layout scrolls smoothly
	// (utrecht-root's scroll-behavior), so a click at a button's position
	// can land beside it while the page still moves.
	press := func(sel string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(chromedp.Focus(sel), chromedp.KeyEvent(kb.Enter))
	}
	notice := func(text string) chromedp.Action[chromedp.Void] {
		return chromedp.WaitVisible(chromedp.Search(fmt.Sprintf(`//p[contains(., %q)]`, text)))
	}
	here := func() string {
		t.Helper()
		u, err := chromedp.Run(b.Context(), chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		if i := strings.Index(u, "?"); i >= 0 {
			u = u[:i]
		}
		return u
	}

	// Write it on a phone: a second recommendation by its button.
	b.AssertAccessible(t, writer+"/adviezen/nieuw")
	b.Visit(t, writer+"/adviezen/nieuw?traject="+processID, browsertest.Width(browsertest.NarrowWidth))
	run(
		chromedp.SetValue(`#titel`, "Advies over respijtzorg in Velsen"),
		chromedp.SendKeys(`#vraag`, "Wat hebben mantelzorgers nodig?"),
		chromedp.SendKeys(`#aanbeveling-1`, "Maak respijtzorg bekend bij huisartsen."),
		press(`#aanbeveling-toevoegen`),
		chromedp.WaitVisible(`#aanbeveling-2`),
		chromedp.SendKeys(`#aanbeveling-2`, "Open een steunpunt in IJmuiden."),
		press(`.mdn-form button[value=voorbeeld]`),
		chromedp.WaitVisible(`#voorbeeld`),
	)
	for _, v := range b.Axe(t) {
		t.Errorf("the preview on a phone: %s", v)
	}
	run(press(`.mdn-form button[value=opslaan]`), notice("Het advies is opgeslagen als concept."))
	page := strings.TrimPrefix(here(), writer)
	b.AssertAccessible(t, writer+page)

	// The chair adopts and sends it, each from its own page.
	for _, step := range []struct{ path, done string }{
		{"/vaststellen", "Het advies is vastgesteld."},
		{"/verzenden", "Het advies is verzonden."},
	} {
		b.AssertAccessible(t, board+page+step.path)
		b.Visit(t, board+page+step.path)
		run(press(`.mdn-form button[type=submit]`), notice(step.done))
	}
	b.AssertAccessible(t, board+page)

	// The officer's inbox leads to the response, answered by keyboard.
	b.AssertAccessible(t, officer+"/adviezen")
	b.Visit(t, officer+"/adviezen", browsertest.Width(browsertest.NarrowWidth))
	run(chromedp.Click(chromedp.Search(`//section//a[contains(., "Advies over respijtzorg in Velsen")]`)), chromedp.WaitVisible(`form[action$="/ontvangst"]`))
	response := strings.TrimPrefix(here(), officer)
	b.AssertAccessible(t, officer+response)
	run(press(`form[action$="/ontvangst"] button`), notice("De ontvangst is bevestigd."))
	b.AssertAccessible(t, officer+response+"/beantwoorden")
	b.Visit(t, officer+response+"/beantwoorden", browsertest.Width(browsertest.NarrowWidth))
	run(
		chromedp.Focus(`#besluit-1-adopted`), chromedp.KeyEvent(" "),
		chromedp.Focus(`#besluit-2-to_be_investigated`), chromedp.KeyEvent(" "),
		chromedp.SendKeys(`#motivering-2`, "We onderzoeken de kosten."),
		chromedp.SetValue(`#besluitdatum`, time.Now().Format(time.DateOnly)),
		press(`.mdn-form button[type=submit]`),
		notice("De reactie is opgeslagen."),
	)
	b.AssertAccessible(t, board+response)
	text, err := chromedp.Run(b.Context(), chromedp.Text(`main`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Beantwoord", "Overgenomen", "Wordt onderzocht: We onderzoeken de kosten.", "Vraag om herziene reactie"} {
		if !strings.Contains(text, want) {
			t.Errorf("the response's page lacks %q:\n%s", want, text)
		}
	}
}
