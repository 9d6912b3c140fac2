// Package report is a participation process's final report: what the
// council tells residents came of their input. Publishing it freezes the
// advice version it reports on, the municipalities' responses and the
// figures as they stand, and seals them with a content hash.
package report

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/results/internal/advice"
	"github.com/meedoen/meedoen/services/results/internal/evidence"
	"github.com/meedoen/meedoen/services/results/internal/response"
)

const maxSummary = 20000

// Summary is a municipality's response as the public sees it: no owner,
// no addresses, no names.
type Summary struct {
	Municipality string            `json:"municipality"`
	Status       response.Status   `json:"status"`
	Deadline     string            `json:"deadline"`
	Overdue      bool              `json:"overdue"`
	Version      int               `json:"version"`
	DecidedOn    string            `json:"decidedOn"`
	OnTime       bool              `json:"onTime"`
	Answers      []response.Answer `json:"answers"`
}

// SummaryOf returns r as the public sees it at now.
func SummaryOf(r response.Response, now time.Time) Summary {
	answers := r.Answers()
	if answers == nil {
		answers = []response.Answer{}
	}
	return Summary{Municipality: r.Municipality(), Status: r.Status(), Deadline: r.Term().Deadline.String(), Overdue: r.Overdue(now),
		Version: r.Version(), DecidedOn: r.DecidedOn().String(), OnTime: r.OnTime(), Answers: answers}
}

// Report is a published final report.
type Report struct {
	ID            string            `json:"id"`
	ProcessID     string            `json:"processId"`
	Tenant        string            `json:"tenant"`
	Participants  []string          `json:"participants"`
	AdviceID      string            `json:"adviceId"`
	AdviceVersion int               `json:"adviceVersion"`
	AdviceHash    string            `json:"adviceHash"`
	Summary       string            `json:"summary"`
	Responses     []Summary         `json:"responses"`
	Evidence      evidence.Snapshot `json:"evidence"`
	PublishedAt   time.Time         `json:"publishedAt"`
	// ContentHash and PublishedBy are not sealed: the hash is of the
	// rest, and who pressed the button is not what was published.
	ContentHash string `json:"-"`
	PublishedBy string `json:"-"`
}

// Publish makes the final report of a's process, as the subject by
// publishes it at now with summary: the advice as sent last, responses as
// they stand, and ev.
func Publish(a advice.Advice, responses []response.Response, ev evidence.Snapshot, summary, by string, now time.Time) (Report, error) {
	summary = strings.TrimSpace(summary)
	if utf8.RuneCountInString(summary) > maxSummary {
		return Report{}, (errs.Violations{{Path: "/summary", Reason: fmt.Sprintf("must be at most %d characters", maxSummary)}}).Err()
	}
	if a.SentVersion() == 0 {
		return Report{}, &errs.Error{Code: errs.FailedPrecondition, Message: "the process's advice was not sent; a report tells what came of it",
			Fields: []errs.Field{{Path: "/processId", Reason: "names a process whose advice was not sent"}}}
	}
	if a.Process().Closed {
		return Report{}, &errs.Error{Code: errs.FailedPrecondition, Message: "the participation process is closed",
			Fields: []errs.Field{{Path: "/processId", Reason: "names a closed process"}}}
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Report{}, fmt.Errorf("new report: %w", err)
	}
	now = now.UTC().Truncate(time.Microsecond)
	r := Report{ID: id.String(), ProcessID: a.Process().ID, Tenant: a.Process().Tenant, Participants: slices.Clone(a.Process().Participants),
		AdviceID: a.ID(), AdviceVersion: a.SentVersion(), AdviceHash: a.ContentHash(), Summary: summary, Evidence: ev,
		PublishedAt: now, PublishedBy: by, Responses: make([]Summary, 0, len(responses))}
	if r.Participants == nil {
		r.Participants = []string{}
	}
	for _, resp := range responses {
		r.Responses = append(r.Responses, SummaryOf(resp, now))
	}
	slices.SortFunc(r.Responses, func(a, b Summary) int { return strings.Compare(a.Municipality, b.Municipality) })
	if r.ContentHash, err = evidence.Seal(r); err != nil {
		return Report{}, err
	}
	return r, nil
}
