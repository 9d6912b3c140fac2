package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/carlos7ags/folio/reader"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"

	"github.com/meedoen/meedoen/internal/errs"
	pb "github.com/meedoen/meedoen/proto/meedoen/results/v1"
)

// adviceRecommendations are the recommendations of the tests' documents,
// with Dutch characters the PDF must keep.
var adviceRecommendations = []string{
	"Zet het mantelzorgloket vóór de zomer in de huis-aan-huiskrant.",
	"Bel mantelzorgers één keer per jaar op, als zij dat willen.",
	"Organiseer een café voor jonge mantelzorgers in de bibliotheek.",
}

// pdfText is the text of every page of a PDF, read back with an
// independent reader, white space collapsed.
func pdfText(t *testing.T, data []byte) string {
	t.Helper()
	r, err := reader.Parse(data)
	if err != nil {
		t.Fatalf("parsing the PDF: %v", err)
	}
	var all []string
	for i := range r.PageCount() {
		p, err := r.Page(i)
		if err != nil {
			t.Fatal(err)
		}
		text, err := p.ExtractText()
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, text)
	}
	return strings.Join(strings.Fields(strings.Join(all, " ")), " ")
}

// wantInOrder checks that each of texts appears in s after the one before
// it, numbered from 1, after the heading.
func wantInOrder(t *testing.T, what, s, heading string, texts []string) {
	t.Helper()
	at := strings.Index(s, heading)
	if at < 0 {
		t.Fatalf("%s lacks %q:\n%s", what, heading, s)
	}
	for i, rec := range texts {
		want := fmt.Sprintf("%d. %s", i+1, rec)
		next := strings.Index(s[at:], want)
		if next < 0 {
			t.Fatalf("%s lacks %q after recommendation %d:\n%s", what, want, i, s)
		}
		at += next + len(want)
	}
}

