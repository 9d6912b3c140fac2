package web

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/timestamppb"

	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// The builder's side of the fake surveys service: it creates drafts and
// saves what UpdatePoll names as it comes, refusing, like the real
// service, a flash poll of more than five questions and any change to a
// poll that is no longer a draft.

// Ids of the builder tests' polls.
const (
	newPollID           = "poll-new"
	questionnaireDraft  = "poll-questionnaire"
	flashQuestionsLimit = 5
)

func (f *fakeSurveys) CreatePoll(_ context.Context, req *surveysv1.CreatePollRequest) (*surveysv1.Poll, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("CreatePoll", req); err != nil {
		return nil, err
	}
	p := proto.CloneOf(req.GetPoll())
	p.Id, p.Status = newPollID, surveysv1.PollStatus_POLL_STATUS_DRAFT
	f.staff[p.Id] = p
	return proto.CloneOf(p), nil
}

func (f *fakeSurveys) UpdatePoll(_ context.Context, req *surveysv1.UpdatePollRequest) (*surveysv1.Poll, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.call("UpdatePoll", req); err != nil {
		return nil, err
	}
	p, err := f.staffPoll(req.GetId())
	if err != nil {
		return nil, err
	}
	if p.GetStatus() != surveysv1.PollStatus_POLL_STATUS_DRAFT {
		return nil, status.Errorf(codes.FailedPrecondition, "cannot change the questions of a poll that is %s", p.GetStatus())
	}
	if want := req.GetExpectedUpdateTime(); want != nil && !want.AsTime().Equal(p.GetUpdateTime().AsTime()) {
		st, err := status.New(codes.Aborted, "the poll changed since it was read").WithDetails(&errdetails.PreconditionFailure{
			Violations: []*errdetails.PreconditionFailure_Violation{{Type: "STALE", Subject: "/expectedUpdateTime", Description: "the poll was changed since"}}})
		if err != nil {
			return nil, err
		}
		return nil, st.Err()
	}
	in := req.GetPoll()
	if n := questionCount(in); p.GetKind() == surveysv1.PollKind_POLL_KIND_FLASH_POLL && n > flashQuestionsLimit {
		return nil, invalid("/sections", "a flash poll has at most 5 questions (this one has "+strconv.Itoa(n)+"); make it a questionnaire")
	}
	for _, path := range req.GetUpdateMask().GetPaths() {
		switch path {
		case "title":
			p.Title = in.GetTitle()
		case "intro":
			p.Intro = in.GetIntro()
		case "sections":
			p.Sections = in.GetSections()
		case "audience":
			p.Audience = in.GetAudience()
		case "slug":
			p.Slug = in.GetSlug()
		case "opens_at":
			p.OpensAt = in.GetOpensAt()
		case "closes_at":
			p.ClosesAt = in.GetClosesAt()
		case "results_sharing":
			p.ResultsSharing = in.GetResultsSharing()
		default:
			return nil, invalid("/updateMask", path+" cannot be changed")
		}
	}
	p.UpdateTime = timestamppb.New(p.GetUpdateTime().AsTime().Add(time.Second))
	return proto.CloneOf(p), nil
}

func (f *fakeSurveys) UnschedulePoll(_ context.Context, req *surveysv1.UnschedulePollRequest) (*surveysv1.Poll, error) {
	return f.move("UnschedulePoll", req, req.GetId(), surveysv1.PollStatus_POLL_STATUS_DRAFT, surveysv1.PollStatus_POLL_STATUS_SCHEDULED)
}

// questionCount is the number of questions in all sections.
func questionCount(p *surveysv1.Poll) int {
	n := 0
	for _, s := range p.GetSections() {
		n += len(s.GetQuestions())
	}
	return n
}

// addDraft adds a poll to the fake.
func (f *fakeSurveys) addDraft(p *surveysv1.Poll) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.staff[p.GetId()] = p
}

// staffNow returns the poll as the fake has it now.
func (f *fakeSurveys) staffNow(t *testing.T, id string) *surveysv1.Poll {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	p, err := f.staffPoll(id)
	if err != nil {
		t.Fatal(err)
	}
	return proto.CloneOf(p)
}

// builderSite returns the fake services and a site that uses both: the
// councils service for the processes a poll can serve.
func builderSite(t *testing.T) (*fakeSurveys, *Site) {
	t.Helper()
	surveys := newFakeSurveys()
	surveys.addDraft(&surveysv1.Poll{
		Id: questionnaireDraft, ProcessId: "p-intake", Tenant: "GM0453", Kind: surveysv1.PollKind_POLL_KIND_QUESTIONNAIRE,
		Status: surveysv1.PollStatus_POLL_STATUS_DRAFT, Title: text("Vervoer naar de dagbesteding", ""),
	})
	return surveys, newSite(t, Config{Surveys: surveys.serve(t), Councils: newFakeCouncils().serve(t)})
}

