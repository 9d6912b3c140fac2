package main

import (
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// The gateway writes messages with protojson's EmitUnpopulated, which
// answers an unset message field (a time, a text, an audience) with null,
// and takes null in a request as "not set". markNullable says so in the
// document, so that clients generated from it accept those answers.
func markNullable(doc *openapi3.T) {
	for name, s := range doc.Components.Schemas {
		if s.Value == nil || name == "Problem" || name == "InvalidParam" {
			continue
		}
		for prop, ref := range s.Value.Properties {
			if target, ok := referenced(ref); ok {
				if isObject(doc, target) {
					s.Value.Properties[prop] = wrapped(ref, target, true)
				}
				continue
			}
			if ref.Value != nil && ref.Value.Format == "date-time" {
				// google.protobuf.Timestamp, the only date-time here.
				ref.Value.Nullable = true
			}
		}
	}
}

// patchSchema returns the name of the schema of a JSON merge patch (RFC
// 7396) of the resource schema name, adding it to doc, with those of the
// objects it holds: the same members, none required, each nullable (null
// clears it), objects as merge patches of theirs (they merge member by
// member), arrays and their items as they are (an array is replaced
// whole).
func patchSchema(doc *openapi3.T, name string) string {
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
	for prop, ref := range base.Properties {
		if target, ok := referenced(ref); ok {
			if isObject(doc, target) {
				target = "#/components/schemas/" + patchSchema(doc, strings.TrimPrefix(target, "#/components/schemas/"))
			}
			s.Properties[prop] = wrapped(ref, target, true)
			continue
		}
		member := *ref.Value
		member.Nullable = true
		s.Properties[prop] = &openapi3.SchemaRef{Value: &member}
	}
	return patch
}

// referenced returns the schema ref stands for when it is a reference, or
// the allOf of one reference that keepReadOnly and wrapped make.
func referenced(ref *openapi3.SchemaRef) (string, bool) {
	if ref.Ref != "" {
		return ref.Ref, true
	}
	if v := ref.Value; v != nil && v.Type == nil && len(v.AllOf) == 1 && v.AllOf[0].Ref != "" {
		return v.AllOf[0].Ref, true
	}
	return "", false
}

// wrapped is a reference to target that may be null, keeping what ref
// said beside its reference (readOnly, the description): OpenAPI 3.0
// ignores whatever stands beside a $ref, so it goes into allOf.
func wrapped(ref *openapi3.SchemaRef, target string, nullable bool) *openapi3.SchemaRef {
	s := &openapi3.Schema{AllOf: openapi3.SchemaRefs{{Ref: target}}, Nullable: nullable}
	if ref.Ref == "" && ref.Value != nil {
		s.ReadOnly, s.Description = ref.Value.ReadOnly, ref.Value.Description
	}
	return &openapi3.SchemaRef{Value: s}
}

// isObject reports whether the schema a reference points to is an object
// (a message) rather than an enum.
func isObject(doc *openapi3.T, ref string) bool {
	s := doc.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")]
	return s != nil && s.Value != nil && s.Value.Type.Is("object")
}
