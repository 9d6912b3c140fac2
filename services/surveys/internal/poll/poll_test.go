package poll_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

func TestNewValidatesEverythingAtOnce(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		spec      poll.Spec
		wantPaths []string
	}{
		{name: "a complete local questionnaire", spec: complete(t)},
		{name: "a complete shared poll", spec: shared(t)},
		{name: "a bare draft", spec: poll.Spec{ProcessID: processID, Tenant: "GM0375", Kind: poll.FlashPoll, Title: nl("Kort")}},
		{name: "process id is not a uuid", spec: with(complete(t), func(s *poll.Spec) { s.ProcessID = "p1" }),
			wantPaths: []string{"/processId"}},
		{name: "tenant missing", spec: with(complete(t), func(s *poll.Spec) { s.Tenant = "" }),
			wantPaths: []string{"/tenant"}},
		{name: "a municipality shares with nobody", spec: with(complete(t), func(s *poll.Spec) { s.Participants = []string{"GM0375"} }),
			wantPaths: []string{"/participants"}},
		{name: "a region needs participants", spec: with(shared(t), func(s *poll.Spec) { s.Participants = nil }),
			wantPaths: []string{"/participants"}},
		{name: "participants are CBS codes", spec: with(shared(t), func(s *poll.Spec) { s.Participants = []string{"GM0453", "Velsen"} }),
			wantPaths: []string{"/participants/1"}},
		{name: "unknown kind", spec: with(complete(t), func(s *poll.Spec) { s.Kind = "survey" }),
			wantPaths: []string{"/kind"}},
		{name: "title needs Dutch", spec: with(complete(t), func(s *poll.Spec) { s.Title = poll.Text{EN: "Informal care"} }),
			wantPaths: []string{"/title/nl"}},
		{name: "English intro without Dutch", spec: with(complete(t), func(s *poll.Spec) { s.Intro = poll.Text{EN: "Hello"} }),
			wantPaths: []string{"/intro/nl"}},
		{name: "title too long", spec: with(complete(t), func(s *poll.Spec) { s.Title.NL = strings.Repeat("ë", 201) }),
			wantPaths: []string{"/title/nl"}},
		{name: "slug with capitals", spec: with(complete(t), func(s *poll.Spec) { s.Slug = "Mantelzorg" }),
			wantPaths: []string{"/slug"}},
		{name: "closes before it opens", spec: with(complete(t), func(s *poll.Spec) { s.ClosesAt = opens.Add(-time.Minute) }),
			wantPaths: []string{"/closesAt"}},
		{name: "open for less than an hour", spec: with(complete(t), func(s *poll.Spec) { s.ClosesAt = opens.Add(59 * time.Minute) }),
			wantPaths: []string{"/closesAt"}},
		{name: "a questionnaire may run 180 days", spec: with(complete(t), func(s *poll.Spec) { s.ClosesAt = opens.Add(180 * 24 * time.Hour) })},
		{name: "a questionnaire may not run 181 days", spec: with(complete(t), func(s *poll.Spec) { s.ClosesAt = opens.Add(181 * 24 * time.Hour) }),
			wantPaths: []string{"/closesAt"}},
		{name: "a flash poll may run 60 days", spec: with(flash(t), func(s *poll.Spec) { s.ClosesAt = opens.Add(60 * 24 * time.Hour) })},
		{name: "a flash poll may not run 61 days", spec: with(flash(t), func(s *poll.Spec) { s.ClosesAt = opens.Add(61 * 24 * time.Hour) }),
			wantPaths: []string{"/closesAt"}},
		{name: "a flash poll has at most five questions", spec: with(flash(t), func(s *poll.Spec) {
			for i := range 5 {
				s.Sections[0].Questions = append(s.Sections[0].Questions, poll.Question{ID: "extra" + sprint(i), Type: poll.ShortText, Text: nl("Nog een?")})
			}
		}), wantPaths: []string{"/sections"}},
		{name: "a flash poll has one section", spec: with(flash(t), func(s *poll.Spec) {
			s.Sections = append(s.Sections, poll.Section{ID: "s2"})
		}), wantPaths: []string{"/sections"}},
		{name: "a questionnaire has at most 100 questions", spec: with(complete(t), func(s *poll.Spec) {
			for i := range 91 {
				s.Sections[1].Questions = append(s.Sections[1].Questions, poll.Question{ID: "extra" + sprint(i), Type: poll.ShortText, Text: nl("Nog een")})
			}
		}), wantPaths: []string{"/sections"}},
		{name: "a questionnaire's sections have titles", spec: with(complete(t), func(s *poll.Spec) { s.Sections[1].Title = poll.Text{} }),
			wantPaths: []string{"/sections/1/title/nl"}},
		{name: "a panel filter names a participant", spec: with(shared(t), func(s *poll.Spec) {
			s.Audience.Municipalities = []string{"GM0453", "GM0361"}
		}), wantPaths: []string{"/audience/municipalities/1"}},
		{name: "an open link takes no panel filters", spec: with(complete(t), func(s *poll.Spec) { s.Audience.AgeBands = []string{"66-75"} }),
			wantPaths: []string{"/audience/ageBands"}},
		{name: "a panel filter names listed neighbourhoods of the poll's municipalities", spec: with(shared(t), func(s *poll.Spec) {
			s.Audience.Neighbourhoods = []string{"IJmuiden", "Jan Jansen tel 06-11112222", "Zeewijk", "HKR-01"}
		}), wantPaths: []string{"/audience/neighbourhoods/1", "/audience/neighbourhoods/2"}},
		{name: "a panel filter of neighbourhoods of a municipality left out", spec: with(shared(t), func(s *poll.Spec) {
			s.Audience.Municipalities = []string{"GM0453"}
			s.Audience.Neighbourhoods = []string{"Wijk aan Zee"}
		}), wantPaths: []string{"/audience/neighbourhoods/0"}},
		{name: "a panel filter names the panel's age bands", spec: with(shared(t), func(s *poll.Spec) {
			s.Audience.AgeBands = []string{"66-75", "65-74", "oud"}
		}), wantPaths: []string{"/audience/ageBands/1", "/audience/ageBands/2"}},
		{name: "a panel needs no postcode check", spec: with(shared(t), func(s *poll.Spec) { s.Audience.PostcodeCheck = true }),
			wantPaths: []string{"/audience/postcodeCheck"}},
		{name: "unknown audience", spec: with(complete(t), func(s *poll.Spec) { s.Audience.Kind = "everyone" }),
			wantPaths: []string{"/audience/kind"}},
		{name: "every problem at once", spec: poll.Spec{ProcessID: "x", Tenant: "GM0453", Participants: []string{"GM0375"},
			Kind: poll.FlashPoll, Slug: "-", OpensAt: opens, ClosesAt: opens},
			wantPaths: []string{"/processId", "/participants", "/title/nl", "/slug", "/closesAt"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := poll.New(tt.spec, created)
			code, got := paths(t, err)
			if tt.wantPaths == nil {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				if p.Status() != poll.Draft {
					t.Errorf("status = %s, want draft", p.Status())
				}
				if id, err := uuid.Parse(p.ID()); err != nil || id.Version() != 7 {
					t.Errorf("id %q is not a UUIDv7", p.ID())
				}
				return
			}
			if code != errs.Invalid {
				t.Errorf("code = %q, want invalid", code)
			}
			if diff := cmp.Diff(tt.wantPaths, got); diff != "" {
				t.Errorf("paths (-want +got):\n%s", diff)
			}
		})
	}
}

