package panels

import (
	"context"
	"net/http"
	"net/url"

	"github.com/meedoen/meedoen/gateway/problem"
	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/internal/resident"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// The pages that only say something, and the links in panel mails: a
// link only ever shows a button, since mail scanners and link previews
// fetch the links in mails, and a GET that confirmed or unsubscribed
// would do it for them. The POST behind the button does it.

// signupNoticePage is the data of the pages that only say something: the
// mail was sent, the sign-up confirmed, the resident left.
type signupNoticePage struct {
	// Key is the catalogue prefix of the page's texts.
	Key string
	// Municipality names the panel's municipality; empty when unknown.
	Municipality string
	// Action and ButtonKey make the page a form with one button, for
	// the links in mails; empty for none.
	Action    string
	ButtonKey string
}

// showNotice shows the page key names.
func (j *joining) showNotice(key string, p signupNoticePage, status int) {
	p.Key = key
	j.View.TitleKey = key + ".title"
	j.View.Page = p
	j.Page = "signupnotice"
	j.Status = status
}

// signupSent serves GET /panel/aanmelden/verstuurd. It says the same to
// everyone, as the service does: whether the address was known already
// is not for anyone who types it to learn.
func (s *Pages) signupSent(j *joining) error {
	j.showNotice("signup.sent", signupNoticePage{}, http.StatusOK)
	return nil
}

// mailLink is what a link from a panel mail leads to: the page with its
// button, the call the button makes, and where it ends.
type mailLink struct {
	key  string // catalogue prefix of the page with the button
	call func(ctx context.Context, api surveysv1.PanelsServiceClient, token string) (municipality string, err error)
	done string // where the POST ends
}

var (
	confirmLink = mailLink{
		key: "signup.confirm",
		call: func(ctx context.Context, api surveysv1.PanelsServiceClient, token string) (string, error) {
			resp, err := api.ConfirmSignUp(ctx, &surveysv1.ConfirmSignUpRequest{Token: token})
			return resp.GetMunicipalityCode(), err
		},
		done: confirmedPath,
	}
	unsubscribeLink = mailLink{
		key: "signup.unsubscribe",
		call: func(ctx context.Context, api surveysv1.PanelsServiceClient, token string) (string, error) {
			resp, err := api.Unsubscribe(ctx, &surveysv1.UnsubscribeRequest{Token: token})
			return resp.GetMunicipalityCode(), err
		},
		done: leftPath,
	}
)

// showLink serves GET /panel/bevestigen/{token} and /panel/afmelden/{token}:
// a button, and nothing changed yet. The panels' tokens have the form of
// invitation tokens; what has another is not worth a call.
func (s *Pages) showLink(l mailLink) func(*joining) error {
	return func(j *joining) error {
		tok := j.R.PathValue("token")
		if resident.CheckInvitationToken(tok) != nil {
			j.showNotice("signup.badlink", signupNoticePage{}, http.StatusNotFound)
			return nil
		}
		j.showNotice(l.key, signupNoticePage{Action: j.R.URL.Path, ButtonKey: l.key + ".button"}, http.StatusOK)
		return nil
	}
}

// followLink serves the POST behind a mail link's button: it calls the
// service and ends on the page that says it is done.
func (s *Pages) followLink(l mailLink) func(*joining) error {
	return func(j *joining) error {
		tok := j.R.PathValue("token")
		if resident.CheckInvitationToken(tok) != nil {
			j.showNotice("signup.badlink", signupNoticePage{}, http.StatusNotFound)
			return nil
		}
		code, err := l.call(j.R.Context(), j.api, tok)
		switch problem.Of(err) {
		case problem.OK:
			target := l.done
			if code != "" {
				target += "?" + url.Values{signupMunicipalityField: {code}}.Encode()
			}
			j.Redirect = target
		case problem.NotFound, problem.Invalid, problem.Unmet:
			// Used, expired or never issued: the same page for all, as a
			// token should reveal nothing about others.
			j.showNotice("signup.badlink", signupNoticePage{}, http.StatusNotFound)
		default:
			return err
		}
		return nil
	}
}

// linkDone serves the page a mail link's POST ends on.
func (s *Pages) linkDone(key string) func(*joining) error {
	return func(j *joining) error {
		p := signupNoticePage{}
		if code := j.R.URL.Query().Get(signupMunicipalityField); kit.IsMunicipality(code) {
			p.Municipality = s.kit.TenantName(code)
		}
		j.showNotice(key, p, http.StatusOK)
		return nil
	}
}
