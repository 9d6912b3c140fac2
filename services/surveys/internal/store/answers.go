package store

import (
	"encoding/json"
	"fmt"

	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

// reply is the storage format of one answer in responses.answers, a JSON
// array in question order. Only the fields of the question's type are
// set; a point is a pointer because 0 is a scale answer.
type reply struct {
	Question string            `json:"question"`
	Type     string            `json:"type"`
	Choices  []string          `json:"choices,omitempty"`
	Other    string            `json:"other,omitempty"`
	Point    *int              `json:"point,omitempty"`
	Number   string            `json:"number,omitempty"`
	Ranking  []string          `json:"ranking,omitempty"`
	Rows     map[string]string `json:"rows,omitempty"`
	Text     string            `json:"text,omitempty"`
}

func encodeReplies(replies []poll.Reply) ([]byte, error) {
	out := make([]reply, len(replies))
	for i, r := range replies {
		out[i] = reply{Question: r.Question, Type: string(r.Type), Choices: r.Choices, Other: r.Other,
			Ranking: r.Ranking, Rows: r.Rows, Text: r.Text}
		switch r.Type {
		case poll.Likert, poll.Scale:
			out[i].Point = &r.Point
		case poll.Number:
			out[i].Number = r.Number.String()
		}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("encoding answers: %w", err)
	}
	return b, nil
}

func decodeReplies(b []byte) ([]poll.Reply, error) {
	var in []reply
	if err := json.Unmarshal(b, &in); err != nil {
		return nil, fmt.Errorf("decoding answers: %w", err)
	}
	if len(in) == 0 {
		return nil, nil
	}
	out := make([]poll.Reply, len(in))
	for i, r := range in {
		out[i] = poll.Reply{Question: r.Question, Type: poll.QuestionType(r.Type), Choices: r.Choices, Other: r.Other,
			Ranking: r.Ranking, Rows: r.Rows, Text: r.Text}
		if r.Point != nil {
			out[i].Point = *r.Point
		}
		if r.Number != "" {
			d, err := poll.ParseDecimal(r.Number)
			if err != nil {
				return nil, fmt.Errorf("decoding answers: question %s: number %q: %w", r.Question, r.Number, err)
			}
			out[i].Number = d
		}
	}
	return out, nil
}
