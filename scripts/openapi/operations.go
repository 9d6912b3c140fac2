package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/cursor"
)

// access says who may call an operation: the rule of its gRPC method in
// the authorisation policy (internal/auth), which the services enforce.
type access struct {
	// public operations need no token.
	public bool
	// who says who may call it, in a sentence for the description.
	who string
}

// policyAccess returns who may call each operation, by operationId (the
// gRPC method's name, lowerCamelCase), from the policy, so that the
// document's security and the services' checks come from one table.
func policyAccess(p auth.Policy) map[string]access {
	out := map[string]access{}
	for _, r := range p.Rules() {
		name := auth.MethodName(r.Method)
		id := strings.ToLower(name[:1]) + name[1:]
		if r.Access == auth.Public {
			out[id] = access{public: true, who: "Needs no token: " + r.Scope + "."}
			continue
		}
		roles := make([]string, len(r.Roles))
		for i, role := range r.Roles {
			roles[i] = string(role)
		}
		who := "Who may call it: " + strings.Join(roles, ", ")
		if r.Platform {
			who += " platform-wide (a grant for tenant *)"
		}
		out[id] = access{who: who + "; " + r.Scope + "."}
	}
	return out
}

// describeOperation completes an operation's description, which comes
// from the comment of its gRPC method (its first paragraph is the
// summary), with who may call it, and marks public operations
// "security: []".
func describeOperation(op *openapi3.Operation, a access) {
	if a.public {
		op.Security = &openapi3.SecurityRequirements{}
	}
	if op.Description == "" {
		op.Description = a.who
		return
	}
	op.Description = strings.TrimSpace(op.Description) + "\n\n" + a.who
}

// pageParameters describes a list's limit with the range the gateway
// checks (gateway/query.go) from the same constants.
func pageParameters(op *openapi3.Operation) {
	var limit *openapi3.Parameter
	hasCursor := false
	for _, p := range op.Parameters {
		switch {
		case p.Value == nil || p.Value.In != openapi3.ParameterInQuery:
		case p.Value.Name == "limit":
			limit = p.Value
		case p.Value.Name == "cursor":
			hasCursor = true
		}
	}
	if limit == nil || !hasCursor {
		return
	}
	s := openapi3.NewInt32Schema()
	s.Min, s.Max = ptr(1.0), ptr(float64(cursor.MaxLimit))
	s.Default = cursor.DefaultLimit
	limit.Schema = s.NewRef()
}

// addExamples gives every request body its example, from
// proto/examples.yaml by operationId, and checks that each belongs to an
// operation; validate checks that each is a valid request.
func addExamples(doc *openapi3.T, examples map[string]any) error {
	used := map[string]bool{}
	for _, path := range doc.Paths.InMatchingOrder() {
		for method, op := range doc.Paths.Value(path).Operations() {
			if op.RequestBody == nil || op.RequestBody.Value == nil {
				continue
			}
			example, ok := examples[op.OperationID]
			if !ok {
				return fmt.Errorf("%s %s (%s) takes a body but has no example in proto/examples.yaml", method, path, op.OperationID)
			}
			used[op.OperationID] = true
			for mt, content := range op.RequestBody.Value.Content {
				// A schema of its own per media type, so that setting one
				// example does not set the other's.
				op.RequestBody.Value.Content[mt] = &openapi3.MediaType{Schema: content.Schema, Example: example}
			}
		}
	}
	for id := range examples {
		if !used[id] {
			return fmt.Errorf("proto/examples.yaml has an example for %s, which is no operation with a body", id)
		}
	}
	return nil
}

// checkGeneratedNames fails on a schema named like a type that a client
// generator makes of an operation: oapi-codegen writes <OperationId>Response,
// <OperationId>Params and <OperationId>JSONRequestBody.
func checkGeneratedNames(doc *openapi3.T) error {
	for _, path := range doc.Paths.InMatchingOrder() {
		for _, op := range doc.Paths.Value(path).Operations() {
			id := strings.ToUpper(op.OperationID[:1]) + op.OperationID[1:]
			for _, suffix := range []string{"Response", "Params", "JSONBody", "JSONRequestBody"} {
				if _, ok := doc.Components.Schemas[id+suffix]; ok {
					return fmt.Errorf("schema %s%s has the name a generated client gives a type of operation %s", id, suffix, op.OperationID)
				}
			}
		}
	}
	return nil
}

// validate checks the document as kin-openapi reads it, examples
// included: each request body's example must be a valid request of its
// schema (readOnly members are refused, as they should not be sent).
func validate(doc *openapi3.T) error {
	return doc.Validate(context.Background(), openapi3.EnableExamplesValidation())
}
