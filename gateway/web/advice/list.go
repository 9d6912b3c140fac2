package advice

import (
	"net/url"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/internal/auth"
	resultsv1 "github.com/meedoen/meedoen/proto/meedoen/results/v1"
)

// The council's advice and a policy officer's inbox.

// listPage is the data of /adviezen.
type listPage struct {
	// Inbox is shown to the tenant's policy officers: the advice sent to
	// their municipality, the earliest deadline first.
	Inbox     []inboxRow
	ShowInbox bool
	Advices   []adviceRow
	// CanCreate offers writing an advice: a council role in the tenant.
	CanCreate bool
	// Process is the process the list is narrowed to; empty for all.
	Process   string
	NewURL    string
	Truncated bool
}

// adviceRow is one advice in the list.
type adviceRow struct {
	URL, Title, Reference, StatusKey, OriginKey, Addressees string
	// CorrectionKey marks a sent advice that was corrected, or whose
	// correction is being written; empty for none.
	CorrectionKey string
	ProcessURL    string
	Responses     []deadlineRow
}

// deadlineRow is one municipality's response in a row: where it is and
// by when.
type deadlineRow struct {
	URL, Municipality, StatusKey, Deadline string
	Overdue                                bool
}

// inboxRow is a sent advice in a policy officer's inbox.
type inboxRow struct {
	URL, Title, Reference, StatusKey, Deadline, Received string
	Overdue                                              bool
}

// listPageSize is how many advice or responses one call asks for.
const listPageSize = 100

// list serves GET /adviezen.
func (s *Pages) list(wk *work) error {
	wk.View.TitleKey = "advice.list.title"
	process := wk.R.URL.Query().Get("traject")
	p := &listPage{
		ShowInbox: wk.mayRespond(wk.Tenant),
		CanCreate: wk.ID.Has(wk.Tenant, auth.CouncilWorkers...),
		Process:   process,
		NewURL:    "/adviezen/nieuw",
	}
	if process != "" {
		p.NewURL += "?traject=" + url.QueryEscape(process)
	}
	var advices []*resultsv1.Advice
	cursor := ""
	for i := range kit.MaxPages {
		resp, err := wk.api.ListAdvices(wk.Context(), &resultsv1.ListAdvicesRequest{Tenant: wk.Tenant, ProcessId: process, Limit: listPageSize, Cursor: cursor})
		if err != nil {
			return err
		}
		advices = append(advices, resp.GetAdvices()...)
		if cursor = resp.GetNextCursor(); cursor == "" {
			break
		}
		if i == kit.MaxPages-1 {
			p.Truncated = true
		}
	}
	responses, err := s.responses(wk, "", "")
	if err != nil {
		return err
	}
	byAdvice := map[string][]*resultsv1.MunicipalResponse{}
	for _, r := range responses {
		byAdvice[r.GetAdviceId()] = append(byAdvice[r.GetAdviceId()], r)
	}
	for _, a := range advices {
		row := adviceRow{
			URL: adviceURL(a.GetId()), Title: a.GetContent().GetTitle(), Reference: a.GetReference(),
			StatusKey: adviceStatusKey(a.GetStatus()), OriginKey: originKey(a.GetOrigin()), Addressees: s.names(a.GetAddressees()),
			ProcessURL: "/trajecten/" + a.GetProcessId(),
		}
		row.CorrectionKey = correctionKey(a)
		for _, r := range byAdvice[a.GetId()] {
			row.Responses = append(row.Responses, s.deadline(wk.Words, r))
		}
		p.Advices = append(p.Advices, row)
	}
	if p.ShowInbox {
		inbox, err := s.responses(wk, wk.Tenant, "")
		if err != nil {
			return err
		}
		for _, r := range inbox {
			p.Inbox = append(p.Inbox, inboxRow{
				URL: responseURL(r.GetAdviceId(), r.GetMunicipalityCode()), Title: r.GetAdviceTitle(), Reference: r.GetReference(),
				StatusKey: responseStatusKey(r.GetStatus()), Deadline: wk.Words.Date(r.GetDeadline()),
				Received: wk.Words.Moment(r.GetReceiveTime()), Overdue: r.GetOverdue(),
			})
		}
	}
	wk.View.Page = p
	return nil
}

// deadline is r in a row of the tracker.
func (s *Pages) deadline(w kit.Words, r *resultsv1.MunicipalResponse) deadlineRow {
	return deadlineRow{
		URL:          responseURL(r.GetAdviceId(), r.GetMunicipalityCode()),
		Municipality: s.kit.TenantName(r.GetMunicipalityCode()),
		StatusKey:    responseStatusKey(r.GetStatus()),
		Deadline:     w.Date(r.GetDeadline()),
		Overdue:      r.GetOverdue(),
	}
}

// responses lists the responses the person may see: of tenant's
// municipalities, or to the advice adviceID, or every one for neither.
func (s *Pages) responses(wk *work, tenant, adviceID string) ([]*resultsv1.MunicipalResponse, error) {
	var out []*resultsv1.MunicipalResponse
	cursor := ""
	for range kit.MaxPages {
		resp, err := wk.api.ListResponses(wk.Context(), &resultsv1.ListResponsesRequest{Tenant: tenant, AdviceId: adviceID, Limit: listPageSize, Cursor: cursor})
		if err != nil {
			return nil, err
		}
		out = append(out, resp.GetResponses()...)
		if cursor = resp.GetNextCursor(); cursor == "" {
			break
		}
	}
	return out, nil
}

// correctionKey is the catalogue key of a's correction: one being
// written after it was sent, or one sent; "" for none.
func correctionKey(a *resultsv1.Advice) string {
	switch {
	case a.GetSentVersion() > 0 && a.GetLatestVersion() > a.GetSentVersion():
		return "advice.correction.draft"
	case a.GetSentVersion() > 0 && !a.GetSentTime().AsTime().Equal(a.GetFirstSentTime().AsTime()):
		return "advice.correction.sent"
	}
	return ""
}
