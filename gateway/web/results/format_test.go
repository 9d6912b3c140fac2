package results

import (
	"testing"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/webtest"
	resultsv1 "github.com/meedoen/meedoen/proto/meedoen/results/v1"
)

func TestNumbersInEachLanguage(t *testing.T) {
	t.Parallel()
	k := webtest.Kit(t, kit.Config{}, nil)
	tests := []struct {
		lang                          string
		count, big, days, whole, pct  string
		less, hiddenShare, placesText string
	}{
		{"nl", "999", "1.234.567", "12,5", "40", "83%", "minder dan 10", "", "Velsen, Beverwijk en Heemskerk"},
		{"en", "999", "1,234,567", "12.5", "40", "83%", "fewer than 10", "", "Velsen, Beverwijk and Heemskerk"},
	}
	for _, tc := range tests {
		t.Run(tc.lang, func(t *testing.T) {
			t.Parallel()
			w := k.Words(tc.lang)
			n := newNumbers(w)
			got := []string{
				n.Count(999), n.Count(1234567), n.Days(12.46), n.Days(40), n.Percent(0.8333),
				n.people(&resultsv1.PublicCount{Hidden: true}, 10).Text, n.share(&resultsv1.PublicFigure{Hidden: true}).Text,
				places(w, []string{"Velsen", "Beverwijk", "Heemskerk"}),
			}
			want := []string{tc.count, tc.big, tc.days, tc.whole, tc.pct, tc.less, tc.hiddenShare, tc.placesText}
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("value %d = %q, want %q", i, got[i], want[i])
				}
			}
		})
	}
}

func TestHiddenFiguresAreHidden(t *testing.T) {
	t.Parallel()
	n := newNumbers(webtest.Kit(t, kit.Config{}, nil).Words("nl"))
	for name, c := range map[string]cell{
		"people without a bound": n.people(&resultsv1.PublicCount{Hidden: true}, 0),
		"people with a bound":    n.people(&resultsv1.PublicCount{Hidden: true}, 5),
		"a poll's count":         n.hiddenCount(&resultsv1.PublicCount{Hidden: true}),
		"a share":                n.share(&resultsv1.PublicFigure{Hidden: true}),
		"days":                   n.days(&resultsv1.PublicFigure{Hidden: true}),
	} {
		if !c.Hidden || c.Text == "0" || c.Text == "0%" {
			t.Errorf("%s: %+v, want hidden and never 0", name, c)
		}
	}
	if c := n.people(&resultsv1.PublicCount{Value: 0}, 5); c.Hidden || c.Text != "0" {
		t.Errorf("nobody: %+v, want a plain 0", c)
	}
}

func TestPeriodsAndThemes(t *testing.T) {
	t.Parallel()
	w := webtest.Kit(t, kit.Config{}, nil).Words("nl")
	for _, tc := range []struct{ got, want string }{
		{period(w, "2026-11-02", "2026-12-14"), "2 november 2026 tot en met 14 december 2026"},
		{period(w, "2026-12-01", "2026-12-01"), "1 december 2026"},
		{period(w, "", "2026-12-01"), "1 december 2026"},
		{period(w, "", ""), ""},
		// The day in Amsterdam, not in UTC: after midnight in winter and
		// in summer.
		{dayOf(w, webtest.At("2027-01-19T23:30:00Z")), "20 januari 2027"},
		{dayOf(w, webtest.At("2027-06-30T22:30:00Z")), "1 juli 2027"},
		{dayOf(w, nil), ""},
		{themeName(w, "wonen-en-zorg"), "Wonen en zorg"},
		{themeName(w, "eenzaamheid-onder-ouderen"), "Eenzaamheid onder ouderen"},
		{themeName(w, "éénoudergezinnen"), "Éénoudergezinnen"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// verdicts are the decisions a recommendation can get.
var verdicts = []resultsv1.Verdict{
	resultsv1.Verdict_VERDICT_UNSPECIFIED, resultsv1.Verdict_VERDICT_ADOPTED, resultsv1.Verdict_VERDICT_PARTLY_ADOPTED,
	resultsv1.Verdict_VERDICT_NOT_ADOPTED, resultsv1.Verdict_VERDICT_TO_BE_INVESTIGATED,
}

// Every key the pages compute exists in every language.
func TestComputedKeysExist(t *testing.T) {
	t.Parallel()
	var need []string
	for _, v := range verdicts {
		need = append(need, verdictKey(v))
	}
	for _, k := range themeKeys {
		need = append(need, "results.theme."+k)
	}
	for _, kind := range []string{"unconfigured", "unavailable", "internal", "badform", "filter"} {
		for _, part := range []string{"title", "heading", "body"} {
			need = append(need, "results.error."+kind+"."+part)
		}
	}
	for _, d := range openData("nl", true) {
		need = append(need, d.LabelKey)
	}
	for lang, cat := range webtest.Catalogues(t) {
		for _, k := range need {
			if _, ok := cat[k]; !ok {
				t.Errorf("%s: the catalogue lacks %q", lang, k)
			}
		}
	}
}
