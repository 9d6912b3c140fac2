package polls

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/meedoen/meedoen/gateway/web/kit"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// The poll builder's form, read into the poll definition it stands for.
//
// The editor is one form that holds the whole draft, and every button of it
// (save, add a question, move one, remove one) posts all of it: the site
// reads the form into a poll, applies the button's change, and saves the
// whole definition with UpdatePoll. Nothing lives between requests but the
// service's draft, so the editor needs no JavaScript and no session.
//
// Field names start with the keys of sections and questions, which the
// service restricts to [a-z0-9_-], so no two can be the same:
//
//	deel                     the sections' ids, in order (hidden, repeated)
//	deel.{s}.vragen          the section's question ids, in order (hidden)
//	deel.{s}.titel.nl, …     a section's texts
//	vraag.{q}.soort          a question's type
//	vraag.{q}.tekst.nl, …    its texts and settings (see the qf* names)
//
// Choices, rows, columns and labels are edited one per line in a textarea,
// Dutch and English split by a vertical bar ("Bij het strand | By the
// beach"). A line keeps the id of the stored option with the same Dutch
// text, or else of the stored option at its place, so that fixing a typo or
// reordering lines keeps the ids that display conditions refer to.

// Names of the editor's own fields.
const (
	bfAction          = "actie"
	bfVersion         = "versie"
	bfSection         = "deel"
	bfTitleNL         = "titel.nl"
	bfTitleEN         = "titel.en"
	bfIntroNL         = "intro.nl"
	bfIntroEN         = "intro.en"
	bfAudience        = "publiek"
	bfSlug            = "slug"
	bfPostcodeCheck   = "postcodecontrole"
	bfMunicipalities  = "gemeenten"
	bfNeighbourhoods  = "wijken"
	bfAgeBands        = "leeftijden"
	bfOpensAt         = "opent"
	bfClosesAt        = "sluit"
	bfResultsNL       = "resultaten.nl"
	bfResultsEN       = "resultaten.en"
	checkedValue      = "ja"
	audiencePanel     = "panel"
	audienceOpenLink  = "open-link"
	momentDay         = ".datum" // after a moment's name: its day, 2006-01-02
	momentTime        = ".tijd"  // and its time of day, 15:04
	flashSectionID    = "s1"
	maxEditorSections = 20
)

// The parts of a question's field names, after "vraag.{q}.".
const (
	qfType       = "soort"
	qfTextNL     = "tekst.nl"
	qfTextEN     = "tekst.en"
	qfHelpNL     = "hulp.nl"
	qfHelpEN     = "hulp.en"
	qfRequired   = "verplicht"
	qfOptions    = "opties"
	qfOther      = "anders"
	qfMinChoices = "min-keuzes"
	qfMaxChoices = "max-keuzes"
	qfLabels     = "labels"
	qfRows       = "rijen"
	qfColumns    = "kolommen"
	qfMin        = "min"
	qfMax        = "max"
	qfStep       = "stap"
	qfUnitNL     = "eenheid.nl"
	qfUnitEN     = "eenheid.en"
	qfMaxLength  = "max-lengte"
	qfCondition  = "voorwaarde"
)

// The parts of a section's field names, after "deel.{s}.".
const (
	sfQuestions = "vragen"
	sfTitleNL   = "titel.nl"
	sfTitleEN   = "titel.en"
	sfIntroNL   = "intro.nl"
	sfIntroEN   = "intro.en"
	sfNewType   = "nieuw"
)

func qField(qid, part string) string { return "vraag." + qid + "." + part }

func sField(sid, part string) string { return "deel." + sid + "." + part }

// questionTypes are the types in the order the editor offers them.
var questionTypes = []surveysv1.QuestionType{
	surveysv1.QuestionType_QUESTION_TYPE_SINGLE_CHOICE,
	surveysv1.QuestionType_QUESTION_TYPE_MULTIPLE_CHOICE,
	surveysv1.QuestionType_QUESTION_TYPE_LIKERT,
	surveysv1.QuestionType_QUESTION_TYPE_SCALE,
	surveysv1.QuestionType_QUESTION_TYPE_RANKING,
	surveysv1.QuestionType_QUESTION_TYPE_MATRIX,
	surveysv1.QuestionType_QUESTION_TYPE_NUMBER,
	surveysv1.QuestionType_QUESTION_TYPE_SHORT_TEXT,
	surveysv1.QuestionType_QUESTION_TYPE_LONG_TEXT,
}

