package advice

import (
	"regexp"
	"slices"
	"strings"

	"github.com/meedoen/meedoen/gateway/problem"
	"github.com/meedoen/meedoen/gateway/web/kit"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	resultsv1 "github.com/meedoen/meedoen/proto/meedoen/results/v1"
)

// What the pages share: form fields, statuses in words, and the
// service's reasons in the page's language.

// field is one control of a form with its label, hint and errors, as the
// "adv-field" template draws it.
type field struct {
	// ID is the control's id and name; for radios the group's name, each
	// button's id being ID-value.
	ID string
	// Name is the control's name when it is not ID: the recommendations
	// share theirs, so that they arrive in the form's order.
	Name  string
	Label string
	Hint  string
	// Kind is text, textarea, select, radios or checkbox.
	Kind string
	// Type is a text control's input type: text (the default), email,
	// date or number.
	Type         string
	Value        string
	Mode         string
	Autocomplete string
	Min, Max     string
	Checked      bool
	Options      []kit.Choice
	Rows         int
	Optional     bool
	Errors       []kit.FieldError
}

// FormName is the name the control is posted under.
func (f field) FormName() string {
	if f.Name != "" {
		return f.Name
	}
	return f.ID
}

// DescribedBy is the control's aria-describedby: its hint and errors.
func (f field) DescribedBy() string { return kit.DescribedBy(f.ID, f.Hint != "", f.Errors) }

// withErrors gives each field its errors from errs.
func withErrors(fs []field, errs *kit.FormErrors) []field {
	for i := range fs {
		fs[i].Errors = errs.For(fs[i].ID)
	}
	return fs
}

// enumKey is a catalogue key for an enum value: prefix + its lower-case
// name without the type's prefix.
func enumKey(prefix, name, typePrefix string) string {
	return prefix + kit.EnumValue(name, typePrefix)
}

func adviceStatusKey(st resultsv1.AdviceStatus) string {
	return enumKey("advice.status.", st.String(), "ADVICE_STATUS_")
}

func versionStatusKey(st resultsv1.VersionStatus) string {
	return enumKey("advice.version.status.", st.String(), "VERSION_STATUS_")
}

func responseStatusKey(st resultsv1.ResponseStatus) string {
	return enumKey("advice.response.status.", st.String(), "RESPONSE_STATUS_")
}

func verdictKey(v resultsv1.Verdict) string {
	return enumKey("advice.verdict.", v.String(), "VERDICT_")
}

func originKey(o councilsv1.Origin) string {
	return enumKey("origin.", o.String(), "ORIGIN_")
}

func formKindKey(f councilsv1.FormKind) string {
	return enumKey("formKind.", f.String(), "FORM_KIND_")
}

// verdicts are the decisions a municipality takes on a recommendation,
// in the order the form offers them, by the value the form posts.
var verdicts = []resultsv1.Verdict{
	resultsv1.Verdict_VERDICT_ADOPTED,
	resultsv1.Verdict_VERDICT_PARTLY_ADOPTED,
	resultsv1.Verdict_VERDICT_NOT_ADOPTED,
	resultsv1.Verdict_VERDICT_TO_BE_INVESTIGATED,
}

// verdictValue is the value the form posts for v.
func verdictValue(v resultsv1.Verdict) string { return kit.EnumValue(v.String(), "VERDICT_") }

// parseVerdict reads a posted decision; unspecified for none.
func parseVerdict(s string) resultsv1.Verdict {
	for _, v := range verdicts {
		if verdictValue(v) == s {
			return v
		}
	}
	return resultsv1.Verdict_VERDICT_UNSPECIFIED
}

