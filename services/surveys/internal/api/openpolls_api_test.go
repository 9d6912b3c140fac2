package api

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/errs"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

func TestListOpenPollsShowsOnlyOpenOpenLinkPollsOfTheMunicipality(t *testing.T) {
	f := newFixture(t)
	f.opened(t, velsenMember(), flashPoll("velsen-open"))
	f.opened(t, coordinator(), sharedPoll("ijmond-gedeeld"))
	heemskerk := flashPoll("heemskerk-open")
	heemskerk.Tenant = "GM0396"
	f.opened(t, heemskerkMember(), heemskerk)
	panel := panelPoll()
	panel.Slug = "velsen-panel" // a panel poll's slug is no open link
	f.opened(t, velsenMember(), panel)
	f.create(t, velsenMember(), flashPoll("velsen-concept"))
	closed := f.opened(t, velsenMember(), flashPoll("velsen-gesloten"))
	if _, err := f.srv.ClosePoll(velsenMember(), &surveysv1.ClosePollRequest{Id: closed.GetId()}); err != nil {
		t.Fatal(err)
	}
	cancelled := f.opened(t, velsenMember(), flashPoll("velsen-geannuleerd"))
	if _, err := f.srv.CancelPoll(velsenMember(), &surveysv1.CancelPollRequest{Id: cancelled.GetId(), Reason: "dubbel"}); err != nil {
		t.Fatal(err)
	}

	slugs := func(m string) []string {
		t.Helper()
		list, err := f.srv.ListOpenPolls(resident(), &surveysv1.ListOpenPollsRequest{MunicipalityCode: m})
		if err != nil {
			t.Fatalf("ListOpenPolls(%s): %v", m, err)
		}
		var out []string
		for _, p := range list.GetPolls() {
			out = append(out, p.GetSlug())
		}
		slices.Sort(out)
		return out
	}
	for m, want := range map[string][]string{
		"GM0453": {"ijmond-gedeeld", "velsen-open"},
		"GM0375": {"ijmond-gedeeld"},
		"GM0396": {"heemskerk-open"},
		"GM0001": nil,
	} {
		if diff := cmp.Diff(want, slugs(m)); diff != "" {
			t.Errorf("open polls of %s (-want +got):\n%s", m, diff)
		}
	}

	list, err := f.srv.ListOpenPolls(resident(), &surveysv1.ListOpenPollsRequest{MunicipalityCode: "GM0375"})
	if err != nil {
		t.Fatal(err)
	}
	shared := list.GetPolls()[0]
	if got := shared.GetMunicipalityCodes(); !slices.Equal(got, []string{"GM0375", "GM0453"}) && !slices.Equal(got, []string{"GM0453", "GM0375"}) {
		t.Errorf("the shared poll names its municipalities %v, want Velsen and Beverwijk", got)
	}
	if shared.GetTitle().GetNl() != "Eenzaamheid in de IJmond" || shared.GetClosesAt().AsTime().Before(time.Now()) {
		t.Errorf("the shared poll reads %q closing %v, want its title and a closing time ahead", shared.GetTitle().GetNl(), shared.GetClosesAt().AsTime())
	}

	f.srv.now = func() time.Time { return time.Now().Add(8 * 24 * time.Hour) }
	if got := slugs("GM0453"); got != nil {
		t.Errorf("after the closing time Velsen still lists %v", got)
	}
}

func TestListOpenPollsNamesABadMunicipality(t *testing.T) {
	f := newFixture(t)
	for _, m := range []string{"", "velsen", "GM45"} {
		_, err := f.srv.ListOpenPolls(resident(), &surveysv1.ListOpenPollsRequest{MunicipalityCode: m})
		if codeOf(err) != errs.Invalid || !slices.Equal(fieldPaths(err), []string{"municipalityCode"}) {
			t.Errorf("ListOpenPolls(%q) = %v, want invalid naming municipalityCode", m, err)
		}
	}
}
