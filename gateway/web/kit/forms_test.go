package kit

import (
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
