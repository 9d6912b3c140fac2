package store_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/meedoen/meedoen/internal/testkit"
	"github.com/meedoen/meedoen/services/focusgroups/internal/group"
	"github.com/meedoen/meedoen/services/focusgroups/internal/member"
	"github.com/meedoen/meedoen/services/focusgroups/internal/seating"
	"github.com/meedoen/meedoen/services/focusgroups/internal/session"
	"github.com/meedoen/meedoen/services/focusgroups/internal/store"
)

// benchPool is the pool size both benchmarks share: more connections than
// the machine has cores, fewer than the racers, as a service replica has.
const benchPool = "pool_max_conns=16"

// racing is how many members answer a session at once.
const racing = 200

// latencies collects the time each op took, for percentiles.
type latencies struct {
	mu  sync.Mutex
	all []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.all = append(l.all, d)
	l.mu.Unlock()
}

// report adds the throughput and the p50 and p99 latencies to b.
func (l *latencies) report(b *testing.B, unit string) {
	slices.Sort(l.all)
	at := func(q float64) float64 { return float64(l.all[int(q*float64(len(l.all)-1))].Microseconds()) / 1000 }
	b.ReportMetric(float64(len(l.all))/b.Elapsed().Seconds(), unit)
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// BenchmarkRsvpRace measures answers per second, and how long each took,
// when 200 members of a group answer "yes" to a new session at the same
// moment and race for its 10 seats (6 for clients, 4 for key figures):
// every answer locks the session, decides on the whole board and stores
// its answer with a line in the log, so the answers to one session take
// turns. One op is one member's answer; a round is one session, all 200
// members at once; the sessions are scheduled outside the timer. Compare
// with BenchmarkRawInsert, run beside it.
func BenchmarkRsvpRace(b *testing.B) {
	f := newBenchStore(b)
	ctx := context.Background()
	g := f.newGroup(b, clientsAndKeyFigures)
	members := make([]member.Member, racing)
	for i := range members {
		role := group.KeyFigure
		if i%5 < 3 {
			role = group.Client
		}
		m, err := f.st.AddMember(ctx, g.ID(), allow, func(g group.Group) (member.Member, error) {
			return member.New(member.Spec{GroupID: g.ID(), Kind: member.Resident, Role: role, Name: fmt.Sprintf("Deelnemer %d", i),
				Email: fmt.Sprintf("d%d@example.nl", i), Consent: member.Consent{Method: member.InPerson, At: f.now}}, f.now)
		})
		if err != nil {
			b.Fatal(err)
		}
		members[i] = m
	}
	var l latencies
	b.ResetTimer()
	for done := 0; done < b.N; {
		b.StopTimer()
		ss, err := f.st.ScheduleSession(ctx, g.ID(), allow, func(g group.Group) (session.Session, error) {
			start := f.now.Add(7 * 24 * time.Hour)
			return session.New(session.Spec{GroupID: g.ID(), Plan: session.Plan{StartsAt: start, EndsAt: start.Add(2 * time.Hour),
				Place: session.Place{Address: "Raadhuis"}}}, f.now)
		})
		if err != nil {
			b.Fatal(err)
		}
		n := min(racing, b.N-done)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for _, m := range members[:n] {
			wg.Go(func() {
				<-start
				t0 := time.Now()
				if _, err := f.st.SetRsvp(ctx, g.ID(), ss.ID(), m.ID(), store.Answer{Answer: seating.Yes}, "organiser", allow); err != nil {
					b.Error(err)
				}
				l.add(time.Since(t0))
			})
		}
		b.StartTimer()
		close(start)
		wg.Wait()
		done += n
	}
	b.StopTimer()
	l.report(b, "answers/s")
}

// BenchmarkRawInsert is the ceiling for the commit pattern: one single-row
// insert per transaction into a table shaped like the answers, from 8, 32
// and 200 concurrent clients on the same pool size, on the same kind of
// database; take the best.
func BenchmarkRawInsert(b *testing.B) {
	for _, clients := range []int{8, 32, racing} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			f := newBenchStore(b)
			ctx := context.Background()
			if _, err := f.pool.Exec(ctx, `CREATE TABLE raw_rsvps (session_id uuid NOT NULL, member_id uuid NOT NULL, answer text NOT NULL,
    state text NOT NULL, arrival bigint NOT NULL, answered_at timestamptz NOT NULL, PRIMARY KEY (session_id, member_id))`); err != nil {
				b.Fatal(err)
			}
			sessionID := uuid.Must(uuid.NewV7())
			var l latencies
			work := make(chan int)
			var wg sync.WaitGroup
			b.ResetTimer()
			for range clients {
				wg.Go(func() {
					for i := range work {
						t0 := time.Now()
						if _, err := f.pool.Exec(ctx, `INSERT INTO raw_rsvps VALUES ($1, $2, 'yes', 'confirmed', $3, now())`,
							sessionID, uuid.Must(uuid.NewV7()), i); err != nil {
							b.Error(err)
						}
						l.add(time.Since(t0))
					}
				})
			}
			for i := range b.N {
				work <- i
			}
			close(work)
			wg.Wait()
			b.StopTimer()
			l.report(b, "inserts/s")
		})
	}
}

// newBenchStore is newStore for a benchmark, with the benchmarks' pool.
func newBenchStore(b *testing.B) *fixture {
	b.Helper()
	url := testkit.NewDatabase(b, schema())
	pool := testkit.NewPool(b, url+"&"+benchPool, "focusgroups")
	return seeded(b, pool)
}
