package announce_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/meedoen/meedoen/internal/events"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/surveys/internal/announce"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

func nl(s string) poll.Text { return poll.Text{NL: s} }

func opts(ids ...string) []poll.Option {
	out := make([]poll.Option, len(ids))
	for i, id := range ids {
		out[i] = poll.Option{ID: id, Label: nl(id)}
	}
	return out
}

// openPoll is an open shared questionnaire with a question of every type,
// on an open link without a postcode check, so that a respondent's
// municipality may be unknown.
func openPoll(t *testing.T, now time.Time) poll.Poll {
	t.Helper()
	p, err := poll.New(poll.Spec{
		ProcessID:    "01957a3c-2b1e-7c00-8000-000000000001",
		Tenant:       "ijmond",
		Participants: []string{"GM0453", "GM0375", "GM0396"},
		Kind:         poll.Questionnaire,
		Title:        nl("Alles"),
		Sections: []poll.Section{{ID: "s1", Title: nl("Alles"), Questions: []poll.Question{
			{ID: "single", Type: poll.SingleChoice, Text: nl("1"), Options: opts("a", "b"), Other: true},
			{ID: "multi", Type: poll.MultipleChoice, Text: nl("2"), Options: opts("a", "b", "c")},
			{ID: "likert", Type: poll.Likert, Text: nl("3")},
			{ID: "scale", Type: poll.Scale, Text: nl("4")},
			{ID: "rank", Type: poll.Ranking, Text: nl("5"), Options: opts("x", "y", "z")},
			{ID: "matrix", Type: poll.Matrix, Text: nl("6"), Rows: opts("r1", "r2"), Columns: opts("c1", "c2")},
			{ID: "number", Type: poll.Number, Text: nl("7"), Min: poll.DecimalFromInt(-5), Max: poll.DecimalFromInt(5), Step: poll.Decimal(250)},
			{ID: "short", Type: poll.ShortText, Text: nl("8")},
			{ID: "long", Type: poll.LongText, Text: nl("9")},
		}}},
		Slug:           "alles",
		Audience:       poll.Audience{Kind: poll.OpenLink},
		OpensAt:        now.Add(-time.Minute),
		ClosesAt:       now.Add(24 * time.Hour),
		ResultsSharing: nl("Later."),
		CreatedBy:      "test",
	}, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Schedule(now); err != nil {
		t.Fatal(err)
	}
	if err := p.Open(now); err != nil {
		t.Fatal(err)
	}
	return p
}

// A response survives the trip through its event, texts taken from the
// stored replies, and the event itself holds no text.
func TestAResponseRoundTripsThroughItsEvent(t *testing.T) {
	t.Parallel()
	now := time.Now()
	p := openPoll(t, now)
	r, err := p.Check(poll.Answers{Municipality: "GM0375", Questions: map[string]poll.Answer{
		"single": {Choice: "other", Other: "iets geheims"},
		"multi":  {Choices: []string{"c", "a"}},
		"likert": {Value: "4"},
		"scale":  {Value: "0"},
		"rank":   {Ranks: map[string]int{"x": 2, "y": 3, "z": 1}},
		"matrix": {Rows: map[string]string{"r1": "c2", "r2": "c1"}},
		"number": {Value: "-2,75"},
		"short":  {Text: "mijn straat"},
		"long":   {Text: "een lang verhaal"},
	}}, now)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := announce.ResponsesAccepted(context.Background(), p.Tenant(), p.ID(), []*eventsv1.ResponseAccepted{announce.Accepted(r)})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 {
		t.Fatalf("%d events for one response", len(evs))
	}
	ev := evs[0]
	for _, secret := range []string{"iets geheims", "mijn straat", "een lang verhaal"} {
		if strings.Contains(string(ev.Data), secret) {
			t.Errorf("the event carries the free text %q: %s", secret, ev.Data)
		}
	}
	if ev.Tenant != "ijmond" || ev.Name != "responses.accepted" || ev.Subject != p.ID() {
		t.Errorf("event %s in %s about %s", ev.Name, ev.Tenant, ev.Subject)
	}
	accepted, err := announce.AcceptedIn(ev)
	if err != nil {
		t.Fatal(err)
	}
	if len(accepted) != 1 {
		t.Fatalf("the event holds %d responses", len(accepted))
	}
	msg := accepted[0]
	got, err := announce.Response(p, msg, r.Replies)
	if err != nil {
		t.Fatal(err)
	}
	want := r
	want.SubmittedAt = time.Time{}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// poll.closed names every municipality of the poll, zeros included, and
// the responses of unknown municipality last.
func TestPollClosedCountsPerMunicipality(t *testing.T) {
	t.Parallel()
	now := time.Now()
	p := openPoll(t, now)
	tally := poll.RestoreTally(p, poll.TallyRecord{Counters: []poll.Counter{
		{Municipality: "GM0453", Count: 7},
		{Municipality: "", Count: 2},
		{Municipality: "GM0396", Count: 1},
		{Municipality: "GM0453", Question: "single", Count: 7}, // not a response count
	}})
	if err := p.Close(now); err != nil {
		t.Fatal(err)
	}
	ev, err := announce.PollClosed(context.Background(), p, tally)
	if err != nil {
		t.Fatal(err)
	}
	var got eventsv1.PollClosed
	if err := ev.Decode(&got); err != nil {
		t.Fatal(err)
	}
	want := &eventsv1.PollClosed{PollId: p.ID(), ProcessId: p.ProcessID(), Kind: "questionnaire", Responses: 10,
		PerMunicipality: []*eventsv1.MunicipalityResponses{
			{MunicipalityCode: "GM0375"},
			{MunicipalityCode: "GM0396", Responses: 1},
			{MunicipalityCode: "GM0453", Responses: 7},
			{MunicipalityCode: "", Responses: 2},
		}}
	if diff := cmp.Diff(want, &got, protocmp.Transform()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// A commit of many long responses is announced in several events, each of
// whole responses, that together hold every response once and in order;
// none comes near JetStream's 1 MiB message limit.
func TestManyResponsesAreSplitOverEvents(t *testing.T) {
	t.Parallel()
	now := time.Now()
	p := openPoll(t, now)
	var accepted []*eventsv1.ResponseAccepted
	for i := range 400 {
		r, err := p.Check(poll.Answers{Municipality: "GM0375", Questions: map[string]poll.Answer{
			"matrix": {Rows: map[string]string{"r1": "c2", "r2": "c1"}},
			"rank":   {Ranks: map[string]int{"x": 2, "y": 3, "z": 1}},
			"multi":  {Choices: []string{"a", "b", "c"}},
		}}, now)
		if err != nil {
			t.Fatal(err)
		}
		a := announce.Accepted(r)
		a.Attributes = map[string]string{poll.Neighbourhood: strings.Repeat("Wijk ", 60) + strconv.Itoa(i)}
		accepted = append(accepted, a)
	}
	evs, err := announce.ResponsesAccepted(context.Background(), p.Tenant(), p.ID(), accepted)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) < 2 {
		t.Fatalf("%d event(s) for 400 long responses", len(evs))
	}
	var got []string
	for _, ev := range evs {
		if len(ev.Data) > 512<<10 {
			t.Errorf("event of %d bytes", len(ev.Data))
		}
		in, err := announce.AcceptedIn(ev)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range in {
			got = append(got, a.GetResponseId())
		}
	}
	var want []string
	for _, a := range accepted {
		want = append(want, a.GetResponseId())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("responses across the events (-want +got):\n%s", diff)
	}
}

// Events of the single-response kind that earlier versions emitted still
// read as their one response, so that a stream or outbox from before an
// upgrade is tallied.
func TestASingleResponseEventOfEarlierVersionsReads(t *testing.T) {
	t.Parallel()
	now := time.Now()
	p := openPoll(t, now)
	r, err := p.Check(poll.Answers{Municipality: "GM0375", Questions: map[string]poll.Answer{"likert": {Value: "4"}}}, now)
	if err != nil {
		t.Fatal(err)
	}
	ev, err := events.New(context.Background(), p.Tenant(), r.ID, announce.Accepted(r))
	if err != nil {
		t.Fatal(err)
	}
	if ev.Name != "response.accepted" {
		t.Fatalf("event %s", ev.Name)
	}
	in, err := announce.AcceptedIn(ev)
	if err != nil {
		t.Fatal(err)
	}
	if len(in) != 1 || in[0].GetResponseId() != r.ID || in[0].GetAnswers()[0].GetNumber() != "4" {
		t.Errorf("read %v", in)
	}
}
