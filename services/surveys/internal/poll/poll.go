package poll

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/neighbourhood"
)

// Kind is a poll's form. Its value is the lower-case name used in storage
// and events.
type Kind string

// The kinds of poll.
const (
	// FlashPoll is a flitspeiling: one to five questions, open for days.
	FlashPoll Kind = "flash_poll"
	// Questionnaire is a vragenlijst: sections of questions, open for weeks.
	Questionnaire Kind = "questionnaire"
)

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == FlashPoll || k == Questionnaire }

// MinDuration is the shortest time a poll may be open.
const MinDuration = time.Hour

// MaxDuration is the longest time a poll of kind k may be open: 60 days for
// a flash poll, whose point is speed, and 180 for a questionnaire.
func (k Kind) MaxDuration() time.Duration {
	if k == FlashPoll {
		return 60 * 24 * time.Hour
	}
	return 180 * 24 * time.Hour
}

const (
	maxResultsSharing = 1000
	maxCancelReason   = 500
	maxTenant         = 40
)

// Poll is a flash poll or questionnaire of one participation process. It
// belongs to a tenant: a municipality for local work, or a region for
// shared work, with the region's participating municipalities.
type Poll struct {
	id             string
	processID      string
	tenant         string
	participants   []string
	kind           Kind
	title          Text
	intro          Text
	sections       []Section
	slug           string
	audience       Audience
	opensAt        time.Time
	closesAt       time.Time
	resultsSharing Text
	status         Status
	cancelReason   string
	createdBy      string
	createdAt      time.Time
	updatedAt      time.Time
}

// Spec is what a new poll starts from. Only the process, tenant, kind and
// Dutch title are required for a draft; scheduling asks for the rest (see
// Schedule).
type Spec struct {
	// ProcessID is the participation process's id, from the councils
	// service's events.
	ProcessID string
	// Tenant is a municipality's CBS code (e.g. "GM0453") for a local poll,
	// or a region's id (e.g. "ijmond") for a shared one.
	Tenant string
	// Participants are the municipalities taking part in a shared poll;
	// a local poll has none.
	Participants   []string
	Kind           Kind
	Title          Text
	Intro          Text
	Sections       []Section
	Slug           string
	Audience       Audience
	OpensAt        time.Time
	ClosesAt       time.Time
	ResultsSharing Text
	// CreatedBy is the subject of the staff member creating it.
	CreatedBy string
	// Neighbourhoods is the closed list the audience's neighbourhood
	// filters name neighbourhoods from.
	Neighbourhoods *neighbourhood.Table
}

// New validates spec and returns a draft poll, or an Invalid error naming
// every problem.
func New(spec Spec, now time.Time) (Poll, error) {
	var v errs.Violations
	if _, err := uuid.Parse(spec.ProcessID); err != nil {
		v.Add("/processId", "must be the id (a UUID) of a participation process")
	}
	tenant, participants := checkTenant(&v, spec.Tenant, spec.Participants)
	if !spec.Kind.Valid() {
		v.Add("/kind", fmt.Sprintf("must be %q or %q", FlashPoll, Questionnaire))
	}
	p := Poll{
		processID:      spec.ProcessID,
		tenant:         tenant,
		participants:   participants,
		kind:           spec.Kind,
		title:          checkText(&v, "/title", spec.Title, true, maxTitle),
		intro:          checkText(&v, "/intro", spec.Intro, false, maxIntro),
		slug:           checkSlug(&v, spec.Slug),
		resultsSharing: checkText(&v, "/resultsSharing", spec.ResultsSharing, false, maxResultsSharing),
		opensAt:        utc(spec.OpensAt),
		closesAt:       utc(spec.ClosesAt),
		status:         Draft,
		createdBy:      spec.CreatedBy,
		createdAt:      utc(now),
		updatedAt:      utc(now),
	}
	if spec.Kind.Valid() {
		p.sections = checkSections(&v, spec.Kind, spec.Sections)
		checkTimes(&v, spec.Kind, p.opensAt, p.closesAt)
	}
	p.audience = checkAudience(&v, spec.Audience, p.Municipalities(), spec.Neighbourhoods)
	if err := v.Err(); err != nil {
		return Poll{}, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Poll{}, fmt.Errorf("new poll id: %w", err)
	}
	p.id = id.String()
	return p, nil
}