// names writes municipalities' codes as their names, sorted.
func (s *Pages) names(codes []string) string {
	var out []string
	for _, c := range codes {
		out = append(out, s.kit.TenantName(c))
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}

// reason is a reason the service gives, matched by its words: the
// catalogue key that says it in the page's language, and the name of the
// placeholder its number fills in.
type reason struct {
	re  *regexp.Regexp
	key string
	arg string
}

// reasons are the service's reasons a person can meet on these pages
// (services/results: the advice, its versions, the responses and the
// settings), each in the catalogue's words.
var reasons = []reason{
	{regexp.MustCompile(`^(is required|must not be empty)`), "form.error.required", ""},
	{regexp.MustCompile(`^must be at most (\d+) characters`), "advice.error.tooLong", "max"},
	{regexp.MustCompile(`^must hold at least one recommendation`), "advice.error.noRecommendation", ""},
	{regexp.MustCompile(`^must hold at most (\d+) recommendations`), "advice.error.tooManyRecommendations", "max"},
	{regexp.MustCompile(`^must hold (\d+) recommendations, as the version sent does`), "advice.error.correctionCount", "n"},
	{regexp.MustCompile(`^names a closed process`), "advice.error.closed", ""},
	{regexp.MustCompile(`^is not a participation process known`), "advice.error.unknownProcess", ""},
	{regexp.MustCompile(`^names version \d+, but the latest is (\d+)`), "advice.error.stale", "n"},
	{regexp.MustCompile(`^is not the latest version \((\d+)\)`), "advice.error.notLatest", "n"},
	{regexp.MustCompile(`^version \d+ is adopted already`), "advice.error.adoptedAlready", ""},
	{regexp.MustCompile(`^version \d+ was sent already`), "advice.error.sentAlready", ""},
	{regexp.MustCompile(`^version \d+ is not adopted`), "advice.error.notAdopted", ""},
	{regexp.MustCompile(`^is not an e-mail address`), "advice.error.email", ""},
	{regexp.MustCompile(`^must be a date`), "advice.error.date", ""},
	{regexp.MustCompile(`^must not lie in the future`), "advice.error.future", ""},
	{regexp.MustCompile(`^must not lie before the advice was sent \((\d{4}-\d{2}-\d{2})\)`), "advice.error.beforeSent", "day"},
	{regexp.MustCompile(`^is required unless the recommendation is adopted`), "advice.error.motivation", ""},
	{regexp.MustCompile(`^must answer recommendation (\d+)`), "advice.error.answer", "n"},
	{regexp.MustCompile(`^must be one of adopted`), "advice.error.verdict", ""},
	{regexp.MustCompile(`^receipt was acknowledged already`), "advice.error.acknowledged", ""},
	{regexp.MustCompile(`^the response was given already`), "advice.error.answered", ""},
	{regexp.MustCompile(`^there is no response to revise yet`), "advice.error.nothingToRevise", ""},
	{regexp.MustCompile(`^must be between 1 and (\d+) days`), "advice.error.term", "max"},
}

// explain is a reason the service gave, in the page's words when the
// catalogue has them, else as the service wrote it, marked English.
func explain(w kit.Words, why string) kit.FieldError {
	for _, r := range reasons {
		m := r.re.FindStringSubmatch(why)
		if m == nil {
			continue
		}
		if r.arg == "" {
			return kit.FieldError{Key: r.key}
		}
		arg := m[1]
		if r.arg == "day" {
			arg = w.Date(arg)
		}
		return kit.FieldError{Text: w.Say(r.key, r.arg, arg)}
	}
	return kit.Explain(why)
}

// fromStatus turns the service's objections into form errors: each
// violation next to the field fieldOf finds for its path, in the page's
// words; the service's message when it names none, for the form as a
// whole.
func fromStatus(w kit.Words, err error, fields []kit.FormField, fieldOf func(path string) kit.FormField) *kit.FormErrors {
	e := &kit.FormErrors{}
	for _, v := range problem.Violations(err) {
		e.Add(fields, fieldOf(v.Field), explain(w, v.Reason))
	}
	if !e.Any() {
		e.Add(fields, kit.FormField{}, explain(w, problem.Message(err)))
	}
	return e
}

// plainFields finds the field of a path among fields, the form as a
// whole for one it does not know.
func plainFields(fields []kit.FormField) func(string) kit.FormField {
	return func(path string) kit.FormField { return kit.FieldFor(fields, "", path) }
}
