package focusgroups

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/jackc/pgx/v5"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/meedoen/meedoen/gateway/web/webtest"
	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/browsertest"
	"github.com/meedoen/meedoen/internal/health"
	"github.com/meedoen/meedoen/internal/platform"
	"github.com/meedoen/meedoen/internal/rpc"
	"github.com/meedoen/meedoen/internal/telemetry"
	"github.com/meedoen/meedoen/internal/testkit"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	"github.com/meedoen/meedoen/services/councils"
	"github.com/meedoen/meedoen/services/focusgroups"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

// stack is the councils and focus groups services as the binary runs
// them, each over gRPC behind its guard, on a real PostgreSQL and an
// in-process JetStream, with the pages' configuration over them.
type stack struct {
	cfg Config
	db  string
}

// startStack starts the services for the test.
func startStack(t *testing.T) stack {
	t.Helper()
	ctx := context.Background()
	_, nc, js := testkit.NewJetStream(t)
	tel, err := telemetry.Setup(ctx, telemetry.Config{ServiceName: "fgweb-test", LogFormat: "text", LogLevel: slog.LevelError}, io.Discard)
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
	db := testkit.NewDatabase(t)
	deps := platform.Deps{DatabaseURL: db, NATS: nc, JetStream: js, Telemetry: tel, Health: health.New(),
		Guard: auth.NewGuard(auth.NewVerifier(signer.Public()), auth.NewPolicy(slices.Concat(councils.Policy(), focusgroups.Policy())...), tel.Logger)}
	c, err := councils.New(ctx, councils.Config{GRPCAddr: "127.0.0.1:0"}, deps)
	if err != nil {
		t.Fatal(err)
	}
	f, err := focusgroups.New(ctx, focusgroups.Config{GRPCAddr: "127.0.0.1:0", PublicURL: "https://meedoen.example", From: "focusgroepen@meedoen.example"}, deps)
	if err != nil {
		t.Fatal(err)
	}
	st := stack{db: db}
	for _, svc := range []*platform.Service{c, f} {
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
		// travels as a signed internal token; members' pages have none.
		conn, err := rpc.Dial(svc.Addr(), nil, grpc.WithChainUnaryInterceptor(auth.ClientInterceptor(signer)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		if svc == c {
			st.cfg.Councils = councilsv1.NewCouncilsServiceClient(conn)
		} else {
			clients := focusgroups.NewClients(conn)
			st.cfg.FocusGroups, st.cfg.Links = clients.Staff, clients.Links
		}
	}
	return st
}

// velsenMember is a council member of Velsen, who forms the group.
var velsenMember = auth.Identity{Subject: "u-velsen", Name: "Anouk de Vries", Grants: []auth.Grant{{Tenant: "GM0453", Role: auth.CouncilMember}}}

// velsenProcess makes a Velsen process that chose a focus group and is
// executing, and returns its title.
func (st stack) velsenProcess(t *testing.T) string {
	t.Helper()
	root := auth.WithIdentity(context.Background(), auth.Identity{Subject: "root", Grants: []auth.Grant{{Tenant: auth.AllTenants, Role: auth.Admin}}})
	as := func(role auth.Role) context.Context {
		return auth.WithIdentity(context.Background(), auth.Identity{Subject: string(role) + "@GM0453", Grants: []auth.Grant{{Tenant: "GM0453", Role: role}}})
	}
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	cs := st.cfg.Councils
	must(cs.CreateRegion(root, &councilsv1.CreateRegionRequest{Region: &councilsv1.Region{Id: "ijmond", Name: "IJmond"}}))
	must(cs.CreateMunicipality(root, &councilsv1.CreateMunicipalityRequest{Municipality: &councilsv1.Municipality{Code: "GM0453", Name: "Velsen", RegionId: "ijmond"}}))
	const title = "Respijtzorg voor mantelzorgers"
	q, err := cs.RaiseQuestion(as(auth.PolicyOfficer), &councilsv1.RaiseQuestionRequest{Question: &councilsv1.Question{
		Title: title, Description: "Wat hebben mantelzorgers nodig om het vol te houden?", Theme: "mantelzorg", Origin: councilsv1.Origin_ORIGIN_SOLICITED,
		Scope: &councilsv1.Scope{Tenant: "GM0453"}, AdviceNeededBy: "2099-03-31"}})
	must(q, err)
	must(cs.DecideQuestion(as(auth.Chair), &councilsv1.DecideQuestionRequest{Id: q.GetId(), Accept: true}))
	p, err := cs.StartProcess(as(auth.CouncilMember), &councilsv1.StartProcessRequest{QuestionId: q.GetId()})
	must(p, err)
	must(cs.UpdateProcess(as(auth.CouncilMember), &councilsv1.UpdateProcessRequest{Id: p.GetId(), Process: &councilsv1.Process{
		PreciseQuestion: "Wanneer vragen mantelzorgers hulp?", Approach: "Een focusgroep", TargetGroup: "Mantelzorgers",
		Forms: []councilsv1.FormKind{councilsv1.FormKind_FORM_KIND_FOCUS_GROUP}},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"precise_question", "approach", "target_group", "forms"}}}))
	for _, phase := range []councilsv1.Phase{councilsv1.Phase_PHASE_CONCRETISE, councilsv1.Phase_PHASE_CHOOSE_FORMS, councilsv1.Phase_PHASE_EXECUTE} {
		must(cs.TransitionProcess(as(auth.CouncilMember), &councilsv1.TransitionProcessRequest{Id: p.GetId(), ToPhase: phase}))
	}
	return p.GetId()
}

