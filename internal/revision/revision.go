// Package revision names the stored versions of a resource that people
// edit: the entity tag (RFC 9110) clients read in an ETag header or an
// etag field and send back in If-Match, and the check a change makes
// against the version it was based on, so that of two people editing the
// same thing the second does not silently undo the first's work.
//
// A version is the time the resource last changed, as its store keeps it:
// to the microsecond, and strictly increasing per resource (a store writes
// greatest(now, previous + 1µs)), so that two versions of one resource
// never share a tag, even when the clocks of two replicas disagree. The
// time a poll's builder sends as expectedUpdateTime is the same version
// under another name, checked the same way.
package revision

import (
	"strconv"
	"strings"
	"time"

	"github.com/meedoen/meedoen/internal/errs"
)

// Tag returns the entity tag of the version of a resource that last
// changed at t, without the quotes of an ETag header. Clients treat it as
// opaque.
func Tag(t time.Time) string {
	return strconv.FormatInt(t.UnixMicro(), 36)
}

// Expected is the version a change was based on. The zero value expects
// nothing: the change applies to whatever version is stored.
type Expected struct {
	// field names where the caller sent the version, for the error: a
	// JSON pointer ("/etag") or a parameter ("expectedUpdateTime").
	field string
	at    time.Time
	// unknown marks a tag this package did not make, which no stored
	// version has.
	unknown bool
}

// FromTag returns what a change based on the version tag expects; field
// names where the caller sent it. An empty tag expects nothing. The quotes
// of an ETag header may stay on. A weak tag (W/"…") or one this package
// did not make names no stored version, so a change expecting it is
// refused as stale, as If-Match with such a tag is in HTTP.
func FromTag(field, tag string) Expected {
	if tag == "" {
		return Expected{}
	}
	bare := strings.TrimSuffix(strings.TrimPrefix(tag, `"`), `"`)
	micros, err := strconv.ParseInt(bare, 36, 64)
	if err != nil || bare == "" || Tag(time.UnixMicro(micros)) != bare {
		return Expected{field: field, unknown: true}
	}
	return Expected{field: field, at: time.UnixMicro(micros).UTC()}
}

// FromTime returns what a change based on the version that last changed
// at t expects; field names where the caller sent it. A zero t expects
// nothing. Stored versions have microseconds, so finer digits are dropped.
func FromTime(field string, t time.Time) Expected {
	if t.IsZero() {
		return Expected{}
	}
	return Expected{field: field, at: t.UTC().Truncate(time.Microsecond)}
}

// IsZero reports whether e expects nothing.
func (e Expected) IsZero() bool { return e.at.IsZero() && !e.unknown }

// Check returns nil if current, the time the stored resource last
// changed, is the version every one of expected names, and otherwise a
// Stale error naming where each old version came in. noun names the
// resource for the message ("poll"). Stores call it in the transaction
// that writes, with the resource locked, so that nothing can change
// between the check and the write.
func Check(noun string, current time.Time, expected ...Expected) error {
	var stale []errs.Field
	for _, e := range expected {
		if e.IsZero() || (!e.unknown && e.at.Equal(current)) {
			continue
		}
		stale = append(stale, errs.Field{Path: e.field,
			Reason: "names a version of the " + noun + " that is no longer current: read it again and make the change to what is there now"})
	}
	if len(stale) == 0 {
		return nil
	}
	return &errs.Error{Code: errs.Stale, Message: "the " + noun + " changed since it was read", Fields: stale}
}
