package main

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/meedoen/meedoen/gateway"
)

// componentsJSON holds the parts every document gets: the problem schema,
// the error responses built on it, the response headers and the security
// scheme.
//
//go:embed components.json
var componentsJSON []byte

const problemJSON = "application/problem+json"

// errorResponses names the component response for each error status.
func errorResponses() map[int]string {
	return map[int]string{
		http.StatusBadRequest:                  "BadRequest",
		http.StatusUnauthorized:                "Unauthorized",
		http.StatusForbidden:                   "Forbidden",
		http.StatusNotFound:                    "NotFound",
		http.StatusMethodNotAllowed:            "MethodNotAllowed",
		http.StatusConflict:                    "Conflict",
		http.StatusPreconditionFailed:          "PreconditionFailed",
		http.StatusRequestEntityTooLarge:       "ContentTooLarge",
		http.StatusRequestURITooLong:           "URITooLong",
		http.StatusRequestHeaderFieldsTooLarge: "RequestHeaderFieldsTooLarge",
		http.StatusUnsupportedMediaType:        "UnsupportedMediaType",
		http.StatusTooManyRequests:             "TooManyRequests",
		http.StatusInternalServerError:         "InternalServerError",
		http.StatusServiceUnavailable:          "ServiceUnavailable",
	}
}

