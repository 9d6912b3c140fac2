package document

import (
	"fmt"
	"time"
)

// ijmond is a shared advice to three municipalities, with Dutch
// characters in every section.
func ijmond(recommendations int) Doc {
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 10, 0, 0, 0, time.UTC) }
	d := Doc{
		Title:          "Advies over de herinrichting van het Kennemerplein in de IJmond",
		Reference:      "ADV-2026-014",
		Version:        2,
		Correction:     true,
		Note:           "In versie 1 stond bij Beverwijk een onjuist aantal deelnemers; de aanbevelingen zijn ongewijzigd.",
		Municipalities: []string{"Beverwijk", "Heemskerk", "Velsen"},
		Council:        "Participatieraad IJmond",
		// 23:30 UTC on 31 October is already 1 November in Amsterdam.
		Date:        time.Date(2026, 10, 31, 23, 30, 0, 0, time.UTC),
		Permalink:   "https://meedoen.example.nl/ijmond/adviezen/ADV-2026-014/versies/2",
		ContentHash: "3f8a9c1d2e4b5a6978c0d1e2f3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6",
		Question:    "Hoe kunnen de gemeenten het plein zó inrichten dat ouderen, kinderen en ondernemers er zich thuis voelen? De vraag komt van het college van Velsen.",
		Involvement: "We spraken met inwoners op de weekmarkt, hielden twee focusgroepen en zetten een peiling uit.\n\nIn totaal deden ruim tweehonderd inwoners mee; hun ideeën zijn gebundeld in dit advies.",
		Reach: []Reach{
			{Form: "Enquête", Municipality: "Beverwijk", Activities: 1, Residents: Count{Value: 84}, FirstDay: day(9, 1), LastDay: day(9, 30)},
			{Form: "Focusgroep", Municipality: "Heemskerk", Activities: 2, Residents: Count{Hidden: true}, FirstDay: day(9, 12), LastDay: day(9, 19)},
			{Form: "Straatgesprek", Municipality: "Velsen", Activities: 3, Residents: Count{Value: 61}, FirstDay: day(9, 5), LastDay: day(9, 5)},
		},
		Findings: "Inwoners noemen de oversteek bij de bushalte onveilig. Het café-terras, de ĳsbaan in de winter en de speeltuin worden gewaardeerd; de verlichting ’s avonds niet.",
		Quotes: []Quote{
			{Text: "Als je met een rollator oversteekt, moet je echt rennen.", Source: "Focusgroep Heemskerk, 12 september"},
		},
		Polls: []Poll{{
			Title: "Peiling Kennemerplein", ClosedOn: day(9, 30), Responses: Count{Value: 203},
			PerMunicipality: []MunicipalityCount{
				{Municipality: "Beverwijk", Count: Count{Value: 84}},
				{Municipality: "Heemskerk", Count: Count{Hidden: true}},
				{Municipality: "Velsen", Count: Count{Hidden: true}},
			},
		}},
		Conclusions: "Het plein moet veiliger en beter verlicht worden, met behoud van het groen. Een coöperatieve aanpak met de ondernemers ligt voor de hand.",
	}
	base := []string{
		"Maak de oversteek bij de bushalte veiliger met een zebrapad en een middeneiland.",
		"Zorg voor betere verlichting op het hele plein, ook ’s avonds na tienen.",
		"Behoud de bomen en voeg zitplekken in de schaduw toe, zodat ouderen er kunnen rusten.",
		"Betrek de ondernemers en de Stichting Wijkbelang IJmuiden-Noord bij het ontwerp; overleg vóór de zomer.",
		"Rapporteer binnen een jaar aan de participatieraad wat er met dit advies is gedaan.",
	}
	for i := range recommendations {
		if i < len(base) {
			d.Recommendations = append(d.Recommendations, base[i])
			continue
		}
		d.Recommendations = append(d.Recommendations, fmt.Sprintf(
			"Aanbeveling over onderwerp %d: onderzoek samen met de bewoners of de maatregel ook elders in de IJmond werkt, en deel de uitkomst vóór het einde van het jaar met de raad.", i+1))
	}
	return d
}
