package council_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/services/councils/internal/council"
)

// day is 22 November 2026, the "today" of these tests.
var day = council.NewDate(2026, 11, 22)

func member(t *testing.T, name, role, start, end string) council.Member {
	t.Helper()
	m, err := council.NewMember("GM0453", council.MemberInput{Name: name, Role: role, TermStart: start, TermEnd: end}, now)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestMemberIsActiveFromTheFirstThroughTheLastDayOfTheTerm(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		start, end string
		want       bool
	}{
		{name: "open-ended, started long ago", start: "2024-01-01", want: true},
		{name: "starts today", start: "2026-11-22", want: true},
		{name: "starts tomorrow", start: "2026-11-23", want: false},
		{name: "ends today", start: "2024-01-01", end: "2026-11-22", want: true},
		{name: "ended yesterday", start: "2024-01-01", end: "2026-11-21", want: false},
		{name: "ends next year", start: "2024-01-01", end: "2027-12-31", want: true},
		{name: "one-day term, today", start: "2026-11-22", end: "2026-11-22", want: true},
		{name: "future term with an end", start: "2026-11-23", end: "2027-11-22", want: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := member(t, "Anouk", "member", tc.start, tc.end)
			if got := m.Active(day); got != tc.want {
				t.Errorf("Active(%s) = %v, want %v", day, got, tc.want)
			}
		})
	}
}

