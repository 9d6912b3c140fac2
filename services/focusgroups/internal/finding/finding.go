// Package finding is what a focus group found: a short statement tied to
// its process's question, how broadly the group shared it, and the quotes
// that support it, each with what its speaker allowed: to be quoted by
// name, anonymously, or not outside the group. Published views apply
// that consent (Published); a finding the group agreed is fixed, except
// that its quotes may be removed or their consent narrowed.
package finding

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/meedoen/meedoen/internal/errs"
)

// Breadth is how broadly a finding was shared in the group.
type Breadth string

// The breadths.
const (
	All  Breadth = "all"
	Most Breadth = "most"
	Some Breadth = "some"
	One  Breadth = "one"
)

// Valid reports whether b is a breadth.
func (b Breadth) Valid() bool { return b == All || b == Most || b == Some || b == One }

// Consent is what a speaker allowed.
type Consent string

// The consents, from widest to narrowest.
const (
	Named     Consent = "named"
	Anonymous Consent = "anonymous"
	Internal  Consent = "internal"
)

// narrowness orders the consents: a larger value allows less.
func (c Consent) narrowness() int { return slices.Index([]Consent{Named, Anonymous, Internal}, c) }

// Valid reports whether c is a consent.
func (c Consent) Valid() bool { return c.narrowness() >= 0 }

// Publishable reports whether a quote with c may be shown outside the
// group.
func (c Consent) Publishable() bool { return c == Named || c == Anonymous }

// Status is where a finding stands.
type Status string

// The statuses.
const (
	Draft  Status = "draft"
	Agreed Status = "agreed"
)

// Limits of what staff type.
const (
	maxStatement = 1000
	maxQuote     = 1000
	maxSpeaker   = 200
	maxQuotes    = 20
)

// Quote is something a member of the group said.
type Quote struct {
	ID      string
	Text    string
	Consent Consent
	// SpeakerName is published with a named quote; anonymous and internal
	// quotes keep no name.
	SpeakerName string
	// MemberID is the group member who said it, if known.
	MemberID string
}

// Spec is what a new finding is made from.
type Spec struct {
	GroupID    string
	QuestionID string
	SessionID  string
	Statement  string
	Breadth    Breadth
	Quotes     []Quote
	CreatedBy  string
}

// Finding is a finding of a focus group.
type Finding struct {
	id         string
	groupID    string
	questionID string
	sessionID  string
	statement  string
	breadth    Breadth
	quotes     []Quote
	status     Status
	createdBy  string
	createdAt  time.Time
	updatedAt  time.Time
	agreedAt   time.Time
}

// New writes a draft finding from spec at now; every problem is reported
// at once.
func New(spec Spec, now time.Time) (Finding, error) {
	var v errs.Violations
	f := Finding{groupID: spec.GroupID, questionID: spec.QuestionID, status: Draft, createdBy: spec.CreatedBy,
		createdAt: utc(now), updatedAt: utc(now)}
	f.sessionID = checkSessionID(&v, spec.SessionID)
	f.statement = checkStatement(&v, spec.Statement)
	f.breadth = checkBreadth(&v, spec.Breadth)
	f.quotes = checkQuotes(&v, spec.Quotes, nil)
	if err := v.Err(); err != nil {
		return Finding{}, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Finding{}, fmt.Errorf("new finding id: %w", err)
	}
	f.id = id.String()
	return f, nil
}

// Record is a finding as stored, for Restore.
type Record struct {
	ID, GroupID, QuestionID, SessionID string
	Statement                          string
	Breadth                            Breadth
	Quotes                             []Quote
	Status                             Status
	CreatedBy                          string
	CreatedAt, UpdatedAt, AgreedAt     time.Time
}

// Restore rebuilds a finding from storage without validation.
func Restore(r Record) Finding {
	return Finding{id: r.ID, groupID: r.GroupID, questionID: r.QuestionID, sessionID: r.SessionID, statement: r.Statement,
		breadth: r.Breadth, quotes: r.Quotes, status: r.Status, createdBy: r.CreatedBy, createdAt: r.CreatedAt,
		updatedAt: r.UpdatedAt, agreedAt: r.AgreedAt}
}

