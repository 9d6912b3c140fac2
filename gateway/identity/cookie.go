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
)

// maxCookieBytes keeps a cookie under the 4096 bytes browsers promise to
// store, with room for its name and attributes.
const maxCookieBytes = 3800

// sealer encrypts and authenticates values with AES-256-GCM: the gateway's
// cookies, and the provider's tokens it keeps with a session. The GCM tag
// is the signature: a value changed by a single bit does not open, so a
// separate HMAC would add nothing.
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

// seal returns v encrypted. purpose is bound in as additional data, so a
// value sealed for one purpose (one kind of cookie, one session's tokens)
// cannot pass for another.
func (s *sealer) seal(purpose string, v any) ([]byte, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encoding %s: %w", purpose, err)
	}
	return s.aead.Seal(nil, nil, plain, []byte(purpose)), nil
}

// errBadCookie means a sealed value was forged, altered, sealed with
// another key or for another purpose.
var errBadCookie = errors.New("cookie does not open")

// open reverses seal.
func (s *sealer) open(purpose string, sealed []byte, v any) error {
	plain, err := s.aead.Open(nil, nil, sealed, []byte(purpose))
	if err != nil {
		return errBadCookie
	}
	if err := json.Unmarshal(plain, v); err != nil {
		return fmt.Errorf("decoding %s: %w", purpose, err)
	}
	return nil
}

// sealCookie returns v as the value of the cookie called name.
func (s *sealer) sealCookie(name string, v any) (string, error) {
	sealed, err := s.seal(name, v)
	if err != nil {
		return "", err
	}
	out := base64.RawURLEncoding.EncodeToString(sealed)
	if len(out) > maxCookieBytes {
		return "", fmt.Errorf("%s cookie would have %d bytes, more than browsers keep", name, len(out))
	}
	return out, nil
}

// openCookie reverses sealCookie.
func (s *sealer) openCookie(name, value string, v any) error {
	if len(value) > maxCookieBytes {
		return errBadCookie
	}
	sealed, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil {
		return errBadCookie
	}
	return s.open(name, sealed, v)
}

// loginState carries a login from LoginHandler to CallbackHandler.
type loginState struct {
	State    string `json:"state"`
	Nonce    string `json:"nonce"`
	Verifier string `json:"verifier"` // PKCE code_verifier
	ReturnTo string `json:"returnTo"`
	Expires  int64  `json:"exp"`
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
