package store

import (
	"encoding/json"
	"fmt"

	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

// The jsonb documents below are the storage format of a poll's definition
// and of a response's answers. They are declared here, with their own
// field names, rather than marshalled from the domain types, so that
// renaming a domain field cannot silently change what is stored, nor make
// stored polls unreadable.

// definition is what a poll asks: everything that is not a column.
type definition struct {
	Title          text      `json:"title"`
	Intro          text      `json:"intro,omitzero"`
	Sections       []section `json:"sections,omitempty"`
	Audience       audience  `json:"audience,omitzero"`
	ResultsSharing text      `json:"resultsSharing,omitzero"`
}

type text struct {
	NL string `json:"nl,omitempty"`
	EN string `json:"en,omitempty"`
}

type section struct {
	ID        string     `json:"id"`
	Title     text       `json:"title,omitzero"`
	Intro     text       `json:"intro,omitzero"`
	Questions []question `json:"questions,omitempty"`
}

type question struct {
	ID         string     `json:"id"`
	Type       string     `json:"type"`
	Text       text       `json:"text"`
	Help       text       `json:"help,omitzero"`
	Required   bool       `json:"required,omitempty"`
	Options    []option   `json:"options,omitempty"`
	Other      bool       `json:"other,omitempty"`
	OtherLabel text       `json:"otherLabel,omitzero"`
	MinChoices int        `json:"minChoices,omitempty"`
	MaxChoices int        `json:"maxChoices,omitempty"`
	Labels     []text     `json:"labels,omitempty"`
	Rows       []option   `json:"rows,omitempty"`
	Columns    []option   `json:"columns,omitempty"`
	Min        string     `json:"min,omitempty"`
	Max        string     `json:"max,omitempty"`
	Step       string     `json:"step,omitempty"`
	Unit       text       `json:"unit,omitzero"`
	MaxLength  int        `json:"maxLength,omitempty"`
	ShowIf     *condition `json:"showIf,omitempty"`
}

type option struct {
	ID    string `json:"id"`
	Label text   `json:"label"`
}

type condition struct {
	Question string   `json:"question"`
	AnyOf    []string `json:"anyOf"`
}

type audience struct {
	Kind           string   `json:"kind,omitempty"`
	Municipalities []string `json:"municipalities,omitempty"`
	Neighbourhoods []string `json:"neighbourhoods,omitempty"`
	AgeBands       []string `json:"ageBands,omitempty"`
	PostcodeCheck  bool     `json:"postcodeCheck,omitempty"`
}

func encodeDefinition(r poll.Record) ([]byte, error) {
	d := definition{
		Title:          textOf(r.Title),
		Intro:          textOf(r.Intro),
		ResultsSharing: textOf(r.ResultsSharing),
		Audience: audience{
			Kind:           string(r.Audience.Kind),
			Municipalities: r.Audience.Municipalities,
			Neighbourhoods: r.Audience.Neighbourhoods,
			AgeBands:       r.Audience.AgeBands,
			PostcodeCheck:  r.Audience.PostcodeCheck,
		},
	}
	for _, s := range r.Sections {
		ds := section{ID: s.ID, Title: textOf(s.Title), Intro: textOf(s.Intro)}
		for _, q := range s.Questions {
			ds.Questions = append(ds.Questions, questionOf(q))
		}
		d.Sections = append(d.Sections, ds)
	}
	b, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("encoding the definition of poll %s: %w", r.ID, err)
	}
	return b, nil
}

// decodeDefinition fills r's definition fields from the stored document.
func decodeDefinition(b []byte, r *poll.Record) error {
	var d definition
	if err := json.Unmarshal(b, &d); err != nil {
		return fmt.Errorf("decoding the definition of poll %s: %w", r.ID, err)
	}
	r.Title, r.Intro, r.ResultsSharing = d.Title.domain(), d.Intro.domain(), d.ResultsSharing.domain()
	r.Audience = poll.Audience{
		Kind:           poll.AudienceKind(d.Audience.Kind),
		Municipalities: d.Audience.Municipalities,
		Neighbourhoods: d.Audience.Neighbourhoods,
		AgeBands:       d.Audience.AgeBands,
		PostcodeCheck:  d.Audience.PostcodeCheck,
	}
	r.Sections = nil
	for _, s := range d.Sections {
		rs := poll.Section{ID: s.ID, Title: s.Title.domain(), Intro: s.Intro.domain()}
		for _, q := range s.Questions {
			dq, err := q.domain()
			if err != nil {
				return fmt.Errorf("decoding the definition of poll %s, question %s: %w", r.ID, q.ID, err)
			}
			rs.Questions = append(rs.Questions, dq)
		}
		r.Sections = append(r.Sections, rs)
	}
	return nil
}

func textOf(t poll.Text) text { return text{NL: t.NL, EN: t.EN} }

func (t text) domain() poll.Text { return poll.Text{NL: t.NL, EN: t.EN} }

func questionOf(q poll.Question) question {
	dq := question{
		ID: q.ID, Type: string(q.Type), Text: textOf(q.Text), Help: textOf(q.Help), Required: q.Required,
		Options: optionsOf(q.Options), Other: q.Other, OtherLabel: textOf(q.OtherLabel),
		MinChoices: q.MinChoices, MaxChoices: q.MaxChoices,
		Rows: optionsOf(q.Rows), Columns: optionsOf(q.Columns),
		Unit: textOf(q.Unit), MaxLength: q.MaxLength,
	}
	for _, l := range q.Labels {
		dq.Labels = append(dq.Labels, textOf(l))
	}
	// A number question's bounds are meaningful at zero too; other types
	// have none.
	if q.Type == poll.Number {
		dq.Min, dq.Max, dq.Step = q.Min.String(), q.Max.String(), q.Step.String()
	}
	if q.ShowIf != nil {
		dq.ShowIf = &condition{Question: q.ShowIf.Question, AnyOf: q.ShowIf.AnyOf}
	}
	return dq
}

func (q question) domain() (poll.Question, error) {
	out := poll.Question{
		ID: q.ID, Type: poll.QuestionType(q.Type), Text: q.Text.domain(), Help: q.Help.domain(), Required: q.Required,
		Options: optionsFrom(q.Options), Other: q.Other, OtherLabel: q.OtherLabel.domain(),
		MinChoices: q.MinChoices, MaxChoices: q.MaxChoices,
		Rows: optionsFrom(q.Rows), Columns: optionsFrom(q.Columns),
		Unit: q.Unit.domain(), MaxLength: q.MaxLength,
	}
	for _, l := range q.Labels {
		out.Labels = append(out.Labels, l.domain())
	}
	for _, f := range []struct {
		s string
		d *poll.Decimal
	}{{q.Min, &out.Min}, {q.Max, &out.Max}, {q.Step, &out.Step}} {
		if f.s == "" {
			continue
		}
		d, err := poll.ParseDecimal(f.s)
		if err != nil {
			return poll.Question{}, fmt.Errorf("number bound %q: %w", f.s, err)
		}
		*f.d = d
	}
	if q.ShowIf != nil {
		out.ShowIf = &poll.Condition{Question: q.ShowIf.Question, AnyOf: q.ShowIf.AnyOf}
	}
	return out, nil
}

func optionsOf(opts []poll.Option) []option {
	var out []option
	for _, o := range opts {
		out = append(out, option{ID: o.ID, Label: textOf(o.Label)})
	}
	return out
}

func optionsFrom(opts []option) []poll.Option {
	var out []poll.Option
	for _, o := range opts {
		out = append(out, poll.Option{ID: o.ID, Label: o.Label.domain()})
	}
	return out
}
