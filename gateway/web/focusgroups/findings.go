package focusgroups

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/meedoen/meedoen/gateway/web/kit"
	focusgroupsv1 "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
)

// The findings editor: short statements with how broadly the group shared
// them, each with quotes whose speakers' consent says how they may be
// used; and agreeing a finding, which publishes it, on a page of its own.

// findingsPage is the data of /focusgroepen/{id}/bevindingen.
type findingsPage struct {
	Group    groupHead
	NewURL   string
	Findings []findingRow
}

// findingRow is one finding in the list.
type findingRow struct {
	Statement, BreadthKey, StatusKey, Session string
	Agreed                                    bool
	EditURL, AgreeURL                         string
	Quotes                                    []quoteRow
}

// quoteRow is one quote with its consent in words.
type quoteRow struct {
	Text, ConsentKey, Speaker string
}

// findings serves GET /focusgroepen/{id}/bevindingen.
func (s *Pages) findings(wk *work) error {
	ld, err := wk.loadGroup()
	if err != nil {
		return err
	}
	wk.Done("fg.done.", "bevinding", "akkoord")
	resp, err := wk.api.ListFindings(wk.Context(), &focusgroupsv1.ListFindingsRequest{FocusGroupId: ld.g.GetId()})
	if err != nil {
		return err
	}
	whens, err := wk.sessionTimes(ld.g.GetId())
	if err != nil {
		return err
	}
	wk.View.Title = wk.Words.Say("fg.findings.title", "group", ld.head.Name)
	p := &findingsPage{Group: ld.head, NewURL: findingsURL(ld.g.GetId()) + "/nieuw"}
	for _, f := range resp.GetFindings() {
		row := findingRow{
			Statement:  f.GetStatement(),
			BreadthKey: breadthKey(f.GetBreadth()),
			StatusKey:  enumKey("fg.finding.status.", f.GetStatus().String(), "FINDING_STATUS_"),
			Session:    whens[f.GetSessionId()],
			Agreed:     f.GetStatus() == focusgroupsv1.FindingStatus_FINDING_STATUS_AGREED,
		}
		base := findingsURL(ld.g.GetId()) + "/" + url.PathEscape(f.GetId())
		row.EditURL = base
		if !row.Agreed {
			row.AgreeURL = base + "/akkoord"
		}
		for _, q := range f.GetQuotes() {
			row.Quotes = append(row.Quotes, quoteRow{Text: q.GetText(), ConsentKey: consentKey(q.GetConsent()), Speaker: q.GetSpeakerName()})
		}
		p.Findings = append(p.Findings, row)
	}
	wk.View.Page = p
	return nil
}

// sessionTimes are the group's sessions' days and times by id.
func (wk *work) sessionTimes(groupID string) (map[string]string, error) {
	resp, err := wk.api.ListSessions(wk.Context(), &focusgroupsv1.ListSessionsRequest{FocusGroupId: groupID})
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, ss := range resp.GetSessions() {
		out[ss.GetId()] = when(wk.Words, ss.GetStartTime(), nil)
	}
	return out, nil
}

func breadthKey(b focusgroupsv1.FindingBreadth) string {
	return enumKey("fg.breadth.", b.String(), "FINDING_BREADTH_")
}

func consentKey(c focusgroupsv1.QuoteConsent) string {
	return enumKey("fg.consent.", c.String(), "QUOTE_CONSENT_")
}

// findingFormPage is the data of a finding's form, new or a draft's.
type findingFormPage struct {
	Group   groupHead
	Action  string
	BackURL string
	Etag    string
	Fields  []field
	Quotes  []quoteSlot
	Errors  *kit.FormErrors
	// Key is the new finding's idempotency key; empty when editing.
	Key string
}

// quoteSlot is one quote's fields.
type quoteSlot struct {
	Number  int
	ID      string
	IDField string
	Fields  []field
}

// Fields of the finding's form; a quote's are theirs with "-" and its
// index.
const (
	fSession   = "sessie"
	fStatement = "bevinding"
	fBreadth   = "breedte"
	fQuotes    = "citaten"
	fQuote     = "citaat-"
	fConsent   = "toestemming-"
	fSpeaker   = "spreker-"
	fQuoteID   = "citaat-id-"
	fRemove    = "weghalen-"
	// fAgreed marks the form of an agreed finding's quotes.
	fAgreed = "vastgesteld"
	// emptyQuotes is how many empty quotes the form offers; saving makes
	// room for more.
	emptyQuotes = 2
	maxQuotes   = 20
)

