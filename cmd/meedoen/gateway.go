package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"

	"github.com/meedoen/meedoen/gateway"
	"github.com/meedoen/meedoen/gateway/devidp"
	"github.com/meedoen/meedoen/gateway/identity"
	"github.com/meedoen/meedoen/gateway/store"
	"github.com/meedoen/meedoen/gateway/web"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/health"
	"github.com/meedoen/meedoen/internal/platform"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
	"github.com/meedoen/meedoen/services/councils"
)

// devIssuerPath is where -dev serves the development identity provider.
const devIssuerPath = "/dev/oidc"

// mountGateway adds the API, the web pages and the identity routes to mux.
// base is the public base URL, without a trailing slash; conns reach the
// services. It opens the gateway's own schema (sessions, its keys, the
// member terms it follows) and returns what must run beside the HTTP
// server, and what to close once those have stopped.
func mountGateway(ctx context.Context, cfg Config, mux *http.ServeMux, base string, conns gateway.Conns, deps platform.Deps, log *slog.Logger) (_ []runner, closeFn func(), err error) {
	st, err := store.Open(ctx, deps.DatabaseURL, log)
	if err != nil {
		return nil, nil, err
	}
	defer func() {
		if err != nil {
			st.Close()
		}
	}()
	deps.Health.Add("postgres-gateway", health.Postgres(st.Pool()))
	runners := []runner{st}

	issuer := cfg.OIDCIssuer
	devProvider := issuer == "" && cfg.Dev
	apiAudiences := splitList(cfg.OIDCAPIAudience)
	if devProvider {
		issuer = base + devIssuerPath
		provider, err := devidp.New(issuer, devidp.DemoUsers())
		if err != nil {
			return nil, nil, err
		}
		mux.Handle(devIssuerPath+"/", http.StripPrefix(devIssuerPath, provider.Handler()))
		log.Warn("development identity provider enabled: anyone can log in as any demo user", "issuer", issuer)
		if len(apiAudiences) == 0 {
			apiAudiences = []string{devidp.APIAudience} // what its API-token buttons hand out
		}
	}
	secureCookies := strings.HasPrefix(base, "https://")

	proxies, err := parsePrefixes(cfg.TrustedProxies)
	if err != nil {
		return nil, nil, err
	}
	gw, err := gateway.New(ctx, gateway.Config{
		MaxBodyBytes:   cfg.MaxBodyBytes,
		APIVersion:     apiVersion,
		RateLimit:      gateway.RateLimit{PerMinute: cfg.RateLimit, AnonymousPerMinute: cfg.AnonymousRateLimit},
		TrustedProxies: proxies,
	}, conns, log)
	if err != nil {
		return nil, nil, err
	}

	var (
		authenticate = func(h http.Handler) http.Handler { return h }
		formActions  func() []string
	)
	if issuer == "" {
		log.Warn("no identity provider configured (-oidc-issuer): staff cannot log in and the API answers 401")
	} else {
		sessionKey, err := sessionKey(ctx, cfg, st, log)
		if err != nil {
			return nil, nil, err
		}
		authn, err := identity.New(ctx, identity.Config{
			Issuer:          issuer,
			ClientID:        cfg.OIDCClientID,
			ClientSecret:    cfg.OIDCClientSecret,
			RedirectURL:     base + "/auth/callback",
			APIAudiences:    apiAudiences,
			Scopes:          splitList(cfg.OIDCScopes),
			RolesClaim:      cfg.OIDCRolesClaim,
			SessionKey:      sessionKey,
			SessionTTL:      cfg.SessionTTL,
			RecheckInterval: cfg.OIDCRecheckInterval,
			Introspection:   cfg.OIDCIntrospection,
			Sessions:        st,
			SecureCookies:   secureCookies,
		}, log)
		if err != nil {
			return nil, nil, err
		}
		terms, err := termsConsumer(ctx, st, deps, log)
		if err != nil {
			return nil, nil, err
		}
		runners = append(runners, authn, terms)
		deps.Health.Add("identity-provider", authn.Ready)
		mux.Handle("GET /auth/login", authn.LoginHandler())
		// Every callback redeems a code at the provider.
		mux.Handle("GET /auth/callback", gw.Limit(authn.CallbackHandler()))
		mux.Handle("POST /auth/logout", authn.LogoutHandler())
		authenticate = authn.Middleware
		formActions = authn.FormActionOrigins
	}

	respondentKey, err := st.RespondentKey(ctx) // kept across restarts and replicas
	if err != nil {
		return nil, nil, err
	}
	if cfg.RespondentKey != "" {
		respondentKey, err = base64.StdEncoding.DecodeString(cfg.RespondentKey)
		if err != nil || len(respondentKey) != 32 {
			return nil, nil, fmt.Errorf("-respondent-key: want base64 of 32 bytes")
		}
	}
	site, err := web.New(web.Config{
		APIVersion:        apiVersion,
		DevLogin:          devProvider, // demo accounts exist only at the development provider
		FormActionOrigins: formActions,
		SecureCookies:     secureCookies,
		Councils:          councilsv1.NewCouncilsServiceClient(conns.Councils),
		Surveys:           surveysv1.NewSurveysServiceClient(conns.Surveys),
		Panels:            surveysv1.NewPanelsServiceClient(conns.Surveys),
		RespondentKey:     respondentKey,
		Postcodes:         cfg.tables.postcodes.Municipality,
	}, log)
	if err != nil {
		return nil, nil, err
	}
	mux.Handle("/api/", authenticate(gw.Handler()))
	// Residents answering open polls have no identity: their submits share
	// the API's per-address limit.
	mux.Handle("POST /p/{slug}", authenticate(gw.Limit(site.Handler())))
	mux.Handle("POST /i/{token}", authenticate(gw.Limit(site.Handler())))
	// Each sign-up mails a confirmation link, and confirming or leaving
	// tries a token: all three share the same limit.
	mux.Handle("POST /panel/aanmelden", authenticate(gw.Limit(site.Handler())))
	mux.Handle("POST /panel/aanmelden/{municipality}", authenticate(gw.Limit(site.Handler())))
	mux.Handle("POST /panel/bevestigen/{token}", authenticate(gw.Limit(site.Handler())))
	mux.Handle("POST /panel/afmelden/{token}", authenticate(gw.Limit(site.Handler())))
	mux.Handle("/", authenticate(site.Handler()))
	return runners, st.Close, nil
}

