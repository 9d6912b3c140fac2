// Package region holds the councils service's tenancy model: regions and
// the municipalities that belong to them. A municipality is identified by its
// CBS code; a region by a short slug. Any number of either must work; the
// IJmond (Velsen, Beverwijk, Heemskerk) is only the demo.
package region

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/nlgov"
)

var regionIDPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{1,38}[a-z0-9]$`)

const maxNameLength = 100

// IsRegionID reports whether id has the form of a region's slug.
func IsRegionID(id string) bool { return regionIDPattern.MatchString(id) }

// IsCode reports whether code has the form of a CBS municipality code.
func IsCode(code string) bool { return nlgov.IsMunicipalityCode(code) }

// Region is a group of municipalities that share social-domain work.
type Region struct {
	id        string
	name      string
	createdAt time.Time
}

// NewRegion validates and returns a region. id is a lower-case slug such as
// "ijmond"; name is its display name.
func NewRegion(id, name string, now time.Time) (Region, error) {
	var v errs.Violations
	if !regionIDPattern.MatchString(id) {
		v.Add("/id", "must be 3 to 40 lower-case letters, digits or hyphens, starting with a letter, e.g. \"ijmond\"")
	}
	name = strings.TrimSpace(name)
	checkName(&v, name)
	if err := v.Err(); err != nil {
		return Region{}, err
	}
	return Region{id: id, name: name, createdAt: now.UTC()}, nil
}

// RestoreRegion rebuilds a region from storage without validation.
func RestoreRegion(id, name string, createdAt time.Time) Region {
	return Region{id: id, name: name, createdAt: createdAt}
}

// ID returns the region's slug.
func (r Region) ID() string { return r.id }

// Name returns the region's display name.
func (r Region) Name() string { return r.name }

// CreatedAt returns when the region was created.
func (r Region) CreatedAt() time.Time { return r.createdAt }

// Municipality is a gemeente, identified by its CBS code.
type Municipality struct {
	code      string
	name      string
	regionID  string
	createdAt time.Time
}

// NewMunicipality validates and returns a municipality. Whether the region
// exists is checked by the store, which knows the regions.
func NewMunicipality(code, name, regionID string, now time.Time) (Municipality, error) {
	var v errs.Violations
	if !nlgov.IsMunicipalityCode(code) {
		v.Add("/code", "must be a CBS municipality code: GM followed by four digits, e.g. \"GM0453\"")
	}
	name = strings.TrimSpace(name)
	checkName(&v, name)
	if !regionIDPattern.MatchString(regionID) {
		v.Add("/regionId", "must name an existing region, e.g. \"ijmond\"")
	}
	if err := v.Err(); err != nil {
		return Municipality{}, err
	}
	return Municipality{code: code, name: name, regionID: regionID, createdAt: now.UTC()}, nil
}

// RestoreMunicipality rebuilds a municipality from storage without validation.
func RestoreMunicipality(code, name, regionID string, createdAt time.Time) Municipality {
	return Municipality{code: code, name: name, regionID: regionID, createdAt: createdAt}
}

// Code returns the CBS code.
func (m Municipality) Code() string { return m.code }

// Name returns the display name.
func (m Municipality) Name() string { return m.name }

// RegionID returns the region it belongs to.
func (m Municipality) RegionID() string { return m.regionID }

// CreatedAt returns when the municipality was created.
func (m Municipality) CreatedAt() time.Time { return m.createdAt }

func checkName(v *errs.Violations, name string) {
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		v.Add("/name", "is required")
	case n > maxNameLength:
		v.Add("/name", "must be at most 100 characters")
	}
}
