// Package advice is a participation council's advice document: versions
// with change notes, adopted by the chair or secretary and sent to the
// executive of each addressed municipality. A sent version never changes;
// a correction is a new version with a note, adopted and sent again.
package advice

import (
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/results/internal/evidence"
)

// Status is where a version is.
type Status string

// The statuses of a version; an advice's status is its latest version's.
const (
	Draft      Status = "draft"
	Adopted    Status = "adopted"
	Sent       Status = "sent"
	Superseded Status = "superseded"
)

// Process is what an advice takes from the participation process it
// concludes, as the service's projection knows it.
type Process struct {
	ID     string
	Tenant string
	// Participants are a shared process's municipalities; empty for a
	// local one.
	Participants []string
	Origin       string
	Theme        string
	Closed       bool
}

// Addressees are the municipalities whose executive an advice of p is
// addressed to.
func (p Process) Addressees() []string {
	if len(p.Participants) > 0 {
		return slices.Sorted(slices.Values(p.Participants))
	}
	return []string{p.Tenant}
}

// Version is one version of an advice, as the advice made it.
type Version struct {
	Number     int
	Content    Content
	ChangeNote string
	Correction bool
	Status     Status
	CreatedBy  string
	CreatedAt  time.Time
	AdoptedBy  string
	AdoptedAt  time.Time
	SentAt     time.Time
	// Evidence is frozen when the version is sent; nil before.
	Evidence    *evidence.Snapshot
	ContentHash string
}

// Advice is one process's advice with its latest version.
type Advice struct {
	id          string
	process     Process
	addressees  []string
	reference   string
	latest      Version
	sentVersion int
	firstSentAt time.Time
	sentAt      time.Time
	contentHash string
	createdAt   time.Time
	updatedAt   time.Time

	// superseded is the number of the version a new latest replaced,
	// which the store marks so; 0 for none.
	superseded int
	// added marks a latest version the store has yet to insert.
	added bool
}

// New starts the advice of process p with version 1 of content, written by
// the subject by. reference is its reference number, which the store
// draws.
func New(p Process, reference string, c Content, by string, now time.Time) (Advice, error) {
	var v errs.Violations
	c = c.clean(&v, "/content")
	if err := v.Err(); err != nil {
		return Advice{}, err
	}
	if err := open(p, "get an advice"); err != nil {
		return Advice{}, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Advice{}, fmt.Errorf("new advice: %w", err)
	}
	now = now.UTC()
	return Advice{
		id:         id.String(),
		process:    p,
		addressees: p.Addressees(),
		reference:  reference,
		latest:     Version{Number: 1, Content: c, Status: Draft, CreatedBy: by, CreatedAt: now},
		createdAt:  now,
		updatedAt:  now,
		added:      true,
	}, nil
}

// open refuses a change to the advice of a closed process.
func open(p Process, action string) error {
	if !p.Closed {
		return nil
	}
	return &errs.Error{Code: errs.FailedPrecondition, Message: "the participation process is closed; it cannot " + action,
		Fields: []errs.Field{{Path: "/processId", Reason: "names a closed process"}}}
}

// Revise writes a new version of content, edited from version basedOn,
// which must be the latest, with a note of what changed. Before the
// advice is adopted or sent, the new version supersedes the latest. After
// it was sent, the new version is a correction: it keeps the number of
// recommendations, so that the responses given stay theirs.
func (a *Advice) Revise(basedOn int, note string, c Content, by string, now time.Time) error {
	var v errs.Violations
	c = c.clean(&v, "/content")
	note = text(&v, "/changeNote", note, maxChangeNote, true)
	if basedOn == 0 {
		v.Add("/basedOn", "is required: the number of the version this one was edited from")
	}
	if err := v.Err(); err != nil {
		return err
	}
	if basedOn != a.latest.Number {
		return &errs.Error{Code: errs.Stale, Message: "the advice changed since the version this one was edited from",
			Fields: []errs.Field{{Path: "/basedOn", Reason: fmt.Sprintf("names version %d, but the latest is %d: edit that one", basedOn, a.latest.Number)}}}
	}
	if err := open(a.process, "change its advice"); err != nil {
		return err
	}
	correction := a.sentVersion > 0
	if correction && len(c.Recommendations) != len(a.latestSentRecommendations()) {
		return &errs.Error{Code: errs.FailedPrecondition, Message: "a correction keeps the recommendations of the advice as sent",
			Fields: []errs.Field{{Path: "/content/recommendations",
				Reason: fmt.Sprintf("must hold %d recommendations, as the version sent does, so that the responses stay theirs", len(a.latestSentRecommendations()))}}}
	}
	a.superseded = 0
	if a.latest.Status != Sent {
		a.superseded = a.latest.Number
	}
	now = now.UTC()
	a.latest = Version{Number: a.latest.Number + 1, Content: c, ChangeNote: note, Correction: correction, Status: Draft, CreatedBy: by, CreatedAt: now}
	a.added = true
	a.updatedAt = now
	return nil
}

