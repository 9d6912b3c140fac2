package polls

import (
	"regexp"
	"strings"

	"github.com/meedoen/meedoen/gateway/problem"
	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/internal/textcheck"
)

// The service's objections to a poll, put next to the editor's fields in
// the page's words.

// phrasing puts things about a poll in the words of one language.
type phrasing struct{ kit.Words }

// fieldAtPath finds the field the service names by path: the one with the
// longest path that is path or above it; the form as a whole for none.
func fieldAtPath(fields []kit.FormField, path string) kit.FormField {
	best := kit.FormField{}
	for _, f := range fields {
		if f.Path != "" && (path == f.Path || strings.HasPrefix(path, f.Path+"/")) && len(f.Path) > len(best.Path) {
			best = f
		}
	}
	return best
}

// builderErrors turns the service's objections into the editor's errors:
// every field violation and unmet condition next to the field it names.
func builderErrors(err error, fields []kit.FormField, ph phrasing) *kit.FormErrors {
	e := &kit.FormErrors{}
	for _, v := range problem.Violations(err) {
		path := v.Field
		if !v.Condition {
			path = inPoll(path)
		}
		e.Add(fields, fieldAtPath(fields, path), ph.builderReason(v.Reason))
	}
	if !e.Any() {
		e.Add(fields, kit.FormField{}, ph.builderReason(problem.Message(err)))
	}
	return e
}

// inPoll turns a path into the request ("/poll/title/nl"), as
// internal/rpc names what it refuses, into one into the poll ("/title/nl"),
// as the service and the editor's fields name it.
func inPoll(path string) string {
	if rest, ok := strings.CutPrefix(path, "/poll"); ok && (rest == "" || strings.HasPrefix(rest, "/")) {
		return rest
	}
	return path
}

// builderReasons put the service's commonest objections to a poll in the
// page's words; the rest are shown as the service wrote them.
var builderReasons = []struct {
	re  *regexp.Regexp
	key string
	// args names the placeholders the groups fill, in order.
	args []string
}{
	{regexp.MustCompile(`^a flash poll has at most ([0-9]+) questions \(this one has ([0-9]+)\)`), "builder.error.flashMax", []string{"max", "count"}},
	{regexp.MustCompile(`^a flash poll has one section`), "builder.error.flashSection", nil},
	{regexp.MustCompile(`^must have ([0-9]+) to ([0-9]+) entries \(has ([0-9]+)\)`), "builder.error.entries", []string{"min", "max", "count"}},
	{regexp.MustCompile(`^must be at most ([0-9]+) characters`), "builder.error.tooLong", []string{"max"}},
	{regexp.MustCompile(`^(needs at least one question|must have at least one question)`), "builder.error.noQuestions", nil},
	{regexp.MustCompile(`^must be after opensAt`), "builder.error.afterOpens", nil},
	{regexp.MustCompile(`^must be at least an hour after opensAt`), "builder.error.hourAfter", nil},
	{regexp.MustCompile(`^must be at most ([0-9]+) days after opensAt`), "builder.error.maxDays", []string{"days"}},
	{regexp.MustCompile(`^must be in the future`), "builder.error.future", nil},
	{regexp.MustCompile(`^is required: a panel or an open link`), "builder.error.audience", nil},
	{regexp.MustCompile(`^is required for an open link`), "builder.error.slugRequired", nil},
	{regexp.MustCompile(`^is required: the thank-you page`), "builder.error.resultsSharing", nil},
	{regexp.MustCompile(`^is required when there is an English text`), "builder.error.dutchFirst", nil},
	{regexp.MustCompile(`^is required when the audience is narrowed`), "builder.error.audience", nil},
	{regexp.MustCompile(`^is required`), "form.error.required", nil},
	{regexp.MustCompile(`^must refer to an earlier question`), "builder.error.conditionEarlier", nil},
	{regexp.MustCompile(`^a Likert question has five labels`), "builder.error.likertLabels", nil},
	{regexp.MustCompile(`^a scale has no labels or two`), "builder.error.scaleLabels", nil},
	{regexp.MustCompile(`^applies to an open link only`), "builder.error.postcodePanel", nil},
	{regexp.MustCompile(`^narrows a panel only`), "builder.error.filterOpenLink", nil},
	{regexp.MustCompile(`^must be one of 0-17`), "builder.error.ageBand", nil},
	{regexp.MustCompile(`^is not a neighbourhood of the`), "builder.error.neighbourhood", nil},
	{regexp.MustCompile(`does not take part in this poll$`), "builder.error.municipality", nil},
	{regexp.MustCompile(`^must be greater than min`), "builder.error.maxAboveMin", nil},
	{regexp.MustCompile(`^must not exceed the number of options \(([0-9]+)\)`), "builder.error.maxChoices", []string{"count"}},
	{regexp.MustCompile(`already in use|is taken`), "builder.error.slugTaken", nil},
	{regexp.MustCompile(`^must be 3 to 60 lower-case letters`), "builder.error.slugForm", nil},
	{regexp.MustCompile(`^opening now would keep the poll open longer than ([0-9]+) days`), "builder.error.openTooLong", []string{"days"}},
	{regexp.MustCompile(`^a questionnaire has at most ([0-9]+) questions \(this one has ([0-9]+)\)`), "builder.error.questionnaireMax", []string{"max", "count"}},
	{regexp.MustCompile(`^must be at least 1$`), "builder.error.atLeastOne", nil},
	{regexp.MustCompile(`^must not exceed maxChoices \(([0-9]+)\)`), "builder.error.minAboveMax", []string{"max"}},
	{regexp.MustCompile(`^must be positive`), "builder.error.positive", nil},
	{regexp.MustCompile(`^must lie between minus and plus a billion`), "builder.error.billion", nil},
	{regexp.MustCompile(`^a shared poll needs at least one participating municipality`), "builder.error.participants", nil},
	{regexp.MustCompile(`^(` + regexp.QuoteMeta(textcheck.ReasonNUL) + `|` + regexp.QuoteMeta(textcheck.ReasonUTF8) + `)$`), "form.error.text", nil},
}

// builderReason is a reason in the page's words if it is a common one.
func (p phrasing) builderReason(reason string) kit.FieldError {
	for _, r := range builderReasons {
		m := r.re.FindStringSubmatch(reason)
		if m == nil {
			continue
		}
		var args []any
		for i, name := range r.args {
			args = append(args, name, m[i+1])
		}
		return kit.FieldError{Text: p.Say(r.key, args...)}
	}
	return kit.Explain(reason)
}
