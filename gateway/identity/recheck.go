package identity

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/errs"
)

// recheck confirms session s at the provider with its refresh token, as the
// package comment describes: a role removed, an account disabled or a
// session ended at the provider ends or changes the session here. One
// replica at a time does it (ClaimCheck); the others go on with what the
// store has. ok is false when the session has ended.
func (a *Authenticator) recheck(ctx context.Context, hash []byte, s Session) (Session, bool) {
	sealed, claimed, err := a.cfg.Sessions.ClaimCheck(ctx, hash, time.Now().Add(-a.cfg.RecheckInterval), checkLease)
	switch {
	case errs.CodeOf(err) == errs.NotFound:
		return Session{}, false
	case err != nil:
		a.log.ErrorContext(ctx, "reserving a session check", "sub", s.Subject, "error", err)
		return s, true
	case !claimed:
		return s, true
	}
	toks, err := a.openTokens(hash, sealed)
	if err != nil {
		return a.end(ctx, hash, s, "its provider tokens do not open", err)
	}
	if toks.Refresh == "" {
		// Nothing to ask the provider with: the session ends when the
		// provider's tokens do (its Expires, set at login).
		s.Checked = time.Now()
		return a.record(ctx, hash, s, toks)
	}
	d, err := a.discover(ctx)
	if err != nil {
		return a.unconfirmed(ctx, hash, s, err)
	}
	httpCtx := oidc.ClientContext(ctx, a.cfg.HTTPClient)
	fresh, err := d.oauth.TokenSource(httpCtx, &oauth2.Token{RefreshToken: toks.Refresh}).Token()
	var refused *oauth2.RetrieveError
	switch {
	case errors.As(err, &refused) && refused.Response != nil && refused.Response.StatusCode < 500:
		// invalid_grant and its kin: the refresh token was revoked or has
		// expired, the session at the provider ended, the account was
		// disabled. The provider no longer vouches for this person.
		return a.end(ctx, hash, s, "the identity provider no longer confirms it", err)
	case err != nil:
		return a.unconfirmed(ctx, hash, s, err)
	}
	toks.Refresh = fresh.RefreshToken // the old one when the provider sent none (RFC 6749 section 6)
	c := claimSet{}
	if rawID, _ := fresh.Extra("id_token").(string); rawID != "" {
		idt, err := d.idTokens.Verify(ctx, rawID)
		if err == nil {
			c, err = claimsOf(idt)
		}
		if err != nil {
			return a.end(ctx, hash, s, "the identity provider's new ID token does not verify", err)
		}
		toks.ID = rawID
	} else if d.userinfo == "" {
		// Neither an ID token nor a userinfo endpoint: the refresh itself
		// is the confirmation, and the roles stay as they were.
		s.Checked = time.Now()
		return a.record(ctx, hash, s, toks)
	} else {
		sub, _ := json.Marshal(s.Subject)
		c["sub"] = sub
	}
	c = a.withUserinfo(ctx, d, c, fresh)
	if got := stringClaim(c, "sub"); got != s.Subject {
		return a.end(ctx, hash, s, "the identity provider answered for another subject", fmt.Errorf("subject %q", got))
	}
	// Quietly first: what was warned about at login is not warned about
	// again every minute, only when it changes.
	m, err := identityFrom(ctx, slog.New(slog.DiscardHandler), a.cfg.RolesClaim, c, "refresh")
	if err != nil {
		return a.end(ctx, hash, s, "the identity provider's answer is not usable", err)
	}
	if m.rolesMissing != s.RolesMissing || !sameGrants(m.id.Grants, s.Grants) {
		m, _ = a.identityFrom(ctx, c, "refresh")
	}
	before := s.Grants
	s.Name, s.Grants, s.RolesMissing, s.Checked = m.id.Name, m.id.Grants, m.rolesMissing, time.Now()
	if !sameGrants(before, s.Grants) {
		a.log.InfoContext(ctx, "roles changed at the identity provider", "sub", s.Subject,
			"tenants_before", auth.Identity{Grants: before}.Tenants(), "tenants_now", m.id.Tenants())
	}
	return a.record(ctx, hash, s, toks)
}