// breadths and consents are the form's choices, by their values.
var (
	breadths = []struct {
		value string
		enum  focusgroupsv1.FindingBreadth
	}{
		{"iedereen", focusgroupsv1.FindingBreadth_FINDING_BREADTH_ALL},
		{"meesten", focusgroupsv1.FindingBreadth_FINDING_BREADTH_MOST},
		{"sommigen", focusgroupsv1.FindingBreadth_FINDING_BREADTH_SOME},
		{"een", focusgroupsv1.FindingBreadth_FINDING_BREADTH_ONE},
	}
	consents = []struct {
		value string
		enum  focusgroupsv1.QuoteConsent
	}{
		{"naam", focusgroupsv1.QuoteConsent_QUOTE_CONSENT_NAMED},
		{"anoniem", focusgroupsv1.QuoteConsent_QUOTE_CONSENT_ANONYMOUS},
		{"intern", focusgroupsv1.QuoteConsent_QUOTE_CONSENT_INTERNAL},
	}
)

// findingFields maps CreateFinding's and UpdateFinding's body to the
// form, with each quote's fields for the quotes shown.
func findingFields(quotes int) []kit.FormField {
	fs := []kit.FormField{
		{Path: "/sessionId", Name: fSession, Anchor: fSession, LabelKey: "fg.finding.session"},
		{Path: "/statement", Name: fStatement, Anchor: fStatement, LabelKey: "fg.finding.statement"},
		{Path: "/breadth", Name: fBreadth, Anchor: fBreadth + "-iedereen", LabelKey: "fg.finding.breadth"},
		{Path: "/quotes", Name: fQuotes, Anchor: fQuote + "0", LabelKey: "fg.finding.quotes"},
	}
	for i := range quotes {
		n := strconv.Itoa(i)
		// The service names quotes by index, which these paths never
		// match: they are the form's own.
		fs = append(fs,
			kit.FormField{Path: "/form/quote" + n, Name: fQuote + n, Anchor: fQuote + n},
			kit.FormField{Path: "/form/consent" + n, Name: fConsent + n, Anchor: fConsent + n + "-naam"},
			kit.FormField{Path: "/form/speaker" + n, Name: fSpeaker + n, Anchor: fSpeaker + n},
		)
	}
	return append(fs, kit.FormField{})
}

// findingForm is a finding's values in the form.
func findingForm(f *focusgroupsv1.Finding) url.Values {
	v := url.Values{fSession: {f.GetSessionId()}, fStatement: {f.GetStatement()}, fEtag: {f.GetEtag()}}
	for _, b := range breadths {
		if b.enum == f.GetBreadth() {
			v.Set(fBreadth, b.value)
		}
	}
	for i, q := range f.GetQuotes() {
		n := strconv.Itoa(i)
		v.Set(fQuote+n, q.GetText())
		v.Set(fSpeaker+n, q.GetSpeakerName())
		v.Set(fQuoteID+n, q.GetId())
		for _, c := range consents {
			if c.enum == q.GetConsent() {
				v.Set(fConsent+n, c.value)
			}
		}
	}
	return v
}

// quotesIn counts the quotes a form holds, filled in or not.
func quotesIn(v url.Values) int {
	n := 0
	for i := range maxQuotes {
		if v.Has(fQuote + strconv.Itoa(i)) {
			n = i + 1
		}
	}
	return n
}

// newFinding serves GET /focusgroepen/{id}/bevindingen/nieuw.
func (s *Pages) newFinding(wk *work) error {
	return s.showFindingForm(wk, "", url.Values{}, &kit.FormErrors{})
}

// editFinding serves GET /focusgroepen/{id}/bevindingen/{fid}: a draft's
// form, or for an agreed finding the form of its quotes, which may only
// be removed or shared less widely.
func (s *Pages) editFinding(wk *work) error {
	f, err := wk.api.GetFinding(wk.Context(), &focusgroupsv1.GetFindingRequest{FocusGroupId: wk.R.PathValue("id"), Id: wk.R.PathValue("fid")})
	if err != nil {
		return err
	}
	if f.GetStatus() == focusgroupsv1.FindingStatus_FINDING_STATUS_AGREED {
		return s.showAgreedQuotes(wk, f, nil, &kit.FormErrors{})
	}
	return s.showFindingForm(wk, f.GetId(), findingForm(f), &kit.FormErrors{})
}

