package polls

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/meedoen/meedoen/gateway/problem"
	"github.com/meedoen/meedoen/gateway/web/kit"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// How the live tally is kept up to date: the stream asks the service every
// liveEvery and ends after liveFor, after which the browser's EventSource
// connects again by itself. The bound keeps a forgotten tab from holding a
// connection and a ticker for days.
const (
	defaultLiveEvery = time.Second
	defaultLiveFor   = 10 * time.Minute
	// liveRetry is how long a browser waits before it connects again.
	liveRetry = 5 * time.Second
	// liveWriteTimeout bounds one event's write and flush.
	liveWriteTimeout = 30 * time.Second
)

// liveTally serves GET /peilingen/{id}/live: Server-Sent Events, each a
// "tally" event whose data is the tally fragment of the poll's page,
// rendered again. The first event carries the tally as it is; later ones
// follow when the response count changes. It ends when the client goes
// away or after liveFor.
//
// The stream runs in the request's own goroutine, so the HTTP server owns
// it and r.Context() stops it.
func (s *Pages) liveTally(rq *kit.Request) error {
	w, r := rq.W, rq.R
	ctx, cancel := context.WithTimeout(r.Context(), s.liveFor)
	defer cancel()
	id := pollID(r)
	pl, err := s.cfg.Surveys.GetPoll(ctx, &surveysv1.GetPollRequest{Id: id})
	if err == nil && pl.GetTenant() != rq.Tenant && !slices.Contains(pl.GetParticipants(), rq.Tenant) {
		err = problem.Error(problem.NotFound, "poll of another tenant")
	}
	if err != nil {
		// The frame answers with the status alone: the stream has no
		// page to show.
		return err
	}
	rq.Written = true

	rc := http.NewResponseController(w)
	// The server's read and write timeouts fit pages, not a stream of
	// minutes: an expired read deadline would cancel the request's
	// context. Each write gets a deadline of its own instead, so a client
	// that stops reading is still dropped. Writers without deadlines
	// (tests' recorders) need none.
	_ = rc.SetReadDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	// Proxies that buffer responses would hold the events back.
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	_ = rc.SetWriteDeadline(time.Now().Add(liveWriteTimeout))
	if _, err := fmt.Fprintf(w, "retry: %d\n\n", liveRetry.Milliseconds()); err != nil {
		return nil
	}
	if err := rc.Flush(); err != nil {
		s.kit.Log().WarnContext(ctx, "live tally: the response cannot be flushed", "err", err)
		return nil
	}

	tick := time.NewTicker(s.liveEvery)
	defer tick.Stop()
	last := int64(-1)
	for {
		t, err := s.cfg.Surveys.GetTally(ctx, &surveysv1.GetTallyRequest{PollId: id, TextLimit: tallyTextLimit})
		switch {
		case err != nil && ctx.Err() != nil:
			return nil
		case err != nil:
			// The next tick tries again; the page keeps what it shows.
			s.kit.Log().WarnContext(ctx, "live tally: reading the tally", "poll", id, "err", err)
		case t.GetResponses().GetValue() != last:
			last = t.GetResponses().GetValue()
			_ = rc.SetWriteDeadline(time.Now().Add(liveWriteTimeout))
			if err := s.sendTally(w, rq.Lang(), pl, t); err != nil {
				if !errors.Is(err, context.Canceled) {
					s.kit.Log().DebugContext(ctx, "live tally: sending", "poll", id, "err", err)
				}
				return nil
			}
			if err := rc.Flush(); err != nil {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// sendTally writes one "tally" event with the rendered fragment. Every line
// of it goes in a data field of its own, as the format wants.
func (s *Pages) sendTally(w http.ResponseWriter, lang string, pl *surveysv1.Poll, t *surveysv1.Tally) error {
	var b bytes.Buffer
	if err := s.kit.Execute(&b, lang, "polldetail", "tally", s.tallyView(lang, pl, t)); err != nil {
		return fmt.Errorf("rendering the tally: %w", err)
	}
	var ev strings.Builder
	fmt.Fprintf(&ev, "event: tally\nid: %d\n", t.GetResponses().GetValue())
	for line := range strings.SplitSeq(strings.TrimSpace(b.String()), "\n") {
		ev.WriteString("data: ")
		ev.WriteString(strings.TrimSuffix(line, "\r"))
		ev.WriteString("\n")
	}
	ev.WriteString("\n")
	_, err := w.Write([]byte(ev.String()))
	return err
}
