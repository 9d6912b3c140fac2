package api

import (
	"context"

	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/mailq"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/results/internal/notice"
	"github.com/meedoen/meedoen/services/results/internal/store"
)

// Reminders returns what the reminder loop queues for a due reminder: the
// week-before and deadline reminders go to the response's owner, else the
// municipality's policy officers; an overdue response is told to the
// council's secretary and announced (AdviceOverdue).
func Reminders(cfg Config) store.ReminderEffects {
	b := &base{cfg: cfg}
	return func(ctx context.Context, d store.DueReminder) ([]mailq.Mail, []events.Event, error) {
		r, a := d.Response, d.Advice
		n := b.noticeOf(a, r, d.MunicipalityName)
		var mails []mailq.Mail
		switch d.Kind {
		case store.ReminderOverdue:
			if to := d.Settings.SecretaryEmail; to != "" {
				mails = append(mails, notice.Remind(to, notice.Overdue, n))
			}
			ev, err := events.New(ctx, r.Municipality(), a.ID(), &eventsv1.AdviceOverdue{AdviceId: a.ID(),
				ProcessId: a.Process().ID, MunicipalityCode: r.Municipality(), Deadline: r.Term().Deadline.String()})
			if err != nil {
				return nil, nil, err
			}
			return mails, []events.Event{ev}, nil
		default:
			to := d.Settings.OfficerEmail
			if _, owner := r.Owner(); owner != "" {
				to = owner
			}
			when := notice.WeekBefore
			if d.Kind == store.ReminderDeadline {
				when = notice.AtDeadline
			}
			if to != "" {
				mails = append(mails, notice.Remind(to, when, n))
			}
			return mails, nil, nil
		}
	}
}
