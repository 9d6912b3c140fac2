package store_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	mathrand "math/rand/v2"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/internal/pg"
	"github.com/meedoen/meedoen/internal/testkit"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
)

var ijmond = []string{"GM0453", "GM0375", "GM0396"}

// randomAnswers answers the questions of everyType at random, validly;
// optional questions are sometimes left open.
func randomAnswers(rng *mathrand.Rand) poll.Answers {
	maybe := func() bool { return rng.IntN(4) > 0 }
	n := strconv.Itoa(rng.IntN(1000))
	q := map[string]poll.Answer{}
	single := []string{"a", "b", "c", poll.OtherID}[rng.IntN(4)]
	q["single"] = poll.Answer{Choice: single}
	if single == poll.OtherID {
		q["single"] = poll.Answer{Choice: single, Other: "anders " + n}
	}
	if maybe() {
		keys := []string{"a", "b", "c", "d", poll.OtherID}
		rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
		a := poll.Answer{Choices: keys[:1+rng.IntN(2)]}
		if slices.Contains(a.Choices, poll.OtherID) {
			a.Other = "iets anders " + n
		}
		q["multi"] = a
	}
	q["likert"] = poll.Answer{Value: strconv.Itoa(1 + rng.IntN(5))}
	if maybe() {
		q["scale"] = poll.Answer{Value: strconv.Itoa(rng.IntN(11))}
	}
	if maybe() {
		order := rng.Perm(3)
		q["rank"] = poll.Answer{Ranks: map[string]int{"x": order[0] + 1, "y": order[1] + 1, "z": order[2] + 1}}
	}
	cols := []string{"c1", "c2", "c3"}
	q["matrix"] = poll.Answer{Rows: map[string]string{"r1": cols[rng.IntN(3)], "r2": cols[rng.IntN(3)]}}
	if maybe() {
		q["number"] = poll.Answer{Value: (poll.Decimal(-2500) + poll.Decimal(500*rng.IntN(206))).String()}
	}
	if maybe() {
		q["short"] = poll.Answer{Text: "wijk " + n}
	}
	if rng.IntN(10) == 0 {
		q["long"] = poll.Answer{Text: "Een langere toelichting, nummer " + n + "."}
	}
	if single == "c" && maybe() {
		q["why"] = poll.Answer{Text: "Omdat " + n}
	}
	return poll.Answers{Municipality: ijmond[rng.IntN(len(ijmond))], Questions: q}
}

