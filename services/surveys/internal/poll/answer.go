package poll

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/meedoen/meedoen/internal/errs"
)

// Answers is what a respondent submits, raw, for Check to judge.
type Answers struct {
	// Municipality is the respondent's municipality as the service knows it:
	// from the invited panel member, or from the postcode check of an open
	// link. It is never what the respondent typed. A local poll may leave it
	// empty: it is the tenant.
	Municipality string
	// Questions holds the answers by question id.
	Questions map[string]Answer
}

// Answer is one raw answer. Which fields apply depends on the question's
// type; an answer with every field empty is no answer.
type Answer struct {
	// Choice is a single choice answer: an option id, or OtherID.
	Choice string
	// Choices are a multiple choice answer's option ids, OtherID among them.
	Choices []string
	// Other is the text after "other, namely…".
	Other string
	// Value is a Likert point (1–5), a scale point (0–10) or a number, as
	// typed, e.g. "12,5".
	Value string
	// Ranks is a ranking: each option id with its position, 1 first.
	Ranks map[string]int
	// Rows is a matrix answer: each row id with the chosen column id.
	Rows map[string]string
	// Text is a short or long text.
	Text string
}

// empty reports whether a gives no answer at all; a browser sends empty
// fields for what was left open.
func (a Answer) empty() bool {
	for _, c := range a.Rows {
		if c != "" {
			return false
		}
	}
	return len(mergedChoices(a)) == 0 && strings.TrimSpace(a.Other) == "" &&
		strings.TrimSpace(a.Value) == "" && len(a.Ranks) == 0 && strings.TrimSpace(a.Text) == ""
}

// Response is a checked, normalised response: pseudonymous, holding no
// more than the answers of the questions the respondent was shown.
type Response struct {
	// ID is the response's id, a UUIDv7.
	ID     string
	PollID string
	// Municipality is the respondent's municipality; empty for a shared
	// poll's open link without a postcode check.
	Municipality string
	SubmittedAt  time.Time
	// Replies are the answers given, in question order. Questions left
	// open, and those hidden by their condition, have none.
	Replies []Reply
	// Attributes are what the panel knows of an invited respondent, by
	// attribute (AgeBand, Neighbourhood), for breakdowns of the tally;
	// nil for open links. They are coarse on purpose and never stored
	// with the answers (see Breakdown).
	Attributes map[string]string
}

// Reply is one checked answer, normalised: for each type one way to say it.
type Reply struct {
	Question string
	Type     QuestionType
	// Choices holds a single choice (one) or multiple choice answer, in the
	// question's option order, OtherID last.
	Choices []string
	// Other is the text after "other, namely…", when OtherID was chosen.
	Other string
	// Point is a Likert (1–5) or scale (0–10) answer.
	Point int
	// Number is a number answer.
	Number Decimal
	// Ranking lists a ranking's option ids from first to last.
	Ranking []string
	// Rows maps each answered matrix row to its column.
	Rows map[string]string
	// Text is a short or long text answer.
	Text string
}

// Check judges a submission at now and returns it as a normalised response,
// or an error: FailedPrecondition when the poll takes no answers at now,
// else Invalid naming every problem at once, each at "/answers/{question}"
// (or deeper, for a matrix row, a ranked option or the "other" text).
//
// An answer to a question hidden by its condition is ignored, not
// rejected, and never stored: a page without JavaScript shows every
// question of a section, so a resident may answer B and then change the
// answer to A that shows B. Rejecting would punish them for our page;
// storing would keep an answer to a question they were not asked.
func (p Poll) Check(answers Answers, now time.Time) (Response, error) {
	replies, municipality, err := p.check(answers, now, len(p.sections)-1)
	if err != nil {
		return Response{}, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Response{}, fmt.Errorf("new response id: %w", err)
	}
	return Response{ID: id.String(), PollID: p.id, Municipality: municipality, SubmittedAt: utc(now), Replies: replies}, nil
}

// CheckSection judges the answers to the sections up to and including the
// section with id, as a paged questionnaire does before showing the next
// page. Answers to later sections are left for later.
func (p Poll) CheckSection(id string, answers Answers, now time.Time) error {
	i := slices.IndexFunc(p.sections, func(s Section) bool { return s.ID == id })
	if i < 0 {
		return errs.New(errs.NotFound, "poll %s has no section %q", p.id, id)
	}
	_, _, err := p.check(answers, now, i)
	return err
}

