package api

import (
	"crypto/rand"
	"encoding/base64"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/meedoen/meedoen/internal/errs"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// browser returns a fresh respondent id, as the gateway's cookie holds.
func browser(t *testing.T) string {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// byLink is a submit through the open link of slug from respondent.
func byLink(slug, respondent string, answers map[string]*surveysv1.Answer, key string) *surveysv1.SubmitResponseRequest {
	return &surveysv1.SubmitResponseRequest{
		Respondent:     &surveysv1.SubmitResponseRequest_OpenLink{OpenLink: &surveysv1.OpenLinkRespondent{Slug: slug, RespondentId: respondent}},
		Answers:        answers,
		IdempotencyKey: key,
	}
}

// byInvitation is a submit through an invitation.
func byInvitation(token string, answers map[string]*surveysv1.Answer, key string) *surveysv1.SubmitResponseRequest {
	return &surveysv1.SubmitResponseRequest{
		Respondent:     &surveysv1.SubmitResponseRequest_InvitationToken{InvitationToken: token},
		Answers:        answers,
		IdempotencyKey: key,
	}
}

// good answers flashPoll's questions.
func good() map[string]*surveysv1.Answer {
	return map[string]*surveysv1.Answer{
		"often": {Choice: "other", Other: "als het regent"},
		"help":  {Choices: []string{"visits", "clubs"}},
		"grade": {Value: "7"},
		"hours": {Value: "12,5"},
		"idea":  {Text: "een buurthuis"},
	}
}

// invite issues n invitations to the poll with id, as its creator.
func (f fixture) invite(t *testing.T, id string, n int) []string {
	t.Helper()
	var in []*surveysv1.Invitee
	for range n {
		in = append(in, &surveysv1.Invitee{})
	}
	resp, err := f.srv.CreateInvitations(velsenMember(), &surveysv1.CreateInvitationsRequest{PollId: id, Invitees: in})
	if err != nil {
		t.Fatalf("CreateInvitations: %v", err)
	}
	var tokens []string
	for _, inv := range resp.GetInvitations() {
		tokens = append(tokens, inv.GetToken())
	}
	return tokens
}

func TestSubmitNamesEveryProblemAtOnceAndStoresNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.opened(t, velsenMember(), flashPoll("velsen"))

	_, err := f.srv.SubmitResponse(resident(), byLink("velsen", browser(t), map[string]*surveysv1.Answer{
		"often":   {Choice: "always"},
		"help":    {Choices: []string{"visits", "calls", "clubs"}},
		"grade":   {Value: "11"},
		"hours":   {Value: "200"},
		"idea":    {Text: "veel te lange tekst hier"},
		"unknown": {Text: "?"},
	}, ""))
	want := []string{
		"/answers/unknown",
		"/answers/often",
		"/answers/help",
		"/answers/grade",
		"/answers/hours",
		"/answers/idea",
	}
	if codeOf(err) != errs.Invalid {
		t.Fatalf("SubmitResponse: %v, want invalid", err)
	}
	if diff := cmp.Diff(want, fieldPaths(err)); diff != "" {
		t.Errorf("(-want +got):\n%s\n%v", diff, err)
	}

	_, err = f.srv.SubmitResponse(resident(), byLink("velsen", browser(t), map[string]*surveysv1.Answer{"grade": {Value: "7"}}, ""))
	if diff := cmp.Diff([]string{"/answers/often"}, fieldPaths(err)); diff != "" {
		t.Errorf("a required question left open (-want +got):\n%s", diff)
	}
	if n := f.count(t, `SELECT count(*) FROM responses`) + len(f.outbox(t, "response.accepted")); n != 0 {
		t.Errorf("refused submits stored %d rows and events, want none", n)
	}
}

// The respondent methods check what stands in for an identity before
// looking anything up.
func TestRespondentInputsAreCheckedStrictly(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.opened(t, velsenMember(), flashPoll("velsen"))

	for _, tc := range []struct {
		name      string
		req       *surveysv1.SubmitResponseRequest
		want      errs.Code
		wantPaths []string
	}{
		{"no respondent", &surveysv1.SubmitResponseRequest{Answers: good()}, errs.Invalid, []string{"/invitationToken"}},
		{"a forged respondent id", byLink("velsen", "abc", good(), ""), errs.Invalid, []string{"/openLink/respondentId"}},
		{"a bad key as well", byLink("velsen", "abc", good(), "met spatie"), errs.Invalid, []string{"/idempotencyKey", "/openLink/respondentId"}},
		{"a malformed token", byInvitation("../../etc", good(), ""), errs.NotFound, nil},
		{"a well-formed unknown token", byInvitation(browser(t), good(), ""), errs.NotFound, nil},
		{"a malformed slug", byLink("Velsen!", browser(t), good(), ""), errs.NotFound, nil},
		{"an unknown slug", byLink("beverwijk", browser(t), good(), ""), errs.NotFound, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.srv.SubmitResponse(resident(), tc.req)
			if codeOf(err) != tc.want {
				t.Fatalf("SubmitResponse: %v, want %q", err, tc.want)
			}
			if diff := cmp.Diff(tc.wantPaths, fieldPaths(err)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	_, err := f.srv.GetPollForRespondent(resident(), &surveysv1.GetPollForRespondentRequest{
		Link: &surveysv1.GetPollForRespondentRequest_Slug{Slug: "velsen"}, RespondentId: "forged"})
	if codeOf(err) != errs.Invalid {
		t.Errorf("GetPollForRespondent with a forged respondent id: %v, want invalid", err)
	}
}

// A browser answers an open link once; a retry with the same key gets the
// first answer back, even after the poll closed; another key is turned
// away; the same key with other answers too.
func TestSubmitReplaysRetriesAndRefusesSecondAnswers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.opened(t, velsenMember(), flashPoll("velsen")).GetId()
	me := browser(t)

	first, err := f.srv.SubmitResponse(resident(), byLink("velsen", me, good(), "sleutel-1"))
	if err != nil || first.GetReplayed() {
		t.Fatalf("first submit: %v, %v", first, err)
	}
	again, err := f.srv.SubmitResponse(resident(), byLink("velsen", me, good(), "sleutel-1"))
	if err != nil || !again.GetReplayed() || again.GetResponseId() != first.GetResponseId() {
		t.Errorf("retry with the same key: %v, %v; want a replay of %s", again, err, first.GetResponseId())
	}
	changed := good()
	changed["grade"] = &surveysv1.Answer{Value: "3"}
	if _, err := f.srv.SubmitResponse(resident(), byLink("velsen", me, changed, "sleutel-1")); codeOf(err) != errs.Conflict {
		t.Errorf("the same key with other answers: %v, want conflict", err)
	}
	_, err = f.srv.SubmitResponse(resident(), byLink("velsen", me, good(), "sleutel-2"))
	if codeOf(err) != errs.Conflict || !slices.Equal(fieldPaths(err), []string{"/respondent"}) {
		t.Errorf("a second answer from the same browser: %v, want conflict on /respondent", err)
	}
	view, err := f.srv.GetPollForRespondent(resident(), &surveysv1.GetPollForRespondentRequest{
		Link: &surveysv1.GetPollForRespondentRequest_Slug{Slug: "velsen"}, RespondentId: me})
	if err != nil || !view.GetAlreadyAnswered() {
		t.Errorf("the page for a browser that answered: %v, %v; want already answered", view, err)
	}

	if _, err := f.srv.ClosePoll(velsenMember(), &surveysv1.ClosePollRequest{Id: id}); err != nil {
		t.Fatal(err)
	}
	late, err := f.srv.SubmitResponse(resident(), byLink("velsen", me, good(), "sleutel-1"))
	if err != nil || !late.GetReplayed() || late.GetResponseId() != first.GetResponseId() {
		t.Errorf("a retry after closing: %v, %v; want a replay of %s", late, err, first.GetResponseId())
	}
	if _, err := f.srv.SubmitResponse(resident(), byLink("velsen", browser(t), good(), "sleutel-3")); codeOf(err) != errs.FailedPrecondition {
		t.Errorf("a new answer after closing: %v, want failed precondition", err)
	}

	if n := f.count(t, `SELECT count(*) FROM responses`); n != 1 {
		t.Errorf("%d responses stored, want 1", n)
	}
	accepted := f.accepted(t)
	if len(accepted) != 1 {
		t.Fatalf("%d responses announced, want 1", len(accepted))
	}
	// No free text and nothing about the respondent leaves the service.
	want := &eventsv1.ResponseAccepted{ResponseId: first.GetResponseId(), PollId: id, MunicipalityCode: "GM0453",
		Answers: []*eventsv1.AnswerValue{
			{Question: "often", Options: []string{"other"}, HasText: true},
			{Question: "help", Options: []string{"visits", "clubs"}},
			{Question: "grade", Number: "7"},
			{Question: "hours", Number: "12.5"},
			{Question: "idea", HasText: true},
		}}
	if diff := cmp.Diff([]*eventsv1.ResponseAccepted{want}, accepted, protocmp.Transform()); diff != "" {
		t.Errorf("announced responses (-want +got):\n%s", diff)
	}
}

// Through an invitation link too: a retry is a replay, also after the
// poll closed, other answers under the key are a conflict, and after
// closing nothing new goes in.
func TestAnInvitationLinkReplaysRetries(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.opened(t, velsenMember(), panelPoll()).GetId()
	tokens := f.invite(t, id, 2)

	first, err := f.srv.SubmitResponse(resident(), byInvitation(tokens[0], good(), "sleutel-1"))
	if err != nil || first.GetReplayed() {
		t.Fatalf("first submit: %v, %v", first, err)
	}
	again, err := f.srv.SubmitResponse(resident(), byInvitation(tokens[0], good(), "sleutel-1"))
	if err != nil || !again.GetReplayed() || again.GetResponseId() != first.GetResponseId() {
		t.Errorf("retry with the same key: %v, %v; want a replay of %s", again, err, first.GetResponseId())
	}
	changed := good()
	changed["grade"] = &surveysv1.Answer{Value: "3"}
	if _, err := f.srv.SubmitResponse(resident(), byInvitation(tokens[0], changed, "sleutel-1")); codeOf(err) != errs.Conflict {
		t.Errorf("the same key with other answers: %v, want conflict", err)
	}
	bad := good()
	bad["grade"] = &surveysv1.Answer{Value: "11"}
	_, err = f.srv.SubmitResponse(resident(), byInvitation(tokens[1], bad, "sleutel-2"))
	if codeOf(err) != errs.Invalid || !slices.Equal(fieldPaths(err), []string{"/answers/grade"}) {
		t.Errorf("an answer out of range: %v, want invalid naming /answers/grade", err)
	}

	if _, err := f.srv.ClosePoll(velsenMember(), &surveysv1.ClosePollRequest{Id: id}); err != nil {
		t.Fatal(err)
	}
	late, err := f.srv.SubmitResponse(resident(), byInvitation(tokens[0], good(), "sleutel-1"))
	if err != nil || !late.GetReplayed() || late.GetResponseId() != first.GetResponseId() {
		t.Errorf("a retry after closing: %v, %v; want a replay of %s", late, err, first.GetResponseId())
	}
	if _, err := f.srv.SubmitResponse(resident(), byInvitation(tokens[1], good(), "sleutel-3")); codeOf(err) != errs.FailedPrecondition {
		t.Errorf("a new answer after closing: %v, want failed precondition", err)
	}
	if n := f.count(t, `SELECT count(*) FROM responses`); n != 1 {
		t.Errorf("%d responses stored, want 1", n)
	}
}

// An invitation link answers once, however often it is submitted at once;
// submits with one key share the first result, others are turned away.
func TestAnInvitationIsUsedOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.opened(t, velsenMember(), panelPoll()).GetId()
	tokens := f.invite(t, id, 2)
	if len(tokens) != 2 || tokens[0] == tokens[1] {
		t.Fatalf("tokens %v", tokens)
	}
	if n := f.count(t, `SELECT count(*) FROM invitations WHERE token_hash = $1`, []byte(tokens[0])); n != 0 {
		t.Errorf("a token is stored as it is")
	}
	viewOf := func(token string) *surveysv1.RespondentPoll {
		t.Helper()
		v, err := f.srv.GetPollForRespondent(resident(), &surveysv1.GetPollForRespondentRequest{
			Link: &surveysv1.GetPollForRespondentRequest_InvitationToken{InvitationToken: token}})
		if err != nil {
			t.Fatalf("GetPollForRespondent: %v", err)
		}
		return v
	}
	if v := viewOf(tokens[0]); v.GetAlreadyAnswered() || v.GetStatus() != surveysv1.PollStatus_POLL_STATUS_OPEN || len(v.GetSections()) != 1 {
		t.Errorf("the page of a fresh invitation: %v", v)
	}

	const n = 20
	type result struct {
		resp *surveysv1.SubmitResponseResponse
		err  error
	}
	results := make([]result, 2*n)
	var wg sync.WaitGroup
	for i := range 2 * n {
		wg.Go(func() {
			key := "gedeeld"
			if i >= n {
				key = "eigen-" + string(rune('a'+i-n))
			}
			r, err := f.srv.SubmitResponse(resident(), byInvitation(tokens[0], good(), key))
			results[i] = result{r, err}
		})
	}
	wg.Wait()
	stored := map[string]bool{}
	conflicts := 0
	for _, r := range results {
		switch {
		case r.err == nil:
			stored[r.resp.GetResponseId()] = true
		case codeOf(r.err) == errs.Conflict:
			conflicts++
		default:
			t.Errorf("submit: %v", r.err)
		}
	}
	if len(stored) != 1 {
		t.Errorf("%d different responses came back, want 1", len(stored))
	}
	if got := f.count(t, `SELECT count(*) FROM responses`); got != 1 {
		t.Errorf("%d responses stored, want 1", got)
	}
	if conflicts < n-1 {
		t.Errorf("%d conflicts, want at least %d (every own key but the winner's)", conflicts, n-1)
	}
	if !viewOf(tokens[0]).GetAlreadyAnswered() || viewOf(tokens[1]).GetAlreadyAnswered() {
		t.Error("only the used invitation should show as answered")
	}
	if _, err := f.srv.SubmitResponse(resident(), byInvitation(tokens[1], good(), "")); err != nil {
		t.Errorf("the other invitation: %v", err)
	}

	_, err := f.srv.GetPollForRespondent(resident(), &surveysv1.GetPollForRespondentRequest{
		Link: &surveysv1.GetPollForRespondentRequest_InvitationToken{InvitationToken: tokens[0]}, RespondentId: browser(t)})
	if codeOf(err) != errs.Invalid {
		t.Errorf("a respondent id beside an invitation: %v, want invalid", err)
	}
}

// Residents see a poll once it is scheduled, its questions only while it
// is open, and never a draft or a panel poll by its slug.
func TestTheRespondentsPageShowsWhatItMay(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	draft := f.create(t, velsenMember(), flashPoll("concept")).GetId()
	scheduled := f.create(t, velsenMember(), flashPoll("gepland")).GetId()
	if _, err := f.srv.SchedulePoll(velsenMember(), &surveysv1.SchedulePollRequest{Id: scheduled}); err != nil {
		t.Fatal(err)
	}
	f.opened(t, velsenMember(), flashPoll("open"))
	panel := panelPoll()
	panel.Slug = "panel"
	f.opened(t, velsenMember(), panel)
	_ = draft

	view := func(slug string) (*surveysv1.RespondentPoll, error) {
		return f.srv.GetPollForRespondent(resident(), &surveysv1.GetPollForRespondentRequest{
			Link: &surveysv1.GetPollForRespondentRequest_Slug{Slug: slug}})
	}
	for _, tc := range []struct {
		slug      string
		want      errs.Code
		status    surveysv1.PollStatus
		questions bool
	}{
		{"concept", errs.NotFound, 0, false},
		{"gepland", "", surveysv1.PollStatus_POLL_STATUS_SCHEDULED, false},
		{"open", "", surveysv1.PollStatus_POLL_STATUS_OPEN, true},
		{"panel", errs.NotFound, 0, false},
	} {
		t.Run(tc.slug, func(t *testing.T) {
			v, err := view(tc.slug)
			if codeOf(err) != tc.want {
				t.Fatalf("GetPollForRespondent: %v, want %q", err, tc.want)
			}
			if err != nil {
				return
			}
			if v.GetStatus() != tc.status || (len(v.GetSections()) > 0) != tc.questions {
				t.Errorf("status %s with %d sections", v.GetStatus(), len(v.GetSections()))
			}
			if v.GetResultsSharing().GetNl() == "" || v.GetTitle().GetNl() == "" {
				t.Errorf("the page lacks its title or results statement: %v", v)
			}
		})
	}
	_, err := f.srv.SubmitResponse(resident(), byLink("gepland", browser(t), good(), ""))
	if codeOf(err) != errs.FailedPrecondition {
		t.Errorf("answering a poll that has not opened: %v, want failed precondition", err)
	}
	_, err = f.srv.SubmitResponse(resident(), byLink("concept", browser(t), good(), ""))
	if codeOf(err) != errs.NotFound {
		t.Errorf("answering a draft: %v, want not found", err)
	}
}

// A scheduled poll takes answers from its opening time, before the
// scheduler records that it opened.
func TestAnswersAreTakenFromTheOpeningTime(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.create(t, velsenMember(), flashPoll("velsen")).GetId()
	if _, err := f.srv.SchedulePoll(velsenMember(), &surveysv1.SchedulePollRequest{Id: id}); err != nil {
		t.Fatal(err)
	}
	f.srv.now = func() time.Time { return time.Now().Add(2 * time.Hour) }
	if _, err := f.srv.SubmitResponse(resident(), byLink("velsen", browser(t), good(), "")); err != nil {
		t.Errorf("answering after the opening time: %v", err)
	}
}

// A shared poll whose open link checks postcodes counts each answer for
// the municipality the gateway's postcode check found; one that does not
// check takes none.
func TestTheMunicipalityOfAnOpenLinkAnswerComesFromThePostcodeCheck(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	checked := sharedPoll("gecontroleerd")
	checked.Audience.PostcodeCheck = true
	f.opened(t, beverwijkChair(), checked)
	f.opened(t, beverwijkChair(), sharedPoll("open"))

	from := func(slug, municipality string) *surveysv1.SubmitResponseRequest {
		r := byLink(slug, browser(t), good(), "")
		r.GetOpenLink().MunicipalityCode = municipality
		return r
	}
	for _, tc := range []struct {
		name string
		req  *surveysv1.SubmitResponseRequest
		want []string
	}{
		{"checked, found in Beverwijk", from("gecontroleerd", "GM0375"), nil},
		{"checked, but none found", from("gecontroleerd", ""), []string{"/openLink/municipalityCode"}},
		{"checked, found outside the poll", from("gecontroleerd", "GM0396"), []string{"/openLink/municipalityCode"}},
		{"not checked", from("open", ""), nil},
		{"not checked, yet one given", from("open", "GM0375"), []string{"/openLink/municipalityCode"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.srv.SubmitResponse(resident(), tc.req)
			if diff := cmp.Diff(tc.want, fieldPaths(err)); diff != "" {
				t.Errorf("(-want +got):\n%s\n%v", diff, err)
			}
		})
	}
	var municipalities []string
	for _, ev := range f.accepted(t) {
		municipalities = append(municipalities, ev.GetMunicipalityCode())
	}
	if diff := cmp.Diff([]string{"GM0375", ""}, municipalities); diff != "" {
		t.Errorf("the answers count for (-want +got):\n%s", diff)
	}
}
