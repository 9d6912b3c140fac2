package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// One rule for the members of every schema, as the gateway writes them
// (gateway/apijson.go, docs/api.md "JSON"): every member is in every
// response; one without a value is null if it is an object, a time or an
// enum, and its zero value ("", 0, false, []) otherwise. In a request, a
// member may be left out, and null means the same as leaving it out (in a
// merge patch: clearing it).
//
// proto/openapi.yaml lists, per message, the members that always have a
// value: a request that creates the resource must carry them, and a
// response never has null there. shapeMembers turns that into the schemas'
// required lists and nullable markers:
//
//   - a member of object, time or enum type that the table does not list
//     is nullable;
//   - required are the table's members, the readOnly members (which OpenAPI
//     3.0 requires in responses only) and, in a schema that no request
//     carries, every member: it only ever appears in responses.
func shapeMembers(doc *openapi3.T, patches map[string]bool) {
	inRequests := requestSchemas(doc, patches)
	for _, name := range sortedKeys(doc.Components.Schemas) {
		s := doc.Components.Schemas[name].Value
		if s == nil || !s.Type.Is("object") || patches[name] || name == "Problem" || name == "InvalidParam" {
			continue
		}
		table := s.Required
		var required []string
		for _, prop := range sortedKeys(s.Properties) {
			ref := s.Properties[prop]
			always := slices.Contains(table, prop)
			if target, ok := referenced(ref); ok {
				s.Properties[prop] = wrapped(doc, ref, target, !always && mayBeNull(doc, target))
			} else if ref.Value != nil && ref.Value.Format == "date-time" {
				// google.protobuf.Timestamp, the only date-time here.
				ref.Value.Nullable = !always
			}
			readOnly := s.Properties[prop].Value != nil && s.Properties[prop].Value.ReadOnly
			if always || readOnly || !inRequests[name] {
				required = append(required, prop)
			}
		}
		s.Required = required
	}
}

// mayBeNull reports whether a member referring to target is null when it
// has no value: a message (an object) or an enum.
func mayBeNull(doc *openapi3.T, target string) bool {
	s := doc.Components.Schemas[strings.TrimPrefix(target, "#/components/schemas/")]
	return s != nil && s.Value != nil && (s.Value.Type.Is("object") || len(s.Value.Enum) > 0)
}

// requestSchemas returns the schemas a request body may carry, at any
// depth.
func requestSchemas(doc *openapi3.T, patches map[string]bool) map[string]bool {
	found := map[string]bool{}
	var queue []string
	for _, path := range doc.Paths.InMatchingOrder() {
		for _, op := range doc.Paths.Value(path).Operations() {
			if op.RequestBody == nil || op.RequestBody.Value == nil {
				continue
			}
			for _, mt := range op.RequestBody.Value.Content {
				if mt.Schema != nil {
					queue = append(queue, schemaRefs(mt.Schema)...)
				}
			}
		}
	}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if found[name] {
			continue
		}
		found[name] = true
		if s := doc.Components.Schemas[name]; s != nil {
			queue = append(queue, schemaRefs(s)...)
		}
	}
	for name := range patches {
		delete(found, name)
	}
	return found
}

// schemaRefs returns the component schemas ref refers to directly or
// through its members, items and allOf, not further.
func schemaRefs(ref *openapi3.SchemaRef) []string {
	if name, ok := strings.CutPrefix(ref.Ref, "#/components/schemas/"); ok {
		return []string{name}
	}
	s := ref.Value
	if s == nil {
		return nil
	}
	var names []string
	for _, p := range s.Properties {
		names = append(names, schemaRefs(p)...)
	}
	if s.Items != nil {
		names = append(names, schemaRefs(s.Items)...)
	}
	for _, a := range s.AllOf {
		names = append(names, schemaRefs(a)...)
	}
	return names
}

