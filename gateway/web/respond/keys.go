package respond

// The keys of the resident's pages: the idempotency key of each shown
// form, and the sealed cookie that tells browsers apart on open links.

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"regexp"

	"github.com/meedoen/meedoen/internal/resident"
)

// idempotencyKeyPattern is the form of the keys newIdempotencyKey makes;
// anything else posted is replaced.
var idempotencyKeyPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{22}$`)

// newIdempotencyKey makes the key of one shown form: 128 random bits,
// enough that two forms never share one.
func newIdempotencyKey() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// respondentCookies returns the sealer for r: with the Secure flag
// whenever the site is reached over TLS.
func (s *Pages) respondentCookies(r *http.Request) *resident.Cookies {
	if s.kit.Secure(r) {
		return s.respondents.secure
	}
	return s.respondents.plain
}

// respondentSealers seal the open links' respondent cookies with one key,
// with and without the Secure flag.
type respondentSealers struct {
	secure, plain *resident.Cookies
}

func newRespondentSealers(key []byte) (respondentSealers, error) {
	secure, err := resident.NewCookies(key, true)
	if err != nil {
		return respondentSealers{}, err
	}
	plain, err := resident.NewCookies(key, false)
	if err != nil {
		return respondentSealers{}, err
	}
	return respondentSealers{secure: secure, plain: plain}, nil
}
