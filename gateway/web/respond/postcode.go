package respond

import (
	"regexp"
	"strings"
)

// postcodePattern is a Dutch postcode written as the lookup takes it: four
// digits, the first not 0, and two capital letters.
var postcodePattern = regexp.MustCompile(`^[1-9][0-9]{3}[A-Z]{2}$`)

// normalPostcode writes a postcode as typed ("1971 ab") the way the lookup
// takes it ("1971AB"); ok is false for what cannot be a postcode. The
// letter pairs SA, SD and SS are not issued.
func normalPostcode(s string) (string, bool) {
	p := strings.ToUpper(strings.Join(strings.Fields(s), ""))
	if !postcodePattern.MatchString(p) {
		return "", false
	}
	switch p[4:] {
	case "SA", "SD", "SS":
		return "", false
	}
	return p, true
}

// municipalityOf finds the municipality of a typed postcode, or the
// catalogue key of what is wrong with it. Only the municipality goes to
// the surveys service; the postcode itself is not kept.
func (s *Pages) municipalityOf(typed string) (code, wrong string) {
	if strings.TrimSpace(typed) == "" {
		return "", "poll.error.postcode.missing"
	}
	pc, ok := normalPostcode(typed)
	if !ok {
		return "", "poll.error.postcode.format"
	}
	code, ok = s.cfg.Postcodes(pc)
	if !ok {
		// Not in the operator's table, which holds the postcodes of the
		// municipalities Meedoen serves: not a resident of them.
		return "", "poll.error.postcode.elsewhere"
	}
	return code, ""
}
