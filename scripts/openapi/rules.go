package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/oasdiff/yaml"
)

// apiConfig is the part of a google.api.Service configuration that the
// grpc-gateway generators read.
type apiConfig struct {
	Type          string `json:"type"`
	ConfigVersion int    `json:"config_version"`
	HTTP          struct {
		Rules []json.RawMessage `json:"rules"`
	} `json:"http"`
}

// mergeRules reads the gRPC API configuration files and returns one
// configuration holding all their HTTP rules. It writes JSON, which is also
// YAML, so that no YAML encoder is needed.
func mergeRules(files []string) ([]byte, error) {
	var merged apiConfig
	merged.Type = "google.api.Service"
	merged.ConfigVersion = 3
	seen := make(map[string]string)
	for _, name := range files {
		raw, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		j, err := yaml.YAMLToJSON(raw)
		if err != nil {
			return nil, fmt.Errorf("parsing %s: %w", name, err)
		}
		var c apiConfig
		if err := json.Unmarshal(j, &c); err != nil {
			return nil, fmt.Errorf("parsing %s: %w", name, err)
		}
		if c.Type != merged.Type {
			return nil, fmt.Errorf("%s: type is %q, want %q", name, c.Type, merged.Type)
		}
		if len(c.HTTP.Rules) == 0 {
			return nil, fmt.Errorf("%s: no http rules", name)
		}
		for _, r := range c.HTTP.Rules {
			var sel struct {
				Selector string `json:"selector"`
			}
			if err := json.Unmarshal(r, &sel); err != nil || sel.Selector == "" {
				return nil, fmt.Errorf("%s: a rule without a selector", name)
			}
			if prev, ok := seen[sel.Selector]; ok {
				return nil, fmt.Errorf("%s: %s is already bound in %s", name, sel.Selector, prev)
			}
			seen[sel.Selector] = name
			merged.HTTP.Rules = append(merged.HTTP.Rules, r)
		}
	}
	b, err := json.MarshalIndent(merged, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
