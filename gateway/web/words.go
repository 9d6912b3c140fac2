package web

import (
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

// words puts values into one language's words: dates, times and the
// catalogue keys of the API's enums.
type words struct {
	cat catalogue
	loc *time.Location
}

func (s *Site) words(lang string) words {
	return words{cat: s.cats[lang], loc: s.loc}
}

// text is a catalogue message without placeholders; the key itself when the
// catalogue lacks it, which the catalogue tests rule out for every key the
// site computes.
func (w words) text(key string) string {
	if msg, ok := w.cat[key]; ok {
		return msg
	}
	return key
}

// date writes a "YYYY-MM-DD" day from the API as "2 maart 2026"; a value
// that is no such day is shown as it came.
func (w words) date(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return w.day(t)
}

func (w words) day(t time.Time) string {
	return strconv.Itoa(t.Day()) + " " + w.text("month."+strconv.Itoa(int(t.Month()))) + " " + strconv.Itoa(t.Year())
}

// moment writes a timestamp as its day and time of day in Amsterdam; ""
// for none.
func (w words) moment(ts *timestamppb.Timestamp) string {
	if ts == nil {
		return ""
	}
	t := ts.AsTime().In(w.loc)
	return w.day(t) + ", " + t.Format("15:04")
}

// today is the day in Amsterdam, as the API writes days.
func (w words) today(now time.Time) string {
	return now.In(w.loc).Format(time.DateOnly)
}

// enumValue is the lower-case name of an enum value without its type's
// prefix: PHASE_CHOOSE_FORMS → choose_forms. Forms post these values and
// the catalogue keys end in them.
func enumValue(name, prefix string) string {
	return strings.ToLower(strings.TrimPrefix(name, prefix))
}

func phaseKey(p councilsv1.Phase) string {
	return "phase." + enumValue(p.String(), "PHASE_")
}

func formKey(f councilsv1.FormKind) string {
	return "formKind." + enumValue(f.String(), "FORM_KIND_")
}

func originKey(o councilsv1.Origin) string {
	return "origin." + enumValue(o.String(), "ORIGIN_")
}

func statusKey(s councilsv1.QuestionStatus) string {
	return "status." + enumValue(s.String(), "QUESTION_STATUS_")
}

func memberRoleKey(r councilsv1.MemberRole) string {
	return "member.role." + enumValue(r.String(), "MEMBER_ROLE_")
}

// phases are the steps of the plan in order.
var phases = []councilsv1.Phase{
	councilsv1.Phase_PHASE_INTAKE,
	councilsv1.Phase_PHASE_CONCRETISE,
	councilsv1.Phase_PHASE_CHOOSE_FORMS,
	councilsv1.Phase_PHASE_EXECUTE,
	councilsv1.Phase_PHASE_ANALYSE,
	councilsv1.Phase_PHASE_ADVISE,
	councilsv1.Phase_PHASE_FEEDBACK,
	councilsv1.Phase_PHASE_CLOSED,
}

// formKinds are the participation forms in the order forms offer them.
var formKinds = []councilsv1.FormKind{
	councilsv1.FormKind_FORM_KIND_FOCUS_GROUP,
	councilsv1.FormKind_FORM_KIND_FLASH_POLL,
	councilsv1.FormKind_FORM_KIND_QUESTIONNAIRE,
	councilsv1.FormKind_FORM_KIND_MIRROR_CONVERSATION,
	councilsv1.FormKind_FORM_KIND_OPINION_BUS,
	councilsv1.FormKind_FORM_KIND_NEIGHBOURHOOD_SHOP,
	councilsv1.FormKind_FORM_KIND_VISIT,
	councilsv1.FormKind_FORM_KIND_OTHER,
}

// parseFormKind reads a posted form kind; unspecified for anything else,
// which the service refuses with a message about the field.
func parseFormKind(v string) councilsv1.FormKind {
	for _, f := range formKinds {
		if enumValue(f.String(), "FORM_KIND_") == v {
			return f
		}
	}
	return councilsv1.FormKind_FORM_KIND_UNSPECIFIED
}

// parsePhase reads a posted phase.
func parsePhase(v string) councilsv1.Phase {
	for _, p := range phases {
		if enumValue(p.String(), "PHASE_") == v {
			return p
		}
	}
	return councilsv1.Phase_PHASE_UNSPECIFIED
}

// Origins as the agenda's filter and the question form write them: the
// Dutch words, since they end up in bookmarked URLs.
const (
	solicitedValue   = "gevraagd"
	unsolicitedValue = "ongevraagd"
)

func parseOrigin(v string) councilsv1.Origin {
	switch v {
	case solicitedValue:
		return councilsv1.Origin_ORIGIN_SOLICITED
	case unsolicitedValue:
		return councilsv1.Origin_ORIGIN_UNSOLICITED
	}
	return councilsv1.Origin_ORIGIN_UNSPECIFIED
}
