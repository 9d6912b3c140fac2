package main

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testOptions are convert's options for the test document: who may call
// each operation (getThing is public) and the bodies' examples.
func testOptions() options {
	return options{
		prefix: "/api/v1",
		access: map[string]access{
			"listThings":  {who: "Who may call it: staff."},
			"createThing": {who: "Who may call it: staff."},
			"getThing":    {public: true, who: "Needs no token: anyone."},
			"updateThing": {who: "Who may call it: staff."},
		},
		examples: map[string]any{"createThing": map[string]any{"id": "t1"}},
	}
}

// patchOptions are testOptions for a document edited by withPatch.
func patchOptions() options {
	o := testOptions()
	o.examples["updateThing"] = map[string]any{"id": "t2"}
	return o
}

// swagger returns a small protoc-gen-openapiv2-like document, changed by edit.
func swagger(t *testing.T, edit func(d map[string]any)) []byte {
	t.Helper()
	var d map[string]any
	err := json.Unmarshal([]byte(`{
	  "swagger": "2.0",
	  "info": {"title": "T", "version": "1.2.3", "contact": {"name": "n", "email": "e@example.org", "url": "https://example.org"}},
	  "tags": [{"name": "Things"}],
	  "consumes": ["application/json"],
	  "produces": ["application/json"],
	  "paths": {
	    "/api/v1/things": {
	      "get": {
	        "operationId": "ListThings", "tags": ["Things"],
	        "parameters": [{"name": "cursor", "in": "query", "type": "string"}],
	        "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/ListThingsResponse"}}}
	      },
	      "post": {
	        "operationId": "CreateThing", "tags": ["Things"],
	        "parameters": [{"name": "thing", "in": "body", "required": true, "schema": {"$ref": "#/definitions/Thing"}}],
	        "responses": {
	          "200": {"description": "ok", "schema": {"$ref": "#/definitions/Thing"}},
	          "default": {"description": "error", "schema": {"$ref": "#/definitions/rpcStatus"}}
	        }
	      }
	    },
	    "/api/v1/things/{id}": {
	      "get": {
	        "operationId": "GetThing", "tags": ["Things"],
	        "parameters": [{"name": "id", "in": "path", "required": true, "type": "string"}],
	        "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Thing"}}}
	      }
	    }
	  },
	  "definitions": {
	    "Thing": {"type": "object", "properties": {"id": {"type": "string"}}},
	    "ListThingsResponse": {"type": "object", "properties": {
	      "things": {"type": "array", "items": {"$ref": "#/definitions/Thing"}},
	      "nextCursor": {"type": "string"}}},
	    "rpcStatus": {"type": "object", "properties": {"code": {"type": "integer"}}}
	  }
	}`), &d)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(d)
	}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestConvertShapesForTheDesignRules(t *testing.T) {
	t.Parallel()
	out, err := convert(swagger(t, nil), testOptions())
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
		Servers []struct {
			URL string `json:"url"`
		} `json:"servers"`
		Paths map[string]map[string]struct {
			OperationID string                 `json:"operationId"`
			Security    *[]map[string][]string `json:"security"`
			Responses   map[string]struct {
				Ref     string                     `json:"$ref"`
				Headers map[string]json.RawMessage `json:"headers"`
			} `json:"responses"`
		} `json:"paths"`
		Components struct {
			Schemas         map[string]json.RawMessage `json:"schemas"`
			SecuritySchemes map[string]json.RawMessage `json:"securitySchemes"`
		} `json:"components"`
		Security []map[string][]string `json:"security"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}

	type op struct {
		ID        string
		Public    bool // needs no token
		Responses []string
		Headers   []string // of the success response
	}
	got := map[string]op{}
	for path, item := range doc.Paths {
		for method, o := range item {
			g := op{ID: o.OperationID, Public: o.Security != nil && len(*o.Security) == 0}
			for code, r := range o.Responses {
				g.Responses = append(g.Responses, code+" "+r.Ref)
				if strings.HasPrefix(code, "2") {
					for h := range r.Headers {
						g.Headers = append(g.Headers, h)
					}
				}
			}
			slices.Sort(g.Responses)
			slices.Sort(g.Headers)
			got[method+" "+path] = g
		}
	}
	rateLimited := []string{"API-Version", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"}
	want := map[string]op{
		"get /things": {
			ID: "listThings",
			Responses: []string{
				"200 ",
				"400 #/components/responses/BadRequest",
				"401 #/components/responses/Unauthorized",
				"403 #/components/responses/Forbidden",
				"429 #/components/responses/TooManyRequests",
				"500 #/components/responses/InternalServerError",
				"503 #/components/responses/ServiceUnavailable",
			},
			Headers: []string{"API-Version", "Link", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"},
		},
		"post /things": {
			ID: "createThing",
			Responses: []string{
				"201 ",
				"400 #/components/responses/BadRequest",
				"401 #/components/responses/Unauthorized",
				"403 #/components/responses/Forbidden",
				"409 #/components/responses/Conflict",
				"413 #/components/responses/ContentTooLarge",
				"415 #/components/responses/UnsupportedMediaType",
				"429 #/components/responses/TooManyRequests",
				"500 #/components/responses/InternalServerError",
				"503 #/components/responses/ServiceUnavailable",
			},
			Headers: []string{"API-Version", "Location", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"},
		},
		"get /things/{id}": {
			ID:     "getThing",
			Public: true,
			Responses: []string{
				"200 ",
				"400 #/components/responses/BadRequest",
				"401 #/components/responses/Unauthorized",
				"403 #/components/responses/Forbidden",
				"404 #/components/responses/NotFound",
				"429 #/components/responses/TooManyRequests",
				"500 #/components/responses/InternalServerError",
				"503 #/components/responses/ServiceUnavailable",
			},
			Headers: rateLimited,
		},
		"get /openapi.json": {
			ID:        "getOpenApiDocument",
			Public:    true,
			Responses: []string{"200 "},
			Headers:   []string{"API-Version"},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("operations mismatch (-want +got):\n%s", diff)
	}
	if doc.OpenAPI != "3.0.3" || len(doc.Servers) != 1 || doc.Servers[0].URL != "/api/v1" {
		t.Errorf("openapi %q, servers %+v; want 3.0.3 served from /api/v1", doc.OpenAPI, doc.Servers)
	}
	schemas := slices.Sorted(maps.Keys(doc.Components.Schemas))
	if diff := cmp.Diff([]string{"InvalidParam", "Problem", "Thing", "ThingPage"}, schemas); diff != "" {
		t.Errorf("schemas mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]map[string][]string{{"bearerAuth": {}}}, doc.Security); diff != "" {
		t.Errorf("security mismatch (-want +got):\n%s", diff)
	}
	if _, ok := doc.Components.SecuritySchemes["bearerAuth"]; !ok {
		t.Error("no bearerAuth security scheme")
	}

	again, err := convert(swagger(t, nil), testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != string(out) {
		t.Error("two conversions of the same input differ")
	}
}

func TestConvertRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		edit    func(d map[string]any)
		wantErr string
	}{
		{"a path outside the prefix", func(d map[string]any) {
			paths := d["paths"].(map[string]any)
			paths["/elsewhere"] = paths["/api/v1/things"]
			delete(paths, "/api/v1/things")
		}, "not under /api/v1"},
		{"a version that is not semver", func(d map[string]any) {
			d["info"].(map[string]any)["version"] = "v1"
		}, "not a semantic version"},
		{"no contact", func(d map[string]any) {
			delete(d["info"].(map[string]any), "contact")
		}, "info.contact"},
		{"an undeclared tag", func(d map[string]any) {
			d["tags"] = []any{}
		}, "not declared"},
		{"a PATCH of a resource without an etag", func(d map[string]any) {
			withPatch(d)
			delete(d["definitions"].(map[string]any)["Thing"].(map[string]any)["properties"].(map[string]any), "etag")
		}, "no etag member"},
		{"a PATCH without a GET of its path", func(d map[string]any) {
			withPatch(d)
			delete(d["paths"].(map[string]any)["/api/v1/things/{id}"].(map[string]any), "get")
		}, "has no GET"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := convert(swagger(t, tt.edit), patchOptions())
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("convert error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

// withPatch gives the test document's things an etag and a PATCH, as
// protoc-gen-openapiv2 writes them (use_allof_for_refs): an output-only
// status with its $ref in allOf, and a repeated output-only field with its
// items marked.
func withPatch(d map[string]any) {
	thing := d["definitions"].(map[string]any)["Thing"].(map[string]any)
	props := thing["properties"].(map[string]any)
	props["etag"] = map[string]any{"type": "string", "description": "Version (output only).", "readOnly": true}
	props["status"] = map[string]any{"allOf": []any{map[string]any{"$ref": "#/definitions/ThingStatus"}}, "description": "Status (output only).", "readOnly": true}
	props["tags"] = map[string]any{"type": "array", "description": "Tags (output only).", "items": map[string]any{"type": "string", "readOnly": true}}
	d["definitions"].(map[string]any)["ThingStatus"] = map[string]any{"type": "string", "enum": []any{"THING_STATUS_NEW", "THING_STATUS_OLD"}}
	d["paths"].(map[string]any)["/api/v1/things/{id}"].(map[string]any)["patch"] = map[string]any{
		"operationId": "UpdateThing", "tags": []any{"Things"},
		"parameters": []any{
			map[string]any{"name": "id", "in": "path", "required": true, "type": "string"},
			map[string]any{"name": "thing", "in": "body", "required": true, "schema": map[string]any{"$ref": "#/definitions/Thing"}},
		},
		"responses": map[string]any{"200": map[string]any{"description": "ok", "schema": map[string]any{"$ref": "#/definitions/Thing"}}},
	}
}

// A PATCH is described as the gateway serves it: a merge patch in either
// media type, If-Match, 412, and the ETag on the resource's answers; and
// output-only members stay readOnly.
func TestConvertDescribesPatchAsAMergePatch(t *testing.T) {
	t.Parallel()
	out, err := convert(swagger(t, withPatch), patchOptions())
	if err != nil {
		t.Fatal(err)
	}
	type response struct {
		Ref     string                     `json:"$ref"`
		Headers map[string]json.RawMessage `json:"headers"`
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Ref  string `json:"$ref"`
				Name string `json:"name"`
			} `json:"parameters"`
			RequestBody *struct {
				Description string                     `json:"description"`
				Content     map[string]json.RawMessage `json:"content"`
			} `json:"requestBody"`
			Responses map[string]response `json:"responses"`
		} `json:"paths"`
		Components struct {
			Parameters map[string]struct {
				Name string `json:"name"`
				In   string `json:"in"`
			} `json:"parameters"`
			Schemas map[string]struct {
				Properties map[string]map[string]any `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	patch := doc.Paths["/things/{id}"]["patch"]
	if patch.RequestBody == nil {
		t.Fatal("the PATCH has no body")
	}
	if diff := cmp.Diff([]string{"application/json", "application/merge-patch+json"}, slices.Sorted(maps.Keys(patch.RequestBody.Content))); diff != "" {
		t.Errorf("body media types (-want +got):\n%s", diff)
	}
	if !strings.Contains(patch.RequestBody.Description, "RFC 7396") {
		t.Errorf("body description %q does not say it is a merge patch", patch.RequestBody.Description)
	}
	var refs []string
	for _, p := range patch.Parameters {
		refs = append(refs, p.Ref+p.Name)
	}
	if diff := cmp.Diff([]string{"id", "#/components/parameters/IfMatch"}, refs); diff != "" {
		t.Errorf("parameters (-want +got):\n%s", diff)
	}
	if p := doc.Components.Parameters["IfMatch"]; p.Name != "If-Match" || p.In != "header" {
		t.Errorf("IfMatch parameter %+v, want the If-Match header", p)
	}
	if got := patch.Responses["412"].Ref; got != "#/components/responses/PreconditionFailed" {
		t.Errorf("412 is %q, want the PreconditionFailed response", got)
	}
	for _, method := range []string{"get", "patch"} {
		if _, ok := doc.Paths["/things/{id}"][method].Responses["200"].Headers["ETag"]; !ok {
			t.Errorf("the %s of a thing declares no ETag", method)
		}
	}
	if _, ok := doc.Paths["/things"]["get"].Responses["200"].Headers["ETag"]; ok {
		t.Error("a page of things declares an ETag")
	}
	props := doc.Components.Schemas["Thing"].Properties
	for _, name := range []string{"etag", "status", "tags"} {
		if props[name]["readOnly"] != true {
			t.Errorf("%s is %v, want readOnly", name, props[name])
		}
	}
	// Both media types take a merge patch, whose members may be null.
	var body map[string]struct {
		Schema struct {
			Ref string `json:"$ref"`
		} `json:"schema"`
	}
	raw, err := json.Marshal(patch.RequestBody.Content)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatal(err)
	}
	for mt, c := range body {
		if c.Schema.Ref != "#/components/schemas/ThingPatch" {
			t.Errorf("%s body is %q, want ThingPatch", mt, c.Schema.Ref)
		}
	}
	patchProps := doc.Components.Schemas["ThingPatch"].Properties
	for _, name := range []string{"id", "etag", "status", "tags"} {
		if patchProps[name]["nullable"] != true {
			t.Errorf("ThingPatch.%s is %v, want nullable", name, patchProps[name])
		}
	}
	if patchProps["status"]["readOnly"] != true || patchProps["etag"]["readOnly"] != true {
		t.Errorf("ThingPatch keeps readOnly: status %v, etag %v", patchProps["status"], patchProps["etag"])
	}
	if _, ok := props["status"]["allOf"]; !ok {
		t.Errorf("status is %v, want its $ref in allOf beside readOnly", props["status"])
	}
}

