package gateway

import "testing"

func TestCreatesResource(t *testing.T) {
	t.Parallel()
	tests := []struct {
		path, message string
		want          bool
	}{
		{"/api/v1/regions", "Region", true},
		{"/api/v1/municipalities", "Municipality", true},
		{"/api/v1/processes", "Process", true},
		{"/api/v1/questions", "Question", true},
		{"/api/v1/councils/{municipality_code}/members", "Member", true},
		{"/api/v1/processes/{id}/field-activities", "FieldActivity", true},
		{"/api/v1/processes/{id}/declarations", "Declaration", true},
		{"/api/v1/processes/{id}/transitions", "Process", false},
		{"/api/v1/questions/{id}/decisions", "Question", false},
		{"/api/v1/questions/{id}", "Question", false},
	}
	for _, tc := range tests {
		if got := CreatesResource(tc.path, tc.message); got != tc.want {
			t.Errorf("CreatesResource(%q, %q) = %v, want %v", tc.path, tc.message, got, tc.want)
		}
	}
}
