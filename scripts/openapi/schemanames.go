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
// councils.v1.Question becomes CouncilsQuestion; and those named after
// their method (nameResults). It returns the document
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
	if err := nameResults(defs, renames, messages); err != nil {
		return nil, nil, err
	}
	for old, name := range renames {
		if _, taken := defs[name]; taken && renames[name] == "" {
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
	// In two steps, since a new name may be another's old one.
	moved := make(map[string]any, len(renames))
	for old, name := range renames {
		moved[name] = defs[old]
		delete(defs, old)
	}
	for name, def := range moved {
		defs[name] = def
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

// resultNames names the answers of methods that return neither a resource
// nor a list of them. A client generator such as oapi-codegen makes a type
// <operationId>Response for every operation, so a schema named after its
// method's response (InvitePanelResponse) would collide with it.
var resultNames = map[string]string{
	"CreateInvitationsResponse": "IssuedInvitations",
	"InvitePanelResponse":       "PanelInvitationResult",
	"RemindPanelResponse":       "PanelReminderResult",
	"ErasePanelMemberResponse":  "PanelMemberErasure",
	"InviteResidentsResponse":   "ResidentInvitations",
	// A resource, not a method's answer: one municipality's response to
	// an advice.
	"MunicipalResponse": "MunicipalResponse",
}

// nameResults adds to renames a name for each definition named after its
// method's request or response message: a page of a list (a nextCursor
// beside one array of resources) is <Resource>Page, a whole list
// (List…Response) is <Resource>List, a request message that is a body
// whole is <Method>Body as the generator names the others, and any other
// response is named in resultNames. messages gets each new name's
// message. renames may already hold the qualified names unqualify gives.
func nameResults(defs map[string]any, renames, messages map[string]string) error {
	// The message name of a definition, before any renaming.
	message := func(def string) string {
		if name, ok := renames[def]; ok {
			return messages[name]
		}
		return def
	}
	for _, old := range sortedKeys(defs) {
		msg := message(old)
		method, isResponse := strings.CutSuffix(msg, "Response")
		if !isResponse {
			if method, isRequest := strings.CutSuffix(msg, "Request"); isRequest {
				renames[old] = method + "Body"
				messages[method+"Body"] = msg
			}
			continue
		}
		d, _ := defs[old].(map[string]any)
		props, _ := d["properties"].(map[string]any)
		var item string
		arrays := 0
		for _, p := range props {
			pm, _ := p.(map[string]any)
			if pm["type"] != "array" {
				continue
			}
			arrays++
			items, _ := pm["items"].(map[string]any)
			if ref, ok := items["$ref"].(string); ok {
				item = message(strings.TrimPrefix(ref, "#/definitions/"))
			}
		}
		_, paged := props["nextCursor"]
		var name string
		switch {
		case resultNames[msg] != "":
			name = resultNames[msg]
		case arrays == 1 && item != "" && paged:
			name = item + "Page"
		case arrays == 1 && item != "" && strings.HasPrefix(method, "List"):
			name = item + "List"
		default:
			return fmt.Errorf("definition %s is named after its method's response, as a generated client names a type of its own; name it in resultNames", old)
		}
		renames[old] = name
		messages[name] = msg
	}
	return nil
}
