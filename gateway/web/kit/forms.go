package kit

import (
	"regexp"
	"slices"
	"strings"

	"github.com/meedoen/meedoen/gateway/problem"
	"github.com/meedoen/meedoen/internal/reasons"
	"github.com/meedoen/meedoen/internal/textcheck"
)

// FormField ties a field of the API's request body to the form: the
// service names what it refuses by JSON pointer ("/scope/tenant"), the page
// shows it next to an input and links to it from the error summary.
type FormField struct {
	// Path is the body field as a JSON pointer in lowerCamelCase; the
	// field's own parts (a participant's index) count as the field. The
	// field with an empty Path stands for the request as a whole: what no
	// other field owns goes there.
	Path string
	// Name is the form field, the key of FormErrors.For.
	Name string
	// Anchor is the id of the input the summary links to; for a group of
	// radios or checkboxes, the first one.
	Anchor string
	// LabelKey names the field in the summary; Label instead names it
	// literally (a question's title).
	LabelKey string
	Label    string
}

// FormErrors are the problems with one submitted form: each next to its
// field, and all in the summary at the top in the order of the form, so
// that the summary's links and the fields follow the same focus order.
type FormErrors struct {
	// Summary lists every problem: those of fields in the form's order,
	// then those of the request as a whole.
	Summary []FieldError
	byName  map[string][]FieldError
}

// FieldError is one problem.
type FieldError struct {
	// Name is the form field, "" for a problem of the whole request.
	Name string
	// Anchor is the id of the input to link to; "" for none.
	Anchor   string
	LabelKey string
	Label    string
	// Text says what is wrong. Key, when set, is a catalogue key instead.
	Text string
	Key  string
	// Args fill Key's placeholders: name, value, name, value…
	Args []any
	// Lang is the language of Text when it is not the page's: the
	// service explains itself in English.
	Lang string
	// Dutch is Text in Dutch, from the catalogue of the services'
	// reasons (internal/reasons), for a Dutch page.
	Dutch string
}

// For returns the problems with the named field.
func (e *FormErrors) For(name string) []FieldError {
	if e == nil {
		return nil
	}
	return e.byName[name]
}

// Has reports whether the named field has a problem.
func (e *FormErrors) Has(name string) bool { return len(e.For(name)) > 0 }

// Any reports whether there is any problem at all.
func (e *FormErrors) Any() bool { return e != nil && len(e.Summary) > 0 }

// Add records a problem with the field f of the form's fields.
func (e *FormErrors) Add(fields []FormField, f FormField, fe FieldError) {
	if e.byName == nil {
		e.byName = map[string][]FieldError{}
	}
	fe.Name, fe.Anchor, fe.LabelKey, fe.Label = f.Name, f.Anchor, f.LabelKey, f.Label
	e.byName[fe.Name] = append(e.byName[fe.Name], fe)
	e.Summary = append(e.Summary, fe)
	order := func(fe FieldError) int {
		i := slices.IndexFunc(fields, func(f FormField) bool { return f.Name == fe.Name && f.Anchor == fe.Anchor })
		if i < 0 {
			return len(fields)
		}
		return i
	}
	slices.SortStableFunc(e.Summary, func(a, b FieldError) int { return order(a) - order(b) })
}

// Invalid records a problem the site found itself, before asking the
// service, as a catalogue key.
func (e *FormErrors) Invalid(fields []FormField, name, key string) {
	f := FormField{Name: name}
	if i := slices.IndexFunc(fields, func(f FormField) bool { return f.Name == name }); i >= 0 {
		f = fields[i]
	}
	e.Add(fields, f, FieldError{Key: key})
}

// FromStatus turns the service's objections to a request into form
// errors: the field violations of a refused input and the unmet
// conditions of a refused change next to the fields they name, the rest,
// and the service's message when it names nothing, for the request as a
// whole (the field with an empty Path, if fields has one). body is the
// name of the request's body field ("question"), which a path may start
// with. conditions gives unmet conditions words of their own, in the
// page's language, by the path the service names them with; nil for none.
func FromStatus(err error, body string, fields []FormField, conditions map[string]string) *FormErrors {
	e := &FormErrors{}
	for _, v := range problem.Violations(err) {
		fe := Explain(v.Reason)
		if key, ok := conditions[NormalPath(v.Field, body)]; ok && v.Condition {
			fe = FieldError{Key: key}
		}
		e.Add(fields, FieldFor(fields, body, v.Field), fe)
	}
	if !e.Any() {
		e.Add(fields, FieldFor(fields, body, ""), Explain(problem.Message(err)))
	}
	return e
}

// Common is a reason every service gives in the same words (required,
// text that cannot be stored) in the page's words; ok is false for any
// other, which a page may word for its own field before Explain does.
func Common(reason string) (fe FieldError, ok bool) {
	if key, ok := commonReasons[reason]; ok {
		return FieldError{Key: key}, true
	}
	return FieldError{}, false
}

