package workspace

import (
	"github.com/meedoen/meedoen/gateway/web/kit"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

// The councils service's vocabulary in the pages' words: the catalogue
// keys of its enums, and the values forms post for them.

func phaseKey(p councilsv1.Phase) string {
	return "phase." + kit.EnumValue(p.String(), "PHASE_")
}

func formKey(f councilsv1.FormKind) string {
	return "formKind." + kit.EnumValue(f.String(), "FORM_KIND_")
}

func originKey(o councilsv1.Origin) string {
	return "origin." + kit.EnumValue(o.String(), "ORIGIN_")
}

func statusKey(s councilsv1.QuestionStatus) string {
	return "status." + kit.EnumValue(s.String(), "QUESTION_STATUS_")
}

func memberRoleKey(r councilsv1.MemberRole) string {
	return "member.role." + kit.EnumValue(r.String(), "MEMBER_ROLE_")
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
		if kit.EnumValue(f.String(), "FORM_KIND_") == v {
			return f
		}
	}
	return councilsv1.FormKind_FORM_KIND_UNSPECIFIED
}

// parsePhase reads a posted phase.
func parsePhase(v string) councilsv1.Phase {
	for _, p := range phases {
		if kit.EnumValue(p.String(), "PHASE_") == v {
			return p
		}
	}
	return councilsv1.Phase_PHASE_UNSPECIFIED
}

// gateKeys are the catalogue keys of the gates' conditions, by the path
// the service names them with: the step plan's conditions have words of
// their own, in the page's language.
var gateKeys = map[string]string{
	"/preciseQuestion":     "gate.preciseQuestion",
	"/approach":            "gate.approach",
	"/targetGroup":         "gate.targetGroup",
	"/forms":               "gate.forms",
	"/executedForms":       "gate.executedForms",
	"/adviceSentTime":      "gate.adviceSent",
	"/reportPublishedTime": "gate.reportPublished",
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
