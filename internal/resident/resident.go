// Package resident is how residents are recognised without an account.
//
// Residents never log in. Three ways identify "the same respondent" for the
// one-answer-per-person rule, each storing as little as possible:
//
//   - An invitation link carries a single-use token: 32 random bytes,
//     base64url. Only its SHA-256 hash is stored (by the surveys service),
//     so a database leak yields no usable links.
//   - An open link gives each browser a respondent cookie: a random id,
//     sealed (AES-GCM) so it cannot be forged or guessed, HttpOnly, with a
//     rate limit beside it at the gateway.
//   - Later, DigiD through an OpenID Connect broker: the citizen service
//     number (BSN) is turned into a keyed hash (HMAC-SHA256 with a key only
//     the surveys service holds) at once and never stored or logged itself.
//
// All three become a respondent key, which is what a response row may carry.
package resident

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// tokenBytes is the entropy of invitation tokens and browser ids.
const tokenBytes = 32

func randomToken() (string, error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// NewInvitationToken returns a token for one invitation link and the hash
// to store in its place.
func NewInvitationToken() (token string, hash []byte, err error) {
	token, err = randomToken()
	if err != nil {
		return "", nil, err
	}
	return token, HashInvitationToken(token), nil
}

// ErrMalformedToken means a token is not one this package issued.
var ErrMalformedToken = errors.New("malformed token")

// HashInvitationToken is the stored form of a token, for lookup.
func HashInvitationToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// CheckInvitationToken rejects what cannot be a token before any lookup.
func CheckInvitationToken(token string) error {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) != tokenBytes {
		return ErrMalformedToken
	}
	return nil
}

// Pseudonymizer turns citizen service numbers into stable pseudonyms.
type Pseudonymizer struct {
	key []byte
}

// NewPseudonymizer returns a pseudonymizer with a secret key of at least
// 32 bytes. Changing the key changes every pseudonym.
func NewPseudonymizer(key []byte) (*Pseudonymizer, error) {
	if len(key) < 32 {
		return nil, errors.New("pseudonym key: want at least 32 bytes")
	}
	return &Pseudonymizer{key: append([]byte(nil), key...)}, nil
}

// ErrInvalidBSN means a citizen service number fails the eleven test.
var ErrInvalidBSN = errors.New("invalid citizen service number")

// Pseudonym returns the keyed hash of a BSN. The BSN itself must not be kept.
func (p *Pseudonymizer) Pseudonym(bsn string) (string, error) {
	if !validBSN(bsn) {
		return "", ErrInvalidBSN
	}
	m := hmac.New(sha256.New, p.key)
	m.Write([]byte("bsn:" + bsn))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)), nil
}

// validBSN applies the eleven test (elfproef) of Dutch citizen numbers.
func validBSN(s string) bool {
	if len(s) == 8 {
		s = "0" + s
	}
	if len(s) != 9 {
		return false
	}
	sum := 0
	for i, r := range s {
		if r < '0' || r > '9' {
			return false
		}
		w := 9 - i
		if i == 8 {
			w = -1
		}
		sum += w * int(r-'0')
	}
	return sum != 0 && sum%11 == 0
}

// CookieName is the respondent cookie of open links.
const CookieName = "meedoen_respondent"

// Cookies issues and reads sealed respondent cookies.
type Cookies struct {
	aead   cipher.AEAD
	secure bool
	maxAge time.Duration
}

// NewCookies returns a cookie sealer with a 32-byte key. secure sets the
// Secure attribute (everywhere but plain-HTTP development).
func NewCookies(key []byte, secure bool) (*Cookies, error) {
	if len(key) != 32 {
		return nil, errors.New("respondent cookie key: want 32 bytes")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("respondent cookie key: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("respondent cookie key: %w", err)
	}
	return &Cookies{aead: aead, secure: secure, maxAge: 365 * 24 * time.Hour}, nil
}

// Respondent returns the browser's respondent id, setting a new cookie when
// the request has none or a forged one.
func (c *Cookies) Respondent(w http.ResponseWriter, r *http.Request) (string, error) {
	if id, ok := c.Read(r); ok {
		return id, nil
	}
	id, err := randomToken()
	if err != nil {
		return "", err
	}
	nonce := make([]byte, c.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("respondent cookie: %w", err)
	}
	sealed := c.aead.Seal(nonce, nonce, []byte(id), []byte(CookieName))
	http.SetCookie(w, &http.Cookie{
		Name:     CookieName,
		Value:    base64.RawURLEncoding.EncodeToString(sealed),
		Path:     "/",
		MaxAge:   int(c.maxAge.Seconds()),
		HttpOnly: true,
		Secure:   c.secure,
		SameSite: http.SameSiteLaxMode,
	})
	return id, nil
}

// Read returns the respondent id of a valid cookie.
func (c *Cookies) Read(r *http.Request) (string, bool) {
	ck, err := r.Cookie(CookieName)
	if err != nil {
		return "", false
	}
	raw, err := base64.RawURLEncoding.DecodeString(ck.Value)
	if err != nil || len(raw) < c.aead.NonceSize() {
		return "", false
	}
	nonce, sealed := raw[:c.aead.NonceSize()], raw[c.aead.NonceSize():]
	id, err := c.aead.Open(nil, nonce, sealed, []byte(CookieName))
	if err != nil {
		return "", false
	}
	return string(id), true
}