// rateLimitHeaders are on every response of the rate-limited API, which
// is all of it but this document.
var rateLimitHeaders = []string{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"}

// securityScheme is the scheme in components.json that every operation
// but this document's requires.
const securityScheme = "bearerAuth"

// semverPattern is the pattern of the API Design Rules linter (nlgov:semver).
const semverPattern = `^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`

// options are what convert needs besides the Swagger document.
type options struct {
	// prefix is the common path prefix of every operation; it becomes
	// the server URL.
	prefix string
	// access says who may call each operation, by operationId.
	access map[string]access
	// examples are the request bodies' examples, by operationId.
	examples map[string]any
}

// convert turns a Swagger 2.0 document whose paths all start with
// opts.prefix into an OpenAPI 3.0 document served from it.
func convert(swagger []byte, opts options) ([]byte, error) {
	swagger, err := keepReadOnly(swagger)
	if err != nil {
		return nil, err
	}
	swagger, messages, err := unqualify(swagger)
	if err != nil {
		return nil, err
	}
	var doc2 openapi2.T
	if err := json.Unmarshal(swagger, &doc2); err != nil {
		return nil, fmt.Errorf("parsing swagger: %w", err)
	}
	doc, err := openapi2conv.ToV3(&doc2)
	if err != nil {
		return nil, fmt.Errorf("converting to openapi 3: %w", err)
	}
	if err := shape(doc, opts, messages); err != nil {
		return nil, err
	}
	// Resolving fills in the targets of the references shape added, which
	// validation needs.
	if err := openapi3.NewLoader().ResolveRefsIn(doc, nil); err != nil {
		return nil, fmt.Errorf("resolving references: %w", err)
	}
	if err := validate(doc); err != nil {
		return nil, fmt.Errorf("validating result: %w", err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// shape rewrites doc in place to follow the API Design Rules and to say
// what the gateway does. messages maps the schemas unqualify renamed to
// their messages' names.
func shape(doc *openapi3.T, opts options, messages map[string]string) error {
	prefix := opts.prefix
	if err := checkInfo(doc.Info); err != nil {
		return err
	}
	doc.Servers = openapi3.Servers{{
		URL:         prefix,
		Description: "This API, on the host that serves this document.",
	}}

	responses, err := addComponents(doc)
	if err != nil {
		return err
	}
	doc.Security = openapi3.SecurityRequirements{{securityScheme: []string{}}}

	paths := openapi3.NewPaths()
	patches := map[string]bool{}
	for _, p := range doc.Paths.InMatchingOrder() {
		rel, ok := strings.CutPrefix(p, prefix+"/")
		if !ok {
			return fmt.Errorf("path %s is not under %s", p, prefix)
		}
		item := doc.Paths.Value(p)
		for method, op := range item.Operations() {
			if err := shapeOperation(doc, method, "/"+rel, op, responses, messages, patches); err != nil {
				return fmt.Errorf("%s %s: %w", method, p, err)
			}
		}
		paths.Set("/"+rel, item)
	}
	if paths.Value(documentPath) != nil {
		return fmt.Errorf("path %s%s is reserved for this document", prefix, documentPath)
	}
	if err := addDownloads(doc, paths, responses); err != nil {
		return err
	}
	for _, p := range paths.InMatchingOrder() {
		for method, op := range paths.Value(p).Operations() {
			a, ok := opts.access[op.OperationID]
			if !ok {
				return fmt.Errorf("%s %s (%s) has no rule in the authorisation policy (each service's Policy, composed in servicePolicy)", method, p, op.OperationID)
			}
			describeOperation(op, a)
		}
	}
	paths.Set(documentPath, documentItem())
	doc.Tags = append(doc.Tags, &openapi3.Tag{Name: documentTag, Description: "This description of the API."})
	doc.Paths = paths
	dropUnusedTags(doc)
	if err := checkOperations(doc); err != nil {
		return err
	}

	byValues, err := spellEnums(doc, messages)
	if err != nil {
		return err
	}
	if err := enumRefs(doc, byValues); err != nil {
		return err
	}
	int64Numbers(doc)
	if err := checkReadOnly(doc); err != nil {
		return err
	}
	shapeMembers(doc, patches)
	if err := addExamples(doc, opts.examples); err != nil {
		return err
	}
	if err := checkGeneratedNames(doc); err != nil {
		return err
	}
	return dropUnusedSchemas(doc)
}

func checkInfo(info *openapi3.Info) error {
	switch {
	case info == nil:
		return fmt.Errorf("no info; set it in proto/openapi.yaml")
	case !regexp.MustCompile(semverPattern).MatchString(info.Version):
		return fmt.Errorf("info.version %q is not a semantic version", info.Version)
	case info.Contact == nil || info.Contact.Name == "" || info.Contact.Email == "" || info.Contact.URL == "":
		return fmt.Errorf("info.contact needs name, email and url")
	}
	return nil
}

// addComponents adds the shared headers, schemas, security scheme and error
// responses to doc and returns the error responses by status.
func addComponents(doc *openapi3.T) (map[int]*openapi3.ResponseRef, error) {
	var shared struct {
		Headers         openapi3.Headers         `json:"headers"`
		Parameters      openapi3.ParametersMap   `json:"parameters"`
		Schemas         openapi3.Schemas         `json:"schemas"`
		SecuritySchemes openapi3.SecuritySchemes `json:"securitySchemes"`
		Responses       map[string]struct {
			Description string   `json:"description"`
			Headers     []string `json:"headers"`
			Example     any      `json:"example"`
		} `json:"responses"`
	}
	if err := json.Unmarshal(componentsJSON, &shared); err != nil {
		return nil, fmt.Errorf("parsing components.json: %w", err)
	}
	shared.Headers["API-Version"].Value.Schema.Value.Example = doc.Info.Version
	if _, ok := shared.SecuritySchemes[securityScheme]; !ok {
		return nil, fmt.Errorf("components.json has no security scheme %s", securityScheme)
	}

	c := doc.Components
	if c.Headers == nil {
		c.Headers = openapi3.Headers{}
	}
	if c.Schemas == nil {
		c.Schemas = openapi3.Schemas{}
	}
	if c.Parameters == nil {
		c.Parameters = openapi3.ParametersMap{}
	}
	if c.Responses == nil {
		c.Responses = openapi3.ResponseBodies{}
	}
	if c.SecuritySchemes == nil {
		c.SecuritySchemes = openapi3.SecuritySchemes{}
	}
	for name, h := range shared.Headers {
		c.Headers[name] = h
	}
	for name, s := range shared.Schemas {
		if _, ok := c.Schemas[name]; ok {
			return nil, fmt.Errorf("schema %s clashes with a message of the same name", name)
		}
		c.Schemas[name] = s
	}
	for name, s := range shared.SecuritySchemes {
		c.SecuritySchemes[name] = s
	}
	if _, ok := shared.Parameters[ifMatchParameter]; !ok {
		return nil, fmt.Errorf("components.json has no parameter %s", ifMatchParameter)
	}
	for name, p := range shared.Parameters {
		c.Parameters[name] = p
	}

	byStatus := make(map[int]*openapi3.ResponseRef)
	for status, name := range errorResponses() {
		r, ok := shared.Responses[name]
		if !ok {
			return nil, fmt.Errorf("components.json has no response %s", name)
		}
		headers := versionHeader()
		for _, h := range r.Headers {
			if _, ok := shared.Headers[h]; !ok {
				return nil, fmt.Errorf("components.json: response %s has header %s, which is not among the headers", name, h)
			}
			headers[h] = headerRef(h)
		}
		c.Responses[name] = &openapi3.ResponseRef{Value: &openapi3.Response{
			Description: &r.Description,
			Headers:     headers,
			Content: openapi3.Content{problemJSON: &openapi3.MediaType{
				Schema:  openapi3.NewSchemaRef("#/components/schemas/Problem", nil),
				Example: r.Example,
			}},
		}}
		byStatus[status] = &openapi3.ResponseRef{Ref: "#/components/responses/" + name}
	}
	return byStatus, nil
}

func headerRef(name string) *openapi3.HeaderRef {
	return &openapi3.HeaderRef{Ref: "#/components/headers/" + name}
}

func versionHeader() openapi3.Headers {
	return openapi3.Headers{"API-Version": headerRef("API-Version")}
}

// shapeOperation gives op a lowerCamelCase id, a success response with the
// right status and headers, and the problem responses it can return.
func shapeOperation(doc *openapi3.T, method, path string, op *openapi3.Operation, errs map[int]*openapi3.ResponseRef, messages map[string]string, patches map[string]bool) error {
	if op.OperationID == "" {
		return fmt.Errorf("no operationId")
	}
	op.OperationID = strings.ToLower(op.OperationID[:1]) + op.OperationID[1:]

	ok := op.Responses.Value("200")
	if ok == nil || ok.Value == nil {
		return fmt.Errorf("no 200 response")
	}
	op.Responses = openapi3.NewResponses()
	ok.Value.Headers = versionHeader()
	for _, h := range rateLimitHeaders {
		ok.Value.Headers[h] = headerRef(h)
	}
	// The gateway answers a POST that creates something with 201 and the
	// new resource's URL, and links a page of a list to the next one.
	message := responseSchema(ok.Value)
	if m, renamed := messages[message]; renamed {
		message = m
	}
	switch {
	case method == http.MethodPost && gateway.CreatesResource(path, message):
		ok.Value.Description = ptr("Created.")
		ok.Value.Headers["Location"] = headerRef("Location")
		op.Responses.Set("201", ok)
	case isPage(doc, ok.Value):
		ok.Value.Description = ptr("OK: one page of the list.")
		ok.Value.Headers["Link"] = headerRef("Link")
		op.Responses.Set("200", ok)
	default:
		ok.Value.Description = ptr("OK.")
		op.Responses.Set("200", ok)
	}
	// The gateway sends a resource's etag member as the ETag header.
	if hasETag(doc, ok.Value) {
		ok.Value.Headers["ETag"] = headerRef("ETag")
	}
	if method == http.MethodPatch {
		if err := shapePatch(doc, op, patches); err != nil {
			return err
		}
	}
	pageParameters(op)

	if op.RequestBody != nil && op.RequestBody.Value != nil {
		// openapi2conv remembers the Swagger body parameter's name; it means
		// nothing to readers of this document.
		delete(op.RequestBody.Value.Extensions, "x-originalParamName")
	}

	hasPathParams := strings.Contains(path, "{")
	var statuses []int
	if len(op.Parameters) > 0 || op.RequestBody != nil {
		statuses = append(statuses, http.StatusBadRequest)
	}
	statuses = append(statuses, http.StatusUnauthorized, http.StatusForbidden)
	if hasPathParams {
		statuses = append(statuses, http.StatusNotFound)
	}
	switch method {
	case http.MethodPatch:
		statuses = append(statuses, http.StatusConflict, http.StatusPreconditionFailed)
	case http.MethodPost, http.MethodPut, http.MethodDelete:
		statuses = append(statuses, http.StatusConflict)
	}
	if op.RequestBody != nil {
		// Only a body can be too large or of the wrong type; the gateway
		// does not read one sent to an operation that takes none.
		statuses = append(statuses, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType)
	}
	statuses = append(statuses, http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusServiceUnavailable)
	for _, s := range statuses {
		op.Responses.Set(fmt.Sprint(s), errs[s])
	}
	return nil
}

// ifMatchParameter is the If-Match header parameter in components.json.
const ifMatchParameter = "IfMatch"

// mergePatchJSON is the media type of a JSON merge patch (RFC 7396).
const mergePatchJSON = "application/merge-patch+json"

// mergePatchDescription describes every PATCH body: the gateway merges
// them all the same way (gateway/patch.go).
const mergePatchDescription = "A JSON merge patch (RFC 7396) of the resource, sent as " + mergePatchJSON + " or application/json. " +
	"Members left out stay as they are; a member set to null is cleared (400 naming it where a value is required); " +
	"objects are merged member by member; arrays and other values replace what was there. " +
	"Output-only members may be sent as read, but not changed (400). " +
	"An etag member works like If-Match: the change is made only to that version of the resource (else 412)."

// shapePatch describes a PATCH as the gateway serves it: a merge patch of
// the resource, in either media type, with If-Match and 412. The resource
// must carry its version in an etag member (AIP-154), the convention
// proto/README.md sets for every resource that can change.
func shapePatch(doc *openapi3.T, op *openapi3.Operation, patches map[string]bool) error {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return fmt.Errorf("a PATCH without a body")
	}
	body := op.RequestBody.Value
	mt := body.Content.Get("application/json")
	if mt == nil || mt.Schema == nil {
		return fmt.Errorf("the body of a PATCH is not application/json")
	}
	if s := resolve(doc, mt.Schema); s == nil || s.Properties[etagProperty] == nil {
		return fmt.Errorf("the resource has no %s member: give the message a string etag field (proto/README.md)", etagProperty)
	}
	name, ok := strings.CutPrefix(mt.Schema.Ref, "#/components/schemas/")
	if !ok {
		return fmt.Errorf("the body of a PATCH is not a resource's schema")
	}
	// Both media types are taken as a merge patch (gateway/patch.go).
	patch := openapi3.NewSchemaRef("#/components/schemas/"+patchSchema(doc, name, patches), nil)
	body.Content["application/json"] = &openapi3.MediaType{Schema: patch}
	body.Content[mergePatchJSON] = &openapi3.MediaType{Schema: patch}
	body.Description = mergePatchDescription
	op.Parameters = append(op.Parameters, &openapi3.ParameterRef{Ref: "#/components/parameters/" + ifMatchParameter})
	return nil
}

// etagProperty is the member that holds a resource's version.
const etagProperty = "etag"

// hasETag reports whether a response is a resource with an etag member,
// which the gateway repeats in the ETag header.
func hasETag(doc *openapi3.T, r *openapi3.Response) bool {
	mt := r.Content.Get("application/json")
	if mt == nil || mt.Schema == nil {
		return false
	}
	s := resolve(doc, mt.Schema)
	return s != nil && s.Properties[etagProperty] != nil
}

// resolve returns the schema ref points to, among doc's components if it
// is a reference.
func resolve(doc *openapi3.T, ref *openapi3.SchemaRef) *openapi3.Schema {
	if name, ok := strings.CutPrefix(ref.Ref, "#/components/schemas/"); ok {
		if s := doc.Components.Schemas[name]; s != nil {
			return s.Value
		}
		return nil
	}
	return ref.Value
}

// responseSchema names the schema of a JSON response, or "".
func responseSchema(r *openapi3.Response) string {
	mt := r.Content.Get("application/json")
	if mt == nil || mt.Schema == nil {
		return ""
	}
	name, _ := strings.CutPrefix(mt.Schema.Ref, "#/components/schemas/")
	return name
}

// isPage reports whether a response is one page of a list: a message with
// a nextCursor, which the gateway turns into a Link header.
func isPage(doc *openapi3.T, r *openapi3.Response) bool {
	mt := r.Content.Get("application/json")
	if mt == nil || mt.Schema == nil {
		return false
	}
	s := mt.Schema.Value
	if name, ok := strings.CutPrefix(mt.Schema.Ref, "#/components/schemas/"); ok {
		if ref := doc.Components.Schemas[name]; ref != nil {
			s = ref.Value
		}
	}
	return s != nil && s.Properties["nextCursor"] != nil
}

const (
	documentPath = "/openapi.json"
	documentTag  = "OpenAPI"
)

// documentItem describes where the gateway serves this document, as the
// API Design Rules ask (publish-openapi).
func documentItem() *openapi3.PathItem {
	responses := openapi3.NewResponses()
	responses.Set("200", &openapi3.ResponseRef{Value: &openapi3.Response{
		Description: ptr("This document. Served with Access-Control-Allow-Origin: * so that tools in any origin can read it."),
		Headers:     versionHeader(),
		Content:     openapi3.NewContentWithJSONSchema(openapi3.NewObjectSchema()),
	}})
	return &openapi3.PathItem{Get: &openapi3.Operation{
		OperationID: "getOpenApiDocument",
		Summary:     "Returns this OpenAPI document.",
		Description: "Public: no token needed, and not rate limited.",
		Tags:        []string{documentTag},
		Security:    &openapi3.SecurityRequirements{},
		Responses:   responses,
	}}
}

// checkOperations fails on what the generators let through but the rules
// or readers would not: duplicate operation ids and undeclared tags.
func checkOperations(doc *openapi3.T) error {
	declared := make(map[string]bool)
	for _, t := range doc.Tags {
		declared[t.Name] = true
	}
	ids := make(map[string]string)
	for _, p := range doc.Paths.InMatchingOrder() {
		for method, op := range doc.Paths.Value(p).Operations() {
			where := method + " " + p
			if prev, ok := ids[op.OperationID]; ok {
				return fmt.Errorf("operationId %s used by %s and %s", op.OperationID, prev, where)
			}
			ids[op.OperationID] = where
			if method == http.MethodPatch && doc.Paths.Value(p).Get == nil {
				return fmt.Errorf("%s has no GET: the gateway reads the resource a patch merges into with the GET of the same path", where)
			}
			if len(op.Tags) == 0 {
				return fmt.Errorf("%s has no tag", where)
			}
			for _, t := range op.Tags {
				if !declared[t] {
					return fmt.Errorf("%s: tag %s is not declared; name the service in proto/openapi.yaml", where, t)
				}
			}
		}
	}
	return nil
}

// dropUnusedSchemas removes schemas nothing refers to, such as google.rpc.Status,
// which the problem responses replace.
func dropUnusedSchemas(doc *openapi3.T) error {
	schemas := doc.Components.Schemas
	doc.Components.Schemas = nil
	root, err := json.Marshal(doc)
	doc.Components.Schemas = schemas
	if err != nil {
		return err
	}
	refs := regexp.MustCompile(`"#/components/schemas/([^"]+)"`)
	used := make(map[string]bool)
	queue := refsIn(refs, root)
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if used[name] {
			continue
		}
		s, ok := schemas[name]
		if !ok {
			return fmt.Errorf("reference to undefined schema %s", name)
		}
		used[name] = true
		b, err := json.Marshal(s)
		if err != nil {
			return err
		}
		queue = append(queue, refsIn(refs, b)...)
	}
	for name := range schemas {
		if !used[name] {
			delete(schemas, name)
		}
	}
	return nil
}

func refsIn(refs *regexp.Regexp, b []byte) []string {
	var names []string
	for _, m := range refs.FindAllSubmatch(b, -1) {
		names = append(names, string(m[1]))
	}
	slices.Sort(names)
	return names
}

func ptr[T any](v T) *T { return &v }
