// Package tally keeps the live tallies: a consumer of the service's own
// responses.accepted events that adds each delivery batch to the stored
// counts at once, one delta per poll, so that a busy poll's counters are
// updated once per batch rather than once per answer. It is an ordered
// consumer: it records the stream position it reached in the same
// transaction, so an event read again (after a restart, or by a second
// replica) counts once, without an inbox row per answer.
package tally

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/neighbourhood"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/surveys/internal/announce"
	"github.com/meedoen/meedoen/services/surveys/internal/panel"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
)

// BatchSize bounds the events one transaction applies.
const BatchSize = 500

// Consumer returns the consumer that keeps the tallies; hoods is the
// closed list of neighbourhoods breakdowns count.
func Consumer(hoods *neighbourhood.Table) events.ConsumerConfig {
	return events.ConsumerConfig{
		Name:   "tally",
		Stream: events.StreamName("surveys"),
		// response.accepted: the single-response events of earlier
		// versions, still in a stream or outbox from before an upgrade.
		Subjects:    []string{"meedoen.surveys.*.responses.accepted", "meedoen.surveys.*.response.accepted"},
		BatchSize:   BatchSize,
		HandleBatch: func(ctx context.Context, tx pgx.Tx, evs []events.Event) error { return Apply(ctx, tx, evs, hoods) },
		Ordered:     true,
	}
}

// Apply adds the responses evs announce to their polls' tallies in tx: it
// groups them by poll and applies one delta per poll, polls in id order so
// that concurrent batches lock counters in the same order. The free texts
// that events leave out are read from the stored responses, in one query
// for the batch. A breakdown counts only the values of the closed lists
// (the panel's age bands, hoods' neighbourhoods): an event from before
// those lists, still in the stream or an outbox, may carry a
// neighbourhood as a resident typed it, which must not become a row of a
// council's breakdown.
func Apply(ctx context.Context, tx pgx.Tx, evs []events.Event, hoods *neighbourhood.Table) error {
	byPoll := map[string][]*eventsv1.ResponseAccepted{}
	var withText []string
	for _, ev := range evs {
		accepted, err := announce.AcceptedIn(ev)
		if err != nil {
			return err
		}
		for _, msg := range accepted {
			byPoll[msg.GetPollId()] = append(byPoll[msg.GetPollId()], msg)
			if announce.HasText(msg) {
				withText = append(withText, msg.GetResponseId())
			}
		}
	}
	texts, err := store.ResponseReplies(ctx, tx, withText)
	if err != nil {
		return fmt.Errorf("tallying: %w", err)
	}
	for _, id := range slices.Sorted(maps.Keys(byPoll)) {
		p, err := store.PollIn(ctx, tx, id)
		if err != nil {
			return fmt.Errorf("tallying: %w", err)
		}
		delta := poll.NewTally(p)
		for _, msg := range byPoll[id] {
			r, err := announce.Response(p, msg, texts[msg.GetResponseId()])
			if err != nil {
				return fmt.Errorf("tallying: %w", err)
			}
			r.Attributes = listed(r.Attributes, hoods)
			if err := delta.Add(r); err != nil {
				return fmt.Errorf("tallying: %w", err)
			}
		}
		if err := store.ApplyTally(ctx, tx, id, delta.Record()); err != nil {
			return fmt.Errorf("tallying: %w", err)
		}
	}
	return nil
}

// listed returns the attributes that are values of the closed lists.
func listed(attributes map[string]string, hoods *neighbourhood.Table) map[string]string {
	out := make(map[string]string, len(attributes))
	if band := attributes[poll.AgeBand]; panel.IsAgeBand(band) {
		out[poll.AgeBand] = band
	}
	if _, ok := hoods.Lookup(attributes[poll.Neighbourhood]); ok {
		out[poll.Neighbourhood] = attributes[poll.Neighbourhood]
	}
	return out
}
