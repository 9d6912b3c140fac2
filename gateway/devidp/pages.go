package devidp

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/meedoen/meedoen/internal/auth"
)

// style is inlined so the pages need no asset route; the CSP allows it by
// hash, so nothing else inline can run or style the page.
const style = `body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a;background:#fff}
fieldset{margin:1rem 0;border:1px solid #767676;padding:.5rem 1rem}
legend{font-weight:bold;padding:0 .25rem}
ul{list-style:none;margin:0;padding:0}
li{margin:.5rem 0;display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
button{font:inherit;padding:.4rem .8rem;cursor:pointer;border:1px solid #1a1a1a;border-radius:4px;background:#f3f3f3;color:#1a1a1a}
button.login{background:#0b57d0;border-color:#0b57d0;color:#fff}
button:focus-visible,textarea:focus-visible,a:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}
textarea{width:100%;font-family:monospace}
pre{white-space:pre-wrap;word-break:break-all;background:#f3f3f3;padding:.5rem}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
section[lang=en]{border-top:1px solid #767676;margin-top:2rem}`

const layout = `{{define "head"}}<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.}} — Meedoen ontwikkel-inlog</title>
<style>` + style + `</style>
</head>
<body>
<main>
{{end}}
{{define "foot"}}</main>
</body>
</html>
{{end}}`

const loginPage = `{{define "login"}}{{template "head" "Inloggen"}}
<h1>Inloggen als demogebruiker</h1>
<p>Dit is de ingebouwde identiteitsprovider voor ontwikkeling en tests (<code>meedoen -dev</code>).
Er is geen wachtwoord: kies wie je bent.{{if not .Request}} Je bent hier niet via een applicatie gekomen, dus je kunt alleen een API-token ophalen.{{end}}</p>
<p>Met <strong>API-token</strong> krijg je een token om de API met de hand aan te roepen, bijvoorbeeld met curl.</p>
<form method="post" action="{{.LoginAction}}">
{{with .Request}}<input type="hidden" name="response_type" value="code">
<input type="hidden" name="client_id" value="{{.ClientID}}">
<input type="hidden" name="redirect_uri" value="{{.RedirectURI}}">
<input type="hidden" name="state" value="{{.State}}">
<input type="hidden" name="nonce" value="{{.Nonce}}">
<input type="hidden" name="scope" value="{{.Scope}}">
<input type="hidden" name="code_challenge" value="{{.Challenge}}">
<input type="hidden" name="code_challenge_method" value="S256">
{{end}}{{range .Groups}}<fieldset>
<legend>{{.LabelNL}} <span lang="en">/ {{.LabelEN}}</span></legend>
<ul>
{{range .Users}}<li>
{{if $.Request}}<button type="submit" class="login" name="subject" value="{{.Subject}}">{{.Name}}, {{.RolesNL}} <span lang="en">/ {{.RolesEN}}</span></button>
{{else}}<span>{{.Name}}, {{.RolesNL}} <span lang="en">/ {{.RolesEN}}</span></span>
{{end}}<button type="submit" name="subject" value="{{.Subject}}" formaction="{{$.TokenAction}}">API-token<span class="vh"> voor {{.Name}}</span> <span lang="en">/ API token<span class="vh"> for {{.Name}}</span></span></button>
</li>
{{end}}</ul>
</fieldset>
{{end}}</form>
<section lang="en">
<h2>Log in as a demo user</h2>
<p>This is the built-in identity provider for development and tests (<code>meedoen -dev</code>).
There is no password: choose who you are.{{if not .Request}} You did not arrive here from an application, so you can only get an API token.{{end}}
<strong>API token</strong> gives you a token for calling the API by hand, for example with curl.</p>
</section>
{{template "foot"}}{{end}}`

const tokenPage = `{{define "token"}}{{template "head" "API-token"}}
<h1>API-token voor {{.Name}}</h1>
<p>Dit token is {{.Hours}} uur geldig, voor publiek (audience) <code>{{.Audience}}</code>. Iedereen die het heeft, kan de API gebruiken als {{.Name}}.</p>
<p><label for="token">Bearer-token <span lang="en">/ bearer token</span></label></p>
<textarea id="token" readonly rows="10">{{.Token}}</textarea>
<p>Zet het token in de variabele <code>TOKEN</code> en roep de API aan:</p>
<pre><code>curl -H "Authorization: Bearer $TOKEN" {{.APIURL}}</code></pre>
<p><a href="{{.Back}}">Terug naar de lijst met demogebruikers</a></p>
<section lang="en">
<h2>API token for {{.Name}}</h2>
<p>This token is valid for {{.Hours}} hours, for audience <code>{{.Audience}}</code>. Whoever has it can use the API as {{.Name}}.
Put the token in the variable <code>TOKEN</code> and call the API as shown above.</p>
<p><a href="{{.Back}}">Back to the list of demo users</a></p>
</section>
{{template "foot"}}{{end}}`

