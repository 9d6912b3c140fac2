package polls

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/meedoen/meedoen/gateway/web/kit"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// The editor's page: every field of the draft with its label, value and
// the service's objections, and the list of fields in page order that
// ties each objection (named by the path of the poll's field) to one of
// them.

// bField is one control of the editor.
type bField struct {
	// ID is the control's id and name; for radios and checkboxes the
	// group's name, each box's id being ID-value.
	ID    string
	Label string
	Hint  string
	// Kind is text, number (a decimal), count (a whole number),
	// textarea, select, checkbox, moment (a day and a time of day),
	// radios or checkboxes.
	Kind  string
	Value string
	// Value2, DayLabel and TimeLabel are a moment's time of day and
	// the labels of its two fields.
	Value2              string
	DayLabel, TimeLabel string
	Checked             bool
	Options             []kit.Choice
	Groups              []kit.ChoiceGroup
	Rows                int
	// Lang marks a field for English text on a Dutch page.
	Lang   string
	Errors []kit.FieldError
}

// bSection is a section of the editor with its questions.
type bSection struct {
	ID      string
	Anchor  string
	Heading string
	// Questions lists the question ids for the hidden field that keeps
	// their order.
	QuestionIDs string
	Fields      []bField
	Questions   []bQuestion
	AddType     bField
	AddAction   string
	// RemoveAction removes the section; empty for a flash poll's.
	RemoveAction string
	Errors       []kit.FieldError
}

// bQuestion is a question of the editor.
type bQuestion struct {
	ID      string
	Anchor  string
	Number  int
	Heading string
	Fields  []bField
	Errors  []kit.FieldError
	// The buttons' values; empty hides one.
	Up, Down, Remove string
}

// editorView builds the editor's page for a poll.
type editorView struct {
	ph     phrasing
	names  func(code string) string
	form   url.Values // as posted, to show what could not be read; nil on GET
	errs   *kit.FormErrors
	fields []kit.FormField
	// prefix names the question or section the fields being built
	// belong to, in the error summary ("Vraag 2: "); on the page their
	// fieldset's legend says it.
	prefix string
	// hoodsOf is a municipality's neighbourhoods, from the surveys
	// service's closed list.
	hoodsOf func(municipality string) []*surveysv1.Neighbourhood
}

// raw is the value posted for name, or else def.
func (e *editorView) raw(name, def string) string {
	if e.form != nil {
		if vs, ok := e.form[name]; ok && len(vs) > 0 {
			return vs[0]
		}
	}
	return def
}

// register records a field of the page with the path the service names
// it by.
func (e *editorView) register(path, name, anchor, label string) {
	e.fields = append(e.fields, kit.FormField{Path: path, Name: name, Anchor: anchor, Label: e.prefix + label})
}

// input makes a text field and registers it.
func (e *editorView) input(kind, path, name, label, value string) bField {
	e.register(path, name, name, label)
	f := bField{ID: name, Label: label, Kind: kind, Value: e.raw(name, value)}
	if strings.HasSuffix(name, ".en") && e.ph.Lang() != "en" {
		f.Lang = "en"
	}
	if kind == "textarea" {
		f.Rows = 3
	}
	return f
}

// textPair makes the Dutch and English fields of a text.
func (e *editorView) textPair(kind, path, name, labelKey string, t *surveysv1.Text) []bField {
	nlLabel := e.ph.Say(labelKey) + " " + e.ph.Say("builder.inDutch")
	enLabel := e.ph.Say(labelKey) + " " + e.ph.Say("builder.inEnglish")
	// The service names a missing or too long Dutch text by the text's
	// own path, the English one by its "/en".
	return []bField{
		e.input(kind, path, name+".nl", nlLabel, t.GetNl()),
		e.input(kind, path+"/en", name+".en", enLabel, t.GetEn()),
	}
}

func (e *editorView) checkbox(path, name, label string, checked bool) bField {
	e.register(path, name, name, label)
	return bField{ID: name, Label: label, Kind: "checkbox", Checked: checked}
}

// linesOf writes texts one per line, "Dutch | English".
func linesOf(ts []*surveysv1.Text) string {
	var b strings.Builder
	for _, t := range ts {
		b.WriteString(t.GetNl())
		if t.GetEn() != "" {
			b.WriteString(" | " + t.GetEn())
		}
		b.WriteString("\n")
	}
	return b.String()
}

func labelsOf(os []*surveysv1.Option) []*surveysv1.Text {
	out := make([]*surveysv1.Text, len(os))
	for i, o := range os {
		out[i] = o.GetLabel()
	}
	return out
}

// momentValues writes a time as the day and time of day in Amsterdam.
func (s *Pages) momentValues(ts *timestamppb.Timestamp) (day, clock string) {
	if ts == nil {
		return "", ""
	}
	t := ts.AsTime().In(s.kit.Location())
	return t.Format(time.DateOnly), t.Format("15:04")
}

