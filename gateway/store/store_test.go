package store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/jackc/pgx/v5"
	"google.golang.org/protobuf/proto"

	"github.com/meedoen/meedoen/gateway/identity"
	"github.com/meedoen/meedoen/gateway/store"
	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/testkit"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

func newStore(t *testing.T) *store.Store {
	t.Helper()
	url := testkit.NewDatabase(t, testkit.Schema{Name: store.Schema, Sets: store.Migrations()})
	return store.New(testkit.NewPool(t, url, store.Schema))
}

func hash(s string) []byte {
	sum := sha256.Sum256([]byte(s))
	return sum[:]
}

func session(subject string, created time.Time) identity.Session {
	return identity.Session{
		Subject: subject, Name: "Anouk de Vries", Grants: []auth.Grant{{Tenant: "GM0453", Role: auth.CouncilMember}},
		Tokens: []byte("sealed"), Created: created, Checked: created, Expires: created.Add(8 * time.Hour),
	}
}

// timeEqual compares times to the microsecond PostgreSQL keeps.
var timeEqual = cmpopts.EquateApproxTime(time.Microsecond)

func TestSessionLifecycle(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	ctx := t.Context()
	now := time.Now()
	want := session("op-anouk", now)
	if err := st.CreateSession(ctx, hash("a"), want); err != nil {
		t.Fatal(err)
	}
	got, err := st.Session(ctx, hash("a"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got, timeEqual); diff != "" {
		t.Errorf("session (-want +got):\n%s", diff)
	}

	// A check is due after a minute; only one caller gets it.
	if _, ok, err := st.ClaimCheck(ctx, hash("a"), now.Add(-time.Minute), time.Minute); err != nil || ok {
		t.Errorf("ClaimCheck of a session checked just now: ok %v, err %v; want not claimed", ok, err)
	}
	later := now.Add(2 * time.Minute)
	var claimed int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			tokens, ok, err := st.ClaimCheck(ctx, hash("a"), later, time.Minute)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				claimed++
				mu.Unlock()
				if !bytes.Equal(tokens, want.Tokens) {
					t.Errorf("tokens %q, want %q", tokens, want.Tokens)
				}
			}
		})
	}
	wg.Wait()
	if claimed != 1 {
		t.Errorf("%d of 4 concurrent callers got the check, want 1", claimed)
	}

	checked := want
	checked.Grants = []auth.Grant{{Tenant: "GM0453", Role: auth.Chair}}
	checked.Tokens, checked.Checked, checked.RolesMissing = []byte("resealed"), later, true
	if err := st.RecordCheck(ctx, hash("a"), checked); err != nil {
		t.Fatal(err)
	}
	got, err = st.EndSession(ctx, hash("a"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(checked, got, timeEqual); diff != "" {
		t.Errorf("ended session (-want +got):\n%s", diff)
	}
	for name, call := range map[string]func() error{
		"Session":     func() error { _, err := st.Session(ctx, hash("a")); return err },
		"ClaimCheck":  func() error { _, _, err := st.ClaimCheck(ctx, hash("a"), later, time.Minute); return err },
		"RecordCheck": func() error { return st.RecordCheck(ctx, hash("a"), checked) },
		"EndSession":  func() error { _, err := st.EndSession(ctx, hash("a")); return err },
	} {
		if err := call(); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("%s after the end: %v, want not found", name, err)
		}
	}
}

func TestExpiredSessionsAreGone(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	ctx := t.Context()
	old := session("op-anouk", time.Now().Add(-9*time.Hour))
	if err := st.CreateSession(ctx, hash("old"), old); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateSession(ctx, hash("new"), session("op-anouk", time.Now())); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Session(ctx, hash("old")); errs.CodeOf(err) != errs.NotFound {
		t.Errorf("an expired session: %v, want not found", err)
	}
	if n, err := st.DeleteEnded(ctx); err != nil || n != 1 {
		t.Errorf("DeleteEnded: %d, %v; want 1 deleted", n, err)
	}
	if _, err := st.Session(ctx, hash("new")); err != nil {
		t.Errorf("a live session after DeleteEnded: %v", err)
	}
}