// showFindingForm shows the form of a new finding (fid empty) or of the
// draft fid with values and errs, with room for more quotes.
func (s *Pages) showFindingForm(wk *work, fid string, values url.Values, errs *kit.FormErrors) error {
	ld, err := wk.loadGroup()
	if err != nil {
		return err
	}
	sessions, err := wk.api.ListSessions(wk.Context(), &focusgroupsv1.ListSessionsRequest{FocusGroupId: ld.g.GetId()})
	if err != nil {
		return err
	}
	w := wk.Words
	p := &findingFormPage{Group: ld.head, BackURL: findingsURL(ld.g.GetId()), Etag: values.Get(fEtag), Errors: errs}
	if fid == "" {
		wk.View.Title = w.Say("fg.finding.new.title", "group", ld.head.Name)
		p.Action = p.BackURL + "/nieuw"
		p.Key = formKey(values)
	} else {
		wk.View.Title = w.Say("fg.finding.edit.title", "group", ld.head.Name)
		p.Action = p.BackURL + "/" + url.PathEscape(fid)
	}
	session := field{ID: fSession, Kind: "select", Label: w.Text("fg.finding.session"), Optional: true}
	session.Options = append(session.Options, kit.Choice{Value: "", LabelKey: "fg.finding.session.several"})
	for _, ss := range sessions.GetSessions() {
		session.Options = append(session.Options, kit.Choice{Value: ss.GetId(), Label: when(w, ss.GetStartTime(), nil), Selected: ss.GetId() == values.Get(fSession)})
	}
	breadth := field{ID: fBreadth, Kind: "radios", Label: w.Text("fg.finding.breadth")}
	for _, b := range breadths {
		breadth.Options = append(breadth.Options, kit.Choice{Value: b.value, LabelKey: breadthKey(b.enum), Selected: values.Get(fBreadth) == b.value})
	}
	p.Fields = withErrors([]field{
		{ID: fStatement, Kind: "textarea", Rows: 3, Label: w.Text("fg.finding.statement"), Hint: w.Text("fg.finding.statement.hint"), Value: values.Get(fStatement)},
		breadth,
		session,
	}, errs)
	slots := min(quotesIn(values)+emptyQuotes, maxQuotes)
	for i := range slots {
		n := strconv.Itoa(i)
		consent := field{ID: fConsent + n, Kind: "radios", Label: w.Text("fg.quote.consent")}
		for _, c := range consents {
			consent.Options = append(consent.Options, kit.Choice{Value: c.value, LabelKey: consentKey(c.enum), Selected: values.Get(fConsent+n) == c.value})
		}
		p.Quotes = append(p.Quotes, quoteSlot{
			Number:  i + 1,
			ID:      values.Get(fQuoteID + n),
			IDField: fQuoteID + n,
			Fields: withErrors([]field{
				{ID: fQuote + n, Kind: "textarea", Rows: 2, Label: w.Text("fg.quote.text"), Value: values.Get(fQuote + n), Optional: true},
				consent,
				{ID: fSpeaker + n, Label: w.Text("fg.quote.speaker"), Hint: w.Text("fg.quote.speaker.hint"), Value: values.Get(fSpeaker + n), Optional: true, Autocomplete: "off"},
			}, errs),
		})
	}
	wk.View.HasErrors = errs.Any()
	wk.View.Page = p
	return nil
}

