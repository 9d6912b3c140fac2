package web

import (
	"encoding/base64"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/meedoen/meedoen/internal/auth"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// The staff's panel pages: the resident panels of the tenant's
// municipalities (one for a municipality, one per municipality for a
// region), their members, a member's data with its export and erasure,
// and the import of members from a CSV file. They call the panels service
// through Config.Panels with the caller's identity; the service decides
// who sees what (only some roles see addresses), and the pages show what
// it returns.

// panelWork is one request to a staff panel page.
type panelWork struct {
	w      http.ResponseWriter
	r      *http.Request
	v      *view
	id     auth.Identity
	tenant string
	api    surveysv1.PanelsServiceClient
	words  words

	status   int
	redirect string
	// written reports that the handler wrote the response itself: a
	// download.
	written bool
}

// panelWorkFunc fills in a staff panel page, or fails.
type panelWorkFunc func(pw *panelWork) error

// staffPanels serves a staff panel page with the named template, the way
// workspace does for the councils service. A POST is read as a form of at
// most maxFormBytes, or, for upload, as a multipart form with a file.
func (s *Site) staffPanels(name string, upload bool, h panelWorkFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := auth.FromContext(r.Context())
		if !ok {
			s.loginFirst(w, r, r.URL.RequestURI())
			return
		}
		v := s.newView(w, r, r.URL.Path)
		if v.Tenant.Code == "" {
			s.renderError(w, r, v, http.StatusForbidden, "error.notenant")
			return
		}
		if r.Method == http.MethodPost {
			var err error
			if upload {
				r.Body = http.MaxBytesReader(w, r.Body, maxImportBytes)
				err = r.ParseMultipartForm(maxImportMemory)
			} else {
				err = parseForm(w, r)
			}
			if err != nil {
				s.renderError(w, r, v, http.StatusBadRequest, "error.badform")
				return
			}
		}
		if s.cfg.Panels == nil {
			s.renderError(w, r, v, http.StatusServiceUnavailable, "error.panel.staffUnconfigured")
			return
		}
		pw := &panelWork{
			w: w, r: r, v: v, id: id, tenant: v.Tenant.Code, api: s.cfg.Panels,
			words: s.words(v.Lang), status: http.StatusOK,
		}
		if err := h(pw); err != nil {
			s.fail(w, r, v, err)
			return
		}
		switch {
		case pw.written:
		case pw.redirect != "":
			http.Redirect(w, r, pw.redirect, http.StatusSeeOther)
		default:
			if v.TenantRefused && pw.status == http.StatusOK {
				pw.status = http.StatusForbidden
			}
			s.render(w, r, name, pw.status, v)
		}
	})
}

// The import's limits. The service takes files of up to 10 MB; the
// confirming step carries the file back in base64, a third larger.
const (
	maxImportFile   = 10 << 20
	maxImportBytes  = maxImportFile*4/3 + 1<<20
	maxImportMemory = 32 << 20
)

// mayKeep reports whether the person may keep the panel of municipality.
func (pw *panelWork) mayKeep(municipality string) bool {
	return pw.id.Has(municipality, auth.PanelKeepers...)
}

// municipalities are the municipalities whose panels the tenant has: the
// tenant itself, or a region's municipalities as the councils service
// lists them.
func (s *Site) municipalities(pw *panelWork) ([]place, error) {
	if isMunicipality(pw.tenant) {
		return []place{{Code: pw.tenant, Name: s.tenantName(pw.tenant)}}, nil
	}
	if s.cfg.Councils == nil {
		return nil, nil
	}
	wk := &work{r: pw.r, v: pw.v, id: pw.id, tenant: pw.tenant, api: s.cfg.Councils}
	a, err := wk.loadArea(s)
	if err != nil {
		return nil, err
	}
	return a.municipalities, nil
}

// panelOf is the municipality the URL names, which must be one of the
// tenant's: the switcher chose where the person works.
func (s *Site) panelOf(pw *panelWork) (place, error) {
	code := pw.r.PathValue("municipality")
	if !isMunicipality(code) {
		return place{}, status.Error(codes.NotFound, "no municipality")
	}
	ms, err := s.municipalities(pw)
	if err != nil {
		return place{}, err
	}
	i := slices.IndexFunc(ms, func(m place) bool { return m.Code == code })
	if i < 0 {
		return place{}, status.Error(codes.NotFound, "a municipality of another tenant")
	}
	return ms[i], nil
}

