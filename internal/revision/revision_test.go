package revision

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/errs"
)

func TestTagNamesTheVersionItWasMadeFrom(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 4, 5, 6, 7, 891011000, time.UTC)
	tests := []struct {
		name string
		tag  string
	}{
		{"bare", Tag(at)},
		{"quoted as in an ETag header", `"` + Tag(at) + `"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := Check("poll", at, FromTag("/etag", tt.tag)); err != nil {
				t.Errorf("Check(FromTag(%q)) = %v, want nil", tt.tag, err)
			}
		})
	}
	if Tag(at) == Tag(at.Add(time.Microsecond)) {
		t.Errorf("versions a microsecond apart share the tag %q", Tag(at))
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	stored := time.Date(2026, 3, 4, 5, 6, 7, 891011000, time.UTC)
	older := stored.Add(-time.Second)
	stale := func(fields ...string) error {
		e := &errs.Error{Code: errs.Stale, Message: "the poll changed since it was read"}
		for _, f := range fields {
			e.Fields = append(e.Fields, errs.Field{Path: f,
				Reason: "names a version of the poll that is no longer current: read it again and make the change to what is there now"})
		}
		return e
	}
	tests := []struct {
		name     string
		expected []Expected
		want     error
	}{
		{"nothing expected", nil, nil},
		{"an empty tag expects nothing", []Expected{FromTag("/etag", "")}, nil},
		{"a zero time expects nothing", []Expected{FromTime("expectedUpdateTime", time.Time{})}, nil},
		{"the stored version", []Expected{FromTag("/etag", Tag(stored))}, nil},
		{"the stored time, finer than stored", []Expected{FromTime("expectedUpdateTime", stored.Add(400*time.Nanosecond))}, nil},
		{"the same version by tag and by time", []Expected{FromTag("/etag", Tag(stored)), FromTime("expectedUpdateTime", stored)}, nil},
		{"an older version", []Expected{FromTag("/etag", Tag(older))}, stale("/etag")},
		{"an older time", []Expected{FromTime("expectedUpdateTime", older)}, stale("expectedUpdateTime")},
		{"a weak tag never matches", []Expected{FromTag("If-Match", `W/"`+Tag(stored)+`"`)}, stale("If-Match")},
		{"a tag this package did not make", []Expected{FromTag("/etag", "not-a-version")}, stale("/etag")},
		{"a tag with a leading zero", []Expected{FromTag("/etag", "0"+Tag(stored))}, stale("/etag")},
		{"only the old one of two is named", []Expected{FromTag("/etag", Tag(stored)), FromTime("expectedUpdateTime", older)}, stale("expectedUpdateTime")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Check("poll", stored, tt.expected...)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Check (-want +got):\n%s", diff)
			}
		})
	}
}
