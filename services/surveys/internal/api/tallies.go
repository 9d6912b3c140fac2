package api

import (
	"context"
	"fmt"

	"github.com/meedoen/meedoen/internal/errs"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
)

const (
	// defaultTextLimit is how many of the newest texts per question a
	// council's tally carries unless asked otherwise; older ones are paged.
	defaultTextLimit = 20
	maxTextLimit     = 100
	// publicTextLimit is how many texts marked public per question a
	// public tally carries.
	publicTextLimit = 20
)

// GetTally returns the live tally of a poll the caller may see: every
// count, and the newest texts per question.
func (s *Server) GetTally(ctx context.Context, req *surveysv1.GetTallyRequest) (*surveysv1.Tally, error) {
	limit := int(req.GetTextLimit())
	switch {
	case limit == 0:
		limit = defaultTextLimit
	case limit < 0 || limit > maxTextLimit:
		return nil, (errs.Violations{{Path: "textLimit", Reason: fmt.Sprintf("must be between 0 and %d", maxTextLimit)}}).Err()
	}
	if _, err := s.visiblePoll(ctx, req.GetPollId()); err != nil {
		return nil, err
	}
	t, err := s.store.Tally(ctx, req.GetPollId(), store.Texts{Latest: limit, Breakdowns: true})
	if err != nil {
		return nil, err
	}
	m := tallyMsg(0, t.Summary())
	m.Breakdowns = breakdownMsgs(t.Breakdowns())
	return m, nil
}

// GetPublicTally returns the tally fit to show outside the council. Staff
// who may see the poll get it at any time; anyone else only once the poll
// has opened and until it is cancelled, so that a draft's existence does
// not leak.
func (s *Server) GetPublicTally(ctx context.Context, req *surveysv1.GetPublicTallyRequest) (*surveysv1.Tally, error) {
	p, err := s.store.Poll(ctx, req.GetPollId())
	if err != nil {
		return nil, err
	}
	who, _ := caller(ctx)
	if st := p.StatusAt(s.now()); st != poll.Open && st != poll.Closed && !who.CanSee(scopeOf(p)) {
		return nil, notVisible(req.GetPollId())
	}
	t, err := s.store.Tally(ctx, p.ID(), store.Texts{Latest: publicTextLimit, PublicOnly: true})
	if err != nil {
		return nil, err
	}
	pub := t.Public(s.minCellFor(p))
	return tallyMsg(pub.MinCell, pub.Summary), nil
}

func tallyMsg(minCell int, s poll.Summary) *surveysv1.Tally {
	m := &surveysv1.Tally{PollId: s.PollID, MinCell: int32(minCell), Responses: countMsg(s.Responses)}
	for _, g := range s.Municipalities {
		m.Municipalities = append(m.Municipalities, &surveysv1.GroupCount{MunicipalityCodes: g.Municipalities, Count: countMsg(g.Count)})
	}
	for _, q := range s.Questions {
		m.Questions = append(m.Questions, questionTallyMsg(q))
	}
	return m
}

func questionTallyMsg(q poll.QuestionSummary) *surveysv1.QuestionTally {
	m := &surveysv1.QuestionTally{QuestionId: q.ID, Type: questionTypeMsg(q.Type), Answered: countMsg(q.Answered)}
	for _, l := range q.Lines {
		line := &surveysv1.TallyLine{Row: l.Row, Answered: countMsg(l.Answered), Cells: cellsMsg(l.Cells), Mean: figureMsg(l.Mean)}
		for _, g := range l.Groups {
			line.Groups = append(line.Groups, &surveysv1.GroupLine{MunicipalityCodes: g.Municipalities,
				Answered: countMsg(g.Answered), Cells: cellsMsg(g.Cells), Mean: figureMsg(g.Mean)})
		}
		m.Lines = append(m.Lines, line)
	}
	for _, r := range q.Ranks {
		rank := &surveysv1.RankTally{Option: r.Option, Average: figureMsg(r.Average)}
		for _, c := range r.Positions {
			rank.Positions = append(rank.Positions, countMsg(c))
		}
		for _, g := range r.Groups {
			rank.Groups = append(rank.Groups, &surveysv1.GroupFigure{MunicipalityCodes: g.Municipalities, Value: figureMsg(g.Value)})
		}
		m.Ranks = append(m.Ranks, rank)
	}
	if n := q.Number; n != nil {
		m.Number = &surveysv1.NumberTally{Count: countMsg(n.Count), Mean: figureMsg(n.Mean), Min: figureMsg(n.Min), Max: figureMsg(n.Max)}
		for _, g := range n.Groups {
			m.Number.Groups = append(m.Number.Groups, &surveysv1.GroupNumber{MunicipalityCodes: g.Municipalities,
				Count: countMsg(g.Count), Mean: figureMsg(g.Mean), Min: figureMsg(g.Min), Max: figureMsg(g.Max)})
		}
	}
	for _, t := range q.Texts {
		m.Texts = append(m.Texts, &surveysv1.TextAnswer{ResponseId: t.ResponseID, MunicipalityCode: t.Municipality,
			QuestionId: t.Question, Other: t.Other, Text: t.Text, Public: t.Public})
	}
	return m
}

func countMsg(c poll.Count) *surveysv1.Count {
	return &surveysv1.Count{Value: c.Value, Hidden: c.Hidden}
}

func figureMsg(f poll.Figure) *surveysv1.Figure {
	return &surveysv1.Figure{Value: f.Value, Hidden: f.Hidden}
}

func cellsMsg(cs []poll.Cell) []*surveysv1.Cell {
	out := make([]*surveysv1.Cell, len(cs))
	for i, c := range cs {
		out[i] = &surveysv1.Cell{Key: c.Key, Count: countMsg(c.Count)}
	}
	return out
}

func breakdownMsgs(bs []poll.Breakdown) []*surveysv1.Breakdown {
	out := make([]*surveysv1.Breakdown, 0, len(bs))
	for _, b := range bs {
		m := &surveysv1.Breakdown{Attribute: b.Attribute, Value: b.Value, Responses: b.Responses}
		for _, c := range b.Counts {
			m.Cells = append(m.Cells, &surveysv1.BreakdownCell{QuestionId: c.Question, Row: c.Row, Cell: c.Cell, Count: c.Count})
		}
		out = append(out, m)
	}
	return out
}
