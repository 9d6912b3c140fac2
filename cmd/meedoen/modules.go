package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/services/councils"
	"github.com/meedoen/meedoen/services/focusgroups"
	"github.com/meedoen/meedoen/services/results"
	"github.com/meedoen/meedoen/services/surveys"
)

// module is one part of the binary: what must start before it, and how it
// starts. -target names some modules; each brings the modules it depends
// on, and they start in the order of the table (modules).
type module struct {
	// name is how -target and other modules' deps name the module.
	name string
	// deps must have started before the module starts; each stands
	// earlier in the table.
	deps []string
	// target says -target may name the module; the others start only
	// because a target needs them.
	target bool
	// auto starts the module whenever everything in deps starts, without
	// a target naming it: the HTTP listener in every process, the demo
	// data with the councils service.
	auto bool
	// init starts the module on what the modules before it left in the
	// app, and returns what then runs and how it stops. Nil for a module
	// that only groups others (all).
	init func(a *app, ctx context.Context) (component, error)
	// rules are a service's authorisation rules, declared next to its
	// API; every process's guard holds every service's (authPolicy).
	rules func() []auth.Rule
}

// component is what a started module leaves behind. Every field is
// optional.
type component struct {
	// run works until its context ends; it starts once every module has
	// started, and an error from it stops the binary.
	run func(ctx context.Context) error
	// ready runs once every run has begun, before the binary says it is
	// running; ctx ends when the binary is told to stop.
	ready func(ctx context.Context)
	// drain stops taking work from outside, before any run is told to
	// end; ctx bounds how long it may take.
	drain func(ctx context.Context)
	// stop releases what init took, after every run has ended; modules
	// stop in the reverse of their start order.
	stop func()
}

// Names of the modules other modules depend on. The services and the
// gateway are named by their packages and gatewayTarget.
const (
	telemetryModule      = "telemetry"
	healthModule         = "health"
	postcodesModule      = "postcodes"
	neighbourhoodsModule = "neighbourhoods"
	fgRolesModule        = "focusgroup-roles"
	postgresModule       = "postgres"
	natsModule           = "nats"
	keysModule           = "keys"
	platformModule       = "platform"
	mailModule           = "mail"
	httpModule           = "http"
	connsModule          = "conns"
	sessionsModule       = "sessions"
	devIdPModule         = "devidp"
	apiModule            = "api"
	identityModule       = "identity"
	termsModule          = "terms"
	webModule            = "web"
	gatewayTarget        = "gateway"
	demoModule           = "demo"
	allTarget            = "all"
)

