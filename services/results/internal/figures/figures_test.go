package figures_test

import (
	"testing"
	"time"

	"github.com/meedoen/meedoen/services/results/internal/evidence"
	"github.com/meedoen/meedoen/services/results/internal/figures"
	"github.com/meedoen/meedoen/services/results/internal/response"
)

const (
	velsen    = "GM0453"
	beverwijk = "GM0375"
	heemskerk = "GM0396"
)

var names = map[string]string{velsen: "Velsen", beverwijk: "Beverwijk", heemskerk: "Heemskerk"}

func answers(verdicts ...response.Verdict) []response.Answer {
	out := make([]response.Answer, len(verdicts))
	for i, v := range verdicts {
		out[i] = response.Answer{Recommendation: i + 1, Verdict: v}
	}
	return out
}

func municipality(t *testing.T, f figures.Figures, code string) figures.Municipality {
	t.Helper()
	for _, m := range f.Municipalities {
		if m.Code == code {
			return m
		}
	}
	t.Fatalf("no figures of %s in %+v", code, f.Municipalities)
	return figures.Municipality{}
}

// TestSharedProcessCountsInEachMunicipality: a shared process counts once
// for each participating municipality, once for its theme, and each
// municipality's own response decides its adoption and response time.
func TestSharedProcessCountsInEachMunicipality(t *testing.T) {
	in := figures.Input{
		Names: names,
		Processes: []figures.Process{
			{ID: "p1", Theme: "wmo", Municipalities: []string{velsen, beverwijk, heemskerk}, AdviceSent: true, Reported: true},
			{ID: "p2", Theme: "jeugd", Municipalities: []string{velsen}},
		},
		Responses: []figures.Response{
			{Municipality: velsen, Theme: "wmo", Answers: answers(response.Adopted, response.Adopted, response.NotAdopted), FirstDays: 20, OnTime: true},
			{Municipality: beverwijk, Theme: "wmo", Answers: answers(response.PartlyAdopted, response.ToBeInvestigated, response.Adopted), FirstDays: 50},
			{Municipality: heemskerk, Theme: "wmo", FirstDays: -1},
		},
	}
	f := figures.Compute(in, evidence.MinCells{Default: 1}, figures.Filter{}, time.Now())
	if len(f.Municipalities) != 3 || f.Municipalities[0].Code != beverwijk || f.Municipalities[2].Code != velsen {
		t.Fatalf("municipalities %+v: want all three in code order", f.Municipalities)
	}
	v := municipality(t, f, velsen)
	if v.Name != "Velsen" || v.Processes != 2 || v.AdviceSent != 1 || v.Responses != 1 {
		t.Errorf("Velsen: %+v; want 2 processes, 1 advice sent, 1 response", v)
	}
	if a := v.Adoption; a.Answered != 3 || a.Adopted != 2 || a.NotAdopted != 1 || a.AdoptedShare.Hidden || a.AdoptedShare.Value != 2.0/3 {
		t.Errorf("Velsen's adoption %+v: want 2 of 3 adopted, 1 not", a)
	}
	if v.ToldShare.Hidden || v.ToldShare.Value != 1 || v.OnTime.Value != 1 || v.MedianDays.Value != 20 {
		t.Errorf("Velsen told %+v, on time %+v, median %+v: want 1, 1, 20 days", v.ToldShare, v.OnTime, v.MedianDays)
	}
	b := municipality(t, f, beverwijk)
	if b.Processes != 1 || b.Adoption.PartlyAdopted != 1 || b.Adoption.ToBeInvestigated != 1 || b.OnTime.Value != 0 || b.OnTime.Hidden {
		t.Errorf("Beverwijk: %+v; want 1 process, 1 partly, 1 to be investigated, none on time", b)
	}
	h := municipality(t, f, heemskerk)
	if h.Responses != 0 || !h.MedianDays.Hidden || !h.OnTime.Hidden || h.Adoption.Answered != 0 || !h.Adoption.AdoptedShare.Hidden {
		t.Errorf("Heemskerk without a response: %+v; want no responses and its times and shares hidden, not 0", h)
	}
	if len(f.Themes) != 2 || f.Themes[0].Theme != "jeugd" || f.Themes[1].Theme != "wmo" {
		t.Fatalf("themes %+v: want jeugd and wmo", f.Themes)
	}
	if w := f.Themes[1]; w.Processes != 1 || w.AdviceSent != 1 || w.Adoption.Answered != 6 || w.ToldShare.Value != 1 {
		t.Errorf("theme wmo %+v: the shared process once, its six answers", w)
	}
}

