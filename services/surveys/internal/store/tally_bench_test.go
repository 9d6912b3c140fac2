package store_test

import (
	"context"
	"fmt"
	mathrand "math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
)

// BenchmarkTallyRead measures reading a shared questionnaire's live tally,
// as the council's page does (counts, sums and the newest texts), at a
// thousand and at a million responses. Compare the two: reads touch only
// the counters, so they should cost the same.
//
// Setting up the million is not timed: the responses go in with COPY and
// their tally through ApplyTally in batches of 10,000, as the consumer
// applies them, text answers included.
func BenchmarkTallyRead(b *testing.B) {
	for _, n := range []int{1_000, 1_000_000} {
		b.Run(fmt.Sprintf("responses=%d", n), func(b *testing.B) {
			st, url := benchStore(b)
			pool := pgPool(b, url)
			ctx := context.Background()
			now := time.Now()
			p, err := poll.New(sharedSpec(b, "tally-bench", now), now)
			if err != nil {
				b.Fatal(err)
			}
			if err := p.Schedule(now); err != nil {
				b.Fatal(err)
			}
			if err := p.Open(now); err != nil {
				b.Fatal(err)
			}
			if err := st.CreatePoll(ctx, p); err != nil {
				b.Fatal(err)
			}
			seedResponses(b, pool, p, n)

			b.ResetTimer()
			for b.Loop() {
				t, err := st.Tally(ctx, p.ID(), store.Texts{Latest: 3})
				if err != nil {
					b.Fatal(err)
				}
				if t.Responses() != int64(n) {
					b.Fatalf("tally counts %d responses, want %d", t.Responses(), n)
				}
			}
		})
	}
}

func pgPool(b *testing.B, url string) *pgxpool.Pool {
	b.Helper()
	pool, err := pg.Connect(context.Background(), url, "surveys")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	return pool
}

// seedResponses stores n responses to p, drawn from a thousand checked
// ones with fresh ids, and their tally.
func seedResponses(b *testing.B, pool *pgxpool.Pool, p poll.Poll, n int) {
	b.Helper()
	ctx := context.Background()
	rng := mathrand.New(mathrand.NewPCG(3, 4))
	models := make([]poll.Response, min(n, 1000))
	municipalities := []string{"GM0453", "GM0375", "GM0396"}
	for i := range models {
		a := randomAnswers(rng)
		a.Municipality = municipalities[i%3]
		models[i] = check(b, p, a, time.Now())
	}
	const body = `{"single":{"choice":"a"},"likert":{"value":"4"}}`
	const batch = 10_000
	for start := 0; start < n; start += batch {
		delta := poll.NewTally(p)
		rows := make([][]any, 0, batch)
		for i := start; i < min(n, start+batch); i++ {
			r := models[i%len(models)]
			r.ID = uuid.Must(uuid.NewV7()).String()
			if err := delta.Add(r); err != nil {
				b.Fatal(err)
			}
			rows = append(rows, []any{r.ID, r.PollID, r.Municipality, body, r.SubmittedAt})
		}
		err := pg.InTx(ctx, pool, func(tx pgx.Tx) error {
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"responses"}, []string{"id", "poll_id", "municipality", "answers", "submitted_at"},
				pgx.CopyFromRows(rows)); err != nil {
				return err
			}
			return store.ApplyTally(ctx, tx, p.ID(), delta.Record())
		})
		if err != nil {
			b.Fatalf("seeding responses: %v", err)
		}
	}
	if _, err := pool.Exec(ctx, `VACUUM ANALYZE responses, tallies, tally_numbers, tally_texts`); err != nil {
		b.Fatal(err)
	}
}
