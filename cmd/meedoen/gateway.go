package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"

	"github.com/fullstorydev/grpchan"
	"google.golang.org/grpc"

	"github.com/meedoen/meedoen/gateway"
	"github.com/meedoen/meedoen/gateway/devidp"
	"github.com/meedoen/meedoen/gateway/identity"
	"github.com/meedoen/meedoen/gateway/openapi"
	"github.com/meedoen/meedoen/gateway/store"
	"github.com/meedoen/meedoen/gateway/web"
	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/health"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/platform"
	"github.com/meedoen/meedoen/internal/rpc"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	focusgroupsv1 "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
	resultsv1 "github.com/meedoen/meedoen/proto/meedoen/results/v1"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
	"github.com/meedoen/meedoen/services/councils"
	"github.com/meedoen/meedoen/services/focusgroups"
	"github.com/meedoen/meedoen/services/results"
	"github.com/meedoen/meedoen/services/surveys"
)

// apiVersion is the REST API's full semantic version (API-Version header),
// the OpenAPI document's.
var apiVersion = openapi.Version()

// initConns connects the gateway to the services it exposes: a service in
// this process through its in-process channel (rpc.NewChannel), any other
// over gRPC at its configured address. Both carry the internal token the
// service verifies.
func (a *app) initConns(context.Context) (component, error) {
	var conns []*grpc.ClientConn
	closeAll := func() {
		for _, c := range conns {
			c.Close()
		}
	}
	dial := func(service, addr string) (grpc.ClientConnInterface, error) {
		if s := a.local[service]; s != nil {
			return grpchan.InterceptClientConn(s.Local, auth.ClientInterceptor(a.signer), auth.StreamClientInterceptor(a.signer)), nil
		}
		conn, err := rpc.Dial(addr, a.tel, grpc.WithChainUnaryInterceptor(auth.ClientInterceptor(a.signer)),
			grpc.WithChainStreamInterceptor(auth.StreamClientInterceptor(a.signer)))
		if err != nil {
			return nil, err
		}
		conns = append(conns, conn)
		return conn, nil
	}
	var err error
	if a.conns.Councils, err = dial(councils.Name, a.cfg.CouncilsAddr); err != nil {
		return component{}, err
	}
	if a.conns.Surveys, err = dial(surveys.Name, a.cfg.SurveysAddr); err != nil {
		closeAll()
		return component{}, err
	}
	if a.conns.FocusGroups, err = dial(focusgroups.Name, a.cfg.FocusgroupsAddr); err != nil {
		closeAll()
		return component{}, err
	}
	if a.conns.Results, err = dial(results.Name, a.cfg.ResultsAddr); err != nil {
		closeAll()
		return component{}, err
	}
	return component{stop: closeAll}, nil
}

// initSessions opens the gateway's own schema: staff sessions, the keys
// it makes once, and the member terms it follows.
func (a *app) initSessions(ctx context.Context) (component, error) {
	st, err := store.Open(ctx, a.deps.DatabaseURL, a.log)
	if err != nil {
		return component{}, err
	}
	if err := pg.RecordPoolStats(st.Pool(), "gateway", a.tel.MeterProvider); err != nil {
		st.Close()
		return component{}, err
	}
	a.health.Add("postgres-gateway", health.Postgres(st.Pool()))
	a.sessions = st
	return component{run: st.Run, stop: st.Close}, nil
}

// initDevIdP decides who vouches for staff: -oidc-issuer or, with -dev
// and no issuer, the development provider, served by the gateway.
func (a *app) initDevIdP(context.Context) (component, error) {
	if a.issuer = a.cfg.OIDCIssuer; a.issuer != "" || !a.cfg.Dev {
		return component{}, nil
	}
	a.issuer = a.base + devIssuerPath
	provider, err := devidp.New(a.issuer, devidp.DemoUsers())
	if err != nil {
		return component{}, err
	}
	a.devProvider = provider
	a.log.Warn("development identity provider enabled: anyone can log in as any demo user", "issuer", a.issuer)
	return component{}, nil
}

// initAPI builds the REST API over the services' connections.
func (a *app) initAPI(ctx context.Context) (component, error) {
	proxies, err := parsePrefixes(a.cfg.TrustedProxies)
	if err != nil {
		return component{}, err
	}
	a.api, err = gateway.New(ctx, gateway.Config{
		MaxBodyBytes:   a.cfg.MaxBodyBytes,
		APIVersion:     apiVersion,
		RateLimit:      gateway.RateLimit{PerMinute: a.cfg.RateLimit, AnonymousPerMinute: a.cfg.AnonymousRateLimit, AnswerBurst: a.cfg.AnswerBurst},
		TrustedProxies: proxies,
	}, a.conns, a.log)
	return component{}, err
}

