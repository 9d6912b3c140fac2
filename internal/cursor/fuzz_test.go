package cursor

import (
	"testing"

	"github.com/meedoen/meedoen/internal/textcheck"
)

// FuzzDecode: a cursor either decodes to text that Encode spells back as
// the same cursor, or is refused with the one Invalid error naming
// "cursor"; it never panics. testdata/fuzz/FuzzDecode holds the probe's
// cursors.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{"", "AA", "R00wNDUz", "aWptb25k", "AEdNMDQ1Mw", "_w", "YR", "R00w\nNDUz", "MDE5MGYwZTAtMDAwMC03MDAwLTgwMDAtMDAwMDAwMDAwMDAw"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, c string) {
		for name, valid := range map[string]func(string) bool{"any": nil, "uuid": UUID, "int": Int} {
			key, err := Decode(c, valid)
			if err != nil {
				checkRefused(t, err)
				continue
			}
			if !textcheck.Valid(key) {
				t.Errorf("%s: Decode(%q) accepted %q, which is not text", name, c, key)
			}
			if c != "" && Encode(key) != c {
				t.Errorf("%s: Decode(%q) = %q, which Encode spells %q", name, c, key, Encode(key))
			}
			if valid != nil && key != "" && !valid(key) {
				t.Errorf("%s: Decode(%q) accepted %q, which the rule refuses", name, c, key)
			}
		}
	})
}

// FuzzEncode: every key that is text survives the round trip.
func FuzzEncode(f *testing.F) {
	for _, seed := range []string{"GM0453", "ijmond", "42", "Zoë"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, key string) {
		if !textcheck.Valid(key) || key == "" || len(Encode(key)) > maxLen {
			return
		}
		got, err := Decode(Encode(key), nil)
		if err != nil || got != key {
			t.Errorf("Decode(Encode(%q)) = %q, %v", key, got, err)
		}
	})
}