// flash is a local flash poll spec with one question.
func flash(t testing.TB) poll.Spec {
	s := complete(t)
	s.Kind = poll.FlashPoll
	s.Sections = []poll.Section{{ID: "s1", Questions: []poll.Question{
		{ID: "q1", Type: poll.SingleChoice, Text: nl("Kent u de mantelzorgwaardering?"), Required: true, Options: opts("ja", "nee")},
	}}}
	return s
}

func TestQuestionDefinitions(t *testing.T) {
	t.Parallel()
	q := func(change func(*poll.Question)) poll.Question {
		q := poll.Question{ID: "q9", Type: poll.SingleChoice, Text: nl("Vraag"), Options: opts("a", "b")}
		change(&q)
		return q
	}
	const at = "/sections/1/questions/6"
	tests := []struct {
		name      string
		question  poll.Question
		wantPaths []string
	}{
		{name: "a plain single choice", question: q(func(*poll.Question) {})},
		{name: "id with upper case", question: q(func(q *poll.Question) { q.ID = "Q9" }), wantPaths: []string{at + "/id"}},
		{name: "id used by another question", question: q(func(q *poll.Question) { q.ID = "single" }), wantPaths: []string{at + "/id"}},
		{name: "unknown type", question: q(func(q *poll.Question) { q.Type = "essay" }), wantPaths: []string{at + "/type"}},
		{name: "question text needs Dutch", question: q(func(q *poll.Question) { q.Text = poll.Text{} }), wantPaths: []string{at + "/text/nl"}},
		{name: "a choice needs two options", question: q(func(q *poll.Question) { q.Options = opts("a") }), wantPaths: []string{at + "/options"}},
		{name: "option ids are unique", question: q(func(q *poll.Question) { q.Options = opts("a", "a") }), wantPaths: []string{at + "/options/1/id"}},
		{name: "other is reserved", question: q(func(q *poll.Question) { q.Options = opts("a", "other") }), wantPaths: []string{at + "/options/1/id"}},
		{name: "options need labels", question: q(func(q *poll.Question) { q.Options[1].Label = poll.Text{} }), wantPaths: []string{at + "/options/1/label/nl"}},
		{name: "max choices beyond the options", question: q(func(q *poll.Question) { q.Type, q.MaxChoices = poll.MultipleChoice, 3 }),
			wantPaths: []string{at + "/maxChoices"}},
		{name: "max choices counts other", question: q(func(q *poll.Question) { q.Type, q.Other, q.MaxChoices = poll.MultipleChoice, true, 3 })},
		{name: "min choices above max", question: q(func(q *poll.Question) { q.Type, q.MinChoices, q.MaxChoices = poll.MultipleChoice, 2, 1 }),
			wantPaths: []string{at + "/minChoices"}},
		{name: "min choices on a single choice", question: q(func(q *poll.Question) { q.MinChoices = 1 }), wantPaths: []string{at + "/minChoices"}},
		{name: "a Likert question has five labels", question: poll.Question{ID: "q9", Type: poll.Likert, Text: nl("Eens?"),
			Labels: []poll.Text{nl("oneens"), nl("neutraal"), nl("eens")}}, wantPaths: []string{at + "/labels"}},
		{name: "a scale has no labels or two", question: poll.Question{ID: "q9", Type: poll.Scale, Text: nl("Cijfer?"),
			Labels: []poll.Text{nl("slecht")}}, wantPaths: []string{at + "/labels"}},
		{name: "a scale with two labels", question: poll.Question{ID: "q9", Type: poll.Scale, Text: nl("Cijfer?"),
			Labels: []poll.Text{nl("slecht"), nl("uitstekend")}}},
		{name: "a ranking of up to ten", question: poll.Question{ID: "q9", Type: poll.Ranking, Text: nl("Volgorde?"),
			Options: opts("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k")}, wantPaths: []string{at + "/options"}},
		{name: "a ranking has no other", question: poll.Question{ID: "q9", Type: poll.Ranking, Text: nl("Volgorde?"),
			Options: opts("a", "b"), Other: true}, wantPaths: []string{at + "/other"}},
		{name: "a matrix needs two columns", question: poll.Question{ID: "q9", Type: poll.Matrix, Text: nl("Tevreden?"),
			Rows: opts("r1"), Columns: opts("c1")}, wantPaths: []string{at + "/columns"}},
		{name: "a number range runs upward", question: poll.Question{ID: "q9", Type: poll.Number, Text: nl("Hoeveel?"),
			Min: dec(t, "10"), Max: dec(t, "10")}, wantPaths: []string{at + "/max"}},
		{name: "a number step is positive", question: poll.Question{ID: "q9", Type: poll.Number, Text: nl("Hoeveel?"),
			Max: dec(t, "10"), Step: dec(t, "-1")}, wantPaths: []string{at + "/step"}},
		{name: "a short text is at most 200", question: poll.Question{ID: "q9", Type: poll.ShortText, Text: nl("Wat?"), MaxLength: 201},
			wantPaths: []string{at + "/maxLength"}},
		{name: "a long text is at most 5000", question: poll.Question{ID: "q9", Type: poll.LongText, Text: nl("Wat?"), MaxLength: 5001},
			wantPaths: []string{at + "/maxLength"}},
		{name: "fields that do not apply", question: poll.Question{ID: "q9", Type: poll.Likert, Text: nl("Eens?"), Options: opts("a", "b"), MaxLength: 10},
			wantPaths: []string{at + "/options", at + "/maxLength"}},
		{name: "a condition on an earlier choice", question: q(func(q *poll.Question) {
			q.ShowIf = &poll.Condition{Question: "multi", AnyOf: []string{"d", "other"}}
		})},
		{name: "a condition on a Likert point", question: q(func(q *poll.Question) {
			q.ShowIf = &poll.Condition{Question: "likert", AnyOf: []string{"1", "2"}}
		})},
		{name: "a condition on itself", question: q(func(q *poll.Question) {
			q.ShowIf = &poll.Condition{Question: "q9", AnyOf: []string{"a"}}
		}), wantPaths: []string{at + "/showIf/question"}},
		{name: "a condition on an unknown question", question: q(func(q *poll.Question) {
			q.ShowIf = &poll.Condition{Question: "nope", AnyOf: []string{"a"}}
		}), wantPaths: []string{at + "/showIf/question"}},
		{name: "a condition on a text question", question: q(func(q *poll.Question) {
			q.ShowIf = &poll.Condition{Question: "short", AnyOf: []string{"a"}}
		}), wantPaths: []string{at + "/showIf/question"}},
		{name: "a condition on an option that is not there", question: q(func(q *poll.Question) {
			q.ShowIf = &poll.Condition{Question: "likert", AnyOf: []string{"6"}}
		}), wantPaths: []string{at + "/showIf/anyOf/0"}},
		{name: "a condition names an option", question: q(func(q *poll.Question) {
			q.ShowIf = &poll.Condition{Question: "single"}
		}), wantPaths: []string{at + "/showIf/anyOf"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			spec := complete(t)
			spec.Sections[1].Questions = append(spec.Sections[1].Questions, tt.question)
			_, err := poll.New(spec, created)
			_, got := paths(t, err)
			if diff := cmp.Diff(tt.wantPaths, got); diff != "" {
				t.Errorf("paths (-want +got):\n%s", diff)
			}
		})
	}
}

