package api

import (
	"context"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/nlgov"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

// maxOpenPolls bounds the list of a municipality's open polls: a handful
// run at once, and a resident's home page shows them all.
const maxOpenPolls = 50

// ListOpenPolls lists the polls residents of a municipality can answer
// now by an open link. It needs no identity and shows only what the open
// links show anyway: panel polls and polls that are not open are left out.
func (s *Server) ListOpenPolls(ctx context.Context, req *surveysv1.ListOpenPollsRequest) (*surveysv1.OpenPollList, error) {
	m := req.GetMunicipalityCode()
	switch {
	case m == "":
		return nil, (errs.Violations{{Path: "municipalityCode", Reason: "is required"}}).Err()
	case !nlgov.IsMunicipalityCode(m):
		return nil, (errs.Violations{{Path: "municipalityCode", Reason: "must be a municipality's CBS code, GM and four digits (GM0453)"}}).Err()
	}
	now := s.now()
	list, err := s.store.OpenLinkPolls(ctx, m, now, maxOpenPolls)
	if err != nil {
		return nil, err
	}
	out := &surveysv1.OpenPollList{Polls: []*surveysv1.OpenPoll{}}
	for _, p := range list {
		// The query narrows by the stored columns; the poll itself has the
		// last word on its status and audience.
		if p.StatusAt(now) != poll.Open || p.Audience().Kind != poll.OpenLink || p.Slug() == "" {
			continue
		}
		out.Polls = append(out.Polls, &surveysv1.OpenPoll{
			Id: p.ID(), Kind: kindMsg(p.Kind()), Title: textMsg(p.Title()), Slug: p.Slug(),
			ClosesAt: timeMsg(p.ClosesAt()), MunicipalityCodes: p.Municipalities(),
		})
	}
	return out, nil
}
