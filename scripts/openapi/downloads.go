package main

import (
	"fmt"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
)

// Downloads are operations the gateway serves by hand, because
// grpc-gateway cannot map them (a server stream of file bytes, see
// gateway/export.go), so no HTTP rule describes them. They are described
// here instead, in the same shape as the generated operations, so that
// the document stays the whole truth about the API.

// addDownloads adds the downloads of the services in doc to paths, with
// the shared error responses.
func addDownloads(doc *openapi3.T, paths *openapi3.Paths, errs map[int]*openapi3.ResponseRef) error {
	if err := addResultsFiles(doc, paths, errs); err != nil {
		return err
	}
	const path = "/polls/{pollId}/responses"
	if doc.Tags.Get(surveysTag) == nil {
		return nil // a document without the surveys service
	}
	if paths.Value(path) != nil {
		return fmt.Errorf("path %s is the gateway's export download; no HTTP rule may bind it", path)
	}
	paths.Set(path, &openapi3.PathItem{Get: exportOperation(errs)})
	return nil
}

// surveysTag is the surveys service's tag (proto/openapi.yaml).
const surveysTag = "Surveys"

func exportOperation(errs map[int]*openapi3.ResponseRef) *openapi3.Operation {
	str := func(enum ...any) *openapi3.SchemaRef {
		s := openapi3.NewStringSchema()
		if len(enum) > 0 {
			s.Enum = enum
		}
		return s.NewRef()
	}
	binary := openapi3.NewStringSchema()
	binary.Format = "binary"
	headers := versionHeader()
	for _, h := range rateLimitHeaders {
		headers[h] = headerRef(h)
	}
	headers["Content-Disposition"] = &openapi3.HeaderRef{Value: &openapi3.Header{Parameter: openapi3.Parameter{
		Description: "attachment, with a file name such as mantelzorg-antwoorden.csv.",
		Schema:      str(),
	}}}
	ok := &openapi3.Response{
		Description: ptr("OK: the file, streamed as it is written. If the export fails halfway, the connection is broken off, so that a partial file never looks complete."),
		Headers:     headers,
		Content: openapi3.Content{
			"text/csv": &openapi3.MediaType{Schema: str()},
			"application/json": &openapi3.MediaType{Schema: openapi3.NewObjectSchema().
				WithProperty("poll", openapi3.NewObjectSchema().WithAnyAdditionalProperties()).
				WithProperty("responses", openapi3.NewArraySchema().WithItems(openapi3.NewObjectSchema().WithAnyAdditionalProperties())).
				NewRef()},
			"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": &openapi3.MediaType{Schema: binary.NewRef()},
		},
	}
	responses := openapi3.NewResponses()
	responses.Set("200", &openapi3.ResponseRef{Value: ok})
	for _, s := range []int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound,
		http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusServiceUnavailable} {
		responses.Set(fmt.Sprint(s), errs[s])
	}
	query := func(name, desc string, schema *openapi3.SchemaRef) *openapi3.ParameterRef {
		return &openapi3.ParameterRef{Value: &openapi3.Parameter{In: "query", Name: name, Description: desc, Schema: schema}}
	}
	return &openapi3.Operation{
		OperationID: "exportResponses",
		Tags:        []string{surveysTag},
		Summary:     "Downloads every response to a poll as a CSV, JSON or XLSX file.",
		Description: "Pseudonymous: a response id, the submission time, the respondent's municipality and the answers. " +
			"CSV and XLSX have one row per response and one column per thing to count (an option of a multiple choice question: 0/1; " +
			"a ranked option: its position; a matrix row: the chosen column), headings and labels in the chosen language; " +
			"CSV is RFC 4180 in UTF-8 with a byte order mark. JSON is {\"poll\": ..., \"responses\": [...]} with option ids. " +
			"Streamed with constant memory, however many responses there are. Who may see the poll may export it.",
		Parameters: openapi3.Parameters{
			{Value: &openapi3.Parameter{In: "path", Name: "pollId", Required: true, Description: "Id of the poll.", Schema: str()}},
			query("format", "The file format; without it, the Accept header decides (text/csv, application/json or the XLSX media type), else CSV.",
				str("csv", "json", "xlsx")),
			query("language", "Language of headings and labels; default nl.", str("nl", "en")),
			query("separator", "CSV only: comma (the default; RFC 4180, decimals with a point, times in UTC) or semicolon (decimals with a comma, "+
				"times in Dutch time as \"2026-12-07 18:30:05\", each municipality's name beside its code), "+
				"which spreadsheets set up for Dutch open on a double click.", str("comma", "semicolon")),
			query("public", "A file fit to leave the council: without free texts, and without the municipality when one of them has fewer responses than the smallest cell shown.",
				openapi3.NewBoolSchema().NewRef()),
		},
		Responses: responses,
	}
}

// dropUnusedTags removes the tags no operation has, such as that of a
// service whose only method is a download.
func dropUnusedTags(doc *openapi3.T) {
	used := map[string]bool{}
	for _, p := range doc.Paths.InMatchingOrder() {
		for _, op := range doc.Paths.Value(p).Operations() {
			for _, t := range op.Tags {
				used[t] = true
			}
		}
	}
	var tags openapi3.Tags
	for _, t := range doc.Tags {
		if used[t.Name] {
			tags = append(tags, t)
		}
	}
	doc.Tags = tags
}