func TestConditionsReferOnlyToEarlierQuestions(t *testing.T) {
	t.Parallel()
	// Two questions that would show each other: the first refers forward.
	spec := flash(t)
	spec.Sections[0].Questions = []poll.Question{
		{ID: "a", Type: poll.SingleChoice, Text: nl("A?"), Options: opts("x", "y"), ShowIf: &poll.Condition{Question: "b", AnyOf: []string{"x"}}},
		{ID: "b", Type: poll.SingleChoice, Text: nl("B?"), Options: opts("x", "y"), ShowIf: &poll.Condition{Question: "a", AnyOf: []string{"x"}}},
	}
	_, err := poll.New(spec, created)
	code, fields := problem(t, err)
	want := []errs.Field{{Path: "/sections/0/questions/0/showIf/question", Reason: "must refer to an earlier question"}}
	if code != errs.Invalid {
		t.Errorf("code = %q, want invalid", code)
	}
	if diff := cmp.Diff(want, fields); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
}

func TestNewNormalisesQuestions(t *testing.T) {
	t.Parallel()
	spec := complete(t)
	spec.Title = poll.Text{NL: "  Mantelzorg  ", EN: " Informal care "}
	p := newPoll(t, spec)
	get := func(id string) poll.Question {
		q, ok := p.Question(id)
		if !ok {
			t.Fatalf("no question %q", id)
		}
		return q
	}
	if diff := cmp.Diff(poll.Text{NL: "Mantelzorg", EN: "Informal care"}, p.Title()); diff != "" {
		t.Errorf("title (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(poll.DefaultLikertLabels(), get("likert").Labels); diff != "" {
		t.Errorf("Likert labels (-want +got):\n%s", diff)
	}
	multi := get("multi")
	if multi.OtherLabel != poll.DefaultOtherLabel() || multi.MinChoices != 1 || multi.MaxChoices != 2 {
		t.Errorf("multiple choice = other %v, %d–%d; want the default label, 1–2", multi.OtherLabel, multi.MinChoices, multi.MaxChoices)
	}
	if got := get("number").Step; got != dec(t, "0.5") {
		t.Errorf("step = %s, want 0.5", got)
	}
	if got := get("short").MaxLength; got != poll.MaxShortText {
		t.Errorf("short text max = %d, want %d", got, poll.MaxShortText)
	}
	if got, want := p.Municipalities(), []string{"GM0453"}; !cmp.Equal(want, got) {
		t.Errorf("municipalities = %v, want %v", got, want)
	}
	sp := newPoll(t, with(shared(t), func(s *poll.Spec) { s.Participants = []string{"GM0453", "GM0396", "GM0375", "GM0453"} }))
	if got, want := sp.Municipalities(), []string{"GM0375", "GM0396", "GM0453"}; !cmp.Equal(want, got) {
		t.Errorf("shared municipalities = %v, want %v (sorted, once)", got, want)
	}
}

func TestNewKeepsWhatItIsGiven(t *testing.T) {
	t.Parallel()
	spec := shared(t)
	spec.Audience.AgeBands = []string{"76+", " 66 - 75 ", "76+"}
	spec.Audience.Neighbourhoods = []string{"velserbroek", "BEV-05", "Velserbroek"}
	p := newPoll(t, spec)
	type view struct {
		ProcessID, Tenant, Slug, CreatedBy string
		Kind                               poll.Kind
		Intro, ResultsSharing              poll.Text
		Audience                           poll.Audience
		CreatedAt, OpensAt, ClosesAt       time.Time
		Shared                             bool
	}
	want := view{
		ProcessID: processID, Tenant: "ijmond", Slug: "mantelzorg-velsen", CreatedBy: "secretaris@velsen",
		Kind: poll.Questionnaire, ResultsSharing: spec.ResultsSharing,
		Audience:  poll.Audience{Kind: poll.Panel, AgeBands: []string{"66-75", "76+"}, Neighbourhoods: []string{"BEV-05", "VEL-07"}},
		CreatedAt: created, OpensAt: opens, ClosesAt: closes, Shared: true,
	}
	got := view{
		ProcessID: p.ProcessID(), Tenant: p.Tenant(), Slug: p.Slug(), CreatedBy: p.CreatedBy(),
		Kind: p.Kind(), Intro: p.Intro(), ResultsSharing: p.ResultsSharing(), Audience: p.Audience(),
		CreatedAt: p.CreatedAt(), OpensAt: p.OpensAt(), ClosesAt: p.ClosesAt(), Shared: p.Shared(),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("poll (-want +got):\n%s", diff)
	}
	if _, ok := p.Question("nope"); ok {
		t.Error("Question found a question that is not there")
	}
}

func TestPollSharesNothingWithCallers(t *testing.T) {
	t.Parallel()
	spec := complete(t)
	p := newPoll(t, spec)
	before := p.Record()
	spec.Sections[0].Questions[0].Options[0].ID = "changed"
	p.Sections()[0].Questions[0].Options[0].ID = "changed"
	p.Questions()[1].ShowIf = &poll.Condition{Question: "x"}
	if diff := cmp.Diff(before, p.Record()); diff != "" {
		t.Errorf("poll changed through a caller's slice (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(before, poll.Restore(before).Record()); diff != "" {
		t.Errorf("Restore(Record()) (-want +got):\n%s", diff)
	}
}

func TestEditsFollowTheLifecycle(t *testing.T) {
	t.Parallel()
	fewer := everyType(t)[:1]
	tests := []struct {
		name      string
		status    poll.Status
		edit      func(p *poll.Poll) error
		wantCode  errs.Code
		wantPaths []string
	}{
		{name: "questions change in a draft", status: poll.Draft,
			edit: func(p *poll.Poll) error { return p.SetSections(fewer, during) }},
		{name: "questions change while scheduled", status: poll.Scheduled,
			edit: func(p *poll.Poll) error { return p.SetSections(fewer, during) }},
		{name: "a scheduled poll keeps its questions", status: poll.Scheduled,
			edit:     func(p *poll.Poll) error { return p.SetSections(nil, during) },
			wantCode: errs.FailedPrecondition, wantPaths: []string{"/sections"}},
		{name: "questions are frozen once open", status: poll.Open,
			edit:     func(p *poll.Poll) error { return p.SetSections(fewer, during) },
			wantCode: errs.FailedPrecondition, wantPaths: []string{"/status"}},
		{name: "questions stay frozen once closed", status: poll.Closed,
			edit:     func(p *poll.Poll) error { return p.SetSections(fewer, during) },
			wantCode: errs.FailedPrecondition, wantPaths: []string{"/status"}},
		{name: "invalid questions", status: poll.Draft,
			edit: func(p *poll.Poll) error {
				return p.SetSections([]poll.Section{{ID: "s1", Title: nl("S"), Questions: []poll.Question{{ID: "q", Type: poll.Likert}}}}, during)
			},
			wantCode: errs.Invalid, wantPaths: []string{"/sections/0/questions/0/text/nl"}},
		{name: "the intro may be fixed while open", status: poll.Open,
			edit: func(p *poll.Poll) error { return p.SetTitle(nl("Mantelzorg"), nl("Fijn dat u meedoet."), during) }},
		{name: "the title is kept after closing", status: poll.Closed,
			edit:     func(p *poll.Poll) error { return p.SetTitle(nl("Mantelzorg"), poll.Text{}, during) },
			wantCode: errs.FailedPrecondition, wantPaths: []string{"/status"}},
		{name: "an open poll may run longer", status: poll.Open,
			edit: func(p *poll.Poll) error { return p.SetSchedule(time.Time{}, closes.Add(24*time.Hour), during) }},
		{name: "an open poll keeps its opening time", status: poll.Open,
			edit:     func(p *poll.Poll) error { return p.SetSchedule(opens.Add(time.Hour), closes, during) },
			wantCode: errs.Invalid, wantPaths: []string{"/opensAt"}},
		{name: "an open poll cannot close in the past", status: poll.Open,
			edit:     func(p *poll.Poll) error { return p.SetSchedule(opens, during.Add(-time.Minute), during) },
			wantCode: errs.Invalid, wantPaths: []string{"/closesAt"}},
		{name: "the audience narrows in a draft", status: poll.Draft,
			edit: func(p *poll.Poll) error {
				return p.SetAudience(poll.Audience{Kind: poll.Panel, AgeBands: []string{"76+", "66-75", "76+"}}, nil, during)
			}},
		{name: "an open link has no panel filters", status: poll.Draft,
			edit: func(p *poll.Poll) error {
				return p.SetAudience(poll.Audience{Kind: poll.OpenLink, Neighbourhoods: []string{"VEL-01"}}, nil, during)
			},
			wantCode: errs.Invalid, wantPaths: []string{"/audience/neighbourhoods"}},
		{name: "the audience is fixed once open", status: poll.Open,
			edit: func(p *poll.Poll) error {
				return p.SetAudience(poll.Audience{Kind: poll.OpenLink, PostcodeCheck: true}, nil, during)
			},
			wantCode: errs.FailedPrecondition, wantPaths: []string{"/status"}},
		{name: "a scheduled open link keeps its slug", status: poll.Scheduled,
			edit:     func(p *poll.Poll) error { return p.SetSlug("", during) },
			wantCode: errs.FailedPrecondition, wantPaths: []string{"/slug"}},
		{name: "the slug is fixed once open", status: poll.Open,
			edit:     func(p *poll.Poll) error { return p.SetSlug("iets-anders", during) },
			wantCode: errs.FailedPrecondition, wantPaths: []string{"/status"}},
		{name: "the results statement may change after closing", status: poll.Closed,
			edit: func(p *poll.Poll) error { return p.SetResultsSharing(nl("Het verslag staat online."), during) }},
		{name: "the results statement stays once scheduled", status: poll.Scheduled,
			edit:     func(p *poll.Poll) error { return p.SetResultsSharing(poll.Text{}, during) },
			wantCode: errs.Invalid, wantPaths: []string{"/resultsSharing/nl"}},
		{name: "a cancelled poll changes no more", status: poll.Cancelled,
			edit:     func(p *poll.Poll) error { return p.SetResultsSharing(nl("Nooit."), during) },
			wantCode: errs.FailedPrecondition, wantPaths: []string{"/status"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := inStatus(t, tt.status)
			before := p.Record()
			err := tt.edit(&p)
			code, got := paths(t, err)
			if code != tt.wantCode {
				t.Fatalf("code = %q, want %q (%v)", code, tt.wantCode, err)
			}
			if diff := cmp.Diff(tt.wantPaths, got); diff != "" {
				t.Errorf("paths (-want +got):\n%s", diff)
			}
			if err != nil {
				if diff := cmp.Diff(before, p.Record()); diff != "" {
					t.Errorf("a failed edit changed the poll (-before +after):\n%s", diff)
				}
			} else if !p.UpdatedAt().Equal(during) {
				t.Errorf("updated at %v, want %v", p.UpdatedAt(), during)
			}
		})
	}
}

// inStatus is the complete local poll in status, as the store would
// restore it.
func inStatus(t testing.TB, status poll.Status) poll.Poll {
	t.Helper()
	r := newPoll(t, complete(t)).Record()
	r.Status = status
	return poll.Restore(r)
}
