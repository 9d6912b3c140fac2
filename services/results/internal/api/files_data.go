package api

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"

	pb "github.com/meedoen/meedoen/proto/meedoen/results/v1"
	"github.com/meedoen/meedoen/services/results/internal/response"
)

// column is an open data column: its heading in Dutch and in English.
type column struct{ nl, en string }

// table is an open data file before it is written: the values are nil
// (no value), string, int, float64 or bool.
type table struct {
	lang string
	cols []column
	rows [][]any
}

func (t table) headings() []string {
	out := make([]string, len(t.cols))
	for i, c := range t.cols {
		out[i] = words(t.lang, c.nl, c.en)
	}
	return out
}

// file writes t as CSV (RFC 4180: CRLF, quotes where needed; UTF-8 with
// a byte order mark, so that spreadsheets read the accents) or as a JSON
// array of objects with the same keys, in the same order, and typed
// values (null for none).
func (t table) file(asJSON bool, lang, name string) (*pb.File, error) {
	name = "meedoen-" + name
	var b bytes.Buffer
	if asJSON {
		heads := t.headings()
		b.WriteString("[")
		for i, row := range t.rows {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("\n{")
			for j, v := range row {
				if j > 0 {
					b.WriteString(",")
				}
				k, err := json.Marshal(heads[j])
				if err != nil {
					return nil, err
				}
				val, err := json.Marshal(v)
				if err != nil {
					return nil, fmt.Errorf("writing %s: %w", heads[j], err)
				}
				b.Write(k)
				b.WriteString(":")
				b.Write(val)
			}
			b.WriteString("}")
		}
		b.WriteString("\n]\n")
		return &pb.File{Data: b.Bytes(), ContentType: mediaJSON, FileName: name + ".json"}, nil
	}
	b.WriteString("\uFEFF")
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	if err := w.Write(t.headings()); err != nil {
		return nil, err
	}
	record := make([]string, len(t.cols))
	for _, row := range t.rows {
		for j, v := range row {
			record[j] = csvValue(v)
		}
		if err := w.Write(record); err != nil {
			return nil, err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, err
	}
	return &pb.File{Data: b.Bytes(), ContentType: mediaCSV, FileName: name + ".csv"}, nil
}

// csvValue writes a value as CSV text: numbers with a decimal point,
// booleans as true and false, nothing as an empty field.
func csvValue(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	}
	return fmt.Sprint(v)
}

// words picks the Dutch or the English.
func words(lang, nl, en string) string {
	if lang == "en" {
		return en
	}
	return nl
}

// formNames are the participation forms' names, as the councils' pages
// show them.
var formNames = map[string][2]string{
	"focus_group":         {"Focusgroep", "Focus group"},
	"flash_poll":          {"Flitspeiling", "Flash poll"},
	"questionnaire":       {"Vragenlijst", "Questionnaire"},
	"mirror_conversation": {"Spiegelgesprek", "Mirror conversation"},
	"opinion_bus":         {"Meningenbus", "Opinion bus"},
	"neighbourhood_shop":  {"Wijkwinkel", "Neighbourhood shop"},
	"visit":               {"Bezoek aan bestaande groep", "Visit to an existing group"},
	"other":               {"Anders", "Other"},
}

// formName is form's name in lang; the form itself when unknown.
func formName(form, lang string) string {
	if n, ok := formNames[form]; ok {
		return words(lang, n[0], n[1])
	}
	return form
}

// verdictName is a verdict's name in lang.
func verdictName(v response.Verdict, lang string) string {
	switch v {
	case response.Adopted:
		return words(lang, "Overgenomen", "Adopted")
	case response.PartlyAdopted:
		return words(lang, "Deels overgenomen", "Partly adopted")
	case response.NotAdopted:
		return words(lang, "Niet overgenomen", "Not adopted")
	case response.ToBeInvestigated:
		return words(lang, "Wordt onderzocht", "To be investigated")
	}
	return string(v)
}

// figureNames describe the figures' keys.
var figureNames = map[string][2]string{
	"processes":                {"Aantal participatietrajecten", "Number of participation processes"},
	"advice_sent":              {"Aantal verzonden adviezen", "Number of advice sent"},
	"recommendations_answered": {"Aantal beantwoorde aanbevelingen", "Number of recommendations answered"},
	"adopted":                  {"Aanbevelingen overgenomen", "Recommendations adopted"},
	"partly_adopted":           {"Aanbevelingen deels overgenomen", "Recommendations partly adopted"},
	"not_adopted":              {"Aanbevelingen niet overgenomen", "Recommendations not adopted"},
	"to_be_investigated":       {"Aanbevelingen die worden onderzocht", "Recommendations to be investigated"},
	"adopted_share":            {"Aandeel overgenomen (0–1)", "Share adopted (0–1)"},
	"partly_adopted_share":     {"Aandeel deels overgenomen (0–1)", "Share partly adopted (0–1)"},
	"not_adopted_share":        {"Aandeel niet overgenomen (0–1)", "Share not adopted (0–1)"},
	"responses":                {"Aantal antwoorden van het college", "Number of responses of the executive"},
	"median_response_days":     {"Mediaan dagen tot het antwoord", "Median days until the response"},
	"p90_response_days":        {"90e percentiel dagen tot het antwoord", "90th percentile of days until the response"},
	"on_time_share":            {"Aandeel antwoorden op tijd (0–1)", "Share of responses on time (0–1)"},
	"residents_reached":        {"Bereikte inwoners", "Residents reached"},
	"poll_responses":           {"Antwoorden op peilingen", "Poll responses"},
	"poll_response_rate":       {"Respons op peilingen (0–1)", "Poll response rate (0–1)"},
	"told_share":               {"Aandeel trajecten waarvan deelnemers de uitkomst hoorden (0–1)", "Share of processes whose participants were told the outcome (0–1)"},
}

func figureName(key, lang string) string {
	if n, ok := figureNames[key]; ok {
		return words(lang, n[0], n[1])
	}
	return key
}
