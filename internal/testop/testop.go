// Package testop runs a real OpenID Provider that nobody on this project
// wrote, for tests: the example provider of github.com/zitadel/oidc (its op
// package, with the library's example login page and in-memory storage),
// configured here, on an origin of its own. Tests of staff login run
// against it so that they cannot share a misunderstanding with the
// development provider (gateway/devidp), which the same people wrote as
// the relying party.
//
// What is configured here, and what a municipality's administrator would
// configure in their provider: one confidential web client with a
// redirect URI and a post-logout redirect URI; a roles claim added to ID
// tokens, access tokens, the userinfo answer and the introspection answer,
// as a Keycloak mapper adds one; access tokens as JWTs or opaque. Refresh
// tokens come with the offline_access scope, as at Zitadel and Entra ID.
package testop

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/oauth2"
	"golang.org/x/text/language"
)

// User is a person the provider knows.
type User struct {
	// ID is the subject (sub) of the person's tokens.
	ID string
	// Username and Password log in on the provider's login page.
	Username, Password string
	// FirstName and LastName make the name claim.
	FirstName, LastName string
	// Roles is the roles claim's value: a []string, a string, an object
	// keyed by role (map[string]any), or nil for no claim at all.
	Roles any
}

// Config configures a Provider.
type Config struct {
	// ClientID and ClientSecret register the relying party.
	ClientID, ClientSecret string
	// RedirectURI and PostLogoutRedirectURI are the relying party's
	// callback and where logout may return to.
	RedirectURI, PostLogoutRedirectURI string
	// RolesClaim names the roles claim.
	RolesClaim string
	// Users are the people who can log in.
	Users []User
	// OpaqueAccessTokens issues opaque access tokens instead of JWTs.
	OpaqueAccessTokens bool
}

// Provider is a running OpenID Provider.
type Provider struct {
	// Issuer is its issuer URL, e.g. http://127.0.0.1:38123.
	Issuer string
	// URL is its origin (the same as Issuer here).
	URL string

	cfg Config
	srv *httptest.Server
	st  *opStorage

	mu         sync.Mutex
	roles      map[string]any
	opaque     bool
	terminated []string
}

// Start starts a provider on a loopback port of its own; the test's
// cleanup stops it.
func Start(t testing.TB, cfg Config) *Provider {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	p := &Provider{
		Issuer: "http://" + srv.Listener.Addr().String(),
		cfg:    cfg,
		srv:    srv,
		roles:  map[string]any{},
		opaque: cfg.OpaqueAccessTokens,
	}
	p.URL = p.Issuer
	users := map[string]*storage.User{}
	for _, u := range cfg.Users {
		users[u.ID] = &storage.User{
			ID: u.ID, Username: u.Username, Password: u.Password, FirstName: u.FirstName, LastName: u.LastName,
			Email: u.Username + "@example.nl", EmailVerified: true, PreferredLanguage: language.Dutch,
		}
		p.roles[u.ID] = u.Roles
	}
	clients := map[string]*storage.Client{
		cfg.ClientID: storage.WebClient(cfg.ClientID, cfg.ClientSecret, cfg.RedirectURI),
	}
	st := &opStorage{Storage: storage.NewStorageWithClients(userStore{users}, clients), p: p}
	p.st = st
	// A nil logger: the example would otherwise make it the process's
	// default logger, for every other test too.
	srv.Config.Handler = exampleop.SetupServer(p.Issuer, st, nil, false)
	srv.Start()
	t.Cleanup(srv.Close)
	return p
}

// SetRoles changes a person's roles claim, as an administrator who
// changes a role assignment at the provider would.
func (p *Provider) SetRoles(userID string, roles any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.roles[userID] = roles
}

// SetOpaqueAccessTokens switches between opaque and JWT access tokens for
// tokens issued from now on.
func (p *Provider) SetOpaqueAccessTokens(opaque bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.opaque = opaque
}

// EndSessions ends a person's sessions at the provider, as an
// administrator who disables the account would: their access and refresh
// tokens stop working.
func (p *Provider) EndSessions(ctx context.Context, userID string) error {
	return p.st.Storage.TerminateSession(ctx, userID, p.cfg.ClientID)
}

// Terminated returns the subjects whose session the provider ended at its
// end_session_endpoint, in order. An RP-initiated logout without an
// id_token_hint names nobody, and shows as "".
func (p *Provider) Terminated() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.terminated...)
}