// formOf returns what a browser would send for the form that posts to
// action on the page, without any button: text boxes, hidden fields,
// checked boxes, textareas and each select's chosen option.
func formOf(t *testing.T, body, action string) url.Values {
	t.Helper()
	start := strings.Index(body, `action="`+action+`"`)
	if start < 0 {
		t.Fatalf("the page has no form that posts to %s", action)
	}
	end := strings.Index(body[start:], "</form>")
	form := body[start : start+end]
	vals := url.Values{}
	attr := regexp.MustCompile(`([a-z-]+)="([^"]*)"`)
	attrs := func(tag string) map[string]string {
		m := map[string]string{}
		for _, a := range attr.FindAllStringSubmatch(tag, -1) {
			m[a[1]] = html.UnescapeString(a[2])
		}
		return m
	}
	for _, tag := range regexp.MustCompile(`<input [^>]*>`).FindAllString(form, -1) {
		a := attrs(tag)
		if (a["type"] == "checkbox" || a["type"] == "radio") && !strings.Contains(tag, " checked") {
			continue
		}
		vals.Add(a["name"], a["value"])
	}
	for _, m := range regexp.MustCompile(`(?s)<textarea ([^>]*)>(.*?)</textarea>`).FindAllStringSubmatch(form, -1) {
		vals.Add(attrs(m[1])["name"], html.UnescapeString(m[2]))
	}
	option := regexp.MustCompile(`<option value="([^"]*)"( selected)?>`)
	for _, m := range regexp.MustCompile(`(?s)<select ([^>]*)>(.*?)</select>`).FindAllStringSubmatch(form, -1) {
		opts := option.FindAllStringSubmatch(m[2], -1)
		if len(opts) == 0 {
			continue
		}
		chosen := opts[0][1]
		for _, o := range opts {
			if o[2] != "" {
				chosen = o[1]
			}
		}
		vals.Add(attrs(m[1])["name"], html.UnescapeString(chosen))
	}
	return vals
}

// press posts the editor's form as shown, changed by set, with the
// button op, and returns the response.
func press(t *testing.T, site *Site, id, op string, set url.Values) (*http.Response, string) {
	t.Helper()
	editor := "/peilingen/" + id + "/bewerken"
	resp, body := send(t, site, request{target: editor, as: &velsenChair})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d", editor, resp.StatusCode)
	}
	form := formOf(t, body, editor)
	for k, v := range set {
		form[k] = v
	}
	form.Set(bfAction, op)
	return send(t, site, request{target: editor, as: &velsenChair, form: form})
}