// TestQuantilesAreNearestRank: the median and 90th percentile of response
// days are values that occurred (nearest rank), rounded to a tenth.
func TestQuantilesAreNearestRank(t *testing.T) {
	in := figures.Input{Names: map[string]string{velsen: "Velsen"}}
	for i, d := range []float64{40, 10, 30.04, 20, 50, 60, 70, 80, 90, 100} {
		in.Processes = append(in.Processes, figures.Process{ID: string(rune('a' + i)), Theme: "wmo", Municipalities: []string{velsen}, AdviceSent: true})
		in.Responses = append(in.Responses, figures.Response{Municipality: velsen, Theme: "wmo", Answers: answers(response.Adopted), FirstDays: d, OnTime: d <= 42})
	}
	v := municipality(t, figures.Compute(in, evidence.MinCells{Default: 5}, figures.Filter{}, time.Now()), velsen)
	if v.MedianDays.Value != 50 || v.P90Days.Value != 90 {
		t.Errorf("median %v, p90 %v of 10..100 days: want 50 and 90", v.MedianDays, v.P90Days)
	}
	if v.OnTime.Value != 0.4 {
		t.Errorf("on time %v: want 4 of 10", v.OnTime)
	}
	in.Responses = in.Responses[:3] // 40, 10, 30.04
	v = municipality(t, figures.Compute(in, evidence.MinCells{Default: 3}, figures.Filter{}, time.Now()), velsen)
	if v.MedianDays.Value != 30 {
		t.Errorf("median of 10, 30.04, 40: %v; want 30 (rounded to a tenth)", v.MedianDays)
	}
	v = municipality(t, figures.Compute(in, evidence.MinCells{Default: 4}, figures.Filter{}, time.Now()), velsen)
	if !v.MedianDays.Hidden || !v.P90Days.Hidden || !v.OnTime.Hidden {
		t.Errorf("three responses below the smallest count 4 shown: median %v, p90 %v, on time %v", v.MedianDays, v.P90Days, v.OnTime)
	}
}

// TestStrictestThresholdAppliesToAll: when one municipality shows no count
// below 10, no municipality's count below 10 is shown beside it (so no
// figure can be derived from the others); filtered to a municipality with
// the default threshold, its own counts from 5 are shown.
func TestStrictestThresholdAppliesToAll(t *testing.T) {
	in := figures.Input{
		Names:     names,
		Processes: []figures.Process{{ID: "p1", Theme: "wmo", Municipalities: []string{velsen, beverwijk}}},
		Reach: []figures.Reach{
			{Process: "p1", Form: "poll", Municipality: velsen, Residents: 7},
			{Process: "p1", Form: "poll", Municipality: beverwijk, Residents: 12},
			{Process: "p1", Form: "focus_group", Municipality: velsen, Residents: 0},
		},
		Polls: []figures.PollResponses{{Municipality: velsen, Responses: 7}, {Municipality: beverwijk, Responses: 12}},
	}
	cells := evidence.MinCells{Default: 5, By: map[string]int{beverwijk: 10}}
	all := figures.Compute(in, cells, figures.Filter{}, time.Now())
	if all.MinCell != 10 {
		t.Errorf("smallest count %d: want Beverwijk's 10 for all", all.MinCell)
	}
	if v := municipality(t, all, velsen); !v.ResidentsReached.Hidden || !v.PollAnswers.Hidden {
		t.Errorf("Velsen's 7 shown beside Beverwijk: %+v", v)
	}
	if b := municipality(t, all, beverwijk); b.ResidentsReached.Hidden || b.ResidentsReached.Value != 12 {
		t.Errorf("Beverwijk's 12: %+v", b.ResidentsReached)
	}
	for _, fr := range all.Forms {
		if fr.Form == "focus_group" && (fr.ResidentsReached.Hidden || fr.ResidentsReached.Value != 0) {
			t.Errorf("no one reached by a focus group is hidden: %+v (nothing singles nobody out)", fr)
		}
	}
	only := figures.Compute(in, cells, figures.Filter{Municipalities: []string{velsen}}, time.Now())
	if len(only.Municipalities) != 1 || only.MinCell != 5 {
		t.Fatalf("Velsen only: %d municipalities, smallest count %d; want 1 and 5", len(only.Municipalities), only.MinCell)
	}
	if v := only.Municipalities[0]; v.ResidentsReached.Hidden || v.ResidentsReached.Value != 7 {
		t.Errorf("Velsen alone: reach %+v; want 7", v.ResidentsReached)
	}
	for _, fr := range only.Forms {
		if fr.Municipality != velsen {
			t.Errorf("form of %s in Velsen's figures", fr.Municipality)
		}
	}
}

// TestThemeFilter keeps only the theme's processes, responses and reach.
func TestThemeFilter(t *testing.T) {
	in := figures.Input{
		Names: map[string]string{velsen: "Velsen"},
		Processes: []figures.Process{
			{ID: "p1", Theme: "wmo", Municipalities: []string{velsen}, AdviceSent: true},
			{ID: "p2", Theme: "jeugd", Municipalities: []string{velsen}, AdviceSent: true},
		},
		Responses: []figures.Response{
			{Municipality: velsen, Theme: "wmo", Answers: answers(response.Adopted), FirstDays: 10, OnTime: true},
			{Municipality: velsen, Theme: "jeugd", Answers: answers(response.NotAdopted, response.NotAdopted), FirstDays: 60},
		},
		Reach: []figures.Reach{
			{Process: "p1", Form: "poll", Municipality: velsen, Residents: 100},
			{Process: "p2", Form: "poll", Municipality: velsen, Residents: 30},
		},
	}
	f := figures.Compute(in, evidence.MinCells{Default: 1}, figures.Filter{Theme: "jeugd"}, time.Now())
	v := municipality(t, f, velsen)
	if v.Processes != 1 || v.Adoption.NotAdopted != 2 || v.Adoption.Adopted != 0 || v.ResidentsReached.Value != 30 || v.MedianDays.Value != 60 {
		t.Errorf("Velsen on jeugd: %+v; want 1 process, 2 not adopted, 30 reached, 60 days", v)
	}
	if len(f.Themes) != 1 || f.Themes[0].Theme != "jeugd" {
		t.Errorf("themes %+v: want only jeugd", f.Themes)
	}
}