// check judges the answers to sections 0 to through.
func (p Poll) check(a Answers, now time.Time, through int) ([]Reply, string, error) {
	if err := p.CheckOpen(now); err != nil {
		return nil, "", err
	}
	var v errs.Violations
	municipality := p.checkMunicipality(&v, a.Municipality)

	// Answers to later sections are not unknown; they wait for their page.
	known := map[string]bool{}
	for _, q := range questionsOf(p.sections) {
		known[q.ID] = true
	}
	for _, id := range slices.Sorted(maps.Keys(a.Questions)) {
		if !known[id] {
			v.Add("/answers/"+id, "is not a question of this poll")
		}
	}

	var replies []Reply
	given := map[string]Reply{}
	invalid := map[string]bool{}
	for _, s := range p.sections[:through+1] {
		for _, q := range s.Questions {
			path := "/answers/" + q.ID
			shown, sure := visible(q, given, invalid)
			if sure && !shown {
				continue
			}
			ans, ok := a.Questions[q.ID]
			if !ok || ans.empty() {
				// When the question's condition hangs on an invalid answer we
				// cannot tell whether it is required; the problem with that
				// answer is reported already.
				if q.Required && sure {
					v.Add(path, "is required")
				}
				continue
			}
			before := len(v)
			r := checkAnswer(&v, path, q, ans)
			if len(v) > before {
				invalid[q.ID] = true
				continue
			}
			given[q.ID] = r
			replies = append(replies, r)
		}
	}
	if err := v.Err(); err != nil {
		return nil, "", err
	}
	return replies, municipality, nil
}

// visible tells whether q is shown given the valid earlier replies; sure is
// false when that depends on an answer that was invalid.
func visible(q Question, given map[string]Reply, invalid map[string]bool) (shown, sure bool) {
	if q.ShowIf == nil {
		return true, true
	}
	if invalid[q.ShowIf.Question] {
		return false, false
	}
	r, ok := given[q.ShowIf.Question]
	if !ok {
		// The earlier question was left open or was itself hidden.
		return false, true
	}
	for _, k := range conditionValues(r) {
		if slices.Contains(q.ShowIf.AnyOf, k) {
			return true, true
		}
	}
	return false, true
}

// conditionValues are the values of r that a condition can name.
func conditionValues(r Reply) []string {
	switch r.Type {
	case Likert, Scale:
		return []string{strconv.Itoa(r.Point)}
	}
	return r.Choices
}

// CheckOpen returns nil if the poll takes answers at t, and otherwise the
// one error every path that stores answers gives, saying why not (a
// draft, when it opens, when it closed). The store checks it again where
// it commits, against the poll as locked there.
func (p Poll) CheckOpen(t time.Time) error {
	st := p.StatusAt(t)
	if st == Open {
		return nil
	}
	var reason string
	switch st {
	case Draft:
		reason = "is a draft"
	case Scheduled:
		reason = "opens at " + p.opensAt.Format(time.RFC3339)
	case Closed:
		reason = "closed at " + p.closesAt.Format(time.RFC3339)
	default:
		reason = "has status " + string(st)
	}
	return &errs.Error{Code: errs.FailedPrecondition, Message: "the poll is not open",
		Fields: []errs.Field{{Path: "/status", Reason: reason}}}
}

// checkMunicipality returns the respondent's municipality: the tenant of a
// local poll, one of the participants of a shared one, or "" for a shared
// poll's open link that does not check postcodes.
func (p Poll) checkMunicipality(v *errs.Violations, m string) string {
	m = strings.TrimSpace(m)
	switch {
	case !p.Shared():
		if m != "" && m != p.tenant {
			v.Add("/municipality", fmt.Sprintf("%q is not this poll's municipality", m))
		}
		// An open link that checks postcodes takes only answers whose
		// postcode was found in the municipality, even when the poll has
		// just one: without it the answer would count as a resident's
		// of a postcode nobody checked.
		if m == "" && p.audience.PostcodeCheck {
			v.Add("/municipality", "is required: this poll checks that respondents live in its municipality")
		}
		return p.tenant
	case m == "":
		if p.audience.KnowsMunicipality() {
			v.Add("/municipality", "is required: this poll's audience comes with a known municipality")
		}
	case !slices.Contains(p.participants, m):
		v.Add("/municipality", fmt.Sprintf("%q does not take part in this poll", m))
	}
	return m
}