// typeOptions are the question types for a select, t selected.
func (e *editorView) typeOptions(t surveysv1.QuestionType) []kit.Choice {
	var out []kit.Choice
	for _, qt := range questionTypes {
		out = append(out, kit.Choice{Value: typeValue(qt), Label: e.ph.Say(typeKey(qt)), Selected: qt == t})
	}
	return out
}

// texts are the poll's title and intro.
func (e *editorView) texts(p *surveysv1.Poll) []bField {
	return append(e.textPair("text", "/title", "titel", "builder.field.title", p.GetTitle()),
		e.textPair("textarea", "/intro", "intro", "builder.field.intro", p.GetIntro())...)
}

// sections are the poll's sections with their questions.
func (e *editorView) sections(p *surveysv1.Poll) []bSection {
	questionnaire := p.GetKind() == surveysv1.PollKind_POLL_KIND_QUESTIONNAIRE
	secs := p.GetSections()
	if len(secs) == 0 && !questionnaire {
		// A flash poll's one section comes with its first question.
		secs = []*surveysv1.Section{{Id: flashSectionID}}
	}
	var out []bSection
	n := 0
	var earlier []*surveysv1.Question
	for i, sec := range secs {
		path := fmt.Sprintf("/sections/%d", i)
		sid := sec.GetId()
		bs := bSection{ID: sid, Anchor: sectionAnchor(sid), AddAction: opAdd + "." + sid}
		var ids []string
		for _, q := range sec.GetQuestions() {
			ids = append(ids, q.GetId())
		}
		bs.QuestionIDs = strings.Join(ids, " ")
		if questionnaire {
			bs.Heading = e.ph.Say("builder.section.heading", "n", i+1)
			e.register(path, "deel."+sid, sField(sid, sfTitleNL), bs.Heading)
			e.prefix = bs.Heading + ": "
			bs.Fields = append(e.textPair("text", path+"/title", "deel."+sid+".titel", "builder.field.sectionTitle", sec.GetTitle()),
				e.textPair("textarea", path+"/intro", "deel."+sid+".intro", "builder.field.intro", sec.GetIntro())...)
			e.prefix = ""
			bs.RemoveAction = opRemoveSection + "." + sid
		}
		for j, q := range sec.GetQuestions() {
			n++
			bq := e.question(fmt.Sprintf("%s/questions/%d", path, j), q, n, earlier)
			earlier = append(earlier, q)
			bs.Questions = append(bs.Questions, bq)
		}
		addName := sField(sid, sfNewType)
		bs.AddType = bField{
			ID: addName, Kind: "select", Label: e.ph.Say("builder.add.type"),
			Options: e.typeOptions(parseType(e.raw(addName, typeValue(surveysv1.QuestionType_QUESTION_TYPE_SINGLE_CHOICE)))),
		}
		if questionnaire {
			bs.AddType.Label = e.ph.Say("builder.add.typeIn", "section", bs.Heading)
		}
		out = append(out, bs)
	}
	// Moving is offered where there is somewhere to go: past the ends
	// of a section into the next one, but not past the poll's ends.
	for i := range out {
		qs := out[i].Questions
		for j := range qs {
			if j > 0 || i > 0 {
				qs[j].Up = opUp + "." + qs[j].ID
			}
			if j < len(qs)-1 || i < len(out)-1 {
				qs[j].Down = opDown + "." + qs[j].ID
			}
		}
	}
	return out
}

