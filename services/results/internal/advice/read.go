package advice

import (
	"slices"
	"time"
)

// ID returns the advice's id.
func (a Advice) ID() string { return a.id }

// Process returns the process the advice concludes.
func (a Advice) Process() Process { return a.process }

// Addressees returns the municipalities the advice is addressed to.
func (a Advice) Addressees() []string { return slices.Clone(a.addressees) }

// Reference returns the reference number.
func (a Advice) Reference() string { return a.reference }

// Status returns the status of the latest version.
func (a Advice) Status() Status { return a.latest.Status }

// Latest returns the latest version.
func (a Advice) Latest() Version { return a.latest }

// SentVersion returns the number of the version sent last; 0 before.
func (a Advice) SentVersion() int { return a.sentVersion }

// FirstSentAt returns when the advice was first sent.
func (a Advice) FirstSentAt() time.Time { return a.firstSentAt }

// SentAt returns when the version sent last was sent.
func (a Advice) SentAt() time.Time { return a.sentAt }

// ContentHash returns the content hash of the version sent last.
func (a Advice) ContentHash() string { return a.contentHash }

// CreatedAt returns when the advice was started.
func (a Advice) CreatedAt() time.Time { return a.createdAt }

// UpdatedAt returns when the advice last changed.
func (a Advice) UpdatedAt() time.Time { return a.updatedAt }

// Added reports whether the latest version is new and not yet stored.
func (a Advice) Added() bool { return a.added }

// Superseded returns the number of the version a new latest replaced, for
// the store to mark; 0 for none.
func (a Advice) Superseded() int { return a.superseded }

// Saved forgets what the store has saved.
func (a *Advice) Saved() { a.added, a.superseded = false, 0 }

// Record is an advice as stored, for Restore.
type Record struct {
	ID          string
	Process     Process
	Addressees  []string
	Reference   string
	Latest      Version
	SentVersion int
	FirstSentAt time.Time
	SentAt      time.Time
	ContentHash string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Restore rebuilds an advice from storage without validation.
func Restore(r Record) Advice {
	return Advice{
		id: r.ID, process: r.Process, addressees: slices.Clone(r.Addressees), reference: r.Reference, latest: r.Latest,
		sentVersion: r.SentVersion, firstSentAt: r.FirstSentAt, sentAt: r.SentAt, contentHash: r.ContentHash,
		createdAt: r.CreatedAt, updatedAt: r.UpdatedAt,
	}
}
