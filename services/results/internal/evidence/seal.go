package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// Seal returns the content hash of a published document: the lower-case
// hex SHA-256 of doc's JSON encoding. doc must encode deterministically
// (structs, slices and maps of such; encoding/json sorts map keys), so
// that the same document always hashes alike and anyone holding its JSON
// can check the hash printed on it.
func Seal(doc any) (string, error) {
	b, err := json.Marshal(doc)
	if err != nil {
		return "", fmt.Errorf("sealing document: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}
