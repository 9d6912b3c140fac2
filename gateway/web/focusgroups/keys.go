package focusgroups

import (
	"crypto/rand"
	"net/url"
	"regexp"
)

// fKey is the hidden field that carries a creating form's idempotency
// key: made when the form is first shown, kept when it is shown again
// with errors, and sent with the request, so that a double click or a
// resubmitted reload creates one thing and gets the first result back.
const fKey = "sleutel"

// keyPattern is the form of the keys formKey makes (rand.Text: 26
// characters of base32); anything else posted is replaced.
var keyPattern = regexp.MustCompile(`^[A-Z2-7]{26}$`)

// formKey returns the key values carry, or a new one for a form shown for
// the first time (or a key that is not one of ours).
func formKey(values url.Values) string {
	if k := values.Get(fKey); keyPattern.MatchString(k) {
		return k
	}
	return rand.Text()
}
