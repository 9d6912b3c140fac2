// Package process is the participation process (traject) that answers one
// agenda question by following the shared step plan: intake → concretise →
// choose forms → execute → analyse → advise → feedback → closed. Moving
// forward goes one phase at a time and must pass the gate of the phase
// entered; moving back is always possible, with a reason, until the
// process is closed. The results service completes the advise and feedback
// phases: when it reports the advice sent or the report published, the
// process moves on by itself.
package process

import "slices"

// Phase is a phase of the step plan. Its value is the lower-case name used
// in storage and events, e.g. "choose_forms".
type Phase string

// The phases, in step-plan order.
const (
	Intake      Phase = "intake"
	Concretise  Phase = "concretise"
	ChooseForms Phase = "choose_forms"
	Execute     Phase = "execute"
	Analyse     Phase = "analyse"
	Advise      Phase = "advise"
	Feedback    Phase = "feedback"
	Closed      Phase = "closed"
)

// Phases lists every phase in step-plan order.
func Phases() []Phase {
	return []Phase{Intake, Concretise, ChooseForms, Execute, Analyse, Advise, Feedback, Closed}
}

// Valid reports whether p is a phase of the step plan.
func (p Phase) Valid() bool { return p.index() >= 0 }

func (p Phase) index() int { return slices.Index(Phases(), p) }

// Next returns the phase after p; ok is false for closed (or an invalid
// phase).
func (p Phase) Next() (next Phase, ok bool) {
	all := Phases()
	i := p.index()
	if i < 0 || i == len(all)-1 {
		return "", false
	}
	return all[i+1], true
}

// Before reports whether p comes before q in the step plan.
func (p Phase) Before(q Phase) bool { return p.index() < q.index() }

// FormKind is a participation form. Its value is the lower-case name used
// in storage and events, e.g. "flash_poll".
type FormKind string

// The participation forms.
const (
	FocusGroup         FormKind = "focus_group"         // focusgroep
	FlashPoll          FormKind = "flash_poll"          // flitspeiling
	Questionnaire      FormKind = "questionnaire"       // vragenlijst
	MirrorConversation FormKind = "mirror_conversation" // spiegelgesprek
	OpinionBus         FormKind = "opinion_bus"         // meningenbus
	NeighbourhoodShop  FormKind = "neighbourhood_shop"  // wijkwinkel
	Visit              FormKind = "visit"               // a visit to a group that already meets
	OtherForm          FormKind = "other"               // described in the notes
)

// FormKinds lists every form in a stable order.
func FormKinds() []FormKind {
	return []FormKind{FocusGroup, FlashPoll, Questionnaire, MirrorConversation, OpinionBus, NeighbourhoodShop, Visit, OtherForm}
}

// Valid reports whether f is a known form.
func (f FormKind) Valid() bool { return slices.Contains(FormKinds(), f) }

// sortForms orders forms as FormKinds does, without duplicates.
func sortForms(forms []FormKind) []FormKind {
	var out []FormKind
	for _, f := range FormKinds() {
		if slices.Contains(forms, f) {
			out = append(out, f)
		}
	}
	return out
}
