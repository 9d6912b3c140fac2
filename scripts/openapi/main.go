// Command openapi is the part of scripts/gen.sh that protoc plugins cannot
// do. It has two subcommands:
//
//	openapi rules -o merged.yaml a_http.yaml b_http.yaml ...
//
// merges the REST bindings of several services into one gRPC API
// configuration, because protoc-gen-openapiv2 reads only one, and
//
//	openapi convert -o openapi.json -examples examples.yaml meedoen.swagger.json
//
// turns the Swagger 2.0 document protoc-gen-openapiv2 writes into the
// OpenAPI 3.0 document the gateway serves, shaped to pass the Dutch API
// Design Rules linter (a versioned server URL, problem+json error
// responses, API-Version headers, lowerCamelCase operation ids) and to say
// what the gateway does: the API's spelling of enums and numbers
// (gateway/apijson.go), which members are required and which may be null,
// merge patches, who may call each operation (internal/auth's policy), and
// an example of every request body.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/oasdiff/yaml"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/services/councils"
	"github.com/meedoen/meedoen/services/focusgroups"
	"github.com/meedoen/meedoen/services/results"
	"github.com/meedoen/meedoen/services/surveys"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "openapi:", err)
		os.Exit(1)
	}
}

func run(args []string, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("missing subcommand: rules or convert")
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "output `file`")
	prefix := fs.String("prefix", "/api/v1", "common path `prefix` of every operation; becomes the server URL (convert only)")
	examples := fs.String("examples", "", "YAML `file` of request body examples by operationId (convert only)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("%s: -o is required", args[0])
	}
	switch args[0] {
	case "rules":
		if fs.NArg() == 0 {
			return fmt.Errorf("rules: no input files")
		}
		return writeFile(*out, func() ([]byte, error) { return mergeRules(fs.Args()) })
	case "convert":
		if fs.NArg() != 1 {
			return fmt.Errorf("convert: want exactly one Swagger file, got %d", fs.NArg())
		}
		return writeFile(*out, func() ([]byte, error) {
			in, err := os.ReadFile(fs.Arg(0))
			if err != nil {
				return nil, err
			}
			opts := options{prefix: *prefix, access: policyAccess(servicePolicy())}
			if opts.examples, err = readExamples(*examples); err != nil {
				return nil, err
			}
			return convert(in, opts)
		})
	default:
		return fmt.Errorf("unknown subcommand %q: want rules or convert", args[0])
	}
}

func writeFile(name string, build func() ([]byte, error)) error {
	b, err := build()
	if err != nil {
		return err
	}
	return os.WriteFile(name, b, 0o644)
}

// readExamples reads a YAML file of examples by operationId; "" is none.
func readExamples(name string) (map[string]any, error) {
	if name == "" {
		return nil, nil
	}
	raw, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	j, err := yaml.YAMLToJSON(raw)
	if err != nil {
		return nil, fmt.Errorf("parsing %s: %w", name, err)
	}
	var examples map[string]any
	if err := json.Unmarshal(j, &examples); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", name, err)
	}
	return examples, nil
}

// servicePolicy is the authorisation policy of every service with a REST
// API, as the binary composes it (cmd/meedoen's module table): the
// document says who may call each operation. An operation of a service
// missing here has no rule, and generation fails naming it.
func servicePolicy() auth.Policy {
	return auth.NewPolicy(slices.Concat(councils.Policy(), focusgroups.Policy(), surveys.Policy(), results.Policy())...)
}
