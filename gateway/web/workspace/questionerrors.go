package workspace

import (
	"strings"

	"github.com/meedoen/meedoen/gateway/problem"
	"github.com/meedoen/meedoen/gateway/web/kit"
)

// questionErrors puts what the councils service refused in a raised
// question into the person's words. The service names each problem by the
// field's path and explains it in English for developers; every reason it
// gives for this form has a message in the catalogue here, chosen by the
// path and the gist of the reason, so that no English is left on the page.
func questionErrors(err error, fields []kit.FormField) *kit.FormErrors {
	e := &kit.FormErrors{}
	for _, v := range problem.Violations(err) {
		e.Add(fields, kit.FieldFor(fields, questionBody, v.Field), questionReason(v))
	}
	if !e.Any() {
		e.Add(fields, kit.FieldFor(fields, questionBody, ""), kit.Explain(problem.Message(err)))
	}
	return e
}

// questionReason is one refusal of a raised question as a message.
func questionReason(v problem.Violation) kit.FieldError {
	path, reason := kit.NormalPath(v.Field, questionBody), v.Reason
	if fe, ok := kit.Common(reason); ok {
		// Reasons every service gives alike: required, unstorable text.
		return fe
	}
	key := ""
	switch {
	case path == "/origin" && v.Condition:
		// The councils' way of working: some take questions only from
		// their municipality.
		key = "question.error.originRefused"
	case path == "/title":
		key = "question.error.titleLong"
	case path == "/description":
		key = "question.error.descriptionLong"
	case path == "/theme":
		key = "question.error.theme"
	case path == "/origin":
		key = "question.error.origin"
	case path == "/adviceNeededBy" && strings.HasPrefix(reason, "is required"):
		key = "question.error.adviceNeededBy.required"
	case path == "/adviceNeededBy" && strings.Contains(reason, "past"):
		key = "question.error.adviceNeededBy.past"
	case path == "/adviceNeededBy":
		key = "question.error.adviceNeededBy.format"
	case strings.HasPrefix(path, "/scope/participatingMunicipalities"):
		key = "question.error.participants"
	case strings.HasPrefix(path, "/scope"):
		key = "question.error.scope"
	default:
		return kit.Explain(reason)
	}
	return kit.FieldError{Key: key}
}
