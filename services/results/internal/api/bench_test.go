package api

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/mailq"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/tenancy"
	"github.com/meedoen/meedoen/internal/testkit"
	pb "github.com/meedoen/meedoen/proto/meedoen/results/v1"
	"github.com/meedoen/meedoen/services/results/internal/evidence"
	"github.com/meedoen/meedoen/services/results/internal/store"
)

// benchRegion is the region's public results at a scale: processes over
// the three IJmond municipalities (every fifth shared), each with a closed
// poll of answersPerProcess answers spread over its municipalities and a
// sent advice of five recommendations that every addressee answered.
type benchRegion struct {
	srv       Servers
	pool      *pgxpool.Pool
	processes []string
}

const answersPerProcess = 1000

var benchMunicipalities = []string{"GM0375", "GM0396", "GM0453"}

func newBenchRegion(b *testing.B, processes int) *benchRegion {
	b.Helper()
	url := testkit.NewDatabase(b, testkit.Schema{Name: "results",
		Sets: []pg.MigrationSet{events.Migrations(), tenancy.Migrations(), mailq.Migrations(), store.Migrations()}})
	pool := testkit.NewPool(b, url, "results")
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `INSERT INTO tenant_regions (id, name, event_id) VALUES ('ijmond', 'IJmond', gen_random_uuid());
INSERT INTO tenant_municipalities (code, name, region_id, event_id) VALUES ('GM0375', 'Beverwijk', 'ijmond', gen_random_uuid()),
('GM0396', 'Heemskerk', 'ijmond', gen_random_uuid()), ('GM0453', 'Velsen', 'ijmond', gen_random_uuid())`); err != nil {
		b.Fatal(err)
	}
	now := time.Date(2027, 3, 10, 10, 0, 0, 0, time.UTC)
	r := &benchRegion{pool: pool, srv: New(store.New(pool), Config{Cells: evidence.MinCells{Default: 5},
		PublicURL: "https://meedoen.example", Now: func() time.Time { return now }})}
	themes := []string{"mantelzorg", "jeugd", "armoede", "wonen"}
	for i := range processes {
		id := uuid.NewString()
		r.processes = append(r.processes, id)
		tenant, participants := benchMunicipalities[i%3], []string{}
		if i%5 == 0 {
			tenant, participants = "ijmond", benchMunicipalities
		}
		poll := uuid.NewString()
		if _, err := pool.Exec(ctx, `INSERT INTO processes (id, tenant, participants, theme, origin, phase) VALUES ($1, $2, $3, $4, 'council', 'advise')`,
			id, tenant, participants, themes[i%len(themes)]); err != nil {
			b.Fatal(err)
		}
		if _, err := pool.Exec(ctx, `INSERT INTO process_polls (poll_id, process_id, form, closed_on) VALUES ($1, $2, 'flash_poll', '2027-02-01')`, poll, id); err != nil {
			b.Fatal(err)
		}
		munis := participants
		if len(munis) == 0 {
			munis = []string{tenant}
		}
		for _, m := range munis {
			if _, err := pool.Exec(ctx, `INSERT INTO process_poll_counts (poll_id, municipality, responses) VALUES ($1, $2, $3)`,
				poll, m, answersPerProcess/len(munis)); err != nil {
				b.Fatal(err)
			}
		}
		decider := benchAs("secretaris", "secretary@"+tenant)
		if tenant == "ijmond" {
			decider = benchAs("coordinator", "regional_coordinator@ijmond")
		}
		c := &pb.AdviceContent{Title: fmt.Sprintf("Advies %d", i), Question: "Wat hebben inwoners nodig?"}
		for n := range 5 {
			c.Recommendations = append(c.Recommendations, &pb.Recommendation{Text: fmt.Sprintf("Aanbeveling %d over de toegang tot ondersteuning.", n+1)})
		}
		a, err := r.srv.Advice.CreateAdvice(decider, &pb.CreateAdviceRequest{Advice: &pb.Advice{ProcessId: id, Content: c}})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := r.srv.Advice.AdoptAdvice(decider, &pb.AdoptAdviceRequest{Id: a.GetId(), Version: 1}); err != nil {
			b.Fatal(err)
		}
		if a, err = r.srv.Advice.SendAdvice(decider, &pb.SendAdviceRequest{Id: a.GetId(), Version: 1}); err != nil {
			b.Fatal(err)
		}
		for j, m := range a.GetAddressees() {
			officer := benchAs("ambtenaar", "policy_officer@"+m)
			var answers []*pb.RecommendationAnswer
			for n := range 5 {
				ans := &pb.RecommendationAnswer{Recommendation: int32(n + 1), Verdict: pb.Verdict_VERDICT_ADOPTED}
				if (n+j)%3 == 1 {
					ans.Verdict, ans.Motivation = pb.Verdict_VERDICT_NOT_ADOPTED, "Past niet in de begroting van dit jaar."
				}
				answers = append(answers, ans)
			}
			if _, err := r.srv.Advice.RecordResponse(officer, &pb.RecordResponseRequest{Id: a.GetId(), MunicipalityCode: m,
				DecidedOn: "2027-03-10", Answers: answers}); err != nil {
				b.Fatal(err)
			}
		}
	}
	if _, err := pool.Exec(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	return r
}

func benchAs(subject, grant string) context.Context { return as(subject, grant) }

// sweep runs op from each of a sweep of concurrent callers for b.N calls
// in all and reports the calls' p50 and p99 latency.
func sweep(b *testing.B, op func(i int) error) {
	for _, callers := range []int{1, 4, 16} {
		b.Run(fmt.Sprintf("callers=%d", callers), func(b *testing.B) {
			lat := make([]time.Duration, b.N)
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			for range callers {
				wg.Go(func() {
					for {
						i := int(next.Add(1)) - 1
						if i >= b.N {
							return
						}
						start := time.Now()
						if err := op(i); err != nil {
							b.Error(err)
							return
						}
						lat[i] = time.Since(start)
					}
				})
			}
			wg.Wait()
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkPublicResults reads the public results of a region with 10 and
// with 1,000 processes (1,000,000 poll answers): one process's results
// page, the first page of the list, and the evaluation figures both as
// cached between changes and as read again after every change.
//
//	go test -run '^$' -bench PublicResults -benchtime 2000x ./services/results/internal/api/
func BenchmarkPublicResults(b *testing.B) {
	for _, n := range []int{10, 1000} {
		b.Run(fmt.Sprintf("processes=%d", n), func(b *testing.B) {
			r := newBenchRegion(b, n)
			ctx := context.Background()
			b.Run("process", func(b *testing.B) {
				sweep(b, func(i int) error {
					_, err := r.srv.Results.GetProcessResults(ctx, &pb.GetProcessResultsRequest{ProcessId: r.processes[i%len(r.processes)]})
					return err
				})
			})
			b.Run("list", func(b *testing.B) {
				sweep(b, func(int) error {
					_, err := r.srv.Results.ListProcessResults(ctx, &pb.ListProcessResultsRequest{})
					return err
				})
			})
			b.Run("figures", func(b *testing.B) {
				sweep(b, func(int) error {
					_, err := r.srv.Results.GetFigures(ctx, &pb.GetFiguresRequest{RegionId: "ijmond"})
					return err
				})
			})
			b.Run("figures-changed", func(b *testing.B) {
				sweep(b, func(int) error {
					if _, err := r.pool.Exec(ctx, `UPDATE figures_version SET version = version + 1`); err != nil {
						return err
					}
					_, err := r.srv.Results.GetFigures(ctx, &pb.GetFiguresRequest{RegionId: "ijmond"})
					return err
				})
			})
		})
	}
}