// invitationLinks reads the paths of the invitations to join mailed to
// each address: the service keeps only the tokens' hashes.
func (st stack) invitationLinks(t *testing.T, addresses ...string) map[string]string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, st.db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	out := map[string]string{}
	link := regexp.MustCompile(`/focusgroep/uitnodiging/[A-Za-z0-9_-]+`)
	for _, a := range addresses {
		var text string
		if err := conn.QueryRow(ctx, `SELECT text_body FROM focusgroups.outgoing_mail WHERE to_address = $1 AND kind = 'focusgroup_invitation'`, a).Scan(&text); err != nil {
			t.Fatalf("the invitation to %s: %v", a, err)
		}
		out[a] = link.FindString(text)
	}
	return out
}

// With the real services behind the pages, in a browser: a council member
// forms a group for a Velsen process with one client seat, schedules a
// session and invites two residents; both accept from the mail's link and
// say yes on a phone, the second lands on the client waitlist as number 1;
// the staff see the waitlist, mark attendance on a phone and give Henk a
// seat with a reason; a finding with a named and an internal quote is
// agreed and published without the internal one; Henk leaves. Every page
// on the way passes axe-core at 320 px and on a desktop.
func TestFocusGroupWithTheRealServicesInABrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("drives a browser against the real services")
	}
	b := browsertest.Start(t)
	st := startStack(t)
	processID := st.velsenProcess(t)
	site := newSite(t, st.cfg)
	staff := httptest.NewServer(webtest.WithIdentity(velsenMember, site.Handler()))
	t.Cleanup(staff.Close)
	residents := httptest.NewServer(site.Handler())
	t.Cleanup(residents.Close)

	// Radios and checkboxes are ticked from the keyboard: the layout
	// scrolls smoothly (utrecht-root's scroll-behavior), so a click at an
	// element's position can land beside it while the page still moves.
	run := func(actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(b.Context(), 30*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, actions...); err != nil {
			// Say where the browser stopped and what it shows.
			where, _ := chromedp.Run(b.Context(), chromedp.Location())
			shows, _ := chromedp.Run(b.Context(), chromedp.Evaluate[string](`document.querySelector("main") ? document.querySelector("main").innerText : document.body.innerText`))
			t.Fatalf("%v at %s, which shows:\n%s", err, where, shows)
		}
	}
	get := func(a chromedp.Action[string]) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(b.Context(), 30*time.Second)
		defer cancel()
		v, err := chromedp.Run(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	here := func() string {
		t.Helper()
		u := get(chromedp.Location())
		if i := strings.Index(u, "?"); i >= 0 {
			u = u[:i]
		}
		return u
	}
	notice := func(text string) chromedp.Action[chromedp.Void] {
		return chromedp.WaitVisible(chromedp.Search(fmt.Sprintf(`//p[contains(., %q)]`, text)))
	}

	// Form the group: one client seat, one key figure's.
	b.AssertAccessible(t, staff.URL+"/focusgroepen/nieuw?lang=nl")
	b.Visit(t, staff.URL+"/focusgroepen/nieuw")
	run(
		chromedp.SetValue(`#traject`, processID),
		chromedp.SendKeys(`#naam`, "Mantelzorg in Velsen"),
		chromedp.SendKeys(`#zetels-client`, "1"),
		chromedp.SendKeys(`#zetels-key_figure`, "1"),
		chromedp.Click(`.mdn-form button[type=submit]`),
		notice("De focusgroep is gevormd."),
	)
	group := here()
	b.AssertAccessible(t, group)

	// Schedule a session a week ahead, in Amsterdam's time.
	day := time.Now().In(amsterdam).AddDate(0, 0, 7).Format(time.DateOnly)
	b.Visit(t, group+"/bijeenkomsten/nieuw")
	run(
		chromedp.SetValue(`#datum`, day),
		chromedp.SetValue(`#begin`, "19:00"),
		chromedp.SetValue(`#einde`, "21:00"),
		chromedp.SendKeys(`#adres`, "Buurthuis De Stek, Zeeweg 12, IJmuiden"),
		chromedp.SendKeys(`#toegankelijkheid`, "Drempelvrije ingang aan de achterkant."),
		chromedp.Click(`.mdn-form button[type=submit]`),
		notice("De bijeenkomst is gepland."),
	)
	session := here()
	sessionID := session[strings.LastIndex(session, "/")+1:]
	if heading := get(chromedp.Text(`h1`)); !strings.Contains(heading, "19:00–21:00") {
		t.Errorf("the session's heading is %q, want it at 19:00–21:00", heading)
	}

	// Invite two residents as clients.
	b.Visit(t, group+"/uitnodigen")
	run(
		chromedp.SendKeys(`#adressen`, "Fatma Yilmaz, fatma@velsen.example\nHenk Smit <henk@velsen.example>"),
		chromedp.SetValue(`#rol`, "client"),
		chromedp.Click(`.mdn-form button[type=submit]`),
		notice("De uitnodigingen zijn verstuurd."),
	)
	links := st.invitationLinks(t, "fatma@velsen.example", "henk@velsen.example")

	// Each accepts on a phone and says yes: Fatma takes the one client
	// seat, Henk waits as the first in line.
	answer := func(addr, want string) string {
		t.Helper()
		b.AssertAccessible(t, residents.URL+links[addr])
		b.Visit(t, residents.URL+links[addr], browsertest.Width(browsertest.NarrowWidth))
		run(chromedp.Click(`main button[type=submit]`), notice("Welkom in de focusgroep."))
		member := here()
		page := member + "/bijeenkomsten/" + sessionID
		b.Visit(t, page, browsertest.Width(browsertest.NarrowWidth))
		run(
			chromedp.Focus(`#antwoord-ja`), chromedp.KeyEvent(" "),
			chromedp.Focus(`#toegang-rolstoel`), chromedp.KeyEvent(" "),
			chromedp.DoubleClick(`.mdn-form button[type=submit]`),
			notice("Je antwoord is opgeslagen."),
		)
		if got := get(chromedp.Text(`#uw-antwoord`)); !strings.HasPrefix(got, want) {
			t.Errorf("%s's answer reads %q, want %q", addr, got, want)
		}
		b.AssertAccessible(t, page)
		return member
	}
	fatma := answer("fatma@velsen.example", "Je komt. Er is een plaats voor je.")
	henk := answer("henk@velsen.example", "Je staat op de wachtlijst: nummer 1 voor de rol Cliënt.")

	// The staff see who comes and who waits.
	b.Visit(t, session)
	body := get(chromedp.Text(`main`))
	for _, want := range []string{"Komen (1)", "Fatma Yilmaz (Cliënt) · heeft nodig: Rolstoeltoegang", "Wachtlijst Cliënt", "Henk Smit een plaats geven"} {
		if !strings.Contains(body, want) {
			t.Errorf("the session's page lacks %q", want)
		}
	}
	b.AssertAccessible(t, session)

	// The attendance sheet on a phone: Fatma came, and two walk-ins.
	b.AssertAccessible(t, session+"/aanwezigheid")
	b.Visit(t, session+"/aanwezigheid", browsertest.Width(browsertest.NarrowWidth))
	run(
		chromedp.Focus(`.mdn-sheet .utrecht-form-field--checkbox input`), chromedp.KeyEvent(" "),
		chromedp.SendKeys(`#inloop-informal_carer`, "2"),
		chromedp.Click(`.mdn-sheet button[type=submit]`),
		notice("De aanwezigheid is opgeslagen."),
	)
	if got := get(chromedp.Text(`#aanwezig-totaal`)); !strings.HasPrefix(got, "Aanwezig: 3") {
		t.Errorf("the sheet's total reads %q, want 3 present", got)
	}
	webtest.AssertFits(t, b, browsertest.NarrowWidth)
	b.AssertAccessible(t, session+"/presentielijst")

	// Henk gets a seat out of turn, with the reason recorded.
	b.Visit(t, session)
	run(chromedp.Click(chromedp.Search(`//a[contains(., "Henk Smit een plaats geven")]`)), chromedp.WaitVisible(`#reden`))
	b.AssertAccessible(t, here())
	run(
		chromedp.SendKeys(`#reden`, "Tolk geregeld voor deze avond."),
		chromedp.Click(`.mdn-form button[type=submit]`),
		notice("Het lid heeft een plaats gekregen."),
	)
	if body := get(chromedp.Text(`main`)); !strings.Contains(body, "Plaats gegeven door Anouk de Vries") ||
		!strings.Contains(body, "Tolk geregeld voor deze avond.") || !strings.Contains(body, "Komen (2)") {
		t.Errorf("the session's page after the promotion reads %q", body)
	}

	// A finding with a quote of each consent, agreed and published: the
	// internal one never leaves the group.
	b.Visit(t, group+"/bevindingen/nieuw")
	run(
		chromedp.SendKeys(`#bevinding`, "Mantelzorgers weten niet waar ze respijtzorg kunnen aanvragen."),
		chromedp.Focus(`#breedte-meesten`), chromedp.KeyEvent(" "),
		chromedp.SendKeys(`#citaat-0`, "Ik heb drie loketten gebeld."),
		chromedp.Focus(`#toestemming-0-naam`), chromedp.KeyEvent(" "),
		chromedp.SendKeys(`#spreker-0`, "Fatma Yilmaz"),
		chromedp.SendKeys(`#citaat-1`, "Dat zeg ik alleen hier."),
		chromedp.Focus(`#toestemming-1-intern`), chromedp.KeyEvent(" "),
		chromedp.Click(`.mdn-form button[type=submit]`),
		notice("De bevinding is opgeslagen."),
	)
	run(chromedp.Click(chromedp.Search(`//a[contains(., "Vaststellen en publiceren")]`)), chromedp.WaitVisible(`main form`))
	b.AssertAccessible(t, here())
	run(chromedp.Click(`main form button[type=submit]`), notice("De bevinding is vastgesteld en gepubliceerd."))
	b.Visit(t, group+"/bevindingen/gepubliceerd")
	if body := get(chromedp.Text(`main`)); !strings.Contains(body, "“Ik heb drie loketten gebeld.” (Fatma Yilmaz)") || strings.Contains(body, "Dat zeg ik alleen hier.") {
		t.Errorf("the published findings read %q", body)
	}

	// Henk leaves from his link, which then leads nowhere.
	b.Visit(t, henk+"/verlaten", browsertest.Width(browsertest.NarrowWidth))
	run(chromedp.Click(`main button[type=submit]`), chromedp.WaitVisible(chromedp.Search(`//h1[contains(., "Je bent uit Mantelzorg in Velsen")]`)))
	b.AssertAccessible(t, henk, browsertest.Status(404))

	// The calendar file of the session, for the member's calendar.
	resp, ics := webtest.Get(t, site.Handler(), httptest.NewRequest("GET", strings.TrimPrefix(fatma, residents.URL)+"/bijeenkomsten/"+sessionID+"/agenda.ics", nil))
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/calendar") || !strings.Contains(ics, "UID:"+sessionID) || !strings.Contains(ics, "TZID=Europe/Amsterdam") {
		t.Errorf("calendar file: %s\n%s", resp.Header.Get("Content-Type"), ics)
	}
}