// modules is the binary's table of modules in start order: adding a
// service is one row here and one init function (services.go).
func modules() []module {
	return []module{
		{name: telemetryModule, init: (*app).initTelemetry},
		{name: healthModule, deps: []string{telemetryModule}, init: (*app).initHealth},
		// The operator's tables are read before anything starts, so that a
		// bad file stops the start before PostgreSQL does.
		{name: postcodesModule, deps: []string{telemetryModule}, init: (*app).initPostcodes},
		{name: neighbourhoodsModule, deps: []string{telemetryModule}, init: (*app).initNeighbourhoods},
		{name: fgRolesModule, deps: []string{telemetryModule}, init: (*app).initFocusgroupRoles},
		{name: postgresModule, deps: []string{telemetryModule}, init: (*app).initPostgres},
		{name: natsModule, deps: []string{healthModule}, init: (*app).initNATS},
		{name: keysModule, init: (*app).initKeys},
		{name: platformModule, deps: []string{healthModule, postgresModule, natsModule, keysModule}, init: (*app).initPlatform},
		{name: mailModule, deps: []string{telemetryModule}, init: (*app).initMail},

		{name: councils.Name, deps: []string{platformModule}, target: true, init: (*app).initCouncils, rules: councils.Policy},
		{name: focusgroups.Name, deps: []string{platformModule, mailModule, fgRolesModule}, target: true, init: (*app).initFocusgroups, rules: focusgroups.Policy},
		{name: surveys.Name, deps: []string{platformModule, mailModule, neighbourhoodsModule}, target: true, init: (*app).initSurveys, rules: surveys.Policy},
		{name: results.Name, deps: []string{platformModule, mailModule}, target: true, init: (*app).initResults, rules: results.Policy},

		// Every process serves the operations endpoints; the listener is
		// bound once the services have started, and its address is the
		// base URL the gateway's parts below are built on.
		{name: httpModule, deps: []string{healthModule}, auto: true, init: (*app).initHTTP},
		// A service this process runs has started by now, and is called
		// in-process; any other is dialled.
		{name: connsModule, deps: []string{platformModule}, init: (*app).initConns},
		{name: sessionsModule, deps: []string{platformModule}, init: (*app).initSessions},
		{name: devIdPModule, deps: []string{httpModule}, init: (*app).initDevIdP},
		{name: apiModule, deps: []string{connsModule}, init: (*app).initAPI},
		{name: identityModule, deps: []string{httpModule, sessionsModule, devIdPModule}, init: (*app).initIdentity},
		{name: termsModule, deps: []string{sessionsModule, identityModule}, init: (*app).initTerms},
		{name: webModule, deps: []string{postcodesModule, httpModule, connsModule, sessionsModule, devIdPModule, identityModule}, init: (*app).initWeb},
		{name: gatewayTarget, deps: []string{mailModule, httpModule, devIdPModule, apiModule, identityModule, termsModule, webModule}, target: true, init: (*app).initGateway},

		{name: demoModule, deps: []string{councils.Name}, auto: true, init: (*app).initDemo},
		{name: allTarget, deps: []string{councils.Name, focusgroups.Name, surveys.Name, results.Name, gatewayTarget}, target: true},
	}
}

// components are the targets besides all, in start order, as -target's
// help and errors name them.
func components(table []module) []string {
	var out []string
	for _, m := range table {
		if m.target && m.init != nil {
			out = append(out, m.name)
		}
	}
	return out
}

// pick returns the modules that -target (all, or a comma-separated list
// of components) starts, in start order: the targets, what they depend
// on, and the automatic modules whose dependencies all start.
func pick(table []module, target string) ([]module, error) {
	if target == "" {
		target = allTarget
	}
	index := make(map[string]int, len(table))
	for i, m := range table {
		for _, d := range m.deps {
			if j, ok := index[d]; !ok || j >= i {
				return nil, fmt.Errorf("module %s depends on %s, which does not come before it", m.name, d)
			}
		}
		index[m.name] = i
	}
	chosen := make([]bool, len(table))
	var add func(i int)
	add = func(i int) {
		if chosen[i] {
			return
		}
		chosen[i] = true
		for _, d := range table[i].deps {
			add(index[d])
		}
	}
	for t := range strings.SplitSeq(target, ",") {
		i, ok := index[strings.TrimSpace(t)]
		if !ok || !table[i].target {
			return nil, fmt.Errorf("-target: unknown component %q (want all or %s)", t, strings.Join(components(table), ", "))
		}
		add(i)
	}
	var out []module
	for i, m := range table {
		if m.auto && !chosen[i] && !slices.ContainsFunc(m.deps, func(d string) bool { return !chosen[index[d]] }) {
			chosen[i] = true
		}
		if chosen[i] {
			out = append(out, m)
		}
	}
	return out, nil
}

// authPolicy is Meedoen's authorisation policy: every service's rules,
// each declared next to its API. Every process's guard holds all of them,
// so that one document (docs/authorization.md) and one matrix test
// describe any deployment.
func authPolicy() auth.Policy { return auth.NewPolicy(servicePolicies()...) }

// servicePolicies are the services' rules, in the order of the table.
func servicePolicies() []auth.Rule {
	var rules []auth.Rule
	for _, m := range modules() {
		if m.rules != nil {
			rules = append(rules, m.rules()...)
		}
	}
	return rules
}