// typeValue is a question type as the form writes it: "single_choice".
func typeValue(t surveysv1.QuestionType) string { return kit.EnumValue(t.String(), "QUESTION_TYPE_") }

// typeKey is the catalogue key of a question type's name.
func typeKey(t surveysv1.QuestionType) string { return "builder.type." + typeValue(t) }

// parseType reads a posted question type; unspecified for anything else.
func parseType(v string) surveysv1.QuestionType {
	for _, t := range questionTypes {
		if typeValue(t) == v {
			return t
		}
	}
	return surveysv1.QuestionType_QUESTION_TYPE_UNSPECIFIED
}

// Which settings a type has.
func hasOptions(t surveysv1.QuestionType) bool {
	return t == surveysv1.QuestionType_QUESTION_TYPE_SINGLE_CHOICE || t == surveysv1.QuestionType_QUESTION_TYPE_MULTIPLE_CHOICE ||
		t == surveysv1.QuestionType_QUESTION_TYPE_RANKING
}

func hasOther(t surveysv1.QuestionType) bool {
	return t == surveysv1.QuestionType_QUESTION_TYPE_SINGLE_CHOICE || t == surveysv1.QuestionType_QUESTION_TYPE_MULTIPLE_CHOICE
}

func hasLabels(t surveysv1.QuestionType) bool {
	return t == surveysv1.QuestionType_QUESTION_TYPE_LIKERT || t == surveysv1.QuestionType_QUESTION_TYPE_SCALE
}

func hasMaxLength(t surveysv1.QuestionType) bool {
	return t == surveysv1.QuestionType_QUESTION_TYPE_SHORT_TEXT || t == surveysv1.QuestionType_QUESTION_TYPE_LONG_TEXT
}

// conditionable reports whether a later question can be shown depending
// on an answer to one of type t.
func conditionable(t surveysv1.QuestionType) bool {
	return hasOther(t) || hasLabels(t)
}

// draftProblem is a value the site could not read, before the service saw
// anything: the form field and the catalogue key of what is wrong.
type draftProblem struct {
	name, key string
}

// draftReader reads the editor's form.
type draftReader struct {
	form     url.Values
	loc      *time.Location
	stored   map[string]*surveysv1.Question // the service's questions by id
	problems []draftProblem
}

// readDraft reads the editor's form into a copy of stored with the
// definition the form holds. Values it cannot read are reported as
// problems and left out.
func readDraft(form url.Values, stored *surveysv1.Poll, loc *time.Location) (*surveysv1.Poll, []draftProblem) {
	d := &draftReader{form: form, loc: loc, stored: map[string]*surveysv1.Question{}}
	for _, sec := range stored.GetSections() {
		for _, q := range sec.GetQuestions() {
			d.stored[q.GetId()] = q
		}
	}
	p := proto.CloneOf(stored)
	p.Title = d.text(bfTitleNL, bfTitleEN)
	p.Intro = d.text(bfIntroNL, bfIntroEN)
	p.ResultsSharing = d.text(bfResultsNL, bfResultsEN)
	p.Slug = strings.TrimSpace(form.Get(bfSlug))
	p.OpensAt = d.moment(bfOpensAt)
	p.ClosesAt = d.moment(bfClosesAt)
	p.Audience = d.audience()
	p.Sections = nil
	for _, sid := range form[bfSection] {
		if !validKey(sid) || len(p.Sections) >= maxEditorSections {
			continue
		}
		sec := &surveysv1.Section{
			Id:    sid,
			Title: d.text(sField(sid, sfTitleNL), sField(sid, sfTitleEN)),
			Intro: d.text(sField(sid, sfIntroNL), sField(sid, sfIntroEN)),
		}
		for _, qid := range strings.Fields(form.Get(sField(sid, sfQuestions))) {
			if validKey(qid) {
				sec.Questions = append(sec.Questions, d.question(qid))
			}
		}
		p.Sections = append(p.Sections, sec)
	}
	return p, d.problems
}