const errorPage = `{{define "error"}}{{template "head" "Fout"}}
<h1>Dit inlogverzoek klopt niet</h1>
<p>De identiteitsprovider voor ontwikkeling kan dit verzoek niet uitvoeren. De oorzaak staat hieronder in het Engels.</p>
<section lang="en">
<h2>This login request is not valid</h2>
<p>{{.}}</p>
</section>
{{template "foot"}}{{end}}`

const loggedOutPage = `{{define "loggedout"}}{{template "head" "Uitgelogd"}}
<h1>Je bent uitgelogd</h1>
<section lang="en">
<h2>You are logged out</h2>
</section>
{{template "foot"}}{{end}}`

// pages renders the provider's HTML.
type pages struct {
	tmpl *template.Template
	csp  string
}

func newPages() (*pages, error) {
	t, err := template.New("devidp").Parse(layout + loginPage + tokenPage + errorPage + loggedOutPage)
	if err != nil {
		return nil, fmt.Errorf("parsing page templates: %w", err)
	}
	sum := sha256.Sum256([]byte(style))
	csp := "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) +
		"'; base-uri 'none'; frame-ancestors 'none'"
	return &pages{tmpl: t, csp: csp}, nil
}

func (pg *pages) render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := pg.tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		http.Error(w, "rendering page: "+err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", pg.csp)
	h.Set("X-Content-Type-Options", "nosniff")
	// The login page's URL carries state and nonce; keep them off other sites.
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	// The status is sent; a failed write leaves nothing to tell the client.
	_, _ = buf.WriteTo(w)
}

func (pg *pages) renderError(w http.ResponseWriter, status int, err error) {
	pg.render(w, status, "error", err.Error())
}

// loginData is what the login page shows.
type loginData struct {
	Request     *authRequest // nil: only API tokens on offer
	LoginAction string
	TokenAction string
	Groups      []tenantGroup
}

// tenantGroup lists the users with a role in one tenant.
type tenantGroup struct {
	LabelNL, LabelEN string
	Users            []userEntry
}

type userEntry struct {
	Subject, Name    string
	RolesNL, RolesEN string // the user's roles in the group's tenant
}

// tokenData is what the API token page shows.
type tokenData struct {
	Name, Token, Audience, APIURL, Back string
	Hours                               int
}

func (p *Provider) loginData(req *authRequest) loginData {
	d := loginData{Request: req, LoginAction: p.issuer + "/authorize", TokenAction: p.issuer + "/api-token"}
	var tenants []string
	for _, u := range p.users {
		for _, g := range u.Grants {
			if !slices.Contains(tenants, g.Tenant) {
				tenants = append(tenants, g.Tenant)
			}
		}
	}
	for _, t := range tenants {
		nl, en := tenantLabel(t)
		grp := tenantGroup{LabelNL: nl, LabelEN: en}
		for _, u := range p.users {
			var rnl, ren []string
			for _, g := range u.Grants {
				if g.Tenant == t {
					n, e := roleLabel(g.Role)
					rnl, ren = append(rnl, n), append(ren, e)
				}
			}
			if len(rnl) > 0 {
				grp.Users = append(grp.Users, userEntry{
					Subject: u.Subject, Name: u.Name,
					RolesNL: strings.Join(rnl, ", "), RolesEN: strings.Join(ren, ", "),
				})
			}
		}
		d.Groups = append(d.Groups, grp)
	}
	return d
}

// tenantLabel names the demo tenants; others show their code.
func tenantLabel(t string) (nl, en string) {
	switch t {
	case velsen:
		return "Gemeente Velsen (GM0453)", "Municipality of Velsen"
	case beverwijk:
		return "Gemeente Beverwijk (GM0375)", "Municipality of Beverwijk"
	case heemskerk:
		return "Gemeente Heemskerk (GM0396)", "Municipality of Heemskerk"
	case ijmond:
		return "Regio IJmond (ijmond)", "IJmond region"
	case auth.AllTenants:
		return "Hele platform (*)", "whole platform"
	}
	return t, t
}

func roleLabel(r auth.Role) (nl, en string) {
	switch r {
	case auth.CouncilMember:
		return "lid participatieraad", "council member"
	case auth.Chair:
		return "voorzitter", "chair"
	case auth.Secretary:
		return "secretaris", "secretary"
	case auth.PolicyOfficer:
		return "beleidsmedewerker", "policy officer"
	case auth.RegionalCoordinator:
		return "regionaal coördinator", "regional coordinator"
	case auth.Admin:
		return "beheerder", "admin"
	}
	return string(r), string(r)
}
