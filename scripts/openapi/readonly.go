package main

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// keepReadOnly rewrites the output-only properties of a Swagger document's
// definitions so that they stay readOnly in OpenAPI 3.0, which clients
// (and the PATCH test generated from the document) read to tell what they
// may change:
//
//   - protoc-gen-openapiv2 writes readOnly beside the $ref of a message or
//     enum field, and OpenAPI 3.0 ignores whatever stands beside a $ref
//     (the converter drops it); such a property becomes
//     allOf: [{$ref}] with its readOnly and description;
//   - for a repeated field it marks the items readOnly, not the array;
//     the array is marked too.
func keepReadOnly(swagger []byte) ([]byte, error) {
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(swagger))
	dec.UseNumber() // keeps numbers as written
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("parsing swagger: %w", err)
	}
	defs, _ := doc["definitions"].(map[string]any)
	for _, def := range defs {
		d, _ := def.(map[string]any)
		props, _ := d["properties"].(map[string]any)
		for name, prop := range props {
			p, _ := prop.(map[string]any)
			if p == nil {
				continue
			}
			if ref, ok := p["$ref"]; ok && p["readOnly"] == true {
				wrapped := map[string]any{"allOf": []any{map[string]any{"$ref": ref}}, "readOnly": true}
				if desc, ok := p["description"]; ok {
					wrapped["description"] = desc
				}
				props[name] = wrapped
				continue
			}
			if items, _ := p["items"].(map[string]any); p["type"] == "array" && items != nil && items["readOnly"] == true {
				delete(items, "readOnly")
				p["readOnly"] = true
			}
		}
	}
	return json.Marshal(doc)
}
