package main

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/meedoen/meedoen/gateway/openapi"
	"github.com/meedoen/meedoen/internal/testkit"
)

// TestExampleBodiesAreAccepted sends the example body of every write
// operation in the OpenAPI document (proto/examples.yaml) to the real
// server, as the caller and with the path the reference test prepares for
// it (references_test.go), and wants it accepted. The ids an example
// names (a process, a member, a municipality) are replaced by those of the
// things the fixtures made, as an integrator would use their own; so is a
// date checked against today (timeBound), so that the examples can show a
// plain date without the test failing once it has passed. Everything else
// is sent as the document shows it.
func TestExampleBodiesAreAccepted(t *testing.T) {
	databaseURL := testkit.NewDatabase(t)
	idp := newTestIdP(t)
	base := startInProcess(t, "-http-addr=127.0.0.1:0", "-data-dir="+t.TempDir(), "-database-url="+databaseURL,
		"-oidc-issuer="+idp.issuer, "-oidc-api-audience=meedoen-api", "-rate-limit=-1", "-anonymous-rate-limit=-1")
	fx := newReferenceFixtures(t, base, idp)
	cases := referenceCases(fx)
	examples := documentedExamples(t)

	tried := 0
	for _, op := range writeOperations(t) {
		example, ok := examples[op.id]
		if !ok {
			continue // takes no body
		}
		c, ok := cases[op.id]
		if !ok {
			t.Errorf("%s has an example but no case in referenceCases to prepare its path", op.id)
			continue
		}
		tried++
		params, prepared := c.prepare(t)
		body := example
		for _, ref := range op.refs {
			if ref.inPath {
				continue
			}
			if v, ok := valueAt(prepared, ref.pointer); ok {
				if _, shown := valueAt(example, ref.pointer); shown {
					body = withPointer(t, body, ref.pointer, v)
				}
			}
		}
		for _, pointer := range timeBound {
			if v, ok := valueAt(prepared, pointer); ok {
				if _, shown := valueAt(example, pointer); shown {
					body = withPointer(t, body, pointer, v)
				}
			}
		}
		status, out := fx.call(c.caller, op.method, fill(t, op.path, params), body)
		if status >= 300 {
			t.Errorf("%s %s with the example %v: %d %v", op.method, op.path, body, status, out)
		}
	}
	if tried == 0 || tried != len(examples) {
		t.Fatalf("sent %d examples of the document's %d", tried, len(examples))
	}
	t.Logf("%d example bodies accepted", tried)
}

// timeBound are members an example shows with a date the server checks
// against today: one that must lie ahead (a question's deadline) or not
// (the day an executive decided).
var timeBound = []string{"/adviceNeededBy", "/decidedOn"}

// documentedExamples returns the example of every request body, by
// operationId.
func documentedExamples(t *testing.T) map[string]map[string]any {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string `json:"operationId"`
			RequestBody struct {
				Content map[string]struct {
					Example map[string]any `json:"example"`
				} `json:"content"`
			} `json:"requestBody"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(openapi.Document(), &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	for _, item := range doc.Paths {
		for _, op := range item {
			for _, c := range op.RequestBody.Content {
				if c.Example != nil {
					out[op.OperationID] = c.Example
				}
			}
		}
	}
	return out
}

// valueAt returns the value at a JSON pointer of body, whose array steps
// are indexes.
func valueAt(body map[string]any, pointer string) (any, bool) {
	var node any = body
	for _, part := range strings.Split(strings.TrimPrefix(pointer, "/"), "/") {
		switch n := node.(type) {
		case map[string]any:
			v, ok := n[part]
			if !ok {
				return nil, false
			}
			node = v
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i >= len(n) {
				return nil, false
			}
			node = n[i]
		default:
			return nil, false
		}
	}
	return node, true
}
