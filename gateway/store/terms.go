package store

import (
	"context"
	"fmt"
	"time"
	_ "time/tzdata" // terms end at midnight in Amsterdam even where the host has no zone database

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/events"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
)

// termZone is where a term's last day ends.
const termZone = "Europe/Amsterdam"

// TermsConsumer returns the consumer that follows council members' terms
// from the councils service's events, so that the sessions of a member
// whose term has ended end with it (see the live condition of sessions).
// Ordered, because a term that ends and is then extended must end up
// extended.
func TermsConsumer() (events.ConsumerConfig, error) {
	loc, err := time.LoadLocation(termZone)
	if err != nil {
		return events.ConsumerConfig{}, fmt.Errorf("loading the time zone %s: %w", termZone, err)
	}
	return events.ConsumerConfig{
		Service: Schema,
		Name:    "member-terms",
		Stream:  events.StreamName("councils"),
		Subjects: []string{
			"meedoen.councils.*.member.joined",
			"meedoen.councils.*.member.left",
		},
		Ordered: true,
		Handle: func(ctx context.Context, tx pgx.Tx, ev events.Event) error {
			return applyTerm(ctx, tx, ev, loc)
		},
	}, nil
}

// applyTerm records one member event: member.left sets the end of the
// term, member.joined sets it (a term with an end date) or clears it.
func applyTerm(ctx context.Context, tx pgx.Tx, ev events.Event, loc *time.Location) error {
	var memberID, subject, termEnd string
	switch ev.Name {
	case "member.joined":
		var p eventsv1.MemberJoined
		if err := ev.Decode(&p); err != nil {
			return err
		}
		memberID, subject, termEnd = p.GetMemberId(), p.GetSubjectSha256(), p.GetTermEnd()
	case "member.left":
		var p eventsv1.MemberLeft
		if err := ev.Decode(&p); err != nil {
			return err
		}
		memberID, subject, termEnd = p.GetMemberId(), p.GetSubjectSha256(), p.GetTermEnd()
	default:
		return fmt.Errorf("member terms: unexpected event %s", ev.Type)
	}
	if subject == "" {
		// A member without a staff login has no session to end. A link
		// removed since is forgotten with the old row.
		_, err := tx.Exec(ctx, `DELETE FROM member_terms WHERE member_id = $1`, memberID)
		return err
	}
	var endsAt *time.Time
	if termEnd != "" {
		last, err := time.ParseInLocation(time.DateOnly, termEnd, loc)
		if err != nil {
			return fmt.Errorf("member terms: member %s: term end %q: %w", memberID, termEnd, err)
		}
		end := last.AddDate(0, 0, 1)
		endsAt = &end
	}
	// The event's time, not the clock's, so that applying it again (a
	// rebuilt stream) changes nothing.
	_, err := tx.Exec(ctx, `INSERT INTO member_terms (member_id, subject_sha256, ends_at, announced_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (member_id) DO UPDATE SET subject_sha256 = excluded.subject_sha256, ends_at = excluded.ends_at,
	announced_at = excluded.announced_at, updated_at = now()`,
		memberID, subject, endsAt, ev.Time)
	if err != nil {
		return fmt.Errorf("member terms: member %s: %w", memberID, err)
	}
	return nil
}