// readerOfAggregates returns a store whose connections may read polls and
// tallies but not responses, so that any read of a response fails.
func readerOfAggregates(t *testing.T, f fixture) *store.Store {
	t.Helper()
	ctx := context.Background()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	role := "tally_reader_" + hex.EncodeToString(b)
	ident := pgx.Identifier{role}.Sanitize()
	for _, q := range []string{
		`CREATE ROLE ` + ident + ` NOLOGIN`,
		`GRANT USAGE ON SCHEMA surveys TO ` + ident,
		`GRANT SELECT ON polls, tallies, tally_numbers, tally_texts TO ` + ident,
	} {
		if _, err := f.pool.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	t.Cleanup(func() {
		// Roles outlive the test's database; this one must not.
		for _, q := range []string{`DROP OWNED BY ` + ident, `DROP ROLE ` + ident} {
			if _, err := f.pool.Exec(context.Background(), q); err != nil {
				t.Errorf("%s: %v", q, err)
			}
		}
	})
	pool := testkit.NewPool(t, f.url+"&options="+strings.ReplaceAll(url.QueryEscape("-c role="+role), "+", "%20"), "surveys")
	var pgErr *pgconn.PgError
	if _, err := pool.Exec(ctx, `SELECT 1 FROM responses LIMIT 1`); !errors.As(err, &pgErr) || pgErr.Code != "42501" {
		t.Fatalf("the aggregate reader may read responses: %v", err)
	}
	return store.New(pool)
}

func TestTallyOfTenThousandResponsesAppliedInBatches(t *testing.T) {
	t.Parallel()
	const (
		responses = 10_000
		batch     = 250
		workers   = 8
	)
	f := newStore(t, "pool_max_conns=8")
	ctx := context.Background()
	now := time.Now()
	p := openPoll(t, f, sharedSpec(t, "mantelzorg-ijmond", now), now)

	rng := mathrand.New(mathrand.NewPCG(1, 2))
	all := make([]poll.Response, responses)
	for i := range all {
		all[i] = check(t, p, randomAnswers(rng), now)
	}

	// Residents submit, eight at a time.
	began := time.Now()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < responses; i += workers {
				sub := store.Submission{Response: all[i], Respondent: store.CookieRespondent("browser-" + strconv.Itoa(i))}
				if _, err := f.st.SubmitResponse(ctx, announcing(sub)); err != nil {
					t.Errorf("submit %d: %v", i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	t.Logf("%d submits by %d workers in %s", responses, workers, time.Since(began).Round(time.Millisecond))

	// Consumers add batches, several at once, as redeliveries and scaling
	// out make them do; they must neither deadlock nor lose counts.
	began = time.Now()
	batches := make(chan []poll.Response)
	for range 4 {
		wg.Go(func() {
			for rs := range batches {
				delta := poll.NewTally(p)
				for _, r := range rs {
					if err := delta.Add(r); err != nil {
						t.Error(err)
						return
					}
				}
				err := pg.InTx(ctx, f.pool, func(tx pgx.Tx) error { return store.ApplyTally(ctx, tx, p.ID(), delta.Record()) })
				if err != nil {
					t.Errorf("applying a batch: %v", err)
				}
			}
		})
	}
	for rs := range slices.Chunk(all, batch) {
		batches <- rs
	}
	close(batches)
	wg.Wait()
	t.Logf("%d batches of %d applied by 4 workers in %s", responses/batch, batch, time.Since(began).Round(time.Millisecond))

	want := poll.NewTally(p)
	for _, r := range all {
		if err := want.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	reader := readerOfAggregates(t, f)
	began = time.Now()
	got, err := reader.Tally(ctx, p.ID(), store.Texts{Latest: 3})
	if err != nil {
		t.Fatalf("Tally, read without access to responses: %v", err)
	}
	t.Logf("tally of %d responses read in %s", responses, time.Since(began).Round(time.Microsecond))
	if got.Responses() != responses {
		t.Errorf("tally counts %d responses, want %d", got.Responses(), responses)
	}
	w, g := want.Record(), got.Record()
	if diff := cmp.Diff(w.Counters, g.Counters); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(w.Numbers, g.Numbers); diff != "" {
		t.Errorf("number sums (-want +got):\n%s", diff)
	}

	// Every text is kept; the tally carries the newest three per question.
	var listed []poll.TextAnswer
	page := store.Page{Limit: 1000}
	for {
		list, next, err := reader.TallyTexts(ctx, p.ID(), "", false, page)
		if err != nil {
			t.Fatal(err)
		}
		listed = append(listed, list...)
		if next == "" {
			break
		}
		page.Cursor = next
	}
	byText := cmpopts.SortSlices(func(a, b poll.TextAnswer) bool {
		return a.ResponseID+a.Question < b.ResponseID+b.Question
	})
	if diff := cmp.Diff(w.Texts, listed, byText); diff != "" {
		t.Errorf("texts kept (-want +got):\n%s", diff)
	}
	var newest []poll.TextAnswer
	perQuestion := map[string]int{}
	for i := len(listed) - 1; i >= 0; i-- {
		if q := listed[i].Question; perQuestion[q] < 3 {
			perQuestion[q]++
			newest = append(newest, listed[i])
		}
	}
	slices.Reverse(newest)
	if diff := cmp.Diff(newest, g.Texts); diff != "" {
		t.Errorf("texts the tally carries (-want +got):\n%s", diff)
	}
}

func TestApplyTallyAddsUp(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	ctx := context.Background()
	now := time.Now()
	p := openPoll(t, f, sharedSpec(t, "mantelzorg", now), now)
	apply := func(t *testing.T, delta poll.TallyRecord) {
		t.Helper()
		if err := pg.InTx(ctx, f.pool, func(tx pgx.Tx) error { return store.ApplyTally(ctx, tx, p.ID(), delta) }); err != nil {
			t.Fatalf("ApplyTally: %v", err)
		}
	}
	const r1, r2 = "01957a3c-2b1e-7c00-8000-0000000000f1", "01957a3c-2b1e-7c00-8000-0000000000f2"
	apply(t, poll.TallyRecord{
		// Unaggregated rows of the same counter add up within a batch too.
		Counters: []poll.Counter{
			{Municipality: "GM0453", Count: 1},
			{Municipality: "GM0453", Count: 2},
			{Municipality: "GM0453", Question: "single", Cell: "a", Count: 3},
		},
		Numbers: []poll.NumberStat{
			{Municipality: "GM0453", Question: "number", Count: 2, Sum: 5000, Min: 1000, Max: 4000},
			{Municipality: "GM0375", Question: "number", Count: 0, Sum: 0, Min: -99000, Max: 99000},
		},
		Texts: []poll.TextAnswer{{ResponseID: r1, Municipality: "GM0453", Question: "short", Text: "eerste"}},
	})
	apply(t, poll.TallyRecord{
		Counters: []poll.Counter{{Municipality: "GM0453", Count: 1}, {Municipality: "GM0375", Count: 1}},
		Numbers:  []poll.NumberStat{{Municipality: "GM0453", Question: "number", Count: 1, Sum: -2500, Min: -2500, Max: -2500}},
		Texts: []poll.TextAnswer{
			{ResponseID: r1, Municipality: "GM0453", Question: "short", Text: "eerste, nog eens"},
			{ResponseID: r2, Municipality: "GM0375", Question: "single", Other: true, Text: "tweede"},
		},
	})

	got, err := f.st.Tally(ctx, p.ID(), store.Texts{Latest: 10})
	if err != nil {
		t.Fatal(err)
	}
	want := poll.TallyRecord{
		Counters: []poll.Counter{
			{Municipality: "GM0375", Count: 1},
			{Municipality: "GM0453", Count: 4},
			{Municipality: "GM0453", Question: "single", Cell: "a", Count: 3},
		},
		Numbers: []poll.NumberStat{{Municipality: "GM0453", Question: "number", Count: 3, Sum: 2500, Min: -2500, Max: 4000}},
		Texts: []poll.TextAnswer{
			{ResponseID: r1, Municipality: "GM0453", Question: "short", Text: "eerste"},
			{ResponseID: r2, Municipality: "GM0375", Question: "single", Other: true, Text: "tweede"},
		},
	}
	if diff := cmp.Diff(want, got.Record()); diff != "" {
		t.Errorf("tally after two batches (-want +got):\n%s", diff)
	}
}

func TestTallyTextsAreMarkedPublicOneByOne(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	ctx := context.Background()
	now := time.Now()
	p := openPoll(t, f, sharedSpec(t, "mantelzorg", now), now)
	var texts []poll.TextAnswer
	for i := range 5 {
		texts = append(texts, poll.TextAnswer{ResponseID: "01957a3c-2b1e-7c00-8000-00000000000" + strconv.Itoa(i),
			Municipality: "GM0453", Question: "short", Text: "tekst " + strconv.Itoa(i)})
	}
	if err := pg.InTx(ctx, f.pool, func(tx pgx.Tx) error {
		return store.ApplyTally(ctx, tx, p.ID(), poll.TallyRecord{Texts: texts})
	}); err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{1, 3} {
		if err := f.st.MarkText(ctx, p.ID(), texts[i].ResponseID, "short", true); err != nil {
			t.Fatal(err)
		}
		texts[i].Public = true
	}
	if err := f.st.MarkText(ctx, p.ID(), texts[0].ResponseID, "long", true); codeOf(err) != errs.NotFound {
		t.Errorf("marking a text that does not exist: %v, want not found", err)
	}

	tests := []struct {
		name string
		sel  store.Texts
		want []poll.TextAnswer
	}{
		{"none", store.Texts{}, nil},
		{"the newest two", store.Texts{Latest: 2}, texts[3:]},
		{"the public ones", store.Texts{Latest: 10, PublicOnly: true}, []poll.TextAnswer{texts[1], texts[3]}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := f.st.Tally(ctx, p.ID(), tc.sel)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got.Record().Texts, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("texts (-want +got):\n%s", diff)
			}
		})
	}

	var paged []poll.TextAnswer
	page := store.Page{Limit: 2}
	for range 5 {
		list, next, err := f.st.TallyTexts(ctx, p.ID(), "short", false, page)
		if err != nil {
			t.Fatal(err)
		}
		paged = append(paged, list...)
		if next == "" {
			break
		}
		page.Cursor = next
	}
	if diff := cmp.Diff(texts, paged); diff != "" {
		t.Errorf("texts two at a time (-want +got):\n%s", diff)
	}
}

func TestTallyOfAPollWithoutResponses(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	ctx := context.Background()
	now := time.Now()
	p := openPoll(t, f, flashSpec("eenzaamheid", now), now)
	got, err := f.st.Tally(ctx, p.ID(), store.Texts{Latest: 5})
	if err != nil {
		t.Fatal(err)
	}
	if got.PollID() != p.ID() || got.Responses() != 0 {
		t.Errorf("tally of poll %s with %d responses, want poll %s with none", got.PollID(), got.Responses(), p.ID())
	}
	if _, err := f.st.Tally(ctx, "01957a3c-2b1e-7c00-8000-00000000dead", store.Texts{}); codeOf(err) != errs.NotFound {
		t.Errorf("tally of an unknown poll: %v, want not found", err)
	}
}
