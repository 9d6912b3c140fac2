package api

import (
	"testing"

	"github.com/meedoen/meedoen/internal/errs"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
)

// line returns the cells of a tally's question as key → count, hidden
// counts as -1.
func line(t *testing.T, tl *surveysv1.Tally, question string) map[string]int64 {
	t.Helper()
	for _, q := range tl.GetQuestions() {
		if q.GetQuestionId() != question {
			continue
		}
		out := map[string]int64{}
		for _, c := range q.GetLines()[0].GetCells() {
			out[c.GetKey()] = c.GetCount().GetValue()
			if c.GetCount().GetHidden() {
				out[c.GetKey()] = -1
			}
		}
		return out
	}
	t.Fatalf("the tally has no question %q", question)
	return nil
}

func TestTheCouncilSeesEveryCountAndThePublicNoSmallOnes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.opened(t, velsenMember(), flashPoll("velsen")).GetId()
	// Six say "never", two "sometimes": the two could point at people.
	for i := range 8 {
		a := good()
		a["often"] = &surveysv1.Answer{Choice: "never"}
		if i >= 6 {
			a["often"] = &surveysv1.Answer{Choice: "sometimes"}
		}
		if _, err := f.srv.SubmitResponse(resident(), byLink("velsen", browser(t), a, "")); err != nil {
			t.Fatal(err)
		}
	}
	f.tallyOutbox(t)

	council, err := f.srv.GetTally(velsenOfficer(), &surveysv1.GetTallyRequest{PollId: id})
	if err != nil {
		t.Fatal(err)
	}
	if council.GetResponses().GetValue() != 8 || council.GetMinCell() != 0 {
		t.Errorf("council tally: %d responses, min cell %d", council.GetResponses().GetValue(), council.GetMinCell())
	}
	if got := line(t, council, "often"); got["never"] != 6 || got["sometimes"] != 2 || got["often"] != 0 {
		t.Errorf("council counts %v", got)
	}
	var texts int
	for _, q := range council.GetQuestions() {
		texts += len(q.GetTexts())
	}
	if texts != 8 {
		t.Errorf("the council sees %d texts, want the 8 ideas", texts)
	}

	public, err := f.srv.GetPublicTally(resident(), &surveysv1.GetPublicTallyRequest{PollId: id})
	if err != nil {
		t.Fatal(err)
	}
	got := line(t, public, "often")
	if public.GetMinCell() != DefaultMinCell || got["sometimes"] != -1 || got["never"] == 6 {
		t.Errorf("public counts %v (min cell %d): the 2 and the count it could be worked out from must be hidden", got, public.GetMinCell())
	}
	for _, q := range public.GetQuestions() {
		if len(q.GetTexts()) > 0 {
			t.Errorf("the public sees texts nobody marked public: %v", q.GetTexts())
		}
	}

	if _, err := f.srv.GetTally(heemskerkMember(), &surveysv1.GetTallyRequest{PollId: id}); codeOf(err) != errs.NotFound {
		t.Errorf("GetTally by Heemskerk: %v, want not found", err)
	}
	if _, err := f.srv.GetTally(velsenMember(), &surveysv1.GetTallyRequest{PollId: id, TextLimit: 1000}); codeOf(err) != errs.Invalid {
		t.Errorf("GetTally asking for 1000 texts: %v, want invalid", err)
	}
	draft := f.create(t, velsenMember(), flashPoll("concept")).GetId()
	if _, err := f.srv.GetPublicTally(resident(), &surveysv1.GetPublicTallyRequest{PollId: draft}); codeOf(err) != errs.NotFound {
		t.Errorf("the public tally of a draft, anonymously: %v, want not found", err)
	}
	if _, err := f.srv.GetPublicTally(velsenOfficer(), &surveysv1.GetPublicTallyRequest{PollId: draft}); err != nil {
		t.Errorf("the public tally of a draft, for its staff: %v", err)
	}
}

func TestAMunicipalityMayAskForLargerPublicCells(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	// Velsen's privacy officer wants cells of at least 10; a laxer 3 for
	// Velsen is ignored under the service's floor of 5 elsewhere.
	f.srv = New(store.New(f.pool), Config{MinCellBy: map[string]int{"GM0453": 10, "GM0375": 3}})
	id := f.opened(t, velsenMember(), flashPoll("velsen-streng")).GetId()
	for range 7 {
		a := good()
		a["often"] = &surveysv1.Answer{Choice: "never"}
		if _, err := f.srv.SubmitResponse(resident(), byLink("velsen-streng", browser(t), a, "")); err != nil {
			t.Fatal(err)
		}
	}
	f.tallyOutbox(t)

	public, err := f.srv.GetPublicTally(resident(), &surveysv1.GetPublicTallyRequest{PollId: id})
	if err != nil {
		t.Fatal(err)
	}
	if public.GetMinCell() != 10 {
		t.Errorf("public tally min cell = %d, want Velsen's 10", public.GetMinCell())
	}
	if got := line(t, public, "often"); got["never"] == 7 {
		t.Errorf("public counts %v: 7 answers are below Velsen's minimum of 10 and must not show", got)
	}
	if n := New(store.New(f.pool), Config{MinCellBy: map[string]int{"GM0453": 3}}).minCellFor(mustPoll(t, f, id)); n != DefaultMinCell {
		t.Errorf("a municipality asking for cells of 3 got %d, want the floor %d", n, DefaultMinCell)
	}
}

// mustPoll reads the poll with id from the fixture's store.
func mustPoll(t *testing.T, f fixture, id string) poll.Poll {
	t.Helper()
	p, err := store.New(f.pool).Poll(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
