// Package figures computes the evaluation figures of the participation
// councils' work: per municipality, theme and participation form, how many
// processes ran, how much advice was sent, how the executives answered
// and how fast, how many residents were reached, and whether participants
// were told the outcome. Counts of residents below the smallest shown
// count are hidden, and so are shares and times computed from fewer items
// than that.
package figures

import (
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/meedoen/meedoen/services/results/internal/evidence"
	"github.com/meedoen/meedoen/services/results/internal/response"
)

// Process is a participation process as the figures count it.
type Process struct {
	ID    string
	Theme string
	// Municipalities are the ones it ran in: its own, or a shared
	// process's participants.
	Municipalities []string
	AdviceSent     bool
	// Reported tells whether a final report told the participants.
	Reported bool
}

// Response is one municipality's response to a sent advice.
type Response struct {
	Municipality string
	Theme        string
	// Answers are the latest response's; none when none was given.
	Answers []response.Answer
	// FirstDays is the days from receiving the advice to the first
	// response; negative when none was given.
	FirstDays float64
	// OnTime tells whether the latest response was given by its deadline.
	OnTime bool
}

// Reach is the residents one form reached in one municipality for a
// process.
type Reach struct {
	Process      string
	Form         string
	Municipality string
	Residents    int64
}

// PollResponses are the responses one municipality gave to a poll.
type PollResponses struct {
	Municipality string
	Responses    int64
}

// Input is what the figures are computed from.
type Input struct {
	Processes []Process
	Responses []Response
	Reach     []Reach
	Polls     []PollResponses
	// Names are the municipalities known, by code; each gets a row.
	Names map[string]string
}

// Filter narrows the figures. Empty fields do not filter.
type Filter struct {
	// Municipalities keeps only these; nil keeps all.
	Municipalities []string
	Theme          string
}

// Figure is a computed figure as shown.
type Figure struct {
	Value  float64
	Hidden bool
}

// Adoption is how recommendations were answered.
type Adoption struct {
	Answered, Adopted, PartlyAdopted, NotAdopted, ToBeInvestigated int
	AdoptedShare, PartlyAdoptedShare, NotAdoptedShare              Figure
}

// Municipality is one municipality's figures.
type Municipality struct {
	Code, Name                    string
	Processes, AdviceSent         int
	Adoption                      Adoption
	Responses                     int
	MedianDays, P90Days, OnTime   Figure
	ResidentsReached, PollAnswers evidence.Count
	ToldShare                     Figure
}

// Theme is one theme's figures.
type Theme struct {
	Theme                 string
	Processes, AdviceSent int
	Adoption              Adoption
	ToldShare             Figure
}

// Form is one form's reach in one municipality.
type Form struct {
	Form, Municipality string
	Processes          int
	ResidentsReached   evidence.Count
}

// Figures are the evaluation figures.
type Figures struct {
	MinCell        int
	Municipalities []Municipality
	Themes         []Theme
	Forms          []Form
	AsOf           time.Time
}

