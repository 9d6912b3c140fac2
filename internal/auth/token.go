package auth

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Issuer and audience of internal tokens.
const (
	internalIssuer   = "urn:nld:meedoen:systeem:gateway"
	internalAudience = "urn:nld:meedoen:services"
)

// ErrInvalidToken means a token was missing, malformed, expired, or not
// signed by the expected key.
var ErrInvalidToken = errors.New("invalid token")

// Signer issues internal tokens; only the gateway (and the binary's demo
// loader) holds one.
type Signer struct {
	key    ed25519.PrivateKey
	kid    string
	signer jose.Signer
}

// NewSigner returns a signer for an Ed25519 private key.
func NewSigner(key ed25519.PrivateKey) (*Signer, error) {
	kid := keyID(key.Public().(ed25519.PublicKey))
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.EdDSA, Key: key},
		(&jose.SignerOptions{}).WithType("JWT").WithHeader("kid", kid))
	if err != nil {
		return nil, fmt.Errorf("internal token signer: %w", err)
	}
	return &Signer{key: key, kid: kid, signer: s}, nil
}

// GenerateKey makes a fresh Ed25519 key, for one process that both signs and
// verifies (-target=all).
func GenerateKey() (ed25519.PrivateKey, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating internal signing key: %w", err)
	}
	return priv, nil
}

// ParsePrivateKey reads a base64 (standard or URL) Ed25519 seed of 32 bytes.
func ParsePrivateKey(s string) (ed25519.PrivateKey, error) {
	b, err := decodeBase64(s)
	if err != nil || len(b) != ed25519.SeedSize {
		return nil, errors.New("internal signing key: want a base64-encoded 32-byte Ed25519 seed")
	}
	return ed25519.NewKeyFromSeed(b), nil
}

// ParsePublicKey reads a base64 (standard or URL) Ed25519 public key.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	b, err := decodeBase64(s)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, errors.New("internal verification key: want a base64-encoded 32-byte Ed25519 public key")
	}
	return ed25519.PublicKey(b), nil
}

// EncodePublicKey is the base64 form ParsePublicKey reads.
func EncodePublicKey(k ed25519.PublicKey) string { return base64.StdEncoding.EncodeToString(k) }

func decodeBase64(s string) ([]byte, error) {
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawURLEncoding.DecodeString(s)
}

func keyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// Public returns the key services verify with.
func (s *Signer) Public() ed25519.PublicKey { return s.key.Public().(ed25519.PublicKey) }

type internalClaims struct {
	jwt.Claims
	Name   string  `json:"name,omitempty"`
	Grants []Grant `json:"grants"`
}

// Sign issues a token for id, valid for ttl.
func (s *Signer) Sign(id Identity, ttl time.Duration) (string, error) {
	now := time.Now()
	c := internalClaims{
		Claims: jwt.Claims{
			Issuer:    internalIssuer,
			Audience:  jwt.Audience{internalAudience},
			Subject:   id.Subject,
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now.Add(-5 * time.Second)),
			Expiry:    jwt.NewNumericDate(now.Add(ttl)),
		},
		Name:   id.Name,
		Grants: id.Grants,
	}
	tok, err := jwt.Signed(s.signer).Claims(c).Serialize()
	if err != nil {
		return "", fmt.Errorf("signing internal token: %w", err)
	}
	return tok, nil
}

// Verifier checks internal tokens; every service holds one.
type Verifier struct {
	keys []ed25519.PublicKey
}

// NewVerifier returns a verifier accepting tokens signed by any of keys (more
// than one during a key rotation).
func NewVerifier(keys ...ed25519.PublicKey) *Verifier { return &Verifier{keys: keys} }

// Verify returns the identity a valid token carries.
func (v *Verifier) Verify(token string) (Identity, error) {
	t, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.EdDSA})
	if err != nil {
		return Identity{}, fmt.Errorf("%w: %v", ErrInvalidToken, err)
	}
	var c internalClaims
	verified := false
	for _, k := range v.keys {
		if err := t.Claims(k, &c); err == nil {
			verified = true
			break
		}
	}
	if !verified {
		return Identity{}, fmt.Errorf("%w: signature not by a trusted key", ErrInvalidToken)
	}
	if err := c.Claims.ValidateWithLeeway(jwt.Expected{
		Issuer:      internalIssuer,
		AnyAudience: jwt.Audience{internalAudience},
		Time:        time.Now(),
	}, 5*time.Second); err != nil {
		return Identity{}, fmt.Errorf("%w: %v", ErrInvalidToken, err)
	}
	if c.Subject == "" {
		return Identity{}, fmt.Errorf("%w: no subject", ErrInvalidToken)
	}
	return Identity{Subject: c.Subject, Name: c.Name, Grants: c.Grants}, nil
}
