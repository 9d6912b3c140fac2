package advice

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/meedoen/meedoen/gateway/web/kit"
	resultsv1 "github.com/meedoen/meedoen/proto/meedoen/results/v1"
)

// Adopting and sending an advice, and asking a municipality for a revised
// response: each confirmed on a page of its own that says what happens.

// confirmPage is the data of a confirmation: the catalogue prefix of its
// texts (.heading, .lead, .body, .confirm) and their placeholders.
type confirmPage struct {
	Key     string
	Head    adviceHead
	Action  string
	BackURL string
	// Args fill in the texts' placeholders: title, municipalities, n.
	Title, Municipalities, Municipality string
	N                                   int32
	// Version is the version the confirmation is about, posted back.
	Version int32
	// Reason is the reason's field; nil for a confirmation without one.
	Reason *field
	Errors *kit.FormErrors
}

// fVersion carries the version a confirmation is about.
const fVersion = "versie"

// showConfirm fills in the confirmation key about a.
func (s *Pages) showConfirm(wk *work, a *resultsv1.Advice, key, action string, errs *kit.FormErrors) *confirmPage {
	h := s.head(a)
	p := &confirmPage{Key: key, Head: h, Action: action, BackURL: h.URL, Title: h.Title,
		Municipalities: s.names(a.GetAddressees()), N: a.GetLatestVersion(), Version: a.GetLatestVersion(), Errors: errs}
	wk.View.Title = wk.Words.Say(key+".title", "title", h.Title)
	wk.View.HasErrors = errs.Any()
	wk.View.Page = p
	wk.Page = pagePrefix + "confirm"
	return p
}

// decisionFields maps AdoptAdvice's and SendAdvice's body to the form: the
// version, which a person cannot change, is the request as a whole.
var decisionFields = []kit.FormField{{}}

// adoptForm serves GET /adviezen/{id}/vaststellen.
func (s *Pages) adoptForm(wk *work) error {
	a, err := wk.decidable()
	if err != nil {
		return err
	}
	s.showConfirm(wk, a, "advice.adopt", adviceURL(a.GetId())+"/vaststellen", &kit.FormErrors{})
	return nil
}

// adopt serves POST /adviezen/{id}/vaststellen.
func (s *Pages) adopt(wk *work) error {
	return s.decide(wk, "advice.adopt", "/vaststellen", "vastgesteld", func(id string, v int32) error {
		_, err := wk.api.AdoptAdvice(wk.Context(), &resultsv1.AdoptAdviceRequest{Id: id, Version: v})
		return err
	})
}

// sendForm serves GET /adviezen/{id}/verzenden.
func (s *Pages) sendForm(wk *work) error {
	a, err := wk.decidable()
	if err != nil {
		return err
	}
	s.showConfirm(wk, a, "advice.send", adviceURL(a.GetId())+"/verzenden", &kit.FormErrors{})
	return nil
}

// send serves POST /adviezen/{id}/verzenden: frozen, and the addressed
// municipalities' policy officers told.
func (s *Pages) send(wk *work) error {
	return s.decide(wk, "advice.send", "/verzenden", "verzonden", func(id string, v int32) error {
		_, err := wk.api.SendAdvice(wk.Context(), &resultsv1.SendAdviceRequest{Id: id, Version: v})
		return err
	})
}

// decidable reads the page's advice for a decision of its council's
// chair or secretary; anyone else is refused before the page shows.
func (wk *work) decidable() (*resultsv1.Advice, error) {
	a, err := wk.loadAdvice()
	if err != nil {
		return nil, err
	}
	if !wk.mayDecide(a) {
		return nil, kit.ErrorPage(http.StatusForbidden, "advice.notBoard")
	}
	return a, nil
}

// decide posts the decision call makes on the version the confirmation
// showed, and shows the confirmation again with the service's objection.
func (s *Pages) decide(wk *work, key, path, done string, call func(id string, v int32) error) error {
	id := wk.R.PathValue("id")
	v, _ := strconv.Atoi(strings.TrimSpace(wk.R.PostForm.Get(fVersion)))
	err := call(id, int32(v))
	switch {
	case err == nil:
		wk.Redirect = kit.WithDone(adviceURL(id), done)
		return nil
	case !kit.IsFormError(err):
		return err
	}
	a, lerr := wk.loadAdvice()
	if lerr != nil {
		return lerr
	}
	wk.Status = kit.FormStatus(err)
	s.showConfirm(wk, a, key, adviceURL(id)+path, fromStatus(wk.Words, err, decisionFields, plainFields(decisionFields)))
	return nil
}
