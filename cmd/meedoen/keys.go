package main

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/meedoen/meedoen/internal/auth"
)

// internalKeys returns the signer (nil when this process runs no gateway and
// was given no signing key) and the verifier for internal tokens.
func internalKeys(cfg Config, targets []string) (*auth.Signer, *auth.Verifier, error) {
	var signer *auth.Signer
	switch {
	case cfg.InternalSigningKey != "":
		key, err := auth.ParsePrivateKey(cfg.InternalSigningKey)
		if err != nil {
			return nil, nil, fmt.Errorf("-internal-signing-key: %w", err)
		}
		if signer, err = auth.NewSigner(key); err != nil {
			return nil, nil, err
		}
	case cfg.embedded():
		// One process signs and verifies: a key per start will do, since
		// internal tokens live a minute.
		key, err := auth.GenerateKey()
		if err != nil {
			return nil, nil, err
		}
		if signer, err = auth.NewSigner(key); err != nil {
			return nil, nil, err
		}
	case slices.Contains(targets, gatewayTarget):
		return nil, nil, errors.New("-target=" + cfg.Target + " runs the gateway and needs MEEDOEN_INTERNAL_SIGNING_KEY (make one with: meedoen -new-internal-key)")
	}
	var keys []ed25519.PublicKey
	if signer != nil {
		keys = append(keys, signer.Public())
	}
	for _, s := range strings.Split(cfg.InternalVerifyKeys, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		k, err := auth.ParsePublicKey(s)
		if err != nil {
			return nil, nil, fmt.Errorf("-internal-verify-keys: %w", err)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 && len(targets) > 0 && !(len(targets) == 1 && targets[0] == gatewayTarget) {
		return nil, nil, errors.New("-target=" + cfg.Target + " runs a service and needs MEEDOEN_INTERNAL_VERIFY_KEYS, the gateway's public key (meedoen -new-internal-key prints both)")
	}
	return signer, auth.NewVerifier(keys...), nil
}

// printNewInternalKey prints a fresh signing key and the public key that
// goes with it, as environment settings.
func printNewInternalKey(w io.Writer) error {
	key, err := auth.GenerateKey()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "MEEDOEN_INTERNAL_SIGNING_KEY=%s\n", base64.StdEncoding.EncodeToString(key.Seed()))
	fmt.Fprintf(w, "MEEDOEN_INTERNAL_VERIFY_KEYS=%s\n", auth.EncodePublicKey(key.Public().(ed25519.PublicKey)))
	return nil
}
