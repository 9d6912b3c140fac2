package web

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"google.golang.org/grpc"

	"github.com/meedoen/meedoen/gateway/web/webtest"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// openPolls is a surveys service that knows only the open polls of each
// municipality.
type openPolls struct {
	surveysv1.SurveysServiceClient
	byMunicipality map[string][]*surveysv1.OpenPoll
	err            error
	asked          []string
}

func (f *openPolls) ListOpenPolls(_ context.Context, in *surveysv1.ListOpenPollsRequest, _ ...grpc.CallOption) (*surveysv1.OpenPollList, error) {
	f.asked = append(f.asked, in.GetMunicipalityCode())
	if f.err != nil {
		return nil, f.err
	}
	return &surveysv1.OpenPollList{Polls: f.byMunicipality[in.GetMunicipalityCode()]}, nil
}

func velsenOpenPolls() *openPolls {
	return &openPolls{byMunicipality: map[string][]*surveysv1.OpenPoll{
		"GM0453": {
			{Id: "p1", Slug: "wmo-loket-velsen", Title: webtest.Text("Het Wmo-loket in Velsen", "The Wmo desk in Velsen"),
				ClosesAt: webtest.At("2026-12-20T17:00:00Z"), MunicipalityCodes: []string{"GM0453"}},
			{Id: "p2", Slug: "minima-ijmond", Title: webtest.Text("Minimaregelingen in de IJmond", ""),
				ClosesAt: webtest.At("2027-01-08T11:00:00Z"), MunicipalityCodes: []string{"GM0375", "GM0453"}},
		},
	}}
}

func TestVisitorsChooseAMunicipalityAndSeeWhereToTakePart(t *testing.T) {
	t.Parallel()
	surveys := velsenOpenPolls()
	h := newSite(t, Config{Surveys: surveys}).Handler()

	_, home := webtest.Get(t, h, httptest.NewRequest("GET", "/", nil))
	webtest.MustContain(t, home,
		`<form class="utrecht-form mdn-filter" method="get" action="/"`,
		`<select class="utrecht-select utrecht-select--html-select" id="gemeente" name="gemeente">`,
		`<option value="GM0453">Velsen</option>`, `<option value="GM0375">Beverwijk</option>`)
	webtest.MustNotContain(t, home, `value="ijmond"`, "Peilingen in", "/panel/aanmelden/")
	if len(surveys.asked) != 0 {
		t.Errorf("the page asked for open polls before a municipality was chosen: %v", surveys.asked)
	}

	resp, velsen := webtest.Get(t, h, httptest.NewRequest("GET", "/?gemeente=GM0453", nil))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200", resp.StatusCode)
	}
	if got := resp.Header.Values("Set-Cookie"); len(got) != 0 {
		t.Errorf("choosing a municipality set cookies %v; the address holds the choice", got)
	}
	webtest.MustContain(t, velsen,
		`<option value="GM0453" selected>Velsen</option>`,
		"Peilingen in Velsen",
		`<a class="utrecht-link utrecht-link--html-a" href="/p/wmo-loket-velsen">Het Wmo-loket in Velsen</a> (open tot 20 december 2026, 18:00)`,
		`href="/p/minima-ijmond">Minimaregelingen in de IJmond</a> (open tot 8 januari 2027, 12:00)`,
		`href="/panel/aanmelden/GM0453">Meld je aan voor het inwonerspanel van Velsen.</a>`,
		`href="/resultaten?gemeente=GM0453">Resultaten in Velsen</a>`)
	if got := webtest.TitleOf(t, velsen); got != "Start: Velsen · Meedoen" {
		t.Errorf("title %q, want it to name the municipality", got)
	}

	_, en := webtest.Get(t, h, httptest.NewRequest("GET", "/?gemeente=GM0453&lang=en", nil))
	webtest.MustContain(t, en, `href="/p/wmo-loket-velsen">The Wmo desk in Velsen</a>`,
		`href="/p/minima-ijmond" lang="nl">Minimaregelingen in de IJmond</a>`)
}

func TestAMunicipalityWithoutOpenPollsStillOffersItsPanel(t *testing.T) {
	t.Parallel()
	h := newSite(t, Config{Surveys: velsenOpenPolls()}).Handler()
	_, body := webtest.Get(t, h, httptest.NewRequest("GET", "/?gemeente=GM0396", nil))
	webtest.MustContain(t, body, "Er staat nu geen peiling open voor inwoners van Heemskerk.",
		`href="/panel/aanmelden/GM0396"`)
	webtest.MustNotContain(t, body, "/p/")

	h = newSite(t, Config{Surveys: &openPolls{err: errors.New("surveys down")}}).Handler()
	resp, down := webtest.Get(t, h, httptest.NewRequest("GET", "/?gemeente=GM0453", nil))
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status %d when the surveys service is down, want the page with 200", resp.StatusCode)
	}
	webtest.MustContain(t, down, "We kunnen nu niet laten zien welke peilingen open staan.", `href="/panel/aanmelden/GM0453"`)
}

func TestAnUnknownMunicipalityIsAskedAgain(t *testing.T) {
	t.Parallel()
	surveys := velsenOpenPolls()
	h := newSite(t, Config{Surveys: surveys}).Handler()
	for _, choice := range []string{"ijmond", "GM9999", "Velsen"} {
		_, body := webtest.Get(t, h, httptest.NewRequest("GET", "/?gemeente="+choice, nil))
		webtest.MustContain(t, body, "Deze gemeente kennen we niet.", `aria-invalid="true" aria-describedby="gemeente-fout"`)
		webtest.MustNotContain(t, body, "/panel/aanmelden/")
	}
	if len(surveys.asked) != 0 {
		t.Errorf("asked the surveys service about %v", surveys.asked)
	}
}

func TestVisitorsHomePageShowsNoStaffNavigation(t *testing.T) {
	t.Parallel()
	site := newSite(t, Config{Surveys: velsenOpenPolls()})
	_, visitor := webtest.Get(t, site.Handler(), httptest.NewRequest("GET", "/?gemeente=GM0453", nil))
	webtest.MustNotContain(t, visitor, `class="utrecht-nav-bar mdn-nav"`, `href="/agenda"`, `id="mdn-tenant"`)
	// Staff arrive here too: the login stays.
	webtest.MustContain(t, visitor, "Log in met het account van je organisatie.", `utrecht-button-link--primary-action" href="/auth/login`)

	_, staff := webtest.Get(t, webtest.WithIdentity(webtest.OneTenant, site.Handler()), httptest.NewRequest("GET", "/?gemeente=GM0453", nil))
	webtest.MustContain(t, staff, `class="utrecht-nav-bar mdn-nav"`, "Welkom, ")
	webtest.MustNotContain(t, staff, `name="gemeente"`, "Peilingen in")
	if strings.Contains(staff, "/panel/aanmelden/") {
		t.Error("the staff's start page offers the panel sign-up")
	}
}
