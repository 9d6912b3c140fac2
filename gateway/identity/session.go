package identity

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/errs"
)

// Session is a staff login as the gateway keeps it, server-side, so that
// every replica sees the same sessions and one that ends, ends everywhere.
// The browser's cookie holds only the session's random id, sealed.
type Session struct {
	// Subject, Name and Grants are who logged in, as last confirmed by the
	// provider.
	Subject string
	Name    string
	Grants  []auth.Grant
	// RolesMissing says that the provider sent no usable roles claim, so
	// the pages can tell the person why they see no organisation.
	RolesMissing bool
	// Tokens are the provider's refresh and ID token, sealed with the
	// session key (see sealTokens); nil when the provider gave neither.
	Tokens []byte
	// Created is when the person logged in; Expires when the session ends
	// whatever happens; Checked when the provider last confirmed it.
	Created, Expires, Checked time.Time
}

// SessionStore keeps sessions where every gateway replica finds them. The
// gateway's PostgreSQL schema is one (package gateway/store). A session is
// named by the SHA-256 of its id, so the store alone cannot forge a cookie.
//
// Session, ClaimCheck, RecordCheck and EndSession fail with an errs.NotFound
// error for a session that does not exist or has ended: expired, logged out,
// or ended because the person's council term ended.
type SessionStore interface {
	// CreateSession stores a new session.
	CreateSession(ctx context.Context, idHash []byte, s Session) error
	// Session returns a live session.
	Session(ctx context.Context, idHash []byte) (Session, error)
	// ClaimCheck reserves the session's next check at the provider for the
	// caller, for lease, if it was last checked before staleBefore and no
	// other replica holds the reservation. ok reports whether the caller
	// got it; tokens are the session's sealed tokens.
	ClaimCheck(ctx context.Context, idHash []byte, staleBefore time.Time, lease time.Duration) (tokens []byte, ok bool, err error)
	// RecordCheck stores the outcome of a successful check: s's name,
	// grants, roles flag, tokens and checked time; it ends the reservation.
	RecordCheck(ctx context.Context, idHash []byte, s Session) error
	// EndSession ends the session and returns it as it was, for the
	// logout at the provider.
	EndSession(ctx context.Context, idHash []byte) (Session, error)
}

// sessionCookie is the session cookie's content: the session's id and,
// so that a stale cookie costs no database read, its end.
type sessionCookie struct {
	ID      string `json:"sid"`
	Expires int64  `json:"exp"` // unix seconds; the cookie's Max-Age is only advice to the browser
}

// providerTokens are what the gateway keeps of the provider's answer: the
// refresh token, to confirm the session later, and the ID token, to name
// the session at logout (id_token_hint).
type providerTokens struct {
	Refresh string `json:"rt,omitempty"`
	ID      string `json:"it,omitempty"`
}

// sessionIDBytes is the length of a session id: 256 bits, beyond guessing.
const sessionIDBytes = 32

// hashID is the name under which the store keeps the session id.
func hashID(id string) []byte {
	sum := sha256.Sum256([]byte(id))
	return sum[:]
}

// startSession stores s under a new id and sets the cookie that names it.
func (a *Authenticator) startSession(ctx context.Context, w http.ResponseWriter, s Session, toks providerTokens) error {
	raw := make([]byte, sessionIDBytes)
	if _, err := rand.Read(raw); err != nil {
		return fmt.Errorf("making a session id: %w", err)
	}
	id := base64.RawURLEncoding.EncodeToString(raw)
	hash := hashID(id)
	sealed, err := a.sealTokens(hash, toks)
	if err != nil {
		return err
	}
	s.Tokens = sealed
	if err := a.cfg.Sessions.CreateSession(ctx, hash, s); err != nil {
		return fmt.Errorf("storing the session: %w", err)
	}
	val, err := a.cookies.sealCookie(SessionCookie, sessionCookie{ID: id, Expires: s.Expires.Unix()})
	if err != nil {
		return err
	}
	http.SetCookie(w, a.cookie(SessionCookie, "/", val, time.Until(s.Expires)))
	return nil
}

// errStoreDown means the session store could not be asked; the request is
// answered with 503 rather than treated as logged out.
var errStoreDown = errors.New("sessions cannot be read")

// session returns the live session the request's cookie names, confirmed
// at the provider if its last confirmation is older than the recheck
// interval. ok is false without a cookie or when the session has ended;
// clear then says the cookie should go.
func (a *Authenticator) session(r *http.Request) (s Session, ok, clear bool, err error) {
	c, cerr := r.Cookie(SessionCookie)
	if cerr != nil {
		return Session{}, false, false, nil
	}
	var sc sessionCookie
	if err := a.cookies.openCookie(SessionCookie, c.Value, &sc); err != nil || sc.ID == "" {
		a.log.DebugContext(r.Context(), "ignoring session cookie", "error", err)
		return Session{}, false, true, nil
	}
	if time.Now().Unix() >= sc.Expires {
		return Session{}, false, true, nil
	}
	hash := hashID(sc.ID)
	s, err = a.cfg.Sessions.Session(r.Context(), hash)
	switch {
	case errs.CodeOf(err) == errs.NotFound:
		return Session{}, false, true, nil
	case err != nil:
		a.log.ErrorContext(r.Context(), "reading session", "error", err)
		return Session{}, false, false, errStoreDown
	}
	if time.Since(s.Checked) >= a.cfg.RecheckInterval {
		if s, ok = a.recheck(r.Context(), hash, s); !ok {
			return Session{}, false, true, nil
		}
	}
	return s, true, false, nil
}

// sealTokens seals toks for the session named hash; the hash is bound in,
// so one session's tokens cannot be moved to another's row.
func (a *Authenticator) sealTokens(hash []byte, toks providerTokens) ([]byte, error) {
	if toks == (providerTokens{}) {
		return nil, nil
	}
	return a.cookies.seal(tokensPurpose(hash), toks)
}

// openTokens reverses sealTokens; nil gives no tokens.
func (a *Authenticator) openTokens(hash, sealed []byte) (providerTokens, error) {
	var toks providerTokens
	if sealed == nil {
		return toks, nil
	}
	err := a.cookies.open(tokensPurpose(hash), sealed, &toks)
	return toks, err
}

func tokensPurpose(hash []byte) string {
	return "session tokens " + base64.RawURLEncoding.EncodeToString(hash)
}
