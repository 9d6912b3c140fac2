package store

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/mailq"
	"github.com/meedoen/meedoen/services/results/internal/advice"
	"github.com/meedoen/meedoen/services/results/internal/evidence"
	"github.com/meedoen/meedoen/services/results/internal/response"
)

// Sending is what sending an advice writes besides the advice: the
// responses it opens (or, for a correction, moves to the corrected
// version), the mail that tells the policy officers, and the events.
type Sending struct {
	Responses []response.Response
	Mail      []mailq.Mail
	Events    []events.Event
}

// SendingInput is what the store reads for a sending, in its transaction:
// what the projections know of the process, each addressee's settings
// (the default for one that set none), and the responses already open
// (none before the first sending).
type SendingInput struct {
	Raw       evidence.Raw
	Settings  map[string]Settings
	Responses map[string]response.Response
}

// AdviceSend sends the advice read with its row locked, from in.
type AdviceSend func(a *advice.Advice, in SendingInput) (Sending, error)

// SendAdvice sends the advice with id: send freezes its latest version
// with the evidence as the projections have it now, which the store reads
// in the same transaction, and opens the responses.
func (s *Store) SendAdvice(ctx context.Context, id string, send AdviceSend) (advice.Advice, error) {
	var out advice.Advice
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		a, err := readAdvice(ctx, tx, id, true)
		if err != nil {
			return err
		}
		in := SendingInput{Settings: map[string]Settings{}, Responses: map[string]response.Response{}}
		if in.Raw, err = rawEvidence(ctx, tx, a.Process().ID); err != nil {
			return err
		}
		for _, m := range a.Addressees() {
			if in.Settings[m], err = readSettings(ctx, tx, m); err != nil {
				return err
			}
		}
		existing, err := readResponses(ctx, tx, id)
		if err != nil {
			return err
		}
		for _, r := range existing {
			in.Responses[r.Municipality()] = r
		}
		sending, err := send(&a, in)
		if err != nil {
			return err
		}
		if err := writeAdvice(ctx, tx, a); err != nil {
			return err
		}
		for _, r := range sending.Responses {
			if err := writeResponse(ctx, tx, r); err != nil {
				return err
			}
		}
		for _, m := range sending.Mail {
			if err := mailq.Enqueue(ctx, tx, m); err != nil {
				return err
			}
		}
		if err := changedFigures(ctx, tx); err != nil {
			return err
		}
		a.Saved()
		out = a
		if err := events.Enqueue(ctx, tx, sending.Events...); err != nil {
			return fmt.Errorf("sending advice %s: %w", id, err)
		}
		return nil
	})
	return out, err
}