func TestNewPollForAProcess(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		form    url.Values
		want    *surveysv1.Poll
		comment string
	}{
		{
			name: "a local process makes a municipality's poll",
			form: url.Values{"traject": {"p-intake"}, "soort": {"flitspeiling"}, "titel.nl": {" Vervoer "}, "titel.en": {"Transport"}, "intro.nl": {"Kort."}},
			want: &surveysv1.Poll{
				ProcessId: "p-intake", Tenant: "GM0453", Kind: surveysv1.PollKind_POLL_KIND_FLASH_POLL,
				Title: text("Vervoer", "Transport"), Intro: text("Kort.", ""),
			},
		},
		{
			name: "a regional process makes a shared poll",
			form: url.Values{"traject": {"p-regional"}, "soort": {"vragenlijst"}, "titel.nl": {"Stembureaus"}},
			want: &surveysv1.Poll{
				ProcessId: "p-regional", Tenant: "ijmond", Participants: []string{"GM0453", "GM0396"},
				Kind: surveysv1.PollKind_POLL_KIND_QUESTIONNAIRE, Title: text("Stembureaus", ""),
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake, site := builderSite(t)
			resp, _ := send(t, site, request{target: "/peilingen/nieuw", as: &velsenChair, form: tc.form})
			if got, want := resp.Header.Get("Location"), "/peilingen/poll-new/bewerken?gelukt=aangemaakt"; resp.StatusCode != http.StatusSeeOther || got != want {
				t.Fatalf("got %d to %q, want 303 to %q", resp.StatusCode, got, want)
			}
			got := fake.request("CreatePoll").(*surveysv1.CreatePollRequest).GetPoll()
			if diff := cmp.Diff(tc.want, got, protocmp.Transform()); diff != "" {
				t.Errorf("CreatePoll (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("the form offers the tenant's processes", func(t *testing.T) {
		t.Parallel()
		_, site := builderSite(t)
		resp, body := send(t, site, request{target: "/peilingen/nieuw?traject=p-regional", as: &velsenChair})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status = %d", resp.StatusCode)
		}
		mustContain(t, body, "Nieuwe peiling", ">Vervoer naar de dagbesteding</option>",
			`<option value="p-regional" selected>Toegankelijke stembureaus (regionaal, IJmond)</option>`,
			`id="soort-flitspeiling" name="soort" value="flitspeiling" checked`, ">Concept maken</button>")
	})
	t.Run("without a process nothing is created", func(t *testing.T) {
		t.Parallel()
		fake, site := builderSite(t)
		resp, body := send(t, site, request{target: "/peilingen/nieuw", as: &velsenChair, form: url.Values{"titel.nl": {"Zonder traject"}}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("status = %d, want 422", resp.StatusCode)
		}
		mustContain(t, body, `href="#traject"`, `id="traject-fout"`, "Kies een traject.", `value="Zonder traject"`)
		if n := fake.callsOf("CreatePoll"); n != 0 {
			t.Errorf("CreatePoll called %d times", n)
		}
	})
	t.Run("the service's objection is next to its field", func(t *testing.T) {
		t.Parallel()
		fake, site := builderSite(t)
		fake.failWith("CreatePoll", invalid("/title/nl", "is required"))
		resp, body := send(t, site, request{target: "/peilingen/nieuw", as: &velsenChair, form: url.Values{"traject": {"p-intake"}}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("status = %d, want 422", resp.StatusCode)
		}
		mustContain(t, body, `href="#titel.nl"`, `id="titel.nl-fout"`)
	})
}

func TestBuilderAddsEveryQuestionTypeAndSavesTheDefinition(t *testing.T) {
	t.Parallel()
	fake, site := builderSite(t)
	// A questionnaire starts with a part to put its questions in.
	resp, _ := press(t, site, questionnaireDraft, opAddSection, nil)
	if got, want := resp.Header.Get("Location"), "/peilingen/poll-questionnaire/bewerken?gelukt=opgeslagen#deel-s1"; got != want {
		t.Fatalf("adding a part: Location = %q, want %q", got, want)
	}
	for i, qt := range questionTypes {
		resp, body := press(t, site, questionnaireDraft, "toevoegen.s1", url.Values{"deel.s1.nieuw": {typeValue(qt)}})
		want := "/peilingen/poll-questionnaire/bewerken?gelukt=opgeslagen#vraag-q" + strconv.Itoa(i+1)
		if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || got != want {
			t.Fatalf("adding a %s question: got %d to %q, want 303 to %q\n%s", qt, resp.StatusCode, got, want, body)
		}
	}
	// Then fill some in, in the editor's own words.
	resp, body := press(t, site, questionnaireDraft, opSave, url.Values{
		"deel.s1.titel.nl":    {"Over de rit"},
		"vraag.q1.tekst.nl":   {"Hoe reist u?"},
		"vraag.q1.tekst.en":   {"How do you travel?"},
		"vraag.q1.verplicht":  {"ja"},
		"vraag.q1.opties":     {"Met de bus | By bus\r\nMet de taxi | By taxi\r\n\r\nLopend\r\n"},
		"vraag.q1.anders":     {"ja"},
		"vraag.q2.min-keuzes": {"1"},
		"vraag.q2.max-keuzes": {"2"},
		"vraag.q2.voorwaarde": {"q1=b"},
		"vraag.q4.labels":     {"Slecht | Bad\nGoed | Good"},
		"vraag.q6.rijen":      {"De rit is op tijd | The ride is on time\nDe chauffeur helpt | The driver helps"},
		"vraag.q7.min":        {"0"},
		"vraag.q7.max":        {"40"},
		"vraag.q7.stap":       {"0.5"},
		"vraag.q7.eenheid.nl": {"uur per week"},
		"vraag.q8.max-lengte": {"80"},
		"vraag.q9.hulp.nl":    {"Vertel het ons."},
		"vraag.q3.voorwaarde": {"q1=other"},
		"vraag.q5.opties":     {"Keuze 2\nKeuze 1\nNog een"},
		"vraag.q5.tekst.nl":   {"Wat is het belangrijkst?"},
		"vraag.q9.verplicht":  {"ja"},
		"vraag.q3.tekst.nl":   {"De rit is prettig."},
		"vraag.q6.tekst.nl":   {"Wat vindt u ervan?"},
		"vraag.q2.tekst.nl":   {"Wanneer reist u?"},
		"vraag.q2.opties":     {"Ochtend\nMiddag\nAvond"},
		"vraag.q4.tekst.nl":   {"Welk cijfer geeft u de rit?"},
		"vraag.q7.tekst.nl":   {"Hoeveel uur reist u?"},
		"vraag.q8.tekst.nl":   {"Uw woonplaats"},
		"vraag.q9.tekst.nl":   {"Wat kan beter?"},
		"vraag.q9.tekst.en":   {"What could be better?"},
		"vraag.q4.hulp.en":    {"0 is bad"},
		"vraag.q4.hulp.nl":    {"0 is slecht"},
		"vraag.q6.kolommen":   {"Eens | Agree\nOneens | Disagree\nWeet niet"},
		"vraag.q7.eenheid.en": {"hours a week"},
		"vraag.q5.verplicht":  {"ja"},
		"vraag.q6.verplicht":  {"ja"},
		"deel.s1.titel.en":    {"About the ride"},
	})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving: status %d\n%s", resp.StatusCode, body)
	}
	en := func(nl, en string) *surveysv1.Text { return text(nl, en) }
	nl := func(s string) *surveysv1.Text { return text(s, "") }
	o := func(id string, t *surveysv1.Text) *surveysv1.Option { return &surveysv1.Option{Id: id, Label: t} }
	q := func(id string, qt surveysv1.QuestionType, t *surveysv1.Text) *surveysv1.Question {
		return &surveysv1.Question{Id: id, Type: qt, Text: t}
	}
	want := []*surveysv1.Section{{
		Id: "s1", Title: en("Over de rit", "About the ride"),
		Questions: []*surveysv1.Question{
			func() *surveysv1.Question {
				x := q("q1", surveysv1.QuestionType_QUESTION_TYPE_SINGLE_CHOICE, en("Hoe reist u?", "How do you travel?"))
				x.Required, x.Other = true, true
				// The lines take the ids of the options at their place.
				x.Options = []*surveysv1.Option{o("a", en("Met de bus", "By bus")), o("b", en("Met de taxi", "By taxi")), o("c", nl("Lopend"))}
				return x
			}(),
			func() *surveysv1.Question {
				x := q("q2", surveysv1.QuestionType_QUESTION_TYPE_MULTIPLE_CHOICE, nl("Wanneer reist u?"))
				x.Options = []*surveysv1.Option{o("a", nl("Ochtend")), o("b", nl("Middag")), o("c", nl("Avond"))}
				x.MinChoices, x.MaxChoices = 1, 2
				x.ShowIf = &surveysv1.Condition{Question: "q1", AnyOf: []string{"b"}}
				return x
			}(),
			func() *surveysv1.Question {
				x := q("q3", surveysv1.QuestionType_QUESTION_TYPE_LIKERT, nl("De rit is prettig."))
				x.ShowIf = &surveysv1.Condition{Question: "q1", AnyOf: []string{"other"}}
				return x
			}(),
			func() *surveysv1.Question {
				x := q("q4", surveysv1.QuestionType_QUESTION_TYPE_SCALE, nl("Welk cijfer geeft u de rit?"))
				x.Help = en("0 is slecht", "0 is bad")
				x.Labels = []*surveysv1.Text{en("Slecht", "Bad"), en("Goed", "Good")}
				return x
			}(),
			func() *surveysv1.Question {
				x := q("q5", surveysv1.QuestionType_QUESTION_TYPE_RANKING, nl("Wat is het belangrijkst?"))
				x.Required = true
				// Reordered lines keep their ids; a new one gets a new id.
				x.Options = []*surveysv1.Option{o("b", nl("Keuze 2")), o("a", nl("Keuze 1")), o("c", nl("Nog een"))}
				return x
			}(),
			func() *surveysv1.Question {
				x := q("q6", surveysv1.QuestionType_QUESTION_TYPE_MATRIX, nl("Wat vindt u ervan?"))
				x.Required = true
				x.Rows = []*surveysv1.Option{o("a", en("De rit is op tijd", "The ride is on time")), o("b", en("De chauffeur helpt", "The driver helps"))}
				x.Columns = []*surveysv1.Option{o("a", en("Eens", "Agree")), o("b", en("Oneens", "Disagree")), o("c", nl("Weet niet"))}
				return x
			}(),
			func() *surveysv1.Question {
				x := q("q7", surveysv1.QuestionType_QUESTION_TYPE_NUMBER, nl("Hoeveel uur reist u?"))
				x.Min, x.Max, x.Step, x.Unit = "0", "40", "0.5", en("uur per week", "hours a week")
				return x
			}(),
			func() *surveysv1.Question {
				x := q("q8", surveysv1.QuestionType_QUESTION_TYPE_SHORT_TEXT, nl("Uw woonplaats"))
				x.MaxLength = 80
				return x
			}(),
			func() *surveysv1.Question {
				x := q("q9", surveysv1.QuestionType_QUESTION_TYPE_LONG_TEXT, en("Wat kan beter?", "What could be better?"))
				x.Help, x.Required = nl("Vertel het ons."), true
				return x
			}(),
		},
	}}
	req := fake.request("UpdatePoll").(*surveysv1.UpdatePollRequest)
	if diff := cmp.Diff(want, req.GetPoll().GetSections(), protocmp.Transform()); diff != "" {
		t.Errorf("UpdatePoll's sections (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(draftMask, req.GetUpdateMask().GetPaths()); diff != "" {
		t.Errorf("UpdatePoll's mask (-want +got):\n%s", diff)
	}
	// What was saved shows again as it was typed.
	_, body = send(t, site, request{target: "/peilingen/" + questionnaireDraft + "/bewerken", as: &velsenChair})
	mustContain(t, body, ">Met de bus | By bus\nMet de taxi | By taxi\nLopend\n</textarea>",
		`<option value="q1=b" selected>antwoord is Met de taxi</option>`, `<optgroup label="Vraag 1: Hoe reist u?">`,
		`name="vraag.q8.max-lengte" value="80"`, `value="uur per week"`, "Vraag 9: Lange tekst")
}

func TestBuilderButtons(t *testing.T) {
	t.Parallel()
	ids := func(p *surveysv1.Poll) [][]string {
		var out [][]string
		for _, s := range p.GetSections() {
			var qs []string
			for _, q := range s.GetQuestions() {
				qs = append(qs, q.GetId())
			}
			out = append(out, qs)
		}
		return out
	}
	poll := func() *surveysv1.Poll {
		qs := func(ids ...string) []*surveysv1.Question {
			var out []*surveysv1.Question
			for _, id := range ids {
				out = append(out, &surveysv1.Question{Id: id, Type: surveysv1.QuestionType_QUESTION_TYPE_LONG_TEXT, Text: text(id, "")})
			}
			return out
		}
		p := &surveysv1.Poll{Kind: surveysv1.PollKind_POLL_KIND_QUESTIONNAIRE, Sections: []*surveysv1.Section{
			{Id: "s1", Questions: qs("q1", "q2")}, {Id: "s2", Questions: qs("q3")},
		}}
		p.Sections[1].Questions[0].ShowIf = &surveysv1.Condition{Question: "q1", AnyOf: []string{"a"}}
		return p
	}
	tests := []struct {
		op     string
		want   [][]string
		anchor string
	}{
		{"omhoog.q2", [][]string{{"q2", "q1"}, {"q3"}}, "vraag-q2"},
		{"omhoog.q3", [][]string{{"q1", "q2", "q3"}, nil}, "vraag-q3"},
		{"omlaag.q2", [][]string{{"q1"}, {"q2", "q3"}}, "vraag-q2"},
		{"verwijderen.q1", [][]string{{"q2"}, {"q3"}}, "vragen"},
		{"toevoegen.s2", [][]string{{"q1", "q2"}, {"q3", "q4"}}, "vraag-q4"},
		{"deel-toevoegen", [][]string{{"q1", "q2"}, {"q3"}, nil}, "deel-s3"},
		{"deel-verwijderen.s1", [][]string{{"q3"}}, "vragen"},
	}
	d := defaults{nl: catalogue{}}
	for _, tc := range tests {
		t.Run(tc.op, func(t *testing.T) {
			t.Parallel()
			p := poll()
			anchor, ok := d.applyOp(p, tc.op, "short_text")
			if !ok {
				t.Fatalf("applyOp(%q) refused", tc.op)
			}
			if diff := cmp.Diff(tc.want, ids(p)); diff != "" {
				t.Errorf("questions (-want +got):\n%s", diff)
			}
			if anchor != tc.anchor {
				t.Errorf("anchor = %q, want %q", anchor, tc.anchor)
			}
		})
	}
	t.Run("removing a question drops the conditions on it", func(t *testing.T) {
		t.Parallel()
		p := poll()
		d.applyOp(p, "verwijderen.q1", "")
		if c := p.GetSections()[1].GetQuestions()[0].GetShowIf(); c != nil {
			t.Errorf("q3 still shows if %v", c)
		}
	})
	for _, op := range []string{"omlaag.q9", "toevoegen.s9", "deel-verwijderen.s9", "weg", "opslaan.q1"} {
		t.Run("refuses "+op, func(t *testing.T) {
			t.Parallel()
			if _, ok := d.applyOp(poll(), op, "short_text"); ok {
				t.Errorf("applyOp(%q) accepted", op)
			}
		})
	}
}

func TestOptionLinesKeepTheirIDs(t *testing.T) {
	t.Parallel()
	stored := []*surveysv1.Option{
		{Id: "a", Label: text("Strand", "")}, {Id: "b", Label: text("Park", "")}, {Id: "c", Label: text("Centrum", "")},
	}
	tests := []struct {
		name  string
		lines []string
		want  []string
	}{
		{"unchanged", []string{"Strand", "Park", "Centrum"}, []string{"a", "b", "c"}},
		{"reordered", []string{"Centrum", "Strand", "Park"}, []string{"c", "a", "b"}},
		{"a typo fixed in place", []string{"Strand", "Parkje", "Centrum"}, []string{"a", "b", "c"}},
		{"one removed, one added: the new one gets a new id", []string{"Strand", "Centrum", "Haven"}, []string{"a", "c", "d"}},
		{"English added", []string{"Strand | Beach", "Park", "Centrum"}, []string{"a", "b", "c"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := &draftReader{form: url.Values{"x": {strings.Join(tc.lines, "\n")}}}
			var got []string
			for _, o := range keepIDs(d.lines("x"), stored) {
				got = append(got, o.GetId())
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBuilderShowsTheServicesObjectionsAndSavesNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		fail error
		op   string
		set  url.Values
		want []string
	}{
		{
			name: "too few options",
			fail: invalid("/sections/0/questions/0/options", "must have 2 to 30 entries (has 1)"),
			op:   opSave,
			set:  url.Values{"vraag.q1.opties": {"Alleen het strand"}},
			want: []string{
				`<a class="utrecht-link utrecht-link--html-a" href="#vraag.q1.opties">Vraag 1: Keuzes: Geef 2 tot 30 regels; nu zijn het er 1.</a>`,
				`id="vraag.q1.opties-fout"`, `aria-describedby="vraag.q1.opties-hint vraag.q1.opties-fout" aria-invalid="true">Alleen het strand</textarea>`,
			},
		},
		{
			name: "an English text without Dutch, in English",
			fail: invalid("/sections/0/questions/0/text/nl", "is required when there is an English text: Dutch comes first", "/slug", "cannot change once the poll is open"),
			op:   opSave,
			set:  url.Values{"vraag.q1.tekst.nl": {""}, "slug": {"X"}},
			want: []string{
				`href="#vraag.q1.tekst.nl">Vraag 1: Vraag (Nederlands): Vul ook het Nederlands in: dat komt eerst.</a>`,
				`href="#slug">Open link: <span lang="en">cannot change once the poll is open</span></a>`,
			},
		},
		{
			name: "the service's words for a malformed link, in Dutch",
			fail: invalid("/slug", "must be 3 to 60 lower-case letters, digits or single hyphens, starting and ending with a letter or digit"),
			op:   opSave,
			set:  url.Values{"slug": {"X"}},
			want: []string{`href="#slug">Open link: Gebruik 3 tot 60 kleine letters, cijfers of losse streepjes, beginnend en eindigend met een letter of cijfer.</a>`},
		},
		{
			name: "a sixth question in a flash poll",
			op:   "toevoegen.s1",
			set:  url.Values{"deel.s1.vragen": {"q1 q2 q3 q4 q5"}},
			want: []string{`href="#vragen">Vragen: Een flitspeiling heeft hoogstens 5 vragen; deze heeft er 6. Verwijder een vraag, of maak een vragenlijst.</a>`, `id="vragen-fout"`},
		},
		{
			name: "a local problem is found before the service is asked",
			op:   opSave,
			set:  url.Values{"opent.datum": {"morgen"}},
			want: []string{`href="#opent.datum">Opent op: Vul een datum en tijd in.</a>`, `value="morgen"`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake, site := builderSite(t)
			if tc.name == "a sixth question in a flash poll" {
				p := fake.staffNow(t, draftPollID)
				for _, id := range []string{"q2", "q3", "q4", "q5"} {
					p.Sections[0].Questions = append(p.Sections[0].Questions, &surveysv1.Question{Id: id, Type: surveysv1.QuestionType_QUESTION_TYPE_SHORT_TEXT, Text: text(id, "")})
				}
				fake.addDraft(p)
			}
			before := fake.staffNow(t, draftPollID)
			fake.failWith("UpdatePoll", tc.fail)
			resp, body := press(t, site, draftPollID, tc.op, tc.set)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("status = %d, want 422", resp.StatusCode)
			}
			mustContain(t, body, append(tc.want, "<title>Fout: ", `class="utrecht-alert utrecht-alert--error mdn-error-summary" role="alert" id="fouten"`)...)
			if diff := cmp.Diff(before, fake.staffNow(t, draftPollID), protocmp.Transform()); diff != "" {
				t.Errorf("the poll changed (-before +after):\n%s", diff)
			}
		})
	}
	t.Run("only one field is marked", func(t *testing.T) {
		t.Parallel()
		fake, site := builderSite(t)
		fake.failWith("UpdatePoll", invalid("/sections/0/questions/0/options", "must have 2 to 30 entries (has 1)"))
		_, body := press(t, site, draftPollID, opSave, nil)
		if n := strings.Count(body, `aria-invalid="true"`); n != 1 {
			t.Errorf("%d fields are marked invalid, want 1", n)
		}
	})
}

// Two council members have one draft open; the first saves. The second's
// save is refused with their typing kept in the form; saving that again
// overwrites, knowingly.
func TestBuilderRefusesToSaveOverSomeoneElsesChanges(t *testing.T) {
	t.Parallel()
	fake, site := builderSite(t)
	editor := "/peilingen/" + draftPollID + "/bewerken"
	open := func() url.Values {
		resp, body := send(t, site, request{target: editor, as: &velsenChair})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: status %d", editor, resp.StatusCode)
		}
		return formOf(t, body, editor)
	}
	first, second := open(), open()
	if first.Get(bfVersion) == "" {
		t.Fatal("the editor's form carries no version")
	}
	first.Set(bfTitleNL, "Titel van de eerste")
	first.Set(bfAction, opSave)
	if resp, _ := send(t, site, request{target: editor, as: &velsenChair, form: first}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the first save: status %d, want 303", resp.StatusCode)
	}

	second.Set(bfTitleNL, "Titel van de tweede")
	second.Set(bfAction, opSave)
	resp, body := send(t, site, request{target: editor, as: &velsenChair, form: second})
	if resp.StatusCode != http.StatusConflict {
		t.Errorf("the second save: status %d, want 409", resp.StatusCode)
	}
	mustContain(t, body, "Iemand anders heeft deze peiling opgeslagen nadat u dit formulier opende; er is niets opgeslagen.",
		`value="Titel van de tweede"`)
	if got := fake.staffNow(t, draftPollID).GetTitle().GetNl(); got != "Titel van de eerste" {
		t.Errorf("after the refused save the title is %q, want the first's", got)
	}

	again := formOf(t, body, editor)
	again.Set(bfAction, opSave)
	if resp, _ := send(t, site, request{target: editor, as: &velsenChair, form: again}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving again after the warning: status %d, want 303", resp.StatusCode)
	}
	if got := fake.staffNow(t, draftPollID).GetTitle().GetNl(); got != "Titel van de tweede" {
		t.Errorf("after saving again the title is %q, want the second's", got)
	}
}

func TestPreviewRendersTheResidentsPage(t *testing.T) {
	t.Parallel()
	fake, site := builderSite(t)
	t.Run("as residents see it", func(t *testing.T) {
		t.Parallel()
		resp, body := send(t, site, request{target: "/peilingen/" + draftPollID + "/voorbeeld", as: &velsenChair})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status = %d", resp.StatusCode)
		}
		mustContain(t, body, "Voorbeeld — antwoorden worden niet opgeslagen", `href="/peilingen/poll-draft/bewerken">Terug naar bewerken`,
			"<title>Voorbeeld: Bankjes in IJmuiden · Meedoen</title>", `action="/peilingen/poll-draft/voorbeeld"`)
		mustNotContain(t, body, `aria-label="Hoofdmenu"`, "Uitloggen")
		// The poll itself is the resident's template, byte for byte.
		got := pollMarkup(t, body)
		want := pollMarkup(t, residentPage(t, site, fake.staffNow(t, draftPollID), "/peilingen/poll-draft/voorbeeld"))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("the preview differs from the resident's page (-want +got):\n%s", diff)
		}
	})
	t.Run("in English", func(t *testing.T) {
		t.Parallel()
		_, body := send(t, site, request{target: "/peilingen/" + draftPollID + "/voorbeeld", as: &velsenChair, lang: "en"})
		mustContain(t, body, "Preview — answers are not saved", "Where would you like more benches?", "By the beach")
	})
	t.Run("sending stores nothing", func(t *testing.T) {
		t.Parallel()
		resp, body := send(t, site, request{target: "/peilingen/" + draftPollID + "/voorbeeld", as: &velsenChair, form: url.Values{"v.q1": {"b"}}})
		if resp.StatusCode != http.StatusOK {
			t.Errorf("status = %d, want 200", resp.StatusCode)
		}
		mustContain(t, body, "Er is niets verstuurd of opgeslagen", `id="v.q1.b" name="v.q1" value="b" checked`)
		if n := fake.callsOf("SubmitResponse"); n != 0 {
			t.Errorf("SubmitResponse called %d times", n)
		}
	})
}

// residentPage renders p with the resident's poll page, as /p/{slug} would
// show it, with the form posting to action.
func residentPage(t *testing.T, site *Site, p *surveysv1.Poll, action string) string {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, "/p/x", nil)
	w := httptest.NewRecorder()
	v := site.newView(w, r, r.URL.Path)
	v.Resident = true
	a := &answering{w: w, r: r, v: v, words: site.words(v.Lang), cat: site.cats[v.Lang], status: http.StatusOK}
	a.showForm(respondentView(p), url.Values{}, "", &formErrors{}, http.StatusOK)
	v.Page.(*pollPage).Action = action
	site.render(w, r, a.page, a.status, v)
	return w.Body.String()
}

// pollMarkup is the poll's part of a page: from its heading to the end of
// its form.
func pollMarkup(t *testing.T, body string) string {
	t.Helper()
	start := strings.Index(body, `<h1 class="utrecht-heading-1">`)
	end := strings.Index(body, "</form>")
	if start < 0 || end < start {
		t.Fatalf("no poll on the page:\n%s", body)
	}
	return body[start:end]
}

func TestScheduleFromTheEditor(t *testing.T) {
	t.Parallel()
	t.Run("save the times and schedule", func(t *testing.T) {
		t.Parallel()
		fake, site := builderSite(t)
		resp, _ := press(t, site, draftPollID, opSchedule, url.Values{
			"opent.datum": {"2026-12-01"}, "opent.tijd": {"09:00"}, "sluit.datum": {"2026-12-08"}, "sluit.tijd": {"17:30:00"}, "publiek": {"open-link"}, "slug": {"bankjes"},
			"postcodecontrole": {"ja"}, "resultaten.nl": {"In januari op de website."},
		})
		if got, want := resp.Header.Get("Location"), "/peilingen/poll-draft?gelukt=gepland"; resp.StatusCode != http.StatusSeeOther || got != want {
			t.Fatalf("got %d to %q, want 303 to %q", resp.StatusCode, got, want)
		}
		got := fake.request("UpdatePoll").(*surveysv1.UpdatePollRequest).GetPoll()
		want := &surveysv1.Poll{
			OpensAt: at("2026-12-01T08:00:00Z"), ClosesAt: at("2026-12-08T16:30:00Z"), Slug: "bankjes",
			Audience:       &surveysv1.Audience{Kind: surveysv1.AudienceKind_AUDIENCE_KIND_OPEN_LINK, PostcodeCheck: true},
			ResultsSharing: text("In januari op de website.", ""),
		}
		if diff := cmp.Diff(want, got, protocmp.Transform(),
			protocmp.IgnoreFields(&surveysv1.Poll{}, "id", "tenant", "kind", "status", "title", "sections")); diff != "" {
			t.Errorf("UpdatePoll (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(&surveysv1.SchedulePollRequest{Id: draftPollID}, fake.request("SchedulePoll"), protocmp.Transform()); diff != "" {
			t.Errorf("SchedulePoll (-want +got):\n%s", diff)
		}
	})
	t.Run("what scheduling lacks is shown at its fields", func(t *testing.T) {
		t.Parallel()
		fake, site := builderSite(t)
		fake.failWith("SchedulePoll", unmet("cannot schedule this poll",
			"/audience/kind", "is required: a panel or an open link",
			"/resultsSharing/nl", "is required: the thank-you page tells residents when and how the results will be shared"))
		resp, body := press(t, site, draftPollID, opSchedule, nil)
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("status = %d, want 409", resp.StatusCode)
		}
		mustContain(t, body, `href="#publiek-">Publiek: Kies wie mag antwoorden: het panel of een open link.</a>`,
			`href="#resultaten.nl">Wanneer en hoe de resultaten gedeeld worden (Nederlands): Vertel inwoners`, `id="publiek-fout"`, `id="resultaten.nl-fout"`)
	})
	t.Run("withdraw the schedule", func(t *testing.T) {
		t.Parallel()
		fake, site := builderSite(t)
		_, detail := send(t, site, request{target: "/peilingen/" + scheduledPollID, as: &velsenChair})
		mustContain(t, detail, `action="/peilingen/poll-scheduled/intrekken"`, ">Planning intrekken</button>", ">Vragen bekijken</a>")
		resp, _ := send(t, site, request{target: "/peilingen/" + scheduledPollID + "/intrekken", as: &velsenChair, form: url.Values{}})
		if got, want := resp.Header.Get("Location"), "/peilingen/poll-scheduled/bewerken?gelukt=ingetrokken"; resp.StatusCode != http.StatusSeeOther || got != want {
			t.Fatalf("got %d to %q, want 303 to %q", resp.StatusCode, got, want)
		}
		if diff := cmp.Diff(&surveysv1.UnschedulePollRequest{Id: scheduledPollID}, fake.request("UnschedulePoll"), protocmp.Transform()); diff != "" {
			t.Errorf("UnschedulePoll (-want +got):\n%s", diff)
		}
		_, body := send(t, site, request{target: "/peilingen/" + scheduledPollID + "/bewerken?gelukt=ingetrokken", as: &velsenChair})
		mustContain(t, body, "De planning is ingetrokken; de peiling is weer een concept.", `name="actie" value="opslaan"`)
	})
	t.Run("a draft cannot be withdrawn", func(t *testing.T) {
		t.Parallel()
		_, site := builderSite(t)
		resp, body := send(t, site, request{target: "/peilingen/" + draftPollID + "/intrekken", as: &velsenChair, form: url.Values{}})
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("status = %d, want 409", resp.StatusCode)
		}
		mustContain(t, body, "Dat kon niet")
	})
}

