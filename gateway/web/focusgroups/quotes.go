package focusgroups

import (
	"net/http"
	"net/url"
	"strconv"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/meedoen/meedoen/gateway/web/kit"
	focusgroupsv1 "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
)

// An agreed finding's quotes: its statement is fixed, and a quote may only
// be removed or shared less widely, as when a speaker changes their mind.

// agreedQuotesPage is the data of an agreed finding's quotes.
type agreedQuotesPage struct {
	Group     groupHead
	Statement string
	Action    string
	BackURL   string
	Etag      string
	Quotes    []agreedQuote
	Errors    *kit.FormErrors
}

// agreedQuote is one quote of an agreed finding with the consents it may
// still be given, its own and the narrower ones.
type agreedQuote struct {
	Number  int
	Text    string
	Speaker string
	Consent field
	Remove  field
}

// showAgreedQuotes shows the quotes of agreed finding f, with the values
// of form when it was sent back.
func (s *Pages) showAgreedQuotes(wk *work, f *focusgroupsv1.Finding, form url.Values, errs *kit.FormErrors) error {
	ld, err := wk.loadGroup()
	if err != nil {
		return err
	}
	w := wk.Words
	wk.View.Title = w.Say("fg.finding.edit.title", "group", ld.head.Name)
	p := &agreedQuotesPage{Group: ld.head, Statement: f.GetStatement(), Action: findingsURL(ld.g.GetId()) + "/" + url.PathEscape(f.GetId()),
		BackURL: findingsURL(ld.g.GetId()), Etag: f.GetEtag(), Errors: errs}
	for i, q := range f.GetQuotes() {
		n := strconv.Itoa(i)
		chosen := form.Get(fConsent + n)
		consent := field{ID: fConsent + n, Kind: "radios", Label: w.Text("fg.quote.consent")}
		for _, c := range consents {
			if c.enum < q.GetConsent() {
				continue
			}
			sel := chosen == c.value || (chosen == "" && c.enum == q.GetConsent())
			consent.Options = append(consent.Options, kit.Choice{Value: c.value, LabelKey: consentKey(c.enum), Selected: sel})
		}
		p.Quotes = append(p.Quotes, agreedQuote{
			Number: i + 1, Text: q.GetText(), Speaker: q.GetSpeakerName(), Consent: consent,
			Remove: field{ID: fRemove + n, Kind: "checkbox", Label: w.Text("fg.quote.remove"), Checked: form.Get(fRemove+n) != ""},
		})
	}
	wk.View.HasErrors = errs.Any()
	wk.View.Page = p
	wk.Page = "findingquotes"
	return nil
}

// narrowQuotes serves the POST of an agreed finding's quotes: each kept,
// narrowed or removed, and a name kept only for a quote still by name.
func (s *Pages) narrowQuotes(wk *work) error {
	gid, fid := wk.R.PathValue("id"), wk.R.PathValue("fid")
	form := wk.R.PostForm
	f, err := wk.api.GetFinding(wk.Context(), &focusgroupsv1.GetFindingRequest{FocusGroupId: gid, Id: fid})
	if err != nil {
		return err
	}
	if f.GetStatus() != focusgroupsv1.FindingStatus_FINDING_STATUS_AGREED || f.GetEtag() != form.Get(fEtag) {
		// Changed since the form was shown: show it as it is now.
		errs := &kit.FormErrors{}
		errs.Invalid(nil, "", "fg.error.changedMeanwhile")
		wk.Status = http.StatusConflict
		if f.GetStatus() != focusgroupsv1.FindingStatus_FINDING_STATUS_AGREED {
			return s.showFindingForm(wk, fid, findingForm(f), errs)
		}
		return s.showAgreedQuotes(wk, f, nil, errs)
	}
	var quotes []*focusgroupsv1.Quote
	for i, q := range f.GetQuotes() {
		n := strconv.Itoa(i)
		if form.Get(fRemove+n) != "" {
			continue
		}
		out := proto.CloneOf(q)
		for _, c := range consents {
			// Only narrower: a wider consent than the speaker gave is
			// never sent.
			if form.Get(fConsent+n) == c.value && c.enum > q.GetConsent() {
				out.Consent = c.enum
			}
		}
		if out.GetConsent() != focusgroupsv1.QuoteConsent_QUOTE_CONSENT_NAMED {
			out.SpeakerName = ""
		}
		quotes = append(quotes, out)
	}
	mask := &fieldmaskpb.FieldMask{Paths: []string{"quotes"}}
	_, err = wk.api.UpdateFinding(wk.Context(), &focusgroupsv1.UpdateFindingRequest{FocusGroupId: gid, Id: fid,
		Finding: &focusgroupsv1.Finding{Quotes: quotes, Etag: f.GetEtag()}, UpdateMask: mask})
	switch {
	case err == nil:
		wk.Redirect = kit.WithDone(findingsURL(gid), "bevinding")
		return nil
	case kit.IsFormError(err):
		wk.Status = kit.FormStatus(err)
		return s.showAgreedQuotes(wk, f, form, kit.FromStatus(err, "finding", []kit.FormField{{}}, nil))
	}
	return err
}
