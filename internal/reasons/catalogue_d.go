package reasons

// The wordings the scan finds behind variables, concatenations and errors:
// shared packages (cursor, revision, update, csvfile), the gates of the
// step plan, the panel's own bilingual reasons and a few put together in
// place.
func init() {
	register(
		// A service whose database is down (internal/rpc answers it 503).
		Entry{Code: "UNAVAILABLE", English: "the service cannot reach its database; try again later", Dutch: "Meedoen kan even niet bij zijn gegevens. Probeer het over een paar minuten opnieuw."},

		// Paging and updates, shared by every service.
		Entry{Code: "OUT_OF_RANGE", English: "must be between 1 and %s", Dutch: "Dit moet een getal van 1 tot en met %s zijn."},
		Entry{Code: "READ_ONLY", English: "cannot be changed; an update may change %s", Dutch: "Dit kun je niet wijzigen. Wat je wel kunt wijzigen: %s."},
		Entry{Code: "STALE_VERSION", English: "names a version of the %s that is no longer current: read it again and make the change to what is there now",
			Dutch: "Je werkte met een oudere versie (%s). Haal de gegevens opnieuw op en breng je wijziging aan op wat er nu staat."},
		Entry{Code: "STALE_VERSION", English: "the %s changed since it was read",
			Dutch: "Iemand anders heeft dit (%s) intussen gewijzigd. Haal de gegevens opnieuw op en probeer het nog eens."},
		Entry{Code: "NOT_ALLOWED_HERE", English: "must be left out or be the %s the path names",
			Dutch: "Laat dit weg, of vul dezelfde %s in als in het adres van het verzoek."},

		// The gates of the step plan (councils).
		Entry{Code: "GATE_PRECISE_QUESTION", English: "the precise question is not set", Dutch: "De precieze vraag is nog niet ingevuld."},
		Entry{Code: "GATE_APPROACH", English: "how the question will be asked is not set", Dutch: "Nog niet ingevuld hoe de vraag gesteld wordt."},
		Entry{Code: "GATE_TARGET_GROUP", English: "the target group is not set", Dutch: "De doelgroep is nog niet ingevuld."},
		Entry{Code: "GATE_FORMS", English: "no participation form has been chosen", Dutch: "Er is nog geen vorm van participatie gekozen."},
		Entry{Code: "GATE_INPUT", English: "no form has brought in input yet: record a field activity, hold a focus-group session or close a poll for this process",
			Dutch: "Er is nog geen inbreng opgehaald. Leg een veldactiviteit vast, houd een bijeenkomst van een focusgroep of sluit een peiling van dit traject."},
		Entry{Code: "GATE_ADVICE_SENT", English: "the advice has not been sent yet", Dutch: "Het advies is nog niet verstuurd."},
		Entry{Code: "GATE_REPORT_PUBLISHED", English: "the final report has not been published yet", Dutch: "Het eindverslag is nog niet gepubliceerd."},

		// Polls (surveys).
		Entry{Code: "POLL_NOT_OPEN", English: "opens at %s", Dutch: "De peiling gaat pas open op %s."},
		Entry{Code: "POLL_NOT_OPEN", English: "closed at %s", Dutch: "De peiling is gesloten sinds %s."},
		Entry{Code: "INVALID_NUMBER", English: "is not a number", Dutch: "Dit is geen getal. Schrijf bijvoorbeeld 12 of 2,5."},
		Entry{Code: "TOO_PRECISE", English: "has more than three decimals", Dutch: "Gebruik hoogstens drie cijfers achter de komma."},
		Entry{Code: "OUT_OF_RANGE", English: "is too large", Dutch: "Dit getal is te groot."},
		Entry{Code: "UNKNOWN_CHOICE", English: "is not a neighbourhood of the poll's municipalities; name one by its code or name (see ListNeighbourhoods)",
			Dutch: "Dit is geen wijk van de gemeenten van deze peiling. Kies een wijk uit de lijst."},
		Entry{Code: "NOT_A_PARTICIPANT", English: "must be municipalities taking part in the process; %s does not",
			Dutch: "Kies gemeenten die aan het traject meedoen; %s doet niet mee."},
		Entry{Code: "NOT_A_PARTICIPANT", English: "must be the process's tenant %s or one of its municipalities",
			Dutch: "Kies de organisatie van het traject (%s) of een van de gemeenten die meedoen."},

		// The panel's own reasons, which it also words in Dutch itself
		// for the sign-up and the CSV import.
		Entry{Code: "UNKNOWN_CHOICE", English: "cannot be given: no list of neighbourhoods is set for this municipality",
			Dutch: "Je kunt hier geen wijk kiezen: voor deze gemeente is geen lijst van wijken ingesteld."},
		Entry{Code: "UNKNOWN_CHOICE", English: "is not one of this municipality's neighbourhoods; choose one from the list (by code or name)",
			Dutch: "Dit is geen wijk van deze gemeente. Kies een wijk uit de lijst."},
		Entry{Code: "TOO_LONG", English: "is longer than %d characters", Dutch: "Dit is langer dan %s tekens."},
		Entry{Code: "INVALID_POSTCODE", English: "is not a Dutch postcode such as 1971 AB", Dutch: "Dit is geen Nederlandse postcode zoals 1971 AB."},
		Entry{Code: "INVALID_POSTCODE", English: "is not a Dutch postcode: %s is not issued", Dutch: "Dit is geen Nederlandse postcode: %s wordt niet uitgegeven."},
		Entry{Code: "INVALID_POSTCODE", English: "is not a Dutch postcode: none starts with 0", Dutch: "Dit is geen Nederlandse postcode: geen postcode begint met 0."},
		Entry{Code: "INVALID_DATE", English: "is not a date such as 2024-03-31 or 31-03-2024", Dutch: "Dit is geen datum zoals 2024-03-31 of 31-03-2024."},
		Entry{Code: "REQUIRED", English: "is required: no member without the date of consent", Dutch: "Vul de datum van toestemming in: zonder die datum kan iemand geen lid zijn."},
		Entry{Code: "REQUIRED", English: "is required: which consent text was agreed to", Dutch: "Vul in met welke toestemmingstekst is ingestemd."},
		Entry{Code: "NOT_FUTURE", English: "lies in the future", Dutch: "Dit ligt in de toekomst."},
		Entry{Code: "DUPLICATE", English: "is on line %d already, with other data; this row was skipped",
			Dutch: "Staat al op regel %s, met andere gegevens. Deze regel is overgeslagen."},
		Entry{Code: "INVALID_EMAIL", English: "is not an e-mail address", Dutch: "Dit is geen e-mailadres."},
		Entry{Code: "CSV_PROBLEM", English: "line %d: %s", Dutch: "Regel %s: %s"},
		Entry{Code: "CSV_PROBLEM", English: "line %d, column %d: %s", Dutch: "Regel %s, kolom %s: %s"},
		Entry{Code: "CSV_PROBLEM", English: "line %d (%s): %s", Dutch: "Regel %s (%s): %s"},
		Entry{Code: "CSV_PROBLEM", English: "line %d, column %d (%s): %s", Dutch: "Regel %s, kolom %s (%s): %s"},

		// Focus groups.
		Entry{Code: "NOT_A_MEMBER", English: "is not an active member of this focus group", Dutch: "Dit is geen actief lid van deze focusgroep."},
		Entry{Code: "UNKNOWN_CHOICE", English: "must be one of %s or %s", Dutch: "Kies een van deze: %s of %s."},

		// What a person's roles do not allow (councils' "your roles do
		// not allow you to %s").
		Entry{Code: "NOT_PERMITTED", English: "raise a %s question for %s", Dutch: "een %s vraag voorleggen voor %s"},

		// Results.
		Entry{Code: "BEFORE_SENDING", English: "must not lie before the advice was sent (%s)", Dutch: "Dit mag niet vóór de dag liggen waarop het advies is verstuurd (%s)."},
		Entry{Code: "PROCESS_CLOSED", English: "the participation process is closed and %s", Dutch: "Het traject is afgesloten en %s."},
		Entry{Code: "PROCESS_CLOSED", English: "the participation process is closed; it cannot %s", Dutch: "Het traject is afgesloten; je kunt niet meer %s."},
	)
	addWords(map[string]string{
		// What revision and references name.
		"council":      "participatieraad",
		"finding":      "bevinding",
		"focus group":  "focusgroep",
		"member":       "lid",
		"poll":         "peiling",
		"process":      "traject",
		"session":      "bijeenkomst",
		"settings":     "instellingen",
		"municipality": "gemeente",
		"resource":     "verwijzing",
		// A question's origin, as in "raise a solicited question".
		"solicited":   "gevraagde",
		"unsolicited": "ongevraagde",
		// What a closed process no longer lets the results service do.
		"adopt its advice":        "het advies vaststellen",
		"change its advice":       "het advies wijzigen",
		"send its advice":         "het advies versturen",
		"get an advice":           "een advies krijgen",
		"takes no more responses": "neemt geen reacties meer aan",
	})
}