// Record returns the finding as stored.
func (f Finding) Record() Record {
	return Record{ID: f.id, GroupID: f.groupID, QuestionID: f.questionID, SessionID: f.sessionID, Statement: f.statement,
		Breadth: f.breadth, Quotes: slices.Clone(f.quotes), Status: f.status, CreatedBy: f.createdBy, CreatedAt: f.createdAt,
		UpdatedAt: f.updatedAt, AgreedAt: f.agreedAt}
}

// ID returns the finding's id.
func (f Finding) ID() string { return f.id }

// GroupID returns the id of its focus group.
func (f Finding) GroupID() string { return f.groupID }

// SessionID returns the id of the session it came from, if one.
func (f Finding) SessionID() string { return f.sessionID }

// Statement returns the finding.
func (f Finding) Statement() string { return f.statement }

// Breadth returns how broadly it was shared.
func (f Finding) Breadth() Breadth { return f.breadth }

// Quotes returns every quote, internal ones included: for those who
// manage the group only.
func (f Finding) Quotes() []Quote { return slices.Clone(f.quotes) }

// Status returns where it stands.
func (f Finding) Status() Status { return f.status }

// UpdatedAt returns when it last changed: its version.
func (f Finding) UpdatedAt() time.Time { return f.updatedAt }

// AgreedAt returns when the group agreed it.
func (f Finding) AgreedAt() time.Time { return f.agreedAt }

// Saved records the version the store wrote.
func (f *Finding) Saved(at time.Time) { f.updatedAt = at }

// Change is the editable part of a finding; an update changes the fields
// its mask names and keeps the others.
type Change struct {
	SessionID string
	Statement string
	Breadth   Breadth
	Quotes    []Quote
}

// Editable returns the finding's editable fields, for a change to start
// from.
func (f Finding) Editable() Change {
	return Change{SessionID: f.sessionID, Statement: f.statement, Breadth: f.breadth, Quotes: slices.Clone(f.quotes)}
}

// Edit replaces the editable fields with c. A draft changes freely; an
// agreed finding keeps its session, statement and breadth, and its quotes
// may only be removed or have their consent narrowed.
func (f *Finding) Edit(c Change, now time.Time) error {
	var v errs.Violations
	sessionID := checkSessionID(&v, c.SessionID)
	statement := checkStatement(&v, c.Statement)
	breadth := checkBreadth(&v, c.Breadth)
	quotes := checkQuotes(&v, c.Quotes, f.quotes)
	if f.status == Agreed {
		fixed := "is fixed once the group agreed the finding"
		if sessionID != f.sessionID {
			v.Add("/sessionId", fixed)
		}
		if statement != f.statement {
			v.Add("/statement", fixed)
		}
		if breadth != f.breadth {
			v.Add("/breadth", fixed)
		}
		narrowed(&v, f.quotes, quotes)
	}
	if err := v.Err(); err != nil {
		return err
	}
	f.sessionID, f.statement, f.breadth, f.quotes = sessionID, statement, breadth, quotes
	f.updatedAt = utc(now)
	return nil
}

// narrowed reports to v each way quotes is more than a narrowing of was:
// a new quote, a changed text or speaker, or a consent widened.
func narrowed(v *errs.Violations, was, quotes []Quote) {
	for i, q := range quotes {
		j := slices.IndexFunc(was, func(w Quote) bool { return w.ID == q.ID })
		at := fmt.Sprintf("/quotes/%d", i)
		if j < 0 {
			v.Add(at, "cannot be added once the group agreed the finding")
			continue
		}
		w := was[j]
		if q.Text != w.Text || q.MemberID != w.MemberID || (q.SpeakerName != w.SpeakerName && q.Consent == Named) {
			v.Add(at, "cannot change once the group agreed the finding; only its consent may be narrowed")
		}
		if q.Consent.narrowness() < w.Consent.narrowness() {
			v.Add(at+"/consent", fmt.Sprintf("cannot widen from %s once the group agreed the finding", w.Consent))
		}
	}
}

// Agree records that the group agreed the draft.
func (f *Finding) Agree(now time.Time) error {
	if f.status != Draft {
		return &errs.Error{Code: errs.FailedPrecondition, Message: "the finding was agreed already",
			Fields: []errs.Field{{Path: "/status", Reason: "is agreed"}}}
	}
	f.status = Agreed
	f.agreedAt, f.updatedAt = utc(now), utc(now)
	return nil
}