// latestSentRecommendations are the recommendations a correction must
// keep: those of the latest version when it is the one sent, which is
// when Revise checks them (a version after a sent one is itself a
// correction with the same number).
func (a Advice) latestSentRecommendations() []string { return a.latest.Content.Recommendations }

// Adopt records that the chair or secretary, by, adopted version number,
// which must be the latest and not yet adopted or sent.
func (a *Advice) Adopt(number int, by string, now time.Time) error {
	if err := a.checkLatest(number, "adopted"); err != nil {
		return err
	}
	switch a.latest.Status {
	case Adopted:
		return stateError("version %d is adopted already", a.latest.Number)
	case Sent:
		return stateError("version %d was sent already; a correction is a new version", a.latest.Number)
	}
	if err := open(a.process, "adopt its advice"); err != nil {
		return err
	}
	now = now.UTC()
	a.latest.Status, a.latest.AdoptedBy, a.latest.AdoptedAt = Adopted, by, now
	a.updatedAt = now
	return nil
}

// Send sends version number, which must be the latest and adopted, at
// now: it is frozen with ev and sealed with its content hash.
func (a *Advice) Send(number int, ev evidence.Snapshot, now time.Time) error {
	if err := a.checkLatest(number, "sent"); err != nil {
		return err
	}
	switch a.latest.Status {
	case Draft:
		return stateError("version %d is not adopted: the chair or secretary adopts it before it is sent", a.latest.Number)
	case Sent:
		return stateError("version %d was sent already", a.latest.Number)
	}
	if err := open(a.process, "send its advice"); err != nil {
		return err
	}
	now = now.UTC().Truncate(time.Microsecond)
	v := a.latest
	v.Status, v.SentAt, v.Evidence = Sent, now, &ev
	hash, err := evidence.Seal(a.sealed(v))
	if err != nil {
		return err
	}
	v.ContentHash = hash
	a.latest = v
	a.sentVersion, a.sentAt, a.contentHash = v.Number, now, hash
	if a.firstSentAt.IsZero() {
		a.firstSentAt = now
	}
	a.updatedAt = now
	return nil
}

// Sealed is what an advice's content hash is the hash of: the document as
// sent. Its JSON encoding (evidence.Seal) is stable: fields in this order,
// times in UTC.
type Sealed struct {
	AdviceID   string            `json:"adviceId"`
	ProcessID  string            `json:"processId"`
	Reference  string            `json:"reference"`
	Version    int               `json:"version"`
	Addressees []string          `json:"addressees"`
	SentAt     time.Time         `json:"sentAt"`
	ChangeNote string            `json:"changeNote"`
	Content    Content           `json:"content"`
	Evidence   evidence.Snapshot `json:"evidence"`
}

// sealed returns what v's content hash covers.
func (a Advice) sealed(v Version) Sealed {
	s := Sealed{AdviceID: a.id, ProcessID: a.process.ID, Reference: a.reference, Version: v.Number,
		Addressees: a.addressees, SentAt: v.SentAt.UTC(), ChangeNote: v.ChangeNote, Content: v.Content}
	if v.Evidence != nil {
		s.Evidence = *v.Evidence
	}
	return s
}

// Verify recomputes v's content hash from what is stored, and reports
// whether it is the hash v was sent with: a sent version is never
// changed, and this shows it.
func (a Advice) Verify(v Version) (bool, error) {
	if v.Status != Sent || v.ContentHash == "" {
		return false, nil
	}
	hash, err := evidence.Seal(a.sealed(v))
	return hash == v.ContentHash, err
}

func (a Advice) checkLatest(number int, done string) error {
	if number == 0 {
		return (errs.Violations{{Path: "/version", Reason: "is required: the number of the latest version"}}).Err()
	}
	if number != a.latest.Number {
		return &errs.Error{Code: errs.FailedPrecondition, Message: fmt.Sprintf("only the latest version, %d, can be %s", a.latest.Number, done),
			Fields: []errs.Field{{Path: "/version", Reason: fmt.Sprintf("is not the latest version (%d)", a.latest.Number)}}}
	}
	return nil
}

func stateError(format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return &errs.Error{Code: errs.FailedPrecondition, Message: msg, Fields: []errs.Field{{Path: "/version", Reason: msg}}}
}