func TestVacanciesAreSeatsWithoutAnActiveMember(t *testing.T) {
	t.Parallel()
	current := member(t, "Anouk", "chair", "2024-01-01", "")
	endsToday := member(t, "Bram", "secretary", "2024-01-01", "2026-11-22")
	endedYesterday := member(t, "Carla", "member", "2024-01-01", "2026-11-21")
	startsTomorrow := member(t, "Dirk", "member", "2026-11-23", "")
	other, err := council.NewMember("GM0375", council.MemberInput{Name: "Eva", Role: "member", TermStart: "2024-01-01"}, now)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		seats   int
		members []council.Member
		want    int
	}{
		{name: "empty council", seats: 9, want: 9},
		{name: "only those active today count", seats: 9, members: []council.Member{current, endsToday, endedYesterday, startsTomorrow}, want: 7},
		{name: "members of another council do not count", seats: 9, members: []council.Member{current, other}, want: 8},
		{name: "more active members than seats is no vacancy, not a negative one", seats: 1, members: []council.Member{current, endsToday}, want: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := velsen(t).Change(council.Settings{Name: "Participatieraad Velsen", Seats: tc.seats}, now)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Vacancies(tc.members, day); got != tc.want {
				t.Errorf("Vacancies() = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestNewMemberValidatesEveryField(t *testing.T) {
	t.Parallel()
	valid := council.MemberInput{Name: "Anouk de Vries", Role: "chair", TermStart: "2026-01-01", TermEnd: "2027-12-31", Subject: "sub-123"}
	tests := []struct {
		name       string
		edit       func(*council.MemberInput)
		wantFields []string
	}{
		{name: "valid", edit: func(*council.MemberInput) {}},
		{name: "open-ended term", edit: func(in *council.MemberInput) { in.TermEnd = "" }},
		{name: "one-day term", edit: func(in *council.MemberInput) { in.TermEnd = in.TermStart }},
		{name: "every role", edit: func(in *council.MemberInput) { in.Role = "secretary" }},
		{name: "no name", edit: func(in *council.MemberInput) { in.Name = " " }, wantFields: []string{"/name"}},
		{name: "name too long", edit: func(in *council.MemberInput) { in.Name = strings.Repeat("a", 101) }, wantFields: []string{"/name"}},
		{name: "no role", edit: func(in *council.MemberInput) { in.Role = "" }, wantFields: []string{"/role"}},
		{name: "unknown role", edit: func(in *council.MemberInput) { in.Role = "treasurer" }, wantFields: []string{"/role"}},
		{name: "no start", edit: func(in *council.MemberInput) { in.TermStart = "" }, wantFields: []string{"/termStart"}},
		{name: "start not a date", edit: func(in *council.MemberInput) { in.TermStart = "1 januari" }, wantFields: []string{"/termStart"}},
		{name: "end not a date", edit: func(in *council.MemberInput) { in.TermEnd = "2027-13-01" }, wantFields: []string{"/termEnd"}},
		{name: "end before start", edit: func(in *council.MemberInput) { in.TermEnd = "2025-12-31" }, wantFields: []string{"/termEnd"}},
		{name: "subject too long", edit: func(in *council.MemberInput) { in.Subject = strings.Repeat("s", 256) }, wantFields: []string{"/subject"}},
		{name: "everything wrong at once", edit: func(in *council.MemberInput) { *in = council.MemberInput{TermEnd: "soon"} },
			wantFields: []string{"/name", "/role", "/termStart", "/termEnd"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := valid
			tc.edit(&in)
			m, err := council.NewMember("GM0453", in, now)
			if diff := cmp.Diff(tc.wantFields, fieldsOf(t, err)); diff != "" {
				t.Fatalf("invalid fields (-want +got):\n%s", diff)
			}
			if err != nil {
				return
			}
			if m.ID() == "" || m.MunicipalityCode() != "GM0453" || string(m.Role()) != in.Role {
				t.Errorf("member %q of %s as %s, want an id, GM0453 and %s", m.ID(), m.MunicipalityCode(), m.Role(), in.Role)
			}
			if got := m.Term().Start.String() + ".." + m.Term().End.String(); got != in.TermStart+".."+in.TermEnd {
				t.Errorf("term %s, want %s..%s", got, in.TermStart, in.TermEnd)
			}
		})
	}
}

func TestTheReasonForATermEndingBeforeItStarts(t *testing.T) {
	t.Parallel()
	_, err := council.NewMember("GM0453", council.MemberInput{Name: "Anouk", Role: "member", TermStart: "2026-06-01", TermEnd: "2026-05-31"}, now)
	if got := err.Error(); !strings.Contains(got, "/termEnd: must not be before the start of the term") {
		t.Errorf("error %q does not explain the term end", got)
	}
}

func TestChangingTheTermEnd(t *testing.T) {
	t.Parallel()
	open := member(t, "Anouk", "chair", "2024-01-01", "")
	ending := member(t, "Anouk", "chair", "2024-01-01", "2026-12-31")
	change := func(m council.Member, role, end string) council.Member {
		t.Helper()
		c, err := m.Change(council.MemberInput{Name: m.Name(), Role: role, TermStart: m.Term().Start.String(), TermEnd: end}, now)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	tests := []struct {
		name                   string
		before, after          council.Member
		wantLeaves, wantRejoin bool
	}{
		{name: "setting an end", before: open, after: change(open, "chair", "2026-12-31"), wantLeaves: true},
		{name: "moving the end", before: ending, after: change(ending, "chair", "2026-11-30"), wantLeaves: true},
		{name: "keeping the end, changing the role", before: ending, after: change(ending, "member", "2026-12-31")},
		{name: "open-ended stays open-ended", before: open, after: change(open, "secretary", "")},
		{name: "clearing the end", before: ending, after: change(ending, "chair", ""), wantRejoin: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.after.Leaves(tc.before); got != tc.wantLeaves {
				t.Errorf("Leaves() = %v, want %v", got, tc.wantLeaves)
			}
			if got := tc.after.Rejoins(tc.before); got != tc.wantRejoin {
				t.Errorf("Rejoins() = %v, want %v", got, tc.wantRejoin)
			}
			if tc.after.ID() != tc.before.ID() {
				t.Error("a change gave the member another id")
			}
		})
	}
}

func TestRosterShowsCurrentMembersFirstThenByName(t *testing.T) {
	t.Parallel()
	members := []council.Member{
		member(t, "zoë", "member", "2024-01-01", ""),
		member(t, "Carla", "member", "2024-01-01", "2026-11-21"), // former
		member(t, "Dirk", "member", "2026-11-23", ""),            // not yet
		member(t, "bram", "secretary", "2024-01-01", "2026-11-22"),
		member(t, "Anouk", "chair", "2024-01-01", ""),
	}
	names := func(ms []council.Member) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Name())
		}
		return out
	}
	if diff := cmp.Diff([]string{"Anouk", "bram", "zoë", "Dirk"}, names(council.Roster(members, day, false))); diff != "" {
		t.Errorf("roster without former members (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Anouk", "bram", "zoë", "Carla", "Dirk"}, names(council.Roster(members, day, true))); diff != "" {
		t.Errorf("roster with former members (-want +got):\n%s", diff)
	}
}

func TestChangeKeepsIdentityAndCreation(t *testing.T) {
	t.Parallel()
	m := member(t, "Anouk", "member", "2024-01-01", "")
	later := now.Add(24 * time.Hour)
	c, err := m.Change(council.MemberInput{Name: "Anouk", Role: "chair", TermStart: "2024-01-01"}, later)
	if err != nil {
		t.Fatal(err)
	}
	if c.ID() != m.ID() || !c.CreatedAt().Equal(m.CreatedAt()) || !c.UpdatedAt().Equal(later) {
		t.Errorf("changed member %s created %v updated %v; want %s created %v updated %v",
			c.ID(), c.CreatedAt(), c.UpdatedAt(), m.ID(), m.CreatedAt(), later)
	}
}