// Tokens logs in as a user the way an API client would, without a browser:
// the authorization-code flow with PKCE against the provider's own login
// page, stopping at the redirect to the relying party, then the code
// exchange. It returns the provider's token response.
func (p *Provider) Tokens(ctx context.Context, username, password string, scopes ...string) (*oauth2.Token, error) {
	var meta struct {
		Auth  string `json:"authorization_endpoint"`
		Token string `json:"token_endpoint"`
	}
	if err := p.getJSON(ctx, p.Issuer+"/.well-known/openid-configuration", &meta); err != nil {
		return nil, err
	}
	conf := oauth2.Config{
		ClientID: p.cfg.ClientID, ClientSecret: p.cfg.ClientSecret, RedirectURL: p.cfg.RedirectURI,
		Endpoint: oauth2.Endpoint{AuthURL: meta.Auth, TokenURL: meta.Token}, Scopes: scopes,
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	c := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), p.cfg.RedirectURI) {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	verifier := oauth2.GenerateVerifier()
	resp, err := c.Get(conf.AuthCodeURL("state", oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("nonce", "n")))
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	id := resp.Request.URL.Query().Get("authRequestID")
	if id == "" {
		return nil, fmt.Errorf("testop: no login page after %s (status %d)", resp.Request.URL, resp.StatusCode)
	}
	resp, err = c.PostForm(p.Issuer+"/login/username", url.Values{"id": {id}, "username": {username}, "password": {password}})
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	code := ""
	if loc, err := resp.Location(); err == nil {
		code = loc.Query().Get("code")
	}
	if code == "" {
		return nil, fmt.Errorf("testop: logging in as %s gave no code (status %d)", username, resp.StatusCode)
	}
	return conf.Exchange(ctx, code, oauth2.VerifierOption(verifier))
}

func (p *Provider) getJSON(ctx context.Context, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("testop: %s: status %d", u, resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

func (p *Provider) rolesOf(userID string) (any, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := p.roles[userID]
	return r, r != nil
}

// opStorage is the example storage with this provider's configuration on
// top: the roles claim, the client's logout redirect and token type, and a
// record of ended sessions.
type opStorage struct {
	*storage.Storage
	p *Provider
}

// GetClientByClientID implements op.Storage.
func (s *opStorage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := s.Storage.GetClientByClientID(ctx, id)
	if err != nil {
		return nil, err
	}
	return opClient{Client: c, p: s.p}, nil
}

// SetUserinfoFromRequest implements op.CanSetUserinfoFromRequest: the ID
// token's claims.
func (s *opStorage) SetUserinfoFromRequest(ctx context.Context, info *oidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	if err := s.Storage.SetUserinfoFromRequest(ctx, info, req, scopes); err != nil {
		return err
	}
	s.addRoles(info, req.GetSubject())
	return nil
}

// SetUserinfoFromToken implements op.Storage: the userinfo answer.
func (s *opStorage) SetUserinfoFromToken(ctx context.Context, info *oidc.UserInfo, tokenID, subject, origin string) error {
	if err := s.Storage.SetUserinfoFromToken(ctx, info, tokenID, subject, origin); err != nil {
		return err
	}
	s.addRoles(info, info.Subject)
	return nil
}

// SetIntrospectionFromToken implements op.Storage: the introspection answer.
func (s *opStorage) SetIntrospectionFromToken(ctx context.Context, in *oidc.IntrospectionResponse, tokenID, subject, clientID string) error {
	if err := s.Storage.SetIntrospectionFromToken(ctx, in, tokenID, subject, clientID); err != nil {
		return err
	}
	if roles, ok := s.p.rolesOf(in.Subject); ok {
		in.Claims = map[string]any{s.p.cfg.RolesClaim: roles}
	}
	return nil
}

// GetPrivateClaimsFromScopes implements op.Storage: a JWT access token's
// extra claims.
func (s *opStorage) GetPrivateClaimsFromScopes(ctx context.Context, userID, clientID string, scopes []string) (map[string]any, error) {
	claims, err := s.Storage.GetPrivateClaimsFromScopes(ctx, userID, clientID, scopes)
	if err != nil {
		return nil, err
	}
	if roles, ok := s.p.rolesOf(userID); ok {
		if claims == nil {
			claims = map[string]any{}
		}
		claims[s.p.cfg.RolesClaim] = roles
	}
	return claims, nil
}

// TerminateSession implements op.Storage: RP-initiated logout.
func (s *opStorage) TerminateSession(ctx context.Context, userID, clientID string) error {
	s.p.mu.Lock()
	s.p.terminated = append(s.p.terminated, userID)
	s.p.mu.Unlock()
	return s.Storage.TerminateSession(ctx, userID, clientID)
}

func (s *opStorage) addRoles(info *oidc.UserInfo, subject string) {
	if roles, ok := s.p.rolesOf(subject); ok {
		info.AppendClaims(s.p.cfg.RolesClaim, roles)
	}
}

// opClient is the example's web client with this provider's logout
// redirect and token type.
type opClient struct {
	op.Client
	p *Provider
}

// PostLogoutRedirectURIs implements op.Client.
func (c opClient) PostLogoutRedirectURIs() []string {
	return []string{c.p.cfg.PostLogoutRedirectURI}
}

// AccessTokenType implements op.Client.
func (c opClient) AccessTokenType() op.AccessTokenType {
	c.p.mu.Lock()
	defer c.p.mu.Unlock()
	if c.p.opaque {
		return op.AccessTokenTypeBearer
	}
	return op.AccessTokenTypeJWT
}

// userStore finds the configured users.
type userStore struct {
	users map[string]*storage.User
}

func (u userStore) GetUserByID(id string) *storage.User { return u.users[id] }

func (u userStore) GetUserByUsername(name string) *storage.User {
	for _, usr := range u.users {
		if usr.Username == name {
			return usr
		}
	}
	return nil
}

// ExampleClientID names the example's service user, which this provider
// does not use.
func (u userStore) ExampleClientID() string { return "service" }
