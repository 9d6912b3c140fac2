package api

import (
	"slices"

	"github.com/meedoen/meedoen/internal/errs"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	"github.com/meedoen/meedoen/services/councils/internal/process"
)

// A request body often repeats what its path names (a member's
// municipality, a field activity's process) or names what the service
// decides (the process a question became). Such a member is never taken
// from the body; but one that names something else is refused rather than
// ignored, so that a caller who thinks they add a member to another
// council, or move a process to another question, is told they did not.
// The checks name nothing of what the other id is or whose it is.

// sameAsPath refuses a body member that is set and differs from what the
// path names.
func sameAsPath(v *errs.Violations, pointer, inBody, inPath string) {
	if inBody != "" && inBody != inPath {
		v.Add(pointer, "must be left out or be the "+pathNoun(pointer)+" the path names")
	}
}

func pathNoun(pointer string) string {
	switch pointer {
	case "/municipalityCode":
		return "municipality"
	case "/processId":
		return "process"
	}
	return "resource"
}

// bodyOfPath refuses a council's or member's body that names another
// municipality than the path.
func bodyOfPath(inBody, inPath string) error {
	var v errs.Violations
	sameAsPath(&v, "/municipalityCode", inBody, inPath)
	return v.Err()
}

// setByService refuses a body member that the service sets itself.
func setByService(v *errs.Violations, pointer, inBody string) {
	if inBody != "" {
		v.Add(pointer, "is set by the service; leave it out")
	}
}

// unchangedOrigin refuses an update of a process that names another
// question or another scope than the process has: both are fixed when the
// process starts.
func unchangedOrigin(p process.Process, in *councilsv1.Process) error {
	var v errs.Violations
	if q := in.GetQuestionId(); q != "" && q != p.QuestionID() {
		v.Add("/questionId", "cannot change: a process stays with the question it started from")
	}
	if sc := in.GetScope(); sc != nil {
		if sc.GetTenant() != "" && sc.GetTenant() != p.Scope().Tenant() {
			v.Add("/scope/tenant", "cannot change: a process keeps the scope of its question")
		}
		if got := sc.GetParticipatingMunicipalities(); len(got) > 0 && !sameSet(got, p.Scope().Participants()) {
			v.Add("/scope/participatingMunicipalities", "cannot change: a process keeps the scope of its question")
		}
	}
	return v.Err()
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}
