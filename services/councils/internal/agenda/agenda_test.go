package agenda_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/councils/internal/agenda"
	"github.com/meedoen/meedoen/services/councils/internal/council"
)

// ijmond is the demo directory: Velsen only takes questions from the
// municipality, Beverwijk and Heemskerk also raise their own; Zaanstad is
// in another region.
func ijmond() agenda.Directory {
	return agenda.Directory{
		Themes: map[string]bool{"mantelzorg": true, "minimabeleid": true},
		Municipalities: map[string]agenda.Municipality{
			"GM0453": {Name: "Velsen", RegionID: "ijmond"},
			"GM0375": {Name: "Beverwijk", RegionID: "ijmond", TakesUnsolicited: true},
			"GM0396": {Name: "Heemskerk", RegionID: "ijmond", TakesUnsolicited: true},
			"GM0479": {Name: "Zaanstad", RegionID: "zaanstreek", TakesUnsolicited: true},
		},
		Regions: map[string]bool{"ijmond": true, "zaanstreek": true},
	}
}

var (
	today = council.NewDate(2025, time.March, 10)
	now   = time.Date(2025, 3, 10, 9, 30, 0, 0, time.UTC)
)

// fields returns the paths of an *errs.Error's fields, and its code.
func fields(t *testing.T, err error) (errs.Code, []string) {
	t.Helper()
	if err == nil {
		return "", nil
	}
	var e *errs.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not a domain error", err)
	}
	var paths []string
	for _, f := range e.Fields {
		paths = append(paths, f.Path)
	}
	return e.Code, paths
}