// htmlRecommendations are the items of the HTML document's numbered list.
func htmlRecommendations(t *testing.T, data []byte) (lang string, items []string) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "html" {
			for _, a := range n.Attr {
				if a.Key == "lang" {
					lang = a.Val
				}
			}
		}
		if n.Type == html.ElementNode && n.Data == "ol" {
			for li := n.FirstChild; li != nil; li = li.NextSibling {
				if li.Type == html.ElementNode && li.Data == "li" {
					items = append(items, strings.Join(strings.Fields(textOf(li)), " "))
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return lang, items
}

func textOf(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(textOf(c))
	}
	return b.String()
}

// TestAdviceDocumentAfterSending creates, adopts and sends an advice in the
// service's database and fetches its PDF and HTML as anyone would: every
// recommendation appears in order with its number. A draft is refused to
// the public and served to the council.
func TestAdviceDocumentAfterSending(t *testing.T) {
	f := newFixture(t)
	c := content(adviceRecommendations...)
	a, err := f.srv.Advice.CreateAdvice(secretaris, &pb.CreateAdviceRequest{Advice: &pb.Advice{ProcessId: processID, Content: c}})
	if err != nil {
		t.Fatal(err)
	}
	id := a.GetId()
	public := context.Background()

	// A draft: the council sees it; anyone else is told it does not exist.
	for name, ctx := range map[string]context.Context{"the public": public, "another municipality's officer": velsenAmbtenaar} {
		for _, n := range []int32{0, 1} {
			_, err := f.srv.Files.RenderAdvice(ctx, &pb.RenderAdviceRequest{Id: id, Number: n})
			wantCode(t, fmt.Sprintf("%s asking for draft version %d", name, n), err, errs.NotFound)
		}
	}
	draft, err := f.srv.Files.RenderAdvice(raadslid, &pb.RenderAdviceRequest{Id: id, Format: pb.DocumentFormat_DOCUMENT_FORMAT_HTML})
	if err != nil {
		t.Fatalf("the council asking for its draft: %v", err)
	}
	if _, items := htmlRecommendations(t, draft.GetData()); !cmp.Equal(items, adviceRecommendations) {
		t.Errorf("the draft's recommendations: %v", items)
	}

	if _, err := f.srv.Advice.AdoptAdvice(secretaris, &pb.AdoptAdviceRequest{Id: id, Version: 1}); err != nil {
		t.Fatal(err)
	}
	// Adopted, not sent: still not public.
	_, err = f.srv.Files.RenderAdvice(public, &pb.RenderAdviceRequest{Id: id, Number: 1})
	wantCode(t, "the public asking for an adopted, unsent version", err, errs.NotFound)
	sent, err := f.srv.Advice.SendAdvice(secretaris, &pb.SendAdviceRequest{Id: id, Version: 1})
	if err != nil {
		t.Fatal(err)
	}

	pdf, err := f.srv.Files.RenderAdvice(public, &pb.RenderAdviceRequest{Id: id})
	if err != nil {
		t.Fatalf("the public asking for the sent advice: %v", err)
	}
	ref := sent.GetReference()
	if pdf.GetContentType() != "application/pdf" || pdf.GetFileName() != "advies-"+ref+"-v1.pdf" {
		t.Errorf("PDF: %q named %q, want application/pdf named advies-%s-v1.pdf", pdf.GetContentType(), pdf.GetFileName(), ref)
	}
	text := pdfText(t, pdf.GetData())
	wantInOrder(t, "the PDF", text, "Aanbevelingen", adviceRecommendations)
	// Long codes (the hash, the link) are broken over lines by character.
	unbroken := strings.ReplaceAll(text, " ", "")
	for _, want := range []string{ref, sent.GetContentHash(), "Heemskerk", "https://meedoen.example/adviezen/" + id, "Participatieraad Heemskerk"} {
		if !strings.Contains(unbroken, strings.ReplaceAll(want, " ", "")) {
			t.Errorf("the PDF lacks %q:\n%s", want, text)
		}
	}

	page, err := f.srv.Files.RenderAdvice(public, &pb.RenderAdviceRequest{Id: id, Number: 1, Format: pb.DocumentFormat_DOCUMENT_FORMAT_HTML})
	if err != nil {
		t.Fatal(err)
	}
	if page.GetContentType() != "text/html; charset=utf-8" || page.GetFileName() != "advies-"+ref+"-v1.html" {
		t.Errorf("HTML: %q named %q", page.GetContentType(), page.GetFileName())
	}
	lang, items := htmlRecommendations(t, page.GetData())
	if lang != "nl" {
		t.Errorf("HTML lang %q, want nl", lang)
	}
	if diff := cmp.Diff(adviceRecommendations, items); diff != "" {
		t.Errorf("HTML recommendations (-want +got):\n%s", diff)
	}
	if !bytes.Contains(page.GetData(), []byte(sent.GetContentHash())) {
		t.Error("the HTML lacks the content hash")
	}

	// A version that does not exist, for the public, is as unknown as a
	// draft; an advice that does not exist too.
	_, err = f.srv.Files.RenderAdvice(public, &pb.RenderAdviceRequest{Id: id, Number: 7})
	wantCode(t, "a version that does not exist", err, errs.NotFound)
	_, err = f.srv.Files.RenderAdvice(public, &pb.RenderAdviceRequest{Id: "0190f0e0-0000-7000-8000-000000000000"})
	wantCode(t, "an advice that does not exist", err, errs.NotFound)
}

func TestRenderAdviceRefusesBadParameters(t *testing.T) {
	f := newFixture(t)
	a := f.sent(t, processID, secretaris)
	for name, tc := range map[string]struct {
		req   *pb.RenderAdviceRequest
		field string
	}{
		"a negative version": {&pb.RenderAdviceRequest{Id: a.GetId(), Number: -1}, "version"},
		"a language":         {&pb.RenderAdviceRequest{Id: a.GetId(), Language: "fr"}, "language"},
		"a format":           {&pb.RenderAdviceRequest{Id: a.GetId(), Format: 9}, "format"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := f.srv.Files.RenderAdvice(context.Background(), tc.req)
			wantField(t, err, tc.field)
		})
	}
}

// wantField checks that err refuses the request naming field.
func wantField(t *testing.T, err error, field string) {
	t.Helper()
	var e *errs.Error
	if !errors.As(err, &e) || e.Code != errs.Invalid {
		t.Fatalf("got %v, want invalid argument naming %s", err, field)
	}
	for _, fl := range e.Fields {
		if fl.Path == field {
			return
		}
	}
	t.Errorf("fields %v do not name %s", e.Fields, field)
}

