package main

import (
	"slices"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/services/councils"
	"github.com/meedoen/meedoen/services/surveys"
)

// authPolicy is Meedoen's authorisation policy: every service's rules,
// each declared next to its API. Every process's guard holds all of them,
// so that one document (docs/authorization.md) and one matrix test
// describe any deployment.
func authPolicy() auth.Policy { return auth.NewPolicy(servicePolicies()...) }

// servicePolicies are the services' rules, in the order the services start.
func servicePolicies() []auth.Rule {
	return slices.Concat(councils.Policy(), surveys.Policy())
}
