package poll

import (
	"slices"
	"time"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/neighbourhood"
)

// SetTitle replaces the title and intro. They may change until the poll
// ends: fixing a typo in the intro does not change what was asked.
func (p *Poll) SetTitle(title, intro Text, now time.Time) error {
	return p.edit(now, "change the title of", "the poll has ended", []Status{Draft, Scheduled, Open},
		func(q *Poll, v *errs.Violations) {
			q.title = checkText(v, "/title", title, true, maxTitle)
			q.intro = checkText(v, "/intro", intro, false, maxIntro)
		})
}

// SetSections replaces the sections and their questions. Questions are
// frozen once the poll opens: answers must all be to the same questions.
func (p *Poll) SetSections(sections []Section, now time.Time) error {
	return p.edit(now, "change the questions of", "questions are frozen once the poll opens", []Status{Draft, Scheduled},
		func(q *Poll, v *errs.Violations) { q.sections = checkSections(v, q.kind, sections) })
}

// SetSchedule sets when the poll opens and closes. Once it is open only the
// closing time may change (pass the current opening time or the zero
// time), to any time in the future within the kind's maximum duration.
func (p *Poll) SetSchedule(opensAt, closesAt time.Time, now time.Time) error {
	return p.edit(now, "reschedule", "the poll has ended", []Status{Draft, Scheduled, Open},
		func(q *Poll, v *errs.Violations) {
			opensAt, closesAt = utc(opensAt), utc(closesAt)
			if q.status == Open {
				if !opensAt.IsZero() && !opensAt.Equal(q.opensAt) {
					v.Add("/opensAt", "cannot change once the poll is open")
				}
				opensAt = q.opensAt
				if !closesAt.After(now) {
					v.Add("/closesAt", "must be in the future")
					return
				}
			}
			checkTimes(v, q.kind, opensAt, closesAt)
			q.opensAt, q.closesAt = opensAt, closesAt
		})
}

// SetAudience sets who may answer; its neighbourhood filters name
// neighbourhoods of hoods. It cannot change once the poll opens: the
// invitations are out.
func (p *Poll) SetAudience(a Audience, hoods *neighbourhood.Table, now time.Time) error {
	return p.edit(now, "change the audience of", "who may answer cannot change once the poll opens", []Status{Draft, Scheduled},
		func(q *Poll, v *errs.Violations) { q.audience = checkAudience(v, a, q.Municipalities(), hoods) })
}

// SetSlug sets the key of the open link; "" removes it. It cannot change
// once the poll opens: the link is out.
func (p *Poll) SetSlug(slug string, now time.Time) error {
	return p.edit(now, "change the link of", "the link is out once the poll opens", []Status{Draft, Scheduled},
		func(q *Poll, v *errs.Violations) { q.slug = checkSlug(v, slug) })
}

// SetResultsSharing sets the statement of when and how results will be
// shared. It may change until the poll is cancelled, since plans for
// sharing results may change after closing too; from scheduling on it may
// not be emptied.
func (p *Poll) SetResultsSharing(t Text, now time.Time) error {
	return p.edit(now, "change the results statement of", "nobody will see it", []Status{Draft, Scheduled, Open, Closed},
		func(q *Poll, v *errs.Violations) {
			q.resultsSharing = checkText(v, "/resultsSharing", t, q.status != Draft, maxResultsSharing)
		})
}

// edit applies change to a copy of p and keeps the copy only if change
// found nothing invalid and a scheduled poll is still ready to open, so
// that a failed edit leaves p as it was.
func (p *Poll) edit(now time.Time, action, why string, allowed []Status, change func(q *Poll, v *errs.Violations)) error {
	if !slices.Contains(allowed, p.status) {
		return p.illegal(action, why)
	}
	q := *p
	var v errs.Violations
	change(&q, &v)
	if err := v.Err(); err != nil {
		return err
	}
	if q.status == Scheduled {
		if err := unmet(q.ready(now), "a scheduled poll must stay ready to open; unschedule it to make this change"); err != nil {
			return err
		}
	}
	q.updatedAt = utc(now)
	*p = q
	return nil
}
