package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/focusgroups/internal/finding"
	"github.com/meedoen/meedoen/services/focusgroups/internal/group"
	"github.com/meedoen/meedoen/services/focusgroups/internal/process"
	"github.com/meedoen/meedoen/services/focusgroups/internal/session"
	"github.com/meedoen/meedoen/services/focusgroups/internal/store"
)

// concurrently runs call n times at once and returns the ids it returned.
func concurrently(t *testing.T, n int, call func() (string, error)) []string {
	t.Helper()
	ids := make([]string, n)
	errsOf := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			ids[i], errsOf[i] = call()
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errsOf {
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	return ids
}

// same reports a difference unless every id is the first.
func same(t *testing.T, ids []string) {
	t.Helper()
	for i, id := range ids {
		if id != ids[0] {
			t.Fatalf("call %d returned %q, call 0 %q: a repeat must return the first result", i, id, ids[0])
		}
	}
}

func TestIdempotencyKeyConcurrentRepeatsCreateOnce(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	ctx := context.Background()
	once := store.Once{Key: "8f1c3e0a-6b7d-4c2e-9a51-0d3f2b6e7c19", Subject: "organiser"}
	const n = 8

	groups := concurrently(t, n, func() (string, error) {
		g, err := f.st.NewGroup(ctx, processID, func(p process.Process) (group.Group, error) {
			return group.New(group.Spec{Process: groupProcess(p), Name: "Mantelzorg", Purpose: "Wat is nodig?", PlannedSessions: 2,
				Seating: clientsAndKeyFigures, CreatedBy: "organiser"}, f.now)
		}, once)
		return g.ID(), err
	})
	same(t, groups)
	g, err := f.st.Group(ctx, groups[0], allow)
	if err != nil {
		t.Fatal(err)
	}
	resident := f.addResident(t, g, group.Client, "Ans", "ans@example.nl")

	sessions := concurrently(t, n, func() (string, error) {
		ss, err := f.st.ScheduleSession(ctx, g.ID(), allow, func(g group.Group) (session.Session, error) {
			start := f.now.Add(72 * time.Hour)
			return session.New(session.Spec{GroupID: g.ID(), Plan: session.Plan{StartsAt: start, EndsAt: start.Add(2 * time.Hour),
				Place: session.Place{Address: "Buurthuis De Schakel, Heemskerk"}}}, f.now)
		}, once)
		return ss.ID(), err
	})
	same(t, sessions)

	invitations := concurrently(t, n, func() (string, error) {
		invs, skipped, err := f.st.InviteResidents(ctx, g.ID(), []store.Invitee{
			{Email: "bert@example.nl", Name: "Bert", Role: group.KeyFigure},
			{Email: "ans@example.nl", Name: "Ans", Role: group.Client},
		}, allow, once)
		if err != nil {
			return "", err
		}
		if len(invs) != 1 || skipped != 1 {
			t.Errorf("got %d invitations and %d skipped, want 1 and 1 on every call", len(invs), skipped)
			return "", nil
		}
		return invs[0].ID + " " + invs[0].Email, nil
	})
	same(t, invitations)

	findings := concurrently(t, n, func() (string, error) {
		fd, err := f.st.CreateFinding(ctx, g.ID(), allow, func(g group.Group) (finding.Finding, error) {
			return finding.New(findingSpec(g, sessions[0], resident.ID()), f.now)
		}, once)
		return fd.ID(), err
	})
	same(t, findings)

	got := map[string]int{
		"focus_groups":     f.count(t, `SELECT count(*) FROM focus_groups`),
		"sessions":         f.count(t, `SELECT count(*) FROM sessions`),
		"invitations":      f.count(t, `SELECT count(*) FROM invitations`),
		"findings":         f.count(t, `SELECT count(*) FROM findings`),
		"formed events":    f.count(t, `SELECT count(*) FROM outbox WHERE subject LIKE '%.focusgroup.formed'`),
		"scheduled events": f.count(t, `SELECT count(*) FROM outbox WHERE subject LIKE '%.session.scheduled'`),
		"invitation mails": f.count(t, `SELECT count(*) FROM outgoing_mail WHERE to_address = 'bert@example.nl'`),
		"idempotency keys": f.count(t, `SELECT count(*) FROM idempotency_keys`),
	}
	want := map[string]int{"focus_groups": 1, "sessions": 1, "invitations": 1, "findings": 1, "formed events": 1,
		"scheduled events": 1, "invitation mails": 1, "idempotency keys": 4}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stored (-want +got):\n%s", diff)
	}
}

func TestIdempotencyKeyScope(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	ctx := context.Background()
	g := f.newGroup(t, clientsAndKeyFigures)
	other := f.newGroup(t, clientsAndKeyFigures)
	schedule := func(groupID string, o store.Once) (string, error) {
		ss, err := f.st.ScheduleSession(ctx, groupID, allow, func(g group.Group) (session.Session, error) {
			start := f.now.Add(72 * time.Hour)
			return session.New(session.Spec{GroupID: g.ID(), Plan: session.Plan{StartsAt: start, EndsAt: start.Add(time.Hour),
				OnlineURL: "https://meet.example/fg"}}, f.now)
		}, o)
		return ss.ID(), err
	}
	first, err := schedule(g.ID(), store.Once{Key: "k1", Subject: "organiser"})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("another caller's same key creates anew", func(t *testing.T) {
		id, err := schedule(g.ID(), store.Once{Key: "k1", Subject: "colleague"})
		if err != nil || id == first {
			t.Errorf("got %q, %v; want a new session", id, err)
		}
	})
	t.Run("the same key on another group is refused", func(t *testing.T) {
		_, err := schedule(other.ID(), store.Once{Key: "k1", Subject: "organiser"})
		if errs.CodeOf(err) != errs.Conflict || !cmp.Equal(fieldsOf(err), []string{"/idempotencyKey"}) {
			t.Errorf("got %v, want a conflict at /idempotencyKey", err)
		}
	})
	t.Run("a bad key is refused naming the field", func(t *testing.T) {
		for _, key := range []string{"met spatie", "ünïcode", string(make([]byte, 65))} {
			_, err := schedule(g.ID(), store.Once{Key: key, Subject: "organiser"})
			if errs.CodeOf(err) != errs.Invalid || !cmp.Equal(fieldsOf(err), []string{"/idempotencyKey"}) {
				t.Errorf("key %q: got %v, want invalid at /idempotencyKey", key, err)
			}
		}
	})
	t.Run("after 24 hours the key creates anew", func(t *testing.T) {
		later := f.st.WithClock(func() time.Time { return f.now.Add(store.KeepIdempotencyKeys + time.Minute) })
		ss, err := later.ScheduleSession(ctx, g.ID(), allow, func(g group.Group) (session.Session, error) {
			start := f.now.Add(96 * time.Hour)
			return session.New(session.Spec{GroupID: g.ID(), Plan: session.Plan{StartsAt: start, EndsAt: start.Add(time.Hour),
				OnlineURL: "https://meet.example/fg"}}, f.now.Add(store.KeepIdempotencyKeys+time.Minute))
		}, store.Once{Key: "k1", Subject: "organiser"})
		if err != nil || ss.ID() == first {
			t.Errorf("got %q, %v; want a new session", ss.ID(), err)
		}
	})
}