func TestBuilderFreezesPollsThatAreNotDrafts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id   string
		want []string
	}{
		{openPollID, []string{"De vragen liggen vast zodra een peiling opent", "Waar wilt u meer bankjes?", "Bij het strand", "Eén keuze"}},
		{scheduledPollID, []string{"Trek de planning in", ">Planning intrekken</button>", ">Nu openen</button>", `action="/peilingen/poll-scheduled/openen"`}},
		{closedPollID, []string{"Deze peiling is gesloten."}},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			t.Parallel()
			fake, site := builderSite(t)
			resp, body := send(t, site, request{target: "/peilingen/" + tc.id + "/bewerken", as: &velsenChair})
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d", resp.StatusCode)
			}
			mustContain(t, body, tc.want...)
			mustNotContain(t, body, `name="actie"`)
			resp, _ = send(t, site, request{target: "/peilingen/" + tc.id + "/bewerken", as: &velsenChair, form: url.Values{"titel.nl": {"Anders"}}})
			if resp.StatusCode != http.StatusConflict {
				t.Errorf("POST: status = %d, want 409", resp.StatusCode)
			}
			if n := fake.callsOf("UpdatePoll"); n != 0 {
				t.Errorf("UpdatePoll called %d times", n)
			}
		})
	}
}

func TestBuilderPagesRefuse(t *testing.T) {
	t.Parallel()
	for _, target := range []string{"/peilingen/" + otherPollID + "/bewerken", "/peilingen/" + otherPollID + "/voorbeeld", "/peilingen/nope/bewerken"} {
		t.Run(target, func(t *testing.T) {
			t.Parallel()
			_, site := builderSite(t)
			if resp, _ := send(t, site, request{target: target, as: &velsenChair}); resp.StatusCode != http.StatusNotFound {
				t.Errorf("status = %d, want 404", resp.StatusCode)
			}
		})
	}
	t.Run("anonymous visitors log in first", func(t *testing.T) {
		t.Parallel()
		_, site := builderSite(t)
		resp, _ := send(t, site, request{target: "/peilingen/nieuw"})
		if got, want := resp.Header.Get("Location"), "/auth/login?returnTo=%2Fpeilingen%2Fnieuw"; got != want {
			t.Errorf("Location = %q, want %q", got, want)
		}
	})
	t.Run("refused by role", func(t *testing.T) {
		t.Parallel()
		fake, site := builderSite(t)
		fake.failWith("UpdatePoll", status.Error(codes.PermissionDenied, "no"))
		resp, body := press(t, site, draftPollID, opSave, nil)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("status = %d, want 403", resp.StatusCode)
		}
		mustContain(t, body, "U mag deze peiling niet wijzigen.")
	})
}

