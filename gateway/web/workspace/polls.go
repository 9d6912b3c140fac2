package workspace

import (
	"net/url"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/meedoen/meedoen/gateway/web/kit"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// processPollView is one of a process's polls on its page: its title from
// the surveys service, its status, and its answers per municipality,
// linking the poll's own page.
type processPollView struct {
	Title     kit.Localized
	URL       string
	FormKey   string
	StatusKey string
	// Until is the closing day of an open poll.
	Until string
	// Total is the number of answers, when known: the final count of a
	// closed poll (from the councils service), the count so far of an
	// open one (from the surveys service).
	Total   int64
	Counted bool
	Answers []municipalityAnswers
}

// municipalityAnswers is a municipality's answers to a poll.
type municipalityAnswers struct {
	Municipality string
	Count        int64
}

// runningForm is a poll taking answers, on a process's board card.
type runningForm struct {
	FormKey string
	Until   string
}

// day is the day of ts in Amsterdam, in words ("21 december 2026"); ""
// for none.
func day(w kit.Words, ts *timestamppb.Timestamp) string {
	if ts == nil {
		return ""
	}
	return w.Date(w.Today(ts.AsTime()))
}

// pollsPageSize is how many of a process's polls the page asks for.
const pollsPageSize = 100

// processPolls lists the process's polls. The councils service knows the
// polls that opened, with their final counts once closed (it learns of
// them by events); the surveys service adds their titles, the polls still
// being prepared, and the counts so far of open ones. Without the surveys
// service the councils service's list stands alone, named by form.
func (s *Pages) processPolls(wk *work, region *kit.Region, pr *councilsv1.Process) []processPollView {
	w := wk.Words
	known := map[string]*councilsv1.ProcessPoll{}
	for _, pl := range pr.GetPolls() {
		known[pl.GetPollId()] = pl
	}
	name := func(code string) string {
		if code == "" {
			return w.Say("process.polls.unknownMunicipality")
		}
		return region.NameOf(code)
	}
	var out []processPollView
	seen := map[string]bool{}
	if s.surveys != nil {
		resp, err := s.surveys.ListPolls(wk.Context(), &surveysv1.ListPollsRequest{ProcessId: pr.GetId(), Limit: pollsPageSize})
		if err == nil {
			for _, pl := range resp.GetPolls() {
				seen[pl.GetId()] = true
				st := kit.EnumValue(pl.GetStatus().String(), "POLL_STATUS_")
				v := processPollView{
					Title:     kit.Localize(pl.GetTitle(), wk.View.Lang),
					URL:       "/peilingen/" + url.PathEscape(pl.GetId()),
					FormKey:   "pollKind." + kit.EnumValue(pl.GetKind().String(), "POLL_KIND_"),
					StatusKey: "pollStatus." + st,
				}
				switch pl.GetStatus() {
				case surveysv1.PollStatus_POLL_STATUS_OPEN:
					v.Until = day(w, pl.GetClosesAt())
					if t, err := s.surveys.GetTally(wk.Context(), &surveysv1.GetTallyRequest{PollId: pl.GetId()}); err == nil {
						v.Total, v.Counted = t.GetResponses().GetValue(), !t.GetResponses().GetHidden()
						for _, g := range t.GetMunicipalities() {
							if g.GetCount().GetHidden() || len(g.GetMunicipalityCodes()) != 1 {
								continue // small groups stay hidden, as on the poll's page
							}
							v.Answers = append(v.Answers, municipalityAnswers{Municipality: name(g.GetMunicipalityCodes()[0]), Count: g.GetCount().GetValue()})
						}
					}
				case surveysv1.PollStatus_POLL_STATUS_CLOSED:
					if k := known[pl.GetId()]; k != nil && k.GetStatus() == councilsv1.ProcessPollStatus_PROCESS_POLL_STATUS_CLOSED {
						v.Total, v.Counted = int64(k.GetResponses()), true
						for _, m := range k.GetResponsesPerMunicipality() {
							v.Answers = append(v.Answers, municipalityAnswers{Municipality: name(m.GetMunicipalityCode()), Count: int64(m.GetCount())})
						}
					}
				}
				out = append(out, v)
			}
		}
	}
	for _, pl := range pr.GetPolls() {
		if seen[pl.GetPollId()] {
			continue
		}
		st := kit.EnumValue(pl.GetStatus().String(), "PROCESS_POLL_STATUS_")
		v := processPollView{
			Title:     kit.Localized{S: w.Say(formKey(pl.GetForm()))},
			URL:       "/peilingen/" + url.PathEscape(pl.GetPollId()),
			FormKey:   formKey(pl.GetForm()),
			StatusKey: "pollStatus." + st,
		}
		switch pl.GetStatus() {
		case councilsv1.ProcessPollStatus_PROCESS_POLL_STATUS_OPEN:
			v.Until = day(w, pl.GetCloseTime())
		case councilsv1.ProcessPollStatus_PROCESS_POLL_STATUS_CLOSED:
			v.Total, v.Counted = int64(pl.GetResponses()), true
			for _, m := range pl.GetResponsesPerMunicipality() {
				v.Answers = append(v.Answers, municipalityAnswers{Municipality: name(m.GetMunicipalityCode()), Count: int64(m.GetCount())})
			}
		}
		out = append(out, v)
	}
	return out
}

// runningForms are a process's polls taking answers, for its card on the
// board: what the councils service heard opened and not yet closed.
func runningForms(w kit.Words, pr *councilsv1.Process) []runningForm {
	var out []runningForm
	for _, pl := range pr.GetPolls() {
		if pl.GetStatus() == councilsv1.ProcessPollStatus_PROCESS_POLL_STATUS_OPEN {
			out = append(out, runningForm{FormKey: formKey(pl.GetForm()), Until: day(w, pl.GetCloseTime())})
		}
	}
	return out
}
