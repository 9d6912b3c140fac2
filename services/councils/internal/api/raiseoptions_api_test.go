package api

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/errs"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

// The options a form offers are exactly the origins RaiseQuestion accepts
// from the same caller in the same scope: each is tried for real.
func TestRaiseOptionsAreWhatRaiseQuestionAccepts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.takeUnsolicited(t, "GM0375", "GM0396") // Velsen's council takes only the municipality's questions
	sol, unsol := councilsv1.Origin_ORIGIN_SOLICITED, councilsv1.Origin_ORIGIN_UNSOLICITED
	tests := []struct {
		name         string
		ctx          context.Context
		scope        *councilsv1.Scope
		want         []councilsv1.Origin
		wantRefusing []string
	}{
		{name: "a Velsen member", ctx: velsenMember(), scope: &councilsv1.Scope{Tenant: "GM0453"},
			want: []councilsv1.Origin{}, wantRefusing: []string{"GM0453"}},
		{name: "a Velsen chair", ctx: velsenChair(), scope: &councilsv1.Scope{Tenant: "GM0453"},
			want: []councilsv1.Origin{}, wantRefusing: []string{"GM0453"}},
		{name: "a Velsen officer", ctx: velsenOfficer(), scope: &councilsv1.Scope{Tenant: "GM0453"},
			want: []councilsv1.Origin{sol}, wantRefusing: []string{}},
		{name: "a Beverwijk member", ctx: beverwijkMember(), scope: &councilsv1.Scope{Tenant: "GM0375"},
			want: []councilsv1.Origin{unsol}, wantRefusing: []string{}},
		{name: "a Beverwijk member for the region with Velsen", ctx: beverwijkMember(),
			scope: &councilsv1.Scope{Tenant: "ijmond", ParticipatingMunicipalities: []string{"GM0375", "GM0453"}},
			want:  []councilsv1.Origin{}, wantRefusing: []string{"GM0453"}},
		{name: "a Beverwijk member for the region without Velsen", ctx: beverwijkMember(),
			scope: &councilsv1.Scope{Tenant: "ijmond", ParticipatingMunicipalities: []string{"GM0375", "GM0396"}},
			want:  []councilsv1.Origin{unsol}, wantRefusing: []string{}},
		{name: "a Velsen officer for Beverwijk", ctx: velsenOfficer(), scope: &councilsv1.Scope{Tenant: "GM0375"},
			want: []councilsv1.Origin{}, wantRefusing: []string{}},
		{name: "the coordinator", ctx: ijmondCoord(),
			scope: &councilsv1.Scope{Tenant: "ijmond", ParticipatingMunicipalities: []string{"GM0453"}},
			want:  []councilsv1.Origin{sol}, wantRefusing: []string{"GM0453"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := f.srv.GetRaiseOptions(tc.ctx, &councilsv1.GetRaiseOptionsRequest{Scope: tc.scope})
			if err != nil {
				t.Fatalf("GetRaiseOptions: %v", err)
			}
			if diff := cmp.Diff(tc.want, got.GetOrigins()); diff != "" {
				t.Errorf("origins (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantRefusing, got.GetCouncilsRefusingUnsolicited()); diff != "" {
				t.Errorf("refusing councils (-want +got):\n%s", diff)
			}
			var accepted []councilsv1.Origin
			for _, o := range []councilsv1.Origin{sol, unsol} {
				q := unsolicited(tc.scope.GetTenant(), tc.scope.GetParticipatingMunicipalities()...)
				if o == sol {
					q = solicited(tc.scope.GetTenant(), tc.scope.GetParticipatingMunicipalities()...)
				}
				if _, err := f.srv.RaiseQuestion(tc.ctx, &councilsv1.RaiseQuestionRequest{Question: q}); err == nil {
					accepted = append(accepted, o)
				}
			}
			if diff := cmp.Diff(got.GetOrigins(), accepted, cmp.Comparer(func(a, b []councilsv1.Origin) bool {
				return len(a) == len(b) && (len(a) == 0 || cmp.Equal(a, b))
			})); diff != "" {
				t.Errorf("options and RaiseQuestion disagree (-options +accepted):\n%s", diff)
			}
		})
	}
}

func TestRaiseOptionsNameABadScope(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, err := f.srv.GetRaiseOptions(velsenMember(), &councilsv1.GetRaiseOptionsRequest{Scope: &councilsv1.Scope{Tenant: "nergens"}})
	if code, paths := agendaProblem(err); code != errs.Invalid || !cmp.Equal(paths, []string{"/scope/tenant"}) {
		t.Errorf("error %v, want invalid naming /scope/tenant", err)
	}
}
