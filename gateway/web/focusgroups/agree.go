package focusgroups

import (
	"net/url"

	"github.com/meedoen/meedoen/gateway/web/kit"
	focusgroupsv1 "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
)

// Agreeing a finding, which publishes it, on a page of its own that shows
// it as it will be published: only the quotes their speakers allow.

// agreePage is the data of the page that records a finding as agreed.
type agreePage struct {
	Group     groupHead
	Statement string
	Published []quoteRow
	Internal  int
	Action    string
	BackURL   string
	Errors    *kit.FormErrors
}

// agreeForm serves GET /focusgroepen/{id}/bevindingen/{fid}/akkoord: the
// finding as it will be published, and the button that publishes it.
func (s *Pages) agreeForm(wk *work) error {
	return s.showAgree(wk, &kit.FormErrors{})
}

func (s *Pages) showAgree(wk *work, errs *kit.FormErrors) error {
	ld, err := wk.loadGroup()
	if err != nil {
		return err
	}
	f, err := wk.api.GetFinding(wk.Context(), &focusgroupsv1.GetFindingRequest{FocusGroupId: ld.g.GetId(), Id: wk.R.PathValue("fid")})
	if err != nil {
		return err
	}
	base := findingsURL(ld.g.GetId())
	p := &agreePage{Group: ld.head, Statement: f.GetStatement(), Action: base + "/" + url.PathEscape(f.GetId()) + "/akkoord", BackURL: base, Errors: errs}
	for _, q := range f.GetQuotes() {
		switch q.GetConsent() {
		case focusgroupsv1.QuoteConsent_QUOTE_CONSENT_NAMED:
			p.Published = append(p.Published, quoteRow{Text: q.GetText(), Speaker: q.GetSpeakerName(), ConsentKey: consentKey(q.GetConsent())})
		case focusgroupsv1.QuoteConsent_QUOTE_CONSENT_ANONYMOUS:
			p.Published = append(p.Published, quoteRow{Text: q.GetText(), ConsentKey: consentKey(q.GetConsent())})
		default:
			p.Internal++
		}
	}
	wk.View.Title = wk.Words.Say("fg.agree.title", "group", ld.head.Name)
	wk.View.HasErrors = errs.Any()
	wk.View.Page = p
	return nil
}

// agree serves POST /focusgroepen/{id}/bevindingen/{fid}/akkoord.
func (s *Pages) agree(wk *work) error {
	gid := wk.R.PathValue("id")
	_, err := wk.api.AgreeFinding(wk.Context(), &focusgroupsv1.AgreeFindingRequest{FocusGroupId: gid, Id: wk.R.PathValue("fid")})
	switch {
	case err == nil:
		wk.Redirect = kit.WithDone(findingsURL(gid), "akkoord")
		return nil
	case kit.IsFormError(err):
		wk.Status = kit.FormStatus(err)
		return s.showAgree(wk, kit.FromStatus(err, "", []kit.FormField{{}}, nil))
	}
	return err
}
