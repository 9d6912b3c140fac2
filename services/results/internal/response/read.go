package response

import (
	"slices"
	"time"
)

// AdviceID returns the advice the response answers.
func (r Response) AdviceID() string { return r.adviceID }

// Municipality returns the responding municipality's CBS code.
func (r Response) Municipality() string { return r.municipality }

// AdviceVersion returns the advice version the response answers.
func (r Response) AdviceVersion() int { return r.adviceVersion }

// Recommendations returns how many recommendations the advice has.
func (r Response) Recommendations() int { return r.recommendations }

// Status returns where the response is.
func (r Response) Status() Status { return r.status }

// Term returns the current term.
func (r Response) Term() Term { return r.term }

// ReceivedAt returns when the advice was sent.
func (r Response) ReceivedAt() time.Time { return r.receivedAt }

// AcknowledgedAt returns when receipt was acknowledged.
func (r Response) AcknowledgedAt() time.Time { return r.acknowledgedAt }

// Owner returns who prepares the response and their address.
func (r Response) Owner() (name, email string) { return r.ownerName, r.ownerEmail }

// Version returns the response's version; 0 before the first.
func (r Response) Version() int { return r.version }

// DecidedOn returns the day the executive decided.
func (r Response) DecidedOn() Day { return r.decidedOn }

// Answers returns the decisions, in the order of the recommendations.
func (r Response) Answers() []Answer { return slices.Clone(r.answers) }

// AnsweredAt returns when the latest version was recorded.
func (r Response) AnsweredAt() time.Time { return r.answeredAt }

// OnTime reports whether the first response came by its deadline.
func (r Response) OnTime() bool { return r.onTime }

// Revisions returns the council's requests for a revision, oldest first.
func (r Response) Revisions() []Revision { return slices.Clone(r.revisions) }

// UpdatedAt returns when the response last changed.
func (r Response) UpdatedAt() time.Time { return r.updatedAt }

// Record is a response as stored, for Restore.
type Record struct {
	AdviceID        string
	Municipality    string
	AdviceVersion   int
	Recommendations int
	Status          Status
	Term            Term
	ReceivedAt      time.Time
	AcknowledgedAt  time.Time
	OwnerName       string
	OwnerEmail      string
	Version         int
	DecidedOn       Day
	Answers         []Answer
	AnsweredAt      time.Time
	OnTime          bool
	Revisions       []Revision
	UpdatedAt       time.Time
}

// Restore rebuilds a response from storage without validation.
func Restore(r Record) Response {
	return Response{
		adviceID: r.AdviceID, municipality: r.Municipality, adviceVersion: r.AdviceVersion, recommendations: r.Recommendations,
		status: r.Status, term: r.Term, receivedAt: r.ReceivedAt, acknowledgedAt: r.AcknowledgedAt,
		ownerName: r.OwnerName, ownerEmail: r.OwnerEmail, version: r.Version, decidedOn: r.DecidedOn,
		answers: slices.Clone(r.Answers), answeredAt: r.AnsweredAt, onTime: r.OnTime, revisions: slices.Clone(r.Revisions),
		updatedAt: r.UpdatedAt,
	}
}
