package api

import (
	"fmt"
	"strconv"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/revision"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

// Messages to domain values. What the domain validates is passed on as
// given, so that its errors name the request's fields; what only a message
// can get wrong (an undefined enum value, a malformed decimal or time) is
// added to v under the same JSON-pointer paths.

func textOf(t *surveysv1.Text) poll.Text { return poll.Text{NL: t.GetNl(), EN: t.GetEn()} }

func textMsg(t poll.Text) *surveysv1.Text {
	if t.IsZero() {
		return nil
	}
	return &surveysv1.Text{Nl: t.NL, En: t.EN}
}

// specOf reads a new poll from m.
func specOf(v *errs.Violations, m *surveysv1.Poll, createdBy string) poll.Spec {
	return poll.Spec{
		ProcessID:      m.GetProcessId(),
		Tenant:         m.GetTenant(),
		Participants:   m.GetParticipants(),
		Kind:           kindOf(m.GetKind()),
		Title:          textOf(m.GetTitle()),
		Intro:          textOf(m.GetIntro()),
		Sections:       sectionsOf(v, m.GetSections()),
		Slug:           m.GetSlug(),
		Audience:       audienceOf(m.GetAudience()),
		OpensAt:        timeOf(v, "/opensAt", m.GetOpensAt()),
		ClosesAt:       timeOf(v, "/closesAt", m.GetClosesAt()),
		ResultsSharing: textOf(m.GetResultsSharing()),
		CreatedBy:      createdBy,
	}
}

// timeOf reads an optional time; an unset one is the zero time, which the
// domain takes as "not planned yet".
func timeOf(v *errs.Violations, path string, ts *timestamppb.Timestamp) time.Time {
	if ts == nil {
		return time.Time{}
	}
	if err := ts.CheckValid(); err != nil {
		v.Add(path, "is not a valid time")
		return time.Time{}
	}
	return ts.AsTime()
}

func timeMsg(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

func sectionsOf(v *errs.Violations, ms []*surveysv1.Section) []poll.Section {
	var out []poll.Section
	for i, m := range ms {
		s := poll.Section{ID: m.GetId(), Title: textOf(m.GetTitle()), Intro: textOf(m.GetIntro())}
		for j, q := range m.GetQuestions() {
			s.Questions = append(s.Questions, questionOf(v, fmt.Sprintf("/sections/%d/questions/%d", i, j), q))
		}
		out = append(out, s)
	}
	return out
}

func questionOf(v *errs.Violations, path string, m *surveysv1.Question) poll.Question {
	q := poll.Question{
		ID:         m.GetId(),
		Type:       questionTypeOf(m.GetType()),
		Text:       textOf(m.GetText()),
		Help:       textOf(m.GetHelp()),
		Required:   m.GetRequired(),
		Options:    optionsOf(m.GetOptions()),
		Other:      m.GetOther(),
		OtherLabel: textOf(m.GetOtherLabel()),
		MinChoices: int(m.GetMinChoices()),
		MaxChoices: int(m.GetMaxChoices()),
		Rows:       optionsOf(m.GetRows()),
		Columns:    optionsOf(m.GetColumns()),
		Min:        decimalOf(v, path+"/min", m.GetMin()),
		Max:        decimalOf(v, path+"/max", m.GetMax()),
		Step:       decimalOf(v, path+"/step", m.GetStep()),
		Unit:       textOf(m.GetUnit()),
		MaxLength:  int(m.GetMaxLength()),
	}
	for _, l := range m.GetLabels() {
		q.Labels = append(q.Labels, textOf(l))
	}
	if c := m.GetShowIf(); c != nil {
		q.ShowIf = &poll.Condition{Question: c.GetQuestion(), AnyOf: c.GetAnyOf()}
	}
	return q
}

// decimalOf reads a number question's bound; empty is 0, which for min is
// a bound and for step means the default.
func decimalOf(v *errs.Violations, path, s string) poll.Decimal {
	if s == "" {
		return 0
	}
	d, err := poll.ParseDecimal(s)
	if err != nil {
		v.Add(path, err.Error())
	}
	return d
}

func optionsOf(ms []*surveysv1.Option) []poll.Option {
	var out []poll.Option
	for _, m := range ms {
		out = append(out, poll.Option{ID: m.GetId(), Label: textOf(m.GetLabel())})
	}
	return out
}

func audienceOf(m *surveysv1.Audience) poll.Audience {
	return poll.Audience{
		Kind:           audienceKindOf(m.GetKind()),
		Municipalities: m.GetMunicipalities(),
		Neighbourhoods: m.GetNeighbourhoods(),
		AgeBands:       m.GetAgeBands(),
		PostcodeCheck:  m.GetPostcodeCheck(),
	}
}

func pollMsg(p poll.Poll) *surveysv1.Poll {
	return &surveysv1.Poll{
		Id:             p.ID(),
		ProcessId:      p.ProcessID(),
		Tenant:         p.Tenant(),
		Participants:   p.Participants(),
		Kind:           kindMsg(p.Kind()),
		Title:          textMsg(p.Title()),
		Intro:          textMsg(p.Intro()),
		Sections:       sectionsMsg(p.Sections()),
		Slug:           p.Slug(),
		Audience:       audienceMsg(p.Audience()),
		OpensAt:        timeMsg(p.OpensAt()),
		ClosesAt:       timeMsg(p.ClosesAt()),
		ResultsSharing: textMsg(p.ResultsSharing()),
		Status:         statusMsg(p.Status()),
		CancelReason:   p.CancelReason(),
		CreatedBy:      p.CreatedBy(),
		CreateTime:     timeMsg(p.CreatedAt()),
		UpdateTime:     timeMsg(p.UpdatedAt()),
		Etag:           revision.Tag(p.UpdatedAt()),
	}
}

func sectionsMsg(ss []poll.Section) []*surveysv1.Section {
	var out []*surveysv1.Section
	for _, s := range ss {
		m := &surveysv1.Section{Id: s.ID, Title: textMsg(s.Title), Intro: textMsg(s.Intro)}
		for _, q := range s.Questions {
			m.Questions = append(m.Questions, questionMsg(q))
		}
		out = append(out, m)
	}
	return out
}

func questionMsg(q poll.Question) *surveysv1.Question {
	m := &surveysv1.Question{
		Id:         q.ID,
		Type:       questionTypeMsg(q.Type),
		Text:       textMsg(q.Text),
		Help:       textMsg(q.Help),
		Required:   q.Required,
		Options:    optionsMsg(q.Options),
		Other:      q.Other,
		OtherLabel: textMsg(q.OtherLabel),
		MinChoices: int32(q.MinChoices),
		MaxChoices: int32(q.MaxChoices),
		Rows:       optionsMsg(q.Rows),
		Columns:    optionsMsg(q.Columns),
		Unit:       textMsg(q.Unit),
		MaxLength:  int32(q.MaxLength),
	}
	for _, l := range q.Labels {
		m.Labels = append(m.Labels, textMsg(l))
	}
	// A number question's bounds mean something at zero too; other types
	// have none.
	if q.Type == poll.Number {
		m.Min, m.Max, m.Step = q.Min.String(), q.Max.String(), q.Step.String()
	}
	if q.ShowIf != nil {
		m.ShowIf = &surveysv1.Condition{Question: q.ShowIf.Question, AnyOf: q.ShowIf.AnyOf}
	}
	return m
}

func optionsMsg(os []poll.Option) []*surveysv1.Option {
	var out []*surveysv1.Option
	for _, o := range os {
		out = append(out, &surveysv1.Option{Id: o.ID, Label: textMsg(o.Label)})
	}
	return out
}

func audienceMsg(a poll.Audience) *surveysv1.Audience {
	if a.Kind == "" {
		return nil
	}
	return &surveysv1.Audience{
		Kind:           audienceKindMsg(a.Kind),
		Municipalities: a.Municipalities,
		Neighbourhoods: a.Neighbourhoods,
		AgeBands:       a.AgeBands,
		PostcodeCheck:  a.PostcodeCheck,
	}
}

// The enum mappings. An unspecified value maps to "", and an undefined one
// to its number, so that the domain rejects both with its own message.

func kindOf(k surveysv1.PollKind) poll.Kind {
	switch k {
	case surveysv1.PollKind_POLL_KIND_UNSPECIFIED:
		return ""
	case surveysv1.PollKind_POLL_KIND_FLASH_POLL:
		return poll.FlashPoll
	case surveysv1.PollKind_POLL_KIND_QUESTIONNAIRE:
		return poll.Questionnaire
	}
	return poll.Kind(strconv.Itoa(int(k)))
}

func kindMsg(k poll.Kind) surveysv1.PollKind {
	switch k {
	case poll.FlashPoll:
		return surveysv1.PollKind_POLL_KIND_FLASH_POLL
	case poll.Questionnaire:
		return surveysv1.PollKind_POLL_KIND_QUESTIONNAIRE
	}
	return surveysv1.PollKind_POLL_KIND_UNSPECIFIED
}

// statusOf maps a status; ok is false for an undefined value.
func statusOf(s surveysv1.PollStatus) (poll.Status, bool) {
	switch s {
	case surveysv1.PollStatus_POLL_STATUS_UNSPECIFIED:
		return "", true
	case surveysv1.PollStatus_POLL_STATUS_DRAFT:
		return poll.Draft, true
	case surveysv1.PollStatus_POLL_STATUS_SCHEDULED:
		return poll.Scheduled, true
	case surveysv1.PollStatus_POLL_STATUS_OPEN:
		return poll.Open, true
	case surveysv1.PollStatus_POLL_STATUS_CLOSED:
		return poll.Closed, true
	case surveysv1.PollStatus_POLL_STATUS_CANCELLED:
		return poll.Cancelled, true
	}
	return "", false
}

func statusMsg(s poll.Status) surveysv1.PollStatus {
	for m := surveysv1.PollStatus_POLL_STATUS_DRAFT; m <= surveysv1.PollStatus_POLL_STATUS_CANCELLED; m++ {
		if st, _ := statusOf(m); st == s {
			return m
		}
	}
	return surveysv1.PollStatus_POLL_STATUS_UNSPECIFIED
}

func audienceKindOf(k surveysv1.AudienceKind) poll.AudienceKind {
	switch k {
	case surveysv1.AudienceKind_AUDIENCE_KIND_UNSPECIFIED:
		return ""
	case surveysv1.AudienceKind_AUDIENCE_KIND_PANEL:
		return poll.Panel
	case surveysv1.AudienceKind_AUDIENCE_KIND_OPEN_LINK:
		return poll.OpenLink
	}
	return poll.AudienceKind(strconv.Itoa(int(k)))
}

func audienceKindMsg(k poll.AudienceKind) surveysv1.AudienceKind {
	switch k {
	case poll.Panel:
		return surveysv1.AudienceKind_AUDIENCE_KIND_PANEL
	case poll.OpenLink:
		return surveysv1.AudienceKind_AUDIENCE_KIND_OPEN_LINK
	}
	return surveysv1.AudienceKind_AUDIENCE_KIND_UNSPECIFIED
}

// questionTypes pairs each message question type with the domain's.
var questionTypes = []struct {
	msg    surveysv1.QuestionType
	domain poll.QuestionType
}{
	{surveysv1.QuestionType_QUESTION_TYPE_SINGLE_CHOICE, poll.SingleChoice},
	{surveysv1.QuestionType_QUESTION_TYPE_MULTIPLE_CHOICE, poll.MultipleChoice},
	{surveysv1.QuestionType_QUESTION_TYPE_LIKERT, poll.Likert},
	{surveysv1.QuestionType_QUESTION_TYPE_SCALE, poll.Scale},
	{surveysv1.QuestionType_QUESTION_TYPE_RANKING, poll.Ranking},
	{surveysv1.QuestionType_QUESTION_TYPE_MATRIX, poll.Matrix},
	{surveysv1.QuestionType_QUESTION_TYPE_NUMBER, poll.Number},
	{surveysv1.QuestionType_QUESTION_TYPE_SHORT_TEXT, poll.ShortText},
	{surveysv1.QuestionType_QUESTION_TYPE_LONG_TEXT, poll.LongText},
}

func questionTypeOf(t surveysv1.QuestionType) poll.QuestionType {
	if t == surveysv1.QuestionType_QUESTION_TYPE_UNSPECIFIED {
		return ""
	}
	for _, qt := range questionTypes {
		if qt.msg == t {
			return qt.domain
		}
	}
	return poll.QuestionType(strconv.Itoa(int(t)))
}

func questionTypeMsg(t poll.QuestionType) surveysv1.QuestionType {
	for _, qt := range questionTypes {
		if qt.domain == t {
			return qt.msg
		}
	}
	return surveysv1.QuestionType_QUESTION_TYPE_UNSPECIFIED
}
