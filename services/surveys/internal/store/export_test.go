package store_test

import (
	"cmp"
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

func bySubmission(a, b poll.Response) int {
	return cmp.Or(a.SubmittedAt.Compare(b.SubmittedAt), cmp.Compare(a.ID, b.ID))
}

func TestExportResponsesGivesBackWhatWasSubmitted(t *testing.T) {
	t.Parallel()
	f := newStore(t)
	ctx := context.Background()
	now := time.Now()
	p := openPoll(t, f, sharedSpec(t, "mantelzorg", now), now)
	rng := mathrand.New(mathrand.NewPCG(3, 4))
	var want []poll.Response
	for i := range 50 {
		// Some submits share a moment; the id orders them.
		r := check(t, p, randomAnswers(rng), now.Add(time.Duration(i/3)*time.Millisecond))
		if _, err := f.st.SubmitResponse(ctx, store.Submission{Response: r, Respondent: store.CookieRespondent(strconv.Itoa(i))}); err != nil {
			t.Fatal(err)
		}
		want = append(want, r)
	}
	slices.SortFunc(want, bySubmission)

	var got []poll.Response
	if err := f.st.ExportResponses(ctx, p.ID(), func(r poll.Response) error {
		got = append(got, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if diff := gocmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("exported responses (-want +got):\n%s", diff)
	}
}

func TestExportResponsesStreamsInOrderAndStopsWhenAsked(t *testing.T) {
	t.Parallel()
	const responses = 5_000 // more than two of the cursor's chunks
	f := newStore(t)
	ctx := context.Background()
	now := time.Now()
	p := openPoll(t, f, flashSpec("eenzaamheid", now), now)
	_, err := f.pool.Exec(ctx, `INSERT INTO responses (id, poll_id, municipality, answers, submitted_at)
SELECT gen_random_uuid(), $1, 'GM0453', '[{"question": "often", "type": "single_choice", "choices": ["never"]}]',
       $2::timestamptz + (i / 3) * interval '1 millisecond'
FROM generate_series(1, $3) AS i`, p.ID(), now, responses)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.pool.Query(ctx, `SELECT id::text, submitted_at FROM responses`)
	if err != nil {
		t.Fatal(err)
	}
	var want []poll.Response
	for rows.Next() {
		var r poll.Response
		if err := rows.Scan(&r.ID, &r.SubmittedAt); err != nil {
			t.Fatal(err)
		}
		want = append(want, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(want, bySubmission)

	tests := []struct {
		name    string
		stopAt  int // 0: never
		wantErr bool
	}{
		{"to the end", 0, false},
		{"stopped in the second chunk", 2500, true},
		{"stopped at the first row", 1, true},
	}
	errStop := errors.New("the client went away")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []poll.Response
			err := f.st.ExportResponses(ctx, p.ID(), func(r poll.Response) error {
				if r.PollID != p.ID() || len(r.Replies) != 1 || r.Replies[0].Choices[0] != "never" {
					t.Errorf("exported %+v, want an answer of %q to poll %s", r, "never", p.ID())
				}
				got = append(got, poll.Response{ID: r.ID, SubmittedAt: r.SubmittedAt})
				if len(got) == tc.stopAt {
					return errStop
				}
				return nil
			})
			if tc.wantErr != errors.Is(err, errStop) || !tc.wantErr && err != nil {
				t.Fatalf("ExportResponses: %v, want the callback's error: %v", err, tc.wantErr)
			}
			wantRows := want
			if tc.stopAt > 0 {
				wantRows = want[:tc.stopAt]
			}
			if diff := gocmp.Diff(wantRows, got); diff != "" {
				t.Errorf("exported ids and times (-want +got):\n%s", diff)
			}
		})
	}
	if err := f.st.ExportResponses(ctx, "01957a3c-2b1e-7c00-8000-00000000dead", func(poll.Response) error { return nil }); codeOf(err) != errs.NotFound {
		t.Errorf("exporting an unknown poll: %v, want not found", err)
	}
}
