package poll_test

import (
	"strings"
	"testing"

	"github.com/meedoen/meedoen/services/surveys/internal/poll"
)

func TestValidSlug(t *testing.T) {
	t.Parallel()
	tests := []struct {
		slug string
		want bool
	}{
		{"mantelzorg-velsen", true},
		{"abc", true},
		{"2025-vragenlijst", true},
		{"ab", false},
		{strings.Repeat("a", 60), true},
		{strings.Repeat("a", 61), false},
		{"Mantelzorg", false},
		{"-mantelzorg", false},
		{"mantelzorg-", false},
		{"mantel--zorg", false},
		{"mantel_zorg", false},
		{"mantelzörg", false},
	}
	for _, tt := range tests {
		if got := poll.ValidSlug(tt.slug); got != tt.want {
			t.Errorf("ValidSlug(%q) = %v, want %v", tt.slug, got, tt.want)
		}
	}
}

func TestSlugFrom(t *testing.T) {
	t.Parallel()
	tests := []struct{ title, want string }{
		{"Eenzaamheid in Velsen?", "eenzaamheid-in-velsen"},
		{"  Ouderen & vervoer: de regiotaxi  ", "ouderen-vervoer-de-regiotaxi"},
		{"Café-avond Beverwijk, één keer per maand", "cafe-avond-beverwijk-een-keer-per-maand"},
		{"Ja?", ""},
		{strings.Repeat("woord ", 20), "woord-woord-woord-woord-woord-woord-woord-woord-woord-woord"},
	}
	for _, tt := range tests {
		got := poll.SlugFrom(tt.title)
		if got != tt.want {
			t.Errorf("SlugFrom(%q) = %q, want %q", tt.title, got, tt.want)
		}
		if got != "" && !poll.ValidSlug(got) {
			t.Errorf("SlugFrom(%q) = %q, which is not a valid slug", tt.title, got)
		}
	}
}

func TestParseDecimal(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    string
		wantErr string
	}{
		{in: "12", want: "12"},
		{in: "12,5", want: "12.5"},
		{in: "12.50", want: "12.5"},
		{in: " -0,125 ", want: "-0.125"},
		{in: "+3", want: "3"},
		{in: ",5", want: "0.5"},
		{in: "1.000", want: "1"},
		{in: "1000000000", want: "1000000000"},
		{in: "", wantErr: "is not a number"},
		{in: "12,", wantErr: "is not a number"},
		{in: "1.2.3", wantErr: "is not a number"},
		{in: "1 000", wantErr: "is not a number"},
		{in: "twaalf", wantErr: "is not a number"},
		{in: "0.0001", wantErr: "has more than three decimals"},
		{in: "1000000000.001", wantErr: "is too large"},
		{in: "99999999999", wantErr: "is too large"},
	}
	for _, tt := range tests {
		d, err := poll.ParseDecimal(tt.in)
		switch {
		case tt.wantErr != "":
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("ParseDecimal(%q) = %s, %v; want error %q", tt.in, d, err, tt.wantErr)
			}
		case err != nil:
			t.Errorf("ParseDecimal(%q): %v", tt.in, err)
		case d.String() != tt.want:
			t.Errorf("ParseDecimal(%q) = %s, want %s", tt.in, d, tt.want)
		}
	}
}

func TestDecimalFromFloat(t *testing.T) {
	t.Parallel()
	if d, ok := poll.DecimalFromFloat(0.1 + 0.2); !ok || d.String() != "0.3" {
		t.Errorf("DecimalFromFloat(0.1+0.2) = %s, %v; want 0.3", d, ok)
	}
	if _, ok := poll.DecimalFromFloat(0.0005); ok {
		t.Error("DecimalFromFloat(0.0005) accepted four decimals")
	}
	if got := poll.DecimalFromInt(-42).String(); got != "-42" {
		t.Errorf("DecimalFromInt(-42) = %s", got)
	}
}

func TestTextIn(t *testing.T) {
	t.Parallel()
	both := poll.Text{NL: "Hallo", EN: "Hello"}
	if both.In("en") != "Hello" || both.In("nl") != "Hallo" || nl("Hallo").In("en") != "Hallo" {
		t.Errorf("In: %q %q %q", both.In("en"), both.In("nl"), nl("Hallo").In("en"))
	}
}
