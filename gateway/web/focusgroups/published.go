package focusgroups

import (
	focusgroupsv1 "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
)

// publishedPage is the data of /focusgroepen/{id}/bevindingen/gepubliceerd:
// the agreed findings exactly as they may be shown outside the group,
// with only the quotes their speakers allow and names only where allowed.
type publishedPage struct {
	Group    groupHead
	BackURL  string
	Findings []findingRow
}

// published serves GET /focusgroepen/{id}/bevindingen/gepubliceerd.
func (s *Pages) published(wk *work) error {
	ld, err := wk.loadGroup()
	if err != nil {
		return err
	}
	pf, err := wk.api.GetPublishedFindings(wk.Context(), &focusgroupsv1.GetPublishedFindingsRequest{FocusGroupId: ld.g.GetId()})
	if err != nil {
		return err
	}
	whens, err := wk.sessionTimes(ld.g.GetId())
	if err != nil {
		return err
	}
	wk.View.Title = wk.Words.Say("fg.published.title", "group", ld.head.Name)
	p := &publishedPage{Group: ld.head, BackURL: findingsURL(ld.g.GetId())}
	for _, f := range pf.GetFindings() {
		row := findingRow{Statement: f.GetStatement(), BreadthKey: breadthKey(f.GetBreadth()), Session: whens[f.GetSessionId()]}
		for _, q := range f.GetQuotes() {
			row.Quotes = append(row.Quotes, quoteRow{Text: q.GetText(), Speaker: q.GetSpeakerName()})
		}
		p.Findings = append(p.Findings, row)
	}
	wk.View.Page = p
	return nil
}
