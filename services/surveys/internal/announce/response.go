package announce

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"google.golang.org/protobuf/proto"

	"github.com/meedoen/meedoen/internal/events"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

// Accepted is what the event announcing r says of it: its answers without
// free texts (an answer with a text says only that it has one), its
// municipality and the panel attributes the tally breaks down by.
func Accepted(r poll.Response) *eventsv1.ResponseAccepted {
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
	return msg
}

// maxEventResponses bounds the encoded size of the responses one
// responses.accepted event carries (protobuf's size; the JSON on the wire
// is at most a few times larger), so that an event of a commit full of
// long questionnaires stays well under JetStream's message limit (1 MiB).
const maxEventResponses = 96 << 10

// ResponsesAccepted announces accepted, responses to the poll pollID in
// tenant that one commit stored, in as few responses.accepted events as
// fit: one, unless they are many and long. The events' subject is the
// poll.
func ResponsesAccepted(ctx context.Context, tenant, pollID string, accepted []*eventsv1.ResponseAccepted) ([]events.Event, error) {
	var (
		out  []events.Event
		msg  = &eventsv1.ResponsesAccepted{PollId: pollID}
		size int
	)
	flush := func() error {
		if len(msg.Responses) == 0 {
			return nil
		}
		ev, err := events.New(ctx, tenant, pollID, msg)
		if err != nil {
			return fmt.Errorf("announcing %d responses to poll %s: %w", len(msg.Responses), pollID, err)
		}
		out = append(out, ev)
		msg, size = &eventsv1.ResponsesAccepted{PollId: pollID}, 0
		return nil
	}
	for _, a := range accepted {
		if a.GetPollId() != pollID {
			return nil, fmt.Errorf("announcing responses to poll %s: response %s is to poll %s", pollID, a.GetResponseId(), a.GetPollId())
		}
		n := proto.Size(a)
		if size > 0 && size+n > maxEventResponses {
			if err := flush(); err != nil {
				return nil, err
			}
		}
		msg.Responses = append(msg.Responses, a)
		size += n
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return out, nil
}

// AcceptedIn returns the responses ev announces: those of a
// responses.accepted event, or the one of a response.accepted event as
// earlier versions emitted them.
func AcceptedIn(ev events.Event) ([]*eventsv1.ResponseAccepted, error) {
	if ev.Type == responseAcceptedType {
		msg := &eventsv1.ResponseAccepted{}
		if err := ev.Decode(msg); err != nil {
			return nil, err
		}
		return []*eventsv1.ResponseAccepted{msg}, nil
	}
	msg := &eventsv1.ResponsesAccepted{}
	if err := ev.Decode(msg); err != nil {
		return nil, err
	}
	for _, a := range msg.GetResponses() {
		if a.GetPollId() != msg.GetPollId() {
			return nil, fmt.Errorf("event %s about poll %s holds response %s to poll %s", ev.ID, msg.GetPollId(), a.GetResponseId(), a.GetPollId())
		}
	}
	return msg.GetResponses(), nil
}

// responseAcceptedType is the CloudEvents type of the single-response
// event earlier versions emitted.
var responseAcceptedType = events.TypeOf("surveys", "response.accepted")

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
