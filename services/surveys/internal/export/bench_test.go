package export_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	mathrand "math/rand/v2"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/meedoen/meedoen/internal/events"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/tenancy"
	"github.com/meedoen/meedoen/internal/testkit"
	"github.com/meedoen/meedoen/services/surveys/internal/export"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
)

func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }

// benchRows is how many responses BenchmarkExport1M seeds; the
// environment variable EXPORT_BENCH_ROWS makes a quicker run.
func benchRows(b *testing.B) int {
	if s := os.Getenv("EXPORT_BENCH_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
		return n
	}
	return 1_000_000
}

// BenchmarkExport1M exports a million responses to the IJmond's shared
// flash poll (five questions, free texts included) as the service does,
// store cursor and formatter, into 64 KiB chunks that are thrown away,
// and reports rows/s and how far the process's peak resident memory rose
// above where it stood before the export. Run it alone, once:
//
//	go test -run '^$' -bench Export1M -benchtime 1x ./services/surveys/internal/export/
func BenchmarkExport1M(b *testing.B) {
	rows := benchRows(b)
	ctx := context.Background()
	url := testkit.NewDatabase(b, testkit.Schema{Name: "surveys",
		Sets: []pg.MigrationSet{events.Migrations(), tenancy.Migrations(), store.Migrations()}})
	pool := testkit.NewPool(b, url, "surveys")
	st := store.New(pool)
	if _, err := pool.Exec(context.Background(), `INSERT INTO processes (id, tenant, participants) VALUES ('01957a3c-2b1e-7c00-8000-000000000001', 'GM0453', '{}')`); err != nil {
		b.Fatalf("projecting the polls' process: %v", err)
	}
	p := seed(b, ctx, st, pool, rows)

	// The ceiling: the same rows read with pgx and nothing done with them.
	b.Run("read-only", func(b *testing.B) {
		for range b.N {
			rs, err := pool.Query(ctx, `SELECT id::text, municipality, answers, submitted_at FROM responses
WHERE poll_id = $1 ORDER BY submitted_at, id`, p.ID())
			if err != nil {
				b.Fatal(err)
			}
			got := 0
			for rs.Next() {
				_ = rs.RawValues()
				got++
			}
			if rs.Close(); rs.Err() != nil || got != rows {
				b.Fatalf("read %d rows: %v", got, rs.Err())
			}
		}
		b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	// What ScanResponses replaced: store.ExportResponses, which decodes
	// each row's answers with encoding/json into a new response.
	b.Run("csv-via-ExportResponses", func(b *testing.B) {
		for range b.N {
			enc, err := export.New(&chunks{}, p, export.Options{Format: export.CSV, Municipality: true})
			if err != nil {
				b.Fatal(err)
			}
			if err := st.ExportResponses(ctx, p.ID(), func(r poll.Response) error { return enc.Encode(&r) }); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
	})
	for _, f := range []export.Format{export.CSV, export.JSON, export.XLSX} {
		b.Run(string(f), func(b *testing.B) {
			runtime.GC()
			debug.FreeOSMemory()
			before := resetPeakRSS(b)
			out := &chunks{}
			b.ResetTimer()
			for range b.N {
				out.n = 0
				enc, err := export.New(out, p, export.Options{Format: f, Municipality: true})
				if err != nil {
					b.Fatal(err)
				}
				got := 0
				if err := st.ScanResponses(ctx, p.ID(), store.ScanOptions{}, func(r *poll.Response) error {
					got++
					return enc.Encode(r)
				}); err != nil {
					b.Fatal(err)
				}
				if err := enc.Close(); err != nil {
					b.Fatal(err)
				}
				if got != rows {
					b.Fatalf("exported %d rows, want %d", got, rows)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
			b.ReportMetric(float64(peakRSS(b)-before)/(1<<20), "MB-peak-RSS-growth")
			b.ReportMetric(float64(out.n)/float64(rows), "bytes/row")
		})
	}
}

// chunks stands in for the gRPC stream: it cuts the file into 64 KiB
// messages, as api's chunker does, and drops them.
type chunks struct {
	buf []byte
	n   int64
}

func (c *chunks) Write(p []byte) (int, error) {
	c.buf = append(c.buf, p...)
	if len(c.buf) >= 64<<10 {
		c.n += int64(len(c.buf))
		c.buf = c.buf[:0]
	}
	return len(p), nil
}

// seed stores a shared flash poll and rows responses to it.
func seed(b *testing.B, ctx context.Context, st *store.Store, pool *pgxpool.Pool, rows int) poll.Poll {
	b.Helper()
	start := time.Now()
	now := time.Now()
	p, err := poll.New(poll.Spec{
		ProcessID: "01957a3c-2b1e-7c00-8000-000000000001", Tenant: "ijmond", Participants: []string{"GM0375", "GM0396", "GM0453"},
		Kind: poll.FlashPoll, Title: poll.Text{NL: "Mantelzorg in de IJmond"}, Slug: "mantelzorg-bench",
		Sections: []poll.Section{{ID: "s1", Questions: []poll.Question{
			{ID: "often", Type: poll.SingleChoice, Text: poll.Text{NL: "Hoe vaak helpt u iemand?"}, Required: true, Options: options("never", "monthly", "weekly", "daily"), Other: true},
			{ID: "tasks", Type: poll.MultipleChoice, Text: poll.Text{NL: "Waarmee?"}, Options: options("household", "care", "transport", "admin", "company")},
			{ID: "load", Type: poll.Likert, Text: poll.Text{NL: "Het is mij te zwaar."}},
			{ID: "hours", Type: poll.Number, Text: poll.Text{NL: "Hoeveel uur per week?"}, Max: poll.DecimalFromInt(168), Step: poll.Decimal(500)},
			{ID: "idea", Type: poll.ShortText, Text: poll.Text{NL: "Wat zou helpen?"}},
		}}},
		Audience: poll.Audience{Kind: poll.OpenLink, PostcodeCheck: true},
		OpensAt:  now.Add(time.Hour), ClosesAt: now.Add(7 * 24 * time.Hour),
		ResultsSharing: poll.Text{NL: "In juni op de website van de participatieraad."},
	}, now)
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
	// The answers as the store keeps them (a JSON array in question
	// order, see store.encodeReplies), varied; CopyFrom is what makes a
	// million rows take seconds, not minutes.
	rng := mathrand.New(mathrand.NewPCG(1, 2))
	ideas := []string{"Een buurtkamer", "Respijtzorg in het weekend", `Iemand die meedenkt, \"gewoon\" een keer per maand`, "Minder formulieren"}
	often := []string{"never", "monthly", "weekly", "daily"}
	var bodies [][]byte
	for i := range 1000 {
		var sb strings.Builder
		sb.WriteString(`[{"question":"often","type":"single_choice","choices":["`)
		if c := rng.IntN(5); c < 4 {
			sb.WriteString(often[c] + `"]}`)
		} else {
			sb.WriteString(`other"],"other":"af en toe"}`)
		}
		if i%4 > 0 {
			sb.WriteString(`,{"question":"tasks","type":"multiple_choice","choices":["household","transport"]}`)
		}
		fmt.Fprintf(&sb, `,{"question":"load","type":"likert","point":%d}`, 1+rng.IntN(5))
		fmt.Fprintf(&sb, `,{"question":"hours","type":"number","number":"%d.5"}`, rng.IntN(40))
		if i%3 == 0 {
			fmt.Fprintf(&sb, `,{"question":"idea","type":"short_text","text":"%s"}`, ideas[rng.IntN(len(ideas))])
		}
		sb.WriteString("]")
		bodies = append(bodies, []byte(sb.String()))
	}
	pollID := [16]byte(uuid.MustParse(p.ID()))
	municipalities := p.Participants()
	i := 0
	n, err := pool.CopyFrom(ctx, pgx.Identifier{"responses"}, []string{"id", "poll_id", "municipality", "answers", "submitted_at"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if i == rows {
				return nil, nil
			}
			i++
			return []any{[16]byte(uuid.Must(uuid.NewV7())), pollID, municipalities[i%3], json.RawMessage(bodies[i%len(bodies)]),
				now.Add(time.Duration(i) * time.Millisecond)}, nil
		}))
	if err != nil || n != int64(rows) {
		b.Fatalf("seeded %d rows: %v", n, err)
	}
	if _, err := pool.Exec(ctx, `VACUUM ANALYZE responses`); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d responses in %s", rows, time.Since(start).Round(time.Millisecond))
	return p
}

func options(ids ...string) []poll.Option {
	out := make([]poll.Option, len(ids))
	for i, id := range ids {
		out[i] = poll.Option{ID: id, Label: poll.Text{NL: "optie " + id}}
	}
	return out
}

// resetPeakRSS resets the kernel's high-water mark of this process's
// resident memory (Linux: clear_refs 5) and returns the current RSS.
func resetPeakRSS(b *testing.B) int64 {
	b.Helper()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Logf("cannot reset the RSS peak (%v); growth is measured from the process's peak", err)
	}
	return procStatus(b, "VmRSS")
}

func peakRSS(b *testing.B) int64 { return procStatus(b, "VmHWM") }

// procStatus reads a memory figure of /proc/self/status in bytes.
func procStatus(b *testing.B, key string) int64 {
	b.Helper()
	f, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(f))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), key+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return kb << 10
		}
	}
	b.Fatalf("no %s in /proc/self/status", key)
	return 0
}
