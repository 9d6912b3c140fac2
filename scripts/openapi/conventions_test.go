package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// conventionsDocument converts the test document with what the API's
// conventions are about: an enum (a query filter and a member), a 64-bit
// count, a time, a nested message, an output-only member, and a result
// named after its method.
func conventionsDocument(t *testing.T, edit func(d map[string]any), opts options) map[string]any {
	t.Helper()
	out, err := convert(swagger(t, func(d map[string]any) {
		conventionsEdit(d)
		if edit != nil {
			edit(d)
		}
	}), opts)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// conventionsEdit adds to the test document what conventionsDocument
// describes.
func conventionsEdit(d map[string]any) {
	defs := d["definitions"].(map[string]any)
	defs["ThingKind"] = map[string]any{"type": "string", "enum": []any{"THING_KIND_ROUND", "THING_KIND_FLAT_TOP"},
		"description": "Kinds.\n\n - THING_KIND_ROUND: Round.\n - THING_KIND_FLAT_TOP: Flat on top."}
	defs["Size"] = map[string]any{"type": "object", "properties": map[string]any{"cm": map[string]any{"type": "integer", "format": "int32"}}}
	defs["Thing"] = map[string]any{"type": "object", "required": []any{"name"}, "properties": map[string]any{
		"id":         map[string]any{"type": "string", "description": "Identifier (output only).", "readOnly": true},
		"name":       map[string]any{"type": "string"},
		"kind":       map[string]any{"allOf": []any{map[string]any{"$ref": "#/definitions/ThingKind"}}},
		"size":       map[string]any{"allOf": []any{map[string]any{"$ref": "#/definitions/Size"}}, "description": "How big."},
		"count":      map[string]any{"type": "string", "format": "int64"},
		"createTime": map[string]any{"type": "string", "format": "date-time", "description": "When (output only).", "readOnly": true},
	}}
	defs["ListSizesResponse"] = map[string]any{"type": "object", "properties": map[string]any{
		"sizes": map[string]any{"type": "array", "items": map[string]any{"$ref": "#/definitions/Size"}}}}
	paths := d["paths"].(map[string]any)
	list := paths["/api/v1/things"].(map[string]any)["get"].(map[string]any)
	list["parameters"] = []any{
		map[string]any{"name": "kind", "in": "query", "type": "string", "enum": []any{"THING_KIND_ROUND", "THING_KIND_FLAT_TOP"},
			"description": "Only this kind.\n\n - THING_KIND_ROUND: Round."},
		map[string]any{"name": "limit", "in": "query", "type": "integer", "format": "int32", "description": "Page size."},
		map[string]any{"name": "cursor", "in": "query", "type": "string"},
	}
	paths["/api/v1/things/{id}/counting"] = map[string]any{"post": map[string]any{
		"operationId": "CountThings", "tags": []any{"Things"},
		"summary": "Counts the things.", "description": "All of them.",
		"parameters": []any{map[string]any{"name": "id", "in": "path", "required": true, "type": "string"}},
		"responses":  map[string]any{"200": map[string]any{"description": "ok", "schema": map[string]any{"$ref": "#/definitions/ListSizesResponse"}}},
	}}
}

func conventionsOptions() options {
	o := testOptions()
	o.access["countThings"] = access{who: "Who may call it: staff."}
	o.examples["createThing"] = map[string]any{"name": "a", "kind": "flat_top", "size": map[string]any{"cm": 3}, "count": 2}
	return o
}

// at returns the value at a path of keys in a decoded document.
func at(t *testing.T, v any, keys ...string) any {
	t.Helper()
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("no %s in %v", k, v)
		}
		v = m[k]
	}
	return v
}