// panelURL is the address of a page of municipality's panel.
func panelURL(municipality string, parts ...string) string {
	p := "/panels/" + url.PathEscape(municipality)
	for _, part := range parts {
		p += "/" + url.PathEscape(part)
	}
	return p
}

// panelsPage is the data of /panels.
type panelsPage struct {
	Panels []panelSummaryView
	// Hidden counts the municipalities whose panel the person may not
	// see.
	Hidden int
}

// panelSummaryView is one municipality's panel in numbers.
type panelSummaryView struct {
	Municipality place
	// MembersURL and ImportURL lead to its members and its import; empty
	// for those who do not keep the panel.
	MembersURL, ImportURL string
	Active                int32
	Pending               int32
	Unsubscribed          int32
	// Tables break the active members down by age band and by
	// neighbourhood.
	Tables []panelCountTable
}

// panelCountTable is a breakdown of a panel's active members.
type panelCountTable struct {
	// ID names the table; its caption's id is ID + "-titel".
	ID                  string
	CaptionKey, HeadKey string
	Counts              []panelCountView
}

// panelCountView is a number of active members with one attribute value.
type panelCountView struct {
	Label    string
	LabelKey string
	Members  int32
}

// panels serves GET /panels.
func (s *Site) panels(pw *panelWork) error {
	pw.v.TitleKey = "panels.title"
	pw.panelDone()
	ms, err := s.municipalities(pw)
	if err != nil {
		return err
	}
	p := &panelsPage{}
	for _, m := range ms {
		sum, err := pw.api.GetPanelSummary(pw.r.Context(), &surveysv1.GetPanelSummaryRequest{MunicipalityCode: m.Code})
		switch status.Code(err) {
		case codes.OK:
		case codes.NotFound, codes.PermissionDenied:
			p.Hidden++
			continue
		default:
			return err
		}
		sv := panelSummaryView{
			Municipality: m, Active: sum.GetActive(), Pending: sum.GetPending(), Unsubscribed: sum.GetUnsubscribed(),
		}
		if pw.mayKeep(m.Code) {
			sv.MembersURL = panelURL(m.Code, "leden")
			sv.ImportURL = panelURL(m.Code, "importeren")
		}
		ages := panelCountTable{ID: "leeftijd-" + m.Code, CaptionKey: "panels.byAgeBand", HeadKey: "panels.ageBand"}
		for _, c := range sum.GetAgeBands() {
			ages.Counts = append(ages.Counts, panelCountView{LabelKey: ageBandKey(c.GetValue()), Members: c.GetMembers()})
		}
		places := panelCountTable{ID: "wijk-" + m.Code, CaptionKey: "panels.byNeighbourhood", HeadKey: "panels.neighbourhood"}
		for _, c := range sum.GetNeighbourhoods() {
			cv := panelCountView{Label: s.neighbourhoodName(c.GetValue()), Members: c.GetMembers()}
			if cv.Label == "" {
				cv.LabelKey = "panel.neighbourhood.none"
			}
			places.Counts = append(places.Counts, cv)
		}
		for _, tb := range []panelCountTable{ages, places} {
			if len(tb.Counts) > 0 {
				sv.Tables = append(sv.Tables, tb)
			}
		}
		p.Panels = append(p.Panels, sv)
	}
	pw.v.Page = p
	return nil
}

// ageBandKey is the catalogue key of an age band's name; that of "not
// given" for an empty or unknown one.
func ageBandKey(band string) string {
	if slices.Contains(ageBands, band) {
		return "panel.ageBand." + band
	}
	return "panel.ageBand.none"
}

// Member statuses as the members' filter writes them: Dutch words, since
// they end up in bookmarked URLs.
var memberStatuses = []struct {
	value  string
	status surveysv1.PanelMemberStatus
}{
	{"actief", surveysv1.PanelMemberStatus_PANEL_MEMBER_STATUS_ACTIVE},
	{"wacht", surveysv1.PanelMemberStatus_PANEL_MEMBER_STATUS_PENDING},
	{"afgemeld", surveysv1.PanelMemberStatus_PANEL_MEMBER_STATUS_UNSUBSCRIBED},
}

