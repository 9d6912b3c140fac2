package member_test

import (
	"testing"
	"time"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/focusgroups/internal/group"
	"github.com/meedoen/meedoen/services/focusgroups/internal/member"
)

var now = time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)

func TestResidentsNeedAddressAndConsent(t *testing.T) {
	tests := []struct {
		name string
		spec member.Spec
		want []string
	}{
		{"no address, no consent", member.Spec{Kind: member.Resident, Role: "client", Name: "Ans"}, []string{"/email", "/consent/method", "/consent/time"}},
		{"consent in the future", member.Spec{Kind: member.Resident, Role: "client", Name: "Ans", Email: "ans@example.nl",
			Consent: member.Consent{Method: member.ByPhone, At: now.Add(time.Hour)}}, []string{"/consent/time"}},
		{"staff with consent and no login", member.Spec{Kind: member.Staff, Role: "council_member", Name: "Piet",
			Consent: member.Consent{Method: member.ByPhone, At: now}}, []string{"/subject", "/consent"}},
		{"an address with a name in it", member.Spec{Kind: member.Resident, Role: "client", Name: "Ans", Email: "Ans <ans@example.nl>",
			Consent: member.Consent{Method: member.InPerson, At: now}}, []string{"/email"}},
		{"no role", member.Spec{Kind: member.Staff, Name: "Piet", Subject: "piet"}, []string{"/role"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := member.New(tt.spec, now)
			e, ok := err.(*errs.Error)
			if !ok {
				t.Fatalf("got %v, want invalid", err)
			}
			var got []string
			for _, f := range e.Fields {
				got = append(got, f.Path)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("fields %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("fields %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestEraseKeepsRole(t *testing.T) {
	m, err := member.New(member.Spec{Kind: member.Resident, Role: "informal_carer", Name: "Ans", Email: "ans@example.nl",
		Consent: member.Consent{Method: member.InPerson, At: now, RecordedBy: "organiser"}}, now)
	if err != nil {
		t.Fatal(err)
	}
	m.Erase(now)
	if m.Name() != "" || m.Email() != "" || m.Consent().RecordedBy != "" || m.Role() != "informal_carer" || m.Status() != member.Erased {
		t.Errorf("erased: %+v", m.Record())
	}
	if err := m.Leave(now); errs.CodeOf(err) != errs.FailedPrecondition {
		t.Errorf("an erased member leaving: %v", err)
	}
}

// A member's role is one of their group's tenant's roles.
func TestARoleOfTheTenant(t *testing.T) {
	t.Parallel()
	c, err := group.NewCatalog(map[string][]group.Role{"GM0396": {{Key: "youth_worker", NL: "Jongerenwerker", EN: "Youth worker"}}})
	if err != nil {
		t.Fatal(err)
	}
	spec := member.Spec{GroupID: "g", Kind: member.Staff, Role: "youth_worker", Name: "Jo", Subject: "jo"}
	for tenant, ok := range map[string]bool{"GM0396": true, "GM0375": false} {
		spec.Roles = c.For(tenant)
		_, err := member.New(spec, now)
		if got := err == nil; got != ok {
			t.Errorf("a youth worker in a group of %s: %v", tenant, err)
		}
	}
}
