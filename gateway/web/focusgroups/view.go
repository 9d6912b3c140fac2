package focusgroups

import (
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/internal/nlgov"
	focusgroupsv1 "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
)

// What the pages share: form fields, roles in words, and times.

// field is one control of a form with its label, hint and errors, as the
// "fg-field" template draws it.
type field struct {
	// ID is the control's id and name; for radios and checkboxes the
	// group's name, each box's id being ID-value.
	ID    string
	Label string
	Hint  string
	// Kind is text, textarea, select, radios, checkboxes or checkbox.
	Kind string
	// Type is a text control's input type: text (the default), email,
	// url, date, time or number.
	Type  string
	Value string
	// Mode is a text control's inputmode; Autocomplete its autocomplete.
	Mode         string
	Autocomplete string
	Min, Max     string
	Checked      bool
	Options      []kit.Choice
	Rows         int
	Optional     bool
	Errors       []kit.FieldError
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

// roleSet is the roles of a tenant's focus groups, in the service's
// order (residents' first).
type roleSet struct {
	list []*focusgroupsv1.Role
	lang string
}

// listRoles asks the service for tenant's roles.
func (wk *work) listRoles(tenant string) (roleSet, error) {
	resp, err := wk.api.ListRoles(wk.Context(), &focusgroupsv1.ListRolesRequest{Tenant: tenant})
	if err != nil {
		return roleSet{}, err
	}
	return roleSet{list: resp.GetRoles(), lang: wk.Lang()}, nil
}

// label is role key's name in the page's language; the key itself for a
// role the list lacks.
func (rs roleSet) label(key string) string {
	for _, r := range rs.list {
		if r.GetKey() == key {
			return roleLabel(r, rs.lang)
		}
	}
	return key
}

// has reports whether key names one of the roles.
func (rs roleSet) has(key string) bool {
	for _, r := range rs.list {
		if r.GetKey() == key {
			return true
		}
	}
	return false
}

// choices are the roles for a select, with an empty first choice when
// prompt is a catalogue key.
func (rs roleSet) choices(selected, prompt string) []kit.Choice {
	var out []kit.Choice
	if prompt != "" {
		out = append(out, kit.Choice{Value: "", LabelKey: prompt})
	}
	for _, r := range rs.list {
		out = append(out, kit.Choice{Value: r.GetKey(), Label: roleLabel(r, rs.lang), Selected: r.GetKey() == selected})
	}
	return out
}

// roleLabel is r's name in lang.
func roleLabel(r *focusgroupsv1.Role, lang string) string {
	if lang == "en" && r.GetLabelEn() != "" {
		return r.GetLabelEn()
	}
	if r.GetLabelNl() != "" {
		return r.GetLabelNl()
	}
	return r.GetKey()
}

// when writes a session's time: "dinsdag 12 januari 2027, 19:00–21:00"
// in Amsterdam.
func when(w kit.Words, start, end *timestamppb.Timestamp) string {
	if start == nil {
		return ""
	}
	s := start.AsTime().In(amsterdam)
	out := w.Text("fg.weekday."+strconv.Itoa(int(s.Weekday()))) + " " + w.Moment(start)
	if end != nil {
		out += "–" + end.AsTime().In(amsterdam).Format("15:04")
	}
	return out
}

// day writes the day a session starts on: "12 januari 2027".
func day(w kit.Words, start *timestamppb.Timestamp) string {
	if start == nil {
		return ""
	}
	return w.Date(start.AsTime().In(amsterdam).Format(time.DateOnly))
}

// amsterdam is where sessions take place and the forms' times are read.
var amsterdam = nlgov.Amsterdam()

// enumKey is a catalogue key for an enum value: prefix + its lower-case
// name without the type's prefix.
func enumKey(prefix, name, typePrefix string) string {
	return prefix + kit.EnumValue(name, typePrefix)
}

func groupStatusKey(st focusgroupsv1.FocusGroupStatus) string {
	return enumKey("fg.status.", st.String(), "FOCUS_GROUP_STATUS_")
}

func sessionStatusKey(st focusgroupsv1.SessionStatus) string {
	return enumKey("fg.session.status.", st.String(), "SESSION_STATUS_")
}

// atoi reads a whole number a person typed, allowing spaces around it;
// ok is false for anything else.
func atoi(s string) (int32, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(s, 10, 32)
	return int32(n), err == nil
}
