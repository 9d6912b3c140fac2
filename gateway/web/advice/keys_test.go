package advice

import (
	"testing"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/webtest"
	resultsv1 "github.com/meedoen/meedoen/proto/meedoen/results/v1"
)

// Every key the pages compute is in both catalogues: a missing one would
// show as its key, or fail the page.
func TestComputedKeysExist(t *testing.T) {
	t.Parallel()
	var need []string
	for _, r := range reasons {
		need = append(need, r.key)
	}
	for v := range resultsv1.AdviceStatus_name {
		need = append(need, adviceStatusKey(resultsv1.AdviceStatus(v)))
	}
	for v := range resultsv1.VersionStatus_name {
		need = append(need, versionStatusKey(resultsv1.VersionStatus(v)))
	}
	for v := range resultsv1.ResponseStatus_name {
		need = append(need, responseStatusKey(resultsv1.ResponseStatus(v)))
	}
	for v := range resultsv1.Verdict_name {
		need = append(need, verdictKey(resultsv1.Verdict(v)))
	}
	for _, page := range []string{"advice.unconfigured", "advice.noProcess", "advice.noVersion", "advice.notBoard", "advice.notOfficer"} {
		need = append(need, page+".title", page+".heading", page+".body")
	}
	for _, c := range []string{"advice.adopt", "advice.send", "advice.revision"} {
		need = append(need, c+".title", c+".heading", c+".lead", c+".body", c+".confirm")
	}
	for _, d := range []string{"aangemaakt", "bestaat", "versie", "vastgesteld", "verzonden", "ontvangen", "toegewezen", "beantwoord", "herziening", "instellingen"} {
		need = append(need, "advice.done."+d)
	}
	need = append(need, "advice.response.onTime.true", "advice.response.onTime.false", "advice.correction.draft", "advice.correction.sent")
	for lang, cat := range webtest.Catalogues(t) {
		for _, k := range need {
			if _, ok := cat[k]; !ok {
				t.Errorf("%s: the catalogue lacks %q", lang, k)
			}
		}
	}
}

// The results service's reasons read in Dutch, numbers and days kept.
func TestServiceReasonsInDutch(t *testing.T) {
	t.Parallel()
	k := webtest.Kit(t, kit.Config{}, nil)
	w := k.Words("nl")
	say := func(fe kit.FieldError) string {
		if fe.Key != "" {
			return w.Text(fe.Key)
		}
		if fe.Lang != "" {
			return "[" + fe.Lang + "] " + fe.Text
		}
		return fe.Text
	}
	for reason, want := range map[string]string{
		"is required: the day the executive decided": "Vul dit in.",
		"must not be empty":                          "Vul dit in.",
		"must be at most 200 characters":             "Deze tekst is te lang: hoogstens 200 tekens.",
		"must hold at least one recommendation":      "Schrijf ten minste één aanbeveling.",
		"must hold 3 recommendations, as the version sent does, so that the responses stay theirs": "Een correctie van een verzonden advies houdt 3 aanbevelingen, zodat de reacties van de gemeenten bij hun aanbeveling blijven.",
		"names a closed process":                                    "Het traject is afgesloten; het advies en de reacties veranderen niet meer.",
		"names version 1, but the latest is 3: edit that one":       "Iemand anders heeft intussen een nieuwe versie opgeslagen (nu versie 3). Open het advies opnieuw en bewerk die versie; kopieer eerst wat je hier schreef.",
		"is not the latest version (4)":                             "Er is intussen een nieuwere versie (versie 4). Ga terug naar het advies en kijk die eerst na.",
		"version 2 was sent already; a correction is a new version": "Deze versie is al verzonden. Een correctie wordt een nieuwe versie.",
		"must not lie before the advice was sent (2026-11-02)":      "Het besluit kan niet eerder zijn dan het verzenden van het advies (2 november 2026).",
		"must answer recommendation 2":                              "Geef een besluit over aanbeveling 2.",
		"there is no response to revise yet":                        "Er is nog geen reactie om te herzien.",
		"must be between 1 and 365 days":                            "Vul een termijn in van 1 tot en met 365 dagen.",
		"something new the service says":                            "[en] something new the service says",
	} {
		if got := say(explain(w, reason)); got != want {
			t.Errorf("%q reads %q, want %q", reason, got, want)
		}
	}
}
