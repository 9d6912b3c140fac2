package advice

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/meedoen/meedoen/gateway/web/kit"
	resultsv1 "github.com/meedoen/meedoen/proto/meedoen/results/v1"
)

// An advice's page, its versions and an older version.

// adviceHead is what every page of an advice shows of it.
type adviceHead struct {
	ID, URL, Title, Reference, StatusKey string
	// Addressees are the municipalities whose executive it is for.
	Addressees string
}

// head is a's head.
func (s *Pages) head(a *resultsv1.Advice) adviceHead {
	return adviceHead{ID: a.GetId(), URL: adviceURL(a.GetId()), Title: a.GetContent().GetTitle(),
		Reference: a.GetReference(), StatusKey: adviceStatusKey(a.GetStatus()), Addressees: s.names(a.GetAddressees())}
}

// loadAdvice reads the advice of the page's {id}.
func (wk *work) loadAdvice() (*resultsv1.Advice, error) {
	return wk.api.GetAdvice(wk.Context(), &resultsv1.GetAdviceRequest{Id: wk.R.PathValue("id")})
}

// advicePage is the data of /adviezen/{id}.
type advicePage struct {
	Head       adviceHead
	OriginKey  string
	Addressees string
	ProcessURL string
	Latest     int32
	// Sent is the version sent last, 0 before sending; SentTime when.
	Sent       int32
	SentTime   string
	FirstSent  string
	Hash       string
	Correction bool
	Doc        docView
	DocHTML    string
	DocPDF     string
	// What the person may do.
	CanWrite, CanAdopt, CanSend bool
	Tracker                     []trackerRow
	// Own are the responses the person gives: their municipalities'.
	Own []trackerRow
}

// trackerRow is one addressed municipality's response.
type trackerRow struct {
	URL, Municipality, StatusKey, Deadline, Owner, Acknowledged, DecidedOn string
	Overdue, OnTime, Answered                                              bool
	Version                                                                int32
}

// advice serves GET /adviezen/{id}.
func (s *Pages) advice(wk *work) error {
	a, err := wk.loadAdvice()
	if err != nil {
		return err
	}
	w := wk.Words
	wk.Done("advice.done.", "aangemaakt", "bestaat", "versie", "vastgesteld", "verzonden")
	latest, err := wk.api.GetVersion(wk.Context(), &resultsv1.GetVersionRequest{Id: a.GetId(), Number: a.GetLatestVersion()})
	if err != nil {
		return err
	}
	p := &advicePage{
		Head:       s.head(a),
		OriginKey:  originKey(a.GetOrigin()),
		Addressees: s.names(a.GetAddressees()),
		ProcessURL: "/trajecten/" + a.GetProcessId(),
		Latest:     a.GetLatestVersion(),
		Sent:       a.GetSentVersion(),
		SentTime:   w.Moment(a.GetSentTime()),
		FirstSent:  w.Moment(a.GetFirstSentTime()),
		Hash:       a.GetContentHash(),
		Correction: a.GetSentVersion() > 0 && a.GetLatestVersion() > a.GetSentVersion(),
		Doc:        s.document(w, latest, nil),
		DocHTML:    documentURL(a.GetId(), a.GetLatestVersion(), "html"),
		DocPDF:     documentURL(a.GetId(), a.GetLatestVersion(), "pdf"),
		CanWrite:   wk.mayWrite(a),
		CanAdopt:   wk.mayDecide(a) && a.GetStatus() == resultsv1.AdviceStatus_ADVICE_STATUS_DRAFT,
		CanSend:    wk.mayDecide(a) && a.GetStatus() == resultsv1.AdviceStatus_ADVICE_STATUS_ADOPTED,
	}
	wk.View.Title = p.Head.Title
	if a.GetSentVersion() > 0 {
		responses, err := s.responses(wk, "", a.GetId())
		if err != nil {
			return err
		}
		for _, r := range responses {
			row := s.tracker(w, r)
			p.Tracker = append(p.Tracker, row)
			if wk.mayRespond(r.GetMunicipalityCode()) {
				p.Own = append(p.Own, row)
			}
		}
	}
	wk.View.Page = p
	return nil
}

