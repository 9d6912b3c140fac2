package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// qualifiedSchema matches the names protoc-gen-openapiv2 gives messages
// whose own name two packages share: the package's components before the
// message's name, e.g. councils.v1.Question beside surveys.v1.Question.
var qualifiedSchema = regexp.MustCompile(`^([a-z][a-z0-9_]*\.)+([A-Z][A-Za-z0-9]*)$`)

// versionComponent is a package's version, which the API's path already
// carries and a schema name need not.
var versionComponent = regexp.MustCompile(`^v[0-9]+([a-z]+[0-9]*)?$`)

// unqualify renames the definitions of a Swagger document that carry a
// package, because the API Design Rules want UpperCamelCase schema names:
// councils.v1.Question becomes CouncilsQuestion. It returns the document
// with its references changed, and each new name's message name, which
// decides whether a POST answering it creates a resource.
func unqualify(swagger []byte) ([]byte, map[string]string, error) {
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(swagger))
	dec.UseNumber() // keeps numbers as written
	if err := dec.Decode(&doc); err != nil {
		return nil, nil, fmt.Errorf("parsing swagger: %w", err)
	}
	defs, _ := doc["definitions"].(map[string]any)
	renames := make(map[string]string) // old name → new name
	messages := make(map[string]string)
	for old := range defs {
		m := qualifiedSchema.FindStringSubmatch(old)
		if m == nil {
			continue
		}
		var b strings.Builder
		for _, c := range strings.Split(old, ".") {
			if versionComponent.MatchString(c) {
				continue
			}
			for _, word := range strings.Split(c, "_") {
				if word != "" {
					b.WriteString(strings.ToUpper(word[:1]) + word[1:])
				}
			}
		}
		renames[old] = b.String()
		messages[b.String()] = m[2]
	}
	for old, name := range renames {
		if _, taken := defs[name]; taken {
			return nil, nil, fmt.Errorf("schema %s would be renamed %s, which another schema has", old, name)
		}
		for other, n := range renames {
			if other != old && n == name {
				return nil, nil, fmt.Errorf("schemas %s and %s would both be renamed %s", old, other, name)
			}
		}
	}
	if len(renames) == 0 {
		return swagger, messages, nil
	}
	for old, name := range renames {
		defs[name] = defs[old]
		delete(defs, old)
	}
	renameRefs(doc, renames)
	out, err := json.Marshal(doc)
	if err != nil {
		return nil, nil, err
	}
	return out, messages, nil
}

// renameRefs rewrites the references to renamed definitions in a decoded
// JSON value.
func renameRefs(v any, renames map[string]string) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if ref, ok := x.(string); ok && k == "$ref" {
				if name, ok := renames[strings.TrimPrefix(ref, "#/definitions/")]; ok && strings.HasPrefix(ref, "#/definitions/") {
					v[k] = "#/definitions/" + name
				}
				continue
			}
			renameRefs(x, renames)
		}
	case []any:
		for _, x := range v {
			renameRefs(x, renames)
		}
	}
}
