package export

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

func nl(s string) poll.Text { return poll.Text{NL: s, EN: s + " (en)"} }

func opts(ids ...string) []poll.Option {
	out := make([]poll.Option, len(ids))
	for i, id := range ids {
		out[i] = poll.Option{ID: id, Label: poll.Text{NL: "optie " + id, EN: "option " + id}}
	}
	return out
}

// everyType is a shared questionnaire with one question of each type.
func everyType() poll.Poll {
	return poll.Restore(poll.Record{
		ID: "0190f0e0-0000-7000-8000-0000000000aa", Tenant: "ijmond", Participants: []string{"GM0375", "GM0396", "GM0453"},
		Kind: poll.Questionnaire, Title: poll.Text{NL: "Mantelzorg in de IJmond"}, Slug: "mantelzorg",
		Sections: []poll.Section{{ID: "s1", Questions: []poll.Question{
			{ID: "single", Type: poll.SingleChoice, Text: nl("Hoe vaak?"), Options: opts("a", "b"), Other: true},
			{ID: "multi", Type: poll.MultipleChoice, Text: nl("Welke?"), Options: opts("a", "b", "c"), Other: true},
			{ID: "likert", Type: poll.Likert, Text: nl("Mee eens?")},
			{ID: "scale", Type: poll.Scale, Text: nl("Cijfer?")},
			{ID: "rank", Type: poll.Ranking, Text: nl("Wat eerst?"), Options: opts("x", "y", "z")},
			{ID: "matrix", Type: poll.Matrix, Text: nl("Tevreden?"), Rows: opts("r1", "r2"), Columns: opts("c1", "c2")},
			{ID: "number", Type: poll.Number, Text: nl("Uren?")},
			{ID: "short", Type: poll.ShortText, Text: nl("Wijk?")},
			{ID: "long", Type: poll.LongText, Text: nl("Toelichting")},
		}}},
	})
}

var submitted = time.Date(2026, 3, 2, 9, 30, 0, 123456000, time.UTC)

// responses are a full answer, one that leaves almost everything open,
// and one whose texts need quoting, escaping and formula protection.
func responses() []poll.Response {
	return []poll.Response{
		{ID: "r-full", Municipality: "GM0453", SubmittedAt: submitted, Replies: []poll.Reply{
			{Question: "single", Type: poll.SingleChoice, Choices: []string{poll.OtherID}, Other: "de buurvrouw"},
			{Question: "multi", Type: poll.MultipleChoice, Choices: []string{"a", "c", poll.OtherID}, Other: "fietsen"},
			{Question: "likert", Type: poll.Likert, Point: 4},
			{Question: "scale", Type: poll.Scale, Point: 0},
			{Question: "rank", Type: poll.Ranking, Ranking: []string{"z", "x", "y"}},
			{Question: "matrix", Type: poll.Matrix, Rows: map[string]string{"r1": "c2", "r2": "c1"}},
			{Question: "number", Type: poll.Number, Number: poll.Decimal(-2500)},
			{Question: "short", Type: poll.ShortText, Text: "Velsen-Noord"},
			{Question: "long", Type: poll.LongText, Text: "Twee regels,\nmet een \"citaat\"."},
		}},
		{ID: "r-sparse", Municipality: "GM0375", SubmittedAt: submitted.Add(time.Second), Replies: []poll.Reply{
			{Question: "single", Type: poll.SingleChoice, Choices: []string{"b"}},
		}},
		{ID: "r-odd", Municipality: "", SubmittedAt: submitted.Add(2 * time.Second), Replies: []poll.Reply{
			{Question: "short", Type: poll.ShortText, Text: "=HYPERLINK(\"x\")"},
			{Question: "long", Type: poll.LongText, Text: "<b>&\u0007 ünïcode \u2028"},
		}},
	}
}

