package api

import (
	"context"
	"testing"

	pb "github.com/meedoen/meedoen/proto/meedoen/results/v1"
)

// TestFigures computes the figures of one answered advice: counts of
// processes and advice are shown, shares of two answers and a handful of
// residents are hidden below the smallest count (5), a large reach is
// shown; a change the projections mark is seen despite the cache.
func TestFigures(t *testing.T) {
	f := newFixture(t)
	a := f.sent(t, processID, secretaris)
	if _, err := f.srv.Advice.RecordResponse(ambtenaar, &pb.RecordResponseRequest{Id: a.GetId(), MunicipalityCode: "GM0396", DecidedOn: "2027-03-10",
		Answers: []*pb.RecommendationAnswer{{Recommendation: 1, Verdict: pb.Verdict_VERDICT_ADOPTED},
			{Recommendation: 2, Verdict: pb.Verdict_VERDICT_NOT_ADOPTED, Motivation: "Geen budget."}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.pool.Exec(t.Context(), `INSERT INTO process_activities (source, process_id, form, municipality, day, residents)
VALUES ('a1', $1, 'street_interview', 'GM0396', '2027-02-01', 3)`, processID); err != nil {
		t.Fatal(err)
	}
	get := func(req *pb.GetFiguresRequest) *pb.MunicipalityFigures {
		t.Helper()
		fig, err := f.srv.Results.GetFigures(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range fig.GetMunicipalities() {
			if m.GetMunicipalityCode() == "GM0396" {
				return m
			}
		}
		t.Fatalf("no figures of Heemskerk in %v", fig)
		return nil
	}
	m := get(&pb.GetFiguresRequest{RegionId: "ijmond"})
	if m.GetName() != "Heemskerk" || m.GetProcesses() != 2 || m.GetAdviceSent() != 1 || m.GetResponses() != 1 {
		t.Errorf("Heemskerk: name %q, %d processes, %d advice sent, %d responses; want Heemskerk, 2, 1, 1",
			m.GetName(), m.GetProcesses(), m.GetAdviceSent(), m.GetResponses())
	}
	if ad := m.GetAdoption(); ad.GetAnswered() != 2 || ad.GetAdopted() != 1 || !ad.GetAdoptedShare().GetHidden() || !m.GetMedianResponseDays().GetHidden() {
		t.Errorf("adoption %v, median %v: want 2 answered, 1 adopted, shares and times hidden", ad, m.GetMedianResponseDays())
	}
	if !m.GetResidentsReached().GetHidden() {
		t.Errorf("3 residents reached shown: %v", m.GetResidentsReached())
	}
	// A projection adds a large reach and marks the figures changed.
	if _, err := f.pool.Exec(t.Context(), `INSERT INTO process_activities (source, process_id, form, municipality, day, residents)
VALUES ('a2', $1, 'street_interview', 'GM0396', '2027-02-02', 40)`, processID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.pool.Exec(t.Context(), `UPDATE figures_version SET version = version + 1`); err != nil {
		t.Fatal(err)
	}
	if m := get(&pb.GetFiguresRequest{MunicipalityCode: "GM0396"}); m.GetResidentsReached().GetHidden() || m.GetResidentsReached().GetValue() != 43 {
		t.Errorf("43 residents reached: %v", m.GetResidentsReached())
	}
}