func TestMergeRules(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, rules string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		content := "type: google.api.Service\nconfig_version: 3\nhttp:\n  rules:\n" + rules
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a_http.yaml", "    - selector: a.v1.A.Get\n      get: /api/v1/as/{id}\n")
	b := write("b_http.yaml", "    - selector: b.v1.B.Create\n      post: /api/v1/bs\n      body: b\n")
	dup := write("dup_http.yaml", "    - selector: a.v1.A.Get\n      get: /api/v1/other/{id}\n")

	out, err := mergeRules([]string{a, b})
	if err != nil {
		t.Fatal(err)
	}
	var got any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	var want any
	if err := json.Unmarshal([]byte(`{"type": "google.api.Service", "config_version": 3, "http": {"rules": [
		{"selector": "a.v1.A.Get", "get": "/api/v1/as/{id}"},
		{"selector": "b.v1.B.Create", "post": "/api/v1/bs", "body": "b"}]}}`), &want); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("merged rules mismatch (-want +got):\n%s", diff)
	}

	if _, err := mergeRules([]string{a, dup}); err == nil || !strings.Contains(err.Error(), "already bound") {
		t.Errorf("merging a duplicate selector: error = %v, want one saying it is already bound", err)
	}
}

// Two packages with a message of the same name get schema names the design
// rules accept, and a POST that answers one still creates it.
func TestConvertRenamesQualifiedSchemas(t *testing.T) {
	t.Parallel()
	out, err := convert(swagger(t, func(d map[string]any) {
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		b = []byte(strings.ReplaceAll(string(b), `"#/definitions/Thing"`, `"#/definitions/things.v1.Thing"`))
		clear(d)
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatal(err)
		}
		defs := d["definitions"].(map[string]any)
		defs["things.v1.Thing"] = defs["Thing"]
		defs["other.v1beta1.Thing"] = defs["Thing"]
		delete(defs, "Thing")
	}), testOptions())
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]struct {
				Content map[string]struct {
					Schema struct {
						Ref string `json:"$ref"`
					} `json:"schema"`
				} `json:"content"`
			} `json:"responses"`
		} `json:"paths"`
		Components struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	created, ok := doc.Paths["/things"]["post"].Responses["201"]
	if !ok {
		t.Fatalf("POST /things answers %v, want 201", doc.Paths["/things"]["post"].Responses)
	}
	if got, want := created.Content["application/json"].Schema.Ref, "#/components/schemas/ThingsThing"; got != want {
		t.Errorf("POST /things answers %s, want %s", got, want)
	}
	// OtherThing is unused, so dropped like any other unused schema.
	schemas := slices.Sorted(maps.Keys(doc.Components.Schemas))
	if diff := cmp.Diff([]string{"InvalidParam", "Problem", "ThingPage", "ThingsThing"}, schemas); diff != "" {
		t.Errorf("schemas mismatch (-want +got):\n%s", diff)
	}
}

func TestConvertRejectsRenameClash(t *testing.T) {
	t.Parallel()
	_, err := convert(swagger(t, func(d map[string]any) {
		defs := d["definitions"].(map[string]any)
		defs["things.v1.Thing"] = defs["Thing"]
		defs["ThingsThing"] = defs["Thing"]
	}), testOptions())
	if err == nil || !strings.Contains(err.Error(), "ThingsThing") {
		t.Errorf("convert error = %v, want one naming ThingsThing", err)
	}
}

// An operation that the policy makes public gets "security: []"; the
// others need the bearer token.
func TestConvertKeepsPublicOperations(t *testing.T) {
	t.Parallel()
	out, err := convert(swagger(t, nil), testOptions())
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Security *[]map[string][]string `json:"security"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for path, item := range doc.Paths {
		for method, op := range item {
			got[method+" "+path] = op.Security != nil && len(*op.Security) == 0
		}
	}
	want := map[string]bool{"get /things": false, "post /things": false, "get /things/{id}": true, "get /openapi.json": true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("public operations mismatch (-want +got):\n%s", diff)
	}
}
