package main

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// keepReadOnly rewrites the output-only repeated properties of a Swagger
// document's definitions so that they stay readOnly in OpenAPI 3.0, which
// clients (and the PATCH test generated from the document) read to tell
// what they may change: protoc-gen-openapiv2 marks the items of a
// repeated output-only field readOnly, not the array; the array is marked
// instead. (It keeps readOnly beside a message or enum field's $ref by
// putting the $ref in allOf: use_allof_for_refs in scripts/gen.sh.)
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
		for _, prop := range props {
			p, _ := prop.(map[string]any)
			if items, _ := p["items"].(map[string]any); p["type"] == "array" && items != nil && items["readOnly"] == true {
				delete(items, "readOnly")
				p["readOnly"] = true
			}
		}
	}
	return json.Marshal(doc)
}