// parsePrefixes reads comma-separated CIDRs.
func parsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("-trusted-proxies: %w", err)
		}
		out = append(out, p)
	}
	return out, nil
}

// sessionKey decodes the configured key, or, when none is configured,
// returns the one the gateway keeps in its schema, made at the first start:
// every replica and every restart must seal and open cookies alike.
func sessionKey(ctx context.Context, cfg Config, st *store.Store, log *slog.Logger) ([]byte, error) {
	if cfg.SessionKey == "" {
		if !cfg.Dev {
			log.Warn("no -session-key: the key sealing sessions is kept in the database, beside the provider tokens it protects; set MEEDOEN_SESSION_KEY to keep it apart")
		}
		return st.SessionKey(ctx)
	}
	key, err := base64.StdEncoding.DecodeString(cfg.SessionKey)
	if err != nil || len(key) < 32 {
		return nil, fmt.Errorf("-session-key: want base64 of at least 32 bytes")
	}
	return key, nil
}

// termsConsumer provisions the gateway's consumer of the councils
// service's member events (store.TermsConsumer), which ends the sessions
// of members whose term has ended.
func termsConsumer(ctx context.Context, st *store.Store, deps platform.Deps, log *slog.Logger) (runner, error) {
	cc, err := store.TermsConsumer()
	if err != nil {
		return nil, err
	}
	// The councils service may not have started yet, or runs elsewhere;
	// provisioning its stream is idempotent.
	if err := events.ProvisionStreams(ctx, deps.JetStream, councils.Name, deps.Streams); err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	tel := deps.Telemetry
	c, err := events.NewConsumer(cc, st.Pool(), deps.JetStream, log.With("component", "gateway"), tel.TracerProvider, tel.MeterProvider)
	if err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	if err := c.Provision(ctx); err != nil {
		return nil, fmt.Errorf("gateway: %w", err)
	}
	return c, nil
}
