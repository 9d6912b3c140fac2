package polls

import (
	"net/http"
	"net/url"

	"github.com/meedoen/meedoen/gateway/problem"
	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/pollform"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// previewPage is the data of /peilingen/{id}/voorbeeld: the resident's
// poll page, with a banner that says it is a preview.
type previewPage struct {
	*pollform.Page
	EditURL string
	// Sent reports a press on the preview's submit button.
	Sent bool
}

// previewPoll serves GET and POST /peilingen/{id}/voorbeeld: the poll as
// residents will see it, rendered by the resident's own template. Its
// form posts back here, where nothing is sent to the service: the answers
// come back as they were typed.
func (s *Pages) previewPoll(pw *pollWork) error {
	pl, err := s.staffPoll(pw, pollID(pw.R))
	if err != nil {
		return err
	}
	values := url.Values{}
	if pw.R.Method == http.MethodPost {
		values = pw.R.PostForm
	}
	base := pollBase(pl.GetId())
	pollform.Show(pw.Request, respondentView(pl), values, "", &kit.FormErrors{}, base+"/voorbeeld", http.StatusOK)
	page, _ := pw.View.Page.(*pollform.Page)
	if page == nil {
		return problem.Error(problem.Internal, "the poll form has no page")
	}
	pw.View.Title = pw.Words.Say("builder.preview.title", "poll", page.Title.S)
	pw.View.Page = &previewPage{Page: page, EditURL: base + "/bewerken", Sent: pw.R.Method == http.MethodPost}
	// Exactly what residents see: no staff menu.
	pw.View.Resident = true
	pw.Request.Page = "builderpreview"
	return nil
}

// respondentView is the poll as the resident's page gets it, open.
func respondentView(p *surveysv1.Poll) *surveysv1.RespondentPoll {
	a := p.GetAudience()
	return &surveysv1.RespondentPoll{
		Id:             p.GetId(),
		Kind:           p.GetKind(),
		Title:          p.GetTitle(),
		Intro:          p.GetIntro(),
		Status:         surveysv1.PollStatus_POLL_STATUS_OPEN,
		Sections:       p.GetSections(),
		OpensAt:        p.GetOpensAt(),
		ClosesAt:       p.GetClosesAt(),
		ResultsSharing: p.GetResultsSharing(),
		PostcodeCheck:  a.GetKind() == surveysv1.AudienceKind_AUDIENCE_KIND_OPEN_LINK && a.GetPostcodeCheck(),
	}
}