// answered is a sent advice of the shared process, answered by Beverwijk:
// adopted, then not adopted with a motivation; Heemskerk has not answered.
func (f *fixture) answered(t *testing.T) *pb.Advice {
	t.Helper()
	a, err := f.srv.Advice.CreateAdvice(coordinator, &pb.CreateAdviceRequest{Advice: &pb.Advice{ProcessId: sharedProcessID,
		Content: content(adviceRecommendations[:2]...)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.srv.Advice.AdoptAdvice(coordinator, &pb.AdoptAdviceRequest{Id: a.GetId(), Version: 1}); err != nil {
		t.Fatal(err)
	}
	if a, err = f.srv.Advice.SendAdvice(coordinator, &pb.SendAdviceRequest{Id: a.GetId(), Version: 1}); err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(10 * 24 * time.Hour)
	if _, err := f.srv.Advice.RecordResponse(beverwijk, &pb.RecordResponseRequest{Id: a.GetId(), MunicipalityCode: "GM0375", DecidedOn: "2027-03-18",
		Answers: []*pb.RecommendationAnswer{{Recommendation: 1, Verdict: pb.Verdict_VERDICT_ADOPTED},
			{Recommendation: 2, Verdict: pb.Verdict_VERDICT_NOT_ADOPTED, Motivation: "Daar is geen budget voor, zei de wethouder; \"helaas\"."}}}); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestExportResultsCSVAndJSON(t *testing.T) {
	f := newFixture(t)
	a := f.answered(t)
	// A draft of the other process stays out.
	f.drafted(t, raadslid, processID)

	file, err := f.srv.Files.ExportResults(context.Background(), &pb.ExportResultsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if file.GetContentType() != "text/csv; charset=utf-8" || file.GetFileName() != "meedoen-adviezen-en-antwoorden.csv" {
		t.Errorf("CSV: %q named %q", file.GetContentType(), file.GetFileName())
	}
	data := file.GetData()
	if !bytes.HasPrefix(data, []byte("\uFEFF")) || !bytes.Contains(data, []byte("\r\n")) {
		t.Error("the CSV does not start with a byte order mark or has no CRLF line ends")
	}
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatalf("reading the CSV back: %v", err)
	}
	ref, sentOn := a.GetReference(), "2027-03-10"
	want := [][]string{
		{"kenmerk", "proces_id", "titel", "thema", "gemeentecode", "gemeente", "versie", "verzonden_op", "aanbeveling", "tekst_aanbeveling",
			"besluit", "besluit_omschrijving", "motivering", "termijn_tot_en_met", "besluit_genomen_op", "op_tijd"},
		{ref, sharedProcessID, "Advies over ondersteuning van mantelzorgers", "mantelzorg", "GM0375", "Beverwijk", "1", sentOn, "1", adviceRecommendations[0],
			"adopted", "Overgenomen", "", "2027-04-21", "2027-03-18", "true"},
		{ref, sharedProcessID, "Advies over ondersteuning van mantelzorgers", "mantelzorg", "GM0396", "Heemskerk", "1", sentOn, "1", adviceRecommendations[0],
			"", "", "", "2027-04-21", "", ""},
		{ref, sharedProcessID, "Advies over ondersteuning van mantelzorgers", "mantelzorg", "GM0375", "Beverwijk", "1", sentOn, "2", adviceRecommendations[1],
			"not_adopted", "Niet overgenomen", "Daar is geen budget voor, zei de wethouder; \"helaas\".", "2027-04-21", "2027-03-18", "true"},
		{ref, sharedProcessID, "Advies over ondersteuning van mantelzorgers", "mantelzorg", "GM0396", "Heemskerk", "1", sentOn, "2", adviceRecommendations[1],
			"", "", "", "2027-04-21", "", ""},
	}
	if diff := cmp.Diff(want, records); diff != "" {
		t.Errorf("CSV (-want +got):\n%s", diff)
	}

	file, err = f.srv.Files.ExportResults(context.Background(), &pb.ExportResultsRequest{Format: pb.DataFormat_DATA_FORMAT_JSON, Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if file.GetContentType() != "application/json" || file.GetFileName() != "meedoen-advice-and-responses.json" {
		t.Errorf("JSON: %q named %q", file.GetContentType(), file.GetFileName())
	}
	var rows []map[string]any
	if err := json.Unmarshal(file.GetData(), &rows); err != nil {
		t.Fatalf("reading the JSON back: %v", err)
	}
	if len(rows) != 4 {
		t.Fatalf("%d JSON rows, want 4", len(rows))
	}
	wantRow := map[string]any{"reference": ref, "process_id": sharedProcessID, "title": "Advies over ondersteuning van mantelzorgers",
		"theme": "mantelzorg", "municipality_code": "GM0375", "municipality": "Beverwijk", "version": 1.0, "sent_on": sentOn,
		"recommendation": 2.0, "recommendation_text": adviceRecommendations[1], "decision": "not_adopted", "decision_label": "Not adopted",
		"motivation": "Daar is geen budget voor, zei de wethouder; \"helaas\".", "deadline": "2027-04-21", "decided_on": "2027-03-18", "on_time": true}
	if diff := cmp.Diff(wantRow, rows[2]); diff != "" {
		t.Errorf("JSON row 3 (-want +got):\n%s", diff)
	}
	if rows[3]["decision"] != nil || rows[3]["on_time"] != nil {
		t.Errorf("Heemskerk's unanswered row has a decision: %v", rows[3])
	}
	// Same columns, same order, as the CSV.
	if keys := jsonKeys(t, file.GetData()); !cmp.Equal(keys, []string{"reference", "process_id", "title", "theme", "municipality_code",
		"municipality", "version", "sent_on", "recommendation", "recommendation_text", "decision", "decision_label", "motivation",
		"deadline", "decided_on", "on_time"}) {
		t.Errorf("JSON keys in order: %v", keys)
	}
}

// jsonKeys returns the keys of the first object of a JSON array, in order.
func jsonKeys(t *testing.T, data []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	var keys []string
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		switch tok {
		case json.Delim('['), json.Delim('{'):
			depth++
			continue
		case json.Delim('}'):
			return keys
		}
		if depth == 2 {
			keys = append(keys, tok.(string))
			var skip any
			if err := dec.Decode(&skip); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestExportFiguresHidesSmallNumbers(t *testing.T) {
	f := newFixture(t)
	f.answered(t)
	// Three residents reached in Beverwijk: below the smallest shown count.
	if _, err := f.pool.Exec(t.Context(), `INSERT INTO process_activities (source, process_id, form, municipality, day, residents) VALUES
('a1', $1, 'opinion_bus', 'GM0375', '2027-01-10', 3), ('a2', $1, 'opinion_bus', 'GM0396', '2027-01-11', 40)`, sharedProcessID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.pool.Exec(t.Context(), `UPDATE figures_version SET version = version + 1`); err != nil {
		t.Fatal(err)
	}
	file, err := f.srv.Files.ExportFigures(context.Background(), &pb.ExportFiguresRequest{})
	if err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(file.GetData(), []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"soort", "code", "naam", "vorm", "kengetal", "omschrijving", "waarde", "verborgen"}, records[0]); diff != "" {
		t.Errorf("header (-want +got):\n%s", diff)
	}
	find := func(kind, code, form, key string) []string {
		for _, r := range records[1:] {
			if r[0] == kind && r[1] == code && r[3] == form && r[4] == key {
				return r
			}
		}
		t.Fatalf("no row %s %s %s %s", kind, code, form, key)
		return nil
	}
	for _, tc := range []struct {
		kind, code, form, key string
		want                  []string
	}{
		{"municipality", "GM0375", "", "adopted", []string{"municipality", "GM0375", "Beverwijk", "", "adopted", "Aanbevelingen overgenomen", "1", "false"}},
		{"municipality", "GM0375", "", "residents_reached", []string{"municipality", "GM0375", "Beverwijk", "", "residents_reached", "Bereikte inwoners", "", "true"}},
		{"municipality", "GM0396", "", "residents_reached", []string{"municipality", "GM0396", "Heemskerk", "", "residents_reached", "Bereikte inwoners", "40", "false"}},
		// One response is fewer than the five a share or time needs.
		{"municipality", "GM0375", "", "median_response_days", []string{"municipality", "GM0375", "Beverwijk", "", "median_response_days", "Mediaan dagen tot het antwoord", "", "true"}},
		{"form", "GM0375", "opinion_bus", "residents_reached", []string{"form", "GM0375", "Beverwijk", "opinion_bus", "residents_reached", "Bereikte inwoners", "", "true"}},
		{"form", "GM0396", "opinion_bus", "residents_reached", []string{"form", "GM0396", "Heemskerk", "opinion_bus", "residents_reached", "Bereikte inwoners", "40", "false"}},
		{"theme", "mantelzorg", "", "advice_sent", []string{"theme", "mantelzorg", "mantelzorg", "", "advice_sent", "Aantal verzonden adviezen", "1", "false"}},
	} {
		if diff := cmp.Diff(tc.want, find(tc.kind, tc.code, tc.form, tc.key)); diff != "" {
			t.Errorf("%s %s %s %s (-want +got):\n%s", tc.kind, tc.code, tc.form, tc.key, diff)
		}
	}
	for _, r := range records[1:] {
		if r[7] == "true" && r[6] != "" {
			t.Errorf("hidden row %v has a value", r)
		}
	}

	file, err = f.srv.Files.ExportFigures(context.Background(), &pb.ExportFiguresRequest{Format: pb.DataFormat_DATA_FORMAT_JSON, Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(file.GetData(), &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(records)-1 {
		t.Errorf("%d JSON rows, %d CSV rows", len(rows), len(records)-1)
	}
	for _, r := range rows {
		if r["kind"] == "form" && r["code"] == "GM0375" && r["figure"] == "residents_reached" {
			if r["value"] != nil || r["hidden"] != true || r["label"] != "Residents reached" {
				t.Errorf("Beverwijk's hidden reach in JSON: %v", r)
			}
		}
	}
}

func TestDataFilesRefuseBadParameters(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.srv.Files.ExportFigures(ctx, &pb.ExportFiguresRequest{Language: "de"})
	wantField(t, err, "language")
	_, err = f.srv.Files.ExportResults(ctx, &pb.ExportResultsRequest{Format: 7})
	wantField(t, err, "format")
	_, err = f.srv.Files.RenderChart(ctx, &pb.RenderChartRequest{Chart: "pie"})
	wantField(t, err, "chart")
	_, err = f.srv.Files.RenderChart(ctx, &pb.RenderChartRequest{Chart: "reach", Language: "xx"})
	wantField(t, err, "language")
}

func TestDataCatalogDescribesBothSets(t *testing.T) {
	f := newFixture(t)
	f.answered(t)
	file, err := f.srv.Files.GetDataCatalog(context.Background(), &pb.GetDataCatalogRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if file.GetContentType() != "application/ld+json" {
		t.Errorf("content type %q", file.GetContentType())
	}
	var cat struct {
		Context  map[string]string `json:"@context"`
		Type     string            `json:"@type"`
		Datasets []struct {
			ID         string `json:"@id"`
			Identifier string `json:"dct:identifier"`
			Title      []struct {
				Value string `json:"@value"`
				Lang  string `json:"@language"`
			} `json:"dct:title"`
			License struct {
				ID string `json:"@id"`
			} `json:"dct:license"`
			Language struct {
				ID string `json:"@id"`
			} `json:"dct:language"`
			Theme struct {
				ID string `json:"@id"`
			} `json:"dcat:theme"`
			Subject *struct {
				ID string `json:"@id"`
			} `json:"dct:subject"`
			Modified struct {
				Value string `json:"@value"`
			} `json:"dct:modified"`
			Contact struct {
				FN string `json:"vcard:fn"`
			} `json:"dcat:contactPoint"`
			Distributions []struct {
				Access struct {
					ID string `json:"@id"`
				} `json:"dcat:accessURL"`
				Download struct {
					ID string `json:"@id"`
				} `json:"dcat:downloadURL"`
				MediaType struct {
					ID string `json:"@id"`
				} `json:"dcat:mediaType"`
			} `json:"dcat:distribution"`
		} `json:"dcat:dataset"`
	}
	if err := json.Unmarshal(file.GetData(), &cat); err != nil {
		t.Fatal(err)
	}
	if cat.Type != "dcat:Catalog" || cat.Context["dcat"] != "http://www.w3.org/ns/dcat#" || cat.Context["dct"] != "http://purl.org/dc/terms/" {
		t.Errorf("catalog type %q, context %v", cat.Type, cat.Context)
	}
	if len(cat.Datasets) != 2 {
		t.Fatalf("%d data sets, want 2", len(cat.Datasets))
	}
	for i, path := range []string{"/api/v1/open-data/evaluation-figures", "/api/v1/open-data/process-results"} {
		d := cat.Datasets[i]
		url := "https://meedoen.example" + path
		if d.ID != url || d.Identifier != url {
			t.Errorf("data set %d: id %q, identifier %q, want %q", i, d.ID, d.Identifier, url)
		}
		if len(d.Title) != 2 || d.Title[0].Lang != "nl" || d.Title[1].Lang != "en" || d.Title[0].Value == "" {
			t.Errorf("data set %d titles %v", i, d.Title)
		}
		if d.License.ID != licenceCC0 || d.Language.ID != languageNL || d.Theme.ID != themeBestuur || d.Contact.FN == "" {
			t.Errorf("data set %d: licence %q, language %q, theme %q, contact %q", i, d.License.ID, d.Language.ID, d.Theme.ID, d.Contact.FN)
		}
		// The advice was sent on 10 March; the response recorded ten days on.
		if d.Modified.Value != "2027-03-20" {
			t.Errorf("data set %d modified %q, want 2027-03-20", i, d.Modified.Value)
		}
		var got []string
		for _, dist := range d.Distributions {
			if dist.Access.ID != dist.Download.ID {
				t.Errorf("access %q and download %q differ", dist.Access.ID, dist.Download.ID)
			}
			got = append(got, dist.Download.ID+" "+dist.MediaType.ID)
		}
		want := []string{url + "?format=csv https://www.iana.org/assignments/media-types/text/csv",
			url + "?format=json https://www.iana.org/assignments/media-types/application/json"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("distributions (-want +got):\n%s", diff)
		}
	}
	if s := cat.Datasets[1].Subject; s == nil || s.ID != wooAdviezen {
		t.Errorf("the results are not marked with the Woo category adviezen: %v", s)
	}
}

func TestChartsOfTheFigures(t *testing.T) {
	f := newFixture(t)
	f.answered(t)
	file, err := f.srv.Files.RenderChart(context.Background(), &pb.RenderChartRequest{Chart: "adoption", RegionId: "ijmond"})
	if err != nil {
		t.Fatal(err)
	}
	if file.GetContentType() != "image/svg+xml" || file.GetFileName() != "adoption.svg" {
		t.Errorf("chart: %q named %q", file.GetContentType(), file.GetFileName())
	}
	var root struct {
		Lang  string `xml:"lang,attr"`
		Title string `xml:"title"`
		Desc  string `xml:"desc"`
	}
	if err := xml.Unmarshal(file.GetData(), &root); err != nil {
		t.Fatal(err)
	}
	if root.Lang != "nl" || !strings.Contains(root.Desc, "Beverwijk: 1 overgenomen, 0 deels overgenomen, 1 niet overgenomen") ||
		!strings.Contains(root.Desc, "Heemskerk: nog geen antwoorden") {
		t.Errorf("adoption chart: lang %q, desc %q", root.Lang, root.Desc)
	}
	if strings.Contains(root.Desc, "Velsen") {
		t.Error("Velsen, which was sent no advice, is in the chart")
	}
	file, err = f.srv.Files.RenderChart(context.Background(), &pb.RenderChartRequest{Chart: "response-days", Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(file.GetData(), &root); err != nil {
		t.Fatal(err)
	}
	if root.Lang != "en" || !strings.Contains(root.Desc, "Beverwijk: median not shown") || !strings.Contains(root.Desc, "the term is 42 days") {
		t.Errorf("response days chart: lang %q, desc %q", root.Lang, root.Desc)
	}
	// A region that does not exist has no municipalities: an empty chart.
	file, err = f.srv.Files.RenderChart(context.Background(), &pb.RenderChartRequest{Chart: "reach", RegionId: "nowhere"})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(file.GetData(), []byte("Nog geen gegevens.")) {
		t.Errorf("the reach chart of no municipalities:\n%s", file.GetData())
	}
}