// readFinding reads the form into a finding, with the problems it finds
// itself. Empty quotes are left out; a speaker's name is kept only for a
// quote that may carry it.
func readFinding(form url.Values) (*focusgroupsv1.Finding, *kit.FormErrors) {
	slots := quotesIn(form)
	fields := findingFields(slots)
	errs := &kit.FormErrors{}
	f := &focusgroupsv1.Finding{
		SessionId: form.Get(fSession),
		Statement: strings.TrimSpace(form.Get(fStatement)),
		Etag:      form.Get(fEtag),
	}
	switch n := utf8.RuneCountInString(f.Statement); {
	case n == 0:
		errs.Invalid(fields, fStatement, "form.error.required")
	case n > 1000:
		errs.Invalid(fields, fStatement, "fg.error.statementLong")
	}
	for _, b := range breadths {
		if form.Get(fBreadth) == b.value {
			f.Breadth = b.enum
		}
	}
	if f.Breadth == focusgroupsv1.FindingBreadth_FINDING_BREADTH_UNSPECIFIED {
		errs.Invalid(fields, fBreadth, "fg.error.breadth")
	}
	for i := range slots {
		n := strconv.Itoa(i)
		text := strings.TrimSpace(form.Get(fQuote + n))
		if text == "" {
			continue
		}
		q := &focusgroupsv1.Quote{Id: form.Get(fQuoteID + n), Text: text}
		if utf8.RuneCountInString(text) > 1000 {
			errs.Invalid(fields, fQuote+n, "fg.error.quoteLong")
		}
		for _, c := range consents {
			if form.Get(fConsent+n) == c.value {
				q.Consent = c.enum
			}
		}
		switch q.Consent {
		case focusgroupsv1.QuoteConsent_QUOTE_CONSENT_UNSPECIFIED:
			errs.Invalid(fields, fConsent+n, "fg.error.consent")
		case focusgroupsv1.QuoteConsent_QUOTE_CONSENT_NAMED:
			q.SpeakerName = strings.TrimSpace(form.Get(fSpeaker + n))
			if q.SpeakerName == "" {
				errs.Invalid(fields, fSpeaker+n, "fg.error.speaker")
			}
		}
		f.Quotes = append(f.Quotes, q)
	}
	if len(f.Quotes) > maxQuotes {
		errs.Invalid(fields, fQuotes, "fg.error.quotes")
	}
	return f, errs
}

// createFinding serves POST /focusgroepen/{id}/bevindingen/nieuw.
func (s *Pages) createFinding(wk *work) error {
	form := wk.R.PostForm
	f, errs := readFinding(form)
	if errs.Any() {
		wk.Status = http.StatusUnprocessableEntity
		return s.showFindingForm(wk, "", form, errs)
	}
	gid := wk.R.PathValue("id")
	f.Etag = ""
	_, err := wk.api.CreateFinding(wk.Context(), &focusgroupsv1.CreateFindingRequest{FocusGroupId: gid, Finding: f, IdempotencyKey: formKey(form)})
	switch {
	case err == nil:
		wk.Redirect = kit.WithDone(findingsURL(gid), "bevinding")
		return nil
	case kit.IsFormError(err):
		wk.Status = kit.FormStatus(err)
		return s.showFindingForm(wk, "", form, kit.FromStatus(err, "finding", findingFields(quotesIn(form)), nil))
	}
	return err
}

// updateFinding serves POST /focusgroepen/{id}/bevindingen/{fid}.
func (s *Pages) updateFinding(wk *work) error {
	form := wk.R.PostForm
	fid := wk.R.PathValue("fid")
	if form.Get(fAgreed) != "" {
		return s.narrowQuotes(wk)
	}
	f, errs := readFinding(form)
	if errs.Any() {
		wk.Status = http.StatusUnprocessableEntity
		return s.showFindingForm(wk, fid, form, errs)
	}
	gid := wk.R.PathValue("id")
	mask := &fieldmaskpb.FieldMask{Paths: []string{"session_id", "statement", "breadth", "quotes"}}
	_, err := wk.api.UpdateFinding(wk.Context(), &focusgroupsv1.UpdateFindingRequest{FocusGroupId: gid, Id: fid, Finding: f, UpdateMask: mask})
	switch {
	case err == nil:
		wk.Redirect = kit.WithDone(findingsURL(gid), "bevinding")
		return nil
	case kit.ChangedMeanwhile(err):
		wk.Status = kit.FormStatus(err)
		errs.Invalid(findingFields(quotesIn(form)), "", "fg.error.changedMeanwhile")
		return s.showFindingForm(wk, fid, form, errs)
	case kit.IsFormError(err):
		wk.Status = kit.FormStatus(err)
		return s.showFindingForm(wk, fid, form, kit.FromStatus(err, "finding", findingFields(quotesIn(form)), nil))
	}
	return err
}
