package announce

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/meedoen/meedoen/internal/events"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

// ResponseAccepted announces r, a response to p, without its free texts:
// an answer with a text says only that it has one.
func ResponseAccepted(ctx context.Context, p poll.Poll, r poll.Response) (events.Event, error) {
	msg := &eventsv1.ResponseAccepted{ResponseId: r.ID, PollId: r.PollID, MunicipalityCode: r.Municipality}
	for _, a := range []string{poll.AgeBand, poll.Neighbourhood} {
		if v := r.Attributes[a]; v != "" {
			if msg.Attributes == nil {
				msg.Attributes = map[string]string{}
			}
			msg.Attributes[a] = v
		}
	}
	for _, rep := range r.Replies {
		a := &eventsv1.AnswerValue{Question: rep.Question, HasText: rep.Text != "" || rep.Other != ""}
		switch rep.Type {
		case poll.SingleChoice, poll.MultipleChoice:
			a.Options = slices.Clone(rep.Choices)
		case poll.Ranking:
			a.Options = slices.Clone(rep.Ranking)
		case poll.Matrix:
			a.Matrix = maps.Clone(rep.Rows)
		case poll.Likert, poll.Scale:
			a.Number = strconv.Itoa(rep.Point)
		case poll.Number:
			a.Number = rep.Number.String()
		}
		msg.Answers = append(msg.Answers, a)
	}
	ev, err := events.New(ctx, p.Tenant(), r.ID, msg)
	if err != nil {
		return events.Event{}, fmt.Errorf("announcing response %s: %w", r.ID, err)
	}
	return ev, nil
}

// HasText reports whether any answer of msg has a free text, which the
// event leaves out.
func HasText(msg *eventsv1.ResponseAccepted) bool {
	return slices.ContainsFunc(msg.GetAnswers(), (*eventsv1.AnswerValue).GetHasText)
}

// Response rebuilds the response msg announces, to p, for the tally. texts
// are the response's stored replies, from which the free texts the event
// leaves out are taken; they may be nil when HasText is false. The
// response's submission time is not in the event and stays zero.
func Response(p poll.Poll, msg *eventsv1.ResponseAccepted, texts []poll.Reply) (poll.Response, error) {
	if msg.GetPollId() != p.ID() {
		return poll.Response{}, fmt.Errorf("response %s is to poll %s, not %s", msg.GetResponseId(), msg.GetPollId(), p.ID())
	}
	r := poll.Response{ID: msg.GetResponseId(), PollID: p.ID(), Municipality: msg.GetMunicipalityCode(), Attributes: maps.Clone(msg.GetAttributes())}
	for _, a := range msg.GetAnswers() {
		q, ok := p.Question(a.GetQuestion())
		if !ok {
			return poll.Response{}, fmt.Errorf("response %s answers %q, which is no question of poll %s", r.ID, a.GetQuestion(), p.ID())
		}
		rep := poll.Reply{Question: q.ID, Type: q.Type}
		var err error
		switch q.Type {
		case poll.SingleChoice, poll.MultipleChoice:
			rep.Choices = slices.Clone(a.GetOptions())
		case poll.Ranking:
			rep.Ranking = slices.Clone(a.GetOptions())
		case poll.Matrix:
			rep.Rows = maps.Clone(a.GetMatrix())
		case poll.Likert, poll.Scale:
			rep.Point, err = strconv.Atoi(a.GetNumber())
		case poll.Number:
			rep.Number, err = poll.ParseDecimal(a.GetNumber())
		}
		if err != nil {
			return poll.Response{}, fmt.Errorf("response %s, question %s: value %q: %w", r.ID, q.ID, a.GetNumber(), err)
		}
		if a.GetHasText() {
			i := slices.IndexFunc(texts, func(s poll.Reply) bool { return s.Question == q.ID })
			if i < 0 {
				return poll.Response{}, fmt.Errorf("response %s, question %s: the stored response has no text", r.ID, q.ID)
			}
			rep.Text, rep.Other = texts[i].Text, texts[i].Other
		}
		r.Replies = append(r.Replies, rep)
	}
	return r, nil
}