func memberStatusKey(st surveysv1.PanelMemberStatus) string {
	return "panel.status." + enumValue(st.String(), "PANEL_MEMBER_STATUS_")
}

// membersPage is the data of /panels/{municipality}/leden.
type membersPage struct {
	Municipality place
	Members      []memberRow
	// HiddenEmail reports that the service left out the addresses of
	// members who have one, as it does for those who may not see them.
	HiddenEmail bool
	// The filter's choices and what it holds.
	Statuses      []option
	AgeBands      []option
	Neighbourhood string
	Postcode      string
	Filtered      bool
	// FirstURL and NextURL page through the list; empty for none.
	FirstURL, NextURL string
	// ListURL is the list without filters, where the filter's form
	// goes.
	ListURL   string
	ImportURL string
}

// memberRow is one member in the list.
type memberRow struct {
	ID            string
	URL           string
	Email         string
	StatusKey     string
	AgeBandKey    string
	Neighbourhood string
	Postcode      string
	Joined        string
}

// The members' filter parameters; the pager's is the agenda's
// cursorParam.
const (
	statusParam        = "status"
	ageBandParam       = "leeftijd"
	neighbourhoodParam = "wijk"
	postcodeParam      = "postcode"
)

// membersPageSize is how many members one page shows.
const membersPageSize = 50

// members serves GET /panels/{municipality}/leden.
func (s *Site) members(pw *panelWork) error {
	m, err := s.panelOf(pw)
	if err != nil {
		return err
	}
	pw.panelDone()
	pw.v.TitleKey = "members.title"
	q := pw.r.URL.Query()
	req := &surveysv1.ListPanelMembersRequest{
		MunicipalityCode: m.Code,
		AgeBand:          q.Get(ageBandParam),
		Neighbourhood:    strings.TrimSpace(q.Get(neighbourhoodParam)),
		PostcodePrefix:   strings.ToUpper(strings.Join(strings.Fields(q.Get(postcodeParam)), "")),
		Limit:            membersPageSize,
		Cursor:           q.Get(cursorParam),
	}
	if !slices.Contains(ageBands, req.AgeBand) {
		req.AgeBand = ""
	}
	p := &membersPage{
		Municipality:  m,
		Neighbourhood: req.GetNeighbourhood(),
		Postcode:      q.Get(postcodeParam),
		ListURL:       panelURL(m.Code, "leden"),
		ImportURL:     panelURL(m.Code, "importeren"),
	}
	statusValue := q.Get(statusParam)
	p.Statuses = append(p.Statuses, option{Value: "", LabelKey: "members.filter.anyStatus"})
	for _, st := range memberStatuses {
		sel := st.value == statusValue
		if sel {
			req.Status = st.status
		}
		p.Statuses = append(p.Statuses, option{Value: st.value, LabelKey: memberStatusKey(st.status), Selected: sel})
	}
	p.AgeBands = append(p.AgeBands, option{Value: "", LabelKey: "members.filter.anyAgeBand"})
	for _, b := range ageBands {
		p.AgeBands = append(p.AgeBands, option{Value: b, LabelKey: ageBandKey(b), Selected: b == req.AgeBand})
	}
	p.Filtered = req.Status != surveysv1.PanelMemberStatus_PANEL_MEMBER_STATUS_UNSPECIFIED ||
		req.AgeBand != "" || req.Neighbourhood != "" || req.PostcodePrefix != ""

	resp, err := pw.api.ListPanelMembers(pw.r.Context(), req)
	if status.Code(err) == codes.InvalidArgument && req.Cursor != "" {
		// A cursor from an old bookmark: start again.
		req.Cursor = ""
		resp, err = pw.api.ListPanelMembers(pw.r.Context(), req)
	}
	if err != nil {
		return err
	}
	for _, mb := range resp.GetMembers() {
		row := memberRow{
			ID:            mb.GetId(),
			URL:           panelURL(m.Code, "leden", mb.GetId()),
			Email:         mb.GetEmail(),
			StatusKey:     memberStatusKey(mb.GetStatus()),
			AgeBandKey:    ageBandKey(mb.GetAgeBand()),
			Neighbourhood: s.neighbourhoodName(mb.GetNeighbourhood()),
			Postcode:      mb.GetPostcode(),
			Joined:        pw.words.moment(mb.GetCreateTime()),
		}
		if row.Email == "" && mb.GetStatus() != surveysv1.PanelMemberStatus_PANEL_MEMBER_STATUS_UNSUBSCRIBED {
			p.HiddenEmail = true
		}
		p.Members = append(p.Members, row)
	}
	page := func(cursor string) string {
		keep := url.Values{}
		for _, k := range []string{statusParam, ageBandParam, neighbourhoodParam, postcodeParam} {
			if v := q.Get(k); v != "" {
				keep.Set(k, v)
			}
		}
		if cursor != "" {
			keep.Set(cursorParam, cursor)
		}
		u := panelURL(m.Code, "leden")
		if len(keep) > 0 {
			u += "?" + keep.Encode()
		}
		return u
	}
	if next := resp.GetNextCursor(); next != "" {
		p.NextURL = page(next)
	}
	if req.Cursor != "" {
		p.FirstURL = page("")
	}
	pw.v.Page = p
	return nil
}