func TestConvertSaysWhatTheGatewayDoes(t *testing.T) {
	t.Parallel()
	doc := conventionsDocument(t, nil, conventionsOptions())
	schemas := at(t, doc, "components", "schemas")
	thing := at(t, schemas, "Thing", "properties")
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"enum values in the API's spelling, without the zero value's default",
			at(t, schemas, "ThingKind"), map[string]any{"type": "string", "enum": []any{"round", "flat_top"},
				"description": "Kinds.\n\n - round: Round.\n - flat_top: Flat on top."}},
		{"a query enum refers to its schema, its description's first paragraph kept",
			at(t, doc, "paths", "/things", "get", "parameters").([]any)[0],
			map[string]any{"name": "kind", "in": "query", "description": "Only this kind.", "schema": map[string]any{"$ref": "#/components/schemas/ThingKind"}}},
		{"a list's limit has the gateway's range and default",
			at(t, doc, "paths", "/things", "get", "parameters").([]any)[1].(map[string]any)["schema"],
			map[string]any{"type": "integer", "format": "int32", "minimum": 1.0, "maximum": 100.0, "default": 20.0}},
		{"a 64-bit integer is a number", thing.(map[string]any)["count"], map[string]any{"type": "integer", "format": "int64"}},
		{"an enum member may be null", thing.(map[string]any)["kind"],
			map[string]any{"allOf": []any{map[string]any{"$ref": "#/components/schemas/ThingKind"}}, "nullable": true, "type": "string"}},
		{"an object member may be null, and keeps its description", thing.(map[string]any)["size"],
			map[string]any{"allOf": []any{map[string]any{"$ref": "#/components/schemas/Size"}}, "nullable": true, "type": "object", "description": "How big."}},
		{"a time may be null", thing.(map[string]any)["createTime"],
			map[string]any{"type": "string", "format": "date-time", "nullable": true, "readOnly": true, "description": "When (output only)."}},
		{"a schema requests carry requires the table's members and the readOnly ones",
			at(t, schemas, "Thing", "required"), []any{"createTime", "id", "name"}},
		{"a schema only responses carry requires every member", at(t, schemas, "SizeList", "required"), []any{"sizes"}},
		{"a result is named so that no generated client type collides",
			at(t, doc, "paths", "/things/{id}/counting", "post", "responses", "200", "content", "application/json", "schema", "$ref"),
			"#/components/schemas/SizeList"},
		{"the description says who may call it, after the proto comment's",
			at(t, doc, "paths", "/things/{id}/counting", "post", "description"), "All of them.\n\nWho may call it: staff."},
		{"an operation without a body declares neither 413 nor 415",
			[]any{at(t, doc, "paths", "/things/{id}/counting", "post", "responses", "413"), at(t, doc, "paths", "/things/{id}/counting", "post", "responses", "415")},
			[]any{nil, nil}},
		{"one with a body does",
			at(t, doc, "paths", "/things", "post", "responses", "415"), map[string]any{"$ref": "#/components/responses/UnsupportedMediaType"}},
		{"every body has its example",
			at(t, doc, "paths", "/things", "post", "requestBody", "content", "application/json", "example"),
			map[string]any{"name": "a", "kind": "flat_top", "size": map[string]any{"cm": 3.0}, "count": 2.0}},
		{"405 is declared once, with Allow",
			at(t, doc, "components", "responses", "MethodNotAllowed", "headers"), map[string]any{
				"API-Version": map[string]any{"$ref": "#/components/headers/API-Version"}, "Allow": map[string]any{"$ref": "#/components/headers/Allow"}}},
		{"503 may say when to retry",
			at(t, doc, "components", "responses", "ServiceUnavailable", "headers", "Retry-After"), map[string]any{"$ref": "#/components/headers/Retry-After"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, tt.got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestConvertRefusesWhatBreaksTheConventions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		edit    func(d map[string]any)
		opts    func(o options) options
		wantErr string
	}{
		{name: "an enum value without its prefix",
			edit: func(d map[string]any) {
				d["definitions"].(map[string]any)["ThingKind"].(map[string]any)["enum"] = []any{"ROUND"}
			},
			wantErr: "does not start with THING_KIND_"},
		{name: "an output-only member that is not readOnly",
			edit: func(d map[string]any) {
				props := d["definitions"].(map[string]any)["Thing"].(map[string]any)["properties"].(map[string]any)
				props["name"] = map[string]any{"type": "string", "description": "Name (output only)."}
			},
			wantErr: "Thing.name says it is output only"},
		{name: "a body without an example",
			opts:    func(o options) options { delete(o.examples, "createThing"); return o },
			wantErr: "has no example"},
		{name: "an example that is no valid request",
			opts: func(o options) options {
				o.examples["createThing"] = map[string]any{"name": "a", "id": "set by the server"}
				return o
			},
			wantErr: `invalid example: Error at "/id": readOnly property "id" in request`},
		{name: "an example of nothing",
			opts:    func(o options) options { o.examples["removeThing"] = map[string]any{}; return o },
			wantErr: "example for removeThing, which is no operation with a body"},
		{name: "an operation without a rule in the policy",
			opts:    func(o options) options { delete(o.access, "countThings"); return o },
			wantErr: "countThings) has no rule in the authorisation policy"},
		{name: "a schema named like a generated client's type",
			edit: func(d map[string]any) {
				d["definitions"].(map[string]any)["CountThingsParams"] = map[string]any{"type": "object", "properties": map[string]any{"n": map[string]any{"type": "integer"}}}
			},
			wantErr: "schema CountThingsParams has the name a generated client gives a type of operation countThings"},
		{name: "a response named after its method that no rule renames",
			edit: func(d map[string]any) {
				defs := d["definitions"].(map[string]any)
				defs["WeighThingsResponse"] = map[string]any{"type": "object", "properties": map[string]any{"kg": map[string]any{"type": "integer"}}}
				post := d["paths"].(map[string]any)["/api/v1/things/{id}/counting"].(map[string]any)["post"].(map[string]any)
				post["responses"] = map[string]any{"200": map[string]any{"description": "ok", "schema": map[string]any{"$ref": "#/definitions/WeighThingsResponse"}}}
			},
			wantErr: "definition WeighThingsResponse is named after its method's response"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := conventionsOptions()
			if tt.opts != nil {
				opts = tt.opts(opts)
			}
			_, err := convert(swagger(t, func(d map[string]any) {
				// conventionsDocument's edits, then the case's.
				conventionsEdit(d)
				if tt.edit != nil {
					tt.edit(d)
				}
			}), opts)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("convert error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}