// Compute computes the figures of in that f keeps, at asOf, with cells
// deciding what is too small to show: the strictest threshold of the
// municipalities shown applies to all, so that no figure can be
// subtracted from another to reveal a small one.
func Compute(in Input, cells evidence.MinCells, f Filter, asOf time.Time) Figures {
	keep := func(code string) bool { return f.Municipalities == nil || slices.Contains(f.Municipalities, code) }
	themeOK := func(theme string) bool { return f.Theme == "" || f.Theme == theme }

	codes := make([]string, 0, len(in.Names))
	for code := range in.Names {
		if keep(code) {
			codes = append(codes, code)
		}
	}
	sort.Strings(codes)
	min := cells.Strictest(codes)
	out := Figures{MinCell: min, AsOf: asOf.UTC()}

	type muniAcc struct {
		processes, sent, reported int
		answers                   []response.Answer
		responses, onTime         int
		days                      []float64
		residents, polls          int64
	}
	munis := map[string]*muniAcc{}
	for _, c := range codes {
		munis[c] = &muniAcc{}
	}
	themes := map[string]*Theme{}
	themeAnswers := map[string][]response.Answer{}
	themeReported := map[string]int{}
	for _, p := range in.Processes {
		if !themeOK(p.Theme) {
			continue
		}
		inScope := false
		for _, m := range p.Municipalities {
			if acc := munis[m]; acc != nil {
				inScope = true
				acc.processes++
				if p.AdviceSent {
					acc.sent++
					if p.Reported {
						acc.reported++
					}
				}
			}
		}
		if !inScope {
			continue
		}
		t := themes[p.Theme]
		if t == nil {
			t = &Theme{Theme: p.Theme}
			themes[p.Theme] = t
		}
		t.Processes++
		if p.AdviceSent {
			t.AdviceSent++
			if p.Reported {
				themeReported[p.Theme]++
			}
		}
	}
	for _, r := range in.Responses {
		acc := munis[r.Municipality]
		if acc == nil || !themeOK(r.Theme) {
			continue
		}
		acc.answers = append(acc.answers, r.Answers...)
		themeAnswers[r.Theme] = append(themeAnswers[r.Theme], r.Answers...)
		if r.FirstDays >= 0 {
			acc.responses++
			acc.days = append(acc.days, r.FirstDays)
			if r.OnTime {
				acc.onTime++
			}
		}
	}
	processTheme := map[string]string{}
	for _, p := range in.Processes {
		processTheme[p.ID] = p.Theme
	}
	type formKey struct{ form, municipality string }
	forms := map[formKey]*struct {
		processes map[string]bool
		residents int64
	}{}
	for _, r := range in.Reach {
		if !themeOK(processTheme[r.Process]) || (r.Municipality != "" && munis[r.Municipality] == nil) || (r.Municipality == "" && f.Municipalities != nil) {
			continue
		}
		if acc := munis[r.Municipality]; acc != nil {
			acc.residents += r.Residents
		}
		k := formKey{r.Form, r.Municipality}
		fa := forms[k]
		if fa == nil {
			fa = &struct {
				processes map[string]bool
				residents int64
			}{processes: map[string]bool{}}
			forms[k] = fa
		}
		fa.processes[r.Process] = true
		fa.residents += r.Residents
	}
	for _, p := range in.Polls {
		if acc := munis[p.Municipality]; acc != nil {
			acc.polls += p.Responses
		}
	}

	for _, c := range codes {
		acc := munis[c]
		m := Municipality{Code: c, Name: in.Names[c], Processes: acc.processes, AdviceSent: acc.sent,
			Adoption: adoptionOf(acc.answers, min), Responses: acc.responses,
			MedianDays: quantile(acc.days, 0.5, min), P90Days: quantile(acc.days, 0.9, min),
			OnTime:           share(acc.onTime, acc.responses, min),
			ResidentsReached: evidence.Show(acc.residents, min), PollAnswers: evidence.Show(acc.polls, min),
			ToldShare: share(acc.reported, acc.sent, min)}
		out.Municipalities = append(out.Municipalities, m)
	}
	for _, key := range sortedKeys(themes) {
		t := themes[key]
		t.Adoption = adoptionOf(themeAnswers[key], min)
		t.ToldShare = share(themeReported[key], t.AdviceSent, min)
		out.Themes = append(out.Themes, *t)
	}
	for k, fa := range forms {
		out.Forms = append(out.Forms, Form{Form: k.form, Municipality: k.municipality, Processes: len(fa.processes),
			ResidentsReached: evidence.Show(fa.residents, min)})
	}
	slices.SortFunc(out.Forms, func(a, b Form) int {
		if c := strings.Compare(a.Form, b.Form); c != 0 {
			return c
		}
		return strings.Compare(a.Municipality, b.Municipality)
	})
	return out
}

func adoptionOf(answers []response.Answer, min int) Adoption {
	var a Adoption
	for _, ans := range answers {
		a.Answered++
		switch ans.Verdict {
		case response.Adopted:
			a.Adopted++
		case response.PartlyAdopted:
			a.PartlyAdopted++
		case response.NotAdopted:
			a.NotAdopted++
		case response.ToBeInvestigated:
			a.ToBeInvestigated++
		}
	}
	a.AdoptedShare = share(a.Adopted, a.Answered, min)
	a.PartlyAdoptedShare = share(a.PartlyAdopted, a.Answered, min)
	a.NotAdoptedShare = share(a.NotAdopted, a.Answered, min)
	return a
}

// share is part of whole, hidden when whole is below min (or nothing).
func share(part, whole, min int) Figure {
	if whole == 0 || whole < min {
		return Figure{Hidden: true}
	}
	return Figure{Value: float64(part) / float64(whole)}
}

// quantile is the q-quantile of values (nearest rank), hidden when there
// are fewer than min of them; rounded to a tenth of a day.
func quantile(values []float64, q float64, least int) Figure {
	if len(values) == 0 || len(values) < least {
		return Figure{Hidden: true}
	}
	v := slices.Clone(values)
	slices.Sort(v)
	rank := int(math.Ceil(q*float64(len(v)))) - 1
	rank = max(0, min(rank, len(v)-1))
	return Figure{Value: math.Round(v[rank]*10) / 10}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