func TestStaffPollPagesLinkToTheBuilder(t *testing.T) {
	t.Parallel()
	_, site := builderSite(t)
	_, list := send(t, site, request{target: "/peilingen", as: &velsenChair})
	mustContain(t, list, `href="/peilingen/nieuw">Nieuwe peiling</a>`)
	_, detail := send(t, site, request{target: "/peilingen/" + draftPollID, as: &velsenChair})
	mustContain(t, detail, `href="/peilingen/poll-draft/bewerken">Bewerken</a>`, `href="/peilingen/poll-draft/voorbeeld">Voorbeeld bekijken</a>`)
}

// The service's objections to a poll, as it words them, reach the builder
// in the page's language.
func TestBuilderReasonsInDutch(t *testing.T) {
	t.Parallel()
	cats, err := loadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	ph := phrasing{lang: "nl", cat: cats["nl"]}
	for reason, want := range map[string]string{
		"a questionnaire has at most 60 questions (this one has 61)": "Een vragenlijst heeft hoogstens 60 vragen; deze heeft er 61.",
		"must be at least 1":                                                             "Vul 1 of meer in.",
		"must not exceed maxChoices (3)":                                                 "Hoogstens het hoogste aantal keuzes (3).",
		"must be positive":                                                               "Vul een getal groter dan 0 in.",
		"must lie between minus and plus a billion":                                      "Vul een getal tussen min en plus een miljard in.",
		"is required when the audience is narrowed":                                      "Kies wie mag antwoorden: het panel of een open link.",
		"a shared poll needs at least one participating municipality":                    "Kies minstens één deelnemende gemeente.",
		"a flash poll has at most 5 questions (this one has 6); make it a questionnaire": "Een flitspeiling heeft hoogstens 5 vragen; deze heeft er 6. Verwijder een vraag, of maak een vragenlijst.",
	} {
		if got := ph.builderReason(reason); got.Text != want || got.Lang != "" {
			t.Errorf("%q: %q (lang %q), want %q", reason, got.Text, got.Lang, want)
		}
	}
}

func TestBuilderKeysExist(t *testing.T) {
	t.Parallel()
	cats, err := loadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	var need []string
	for v := range surveysv1.QuestionType_name {
		need = append(need, typeKey(surveysv1.QuestionType(v)))
	}
	for v := range surveysv1.PollStatus_name {
		need = append(need, "builder.frozen."+enumValue(surveysv1.PollStatus(v).String(), "POLL_STATUS_"))
	}
	for _, r := range builderReasons {
		need = append(need, r.key)
	}
	for _, k := range builderDoneKeys {
		need = append(need, "done.builder."+k)
	}
	for _, a := range []string{"", audiencePanel, audienceOpenLink} {
		need = append(need, map[bool]string{true: "builder.audience.none", false: "builder.audience." + a}[a == ""])
	}
	for _, k := range []string{kindFlash, kindList} {
		need = append(need, "builder.new.kind."+k)
	}
	slices.Sort(need)
	need = slices.Compact(need) // once: Compact clears the tail it drops
	for _, lang := range langs {
		for _, k := range need {
			if _, ok := cats[lang][k]; !ok {
				t.Errorf("%s: the catalogue lacks %q", lang, k)
			}
		}
	}
}
