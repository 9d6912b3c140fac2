// Package nlgov holds the Dutch public-sector values every part of
// Meedoen speaks of, so that each is spelled and checked in one place: CBS
// municipality codes, postcodes and the Europe/Amsterdam time zone.
// Tables of such values (which postcode lies in which municipality, a
// municipality's neighbourhoods) live in their own packages and use these.
package nlgov

import (
	"regexp"
	"strings"
	"time"
	_ "time/tzdata" // Amsterdam's day and hours even where the host has no zone database
)

var (
	municipalityCode = regexp.MustCompile(`^GM[0-9]{4}$`)
	pc4              = regexp.MustCompile(`^[1-9][0-9]{3}$`)
	pc6              = regexp.MustCompile(`^[1-9][0-9]{3}[A-Z]{2}$`)
)

// IsMunicipalityCode reports whether s is a CBS municipality code as
// Meedoen writes it: "GM" and four digits, e.g. "GM0453" (Velsen). Region
// ids are lower-case slugs, so a tenant that is not a municipality code is
// a region.
func IsMunicipalityCode(s string) bool { return municipalityCode.MatchString(s) }

// MunicipalityCode writes a municipality code as people and files write
// it ("0453", "gm0453", " GM0453 ") as "GM0453", and anything else as "".
func MunicipalityCode(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) == 4 {
		s = "GM" + s
	}
	if !IsMunicipalityCode(s) {
		return ""
	}
	return s
}

// Postcode writes a postcode as typed ("1971 ab") without spaces and in
// capitals ("1971AB"), the form IsPC4 and IsPC6 check. It does not check it.
func Postcode(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// IsPC4 reports whether s is a four-digit postcode area, "1971".
func IsPC4(s string) bool { return pc4.MatchString(s) }

// IsPC6 reports whether s is a full postcode as Postcode writes it,
// "1971AB".
func IsPC6(s string) bool { return pc6.MatchString(s) }

// Zone is the name of the time zone Dutch municipalities work in.
const Zone = "Europe/Amsterdam"

// amsterdam is loaded once, from the zone database embedded in the binary.
var amsterdam = mustLoad(Zone)

// Amsterdam returns the Europe/Amsterdam time zone: the zone in which
// Meedoen shows times and decides which day it is. Times are stored in
// UTC.
func Amsterdam() *time.Location { return amsterdam }

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// The zone database is embedded (time/tzdata), and a test loads it.
		panic("nlgov: loading " + name + " from the embedded zone database: " + err.Error())
	}
	return loc
}