// A council member's sessions end with their term, as the councils
// service announces it.
func TestSessionsEndWithTheTerm(t *testing.T) {
	t.Parallel()
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(loc)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	day := func(d time.Time) string { return d.Format(time.DateOnly) }
	tests := []struct {
		name string
		// events are applied in order, each announced at its time.
		events  []announced
		created time.Time // of the session
		wantEnd bool
	}{
		{
			name:    "a term that ends in the future",
			events:  []announced{{left(day(today.AddDate(0, 1, 0))), now.Add(-time.Hour)}},
			created: now.Add(-2 * time.Hour),
		},
		{
			name:    "a term that ended yesterday, announced an hour ago",
			events:  []announced{{left(day(today.AddDate(0, 0, -1))), now.Add(-time.Hour)}},
			created: now.Add(-2 * time.Hour),
			wantEnd: true,
		},
		{
			name:    "a login after the announcement",
			events:  []announced{{left(day(today.AddDate(0, 0, -1))), now.Add(-time.Hour)}},
			created: now.Add(-time.Minute),
		},
		{
			name:    "a term that ended last month, the session from before it",
			events:  []announced{{left(day(today.AddDate(0, -1, 0))), now.AddDate(0, -2, 0)}},
			created: today.AddDate(0, -1, 0),
			wantEnd: true,
		},
		{
			name: "an ended term reopened",
			events: []announced{
				{left(day(today.AddDate(0, 0, -1))), now.Add(-time.Hour)},
				{joined(""), now.Add(-30 * time.Minute)},
			},
			created: now.Add(-2 * time.Hour),
		},
		{
			name:    "a member without a login",
			events:  []announced{{unlinked(day(today.AddDate(0, 0, -1))), now.Add(-time.Hour)}},
			created: now.Add(-2 * time.Hour),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := newStore(t)
			ctx := t.Context()
			if err := st.CreateSession(ctx, hash("s"), session("op-anouk", tt.created)); err != nil {
				t.Fatal(err)
			}
			// Another member's term says nothing about this session.
			apply(t, st, announced{left(day(today.AddDate(0, 0, -1))), now.Add(-time.Hour)}, "m-other", "op-other")
			for _, ev := range tt.events {
				apply(t, st, ev, "m-anouk", "op-anouk")
			}
			_, err := st.Session(ctx, hash("s"))
			if ended := errs.CodeOf(err) == errs.NotFound; ended != tt.wantEnd {
				t.Errorf("session ended = %v (%v), want %v", ended, err, tt.wantEnd)
			}
		})
	}
}

// announced is a member event and when it was announced.
type announced struct {
	payload func(memberID, subject string) proto.Message
	at      time.Time
}

func left(termEnd string) func(string, string) proto.Message {
	return func(id, sub string) proto.Message {
		return &eventsv1.MemberLeft{MemberId: id, MunicipalityCode: "GM0453", TermEnd: termEnd, SubjectSha256: auth.SubjectHash(sub)}
	}
}

func joined(termEnd string) func(string, string) proto.Message {
	return func(id, sub string) proto.Message {
		return &eventsv1.MemberJoined{MemberId: id, MunicipalityCode: "GM0453", Role: "member", TermStart: "2020-01-01", TermEnd: termEnd, SubjectSha256: auth.SubjectHash(sub)}
	}
}

func unlinked(termEnd string) func(string, string) proto.Message {
	return func(id, _ string) proto.Message {
		return &eventsv1.MemberLeft{MemberId: id, MunicipalityCode: "GM0453", TermEnd: termEnd}
	}
}

// apply hands an event to the member-term consumer's handler in a
// transaction, as the consumer does.
func apply(t *testing.T, st *store.Store, a announced, memberID, subject string) {
	t.Helper()
	ev, err := events.New(t.Context(), "GM0453", memberID, a.payload(memberID, subject))
	if err != nil {
		t.Fatal(err)
	}
	ev.Time = a.at
	cc, err := store.TermsConsumer()
	if err != nil {
		t.Fatal(err)
	}
	if err := pg.InTx(t.Context(), st.Pool(), func(tx pgx.Tx) error { return cc.Handle(context.Background(), tx, ev) }); err != nil {
		t.Fatalf("applying %s: %v", ev.Name, err)
	}
}

// The keys the gateway makes for itself are made once, whoever asks first
// (replicas start together), and are the same at every later start; the
// session key and the respondent key are different keys.
func TestKeysAreMadeOnceForAll(t *testing.T) {
	t.Parallel()
	st := newStore(t)
	made := map[string][]byte{}
	for name, key := range map[string]func(context.Context) ([]byte, error){
		"session key":    st.SessionKey,
		"respondent key": st.RespondentKey,
	} {
		keys := make([][]byte, 4)
		var wg sync.WaitGroup
		for i := range keys {
			wg.Go(func() {
				k, err := key(t.Context())
				if err != nil {
					t.Error(err)
				}
				keys[i] = k
			})
		}
		wg.Wait()
		for _, k := range keys[1:] {
			if len(k) != 32 || !bytes.Equal(k, keys[0]) {
				t.Fatalf("%s: keys %x, want one 32-byte key for every caller", name, keys)
			}
		}
		again, err := key(t.Context())
		if err != nil || !bytes.Equal(again, keys[0]) {
			t.Errorf("%s: a later call gave %x, %v; want the same key", name, again, err)
		}
		made[name] = keys[0]
	}
	if bytes.Equal(made["session key"], made["respondent key"]) {
		t.Error("the session key and the respondent key are the same key")
	}
	// A restart opens the store anew and finds the same keys.
	reopened := store.New(st.Pool())
	if k, err := reopened.RespondentKey(t.Context()); err != nil || !bytes.Equal(k, made["respondent key"]) {
		t.Errorf("after a restart the respondent key is %x, %v; want %x", k, err, made["respondent key"])
	}
}
