// Package announce turns what happens to polls and responses into the
// surveys service's events (proto/meedoen/events/v1/surveys.proto), and a
// responses.accepted event back into the responses the tally counts. Both
// directions live here so that they cannot drift apart.
//
// Events carry no personal data: a response appears only by its random id,
// and its free texts stay in the service (the tally reads them from the
// stored response).
package announce

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/meedoen/meedoen/internal/events"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

// PollOpened announces that p opened.
func PollOpened(ctx context.Context, p poll.Poll) (events.Event, error) {
	return newEvent(ctx, p, &eventsv1.PollOpened{
		PollId:                      p.ID(),
		ProcessId:                   p.ProcessID(),
		Kind:                        string(p.Kind()),
		ParticipatingMunicipalities: p.Participants(),
		ClosesAt:                    p.ClosesAt().UTC().Format(time.RFC3339),
	})
}

// PollClosed announces that p closed, with the responses per municipality
// that t, its tally, counts: every municipality of the poll (zeros
// included), then any other the responses name, unknown ("") last.
func PollClosed(ctx context.Context, p poll.Poll, t poll.Tally) (events.Event, error) {
	msg := &eventsv1.PollClosed{PollId: p.ID(), ProcessId: p.ProcessID(), Kind: string(p.Kind())}
	for _, c := range ResponsesPerMunicipality(p, t) {
		msg.Responses = clamp(int64(msg.Responses) + int64(c.Responses))
		msg.PerMunicipality = append(msg.PerMunicipality, c)
	}
	return newEvent(ctx, p, msg)
}

// ResponsesPerMunicipality counts t's responses per municipality in the
// order PollClosed gives them.
func ResponsesPerMunicipality(p poll.Poll, t poll.Tally) []*eventsv1.MunicipalityResponses {
	counts := map[string]int64{}
	for _, c := range t.Record().Counters {
		if c.Question == "" {
			counts[c.Municipality] += c.Count
		}
	}
	order := p.Municipalities()
	var others []string
	for m := range counts {
		if !slices.Contains(order, m) && m != "" {
			others = append(others, m)
		}
	}
	slices.Sort(others)
	order = append(order, others...)
	if counts[""] > 0 {
		order = append(order, "")
	}
	out := make([]*eventsv1.MunicipalityResponses, 0, len(order))
	for _, m := range order {
		out = append(out, &eventsv1.MunicipalityResponses{MunicipalityCode: m, Responses: clamp(counts[m])})
	}
	return out
}

// PollCancelled announces that p was cancelled.
func PollCancelled(ctx context.Context, p poll.Poll) (events.Event, error) {
	return newEvent(ctx, p, &eventsv1.PollCancelled{PollId: p.ID(), ProcessId: p.ProcessID()})
}

func newEvent(ctx context.Context, p poll.Poll, msg proto.Message) (events.Event, error) {
	ev, err := events.New(ctx, p.Tenant(), p.ID(), msg)
	if err != nil {
		return events.Event{}, fmt.Errorf("announcing poll %s: %w", p.ID(), err)
	}
	return ev, nil
}

// clamp fits a count into the events' int32.
func clamp(n int64) int32 { return int32(min(max(n, 0), math.MaxInt32)) }
