package store_test

import (
	"context"
	"errors"
	mathrand "math/rand/v2"
	"slices"
	"strconv"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/meedoen/meedoen/internal/errs"
	"github.com/meedoen/meedoen/services/surveys/internal/poll"
	"github.com/meedoen/meedoen/services/surveys/internal/store"
)

// cloneResponse copies what ScanResponses hands out and will overwrite.
func cloneResponse(r *poll.Response) poll.Response {
	c := *r
	c.Replies = nil
	for _, rep := range r.Replies {
		rep.Choices = slices.Clone(rep.Choices)
		rep.Ranking = slices.Clone(rep.Ranking)
		if rep.Rows != nil {
			rows := map[string]string{}
			for k, v := range rep.Rows {
				rows[k] = v
			}
			rep.Rows = rows
		}
		c.Replies = append(c.Replies, rep)
	}
	return c
}

func TestScanResponsesReadsWhatExportResponsesReads(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	ctx := context.Background()
	now := time.Now()
	p := openPoll(t, f, sharedSpec(t, "mantelzorg", now), now)
	rng := mathrand.New(mathrand.NewPCG(5, 6))
	// Texts that JSON must escape take the decoder's slow lane.
	odd := []string{"een \"citaat\"", "twee\nregels", "tab\there", `back\slash`, "ünïcode ✓", "\u2028"}
	for i := range 60 {
		a := randomAnswers(rng)
		a.Questions["short"] = poll.Answer{Text: odd[i%len(odd)] + " " + strconv.Itoa(i)}
		r := check(t, p, a, now.Add(time.Duration(i)*time.Millisecond))
		if _, err := f.st.SubmitResponse(ctx, store.Submission{Response: r, Respondent: store.CookieRespondent(strconv.Itoa(i))}); err != nil {
			t.Fatal(err)
		}
	}
	var want []poll.Response
	if err := f.st.ExportResponses(ctx, p.ID(), func(r poll.Response) error {
		want = append(want, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var got []poll.Response
	var counts map[string]int64
	err := f.st.ScanResponses(ctx, p.ID(), store.ScanOptions{Counts: func(c map[string]int64) error {
		if got != nil {
			t.Error("counts came after a response")
		}
		counts = c
		return nil
	}}, func(r *poll.Response) error {
		got = append(got, cloneResponse(r))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := gocmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("scanned responses (-want +got):\n%s", diff)
	}
	wantCounts := map[string]int64{}
	for _, r := range want {
		wantCounts[r.Municipality]++
	}
	if diff := gocmp.Diff(wantCounts, counts); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
}

func TestScanResponsesStopsWhenAskedAndKnowsNoStrangers(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	ctx := context.Background()
	now := time.Now()
	p := openPoll(t, f, flashSpec("eenzaamheid", now), now)
	_, err := f.pool.Exec(ctx, `INSERT INTO responses (id, poll_id, municipality, answers, submitted_at)
SELECT gen_random_uuid(), $1, 'GM0453', '[{"question": "often", "type": "single_choice", "choices": ["never"]}]', $2
FROM generate_series(1, 4500)`, p.ID(), now)
	if err != nil {
		t.Fatal(err)
	}
	errStop := errors.New("the client went away")
	n := 0
	err = f.st.ScanResponses(ctx, p.ID(), store.ScanOptions{}, func(*poll.Response) error {
		if n++; n == 2500 {
			return errStop
		}
		return nil
	})
	if !errors.Is(err, errStop) || n != 2500 {
		t.Errorf("got %v after %d rows, want the callback's error after 2500", err, n)
	}
	n = 0
	if err := f.st.ScanResponses(ctx, p.ID(), store.ScanOptions{}, func(*poll.Response) error { n++; return nil }); err != nil || n != 4500 {
		t.Errorf("got %v after %d rows, want 4500 rows", err, n)
	}
	err = f.st.ScanResponses(ctx, "01957a3c-2b1e-7c00-8000-00000000dead", store.ScanOptions{}, func(*poll.Response) error { return nil })
	if codeOf(err) != errs.NotFound {
		t.Errorf("scanning an unknown poll: %v, want not found", err)
	}
}