// Explain is a reason the service gave: the common ones in the page's
// words, the rest from the catalogue of the services' reasons (in Dutch
// on a Dutch page, as the service wrote it on an English one). A reason
// the catalogue lacks, which its test keeps from happening, is shown as
// the service wrote it, marked as English.
func Explain(reason string) FieldError {
	if fe, ok := Common(reason); ok {
		return fe
	}
	for _, r := range reasonShapes {
		m := r.re.FindStringSubmatch(reason)
		if m == nil {
			continue
		}
		fe := FieldError{Key: r.key}
		for i, name := range r.args {
			fe.Args = append(fe.Args, name, m[i+1])
		}
		return fe
	}
	fe := FieldError{Text: reason, Lang: ServiceLang}
	if m, ok := reasons.Lookup(reason); ok {
		fe.Dutch = m.InDutch()
	}
	return fe
}

// reasonShapes are reasons every service words alike with a number or a
// bound in them (internal/errs' violations), each with its catalogue key
// and the names its numbers fill in.
var reasonShapes = []struct {
	re   *regexp.Regexp
	key  string
	args []string
}{
	{regexp.MustCompile(`^must be at most ([0-9]+) characters$`), "form.error.maxChars", []string{"max"}},
	{regexp.MustCompile(`^must be ([0-9]+) to ([0-9]+) characters$`), "form.error.charsBetween", []string{"min", "max"}},
	{regexp.MustCompile(`^must be from (-?[0-9]+) to (-?[0-9]+)$`), "form.error.between", []string{"min", "max"}},
	{regexp.MustCompile(`^must be at least (-?[0-9]+)$`), "form.error.atLeast", []string{"min"}},
	{regexp.MustCompile(`^(must (not be empty|be set)$|is required\b)`), "form.error.required", nil},
	{regexp.MustCompile(`^is not a participation form$`), "form.error.choose", nil},
	{regexp.MustCompile(`^must be nl or en$`), "form.error.language", nil},
	{regexp.MustCompile(`^must be in the future$`), "form.error.future", nil},
	{regexp.MustCompile(`^must not (be|lie) in the future$`), "form.error.notFuture", nil},
	{regexp.MustCompile(`^must not be in the past$`), "form.error.notPast", nil},
	{regexp.MustCompile(`^must be a date written YYYY-MM-DD$`), "form.error.date", nil},
	{regexp.MustCompile(`^is not a valid time$`), "form.error.time", nil},
	{regexp.MustCompile(`^must be the id \(a UUID\) of `), "form.error.choose", nil},
}

// commonReasons are reasons every service gives in the same words.
var commonReasons = map[string]string{
	"is required": "form.error.required",
	// Text no part of the system can hold, refused by internal/rpc before
	// the service sees it.
	textcheck.ReasonNUL:  "form.error.text",
	textcheck.ReasonUTF8: "form.error.text",
}

// ServiceLang is the language the services explain errors in.
const ServiceLang = "en"

// FieldFor finds the form field a path names, the most specific one when
// fields nest ("/scope" and "/scope/participatingMunicipalities"); for a
// path it does not know, the field for the request as a whole, the one
// with an empty Path.
func FieldFor(fields []FormField, body, path string) FormField {
	var whole FormField
	p := NormalPath(path, body)
	best := -1
	for i, f := range fields {
		if f.Path == "" {
			whole = f
			continue
		}
		if (p == f.Path || strings.HasPrefix(p, f.Path+"/")) && (best < 0 || len(f.Path) > len(fields[best].Path)) {
			best = i
		}
	}
	if best < 0 || path == "" {
		return whole
	}
	return fields[best]
}

// NormalPath writes a field path the way FormField.Path does: a JSON
// pointer in lowerCamelCase, without indexes and without the body's name.
// Services write "/scope/participatingMunicipalities/1"; errdetails'
// dotted form ("question.advice_needed_by") comes out the same.
func NormalPath(path, body string) string {
	var segs []string
	if rest, ok := strings.CutPrefix(path, "/"); ok {
		segs = strings.Split(rest, "/")
	} else {
		segs = strings.Split(path, ".")
	}
	var out []string
	for i, s := range segs {
		s = lowerCamel(index.ReplaceAllString(s, ""))
		if s == "" || digits.MatchString(s) || (i == 0 && s == body) {
			continue
		}
		out = append(out, s)
	}
	return "/" + strings.Join(out, "/")
}

var (
	index  = regexp.MustCompile(`\[[0-9]+\]$`)
	digits = regexp.MustCompile(`^[0-9]+$`)
)

func lowerCamel(s string) string {
	var b strings.Builder
	upper := false
	for _, c := range s {
		switch {
		case c == '_':
			upper = b.Len() > 0
		case upper:
			b.WriteString(strings.ToUpper(string(c)))
			upper = false
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// Choice is one choice of a select, radio group or checkbox group. Label is
// shown as is; LabelKey, when set, is a catalogue key instead.
type Choice struct {
	Value    string
	Label    string
	LabelKey string
	Selected bool
}

// ChoiceGroup is an optgroup of a select.
type ChoiceGroup struct {
	Label   string
	Options []Choice
}

// DescribedBy joins the ids of an element's hint and errors, and more, for
// its aria-describedby.
func DescribedBy(id string, hint bool, errs []FieldError, more ...string) string {
	var ids []string
	if hint {
		ids = append(ids, id+"-hint")
	}
	if len(errs) > 0 {
		ids = append(ids, id+"-fout")
	}
	return strings.Join(append(ids, more...), " ")
}
