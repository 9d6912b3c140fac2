// Package schedule opens and closes polls at their times. The service runs
// one Scheduler per replica; replicas may run side by side, since a poll
// changes under its lock and a transition that another replica made
// already is no longer due.
package schedule

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/meedoen/meedoen/internal/backoff"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/services/surveys/internal/announce"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
)

// DefaultInterval is how often a scheduler looks for due polls unless told
// otherwise. Residents can answer from the second a poll opens regardless
// (answers are judged by the status the times give), so the interval only
// decides how soon the announcements go out.
const DefaultInterval = 2 * time.Second

// batch is how many polls of each transition one query asks for.
const batch = 100

// Scheduler advances polls whose opening or closing time has come, and
// announces each transition: poll.opened, and poll.closed with the
// responses per municipality.
type Scheduler struct {
	store    *store.Store
	log      *slog.Logger
	interval time.Duration
	now      func() time.Time
}

// New returns a scheduler on st that looks every interval (DefaultInterval
// when 0).
func New(st *store.Store, log *slog.Logger, interval time.Duration) *Scheduler {
	if interval <= 0 {
		interval = DefaultInterval
	}
	return &Scheduler{store: st, log: log.With("component", "scheduler"), interval: interval, now: time.Now}
}

// Run advances due polls at once and then every interval, until ctx ends.
// A failure is logged and retried rather than stopping the service: a poll
// that cannot advance now may well advance later. Failures in a row (the
// database is away) wait longer each time, from the interval up to half a
// minute, so that an outage costs a few log lines, not one per tick.
func (s *Scheduler) Run(ctx context.Context) error {
	wait := backoff.Backoff{Min: s.interval}
	for {
		_, err := s.Tick(ctx)
		if ctx.Err() != nil {
			return nil
		}
		next := s.interval
		if err != nil {
			next = wait.Next()
			s.log.WarnContext(ctx, "advancing due polls failed; retrying", "error", err,
				"failures_in_a_row", wait.Failures(), "retry_in", next.Round(time.Millisecond).String())
		} else {
			wait.Reset()
		}
		t := time.NewTimer(next)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// Tick advances every poll due now and returns how many it advanced. It
// goes on past a poll that fails and returns the first failure.
func (s *Scheduler) Tick(ctx context.Context) (int, error) {
	advanced := 0
	var first error
	for {
		now := s.now()
		ids, err := s.store.DuePolls(ctx, now, batch)
		if err != nil {
			return advanced, err
		}
		failed := false
		for _, id := range ids {
			if err := s.advance(ctx, id, now); err != nil {
				failed = true
				if first == nil {
					first = err
				}
				s.log.WarnContext(ctx, "advancing poll failed", "poll_id", id, "error", err)
				continue
			}
			advanced++
		}
		// With a full batch more may be due; a failing poll would come back
		// in the next batch, so it waits for the next tick.
		if failed || len(ids) < batch {
			return advanced, first
		}
	}
}

// advance applies the transitions due at now to the poll with id, with
// their announcements, in one transaction.
func (s *Scheduler) advance(ctx context.Context, id string, now time.Time) error {
	// The closing counts are the tally's as it stands: reading them under
	// the poll's lock would hold up every submit. Responses that the tally
	// consumer has yet to apply (normally well under a second's worth) are
	// in the final tally but not in poll.closed.
	t, err := s.store.Tally(ctx, id, store.Texts{})
	if err != nil {
		return err
	}
	_, err = s.store.UpdatePoll(ctx, id, func(p poll.Poll) (poll.Poll, []events.Event, error) {
		var evs []events.Event
		for _, st := range p.Advance(now) {
			var ev events.Event
			var err error
			switch st {
			case poll.Open:
				ev, err = announce.PollOpened(ctx, p)
			case poll.Closed:
				ev, err = announce.PollClosed(ctx, p, t)
			default:
				err = fmt.Errorf("advancing poll %s: unexpected transition to %s", id, st)
			}
			if err != nil {
				return p, nil, err
			}
			evs = append(evs, ev)
		}
		if len(evs) > 0 {
			s.log.InfoContext(ctx, "poll advanced", "poll_id", id, "status", p.Status())
		}
		return p, evs, nil
	})
	return err
}