// tracker is r as the tracker shows it.
func (s *Pages) tracker(w kit.Words, r *resultsv1.MunicipalResponse) trackerRow {
	return trackerRow{
		URL:          responseURL(r.GetAdviceId(), r.GetMunicipalityCode()),
		Municipality: s.kit.TenantName(r.GetMunicipalityCode()),
		StatusKey:    responseStatusKey(r.GetStatus()),
		Deadline:     w.Date(r.GetDeadline()),
		Owner:        r.GetOwnerName(),
		Acknowledged: w.Moment(r.GetAcknowledgeTime()),
		DecidedOn:    w.Date(r.GetDecidedOn()),
		Overdue:      r.GetOverdue(),
		OnTime:       r.GetAnsweredOnTime(),
		Answered:     r.GetVersion() > 0,
		Version:      r.GetVersion(),
	}
}

// versionsPage is the data of /adviezen/{id}/versies.
type versionsPage struct {
	Head     adviceHead
	Versions []versionRow
	CanWrite bool
}

// versionRow is one version in the list.
type versionRow struct {
	URL, StatusKey, Created, Note, Sent string
	Number                              int32
	Correction                          bool
}

// versions serves GET /adviezen/{id}/versies.
func (s *Pages) versions(wk *work) error {
	a, err := wk.loadAdvice()
	if err != nil {
		return err
	}
	resp, err := wk.api.ListVersions(wk.Context(), &resultsv1.ListVersionsRequest{Id: a.GetId()})
	if err != nil {
		return err
	}
	p := &versionsPage{Head: s.head(a), CanWrite: wk.mayWrite(a)}
	wk.View.Title = wk.Words.Say("advice.versions.title", "title", p.Head.Title)
	vs := resp.GetVersions()
	// Newest first: the one people look for.
	for _, v := range slices.Backward(vs) {
		p.Versions = append(p.Versions, versionRow{
			URL: versionURL(a.GetId(), v.GetNumber()), Number: v.GetNumber(), StatusKey: versionStatusKey(v.GetStatus()),
			Created: wk.Words.Moment(v.GetCreateTime()), Note: v.GetChangeNote(), Sent: wk.Words.Moment(v.GetSentTime()),
			Correction: v.GetCorrection(),
		})
	}
	wk.View.Page = p
	return nil
}

// versionPage is the data of /adviezen/{id}/versies/{n}.
type versionPage struct {
	Head        adviceHead
	Number      int32
	StatusKey   string
	Created     string
	Note        string
	Latest      bool
	Doc         docView
	DocHTML     string
	DocPDF      string
	VersionsURL string
}

// version serves GET /adviezen/{id}/versies/{n}.
func (s *Pages) version(wk *work) error {
	n, err := strconv.Atoi(wk.R.PathValue("n"))
	if err != nil || n < 1 {
		return kit.ErrorPage(http.StatusNotFound, "advice.noVersion")
	}
	a, err := wk.loadAdvice()
	if err != nil {
		return err
	}
	v, err := wk.api.GetVersion(wk.Context(), &resultsv1.GetVersionRequest{Id: a.GetId(), Number: int32(n)})
	if err != nil {
		return err
	}
	p := &versionPage{
		Head: s.head(a), Number: v.GetNumber(), StatusKey: versionStatusKey(v.GetStatus()),
		Created: wk.Words.Moment(v.GetCreateTime()), Note: v.GetChangeNote(), Latest: v.GetNumber() == a.GetLatestVersion(),
		Doc:         s.document(wk.Words, v, nil),
		DocHTML:     documentURL(a.GetId(), v.GetNumber(), "html"),
		DocPDF:      documentURL(a.GetId(), v.GetNumber(), "pdf"),
		VersionsURL: versionsURL(a.GetId()),
	}
	wk.View.Title = wk.Words.Say("advice.version.title", "title", p.Head.Title, "n", p.Number)
	wk.View.Page = p
	return nil
}

func versionsURL(id string) string { return adviceURL(id) + "/versies" }
