package main

import (
	"fmt"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
)

// The results service's files (gateway/files.go serves them): an advice's
// document and the open data. Like the poll export they are bytes, not
// JSON, so no HTTP rule describes them; they are described here in the
// shape of the generated operations.

// Tags of the results service's two APIs (proto/openapi.yaml).
const (
	adviceTag  = "Advice"
	resultsTag = "Results"
)

// fileOperation is one file download of the results service.
type fileOperation struct {
	path, id, tag, summary, description string
	// params are the path's parameters, then the query's.
	params []*openapi3.ParameterRef
	// content is the file's media types with their schemas.
	content openapi3.Content
	// fails are the statuses besides the common ones (400, 401 for a
	// token that is no good, 403, 429, 500, 503).
	fails []int
}

// addResultsFiles adds the results service's downloads to paths.
func addResultsFiles(doc *openapi3.T, paths *openapi3.Paths, errs map[int]*openapi3.ResponseRef) error {
	if doc.Tags.Get(resultsTag) == nil {
		return nil // a document without the results service
	}
	for _, f := range resultsFiles() {
		if paths.Value(f.path) != nil {
			return fmt.Errorf("path %s is a download of the gateway's; no HTTP rule may bind it", f.path)
		}
		paths.Set(f.path, &openapi3.PathItem{Get: f.operation(errs)})
	}
	return nil
}

func resultsFiles() []fileOperation {
	text := openapi3.NewStringSchema().NewRef()
	binary := openapi3.NewStringSchema()
	binary.Format = "binary"
	rows := openapi3.NewArraySchema().WithItems(openapi3.NewObjectSchema().WithAnyAdditionalProperties()).NewRef()
	data := openapi3.Content{"text/csv": &openapi3.MediaType{Schema: text}, "application/json": &openapi3.MediaType{Schema: rows}}
	dataParams := []*openapi3.ParameterRef{
		query("format", "csv (the default: RFC 4180, UTF-8 with a byte order mark) or json (an array of objects with the same columns).", "csv", "json"),
		query("language", "Language of the column headings and labels; default nl.", "nl", "en"),
	}
	return []fileOperation{
		{
			path: "/advices/{id}/document", id: "renderAdvice", tag: adviceTag,
			summary: "Downloads a version of an advice as a tagged PDF or as HTML.",
			description: "The document names the municipality, the date, the reference number and a permalink to the advice, " +
				"and, once sent, the content hash of the version and the note of a correction. The PDF is tagged (structure tree, " +
				"document title, language nl) and has the same content as the HTML. A version that was sent is public; one never sent " +
				"only for who may see the advice (anyone else gets 404). Without version, the version sent last, or, for who may see " +
				"the advice, the latest while none was sent.",
			params: []*openapi3.ParameterRef{
				{Value: &openapi3.Parameter{In: "path", Name: "id", Required: true, Description: "Id of the advice.", Schema: text}},
				{Value: &openapi3.Parameter{In: "query", Name: "version", Description: "Number of the version; without it, the version sent last.",
					Schema: openapi3.NewInt32Schema().WithMin(1).NewRef()}},
				query("format", "pdf (the default) or html.", "pdf", "html"),
				query("language", "Language of the document's labels; the council's text stays as written. Default nl. (The labels are Dutch in both for now.)", "nl", "en"),
			},
			content: openapi3.Content{"application/pdf": &openapi3.MediaType{Schema: binary.NewRef()}, "text/html": &openapi3.MediaType{Schema: text}},
			fails:   []int{http.StatusNotFound},
		},
		{
			path: "/open-data/evaluation-figures", id: "exportFigures", tag: resultsTag,
			summary:     "Downloads the evaluation figures as open data (CSV or JSON).",
			description: "One row per figure: the municipality or theme it is about, the figure's key and label, its value, and whether it is hidden to protect small numbers. The URL is stable; the data set is described at /open-data/catalog.",
			params:      dataParams, content: data,
		},
		{
			path: "/open-data/process-results", id: "exportResults", tag: resultsTag,
			summary:     "Downloads the public results as open data (CSV or JSON).",
			description: "One row per sent advice, recommendation and addressed municipality: the reference, the process, the theme, the recommendation's number and text, and the municipality's decision once given. The URL is stable; the data set is described at /open-data/catalog.",
			params:      dataParams, content: data,
		},
		{
			path: "/open-data/catalog", id: "getDataCatalog", tag: resultsTag,
			summary:     "Describes the open data sets in DCAT-AP-DONL (JSON-LD).",
			description: "A dcat:Catalog with the evaluation figures and the public results as dcat:Datasets, each with its CSV and JSON distributions, for a municipality to register on its open data portal. Marked for publication under the Woo category \"adviezen\".",
			content:     openapi3.Content{"application/ld+json": &openapi3.MediaType{Schema: openapi3.NewObjectSchema().WithAnyAdditionalProperties().NewRef()}},
		},
		{
			path: "/figures/charts/{chart}", id: "renderChart", tag: resultsTag,
			summary:     "Draws one of the evaluation figures' charts as SVG.",
			description: "An SVG image with a title and a description for screen readers; the figures it shows are those of GET /figures, which pages show beside it as a table.",
			params: []*openapi3.ParameterRef{
				{Value: &openapi3.Parameter{In: "path", Name: "chart", Required: true, Description: "Which chart.",
					Schema: &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeString}, Enum: []any{"adoption", "response-days", "reach"}}}}},
				{Value: &openapi3.Parameter{In: "query", Name: "regionId", Description: "Only municipalities of this region.", Schema: text}},
				query("language", "Language of the title and labels; default nl.", "nl", "en"),
			},
			content: openapi3.Content{"image/svg+xml": &openapi3.MediaType{Schema: text}},
			fails:   []int{http.StatusNotFound},
		},
	}
}

