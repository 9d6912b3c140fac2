package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"

	"github.com/meedoen/meedoen/gateway"
	"github.com/meedoen/meedoen/gateway/devidp"
	"github.com/meedoen/meedoen/gateway/identity"
	"github.com/meedoen/meedoen/gateway/web"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// devIssuerPath is where -dev serves the development identity provider.
const devIssuerPath = "/dev/oidc"

// mountGateway adds the API, the web pages and the identity routes to mux.
// base is the public base URL, without a trailing slash; conns reach the
// services.
func mountGateway(ctx context.Context, cfg Config, mux *http.ServeMux, base string, conns gateway.Conns, log *slog.Logger) error {
	issuer := cfg.OIDCIssuer
	devProvider := issuer == "" && cfg.Dev
	if devProvider {
		issuer = base + devIssuerPath
		provider, err := devidp.New(issuer, devidp.DemoUsers())
		if err != nil {
			return err
		}
		mux.Handle(devIssuerPath+"/", http.StripPrefix(devIssuerPath, provider.Handler()))
		log.Warn("development identity provider enabled: anyone can log in as any demo user", "issuer", issuer)
	}
	secureCookies := strings.HasPrefix(base, "https://")
	sessionKey, err := sessionKey(cfg.SessionKey)
	if err != nil {
		return err
	}

	proxies, err := parsePrefixes(cfg.TrustedProxies)
	if err != nil {
		return err
	}
	gw, err := gateway.New(ctx, gateway.Config{
		MaxBodyBytes:   cfg.MaxBodyBytes,
		APIVersion:     apiVersion,
		RateLimit:      gateway.RateLimit{PerMinute: cfg.RateLimit, AnonymousPerMinute: cfg.AnonymousRateLimit},
		TrustedProxies: proxies,
	}, conns, log)
	if err != nil {
		return err
	}

	var authenticate func(http.Handler) http.Handler
	if issuer == "" {
		log.Warn("no identity provider configured (-oidc-issuer): staff cannot log in and the API answers 401")
		authenticate = func(h http.Handler) http.Handler { return h }
	} else {
		authn, err := identity.New(ctx, identity.Config{
			Issuer:        issuer,
			ClientID:      cfg.OIDCClientID,
			ClientSecret:  cfg.OIDCClientSecret,
			RedirectURL:   base + "/auth/callback",
			Audience:      "meedoen-api",
			RolesClaim:    cfg.OIDCRolesClaim,
			SessionKey:    sessionKey,
			SecureCookies: secureCookies,
		}, log)
		if err != nil {
			return err
		}
		mux.Handle("GET /auth/login", authn.LoginHandler())
		// Every callback redeems a code at the provider.
		mux.Handle("GET /auth/callback", gw.Limit(authn.CallbackHandler()))
		mux.Handle("POST /auth/logout", authn.LogoutHandler())
		authenticate = authn.Middleware
	}

	var respondentKey []byte // nil: the site makes one per start
	if cfg.RespondentKey != "" {
		respondentKey, err = base64.StdEncoding.DecodeString(cfg.RespondentKey)
		if err != nil || len(respondentKey) != 32 {
			return fmt.Errorf("-respondent-key: want base64 of 32 bytes")
		}
	}
	site, err := web.New(web.Config{
		APIVersion:    apiVersion,
		DevLogin:      devProvider, // demo accounts exist only at the development provider
		SecureCookies: secureCookies,
		Councils:      councilsv1.NewCouncilsServiceClient(conns.Councils),
		Surveys:       surveysv1.NewSurveysServiceClient(conns.Surveys),
		Panels:        surveysv1.NewPanelsServiceClient(conns.Surveys),
		RespondentKey: respondentKey,
		Postcodes:     cfg.tables.postcodes.Municipality,
	}, log)
	if err != nil {
		return err
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
	return nil
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

// sessionKey decodes the configured key or makes one for this start.
func sessionKey(s string) ([]byte, error) {
	if s == "" {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("making a session key: %w", err)
		}
		return key, nil
	}
	key, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(key) < 32 {
		return nil, fmt.Errorf("-session-key: want base64 of at least 32 bytes")
	}
	return key, nil
}
