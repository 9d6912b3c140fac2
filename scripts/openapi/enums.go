package main

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/meedoen/meedoen/gateway/apienum"
)

// The gateway writes and reads enum values in the API's spelling, lower
// case without the enum's prefix (package apienum), and protoc-gen-openapiv2
// writes protobuf's names. spellEnums makes the document say what the
// gateway does, with the same function.

// enumLine matches a value's line in the description protoc-gen-openapiv2
// writes for an enum: " - POLL_STATUS_DRAFT: Being built…".
var enumLine = regexp.MustCompile(`(?m)^ - ([A-Z][A-Z0-9_]*): `)

// spellEnums rewrites the values of every enum schema, and their names in
// its description, in the API's spelling. messages maps the schemas
// unqualify renamed to their protobuf names, which the prefix comes from.
// It returns each enum schema's name by its values, for enumRefs.
func spellEnums(doc *openapi3.T, messages map[string]string) (map[string]string, error) {
	byValues := map[string]string{}
	for _, name := range sortedKeys(doc.Components.Schemas) {
		s := doc.Components.Schemas[name].Value
		if s == nil || len(s.Enum) == 0 {
			continue
		}
		enum := name
		if m, ok := messages[name]; ok {
			enum = m
		}
		spelled := map[string]string{}
		var values []any
		for _, v := range s.Enum {
			proto, _ := v.(string)
			api, err := apienum.Name(enum, proto)
			if err != nil {
				return nil, fmt.Errorf("schema %s: %w", name, err)
			}
			spelled[proto] = api
			values = append(values, api)
		}
		key := enumKey(s.Enum)
		if other, ok := byValues[key]; ok {
			return nil, fmt.Errorf("enums %s and %s have the same values; a query parameter of either could not say which it is", other, name)
		}
		byValues[key] = name
		s.Enum = values
		// The zero value (*_UNSPECIFIED) is left out by the generator
		// (omit_enum_default_value); a member without a value is null.
		s.Default = nil
		s.Description = spellLines(s.Description, spelled)
	}
	return byValues, nil
}

// spellLines rewrites the value names at the start of an enum
// description's lines.
func spellLines(description string, spelled map[string]string) string {
	return enumLine.ReplaceAllStringFunc(description, func(line string) string {
		m := enumLine.FindStringSubmatch(line)
		if api, ok := spelled[m[1]]; ok {
			return " - " + api + ": "
		}
		return line
	})
}

// protoName matches a protobuf enum value's name.
var protoName = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)

// enumKey identifies an enum by its values.
func enumKey(values []any) string {
	var names []string
	for _, v := range values {
		names = append(names, fmt.Sprint(v))
	}
	slices.Sort(names)
	return strings.Join(names, "|")
}

// enumRefs replaces each query parameter's inline enum (protobuf names,
// as the generator copies it from the enum) with a reference to the enum's
// schema, so that a generated client has one type for one enum. The
// parameter's description keeps its first paragraph: the values and their
// meaning are the schema's.
func enumRefs(doc *openapi3.T, byValues map[string]string) error {
	for _, path := range doc.Paths.InMatchingOrder() {
		for method, op := range doc.Paths.Value(path).Operations() {
			for _, p := range op.Parameters {
				if p.Value == nil || p.Value.Schema == nil || p.Value.Schema.Value == nil {
					continue
				}
				s := p.Value.Schema.Value
				items := s
				if s.Type.Is("array") && s.Items != nil && s.Items.Value != nil {
					items = s.Items.Value
				}
				if len(items.Enum) == 0 {
					continue
				}
				var spelled []any
				for _, v := range items.Enum {
					spelled = append(spelled, v)
				}
				name, ok := byValues[enumKey(spelled)]
				if !ok {
					if protoName.MatchString(fmt.Sprint(spelled[0])) {
						return fmt.Errorf("%s %s: query parameter %s has an enum that no schema has", method, path, p.Value.Name)
					}
					continue // one of the hand-written download's
				}
				ref := openapi3.NewSchemaRef("#/components/schemas/"+name, nil)
				if items == s {
					p.Value.Schema = ref
				} else {
					s.Items = ref
				}
				p.Value.Description, _, _ = strings.Cut(p.Value.Description, "\n\n")
			}
		}
	}
	return nil
}

// int64Numbers makes 64-bit integers JSON numbers, as the gateway writes
// them; protojson's strings are for JavaScript's sake, and no count in
// this API comes near 2^53.
func int64Numbers(doc *openapi3.T) {
	var visit func(s *openapi3.Schema)
	seen := map[*openapi3.Schema]bool{}
	visit = func(s *openapi3.Schema) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		if s.Type.Is("string") && (s.Format == "int64" || s.Format == "uint64") {
			s.Type = &openapi3.Types{openapi3.TypeInteger}
		}
		for _, p := range s.Properties {
			visit(p.Value)
		}
		if s.Items != nil {
			visit(s.Items.Value)
		}
		for _, a := range s.AllOf {
			visit(a.Value)
		}
	}
	for _, name := range sortedKeys(doc.Components.Schemas) {
		visit(doc.Components.Schemas[name].Value)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
