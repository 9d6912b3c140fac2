package panels

import (
	"encoding/base64"
	"io"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/meedoen/meedoen/gateway/web/kit"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// The import's limits. The service takes files of up to 10 MB; the
// confirming step carries the file back in base64, a third larger.
const (
	maxImportFile   = 10 << 20
	maxImportBytes  = maxImportFile*4/3 + 1<<20
	maxImportMemory = 32 << 20
)

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
	Municipality kit.Place
	Action       string
	MembersURL   string
	Version      string
	Errors       *kit.FormErrors
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
	Reason kit.Localized
}

// importFields are the import form's fields, with the paths the service
// names them by.
var importFields = []kit.FormField{
	{Path: "/csv", Name: importFileField, Anchor: importFileField, LabelKey: "import.field.file"},
	{Path: "/consentVersion", Name: importVersionField, Anchor: importVersionField, LabelKey: "import.field.version"},
	{},
}

// importForm serves GET /panels/{municipality}/importeren.
func (s *Pages) importForm(pw *panelWork) error {
	m, err := s.panelOf(pw)
	if err != nil {
		return err
	}
	pw.showImport(m, &importPage{Errors: &kit.FormErrors{}})
	return nil
}

// importMembers serves POST /panels/{municipality}/importeren: the check
// of a file (a dry run that stores nothing), and then its import.
func (s *Pages) importMembers(pw *panelWork) error {
	m, err := s.panelOf(pw)
	if err != nil {
		return err
	}
	f := pw.R.MultipartForm
	p := &importPage{
		Version: strings.TrimSpace(formValue(f, importVersionField)),
		Errors:  &kit.FormErrors{},
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
		p.Errors.Invalid(importFields, importFileField, "import.error.file")
	case len(data) > maxImportFile:
		p.Errors.Invalid(importFields, importFileField, "import.error.tooLarge")
	}
	if p.Version == "" {
		p.Errors.Invalid(importFields, importVersionField, "import.error.version")
	}
	if !p.Errors.Has(importFileField) {
		// Kept for the next step, or for the form shown again: browsers
		// do not fill in a file field twice.
		p.FileName = name
		p.Data = base64.StdEncoding.EncodeToString(data)
	}
	if p.Errors.Any() {
		pw.Status = http.StatusUnprocessableEntity
		pw.showImport(m, p)
		return nil
	}
	res, err := pw.api.ImportPanelMembers(pw.R.Context(), &surveysv1.ImportPanelMembersRequest{
		MunicipalityCode: m.Code, Csv: data, ConsentVersion: p.Version, DryRun: !commit,
	})
	switch {
	case err == nil:
	case kit.IsFormError(err):
		p.Errors = kit.FromStatus(err, "", importFields, nil)
		pw.Status = kit.FormStatus(err)
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
		r.Rejected = append(r.Rejected, rejectedRow{Line: rr.GetLine(), Column: rr.GetColumn(), Reason: kit.Localize(rr.GetReason(), pw.View.Lang)})
	}
	p.Report = r
	if !r.DryRun {
		// Done: nothing left to carry.
		p.Data, p.FileName = "", ""
		pw.View.NoticeKey = "done.panel.imported"
	}
	pw.showImport(m, p)
	return nil
}

// showImport shows the import page for m.
func (pw *panelWork) showImport(m kit.Place, p *importPage) {
	p.Municipality = m
	p.Action = panelURL(m.Code, "importeren")
	p.MembersURL = panelURL(m.Code, "leden")
	pw.View.TitleKey, pw.View.Subject = "import.title", m.Name
	pw.View.HasErrors = p.Errors.Any()
	pw.View.Page = p
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
