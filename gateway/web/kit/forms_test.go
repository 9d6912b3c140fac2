package kit

import (
	"strings"
	"testing"
)

func TestFieldPaths(t *testing.T) {
	t.Parallel()
	fields := []FormField{
		{Path: "/title", Name: "titel"},
		{Path: "/scope", Name: "reikwijdte"},
		{Path: "/scope/participatingMunicipalities", Name: "gemeenten"},
		{Anchor: "top"},
	}
	tests := []struct {
		path, want string
	}{
		{"/title", "titel"},
		{"title", "titel"},
		{"question.title", "titel"},
		{"/scope/participatingMunicipalities", "gemeenten"},
		{"/scope/participatingMunicipalities/2", "gemeenten"},
		{"/scope/participating_municipalities", "gemeenten"},
		{"question.scope.participating_municipalities[1]", "gemeenten"},
		{"/scope/tenant", "reikwijdte"},
		{"/titles", ""},
		{"", ""},
	}
	for _, tc := range tests {
		if got := FieldFor(fields, "question", tc.path); got.Name != tc.want {
			t.Errorf("fieldFor(%q) = %q, want %q", tc.path, got.Name, tc.want)
		}
	}
}

// The reasons the services word alike are said in the page's words, with
// their numbers; any other stays the service's, marked as English.
func TestExplainSaysCommonReasonsInDutch(t *testing.T) {
	t.Parallel()
	cats, err := loadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	for reason, want := range map[string]string{
		"is required": "Vul dit in.",
		"is required when moving back to an earlier phase": "Vul dit in.",
		"must not be empty":                                  "Vul dit in.",
		"must be at most 500 characters":                     "Dit mag hoogstens 500 tekens lang zijn.",
		"must be 1 to 64 characters":                         "Dit moet 1 tot 64 tekens lang zijn.",
		"must be from 1 to 500":                              "Kies een getal van 1 tot en met 500.",
		"must not be in the future":                          "Dit mag niet in de toekomst liggen.",
		"must be a date written YYYY-MM-DD":                  "Vul een datum in als jaar-maand-dag, zoals 2026-12-14.",
		"must be the id (a UUID) of a participation process": "Kies een van de mogelijkheden in de lijst.",
	} {
		fe := Explain(reason)
		if fe.Key == "" {
			t.Errorf("%q stays English", reason)
			continue
		}
		if got, err := cats["nl"].Text(fe.Key, fe.Args...); err != nil || got != want {
			t.Errorf("%q reads %q (%v), want %q", reason, got, err, want)
		}
	}
	if fe := Explain("a reason no service gives"); fe.Key != "" || fe.Lang != ServiceLang || fe.Dutch != "" {
		t.Errorf("an unknown reason: %+v, want the service's words marked English", fe)
	}
	// Any other reason a service gives is in the catalogue of reasons,
	// which words it in Dutch for a Dutch page, its values filled in.
	if fe := Explain("the process is in phase intake; polls open in execute"); fe.Dutch == "" || strings.Contains(fe.Dutch, "phase") {
		t.Errorf("a reason of the catalogue: %+v, want it in Dutch", fe)
	}
}
