package poll_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/neighbourhood"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

const processID = "01957a3c-2b1e-7c00-8000-000000000001"

var (
	created = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	opens   = time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	closes  = opens.Add(7 * 24 * time.Hour)
	during  = opens.Add(time.Hour)
)

func nl(s string) poll.Text { return poll.Text{NL: s} }

func opts(ids ...string) []poll.Option {
	out := make([]poll.Option, len(ids))
	for i, id := range ids {
		out[i] = poll.Option{ID: id, Label: poll.Text{NL: "optie " + id, EN: "option " + id}}
	}
	return out
}

func dec(t testing.TB, s string) poll.Decimal {
	t.Helper()
	d, err := poll.ParseDecimal(s)
	if err != nil {
		t.Fatalf("ParseDecimal(%q): %v", s, err)
	}
	return d
}

// everyType is a questionnaire's sections with one question of each type,
// and a long text shown only to those who answer "c" to "single".
func everyType(t testing.TB) []poll.Section {
	return []poll.Section{
		{ID: "s1", Title: nl("Over u"), Questions: []poll.Question{
			{ID: "single", Type: poll.SingleChoice, Text: nl("Hoe vaak?"), Required: true, Options: opts("a", "b", "c"), Other: true},
			{ID: "multi", Type: poll.MultipleChoice, Text: nl("Welke?"), Options: opts("a", "b", "c", "d"), Other: true, MaxChoices: 2},
			{ID: "likert", Type: poll.Likert, Text: nl("Mee eens?"), Required: true},
			{ID: "scale", Type: poll.Scale, Text: nl("Welk cijfer?")},
		}},
		{ID: "s2", Title: nl("Meer"), Questions: []poll.Question{
			{ID: "rank", Type: poll.Ranking, Text: nl("Wat eerst?"), Options: opts("x", "y", "z")},
			{ID: "matrix", Type: poll.Matrix, Text: nl("Hoe tevreden?"), Required: true, Rows: opts("r1", "r2"), Columns: opts("c1", "c2", "c3")},
			{ID: "number", Type: poll.Number, Text: nl("Hoeveel uur?"), Min: 0, Max: dec(t, "100"), Step: dec(t, "0.5")},
			{ID: "short", Type: poll.ShortText, Text: nl("Uw wijk?")},
			{ID: "long", Type: poll.LongText, Text: nl("Toelichting"), MaxLength: 50},
			{ID: "why", Type: poll.LongText, Text: nl("Waarom c?"), Required: true, ShowIf: &poll.Condition{Question: "single", AnyOf: []string{"c"}}},
		}},
	}
}

// complete is a local questionnaire spec with everything scheduling asks.
func complete(t testing.TB) poll.Spec {
	return poll.Spec{
		ProcessID:      processID,
		Tenant:         "GM0453",
		Kind:           poll.Questionnaire,
		Title:          poll.Text{NL: "Mantelzorg in Velsen", EN: "Informal care in Velsen"},
		Sections:       everyType(t),
		Slug:           "mantelzorg-velsen",
		Audience:       poll.Audience{Kind: poll.OpenLink},
		OpensAt:        opens,
		ClosesAt:       closes,
		ResultsSharing: nl("In juni op de website van de participatieraad."),
		CreatedBy:      "secretaris@velsen",
	}
}

// shared is complete, made a shared IJmond poll for the panels.
func shared(t testing.TB) poll.Spec {
	s := complete(t)
	s.Tenant, s.Participants = "ijmond", []string{"GM0453", "GM0375", "GM0396"}
	s.Audience = poll.Audience{Kind: poll.Panel}
	s.Neighbourhoods = demoHoods(t)
	return s
}

// demoHoods is the demo region's list of neighbourhoods.
func demoHoods(t testing.TB) *neighbourhood.Table {
	t.Helper()
	tab, err := neighbourhood.IJmond()
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

func with(s poll.Spec, change func(*poll.Spec)) poll.Spec {
	change(&s)
	return s
}

func newPoll(t testing.TB, s poll.Spec) poll.Poll {
	t.Helper()
	p, err := poll.New(s, created)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return p
}

// openPoll creates, schedules and opens s at its opening time.
func openPoll(t testing.TB, s poll.Spec) poll.Poll {
	t.Helper()
	p := newPoll(t, s)
	if err := p.Schedule(created); err != nil {
		t.Fatalf("Schedule: %v", err)
	}
	if got := p.Advance(s.OpensAt); len(got) != 1 || got[0] != poll.Open {
		t.Fatalf("Advance at the opening time entered %v, want [open]", got)
	}
	return p
}

// problem returns the code and fields of a domain error; "" for nil.
func problem(t testing.TB, err error) (errs.Code, []errs.Field) {
	t.Helper()
	if err == nil {
		return "", nil
	}
	var e *errs.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not a domain error", err)
	}
	return e.Code, e.Fields
}

// paths returns the paths of a domain error's fields.
func paths(t testing.TB, err error) (errs.Code, []string) {
	t.Helper()
	code, fields := problem(t, err)
	var ps []string
	for _, f := range fields {
		ps = append(ps, f.Path)
	}
	return code, ps
}

func sprint(v any) string { return fmt.Sprint(v) }
