package process

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/councils/internal/council"
)

const (
	maxPlace            = 200
	maxNotes            = 4000
	maxResidentsReached = 100000
)

// ActivityDraft is a field activity as a council member reports it.
type ActivityDraft struct {
	Form FormKind
	// Date is the day it took place, "YYYY-MM-DD".
	Date  string
	Place string
	// MunicipalityCode is where it took place: required for a regional
	// process, the process's municipality (or empty) for a local one.
	MunicipalityCode string
	ResidentsReached int
	Notes            string
}

// FieldActivity is a visit, stand or meeting where council members met
// residents, e.g. at the food bank or a choir rehearsal.
type FieldActivity struct {
	id               string
	processID        string
	form             FormKind
	day              council.Date
	place            string
	municipalityCode string
	residentsReached int
	notes            string
	recordedBy       string
	createdAt        time.Time
}

// NewFieldActivity validates d for process p and returns a new activity,
// recorded by the subject by. today is the current calendar day in
// Amsterdam: an activity cannot lie in the future. Every problem is reported at once,
// with paths relative to the activity.
func NewFieldActivity(p Process, d ActivityDraft, by string, today council.Date, now time.Time) (FieldActivity, error) {
	var v errs.Violations
	switch {
	case d.Form == "":
		v.Add("/form", "is required")
	case !d.Form.Valid():
		v.Add("/form", "is not a participation form")
	}
	day, err := council.ParseDate(d.Date)
	switch {
	case d.Date == "":
		v.Add("/date", "is required")
	case err != nil:
		v.Add("/date", "must be a date written YYYY-MM-DD")
	case day.After(today):
		v.Add("/date", "must not be in the future")
	}
	place := strings.TrimSpace(d.Place)
	switch n := utf8.RuneCountInString(place); {
	case n == 0:
		v.Add("/place", "is required")
	case n > maxPlace:
		v.Add("/place", fmt.Sprintf("must be at most %d characters", maxPlace))
	}
	if d.ResidentsReached < 0 || d.ResidentsReached > maxResidentsReached {
		v.Add("/residentsReached", fmt.Sprintf("must be between 0 and %d", maxResidentsReached))
	}
	notes := strings.TrimSpace(d.Notes)
	if utf8.RuneCountInString(notes) > maxNotes {
		v.Add("/notes", fmt.Sprintf("must be at most %d characters", maxNotes))
	}
	code := strings.TrimSpace(d.MunicipalityCode)
	scope := p.Scope()
	switch {
	case scope.Regional() && code == "":
		v.Add("/municipalityCode", fmt.Sprintf("is required for a regional process: one of %s", strings.Join(scope.Participants(), ", ")))
	case scope.Regional() && !scope.Concerns(code):
		v.Add("/municipalityCode", fmt.Sprintf("must be one of the participating municipalities: %s", strings.Join(scope.Participants(), ", ")))
	case !scope.Regional() && code == "":
		code = scope.Tenant()
	case !scope.Regional() && code != scope.Tenant():
		v.Add("/municipalityCode", fmt.Sprintf("must be empty or %s, the process's municipality", scope.Tenant()))
	}
	if err := v.Err(); err != nil {
		return FieldActivity{}, err
	}
	id, err := newID()
	if err != nil {
		return FieldActivity{}, fmt.Errorf("recording field activity: %w", err)
	}
	return FieldActivity{
		id: id, processID: p.ID(), form: d.Form, day: day, place: place, municipalityCode: code,
		residentsReached: d.ResidentsReached, notes: notes, recordedBy: by, createdAt: now.UTC(),
	}, nil
}

// ActivityRecord is a field activity as stored, for RestoreFieldActivity.
type ActivityRecord struct {
	ID               string
	ProcessID        string
	Form             FormKind
	Day              council.Date
	Place            string
	MunicipalityCode string
	ResidentsReached int
	Notes            string
	RecordedBy       string
	CreatedAt        time.Time
}

// RestoreFieldActivity rebuilds a field activity from storage without
// validation.
func RestoreFieldActivity(r ActivityRecord) FieldActivity {
	return FieldActivity{
		id: r.ID, processID: r.ProcessID, form: r.Form, day: r.Day, place: r.Place, municipalityCode: r.MunicipalityCode,
		residentsReached: r.ResidentsReached, notes: r.Notes, recordedBy: r.RecordedBy, createdAt: r.CreatedAt,
	}
}

// ID returns the activity's id.
func (a FieldActivity) ID() string { return a.id }

// ProcessID returns the process it served.
func (a FieldActivity) ProcessID() string { return a.processID }

// Form returns the form it took.
func (a FieldActivity) Form() FormKind { return a.form }

// Day returns the day it took place.
func (a FieldActivity) Day() council.Date { return a.day }

// Place returns where it took place.
func (a FieldActivity) Place() string { return a.place }

// MunicipalityCode returns the municipality it took place in.
func (a FieldActivity) MunicipalityCode() string { return a.municipalityCode }

// ResidentsReached returns how many residents it reached.
func (a FieldActivity) ResidentsReached() int { return a.residentsReached }

// Notes returns what was heard; no names of residents.
func (a FieldActivity) Notes() string { return a.notes }

// RecordedBy returns the subject who recorded it.
func (a FieldActivity) RecordedBy() string { return a.recordedBy }

// CreatedAt returns when it was recorded.
func (a FieldActivity) CreatedAt() time.Time { return a.createdAt }
