package api

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// typed is what the probe put into the sign-up's neighbourhood: a name, a
// phone number and an address.
const typed = "Jan Jansen tel 06-11112222 jan.jansen@example.org"

// Every way a neighbourhood or an age band enters the service takes a
// value of the closed lists only, and refuses anything else naming the
// field and without repeating the value, which may be personal data.
func TestNeighbourhoodsAndAgeBandsComeFromClosedLists(t *testing.T) {
	t.Parallel()
	f := newPanelFixture(t)
	open := f.opened(t, velsenMember(), panelPoll())
	draft := f.create(t, velsenMember(), panelPoll())
	signUp := func(hood, band string) error {
		_, err := f.panels.SignUp(resident(), &surveysv1.SignUpRequest{MunicipalityCode: "GM0453", Email: "anna@velsen.example",
			Neighbourhood: hood, AgeBand: band, ConsentVersion: "2026-01"})
		return err
	}
	audience := func(hoods, bands []string) error {
		_, err := f.srv.UpdatePoll(velsenMember(), &surveysv1.UpdatePollRequest{Id: draft.GetId(), UpdateMask: mask("audience"),
			Poll: &surveysv1.Poll{Audience: &surveysv1.Audience{Kind: surveysv1.AudienceKind_AUDIENCE_KIND_PANEL, Neighbourhoods: hoods, AgeBands: bands}}})
		return err
	}
	for _, tc := range []struct {
		name  string
		call  func() error
		paths []string
	}{
		{"sign-up: typed text", func() error { return signUp(typed, "") }, []string{"/neighbourhood"}},
		{"sign-up: another municipality's neighbourhood", func() error { return signUp("BEV-05", "") }, []string{"/neighbourhood"}},
		{"sign-up: an age band not on the list", func() error { return signUp("", "65-74") }, []string{"/ageBand"}},
		{"audience: typed text and a band not on the list", func() error { return audience([]string{"VEL-01", typed}, []string{"66-75", "75+"}) },
			[]string{"/audience/neighbourhoods/1", "/audience/ageBands/1"}},
		{"invitation filters", func() error {
			_, err := f.panels.InvitePanel(velsenMember(), &surveysv1.InvitePanelRequest{PollId: open.GetId(),
				Neighbourhoods: []string{"IJmuiden", typed}, AgeBands: []string{"oud"}})
			return err
		}, []string{"/ageBands/0", "/neighbourhoods/1"}},
		{"member list filter", func() error {
			_, err := f.panels.ListPanelMembers(velsenOfficer(), &surveysv1.ListPanelMembersRequest{MunicipalityCode: "GM0453",
				Neighbourhood: typed, AgeBand: "75+"})
			return err
		}, []string{"neighbourhood", "ageBand"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if codeOf(err) != "invalid" {
				t.Fatalf("error %v, want invalid", err)
			}
			if diff := cmp.Diff(tc.paths, fieldPaths(err)); diff != "" {
				t.Errorf("paths (-want +got):\n%s", diff)
			}
			if strings.Contains(err.Error(), "Jansen") || strings.Contains(err.Error(), "06-1111") {
				t.Errorf("the refusal repeats what was typed: %v", err)
			}
		})
	}

	// The import refuses the row, naming its line and column.
	rep, err := f.panels.ImportPanelMembers(velsenOfficer(), &surveysv1.ImportPanelMembersRequest{MunicipalityCode: "GM0453", ConsentVersion: "2026-01",
		Csv: []byte("email;wijk;leeftijdsgroep;toestemming_datum\nb@velsen.example;" + typed + ";;2026-01-05\nc@velsen.example;velserbroek;65-74;2026-01-05\nd@velsen.example;velserbroek;;2026-01-05\n")})
	if err != nil {
		t.Fatal(err)
	}
	var rejected []string
	for _, r := range rep.GetRejected() {
		rejected = append(rejected, fmt.Sprintf("%s@%d", r.GetColumn(), r.GetLine()))
	}
	if diff := cmp.Diff([]string{"wijk@2", "leeftijdsgroep@3"}, rejected); diff != "" || rep.GetImported() != 1 {
		t.Errorf("import: %d imported, rejected (-want +got):\n%s", rep.GetImported(), diff)
	}

	// What is taken is stored as the code, whether named by code or name.
	if err := signUp("santpoort-noord", "41-65"); err != nil {
		t.Fatal(err)
	}
	if err := audience([]string{"Velserbroek", "vel-01"}, nil); err != nil {
		t.Fatal(err)
	}
	got, err := f.srv.GetPoll(velsenMember(), &surveysv1.GetPollRequest{Id: draft.GetId()})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"VEL-01", "VEL-07"}, got.GetAudience().GetNeighbourhoods()); diff != "" {
		t.Errorf("audience neighbourhoods (-want +got):\n%s", diff)
	}
	list, err := f.panels.ListPanelMembers(velsenOfficer(), &surveysv1.ListPanelMembersRequest{MunicipalityCode: "GM0453"})
	if err != nil {
		t.Fatal(err)
	}
	hoods := map[string]string{}
	for _, m := range list.GetMembers() {
		hoods[m.GetEmail()] = m.GetNeighbourhood()
	}
	if diff := cmp.Diff(map[string]string{"d@velsen.example": "VEL-07", "anna@velsen.example": "VEL-05"}, hoods); diff != "" {
		t.Errorf("stored neighbourhoods (-want +got):\n%s", diff)
	}
}

// The list is public: the sign-up page shows it to residents.
func TestListNeighbourhoodsGivesTheClosedList(t *testing.T) {
	t.Parallel()
	f := newPanelFixture(t)
	for _, tc := range []struct {
		municipality string
		first        *surveysv1.Neighbourhood
		n            int
	}{
		{"GM0453", &surveysv1.Neighbourhood{Code: "VEL-04", MunicipalityCode: "GM0453", Name: "Driehuis"}, 7},
		{"", &surveysv1.Neighbourhood{Code: "BEV-01", MunicipalityCode: "GM0375", Name: "Beverwijk-Centrum"}, demoHoods.Len()},
		{"GM0001", nil, 0},
	} {
		got, err := f.panels.ListNeighbourhoods(resident(), &surveysv1.ListNeighbourhoodsRequest{MunicipalityCode: tc.municipality})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.GetNeighbourhoods()) != tc.n {
			t.Errorf("%q: %d neighbourhoods, want %d", tc.municipality, len(got.GetNeighbourhoods()), tc.n)
			continue
		}
		if tc.n == 0 {
			continue
		}
		if diff := cmp.Diff(tc.first, got.GetNeighbourhoods()[0], protocmp.Transform()); diff != "" {
			t.Errorf("%q: first (-want +got):\n%s", tc.municipality, diff)
		}
	}
}