// validKey reports whether s can be a section's or question's key, as
// the service writes them; the site builds field names from them.
func validKey(s string) bool {
	if s == "" || len(s) > 32 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func (d *draftReader) text(nl, en string) *surveysv1.Text {
	t := &surveysv1.Text{Nl: strings.TrimSpace(d.form.Get(nl)), En: strings.TrimSpace(d.form.Get(en))}
	if t.Nl == "" && t.En == "" {
		return nil
	}
	return t
}

func (d *draftReader) checked(name string) bool { return d.form.Get(name) == checkedValue }

// moment reads a day and a time of day in Amsterdam from the fields
// name.datum and name.tijd. They are two fields, not one datetime-local:
// Chromium will not narrow that one below about 240 px, too wide for a
// 320 px screen once the field is marked invalid.
func (d *draftReader) moment(name string) *timestamppb.Timestamp {
	day := strings.TrimSpace(d.form.Get(name + momentDay))
	clock := trimSeconds(d.form.Get(name + momentTime))
	if day == "" && clock == "" {
		return nil
	}
	t, err := time.ParseInLocation(time.DateOnly+" 15:04", day+" "+clock, d.loc)
	if err != nil {
		d.problems = append(d.problems, draftProblem{name, "builder.error.moment"})
		return nil
	}
	return timestamppb.New(t)
}

// trimSeconds drops the seconds of a time of day, which browsers send
// when a step asks for them: "09:00:00" → "09:00".
func trimSeconds(clock string) string {
	clock = strings.TrimSpace(clock)
	if len(clock) > 5 {
		return clock[:5]
	}
	return clock
}

// count reads a whole number; 0 for an empty field.
func (d *draftReader) count(name string) int32 {
	v := strings.TrimSpace(d.form.Get(name))
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil || n < 0 {
		d.problems = append(d.problems, draftProblem{name, "builder.error.count"})
		return 0
	}
	return int32(n)
}

// lines reads a textarea of one entry per line, "Dutch | English".
func (d *draftReader) lines(name string) []*surveysv1.Text {
	var out []*surveysv1.Text
	for line := range strings.Lines(d.form.Get(name)) {
		nl, en, _ := strings.Cut(line, "|")
		t := &surveysv1.Text{Nl: strings.TrimSpace(nl), En: strings.TrimSpace(en)}
		if t.Nl != "" || t.En != "" {
			out = append(out, t)
		}
	}
	return out
}

func (d *draftReader) audience() *surveysv1.Audience {
	a := &surveysv1.Audience{}
	switch d.form.Get(bfAudience) {
	case audiencePanel:
		a.Kind = surveysv1.AudienceKind_AUDIENCE_KIND_PANEL
	case audienceOpenLink:
		a.Kind = surveysv1.AudienceKind_AUDIENCE_KIND_OPEN_LINK
	}
	// What does not fit the kind is not sent: a panel's filters stay in
	// the form, unused, while the open link is chosen, and the other way
	// round, so that trying one kind loses nothing of the other.
	if a.Kind == surveysv1.AudienceKind_AUDIENCE_KIND_OPEN_LINK {
		a.PostcodeCheck = d.checked(bfPostcodeCheck)
	}
	if a.Kind == surveysv1.AudienceKind_AUDIENCE_KIND_PANEL {
		a.Municipalities = d.form[bfMunicipalities]
		a.Neighbourhoods = d.form[bfNeighbourhoods]
		a.AgeBands = d.form[bfAgeBands]
	}
	return a
}

// question reads the question with id qid; only the settings its type
// has, so that changing the type drops what no longer applies.
func (d *draftReader) question(qid string) *surveysv1.Question {
	f := func(part string) string { return qField(qid, part) }
	t := parseType(d.form.Get(f(qfType)))
	q := &surveysv1.Question{
		Id:       qid,
		Type:     t,
		Text:     d.text(f(qfTextNL), f(qfTextEN)),
		Help:     d.text(f(qfHelpNL), f(qfHelpEN)),
		Required: d.checked(f(qfRequired)),
	}
	old := d.stored[qid]
	if hasOptions(t) {
		q.Options = keepIDs(d.lines(f(qfOptions)), old.GetOptions())
	}
	if hasOther(t) {
		q.Other = d.checked(f(qfOther))
		if q.Other {
			// The editor does not change the label of "other, namely…";
			// one set over the API stays.
			q.OtherLabel = old.GetOtherLabel()
		}
	}
	if t == surveysv1.QuestionType_QUESTION_TYPE_MULTIPLE_CHOICE {
		q.MinChoices = d.count(f(qfMinChoices))
		q.MaxChoices = d.count(f(qfMaxChoices))
	}
	if hasLabels(t) {
		q.Labels = d.lines(f(qfLabels))
	}
	if t == surveysv1.QuestionType_QUESTION_TYPE_MATRIX {
		q.Rows = keepIDs(d.lines(f(qfRows)), old.GetRows())
		q.Columns = keepIDs(d.lines(f(qfColumns)), old.GetColumns())
	}
	if t == surveysv1.QuestionType_QUESTION_TYPE_NUMBER {
		q.Min = kit.APIDecimal(d.form.Get(f(qfMin)))
		q.Max = kit.APIDecimal(d.form.Get(f(qfMax)))
		q.Step = kit.APIDecimal(d.form.Get(f(qfStep)))
		q.Unit = d.text(f(qfUnitNL), f(qfUnitEN))
	}
	if hasMaxLength(t) {
		q.MaxLength = d.count(f(qfMaxLength))
	}
	q.ShowIf = parseCondition(d.form.Get(f(qfCondition)))
	return q
}

// keepIDs makes options of labels, each with the id of the stored option
// with the same Dutch text, else of the stored option at its place if no
// line names that one, else a new id that no stored option had, so that a
// new line never takes the id a display condition still names.
func keepIDs(labels []*surveysv1.Text, stored []*surveysv1.Option) []*surveysv1.Option {
	out := make([]*surveysv1.Option, len(labels))
	used := map[string]bool{}
	for i, l := range labels {
		for _, o := range stored {
			if !used[o.GetId()] && o.GetLabel().GetNl() == l.GetNl() {
				out[i] = &surveysv1.Option{Id: o.GetId(), Label: l}
				used[o.GetId()] = true
				break
			}
		}
	}
	for i, l := range labels {
		if out[i] == nil && i < len(stored) && !used[stored[i].GetId()] {
			out[i] = &surveysv1.Option{Id: stored[i].GetId(), Label: l}
			used[stored[i].GetId()] = true
		}
	}
	taken := func(id string) bool {
		return used[id] || slices.ContainsFunc(stored, func(o *surveysv1.Option) bool { return o.GetId() == id })
	}
	for i, l := range labels {
		if out[i] == nil {
			id := freshKey(taken, "")
			used[id] = true
			out[i] = &surveysv1.Option{Id: id, Label: l}
		}
	}
	return out
}

// freshKey returns the first of a, b, …, z (or prefix1, prefix2, … when a
// prefix is given, and after z) that taken does not hold.
func freshKey(taken func(string) bool, prefix string) string {
	if prefix == "" {
		for c := 'a'; c <= 'z'; c++ {
			if k := string(c); !taken(k) {
				return k
			}
		}
		prefix = "o"
	}
	for n := 1; ; n++ {
		if k := prefix + strconv.Itoa(n); !taken(k) {
			return k
		}
	}
}

// parseCondition reads a display condition as the editor's select writes
// it: "q1=a", or "q1=a,b" for one set over the API; nil for none.
func parseCondition(v string) *surveysv1.Condition {
	qid, keys, ok := strings.Cut(v, "=")
	if !ok || !validKey(qid) || keys == "" {
		return nil
	}
	return &surveysv1.Condition{Question: qid, AnyOf: strings.Split(keys, ",")}
}

// conditionValue writes c as the select's value.
func conditionValue(c *surveysv1.Condition) string {
	if c == nil || c.GetQuestion() == "" {
		return ""
	}
	return c.GetQuestion() + "=" + strings.Join(c.GetAnyOf(), ",")
}