// memberPage is the data of /panels/{municipality}/leden/{id} and of its
// erasure's confirmation.
type memberPage struct {
	Municipality place
	MembersURL   string
	URL          string
	Email        string
	StatusKey    string
	SourceKey    string
	Postcode     string
	Neighbour    string
	AgeBandKey   string
	Consent      string
	Version      string
	Joined       string
	Left         string
	Consents     []consentRow
	Invitations  []invitationRow
	// DownloadURL and EraseURL lead to the export and the erasure.
	DownloadURL, EraseURL string
}

// consentRow is one entry of a member's consent history.
type consentRow struct {
	KindKey string
	Version string
	When    string
}

// invitationRow is one poll a member was invited to.
type invitationRow struct {
	PollTitle ltext
	PollURL   string
	Invited   string
	Reminded  string
	Used      bool
}

// member serves GET /panels/{municipality}/leden/{id}: everything the
// service holds on the member, which is what the export holds too.
func (s *Site) member(pw *panelWork) error {
	p, err := s.loadMember(pw)
	if err != nil {
		return err
	}
	pw.v.Page = p
	return nil
}

// loadMember reads the member the URL names.
func (s *Site) loadMember(pw *panelWork) (*memberPage, error) {
	m, err := s.panelOf(pw)
	if err != nil {
		return nil, err
	}
	id := pw.r.PathValue("id")
	ex, err := pw.api.ExportPanelMember(pw.r.Context(), &surveysv1.ExportPanelMemberRequest{MunicipalityCode: m.Code, Id: id})
	if err != nil {
		return nil, err
	}
	mb := ex.GetMember()
	base := panelURL(m.Code, "leden", mb.GetId())
	p := &memberPage{
		Municipality: m,
		MembersURL:   panelURL(m.Code, "leden"),
		URL:          base,
		Email:        mb.GetEmail(),
		StatusKey:    memberStatusKey(mb.GetStatus()),
		SourceKey:    "panel.source." + enumValue(mb.GetSource().String(), "PANEL_MEMBER_SOURCE_"),
		Postcode:     mb.GetPostcode(),
		Neighbour:    s.neighbourhoodName(mb.GetNeighbourhood()),
		AgeBandKey:   ageBandKey(mb.GetAgeBand()),
		Consent:      pw.words.moment(mb.GetConsentTime()),
		Version:      mb.GetConsentVersion(),
		Joined:       pw.words.moment(mb.GetCreateTime()),
		Left:         pw.words.moment(mb.GetUnsubscribeTime()),
		DownloadURL:  base + "/gegevens",
		EraseURL:     base + "/wissen",
	}
	for _, c := range ex.GetConsents() {
		p.Consents = append(p.Consents, consentRow{
			KindKey: "panel.consent." + enumValue(c.GetKind().String(), "CONSENT_EVENT_KIND_"),
			Version: c.GetConsentVersion(),
			When:    pw.words.moment(c.GetTime()),
		})
	}
	for _, inv := range ex.GetInvitations() {
		p.Invitations = append(p.Invitations, invitationRow{
			PollTitle: localText(inv.GetPollTitle(), pw.v.Lang),
			PollURL:   "/peilingen/" + url.PathEscape(inv.GetPollId()),
			Invited:   pw.words.moment(inv.GetInviteTime()),
			Reminded:  pw.words.moment(inv.GetRemindTime()),
			Used:      inv.GetUsed(),
		})
	}
	pw.v.TitleKey = "member.title"
	return p, nil
}

