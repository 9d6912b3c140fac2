package api

import (
	"sync"
	"testing"
	"time"

	pb "github.com/meedoen/meedoen/proto/meedoen/results/v1"
	"github.com/meedoen/meedoen/services/results/internal/store"
)

// TestReminders runs the reminder loop of two replicas side by side at
// each moment of a term: each reminder is queued once, the week-before and
// deadline reminders to the response's owner, the overdue notice to the
// council's secretary with an AdviceOverdue event; an answered response
// is not reminded.
func TestReminders(t *testing.T) {
	f := newFixture(t)
	if _, err := f.srv.Advice.UpdateResponseSettings(ambtenaar, &pb.UpdateResponseSettingsRequest{MunicipalityCode: "GM0396",
		Settings: &pb.ResponseSettings{TermDays: 30, OfficerEmail: "beleid@heemskerk.example", SecretaryEmail: "secretaris@participatieraad-heemskerk.example"}}); err != nil {
		t.Fatalf("settings: %v", err)
	}
	a := f.sent(t, processID, secretaris)
	if _, err := f.srv.Advice.AssignResponse(ambtenaar, &pb.AssignResponseRequest{Id: a.GetId(), MunicipalityCode: "GM0396",
		OwnerName: "Sanne Bakker", OwnerEmail: "sanne.bakker@heemskerk.example"}); err != nil {
		t.Fatal(err)
	}
	effects := Reminders(f.srv.Advice.cfg)
	replicas := []*store.Store{f.st, store.New(f.pool)}
	round := func(at time.Time) int {
		t.Helper()
		var wg sync.WaitGroup
		counts := make([]int, len(replicas))
		for i, st := range replicas {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := st.SendReminders(t.Context(), at, effects)
				if err != nil {
					t.Errorf("replica %d at %v: %v", i, at, err)
				}
				counts[i] = n
			}()
		}
		wg.Wait()
		return counts[0] + counts[1]
	}
	// Deadline 9 April 2027: the week before starts on 2 April in
	// Amsterdam (1 April 22:00 UTC, summer time).
	for _, c := range []struct {
		name string
		at   time.Time
		want int
	}{
		{"too early", time.Date(2027, 4, 1, 21, 59, 0, 0, time.UTC), 0},
		{"a week before", time.Date(2027, 4, 1, 22, 0, 0, 0, time.UTC), 1},
		{"a week before, again", time.Date(2027, 4, 3, 12, 0, 0, 0, time.UTC), 0},
		{"on the deadline", time.Date(2027, 4, 8, 22, 0, 0, 0, time.UTC), 1},
		{"overdue", time.Date(2027, 4, 9, 22, 0, 0, 0, time.UTC), 1},
		{"overdue, again", time.Date(2027, 4, 20, 22, 0, 0, 0, time.UTC), 0},
	} {
		if got := round(c.at); got != c.want {
			t.Errorf("%s: %d reminders claimed, want %d", c.name, got, c.want)
		}
	}
	owner := f.count(t, `SELECT count(*) FROM outgoing_mail WHERE kind = 'response_reminder' AND to_address = 'sanne.bakker@heemskerk.example'`)
	secretary := f.count(t, `SELECT count(*) FROM outgoing_mail WHERE kind = 'response_overdue' AND to_address = 'secretaris@participatieraad-heemskerk.example'`)
	overdue := f.count(t, `SELECT count(*) FROM outbox WHERE subject LIKE '%.advice.overdue'`)
	named := f.count(t, `SELECT count(*) FROM outgoing_mail WHERE kind IN ('response_reminder', 'response_overdue') AND text_body LIKE '%Heemskerk%'`)
	if owner != 2 || secretary != 1 || overdue != 1 || named != 3 {
		t.Errorf("queued %d reminders to the owner, %d overdue notices to the secretary, %d AdviceOverdue events; want 2, 1, 1; %d name Heemskerk, want 3", owner, secretary, overdue, named)
	}
}