// utc keeps times in UTC at the precision PostgreSQL stores, so that a poll
// read back equals the poll saved.
func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// checkTenant validates the tenant and the participating municipalities
// and returns them normalised: participants sorted, without repeats.
func checkTenant(v *errs.Violations, tenant string, participants []string) (string, []string) {
	tenant = strings.TrimSpace(tenant)
	switch {
	case isMunicipalityCode(tenant):
		if len(participants) > 0 {
			v.Add("/participants", "a municipality's own poll has no participants; make the region the tenant for a shared poll")
		}
		return tenant, nil
	case !isRegionID(tenant):
		v.Add("/tenant", "must be a municipality's CBS code (e.g. GM0453) or a region's id (e.g. ijmond)")
	case len(participants) == 0:
		v.Add("/participants", "a shared poll needs at least one participating municipality")
	}
	var out []string
	for i, m := range participants {
		if !isMunicipalityCode(m) {
			v.Add(fmt.Sprintf("/participants/%d", i), fmt.Sprintf("%q is not a municipality's CBS code such as GM0453", m))
			continue
		}
		out = append(out, m)
	}
	slices.Sort(out)
	return tenant, slices.Compact(out)
}

// isMunicipalityCode reports whether s looks like a CBS municipality code:
// "GM" and four digits.
func isMunicipalityCode(s string) bool {
	return len(s) == 6 && strings.HasPrefix(s, "GM") && allDigits(s[2:])
}

// isRegionID reports whether s looks like a region's id, a lower-case slug.
func isRegionID(s string) bool {
	return len(s) <= maxTenant && s != "" && s[0] >= 'a' && s[0] <= 'z' && ValidSlug(s)
}

func checkSlug(v *errs.Violations, slug string) string {
	if slug != "" && !ValidSlug(slug) {
		v.Add("/slug", slugAdvice)
	}
	return slug
}

// checkTimes checks the opening and closing time, where both are set.
func checkTimes(v *errs.Violations, kind Kind, opensAt, closesAt time.Time) {
	if opensAt.IsZero() || closesAt.IsZero() {
		return
	}
	switch d := closesAt.Sub(opensAt); {
	case d <= 0:
		v.Add("/closesAt", "must be after opensAt")
	case d < MinDuration:
		v.Add("/closesAt", "must be at least an hour after opensAt")
	case d > kind.MaxDuration():
		v.Add("/closesAt", fmt.Sprintf("must be at most %d days after opensAt for a %s", kind.MaxDuration()/(24*time.Hour), strings.ReplaceAll(string(kind), "_", " ")))
	}
}

