package dutch

import (
	"slices"
	"testing"
)

func TestFormal(t *testing.T) {
	t.Parallel()
	for s, want := range map[string][]string{
		"Heeft u uw postcode bij de hand?":       {"u", "uw"},
		"U kunt het zelf doen, of uzelf melden.": {"U", "uzelf"},
		"Je kunt je postcode invullen.":          nil,
		"Uitnodiging voor de bijeenkomst (u.i.)": {"u"},
		"Vul uw antwoord in; ruw, uur, uitslag.": {"uw"},
	} {
		if got := Formal(s); !slices.Equal(got, want) {
			t.Errorf("Formal(%q) = %q, want %q", s, got, want)
		}
	}
}
