// Package openapi holds the OpenAPI 3 description of the REST API, generated
// by scripts/gen.sh from the .proto files and their HTTP rules. The gateway
// serves it at /api/v1/openapi.json and derives its routing table (for 405
// answers) and default API version from it.
package openapi

import (
	"bytes"
	_ "embed"
)

//go:embed openapi.json
var document []byte

// Document returns a copy of the OpenAPI document (JSON).
func Document() []byte { return bytes.Clone(document) }