// query is a query parameter that takes one of values.
func query(name, desc string, values ...any) *openapi3.ParameterRef {
	s := openapi3.NewStringSchema()
	s.Enum = values
	return &openapi3.ParameterRef{Value: &openapi3.Parameter{In: "query", Name: name, Description: desc, Schema: s.NewRef()}}
}

func (f fileOperation) operation(errs map[int]*openapi3.ResponseRef) *openapi3.Operation {
	headers := versionHeader()
	for _, h := range rateLimitHeaders {
		headers[h] = headerRef(h)
	}
	headers["Content-Disposition"] = &openapi3.HeaderRef{Value: &openapi3.Header{Parameter: openapi3.Parameter{
		Description: "inline for documents, charts and the catalog, attachment for the data, with a file name.",
		Schema:      openapi3.NewStringSchema().NewRef(),
	}}}
	headers["ETag"] = headerRef("ETag")
	headers["Cache-Control"] = &openapi3.HeaderRef{Value: &openapi3.Header{Parameter: openapi3.Parameter{
		Description: "public, max-age=300 for a caller without a token; private, no-store for one with a token (a draft is theirs alone).",
		Schema:      openapi3.NewStringSchema().NewRef(),
	}}}
	responses := openapi3.NewResponses()
	responses.Set("200", &openapi3.ResponseRef{Value: &openapi3.Response{Description: ptr("OK: the file."), Headers: headers, Content: f.content}})
	responses.Set("304", &openapi3.ResponseRef{Value: &openapi3.Response{
		Description: ptr("Not Modified: If-None-Match names the file's ETag (the hash of its bytes), so the copy the client has is current."),
		Headers:     openapi3.Headers{"API-Version": headerRef("API-Version"), "ETag": headerRef("ETag")}}})
	for _, s := range append([]int{http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden}, append(f.fails, http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusServiceUnavailable)...) {
		responses.Set(fmt.Sprint(s), errs[s])
	}
	return &openapi3.Operation{
		OperationID: f.id,
		Tags:        []string{f.tag},
		Summary:     f.summary,
		Description: f.description,
		Parameters: append(append([]*openapi3.ParameterRef{}, f.params...), &openapi3.ParameterRef{Value: &openapi3.Parameter{
			In: "header", Name: "If-None-Match", Description: "The ETag of a copy the client has; if it is still the file, the answer is 304 without it.",
			Schema: openapi3.NewStringSchema().NewRef()}}),
		Responses: responses,
	}
}