// record stores a confirmed session.
func (a *Authenticator) record(ctx context.Context, hash []byte, s Session, toks providerTokens) (Session, bool) {
	sealed, err := a.sealTokens(hash, toks)
	if err == nil {
		s.Tokens = sealed
		err = a.cfg.Sessions.RecordCheck(ctx, hash, s)
	}
	switch {
	case errs.CodeOf(err) == errs.NotFound:
		return Session{}, false // ended meanwhile, by a logout or a term
	case err != nil:
		a.log.ErrorContext(ctx, "recording a session check", "sub", s.Subject, "error", err)
	}
	return s, true
}

// unconfirmed handles a provider that could not be asked: the session goes
// on with what was last confirmed for recheckGrace, so that a short outage
// of the provider does not log every member of staff out, and then ends.
// The reservation is left to lapse, so the next try comes after checkLease.
func (a *Authenticator) unconfirmed(ctx context.Context, hash []byte, s Session, err error) (Session, bool) {
	if time.Since(s.Checked) > recheckGrace {
		return a.end(ctx, hash, s, fmt.Sprintf("the identity provider could not confirm it for %s", recheckGrace), err)
	}
	a.log.WarnContext(ctx, "the identity provider could not confirm a session; it goes on for now", "sub", s.Subject, "error", err)
	return s, true
}

// end ends a session that the provider no longer confirms.
func (a *Authenticator) end(ctx context.Context, hash []byte, s Session, why string, err error) (Session, bool) {
	a.log.InfoContext(ctx, "session ended: "+why, "sub", s.Subject, "error", err)
	if _, err := a.cfg.Sessions.EndSession(ctx, hash); err != nil && errs.CodeOf(err) != errs.NotFound {
		a.log.ErrorContext(ctx, "ending session in the store failed", "sub", s.Subject, "error", err)
	}
	return Session{}, false
}

// revokeTimeout bounds the revocation at logout, which the person waits for.
const revokeTimeout = 3 * time.Second

// revoke asks the provider to revoke a refresh token (RFC 7009), so that it
// is worthless even to someone who copied it from the store. Best effort:
// the session is gone either way.
func (a *Authenticator) revoke(ctx context.Context, d *discovered, refresh string) {
	if d.revocation == "" || refresh == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), revokeTimeout)
	defer cancel()
	status, _, err := a.postForm(ctx, d.revocation, url.Values{"token": {refresh}, "token_type_hint": {"refresh_token"}})
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("status %d", status)
	}
	if err != nil {
		a.log.WarnContext(ctx, "revoking the refresh token at the identity provider failed", "error", err)
	}
}

// maxAnswerBytes bounds what the gateway reads of an introspection or
// revocation answer.
const maxAnswerBytes = 1 << 20

// postForm posts form to one of the provider's endpoints as the gateway's
// client: with HTTP Basic authentication when it has a secret (RFC 6749
// section 2.3.1, which form-encodes both parts first), else naming itself
// in the form.
func (a *Authenticator) postForm(ctx context.Context, endpoint string, form url.Values) (int, []byte, error) {
	if a.cfg.ClientSecret == "" {
		form.Set("client_id", a.cfg.ClientID)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if a.cfg.ClientSecret != "" {
		req.SetBasicAuth(url.QueryEscape(a.cfg.ClientID), url.QueryEscape(a.cfg.ClientSecret))
	}
	resp, err := a.cfg.HTTPClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes))
	return resp.StatusCode, body, err
}

func sameGrants(a, b []auth.Grant) bool {
	return len(a) == len(b) && !slices.ContainsFunc(a, func(g auth.Grant) bool { return !slices.Contains(b, g) })
}