// patchSchema returns the name of the schema of a JSON merge patch (RFC
// 7396) of the resource schema name, adding it to doc, with those of the
// objects it holds: the same members, none required, each nullable (null
// clears it), objects as merge patches of theirs (they merge member by
// member), arrays and their items as they are (an array is replaced
// whole). patches collects the names of the patch schemas.
func patchSchema(doc *openapi3.T, name string, patches map[string]bool) string {
	patch := name + "Patch"
	if _, ok := doc.Components.Schemas[patch]; ok {
		return patch
	}
	base := doc.Components.Schemas[name].Value
	s := &openapi3.Schema{
		Type:        base.Type,
		Description: "A JSON merge patch (RFC 7396) of " + name + ": the members to change; null clears one.",
		Properties:  openapi3.Schemas{},
	}
	// Added before its members, so that a message holding itself ends.
	doc.Components.Schemas[patch] = &openapi3.SchemaRef{Value: s}
	patches[patch] = true
	for prop, ref := range base.Properties {
		if target, ok := referenced(ref); ok {
			if isObject(doc, target) {
				target = "#/components/schemas/" + patchSchema(doc, strings.TrimPrefix(target, "#/components/schemas/"), patches)
			}
			s.Properties[prop] = wrapped(doc, ref, target, true)
			continue
		}
		member := *ref.Value
		member.Nullable = true
		s.Properties[prop] = &openapi3.SchemaRef{Value: &member}
	}
	return patch
}

// referenced returns the schema ref stands for when it is a reference, or
// the allOf of one reference that the generator (use_allof_for_refs) and
// wrapped make.
func referenced(ref *openapi3.SchemaRef) (string, bool) {
	if ref.Ref != "" {
		return ref.Ref, true
	}
	if v := ref.Value; v != nil && len(v.AllOf) == 1 && v.AllOf[0].Ref != "" && len(v.Properties) == 0 {
		return v.AllOf[0].Ref, true
	}
	return "", false
}

// wrapped is a reference to target that may be null, keeping what ref
// said beside its reference (readOnly, the description): OpenAPI 3.0
// ignores whatever stands beside a $ref, so it goes into allOf.
//
// A nullable one says its target's type too: OpenAPI 3.0 allows nullable
// only beside a type, and JSON Schema validators (Spectral's) refuse the
// schema otherwise.
func wrapped(doc *openapi3.T, ref *openapi3.SchemaRef, target string, nullable bool) *openapi3.SchemaRef {
	s := &openapi3.Schema{AllOf: openapi3.SchemaRefs{{Ref: target}}, Nullable: nullable}
	if ref.Ref == "" && ref.Value != nil {
		s.ReadOnly, s.Description = ref.Value.ReadOnly, ref.Value.Description
	}
	if t := doc.Components.Schemas[strings.TrimPrefix(target, "#/components/schemas/")]; nullable && t != nil && t.Value != nil {
		s.Type = t.Value.Type
	}
	return &openapi3.SchemaRef{Value: s}
}

// isObject reports whether the schema a reference points to is an object
// (a message) rather than an enum.
func isObject(doc *openapi3.T, ref string) bool {
	s := doc.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")]
	return s != nil && s.Value != nil && s.Value.Type.Is("object")
}

// checkReadOnly fails where a member's description and its readOnly
// marker disagree: the protos say "(output only" of every member only the
// service sets, and proto/openapi.yaml must mark each read_only, which
// protoc-gen-openapiv2 cannot tell from a comment.
func checkReadOnly(doc *openapi3.T) error {
	for _, name := range sortedKeys(doc.Components.Schemas) {
		s := doc.Components.Schemas[name].Value
		if s == nil {
			continue
		}
		for _, prop := range sortedKeys(s.Properties) {
			p := s.Properties[prop].Value
			if p == nil {
				continue
			}
			said := strings.Contains(strings.Join(strings.Fields(p.Description), " "), "output only")
			switch {
			case said && !p.ReadOnly:
				return fmt.Errorf("%s.%s says it is output only but is not readOnly: list it read_only in proto/openapi.yaml", name, prop)
			case p.ReadOnly && !said:
				return fmt.Errorf("%s.%s is readOnly but its comment does not say \"(output only)\"", name, prop)
			}
		}
	}
	return nil
}
