package main

import (
	"net/http"

	"github.com/meedoen/meedoen/gateway"
)

// part is what serves some of the gateway's routes.
type part int

// The parts of the gateway, as its routes name them.
const (
	// apiPart is the REST API and its OpenAPI document (gateway.Gateway).
	apiPart part = iota
	// webPart is the web pages (web.Site).
	webPart
	// loginPart, callbackPart and logoutPart are the staff login
	// (identity.Authenticator); they exist with an identity provider.
	loginPart
	callbackPart
	logoutPart
	// devIdPPart is the development identity provider, with -dev and no
	// -oidc-issuer.
	devIdPPart
	// devMailPart is the development mailbox, with -dev and no -smtp-host.
	devMailPart
)

// Paths that something besides the routes needs too.
const (
	// callbackPath is where the identity provider sends people back to.
	callbackPath = "/auth/callback"
	// devIssuerPath is where -dev serves the development identity provider.
	devIssuerPath = "/dev/oidc"
	// devMailPath is where the gateway shows the development mailbox.
	devMailPath = "/dev/mail"
)

// route is one pattern the gateway serves.
type route struct {
	// pattern is an http.ServeMux pattern.
	pattern string
	// part serves it.
	part part
	// limited routes share the API's per-client rate limit; a web page
	// over it answers in the person's language (gateway.LimitPages).
	limited bool
	// answers are residents' answers to polls, limited in a bucket of
	// their own that lets a room of people on one address answer at once.
	answers bool
}

// gatewayRoutes are the gateway's HTTP routes, declared once: which part
// serves each, and which share the API's rate limit. The operations
// endpoints are the http module's; everything the web serves without a
// limit falls to "/".
var gatewayRoutes = []route{
	{pattern: "/api/", part: apiPart},
	{pattern: "/", part: webPart},
	// Residents answering polls have no identity: their submits are
	// limited per address, in a bucket of their own.
	{pattern: "POST /p/{slug}", part: webPart, limited: true, answers: true},
	{pattern: "POST /i/{token}", part: webPart, limited: true, answers: true},
	// Each sign-up mails a confirmation link, and confirming or leaving
	// tries a token: all of them share the limit too.
	{pattern: "POST /panel/aanmelden", part: webPart, limited: true},
	{pattern: "POST /panel/aanmelden/{municipality}", part: webPart, limited: true},
	{pattern: "POST /panel/bevestigen/{token}", part: webPart, limited: true},
	{pattern: "POST /panel/afmelden/{token}", part: webPart, limited: true},
	// Focus group members answer from their mail links: accepting an
	// invitation, answering a session and their other actions try a token.
	{pattern: "POST /focusgroep/uitnodiging/{token}", part: webPart, limited: true},
	{pattern: "POST /focusgroep/{token}/{action}", part: webPart, limited: true},
	{pattern: "POST /focusgroep/{token}/bijeenkomsten/{sid}", part: webPart, limited: true},
	{pattern: "GET /auth/login", part: loginPart},
	// Every callback redeems a code at the provider.
	{pattern: "GET " + callbackPath, part: callbackPart, limited: true},
	{pattern: "POST /auth/logout", part: logoutPart},
	{pattern: devIssuerPath + "/", part: devIdPPart},
	{pattern: "GET " + devMailPath, part: devMailPart},
}

// mountRoutes adds routes to the mux, each served by its part, behind the
// rate limit where the route says so, and with the person's identity read
// for the API and the web. A route whose part does not run is left out.
func (a *app) mountRoutes(routes []route) {
	parts := a.parts()
	for _, r := range routes {
		h := parts[r.part]
		if h == nil {
			continue
		}
		switch {
		case r.limited && r.answers:
			h = a.api.LimitPages(h, gateway.Answers)
		case r.limited && r.part == webPart:
			h = a.api.LimitPages(h, gateway.API)
		case r.limited:
			h = a.api.Limit(h)
		}
		if a.authn != nil && (r.part == apiPart || r.part == webPart) {
			h = a.authn.Middleware(h)
		}
		a.mux.Handle(r.pattern, h)
	}
}

// parts returns the handler of each part that runs.
func (a *app) parts() map[part]http.Handler {
	parts := map[part]http.Handler{apiPart: a.api.Handler(), webPart: a.site.Handler()}
	if a.authn != nil {
		parts[loginPart] = a.authn.LoginHandler()
		parts[callbackPart] = a.authn.CallbackHandler()
		parts[logoutPart] = a.authn.LogoutHandler()
	}
	if a.devProvider != nil {
		parts[devIdPPart] = http.StripPrefix(devIssuerPath, a.devProvider.Handler())
	}
	if a.mailbox != nil {
		parts[devMailPart] = a.mailbox.Handler()
	}
	return parts
}