// downloadMember serves GET /panels/{municipality}/leden/{id}/gegevens:
// the member's data as a JSON file, for a data subject's access request.
func (s *Site) downloadMember(pw *panelWork) error {
	m, err := s.panelOf(pw)
	if err != nil {
		return err
	}
	ex, err := pw.api.ExportPanelMember(pw.r.Context(), &surveysv1.ExportPanelMemberRequest{MunicipalityCode: m.Code, Id: pw.r.PathValue("id")})
	if err != nil {
		return err
	}
	b, err := protojson.MarshalOptions{Multiline: true, EmitUnpopulated: true}.Marshal(ex)
	if err != nil {
		return err
	}
	h := pw.w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="panellid-`+safeFileName(ex.GetMember().GetId())+`.json"`)
	// Personal data: no cache may keep a copy.
	h.Set("Cache-Control", "no-store")
	pw.w.WriteHeader(http.StatusOK)
	if pw.r.Method != http.MethodHead {
		_, _ = pw.w.Write(append(b, '\n'))
	}
	pw.written = true
	return nil
}

// safeFileName keeps the characters of an id that are safe in a
// Content-Disposition file name.
func safeFileName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return -1
	}, s)
}

// confirmErase serves GET /panels/{municipality}/leden/{id}/wissen: the
// question whether to erase, with the button that does.
func (s *Site) confirmErase(pw *panelWork) error {
	p, err := s.loadMember(pw)
	if err != nil {
		return err
	}
	pw.v.TitleKey = "member.erase.title"
	pw.v.Page = p
	return nil
}

// erase serves POST /panels/{municipality}/leden/{id}/wissen.
func (s *Site) erase(pw *panelWork) error {
	m, err := s.panelOf(pw)
	if err != nil {
		return err
	}
	_, err = pw.api.ErasePanelMember(pw.r.Context(), &surveysv1.ErasePanelMemberRequest{MunicipalityCode: m.Code, Id: pw.r.PathValue("id")})
	if err != nil {
		return err
	}
	pw.redirect = withDone(panelURL(m.Code, "leden"), "gewist")
	return nil
}

// The import form's fields.
const (
	importFileField    = "bestand"
	importVersionField = "versie"
	// importDataField carries the checked file back, in base64, so that
	// the import stores exactly what the preview showed.
	importDataField = "inhoud"
	importStepField = "stap"
	// importCommit is the step that imports; any other checks.
	importCommit = "importeren"
)

// importPage is the data of /panels/{municipality}/importeren.
type importPage struct {
	Municipality place
	Action       string
	MembersURL   string
	Version      string
	Errors       *formErrors
	// Report is the outcome of the last check or import; nil before.
	Report *importReport
	// Data is the checked file in base64, for the import step.
	Data string
	// FileName names the checked file.
	FileName string
}

// importReport is what an import did, or would do.
type importReport struct {
	DryRun     bool
	Rows       int32
	Imported   int32
	Updated    int32
	Duplicates int32
	Rejected   []rejectedRow
	// Importable counts the rows an import would store.
	Importable int32
}

// rejectedRow is one problem of a rejected row.
type rejectedRow struct {
	Line   int32
	Column string
	Reason ltext
}

// importFields are the import form's fields, with the paths the service
// names them by.
var importFields = []formField{
	{Path: "/csv", Name: importFileField, Anchor: importFileField, LabelKey: "import.field.file"},
	{Path: "/consentVersion", Name: importVersionField, Anchor: importVersionField, LabelKey: "import.field.version"},
	{},
}

// importForm serves GET /panels/{municipality}/importeren.
func (s *Site) importForm(pw *panelWork) error {
	m, err := s.panelOf(pw)
	if err != nil {
		return err
	}
	pw.showImport(m, &importPage{Errors: &formErrors{}})
	return nil
}

// importMembers serves POST /panels/{municipality}/importeren: the check
// of a file (a dry run that stores nothing), and then its import.
func (s *Site) importMembers(pw *panelWork) error {
	m, err := s.panelOf(pw)
	if err != nil {
		return err
	}
	f := pw.r.MultipartForm
	p := &importPage{
		Version: strings.TrimSpace(formValue(f, importVersionField)),
		Errors:  &formErrors{},
	}
	commit := formValue(f, importStepField) == importCommit
	data, name, err := uploaded(f)
	if err != nil {
		return err
	}
	if data == nil {
		// No new file: the import step, or a check again with another
		// version, carries the checked file.
		if data, err = base64.StdEncoding.DecodeString(formValue(f, importDataField)); err != nil {
			data = nil
		}
		name = formValue(f, importFileField+"-naam")
	}
	switch {
	case len(data) == 0:
		p.Errors.invalid(importFields, importFileField, "import.error.file")
	case len(data) > maxImportFile:
		p.Errors.invalid(importFields, importFileField, "import.error.tooLarge")
	}
	if p.Version == "" {
		p.Errors.invalid(importFields, importVersionField, "import.error.version")
	}
	if !p.Errors.Has(importFileField) {
		// Kept for the next step, or for the form shown again: browsers
		// do not fill in a file field twice.
		p.FileName = name
		p.Data = base64.StdEncoding.EncodeToString(data)
	}
	if p.Errors.Any() {
		pw.status = http.StatusUnprocessableEntity
		pw.showImport(m, p)
		return nil
	}
	res, err := pw.api.ImportPanelMembers(pw.r.Context(), &surveysv1.ImportPanelMembersRequest{
		MunicipalityCode: m.Code, Csv: data, ConsentVersion: p.Version, DryRun: !commit,
	})
	switch {
	case err == nil:
	case isFormError(err):
		p.Errors = fromStatus(err, "", importFields)
		pw.status = formStatus(err)
		pw.showImport(m, p)
		return nil
	default:
		return err
	}
	r := &importReport{
		DryRun: res.GetDryRun(), Rows: res.GetRows(), Imported: res.GetImported(),
		Updated: res.GetUpdated(), Duplicates: res.GetDuplicates(),
	}
	r.Importable = r.Imported + r.Updated
	for _, rr := range res.GetRejected() {
		r.Rejected = append(r.Rejected, rejectedRow{Line: rr.GetLine(), Column: rr.GetColumn(), Reason: localText(rr.GetReason(), pw.v.Lang)})
	}
	p.Report = r
	if !r.DryRun {
		// Done: nothing left to carry.
		p.Data, p.FileName = "", ""
		pw.v.NoticeKey = "done.panel.imported"
	}
	pw.showImport(m, p)
	return nil
}

// showImport shows the import page for m.
func (pw *panelWork) showImport(m place, p *importPage) {
	p.Municipality = m
	p.Action = panelURL(m.Code, "importeren")
	p.MembersURL = panelURL(m.Code, "leden")
	pw.v.TitleKey = "import.title"
	pw.v.HasErrors = p.Errors.Any()
	pw.v.Page = p
}

// formValue is the first value of a multipart form's field.
func formValue(f *multipart.Form, name string) string {
	if f == nil || len(f.Value[name]) == 0 {
		return ""
	}
	return f.Value[name][0]
}

// uploaded reads the file the import form sent; nil when it sent none.
func uploaded(f *multipart.Form) (data []byte, name string, err error) {
	if f == nil || len(f.File[importFileField]) == 0 {
		return nil, "", nil
	}
	fh := f.File[importFileField][0]
	if fh.Size == 0 {
		return nil, "", nil
	}
	file, err := fh.Open()
	if err != nil {
		return nil, "", err
	}
	defer file.Close()
	// One byte over the limit is enough to tell it is too large.
	data, err = io.ReadAll(io.LimitReader(file, maxImportFile+1))
	if err != nil {
		return nil, "", err
	}
	return data, fh.Filename, nil
}

// panelDone shows the success message a redirect asks for.
func (pw *panelWork) panelDone() {
	if k := pw.r.URL.Query().Get(doneParam); slices.Contains(panelDoneKeys, k) {
		pw.v.NoticeKey = "done.panel." + k
	}
}

// panelDoneKeys are the panel pages' success messages, each
// "done.panel.<key>" in the catalogue.
var panelDoneKeys = []string{"gewist"}
