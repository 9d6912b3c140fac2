package store_test

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/meedoen/meedoen/internal/testkit"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
)

// benchStore is a store on a database of the benchmark's own, with a pool
// as large as the concurrency.
func benchStore(b *testing.B) (*store.Store, string) {
	b.Helper()
	url := testkit.NewDatabase(b, schema())
	pool := testkit.NewPool(b, url+"&pool_max_conns=8", "surveys")
	if _, err := pool.Exec(context.Background(), `INSERT INTO processes (id, tenant, participants) VALUES ('01957a3c-2b1e-7c00-8000-000000000001', 'GM0453', '{}')`); err != nil {
		b.Fatalf("projecting the polls' process: %v", err)
	}
	return store.New(pool), url
}

// submitters are the concurrencies both benchmarks run at, as multiples
// of GOMAXPROCS (2 on the reference machine): 8 submitters, as a handful of
// gateway requests at once, and 64, as a poll at full ingest, where batches
// of concurrent submits can form.
var submitters = []int{4, 32}

// BenchmarkSubmitResponse measures accepted answers per second at the
// store: each op is one resident's submit through an open link (its own
// browser and idempotency key) with its event, from concurrent submitters
// sharing a pool of 8 connections. Compare with BenchmarkRawInsert, run
// beside it.
func BenchmarkSubmitResponse(b *testing.B) {
	for _, par := range submitters {
		b.Run(fmt.Sprintf("submitters=%d", par*runtime.GOMAXPROCS(0)), func(b *testing.B) {
			st, _ := benchStore(b)
			ctx := context.Background()
			now := time.Now()
			p, err := poll.New(flashSpec("bench", now), now)
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
			answers := someAnswers(3)
			hash := requestHash(answers)
			var n atomic.Int64
			b.SetParallelism(par)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					r := check(b, p, answers, time.Now())
					_, err := st.SubmitResponse(ctx, announcing(store.Submission{
						Response:       r,
						Respondent:     store.CookieRespondent(fmt.Sprintf("browser-%d", i)),
						IdempotencyKey: fmt.Sprintf("key-%d", i),
						RequestHash:    hash,
					}))
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "answers/s")
		})
	}
}

// BenchmarkRawInsert is the ceiling for the same commit pattern: one
// single-row insert of a response-sized jsonb row per transaction, with the
// same concurrencies and pool, on the same kind of database.
func BenchmarkRawInsert(b *testing.B) {
	for _, par := range submitters {
		b.Run(fmt.Sprintf("submitters=%d", par*runtime.GOMAXPROCS(0)), func(b *testing.B) {
			_, url := benchStore(b)
			pool := testkit.NewPool(b, url+"&pool_max_conns=8", "surveys")
			ctx := context.Background()
			if _, err := pool.Exec(ctx, `CREATE TABLE raw_answers (id uuid PRIMARY KEY, poll_id uuid NOT NULL, answers jsonb NOT NULL, submitted_at timestamptz NOT NULL)`); err != nil {
				b.Fatal(err)
			}
			pollID := uuid.Must(uuid.NewV7())
			const body = `{"often":{"choice":"sometimes"},"agree":{"value":"4"},"grade":{"value":"3"},"hours":{"value":"12,5"},"idea":{"text":"Een buurtkamer"}}`
			b.SetParallelism(par)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := pool.Exec(ctx, `INSERT INTO raw_answers (id, poll_id, answers, submitted_at) VALUES ($1, $2, $3, now())`,
						uuid.Must(uuid.NewV7()), pollID, body); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "inserts/s")
		})
	}
}