// ForgetMember deletes the quotes member said, for their erasure, and
// reports how many.
func (f *Finding) ForgetMember(memberID string, now time.Time) int {
	n := len(f.quotes)
	f.quotes = slices.DeleteFunc(f.quotes, func(q Quote) bool { return q.MemberID == memberID })
	if len(f.quotes) != n {
		f.updatedAt = utc(now)
	}
	return n - len(f.quotes)
}

// PublishedQuote is a quote as it may be shown outside the group.
type PublishedQuote struct {
	Text        string
	SpeakerName string
}

// Published returns the quotes that may be shown outside the group, as
// their speakers allow: with the name for a named quote, without for an
// anonymous one, and internal ones not at all. ok is false for a finding
// the group has not agreed, which is not shown outside it.
func (f Finding) Published() (quotes []PublishedQuote, ok bool) {
	if f.status != Agreed {
		return nil, false
	}
	quotes = []PublishedQuote{}
	for _, q := range f.quotes {
		switch q.Consent {
		case Named:
			quotes = append(quotes, PublishedQuote{Text: q.Text, SpeakerName: q.SpeakerName})
		case Anonymous:
			quotes = append(quotes, PublishedQuote{Text: q.Text})
		}
	}
	return quotes, true
}

// PublishableCounts counts the named and the anonymous quotes.
func (f Finding) PublishableCounts() (named, anonymous int) {
	for _, q := range f.quotes {
		switch q.Consent {
		case Named:
			named++
		case Anonymous:
			anonymous++
		}
	}
	return named, anonymous
}

func checkSessionID(v *errs.Violations, id string) string {
	id = strings.TrimSpace(id)
	if id != "" && uuid.Validate(id) != nil {
		v.Add("/sessionId", "must be the id (a UUID) of one of the group's sessions")
	}
	return id
}

func checkStatement(v *errs.Violations, s string) string {
	s = strings.TrimSpace(s)
	if s == "" || utf8.RuneCountInString(s) > maxStatement {
		v.Add("/statement", fmt.Sprintf("must be 1 to %d characters", maxStatement))
	}
	return s
}

func checkBreadth(v *errs.Violations, b Breadth) Breadth {
	if !b.Valid() {
		v.Add("/breadth", "must be all, most, some or one")
	}
	return b
}

// checkQuotes checks quotes; a quote keeps its id only if was has it, and
// a quote without one gets a new id.
func checkQuotes(v *errs.Violations, quotes, was []Quote) []Quote {
	if len(quotes) > maxQuotes {
		v.Add("/quotes", fmt.Sprintf("must have at most %d quotes", maxQuotes))
	}
	out := make([]Quote, 0, len(quotes))
	for i, q := range quotes {
		at := fmt.Sprintf("/quotes/%d", i)
		q.Text = strings.TrimSpace(q.Text)
		q.SpeakerName = strings.TrimSpace(q.SpeakerName)
		q.MemberID = strings.TrimSpace(q.MemberID)
		if q.Text == "" || utf8.RuneCountInString(q.Text) > maxQuote {
			v.Add(at+"/text", fmt.Sprintf("must be 1 to %d characters", maxQuote))
		}
		switch {
		case !q.Consent.Valid():
			v.Add(at+"/consent", "must be named, anonymous or internal")
		case q.Consent == Named && (q.SpeakerName == "" || utf8.RuneCountInString(q.SpeakerName) > maxSpeaker):
			v.Add(at+"/speakerName", fmt.Sprintf("must be 1 to %d characters for a named quote", maxSpeaker))
		case q.Consent != Named && q.SpeakerName != "":
			v.Add(at+"/speakerName", "must be empty: only a named quote keeps its speaker's name")
		}
		if q.MemberID != "" && uuid.Validate(q.MemberID) != nil {
			v.Add(at+"/memberId", "must be the id (a UUID) of a member of the group")
		}
		switch {
		case q.ID == "":
			q.ID = uuid.Must(uuid.NewV7()).String()
		case !slices.ContainsFunc(was, func(w Quote) bool { return w.ID == q.ID }):
			v.Add(at+"/id", "is not a quote of this finding; leave it out for a new quote")
		case slices.ContainsFunc(out, func(o Quote) bool { return o.ID == q.ID }):
			v.Add(at+"/id", "names a quote listed before")
		}
		out = append(out, q)
	}
	return out
}

func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