// question builds one question's fields: those of every type, then those
// of its own.
func (e *editorView) question(path string, q *surveysv1.Question, n int, earlier []*surveysv1.Question) bQuestion {
	qid := q.GetId()
	t := q.GetType()
	name := func(part string) string { return qField(qid, part) }
	heading := e.ph.Say("builder.question.heading", "n", n, "type", e.ph.Say(typeKey(t)))
	if t == surveysv1.QuestionType_QUESTION_TYPE_UNSPECIFIED {
		heading = e.ph.Say("builder.question.untyped", "n", n)
	}
	bq := bQuestion{ID: qid, Anchor: questionAnchor(qid), Number: n, Heading: heading, Remove: opRemove + "." + qid}
	e.register(path, "vraag."+qid, name(qfTextNL), heading)
	e.prefix = e.ph.Say("builder.question.short", "n", n) + ": "
	defer func() { e.prefix = "" }()
	typeField := bField{ID: name(qfType), Kind: "select", Label: e.ph.Say("builder.field.type"), Options: e.typeOptions(t),
		Hint: e.ph.Say("builder.type.hint")}
	e.register(path+"/type", typeField.ID, typeField.ID, typeField.Label)
	fs := e.textPair("text", path+"/text", "vraag."+qid+".tekst", "builder.field.question", q.GetText())
	fs = append(fs, typeField)
	fs = append(fs, e.textPair("textarea", path+"/help", "vraag."+qid+".hulp", "builder.field.help", q.GetHelp())...)
	fs = append(fs, e.checkbox(path+"/required", name(qfRequired), e.ph.Say("builder.field.required"), q.GetRequired()))
	lines := func(sub, part, labelKey, hintKey string, ts []*surveysv1.Text) bField {
		f := e.input("textarea", path+"/"+sub, name(part), e.ph.Say(labelKey), linesOf(ts))
		f.Rows = max(4, len(ts)+1)
		f.Hint = e.ph.Say(hintKey)
		return f
	}
	number := func(sub, part, labelKey, value string) bField {
		return e.input("number", path+"/"+sub, name(part), e.ph.Say(labelKey), e.ph.Decimal(value))
	}
	count := func(sub, part, labelKey string, n int32) bField {
		v := ""
		if n != 0 {
			v = strconv.Itoa(int(n))
		}
		return e.input("count", path+"/"+sub, name(part), e.ph.Say(labelKey), v)
	}
	if hasOptions(t) {
		fs = append(fs, lines("options", qfOptions, "builder.field.options", "builder.lines.hint", labelsOf(q.GetOptions())))
	}
	if hasOther(t) {
		f := e.checkbox(path+"/other", name(qfOther), e.ph.Say("builder.field.other"), q.GetOther())
		e.register(path+"/otherLabel", name(qfOther), name(qfOther), f.Label)
		fs = append(fs, f)
	}
	switch t {
	case surveysv1.QuestionType_QUESTION_TYPE_MULTIPLE_CHOICE:
		lo := count("minChoices", qfMinChoices, "builder.field.minChoices", q.GetMinChoices())
		hi := count("maxChoices", qfMaxChoices, "builder.field.maxChoices", q.GetMaxChoices())
		hi.Hint = e.ph.Say("builder.maxChoices.hint")
		fs = append(fs, lo, hi)
	case surveysv1.QuestionType_QUESTION_TYPE_LIKERT:
		fs = append(fs, lines("labels", qfLabels, "builder.field.labels", "builder.likert.hint", q.GetLabels()))
	case surveysv1.QuestionType_QUESTION_TYPE_SCALE:
		fs = append(fs, lines("labels", qfLabels, "builder.field.labels", "builder.scale.hint", q.GetLabels()))
	case surveysv1.QuestionType_QUESTION_TYPE_MATRIX:
		fs = append(fs,
			lines("rows", qfRows, "builder.field.rows", "builder.rows.hint", labelsOf(q.GetRows())),
			lines("columns", qfColumns, "builder.field.columns", "builder.columns.hint", labelsOf(q.GetColumns())))
	case surveysv1.QuestionType_QUESTION_TYPE_NUMBER:
		lo := number("min", qfMin, "builder.field.min", q.GetMin())
		lo.Hint = e.ph.Say("builder.decimal.hint")
		fs = append(fs, lo,
			number("max", qfMax, "builder.field.max", q.GetMax()),
			number("step", qfStep, "builder.field.step", q.GetStep()))
		fs = append(fs, e.textPair("text", path+"/unit", "vraag."+qid+".eenheid", "builder.field.unit", q.GetUnit())...)
	case surveysv1.QuestionType_QUESTION_TYPE_SHORT_TEXT, surveysv1.QuestionType_QUESTION_TYPE_LONG_TEXT:
		f := count("maxLength", qfMaxLength, "builder.field.maxLength", q.GetMaxLength())
		limit := 200
		if t == surveysv1.QuestionType_QUESTION_TYPE_LONG_TEXT {
			limit = 5000
		}
		f.Hint = e.ph.Say("builder.maxLength.hint", "max", limit)
		fs = append(fs, f)
	}
	fs = append(fs, e.condition(path, q, earlier))
	bq.Fields = fs
	return bq
}

// attachErrors puts each field's errors next to it.
func (b *builderPage) attachErrors(errs *kit.FormErrors) {
	b.Errors = errs
	set := func(fs []bField) {
		for i := range fs {
			fs[i].Errors = errs.For(fs[i].ID)
		}
	}
	set(b.Texts)
	set(b.Audience)
	set(b.Schedule)
	b.QuestionErrors = errs.For("vragen")
	for i := range b.Sections {
		s := &b.Sections[i]
		s.Errors = errs.For("deel." + s.ID)
		set(s.Fields)
		for j := range s.Questions {
			q := &s.Questions[j]
			q.Errors = errs.For("vraag." + q.ID)
			set(q.Fields)
		}
	}
}

// DescribedBy joins the ids of the field's hint and errors.
func (f bField) DescribedBy() string { return kit.DescribedBy(f.ID, f.Hint != "", f.Errors) }
