// Package pollform is the poll form as residents see it, shared by the
// resident's pages (gateway/web/respond) and the staff's preview of a poll
// (gateway/web/polls): how a poll's questions become a form, how a posted
// form becomes answers, and how the surveys service's objections to them
// land next to their fields. It has no pages of its own; its template,
// poll.html, is in Templates.
package pollform

import (
	"embed"
	"net/url"

	"github.com/meedoen/meedoen/gateway/web/kit"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// The poll form. Field names are built from the poll's keys, which hold
// only [a-z0-9_-], joined by dots, so no two can be the same:
//
//	v.{q}                  a choice, point, number or text; a group's radios
//	                       and checkboxes have the ids v.{q}.{option}
//	v.{q}.other.text       the text after "other, namely…"
//	v.{q}.{option}         a ranked option's position
//	v.{q}.{row}            a matrix row; its radios are v.{q}.{row}.{column}

// Templates holds the form's template, templates/poll.html, whose
// "content" is the whole form and whose other templates are its parts.
//
//go:embed templates/poll.html
var Templates embed.FS

// OtherID is the option id of "other, namely…", reserved by the service.
const OtherID = "other"

// The form's own fields beside the answers.
const (
	// KeyField carries the idempotency key made when the form was shown.
	KeyField = "sleutel"
	// PostcodeField asks for the postcode of an open link that checks it.
	PostcodeField = "postcode"
	// FeedbackField takes the optional address to mail what came of the
	// answers to.
	FeedbackField = "email"
	// PollIDField carries the poll's id, only to find the form in the
	// resident pages' cache: the service decides from the link alone
	// which poll an answer is for, so a wrong id costs a refused submit,
	// nothing more.
	PollIDField = "peiling"
)

func questionName(q *surveysv1.Question) string { return "v." + q.GetId() }

func otherName(q *surveysv1.Question) string { return questionName(q) + ".other.text" }

func partName(q *surveysv1.Question, part string) string { return questionName(q) + "." + part }

// Page is the data of the poll page: the form with what the resident
// entered so far and what the service objected to.
type Page struct {
	Title kit.Localized
	Intro kit.Localized
	// Action is where the form posts: the page itself.
	Action string
	// Key is the idempotency key of this form.
	Key string
	// PollID names the poll for the form cache of the resident's pages.
	PollID string
	// Closes says until when the poll takes answers.
	Closes string
	// AnyRequired tells whether to explain the "(required)" mark.
	AnyRequired bool
	// Postcode asks for the resident's postcode; nil when not needed.
	Postcode *inputView
	Sections []sectionView
	// Feedback asks, optionally, for an address to mail what came of the
	// answers to; nil when the service sends no mail.
	Feedback *inputView
	Errors   *kit.FormErrors
}

// sectionView is a section of the form; a flash poll's may have no title.
type sectionView struct {
	ID        string
	Title     kit.Localized
	Intro     kit.Localized
	Questions []pollQuestion
}

// Kinds of question layout, the templates that show them.
const (
	layoutChoices = "choices" // radios or checkboxes in a fieldset
	layoutRanking = "ranking" // a select of positions per option
	layoutMatrix  = "matrix"  // a fieldset of radios per row
	layoutInput   = "input"   // one text box
	layoutText    = "textarea"
)

// pollQuestion is one question of the poll form.
type pollQuestion struct {
	Layout string
	// Name is the question's form name, and the prefix of its ids.
	Name   string
	Number int
	Text   kit.Localized
	// Required marks a question that must always be answered; a required
	// question with a display condition says so in its condition hint.
	Required bool
	Help     kit.Localized
	// Hints explain the condition and the limits, in the page's language.
	Hints []string
	// Multiple makes the choices checkboxes; Scale sets them out as the
	// points of a scale.
	Multiple bool
	Scale    bool
	Choices  []choiceView
	Other    *inputView
	Ranks    []inputView
	Rows     []rowView
	// Input is the text box of a number or text question.
	Input       *inputView
	Errors      []kit.FieldError
	DescribedBy string
}

// choiceView is one radio or checkbox.
type choiceView struct {
	ID      string
	Value   string
	Label   kit.Localized
	Checked bool
}

// rowView is one row of a matrix: a group of radios.
type rowView struct {
	Name        string
	Label       kit.Localized
	Choices     []choiceView
	Errors      []kit.FieldError
	DescribedBy string
}

// inputView is a text box or select with its label.
type inputView struct {
	ID           string
	Label        kit.Localized
	Value        string
	Hint         string
	InputMode    string
	Autocomplete string
	Unit         kit.Localized
	// Short makes a text box as wide as a postcode.
	Short bool
	// Required marks the label "(required)".
	Required bool
	// Options make it a select.
	Options     []kit.Choice
	Errors      []kit.FieldError
	DescribedBy string
}

// Show fills in rq's page with rp's form: the values entered, the
// idempotency key of the form and errs, posting to action. The page is
// "poll", the template of Templates.
func Show(rq *kit.Request, rp *surveysv1.RespondentPoll, values url.Values, key string, errs *kit.FormErrors, action string, status int) {
	lang, w := rq.Lang(), rq.Words
	p := &Page{
		Title:  kit.Localize(rp.GetTitle(), lang),
		Intro:  kit.Localize(rp.GetIntro(), lang),
		Action: action,
		Key:    key,
		PollID: rp.GetId(),
		Errors: errs,
	}
	if rp.GetClosesAt() != nil {
		p.Closes = w.Say("poll.closes", "closes", w.Moment(rp.GetClosesAt()))
	}
	if rp.GetPostcodeCheck() {
		in := &inputView{
			ID:           PostcodeField,
			Label:        kit.Localized{S: w.Say("poll.postcode.label")},
			Value:        values.Get(PostcodeField),
			Hint:         w.Say("poll.postcode.hint"),
			Autocomplete: "postal-code",
			Short:        true,
			Required:     true,
			Errors:       errs.For(PostcodeField),
		}
		in.DescribedBy = kit.DescribedBy(in.ID, true, in.Errors)
		p.Postcode = in
	}
	if rp.GetOffersFeedback() {
		in := &inputView{
			ID:           FeedbackField,
			Label:        kit.Localized{S: w.Say("poll.feedback.label")},
			Value:        values.Get(FeedbackField),
			Hint:         w.Say("poll.feedback.hint"),
			Autocomplete: "email",
			Errors:       errs.For(FeedbackField),
		}
		in.DescribedBy = kit.DescribedBy(in.ID, true, in.Errors)
		p.Feedback = in
	}
	b := formBuilder{phrasing: phrasing{w}, values: values, errs: errs, index: indexQuestions(rp)}
	for _, sec := range rp.GetSections() {
		sv := sectionView{
			ID:    sec.GetId(),
			Title: kit.Localize(sec.GetTitle(), lang),
			Intro: kit.Localize(sec.GetIntro(), lang),
		}
		for _, q := range sec.GetQuestions() {
			qv := b.question(q)
			if qv.Required {
				p.AnyRequired = true
			}
			sv.Questions = append(sv.Questions, qv)
		}
		p.Sections = append(p.Sections, sv)
	}
	rq.View.Title = p.Title.S
	rq.View.TitleKey = "poll.title"
	rq.View.HasErrors = errs.Any()
	rq.View.Page = p
	rq.Page = "poll"
	rq.Status = status
}

// questionIndex finds a question and its number by id.
type questionIndex map[string]numbered

type numbered struct {
	q      *surveysv1.Question
	number int
}

// indexQuestions numbers the questions from 1 through all sections.
func indexQuestions(rp *surveysv1.RespondentPoll) questionIndex {
	idx := questionIndex{}
	n := 0
	for _, sec := range rp.GetSections() {
		for _, q := range sec.GetQuestions() {
			n++
			idx[q.GetId()] = numbered{q: q, number: n}
		}
	}
	return idx
}