func encode(t *testing.T, p poll.Poll, o Options, rs []poll.Response) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc, err := New(&buf, p, o)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rs {
		if err := enc.Encode(&rs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// wantTable is the table of responses() in every column, in Dutch.
func wantTable() [][]string {
	return [][]string{
		{"Antwoord-id", "Ingediend op", "Gemeente",
			"single. Hoe vaak?", "single. Hoe vaak? [Anders, namelijk: tekst]",
			"multi. Welke? [optie a]", "multi. Welke? [optie b]", "multi. Welke? [optie c]", "multi. Welke? [Anders, namelijk]", "multi. Welke? [Anders, namelijk: tekst]",
			"likert. Mee eens?", "scale. Cijfer?",
			"rank. Wat eerst? [optie x]", "rank. Wat eerst? [optie y]", "rank. Wat eerst? [optie z]",
			"matrix. Tevreden? [optie r1]", "matrix. Tevreden? [optie r2]",
			"number. Uren?", "short. Wijk?", "long. Toelichting"},
		{"r-full", "2026-03-02T09:30:00.123456Z", "GM0453",
			"Anders, namelijk", "de buurvrouw",
			"1", "0", "1", "1", "fietsen",
			"4", "0",
			"2", "3", "1",
			"optie c2", "optie c1",
			"-2.5", "Velsen-Noord", "Twee regels,\nmet een \"citaat\"."},
		{"r-sparse", "2026-03-02T09:30:01.123456Z", "GM0375",
			"optie b", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""},
		{"r-odd", "2026-03-02T09:30:02.123456Z", "",
			"", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "'=HYPERLINK(\"x\")", "<b>&\u0007 ünïcode \u2028"},
	}
}

func TestCSVPutsEveryQuestionTypeInItsColumns(t *testing.T) {
	t.Parallel()
	b := encode(t, everyType(), Options{Format: CSV, Municipality: true}, responses())
	if !bytes.HasPrefix(b, []byte(bom)) {
		t.Fatalf("no byte order mark: %q", b[:10])
	}
	if !bytes.Contains(b, []byte("\r\n")) {
		t.Error("lines do not end in CRLF")
	}
	got, err := csv.NewReader(bytes.NewReader(b[len(bom):])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantTable(), got); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}
}

// A council member in a Dutch office double-clicks the file: Excel set up
// for Dutch splits fields at semicolons and reads decimal commas.
func TestSemicolonCSVIsTheSameTableForDutchSpreadsheets(t *testing.T) {
	t.Parallel()
	rs := responses()
	// A text with a semicolon must be quoted; one with a comma need not be.
	rs[1].Replies = append(rs[1].Replies, poll.Reply{Question: "short", Type: poll.ShortText, Text: "IJmuiden; Zee, Duin"})
	names := map[string]string{"GM0453": "Velsen", "GM0375": "Beverwijk"}
	b := encode(t, everyType(), Options{Format: CSV, Municipality: true, Semicolon: true, MunicipalityNames: names}, rs)
	if !bytes.HasPrefix(b, []byte(bom)) {
		t.Fatalf("no byte order mark: %q", b[:10])
	}
	r := csv.NewReader(bytes.NewReader(b[len(bom):]))
	r.Comma = ';'
	got, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := wantTable()
	want[1][17] = "-2,5" // the number question's decimal comma
	want[2][18] = "IJmuiden; Zee, Duin"
	// Dutch time as a spreadsheet reads it, and each municipality's name
	// beside its code.
	want[0][1] = "Ingediend op (Nederlandse tijd)"
	for i, local := range []string{"2026-03-02 10:30:00", "2026-03-02 10:30:01", "2026-03-02 10:30:02"} {
		want[i+1][1] = local
	}
	for i, name := range []string{"Naam gemeente", "Velsen", "Beverwijk", ""} {
		want[i] = append(want[i][:3], append([]string{name}, want[i][3:]...)...)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}
	if !bytes.Contains(b, []byte(`"IJmuiden; Zee, Duin"`)) {
		t.Error("a text with a semicolon is not quoted")
	}
}

func TestPublicExportsLeaveOutFreeTextsAndMaybeTheMunicipality(t *testing.T) {
	t.Parallel()
	b := encode(t, everyType(), Options{Format: CSV, Public: true, Language: "en"}, responses()[:1])
	got, err := csv.NewReader(bytes.NewReader(b[len(bom):])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Response id", "Submitted at",
			"single. Hoe vaak? (en)",
			"multi. Welke? (en) [option a]", "multi. Welke? (en) [option b]", "multi. Welke? (en) [option c]", "multi. Welke? (en) [Other, namely]",
			"likert. Mee eens? (en)", "scale. Cijfer? (en)",
			"rank. Wat eerst? (en) [option x]", "rank. Wat eerst? (en) [option y]", "rank. Wat eerst? (en) [option z]",
			"matrix. Tevreden? (en) [option r1]", "matrix. Tevreden? (en) [option r2]",
			"number. Uren? (en)"},
		{"r-full", "2026-03-02T09:30:00.123456Z",
			"Other, namely",
			"1", "0", "1", "1",
			"4", "0",
			"2", "3", "1",
			"option c2", "option c1",
			"-2.5"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}

	j := encode(t, everyType(), Options{Format: JSON, Public: true}, responses()[:1])
	for _, secret := range []string{"buurvrouw", "fietsen", "Velsen-Noord", "citaat", `"municipality"`} {
		if bytes.Contains(j, []byte(secret)) {
			t.Errorf("public JSON holds %q: %s", secret, j)
		}
	}
}

func TestJSONIsOneDocumentWithThePollAndItsResponses(t *testing.T) {
	t.Parallel()
	b := encode(t, everyType(), Options{Format: JSON, Municipality: true}, responses())
	var doc struct {
		Poll struct {
			ID        string `json:"id"`
			Questions []struct {
				ID      string `json:"id"`
				Type    string `json:"type"`
				Options []struct {
					ID string `json:"id"`
				} `json:"options"`
			} `json:"questions"`
		} `json:"poll"`
		Responses []map[string]any `json:"responses"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("decoding %s: %v", b, err)
	}
	if doc.Poll.ID != everyType().ID() || len(doc.Poll.Questions) != 9 {
		t.Errorf("poll: %+v", doc.Poll)
	}
	if got := doc.Poll.Questions[0].Options; len(got) != 3 || got[2].ID != poll.OtherID {
		t.Errorf("single choice options %+v, want a, b and other", got)
	}
	want := []map[string]any{
		{"id": "r-full", "submittedAt": "2026-03-02T09:30:00.123456Z", "municipality": "GM0453", "answers": map[string]any{
			"single": map[string]any{"choice": "other", "other": "de buurvrouw"},
			"multi":  map[string]any{"choices": []any{"a", "c", "other"}, "other": "fietsen"},
			"likert": map[string]any{"point": 4.0},
			"scale":  map[string]any{"point": 0.0},
			"rank":   map[string]any{"ranking": []any{"z", "x", "y"}},
			"matrix": map[string]any{"rows": map[string]any{"r1": "c2", "r2": "c1"}},
			"number": map[string]any{"number": -2.5},
			"short":  map[string]any{"text": "Velsen-Noord"},
			"long":   map[string]any{"text": "Twee regels,\nmet een \"citaat\"."},
		}},
		{"id": "r-sparse", "submittedAt": "2026-03-02T09:30:01.123456Z", "municipality": "GM0375", "answers": map[string]any{
			"single": map[string]any{"choice": "b"},
		}},
		{"id": "r-odd", "submittedAt": "2026-03-02T09:30:02.123456Z", "municipality": "", "answers": map[string]any{
			"short": map[string]any{"text": "=HYPERLINK(\"x\")"},
			"long":  map[string]any{"text": "<b>&\u0007 ünïcode \u2028"},
		}},
	}
	if diff := cmp.Diff(want, doc.Responses); diff != "" {
		t.Errorf("responses (-want +got):\n%s", diff)
	}
}

func TestJSONWithoutResponsesIsAnEmptyList(t *testing.T) {
	t.Parallel()
	b := encode(t, everyType(), Options{Format: JSON}, nil)
	var doc struct {
		Responses []any `json:"responses"`
	}
	if err := json.Unmarshal(b, &doc); err != nil || doc.Responses == nil || len(doc.Responses) != 0 {
		t.Errorf("got %s (%v), want an empty responses list", b, err)
	}
}

// sheet reads the cells of an XLSX sheet as a table, by their references.
func sheet(t *testing.T, zr *zip.Reader, name string) [][]string {
	t.Helper()
	f, err := zr.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ws struct {
		Rows []struct {
			R     int `xml:"r,attr"`
			Cells []struct {
				R      string `xml:"r,attr"`
				T      string `xml:"t,attr"`
				V      string `xml:"v"`
				Inline string `xml:"is>t"`
			} `xml:"c"`
		} `xml:"sheetData>row"`
	}
	if err := xml.NewDecoder(f).Decode(&ws); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var out [][]string
	for i, r := range ws.Rows {
		if r.R != i+1 {
			t.Fatalf("row %d has number %d", i+1, r.R)
		}
		var row []string
		for _, c := range r.Cells {
			col := strings.TrimRight(c.R, "0123456789")
			if c.R[len(col):] != fmt.Sprint(r.R) {
				t.Fatalf("cell %s in row %d", c.R, r.R)
			}
			idx := 0
			for _, l := range col {
				idx = idx*26 + int(l-'A'+1)
			}
			for len(row) < idx-1 {
				row = append(row, "")
			}
			v := c.V
			if c.T == "inlineStr" {
				v = c.Inline
			}
			row = append(row, v)
		}
		out = append(out, row)
	}
	return out
}

func TestXLSXHoldsTheSameTable(t *testing.T) {
	t.Parallel()
	b := encode(t, everyType(), Options{Format: XLSX, Municipality: true}, responses())
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, part := range []string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"} {
		f, err := zr.Open(part)
		if err != nil {
			t.Fatal(err)
		}
		if err := xml.NewDecoder(f).Decode(new(any)); err != nil && err != io.EOF {
			t.Errorf("%s is not XML: %v", part, err)
		}
		f.Close()
	}
	want := wantTable()
	// Sheets drop what XML cannot hold, and rows end at their last cell.
	want[3][len(want[3])-1] = "<b>& ünïcode \u2028"
	want[3][len(want[3])-2] = "=HYPERLINK(\"x\")" // an inline string is never a formula
	want[2] = want[2][:4]
	if diff := cmp.Diff(want, sheet(t, zr, "xl/worksheets/sheet1.xml")); diff != "" {
		t.Errorf("sheet (-want +got):\n%s", diff)
	}
}

func TestColumnNames(t *testing.T) {
	t.Parallel()
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ", 702: "AAA"} {
		if got := string(columnName(i)); got != want {
			t.Errorf("columnName(%d) = %s, want %s", i, got, want)
		}
	}
}

func TestUnknownFormatsAndLanguagesAreRefused(t *testing.T) {
	t.Parallel()
	for name, o := range map[string]Options{
		"format":   {Format: "pdf"},
		"language": {Language: "fr"},
	} {
		if _, err := New(io.Discard, everyType(), o); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestFileNames(t *testing.T) {
	t.Parallel()
	if got, want := FileName(everyType(), XLSX, "nl"), "mantelzorg-antwoorden.xlsx"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if got, want := FileName(everyType(), CSV, "en"), "mantelzorg-responses.csv"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestXLSXContinuesOnANewSheetWhenOneIsFull(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	enc, err := New(&buf, everyType(), Options{Format: XLSX, Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	enc.out.(*xlsxSink).limit = 3 // the header and two responses
	rs := responses()
	rs = append(rs, rs...)[:5]
	for i := range rs {
		if err := enc.Encode(&rs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i, want := range []int{3, 3, 2} {
		rows := sheet(t, zr, fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1))
		if len(rows) != want || rows[0][0] != "Response id" {
			t.Errorf("sheet %d: %d rows starting %q, want %d with the header", i+1, len(rows), rows[0][0], want)
		}
		for _, r := range rows[1:] {
			ids = append(ids, r[0])
		}
	}
	if diff := cmp.Diff([]string{"r-full", "r-sparse", "r-odd", "r-full", "r-sparse"}, ids); diff != "" {
		t.Errorf("responses (-want +got):\n%s", diff)
	}
	wb, err := zr.Open("xl/workbook.xml")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(wb)
	for _, name := range []string{`name="Responses"`, `name="Responses 2"`, `name="Responses 3"`} {
		if !bytes.Contains(b, []byte(name)) {
			t.Errorf("workbook has no sheet %s: %s", name, b)
		}
	}
}

func TestDecimalsAreWrittenAsPollWritesThem(t *testing.T) {
	t.Parallel()
	for _, n := range []int64{0, 1, -1, 5, 500, -2500, 12_500, 168_000, 999_999, 1_000_000_000_000, -1_000_000_000_000, 123_456_789_012} {
		if got, want := string(appendDecimal(nil, n)), poll.Decimal(n).String(); got != want {
			t.Errorf("appendDecimal(%d) = %s, want %s", n, got, want)
		}
	}
}