// Record is a poll as stored, for Restore.
type Record struct {
	ID             string
	ProcessID      string
	Tenant         string
	Participants   []string
	Kind           Kind
	Title          Text
	Intro          Text
	Sections       []Section
	Slug           string
	Audience       Audience
	OpensAt        time.Time
	ClosesAt       time.Time
	ResultsSharing Text
	Status         Status
	CancelReason   string
	CreatedBy      string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Restore rebuilds a poll from storage without validation.
func Restore(r Record) Poll {
	return Poll{
		id: r.ID, processID: r.ProcessID, tenant: r.Tenant, participants: slices.Clone(r.Participants),
		kind: r.Kind, title: r.Title, intro: r.Intro, sections: cloneSections(r.Sections), slug: r.Slug,
		audience: cloneAudience(r.Audience), opensAt: r.OpensAt, closesAt: r.ClosesAt,
		resultsSharing: r.ResultsSharing, status: r.Status, cancelReason: r.CancelReason,
		createdBy: r.CreatedBy, createdAt: r.CreatedAt, updatedAt: r.UpdatedAt,
	}
}

// Record returns the poll as the store keeps it.
func (p Poll) Record() Record {
	return Record{
		ID: p.id, ProcessID: p.processID, Tenant: p.tenant, Participants: slices.Clone(p.participants),
		Kind: p.kind, Title: p.title, Intro: p.intro, Sections: cloneSections(p.sections), Slug: p.slug,
		Audience: cloneAudience(p.audience), OpensAt: p.opensAt, ClosesAt: p.closesAt,
		ResultsSharing: p.resultsSharing, Status: p.status, CancelReason: p.cancelReason,
		CreatedBy: p.createdBy, CreatedAt: p.createdAt, UpdatedAt: p.updatedAt,
	}
}

// ID returns the poll's id, a UUIDv7.
func (p Poll) ID() string { return p.id }

// ProcessID returns the id of the participation process it serves.
func (p Poll) ProcessID() string { return p.processID }

// Tenant returns the municipality or region the poll belongs to.
func (p Poll) Tenant() string { return p.tenant }

// Participants returns the municipalities taking part in a shared poll; it
// is empty for a local poll.
func (p Poll) Participants() []string { return slices.Clone(p.participants) }

// Shared reports whether the poll is shared by a region's municipalities.
func (p Poll) Shared() bool { return len(p.participants) > 0 }

// Municipalities returns the municipalities whose residents the poll is
// for: the tenant of a local poll, the participants of a shared one.
func (p Poll) Municipalities() []string {
	if p.Shared() {
		return p.Participants()
	}
	if p.tenant == "" {
		return nil
	}
	return []string{p.tenant}
}

// Kind returns whether it is a flash poll or a questionnaire.
func (p Poll) Kind() Kind { return p.kind }

// Title returns the poll's title.
func (p Poll) Title() Text { return p.title }

// Intro returns the text shown above the first question.
func (p Poll) Intro() Text { return p.intro }

// Sections returns the sections with their questions.
func (p Poll) Sections() []Section { return cloneSections(p.sections) }

// Questions returns every question in order, across sections.
func (p Poll) Questions() []Question {
	qs := questionsOf(p.sections)
	for i := range qs {
		qs[i] = cloneQuestion(qs[i])
	}
	return qs
}

// Question returns the question with id.
func (p Poll) Question(id string) (Question, bool) {
	for _, q := range questionsOf(p.sections) {
		if q.ID == id {
			return cloneQuestion(q), true
		}
	}
	return Question{}, false
}

// Slug returns the key of the open link, /p/{slug}; it may be empty for a
// panel poll.
func (p Poll) Slug() string { return p.slug }

// Audience returns who may answer.
func (p Poll) Audience() Audience { return cloneAudience(p.audience) }

// OpensAt returns when the poll opens (or opened); zero while unplanned.
func (p Poll) OpensAt() time.Time { return p.opensAt }

// ClosesAt returns when the poll closes (or closed); zero while unplanned.
func (p Poll) ClosesAt() time.Time { return p.closesAt }

// ResultsSharing returns the statement of when and how the results will be
// shared, shown on the thank-you page.
func (p Poll) ResultsSharing() Text { return p.resultsSharing }

// Status returns the recorded lifecycle status. StatusAt tells what it is
// at a given time, before the automatic transitions have run.
func (p Poll) Status() Status { return p.status }

// CancelReason returns why the poll was cancelled, if it was and a reason
// was given.
func (p Poll) CancelReason() string { return p.cancelReason }

// CreatedBy returns the subject who created the poll.
func (p Poll) CreatedBy() string { return p.createdBy }

// CreatedAt returns when the poll was created.
func (p Poll) CreatedAt() time.Time { return p.createdAt }

// UpdatedAt returns when the poll last changed.
func (p Poll) UpdatedAt() time.Time { return p.updatedAt }
