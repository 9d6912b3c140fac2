// Package cursor makes and reads the opaque cursors that list methods page
// with: the key of a page's last item, base64url without padding. Every
// service pages with it, so that each refuses a cursor it did not hand out
// in the same words, before the key reaches a query: a key holding a NUL
// would fail in PostgreSQL as an internal error, and one of the wrong form
// could make a query compare what cannot be compared.
package cursor

import (
	"encoding/base64"
	"strconv"

	"github.com/google/uuid"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/textcheck"
)

// maxLen bounds a cursor: the keys lists page by (ids, codes, sequence
// numbers) are far shorter.
const maxLen = 256

// Encode returns the cursor of a page that ends at key.
func Encode(key string) string { return base64.RawURLEncoding.EncodeToString([]byte(key)) }

// Decode returns the key in cursor c, and "" for "" (the first page). valid
// says whether a key is one the list hands out; nil takes any text. A
// cursor Encode could not have made for a valid key (not base64url in
// Encode's own spelling, too long, a key that is not text) is refused with
// an errs.Invalid error naming the parameter "cursor".
func Decode(c string, valid func(key string) bool) (string, error) {
	if c == "" {
		return "", nil
	}
	if len(c) > maxLen {
		return "", refused()
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	key := string(b)
	// Decoding tolerates line breaks and stray bits that Encode never
	// writes; only its own spelling of a key is a cursor.
	if err != nil || Encode(key) != c || !textcheck.Valid(key) || (valid != nil && !valid(key)) {
		return "", refused()
	}
	return key, nil
}

// UUID accepts the keys of lists ordered by id: a UUID as the services
// write it, lower-case with hyphens.
func UUID(key string) bool {
	u, err := uuid.Parse(key)
	return err == nil && u.String() == key
}

// Int accepts the keys of lists ordered by a sequence number: a decimal
// int64 as strconv.FormatInt writes it.
func Int(key string) bool {
	n, err := strconv.ParseInt(key, 10, 64)
	return err == nil && strconv.FormatInt(n, 10) == key
}

// Next ends a page. Every list reads one item more than it shows, limit+1,
// to know whether another page follows: Next cuts list to limit and
// returns the cursor of the next page (the key of the page's last item),
// or "" when this is the last page.
func Next[T any](list []T, limit int, key func(T) string) ([]T, string) {
	if len(list) <= limit {
		return list, ""
	}
	list = list[:limit]
	return list, Encode(key(list[len(list)-1]))
}

// DefaultLimit is the page size of a list request that names none.
const DefaultLimit = 20

// MaxLimit is the largest page size a list request may ask for.
const MaxLimit = 100

// LimitReason is the one answer to a limit outside 1 to MaxLimit, from the
// services and from the gateway alike.
var LimitReason = "must be between 1 and " + strconv.Itoa(MaxLimit)

// ValidLimit reports whether limit is a page size a caller may ask for.
func ValidLimit(limit int32) bool { return limit >= 1 && limit <= MaxLimit }

// Limit returns the page size a list request asks for: limit, or
// DefaultLimit for 0, which is how proto3 says a gRPC caller named none
// (over REST the gateway refuses limit=0 before it gets here). ok is
// false for a limit outside 1 to MaxLimit; answer it with LimitReason.
func Limit(limit int32) (n int, ok bool) {
	if limit == 0 {
		return DefaultLimit, true
	}
	return int(limit), ValidLimit(limit)
}

// refused is the one answer to a cursor that is not one.
func refused() error {
	return &errs.Error{Code: errs.Invalid, Message: "invalid input",
		Fields: []errs.Field{{Path: "cursor", Reason: "is not a cursor this API returned"}}}
}
