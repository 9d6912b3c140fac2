package web

import (
	"regexp"
	"slices"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/status"

	"github.com/meedoen/meedoen/internal/textcheck"
)

// formField ties a field of the API's request body to the form: the
// service names what it refuses by JSON pointer ("/scope/tenant"), the page
// shows it next to an input and links to it from the error summary.
type formField struct {
	// Path is the body field as a JSON pointer in lowerCamelCase; the
	// field's own parts (a participant's index) count as the field. The
	// field with an empty Path stands for the request as a whole: what no
	// other field owns goes there.
	Path string
	// Name is the form field, the key of formErrors.For.
	Name string
	// Anchor is the id of the input the summary links to; for a group of
	// radios or checkboxes, the first one.
	Anchor string
	// LabelKey names the field in the summary; Label instead names it
	// literally (a question's title).
	LabelKey string
	Label    string
}

// formErrors are the problems with one submitted form: each next to its
// field, and all in the summary at the top in the order of the form, so
// that the summary's links and the fields follow the same focus order.
type formErrors struct {
	// Summary lists every problem: those of fields in the form's order,
	// then those of the request as a whole.
	Summary []fieldError
	byName  map[string][]fieldError
}

// fieldError is one problem.
type fieldError struct {
	// Name is the form field, "" for a problem of the whole request.
	Name string
	// Anchor is the id of the input to link to; "" for none.
	Anchor   string
	LabelKey string
	Label    string
	// Text says what is wrong. Key, when set, is a catalogue key instead.
	Text string
	Key  string
	// Lang is the language of Text when it is not the page's: the
	// service explains itself in English.
	Lang string
}

// For returns the problems with the named field.
func (e *formErrors) For(name string) []fieldError {
	if e == nil {
		return nil
	}
	return e.byName[name]
}

// Has reports whether the named field has a problem.
func (e *formErrors) Has(name string) bool { return len(e.For(name)) > 0 }

// Any reports whether there is any problem at all.
func (e *formErrors) Any() bool { return e != nil && len(e.Summary) > 0 }

// add records a problem with the field f of the form's fields.
func (e *formErrors) add(fields []formField, f formField, fe fieldError) {
	if e.byName == nil {
		e.byName = map[string][]fieldError{}
	}
	fe.Name, fe.Anchor, fe.LabelKey, fe.Label = f.Name, f.Anchor, f.LabelKey, f.Label
	e.byName[fe.Name] = append(e.byName[fe.Name], fe)
	e.Summary = append(e.Summary, fe)
	order := func(fe fieldError) int {
		i := slices.IndexFunc(fields, func(f formField) bool { return f.Name == fe.Name && f.Anchor == fe.Anchor })
		if i < 0 {
			return len(fields)
		}
		return i
	}
	slices.SortStableFunc(e.Summary, func(a, b fieldError) int { return order(a) - order(b) })
}

// invalid records a problem the site found itself, before asking the
// service, as a catalogue key.
func (e *formErrors) invalid(fields []formField, name, key string) {
	f := formField{Name: name}
	if i := slices.IndexFunc(fields, func(f formField) bool { return f.Name == name }); i >= 0 {
		f = fields[i]
	}
	e.add(fields, f, fieldError{Key: key})
}

// fromStatus turns the service's objections to a request into form errors:
// the field violations of InvalidArgument (errdetails.BadRequest) and the
// unmet conditions of FailedPrecondition (errdetails.PreconditionFailure)
// next to the fields they name, the rest, and the status message when
// there are no details, for the request as a whole (the field with an
// empty Path, if fields has one). body is the name of the request's body
// field ("question"), which a path may start with.
func fromStatus(err error, body string, fields []formField) *formErrors {
	e := &formErrors{}
	st := status.Convert(err)
	found := false
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.BadRequest:
			for _, v := range d.GetFieldViolations() {
				found = true
				e.add(fields, fieldFor(fields, body, v.GetField()), explain(v.GetDescription()))
			}
		case *errdetails.PreconditionFailure:
			for _, v := range d.GetViolations() {
				found = true
				fe := explain(v.GetDescription())
				// The conditions of the step plan's gates have words of
				// their own, in the page's language.
				if key, ok := gateKeys[normalPath(v.GetSubject(), body)]; ok {
					fe = fieldError{Key: key}
				}
				e.add(fields, fieldFor(fields, body, v.GetSubject()), fe)
			}
		}
	}
	if !found {
		e.add(fields, fieldFor(fields, body, ""), explain(st.Message()))
	}
	return e
}

// explain is a reason the service gave: the commonest in the page's words,
// the rest as the service wrote them, in English.
func explain(reason string) fieldError {
	if key, ok := commonReasons[reason]; ok {
		return fieldError{Key: key}
	}
	return fieldError{Text: reason, Lang: serviceLang}
}

// commonReasons are reasons every service gives in the same words.
var commonReasons = map[string]string{
	"is required": "form.error.required",
	// Text no part of the system can hold, refused by internal/rpc before
	// the service sees it.
	textcheck.ReasonNUL:  "form.error.text",
	textcheck.ReasonUTF8: "form.error.text",
}

// gateKeys are the catalogue keys of the gates' conditions, by the path
// the service names them with.
var gateKeys = map[string]string{
	"/preciseQuestion":     "gate.preciseQuestion",
	"/approach":            "gate.approach",
	"/targetGroup":         "gate.targetGroup",
	"/forms":               "gate.forms",
	"/executedForms":       "gate.executedForms",
	"/adviceSentTime":      "gate.adviceSent",
	"/reportPublishedTime": "gate.reportPublished",
}

// serviceLang is the language the services explain errors in.
const serviceLang = "en"

// fieldFor finds the form field a path names, the most specific one when
// fields nest ("/scope" and "/scope/participatingMunicipalities"); for a
// path it does not know, the field for the request as a whole, the one
// with an empty Path.
func fieldFor(fields []formField, body, path string) formField {
	var whole formField
	p := normalPath(path, body)
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

// normalPath writes a field path the way formField.Path does: a JSON
// pointer in lowerCamelCase, without indexes and without the body's name.
// Services write "/scope/participatingMunicipalities/1"; errdetails'
// dotted form ("question.advice_needed_by") comes out the same.
func normalPath(path, body string) string {
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
