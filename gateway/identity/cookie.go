package identity

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/meedoen/meedoen/internal/auth"
)

// maxCookieBytes keeps a cookie under the 4096 bytes browsers promise to
// store, with room for its name and attributes.
const maxCookieBytes = 3800

// sealer encrypts and authenticates cookie values with AES-256-GCM. The
// GCM tag is the signature: a value changed by a single bit does not open,
// so a separate HMAC would add nothing.
type sealer struct {
	aead cipher.AEAD
}

func newSealer(secret []byte) (*sealer, error) {
	// Derived rather than used as is, so the configured secret may have any
	// length and is never itself an AES key.
	key, err := hkdf.Key(sha256.New, secret, nil, "meedoen gateway cookies v1", 32)
	if err != nil {
		return nil, fmt.Errorf("deriving cookie key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("cookie cipher: %w", err)
	}
	aead, err := cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		return nil, fmt.Errorf("cookie cipher: %w", err)
	}
	return &sealer{aead: aead}, nil
}

// seal returns v as an encrypted cookie value. The cookie's name is bound
// in as additional data, so one kind of cookie cannot pass for another.
func (s *sealer) seal(name string, v any) (string, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encoding %s cookie: %w", name, err)
	}
	out := base64.RawURLEncoding.EncodeToString(s.aead.Seal(nil, nil, plain, []byte(name)))
	if len(out) > maxCookieBytes {
		return "", fmt.Errorf("%s cookie would have %d bytes, more than browsers keep", name, len(out))
	}
	return out, nil
}

// errBadCookie means a cookie was forged, altered, sealed with another key
// or for another purpose.
var errBadCookie = errors.New("cookie does not open")

// open reverses seal.
func (s *sealer) open(name, value string, v any) error {
	if len(value) > maxCookieBytes {
		return errBadCookie
	}
	sealed, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil {
		return errBadCookie
	}
	plain, err := s.aead.Open(nil, nil, sealed, []byte(name))
	if err != nil {
		return errBadCookie
	}
	if err := json.Unmarshal(plain, v); err != nil {
		return fmt.Errorf("decoding %s cookie: %w", name, err)
	}
	return nil
}

// session is the session cookie's content.
type session struct {
	Subject string       `json:"sub"`
	Name    string       `json:"name,omitempty"`
	Grants  []auth.Grant `json:"grants"`
	Expires int64        `json:"exp"` // unix seconds; the cookie's Max-Age is only advice to the browser
}

// loginState carries a login from LoginHandler to CallbackHandler.
type loginState struct {
	State    string `json:"state"`
	Nonce    string `json:"nonce"`
	Verifier string `json:"verifier"` // PKCE code_verifier
	ReturnTo string `json:"returnTo"`
	Expires  int64  `json:"exp"`
}

func (a *Authenticator) setSession(w http.ResponseWriter, id auth.Identity) error {
	val, err := a.cookies.seal(SessionCookie, session{
		Subject: id.Subject,
		Name:    id.Name,
		Grants:  id.Grants,
		Expires: time.Now().Add(a.cfg.SessionTTL).Unix(),
	})
	if err != nil {
		return err
	}
	http.SetCookie(w, a.cookie(SessionCookie, "/", val, a.cfg.SessionTTL))
	return nil
}

// sessionFrom returns the identity of a valid, unexpired session cookie.
func (a *Authenticator) sessionFrom(r *http.Request) (auth.Identity, bool) {
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return auth.Identity{}, false
	}
	var s session
	if err := a.cookies.open(SessionCookie, c.Value, &s); err != nil {
		a.log.DebugContext(r.Context(), "ignoring session cookie", "error", err)
		return auth.Identity{}, false
	}
	if s.Subject == "" || time.Now().Unix() >= s.Expires {
		return auth.Identity{}, false
	}
	return auth.Identity{Subject: s.Subject, Name: s.Name, Grants: s.Grants}, true
}

// cookie builds one of the gateway's cookies; a zero ttl deletes it.
func (a *Authenticator) cookie(name, path, value string, ttl time.Duration) *http.Cookie {
	c := &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     path,
		MaxAge:   int(ttl / time.Second),
		HttpOnly: true,
		Secure:   a.cfg.SecureCookies,
		// Lax, not Strict: the callback is a top-level navigation from the
		// provider's site and must carry the login cookie.
		SameSite: http.SameSiteLaxMode,
	}
	if ttl <= 0 {
		c.MaxAge = -1
		c.Value = ""
	}
	return c
}
