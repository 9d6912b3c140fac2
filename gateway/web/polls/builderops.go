package polls

import (
	"slices"
	"strings"

	"github.com/meedoen/meedoen/gateway/web/kit"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// The editor's buttons other than save: each changes the draft read from
// the form before the whole of it is saved.

// The values of the editor's buttons (the actie field), some followed by
// ".{key}" of the section or question they act on.
const (
	opSave          = "opslaan"
	opSchedule      = "plannen"
	opAdd           = "toevoegen"        // .{section}: a question of the type chosen beside it
	opAddSection    = "deel-toevoegen"   // a section at the end
	opRemoveSection = "deel-verwijderen" // .{section}, with its questions
	opUp            = "omhoog"           // .{question}
	opDown          = "omlaag"           // .{question}
	opRemove        = "verwijderen"      // .{question}
	opReach         = "bereik"           // save, and show whom the panel audience reaches
)

// defaults gives a new question or section its first texts, so that it
// can be saved at once and shows where to type. They are Dutch only: an
// English placeholder would stay behind, unnoticed, when the Dutch is
// replaced, while a missing English text shows the Dutch one.
type defaults struct {
	nl kit.Catalogue
}

func (d defaults) text(key string, args ...any) *surveysv1.Text {
	return &surveysv1.Text{Nl: d.nl.Say(key, args...)}
}

// newQuestion is a question of type t with placeholder texts that make it
// valid: the service refuses a choice question without two options, and
// every question without a text.
func (d defaults) newQuestion(id string, t surveysv1.QuestionType) *surveysv1.Question {
	q := &surveysv1.Question{Id: id, Type: t, Text: d.text("builder.default.question")}
	options := func(key string, n int) []*surveysv1.Option {
		var out []*surveysv1.Option
		for i := 1; i <= n; i++ {
			out = append(out, &surveysv1.Option{Id: string(rune('a' + i - 1)), Label: d.text(key, "n", i)})
		}
		return out
	}
	switch t {
	case surveysv1.QuestionType_QUESTION_TYPE_SINGLE_CHOICE, surveysv1.QuestionType_QUESTION_TYPE_MULTIPLE_CHOICE,
		surveysv1.QuestionType_QUESTION_TYPE_RANKING:
		q.Options = options("builder.default.option", 2)
	case surveysv1.QuestionType_QUESTION_TYPE_MATRIX:
		q.Rows = options("builder.default.row", 1)
		q.Columns = []*surveysv1.Option{
			{Id: "a", Label: d.text("builder.default.agree")},
			{Id: "b", Label: d.text("builder.default.disagree")},
		}
	case surveysv1.QuestionType_QUESTION_TYPE_NUMBER:
		q.Min, q.Max = "0", "10"
	}
	return q
}

// applyOp applies the button op to p and returns the id of the element
// to show afterwards ("" for the top); ok is false for a button the
// editor does not have, or one about a section or question p lacks.
func (d defaults) applyOp(p *surveysv1.Poll, op, newType string) (anchor string, ok bool) {
	name, key, _ := strings.Cut(op, ".")
	switch name {
	case opSave, opSchedule:
		return "", key == ""
	case opReach:
		return reachAnchor, key == ""
	case opAdd:
		t := parseType(newType)
		if t == surveysv1.QuestionType_QUESTION_TYPE_UNSPECIFIED {
			return "", false
		}
		sec := sectionByID(p, key)
		if sec == nil {
			if len(p.GetSections()) > 0 || key != flashSectionID {
				return "", false
			}
			// A new poll has no section yet: its first question makes one.
			sec = &surveysv1.Section{Id: flashSectionID}
			if p.GetKind() == surveysv1.PollKind_POLL_KIND_QUESTIONNAIRE {
				sec.Title = d.text("builder.default.section", "n", 1)
			}
			p.Sections = append(p.Sections, sec)
		}
		id := freshKey(questionIDs(p), "q")
		sec.Questions = append(sec.Questions, d.newQuestion(id, t))
		return questionAnchor(id), true
	case opAddSection:
		if key != "" || p.GetKind() != surveysv1.PollKind_POLL_KIND_QUESTIONNAIRE {
			return "", false
		}
		id := freshKey(func(k string) bool { return sectionByID(p, k) != nil }, "s")
		p.Sections = append(p.Sections, &surveysv1.Section{Id: id, Title: d.text("builder.default.section", "n", len(p.Sections)+1)})
		return sectionAnchor(id), true
	case opRemoveSection:
		i := slices.IndexFunc(p.GetSections(), func(s *surveysv1.Section) bool { return s.GetId() == key })
		if i < 0 || p.GetKind() != surveysv1.PollKind_POLL_KIND_QUESTIONNAIRE {
			return "", false
		}
		gone := p.Sections[i].GetQuestions()
		p.Sections = slices.Delete(p.Sections, i, i+1)
		for _, q := range gone {
			dropConditionsOn(p, q.GetId())
		}
		return "vragen", true
	case opUp, opDown, opRemove:
		si, qi := questionAt(p, key)
		if si < 0 {
			return "", false
		}
		switch name {
		case opUp:
			moveUp(p, si, qi)
		case opDown:
			moveDown(p, si, qi)
		default:
			secs := p.GetSections()
			secs[si].Questions = slices.Delete(secs[si].Questions, qi, qi+1)
			dropConditionsOn(p, key)
			return "vragen", true
		}
		return questionAnchor(key), true
	}
	return "", false
}

func sectionAnchor(id string) string  { return "deel-" + id }
func questionAnchor(id string) string { return "vraag-" + id }

func sectionByID(p *surveysv1.Poll, id string) *surveysv1.Section {
	for _, s := range p.GetSections() {
		if s.GetId() == id {
			return s
		}
	}
	return nil
}

// questionIDs reports whether a question of p has the id.
func questionIDs(p *surveysv1.Poll) func(string) bool {
	return func(id string) bool {
		si, _ := questionAt(p, id)
		return si >= 0
	}
}

// questionAt finds a question: its section's index and its index there;
// -1, -1 when p has none with the id.
func questionAt(p *surveysv1.Poll, id string) (int, int) {
	for si, s := range p.GetSections() {
		for qi, q := range s.GetQuestions() {
			if q.GetId() == id {
				return si, qi
			}
		}
	}
	return -1, -1
}

// moveUp moves a question one place up; the first of a section becomes
// the last of the section before.
func moveUp(p *surveysv1.Poll, si, qi int) {
	secs := p.GetSections()
	qs := secs[si].Questions
	switch {
	case qi > 0:
		qs[qi-1], qs[qi] = qs[qi], qs[qi-1]
	case si > 0:
		q := qs[0]
		secs[si].Questions = qs[1:]
		secs[si-1].Questions = append(secs[si-1].Questions, q)
	}
}

// moveDown moves a question one place down; the last of a section becomes
// the first of the section after.
func moveDown(p *surveysv1.Poll, si, qi int) {
	secs := p.GetSections()
	qs := secs[si].Questions
	switch {
	case qi < len(qs)-1:
		qs[qi+1], qs[qi] = qs[qi], qs[qi+1]
	case si < len(secs)-1:
		q := qs[qi]
		secs[si].Questions = qs[:qi]
		secs[si+1].Questions = append([]*surveysv1.Question{q}, secs[si+1].Questions...)
	}
}

// dropConditionsOn removes the display conditions on a removed question,
// which would otherwise stop the draft from being saved.
func dropConditionsOn(p *surveysv1.Poll, id string) {
	for _, s := range p.GetSections() {
		for _, q := range s.GetQuestions() {
			if q.GetShowIf().GetQuestion() == id {
				q.ShowIf = nil
			}
		}
	}
}
