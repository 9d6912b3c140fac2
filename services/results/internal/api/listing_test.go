package api

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/errs"
	pb "github.com/meedoen/meedoen/proto/meedoen/results/v1"
)

// TestProcessResultsOrder: the public list shows the advice first sent
// most recently first, whatever order they were drafted in; advice sent
// at the same moment are in process id order; and paging one at a time
// gives the same list, without skipping or repeating one.
func TestProcessResultsOrder(t *testing.T) {
	f := newFixture(t)
	const (
		sentFirst  = "01957a3c-2b1e-7c00-8000-0000000001a1"
		sentSecond = "01957a3c-2b1e-7c00-8000-0000000001b1"
		sameLow    = "01957a3c-2b1e-7c00-8000-0000000001c1"
		sameHigh   = "01957a3c-2b1e-7c00-8000-0000000001d1"
	)
	for _, id := range []string{sentFirst, sentSecond, sameLow, sameHigh} {
		if _, err := f.pool.Exec(t.Context(), `INSERT INTO processes (id, tenant, participants, theme, origin, phase)
VALUES ($1, 'GM0396', '{}', 'mantelzorg', 'council', 'advise')`, id); err != nil {
			t.Fatal(err)
		}
	}
	// Drafted in this order; the one drafted first is sent last but one.
	drafted := map[string]*pb.Advice{}
	for _, id := range []string{sentSecond, sentFirst, sameLow, sameHigh} {
		drafted[id] = f.drafted(t, secretaris, id)
	}
	send := func(process string, at time.Time) {
		t.Helper()
		f.now = at
		a := drafted[process]
		if _, err := f.srv.Advice.AdoptAdvice(secretaris, &pb.AdoptAdviceRequest{Id: a.GetId(), Version: 1}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.srv.Advice.SendAdvice(secretaris, &pb.SendAdviceRequest{Id: a.GetId(), Version: 1}); err != nil {
			t.Fatal(err)
		}
	}
	day := time.Date(2027, 3, 10, 9, 0, 0, 0, time.UTC)
	send(sentFirst, day)
	send(sentSecond, day.Add(time.Hour))
	send(sameHigh, day.Add(2*time.Hour))
	send(sameLow, day.Add(2*time.Hour))
	f.drafted(t, secretaris, processID) // not sent: not listed

	want := []string{sameLow, sameHigh, sentSecond, sentFirst}
	all, err := f.srv.Results.ListProcessResults(t.Context(), &pb.ListProcessResultsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range all.GetResults() {
		got = append(got, r.GetProcessId())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("order of the list (-want +got):\n%s", diff)
	}
	if all.GetNextCursor() != "" {
		t.Errorf("one page of four has a next cursor %q", all.GetNextCursor())
	}

	got = nil
	next := ""
	for range 10 {
		page, err := f.srv.Results.ListProcessResults(t.Context(), &pb.ListProcessResultsRequest{Limit: 1, Cursor: next})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.GetResults() {
			got = append(got, r.GetProcessId())
		}
		if next = page.GetNextCursor(); next == "" {
			break
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("paging one at a time (-want +got):\n%s", diff)
	}

	_, err = f.srv.Results.ListProcessResults(t.Context(), &pb.ListProcessResultsRequest{Cursor: "bm90IGEgY3Vyc29y"})
	wantCode(t, "a cursor the list did not hand out", err, errs.Invalid)
}