func TestNewScopeTellsLocalFromRegionalWork(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name             string
		tenant           string
		participants     []string
		wantPaths        []string
		wantRegional     bool
		wantParticipants []string
	}{
		{name: "one municipality", tenant: "GM0375"},
		{name: "a region with its municipalities, named twice and unsorted", tenant: "ijmond",
			participants: []string{"GM0453", "GM0375", "GM0453"}, wantRegional: true, wantParticipants: []string{"GM0375", "GM0453"}},
		{name: "no tenant", wantPaths: []string{"/scope/tenant"}},
		{name: "unknown tenant", tenant: "GM9999", wantPaths: []string{"/scope/tenant"}},
		{name: "local work with participants", tenant: "GM0375", participants: []string{"GM0453"},
			wantPaths: []string{"/scope/participatingMunicipalities"}},
		{name: "regional work without participants", tenant: "ijmond",
			wantPaths: []string{"/scope/participatingMunicipalities"}},
		{name: "a participant outside the region and an unknown one", tenant: "ijmond",
			participants: []string{"GM0453", "GM0479", "GM9999"},
			wantPaths:    []string{"/scope/participatingMunicipalities/1", "/scope/participatingMunicipalities/2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, v := agenda.NewScope(tc.tenant, tc.participants, ijmond())
			_, paths := fields(t, v.Err())
			if diff := cmp.Diff(tc.wantPaths, paths); diff != "" {
				t.Fatalf("violations (-want +got):\n%s", diff)
			}
			if len(tc.wantPaths) > 0 {
				return
			}
			if s.Regional() != tc.wantRegional || s.Tenant() != tc.tenant {
				t.Errorf("scope %q regional=%v, want %q regional=%v", s.Tenant(), s.Regional(), tc.tenant, tc.wantRegional)
			}
			if diff := cmp.Diff(tc.wantParticipants, s.Participants()); diff != "" {
				t.Errorf("participants (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewQuestionListsEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	solicited := agenda.Draft{Title: "Mantelzorgwaardering", Theme: "mantelzorg", Origin: agenda.Solicited,
		Tenant: "GM0375", AdviceNeededBy: "2025-06-01"}
	tests := []struct {
		name      string
		change    func(d *agenda.Draft)
		wantPaths []string
	}{
		{name: "a solicited question", change: func(*agenda.Draft) {}},
		{name: "advice needed today", change: func(d *agenda.Draft) { d.AdviceNeededBy = "2025-03-10" }},
		{name: "an unsolicited question needs no date", change: func(d *agenda.Draft) { d.Origin, d.AdviceNeededBy = agenda.Unsolicited, "" }},
		{name: "solicited without a date", change: func(d *agenda.Draft) { d.AdviceNeededBy = "" },
			wantPaths: []string{"/adviceNeededBy"}},
		{name: "a date in the past", change: func(d *agenda.Draft) { d.AdviceNeededBy = "2025-03-09" },
			wantPaths: []string{"/adviceNeededBy"}},
		{name: "not a date", change: func(d *agenda.Draft) { d.AdviceNeededBy = "1 juni" },
			wantPaths: []string{"/adviceNeededBy"}},
		{name: "everything wrong", change: func(d *agenda.Draft) {
			*d = agenda.Draft{Title: "  ", Description: string(make([]rune, 4001)), Theme: "sport", Tenant: "ijmond"}
		}, wantPaths: []string{"/scope/participatingMunicipalities", "/title", "/description", "/theme", "/origin"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := solicited
			tc.change(&d)
			q, err := agenda.NewQuestion(d, ijmond(), "po-1", today, now)
			code, paths := fields(t, err)
			if diff := cmp.Diff(tc.wantPaths, paths); diff != "" {
				t.Fatalf("violations (-want +got):\n%s", diff)
			}
			if err != nil {
				if code != errs.Invalid {
					t.Errorf("code %q, want invalid", code)
				}
				return
			}
			if q.Status() != agenda.Open || q.RaisedBy() != "po-1" || q.ID() == "" {
				t.Errorf("new question is %s, raised by %q, id %q; want open, po-1, an id", q.Status(), q.RaisedBy(), q.ID())
			}
		})
	}
}

func TestUnsolicitedQuestionsNeedEveryCouncilConcernedToTakeThem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		origin       agenda.Origin
		tenant       string
		participants []string
		wantRefusal  string
	}{
		{name: "Beverwijk raises its own", origin: agenda.Unsolicited, tenant: "GM0375"},
		{name: "Velsen only takes the municipality's", origin: agenda.Unsolicited, tenant: "GM0453",
			wantRefusal: "the council of Velsen only takes questions from the municipality"},
		{name: "Velsen takes a solicited question", origin: agenda.Solicited, tenant: "GM0453"},
		{name: "regional with Beverwijk and Heemskerk", origin: agenda.Unsolicited, tenant: "ijmond",
			participants: []string{"GM0375", "GM0396"}},
		{name: "regional with Velsen", origin: agenda.Unsolicited, tenant: "ijmond",
			participants: []string{"GM0375", "GM0453"},
			wantRefusal:  "the council of Velsen only takes questions from the municipality"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := agenda.Draft{Title: "Wachtlijst huishoudelijke hulp", Theme: "mantelzorg", Origin: tc.origin,
				Tenant: tc.tenant, Participants: tc.participants, AdviceNeededBy: "2025-06-01"}
			q, err := agenda.NewQuestion(d, ijmond(), "cm-1", today, now)
			if err != nil {
				t.Fatal(err)
			}
			err = q.CheckCouncils(ijmond())
			if tc.wantRefusal == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var e *errs.Error
			if !errors.As(err, &e) || e.Code != errs.FailedPrecondition {
				t.Fatalf("error %v, want a failed precondition", err)
			}
			want := []errs.Field{{Path: "/origin", Reason: tc.wantRefusal}}
			if diff := cmp.Diff(want, e.Fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecideTakesOnlyOpenQuestionsAndRejectionsNeedAReason(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		status     agenda.Status
		accept     bool
		reason     string
		wantCode   errs.Code
		wantStatus agenda.Status
	}{
		{name: "accept an open question", status: agenda.Open, accept: true, wantStatus: agenda.Accepted},
		{name: "reject with a reason", status: agenda.Open, reason: "valt buiten ons werkterrein", wantStatus: agenda.Rejected},
		{name: "reject without a reason", status: agenda.Open, reason: "  ", wantCode: errs.Invalid, wantStatus: agenda.Open},
		{name: "accept an accepted question", status: agenda.Accepted, accept: true, wantCode: errs.FailedPrecondition, wantStatus: agenda.Accepted},
		{name: "accept a rejected question", status: agenda.Rejected, accept: true, wantCode: errs.FailedPrecondition, wantStatus: agenda.Rejected},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			q := agenda.RestoreQuestion(agenda.Record{ID: "q1", Status: tc.status, Scope: agenda.RestoreScope("GM0375", nil)})
			err := q.Decide(tc.accept, tc.reason, "chair-1", now)
			if code, _ := fields(t, err); code != tc.wantCode {
				t.Fatalf("error %v, want code %q", err, tc.wantCode)
			}
			if q.Status() != tc.wantStatus {
				t.Errorf("status %s, want %s", q.Status(), tc.wantStatus)
			}
			if err == nil && (q.DecidedBy() != "chair-1" || q.DecisionReason() != tc.reason) {
				t.Errorf("decided by %q for %q, want chair-1 for %q", q.DecidedBy(), q.DecisionReason(), tc.reason)
			}
		})
	}
}
