// Package openapi holds the OpenAPI 3 description of the REST API, generated
// by scripts/gen.sh from the .proto files and their HTTP rules. The gateway
// serves it at /api/v1/openapi.json and derives its routing table (for 405
// answers) and default API version from it.
package openapi

import (
	"bytes"
	_ "embed"
	"encoding/json"
)

//go:embed openapi.json
var document []byte

// Document returns a copy of the OpenAPI document (JSON).
func Document() []byte { return bytes.Clone(document) }

// Version returns the API's full semantic version, the document's
// info.version: what the API-Version header says and the site's footer
// shows, so that neither can drift from the document.
func Version() string { return version }

var version = func() string {
	var doc struct {
		Info struct {
			Version string `json:"version"`
		} `json:"info"`
	}
	if err := json.Unmarshal(document, &doc); err != nil || doc.Info.Version == "" {
		panic("the embedded OpenAPI document has no info.version")
	}
	return doc.Info.Version
}()