// initIdentity sets up staff login at the identity provider, if there is
// one; without, staff cannot log in and the API answers 401.
func (a *app) initIdentity(ctx context.Context) (component, error) {
	if a.issuer == "" {
		a.log.Warn("no identity provider configured (-oidc-issuer): staff cannot log in and the API answers 401")
		return component{}, nil
	}
	apiAudiences := splitList(a.cfg.OIDCAPIAudience)
	if len(apiAudiences) == 0 && a.devProvider != nil {
		apiAudiences = []string{devidp.APIAudience} // what its API-token buttons hand out
	}
	sessionKey, err := sessionKey(ctx, a.cfg, a.sessions, a.log)
	if err != nil {
		return component{}, err
	}
	authn, err := identity.New(ctx, identity.Config{
		Issuer:          a.issuer,
		ClientID:        a.cfg.OIDCClientID,
		ClientSecret:    a.cfg.OIDCClientSecret,
		RedirectURL:     a.base + callbackPath,
		APIAudiences:    apiAudiences,
		Scopes:          splitList(a.cfg.OIDCScopes),
		RolesClaim:      a.cfg.OIDCRolesClaim,
		SessionKey:      sessionKey,
		SessionTTL:      a.cfg.SessionTTL,
		RecheckInterval: a.cfg.OIDCRecheckInterval,
		Introspection:   a.cfg.OIDCIntrospection,
		Sessions:        a.sessions,
		SecureCookies:   a.secureCookies(),
	}, a.log)
	if err != nil {
		return component{}, err
	}
	a.authn = authn
	a.health.Add("identity-provider", authn.Ready)
	return component{run: authn.Run}, nil
}

// initTerms follows the councils service's member events, to end the
// sessions of members whose term has ended; without logins there are no
// sessions to end.
func (a *app) initTerms(ctx context.Context) (component, error) {
	if a.authn == nil {
		return component{}, nil
	}
	c, err := termsConsumer(ctx, a.sessions, a.deps, a.log)
	if err != nil {
		return component{}, err
	}
	return component{run: c.Run}, nil
}

// initWeb builds the web pages over the services' connections.
func (a *app) initWeb(ctx context.Context) (component, error) {
	respondentKey, err := a.sessions.RespondentKey(ctx) // kept across restarts and replicas
	if err != nil {
		return component{}, err
	}
	if a.cfg.RespondentKey != "" {
		respondentKey, err = base64.StdEncoding.DecodeString(a.cfg.RespondentKey)
		if err != nil || len(respondentKey) != 32 {
			return component{}, fmt.Errorf("-respondent-key: want base64 of 32 bytes")
		}
	}
	var formActions func() []string
	if a.authn != nil {
		formActions = a.authn.FormActionOrigins
	}
	a.site, err = web.New(web.Config{
		APIVersion:        apiVersion,
		DevLogin:          a.devProvider != nil, // demo accounts exist only at the development provider
		FormActionOrigins: formActions,
		SecureCookies:     a.secureCookies(),
		ContactEmail:      a.cfg.ContactEmail,
		Councils:          councilsv1.NewCouncilsServiceClient(a.conns.Councils),
		Surveys:           surveysv1.NewSurveysServiceClient(a.conns.Surveys),
		Panels:            surveysv1.NewPanelsServiceClient(a.conns.Surveys),
		FocusGroups:       focusgroupsv1.NewFocusGroupsServiceClient(a.conns.FocusGroups),
		FocusGroupLinks:   focusgroupsv1.NewMemberLinksServiceClient(a.conns.FocusGroups),
		Advice:            resultsv1.NewAdviceServiceClient(a.conns.Results),
		Results:           resultsv1.NewResultsServiceClient(a.conns.Results),
		Files:             resultsv1.NewFilesServiceClient(a.conns.Results),
		RespondentKey:     respondentKey,
		Postcodes:         a.postcodes.Municipality,
	}, a.log)
	return component{}, err
}

// initGateway puts the gateway's routes on the HTTP listener.
func (a *app) initGateway(context.Context) (component, error) {
	a.mountRoutes(gatewayRoutes)
	return component{}, nil
}

// secureCookies says whether cookies must be Secure: behind a proxy that
// ends TLS the gateway sees plain HTTP, but people reach it over https.
func (a *app) secureCookies() bool { return strings.HasPrefix(a.base, "https://") }

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
func termsConsumer(ctx context.Context, st *store.Store, deps platform.Deps, log *slog.Logger) (*events.Consumer, error) {
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
