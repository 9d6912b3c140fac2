package reasons

import (
	"fmt"
	"strconv"
)

// The surveys service's reasons: polls, their questions and answers,
// panels, invitations and exports.
func init() {
	register(
		// Who takes part: municipalities, tenants, panels.
		Entry{Code: "MUNICIPALITY_NOT_IN_POLL", English: "%q does not take part in this poll", Dutch: "De gemeente %s doet niet mee aan deze peiling."},
		Entry{Code: "MUNICIPALITY_NOT_IN_POLL", English: "%q is not this poll's municipality", Dutch: "%s is niet de gemeente van deze peiling."},
		Entry{Code: "MUNICIPALITY_NOT_IN_POLL", English: "%q is not one of the poll's panels (%s)", Dutch: "%s is geen van de panels van deze peiling. Kies uit %s."},
		Entry{Code: "INVALID_FORMAT", English: "%q is not a municipality's CBS code such as GM0453", Dutch: "%s is geen CBS-code van een gemeente, zoals GM0453."},
		Entry{Code: "INVALID_FORMAT", English: "must be a municipality's CBS code (e.g. GM0453) or a region's id (e.g. ijmond)", Dutch: "Vul de CBS-code van een gemeente in (bijvoorbeeld GM0453) of de id van een regio (bijvoorbeeld ijmond)."},
		Entry{Code: "INVALID_FORMAT", English: "must be a municipality's CBS code, GM and four digits (GM0453)", Dutch: "Vul de CBS-code van een gemeente in: GM en vier cijfers (GM0453)."},
		Entry{Code: "NOT_ALLOWED_HERE", English: "a municipality's own poll has no participants; make the region the tenant for a shared poll", Dutch: "Een peiling van één gemeente heeft geen deelnemende gemeenten. Wil je een gedeelde peiling? Maak dan de regio eigenaar van de peiling."},
		Entry{Code: "TOO_FEW", English: "a shared poll needs at least one participating municipality", Dutch: "Kies minstens één deelnemende gemeente."},
		Entry{Code: "NOT_ALLOWED_HERE", English: "must be empty for a poll of one municipality", Dutch: "Laat dit leeg bij een peiling van één gemeente."},
		Entry{Code: "NO_PANEL", English: "is not a municipality with a panel", Dutch: "Deze gemeente heeft geen panel."},
		Entry{Code: "UNKNOWN_CHOICE", English: "is not a neighbourhood of the municipality; name one by its code or name (see ListNeighbourhoods)", Dutch: "Dit is geen wijk van de gemeente. Noem een wijk bij zijn code of naam (zie ListNeighbourhoods)."},
		Entry{Code: "INVALID_FORMAT", English: "must be the start of a postcode, such as 1971 or 1971 A", Dutch: "Vul het begin van een postcode in, zoals 1971 of 1971 A."},
		Entry{Code: "UNKNOWN_CHOICE", English: "must be one of %s", Dutch: "Kies een van deze: %s."},
		Entry{Code: "NOT_FOUND", English: "panel member %q not found", Dutch: "Panellid %s is niet gevonden."},
		Entry{Code: "NOT_FOUND", English: "panel of %q not found", Dutch: "Het panel van %s is niet gevonden."},
		Entry{Code: "INVALID_FORMAT", English: "must be a panel member's id (a UUID)", Dutch: "Dit moet de id van een panellid zijn (een UUID)."},
		Entry{Code: "NOT_PANEL_MEMBER", English: "is not an active member of the panel of the municipality the invitation is for", Dutch: "Dit is geen actief lid van het panel van de gemeente waarvoor de uitnodiging is."},
		Entry{Code: "IMPORT_FAILED", English: "the CSV file cannot be imported", Dutch: "Het CSV-bestand kan niet worden ingelezen."},
		Entry{Code: "MORE_PROBLEMS", English: "and %d more problems", Dutch: "En nog %s andere problemen."},
		Entry{Code: "UNKNOWN_CHOICE", English: `must be "nl" or "en"`, Dutch: "Kies Nederlands of Engels."},

		// The participation process a poll belongs to.
		Entry{Code: "UNKNOWN_PROCESS", English: "is not a participation process known to the surveys service", Dutch: "Dit traject is (nog) niet bekend bij de dienst voor peilingen."},
		Entry{Code: "PROCESS_CLOSED", English: "participation process %s is closed and takes no new polls", Dutch: "Traject %s is afgesloten en krijgt geen nieuwe peilingen meer."},
		// The action (schedule or open) is said in the sentence itself:
		// "open" as a word is the poll status (see addWords below).
		Entry{Code: "WRONG_STATE", English: "cannot %s a poll of a process in phase %s", Dutch: "Een peiling van dit traject kan nog niet worden ingepland of opengaan: het traject is in de fase %[2]s."},
		Entry{Code: "WRONG_STATE", English: "the process is in phase %s; polls open in %s", Dutch: "Het traject is in de fase %s; peilingen gaan open in de fase %s."},

		// A poll's status and lifecycle. The action of "cannot %s a poll
		// that is %s: %s" is said by its explanation (the third value, in
		// addWords below), since "open" is the status there.
		Entry{Code: "WRONG_STATE", English: "cannot %s a poll that is %s: %s", Dutch: "Dat kan niet bij een peiling met status %[2]s: %[3]s."},
		Entry{Code: "WRONG_STATE", English: "is %s: the poll takes no more answers", Dutch: "De peiling is %s en neemt geen antwoorden meer aan."},
		Entry{Code: "WRONG_STATE", English: "is a draft", Dutch: "Deze peiling is nog een concept."},
		Entry{Code: "WRONG_STATE", English: "cannot change once the poll is open", Dutch: "Dit kan niet meer veranderen nu de peiling open is."},
		Entry{Code: "WRONG_STATE", English: "poll %s is %s: a panel is invited to a scheduled or open poll", Dutch: "Peiling %s heeft status %s. Je nodigt een panel uit voor een geplande of open peiling."},
		Entry{Code: "WRONG_STATE", English: "poll %s is %s: reminders go out while a poll is open", Dutch: "Peiling %s heeft status %s. Herinneringen gaan alleen uit zolang een peiling open is."},
		Entry{Code: "POLL_NOT_OPEN", English: "the poll is not open", Dutch: "De peiling is niet open."},
		Entry{Code: "NOT_READY", English: "the poll is not ready to be scheduled", Dutch: "De peiling is nog niet klaar om in te plannen."},
		Entry{Code: "MUST_STAY_READY", English: "a scheduled poll must stay ready to open; unschedule it to make this change", Dutch: "Een geplande peiling moet klaar blijven om open te gaan. Trek eerst de planning in en maak dan deze wijziging."},
		Entry{Code: "CANNOT_OPEN_EARLY", English: "the poll cannot open early", Dutch: "De peiling kan niet eerder opengaan."},
		Entry{Code: "DURATION_TOO_LONG", English: "opening now would keep the poll open longer than %d days", Dutch: "Nu openen zou de peiling langer dan %s dagen open houden. Kies eerst een eerdere sluitingstijd (trek de planning in en bewerk de peiling)."},
		Entry{Code: "UNKNOWN_CHOICE", English: "must be a poll status", Dutch: "Kies een status van een peiling."},
		Entry{Code: "NOT_FOUND", English: "poll %q not found", Dutch: "Peiling %s is niet gevonden."},
		Entry{Code: "ALREADY_EXISTS", English: "poll %s already exists", Dutch: "Peiling %s bestaat al."},
		Entry{Code: "NOT_FOUND", English: "poll %s has no section %q", Dutch: "Peiling %s heeft geen deel %s."},

		// Times.
		Entry{Code: "TIME_ORDER", English: "must be after opensAt", Dutch: "Kies een sluitingstijd na de openingstijd."},
		Entry{Code: "DURATION_TOO_SHORT", English: "must be at least an hour after opensAt", Dutch: "Kies een sluitingstijd minstens een uur na de openingstijd."},
		Entry{Code: "DURATION_TOO_LONG", English: "must be at most %d days after opensAt for a %s", Dutch: "Kies een sluitingstijd hoogstens %s dagen na de openingstijd; langer kan niet bij een %s."},
		Entry{Code: "INVALID_TIME", English: "must be a valid time", Dutch: "Dit is geen geldig tijdstip."},

		// Audience and link.
		Entry{Code: "REQUIRED", English: "is required: a panel or an open link", Dutch: "Kies wie mag antwoorden: het panel of een open link."},
		Entry{Code: "REQUIRED", English: "is required when the audience is narrowed", Dutch: "Kies wie mag antwoorden (het panel of een open link) als je het publiek beperkt."},
		Entry{Code: "UNKNOWN_CHOICE", English: "must be %q or %q", Dutch: "Kies %s of %s."},
		Entry{Code: "NOT_ALLOWED_HERE", English: "applies to an open link only: a panel member's municipality is known", Dutch: "De postcodecontrole hoort bij een open link; van panelleden is de gemeente bekend."},
		Entry{Code: "NOT_ALLOWED_HERE", English: "narrows a panel only; an open link is open to anyone with it", Dutch: "Dit beperkt alleen een panel; een open link staat open voor iedereen met de link."},
		Entry{Code: "REQUIRED", English: "is required for an open link", Dutch: "Een open link heeft een naam nodig. Vul die in."},
		Entry{Code: "INVALID_FORMAT", English: "must be 3 to 60 lower-case letters, digits or single hyphens, starting and ending with a letter or digit", Dutch: "Gebruik 3 tot 60 kleine letters, cijfers of losse streepjes, beginnend en eindigend met een letter of cijfer."},
		Entry{Code: "SLUG_TAKEN", English: "%q is the link of another poll", Dutch: "De link %s is al in gebruik bij een andere peiling."},
		Entry{Code: "SLUG_TAKEN", English: "the link is taken", Dutch: "Deze link is al in gebruik."},
		Entry{Code: "REQUIRED", English: "is required: the thank-you page tells residents when and how the results will be shared", Dutch: "Vertel inwoners wanneer en hoe de resultaten gedeeld worden. Dat staat op de bedankpagina."},

		// Sections and questions.
		Entry{Code: "TOO_MANY", English: "a flash poll has one section", Dutch: "Een flitspeiling heeft één deel."},
		Entry{Code: "TOO_MANY", English: "must be at most %d", Dutch: "Dit mogen er hoogstens %s zijn."},
		Entry{Code: "TOO_MANY", English: "a flash poll has at most %d questions (this one has %d); make it a questionnaire", Dutch: "Een flitspeiling heeft hoogstens %s vragen; deze heeft er %s. Verwijder een vraag, of maak een vragenlijst."},
		Entry{Code: "TOO_MANY", English: "a questionnaire has at most %d questions (this one has %d)", Dutch: "Een vragenlijst heeft hoogstens %s vragen; deze heeft er %s."},
		Entry{Code: "TOO_FEW", English: "needs at least one question", Dutch: "Voeg minstens één vraag toe."},
		Entry{Code: "INVALID_FORMAT", English: "must be 1 to 32 lower-case letters, digits, '-' or '_', starting with a letter or digit", Dutch: "Gebruik 1 tot 32 kleine letters, cijfers, '-' of '_', beginnend met een letter of cijfer."},
		Entry{Code: "DUPLICATE", English: "%q is already the id of another question", Dutch: "%s is al de id van een andere vraag. Kies een andere id."},
		Entry{Code: "DUPLICATE", English: "%q is used twice", Dutch: "%s komt twee keer voor. Geef elk een eigen id."},
		Entry{Code: "RESERVED_ID", English: "%q is reserved for \"other, namely…\"; set other instead", Dutch: "De id %s is bedoeld voor “anders, namelijk…”. Zet daarvoor “anders, namelijk…” aan."},
		Entry{Code: "UNKNOWN_CHOICE", English: "must be one of %v", Dutch: "Kies een van deze: %s."},
		Entry{Code: "NOT_ALLOWED_HERE", English: "does not apply to a %s question", Dutch: "Dit hoort niet bij dit soort vraag (%s). Laat het leeg."},
		Entry{Code: "WRONG_COUNT", English: "must have %d to %d entries (has %d)", Dutch: "Geef %s tot %s regels; nu zijn het er %s."},
		Entry{Code: "LIKERT_LABELS", English: "a Likert question has five labels, one per point", Dutch: "Geef vijf regels, één per punt, of laat het veld leeg."},
		Entry{Code: "SCALE_LABELS", English: "a scale has no labels or two: for 0 and for 10", Dutch: "Geef twee regels (voor 0 en 10), of laat het veld leeg."},
		Entry{Code: "OUT_OF_RANGE", English: "must be at least 1", Dutch: "Vul 1 of meer in."},
		Entry{Code: "OUT_OF_RANGE", English: "must not exceed maxChoices (%d)", Dutch: "Dit mag niet meer zijn dan het maximale aantal keuzes (%s)."},
		Entry{Code: "OUT_OF_RANGE", English: "must not exceed the number of options (%d)", Dutch: "Dit mag niet meer zijn dan het aantal keuzes (%s)."},
		Entry{Code: "OUT_OF_RANGE", English: "must be positive", Dutch: "Vul een getal groter dan 0 in."},
		Entry{Code: "OUT_OF_RANGE", English: "must be greater than min (%s)", Dutch: "Het hoogste getal moet groter zijn dan het laagste (%s)."},
		Entry{Code: "OUT_OF_RANGE", English: "must lie between minus and plus a billion", Dutch: "Vul een getal tussen min en plus een miljard in."},
		Entry{Code: "NOT_EARLIER_QUESTION", English: "must refer to an earlier question", Dutch: "Een vraag kan alleen afhangen van een eerdere vraag."},
		Entry{Code: "UNKNOWN_QUESTION", English: "%q is not a question of this poll", Dutch: "%s is geen vraag van deze peiling."},
		Entry{Code: "WRONG_QUESTION_TYPE", English: "must refer to a choice, Likert or scale question; %q is %s", Dutch: "Kies een keuzevraag, een likertvraag of een schaalvraag; %s is een vraag van de soort %s."},
		Entry{Code: "UNKNOWN_CHOICE", English: "%q is not an option of question %q", Dutch: "%s is geen keuze bij vraag %s."},
		Entry{Code: "TOO_FEW", English: "must name at least one option", Dutch: "Kies minstens één keuze."},

		// Texts.
		Entry{Code: "REQUIRED", English: "is required when there is an English text: Dutch comes first", Dutch: "Vul ook het Nederlands in: dat komt eerst."},
		Entry{Code: "INVALID_TEXT", English: "is not valid UTF-8 text", Dutch: "Deze tekst bevat een teken dat niet kan worden opgeslagen (bytes die geen UTF-8 zijn). Typ de tekst opnieuw, of plak hem als platte tekst."},
		Entry{Code: "TOO_LONG", English: "must be at most %d characters (is %d)", Dutch: "Deze tekst is te lang: het zijn %[2]s tekens, en er mogen er hoogstens %[1]s zijn."},

		// Answers.
		Entry{Code: "UNKNOWN_QUESTION", English: "is not a question of this poll", Dutch: "Dit is geen vraag van deze peiling."},
		Entry{Code: "TOO_MANY", English: "allows one choice, not %d", Dutch: "Kies één antwoord; je koos er %s."},
		Entry{Code: "UNKNOWN_CHOICE", English: "option %q is not in the list", Dutch: "%s staat niet in de lijst. Kies uit de antwoorden in de lijst."},
		Entry{Code: "TOO_FEW", English: "choose at least %s (chose %d)", Dutch: "Kies minstens %s (je koos er %s)."},
		Entry{Code: "TOO_MANY", English: "choose at most %s (chose %d)", Dutch: "Kies hoogstens %s (je koos er %s)."},
		Entry{Code: "NOT_ALLOWED_HERE", English: "does not apply: this question has no \"other, namely…\"", Dutch: "Deze vraag heeft geen “anders, namelijk…”. Laat dit leeg."},
		Entry{Code: "OTHER_NOT_CHOSEN", English: "is filled in, but \"other, namely…\" is not chosen", Dutch: "Je vulde hier iets in, maar koos niet “anders, namelijk…”. Kies dat, of maak dit vak leeg."},
		Entry{Code: "REQUIRED", English: "is required when choosing \"other, namely…\"", Dutch: "Vul in wat je bedoelt als je “anders, namelijk…” kiest."},
		Entry{Code: "OUT_OF_RANGE", English: "must be a whole number from %d to %d", Dutch: "Kies een heel getal van %s tot en met %s."},
		Entry{Code: "AMBIGUOUS_NUMBER", English: "is ambiguous: write whole numbers without a thousands separator (1000) and decimals with a comma (2,5)", Dutch: "Dit getal is niet duidelijk. Schrijf een getal zonder punt voor de duizendtallen (1000) en decimalen met een komma (2,5)."},
		Entry{Code: "OUT_OF_RANGE", English: "must be from %s to %s", Dutch: "Vul een getal in van %s tot en met %s."},
		Entry{Code: "NOT_A_WHOLE_NUMBER", English: "must be a whole number", Dutch: "Vul een heel getal in."},
		Entry{Code: "NOT_ON_STEP", English: "must be %s plus a multiple of %s", Dutch: "Vul een getal in stappen van %[2]s in, vanaf %[1]s."},
		Entry{Code: "UNKNOWN_CHOICE", English: "is not an option of this question", Dutch: "Dit is geen antwoord bij deze vraag."},
		Entry{Code: "OUT_OF_RANGE", English: "must be a position from 1 to %d", Dutch: "Kies een plaats van 1 tot en met %s."},
		Entry{Code: "REQUIRED", English: "has no position: a ranking puts every option in order", Dutch: "Geef dit antwoord een plaats: zet alle antwoorden op volgorde."},
		Entry{Code: "DUPLICATE", English: "position %d is given to %s; each position goes to one option", Dutch: "Plaats %s is gegeven aan %s. Geef elk antwoord een andere plaats."},
		Entry{Code: "UNKNOWN_CHOICE", English: "is not a row of this question", Dutch: "Deze regel hoort niet bij deze vraag."},
		Entry{Code: "UNKNOWN_CHOICE", English: "column %q is not in the list", Dutch: "%s staat niet in de lijst. Kies bij deze regel een antwoord uit de lijst."},
		Entry{Code: "REQUIRED", English: "is required: answer every row", Dutch: "Kies bij elke regel een antwoord."},
		Entry{Code: "REQUIRED", English: "is required: this poll checks that respondents live in its municipality", Dutch: "Dit is verplicht: deze peiling controleert of je in de gemeente woont."},
		Entry{Code: "REQUIRED", English: "is required: this poll's audience comes with a known municipality", Dutch: "Dit is verplicht: bij het publiek van deze peiling is de gemeente bekend."},

		// Responding: who answers, and submitting once.
		Entry{Code: "NOT_ALLOWED_HERE", English: "goes with an open link only; an invitation names its respondent", Dutch: "Dit hoort alleen bij een open link; een uitnodiging zegt al wie er antwoordt."},
		Entry{Code: "REQUIRED", English: "is required, or an invitation token", Dutch: "Vul dit in, of geef een uitnodigingstoken mee."},
		Entry{Code: "REQUIRED", English: "is required, or an open-link respondent", Dutch: "Vul dit in, of geef een respondent van een open link mee."},
		Entry{Code: "REQUIRED", English: "is required: an invitation or a browser", Dutch: "Dit is verplicht: een uitnodiging of een browser."},
		Entry{Code: "INVALID_FORMAT", English: "is not a respondent id the gateway issues", Dutch: "Dit is geen geldige respondent-id."},
		Entry{Code: "NOT_ALLOWED_HERE", English: "must be empty: this poll does not check postcodes", Dutch: "Laat dit leeg: deze peiling controleert geen postcodes."},
		Entry{Code: "NOT_ALLOWED_HERE", English: "is not accepted: this service does not send feedback", Dutch: "Laat dit leeg: hier worden geen berichten over de resultaten verstuurd."},
		Entry{Code: "INVALID_FORMAT", English: "must be 1 to %d visible ASCII characters", Dutch: "Dit moet 1 tot %s zichtbare ASCII-tekens zijn."},
		Entry{Code: "TOO_MANY", English: "must be at most %d answers (has %d)", Dutch: "Stuur hoogstens %s antwoorden; dit zijn er %s."},
		Entry{Code: "INVALID_FORMAT", English: "must be a UUID", Dutch: "Dit moet een UUID zijn."},
		Entry{Code: "REQUIRED", English: "is required with an idempotency key", Dutch: "Dit is verplicht als je een idempotency key meestuurt."},
		Entry{Code: "INVALID_EVENT", English: "must announce this response, with the poll's tenant", Dutch: "Dit moet dit antwoord aankondigen, met de eigenaar van de peiling."},
		Entry{Code: "IDEMPOTENCY_KEY_REUSED", English: "was used before for a request with other content", Dutch: "Deze sleutel is al eerder gebruikt voor een verzoek met een andere inhoud."},
		Entry{Code: "ALREADY_ANSWERED", English: "already answered", Dutch: "Deze peiling is al beantwoord."},
		Entry{Code: "ALREADY_ANSWERED", English: "has answered this poll already", Dutch: "Je hebt deze peiling al beantwoord."},
		Entry{Code: "ALREADY_EXISTS", English: "response %s exists already", Dutch: "Antwoord %s bestaat al."},
		Entry{Code: "NOT_FOUND", English: "response %s has no text for question %q", Dutch: "Antwoord %s heeft geen tekst bij vraag %s."},
		Entry{Code: "LINK_NOT_VALID", English: "link not valid: unknown, used or expired", Dutch: "Deze link werkt niet: hij is onbekend, al gebruikt of verlopen."},

		// Invitations.
		Entry{Code: "CANNOT_INVITE", English: "cannot invite people to this poll", Dutch: "Je kunt voor deze peiling geen mensen uitnodigen."},
		Entry{Code: "NOT_A_PANEL_POLL", English: "is not a panel: an open link needs no invitations", Dutch: "Deze peiling is niet voor een panel: voor een open link zijn geen uitnodigingen nodig."},
		Entry{Code: "NOT_A_PANEL_POLL", English: "poll %s is not for a panel: its audience is an open link", Dutch: "Peiling %s is niet voor een panel: iedereen met de open link mag antwoorden."},
		Entry{Code: "WRONG_COUNT", English: "must list 1 to %d invitees (lists %d)", Dutch: "Nodig 1 tot %s mensen tegelijk uit; dit zijn er %s."},
		Entry{Code: "NOT_FOUND", English: "invitation not found", Dutch: "De uitnodiging is niet gevonden."},
		Entry{Code: "NOT_FOUND", English: "invitation %s to poll %s not found", Dutch: "Uitnodiging %s voor peiling %s is niet gevonden."},

		// Exports.
		Entry{Code: "UNKNOWN_CHOICE", English: "must be CSV, JSON or XLSX", Dutch: "Kies CSV, JSON of XLSX."},
		Entry{Code: "UNKNOWN_CHOICE", English: "format %q is not csv, json or xlsx", Dutch: "Het formaat %s bestaat niet: kies csv, json of xlsx."},
		Entry{Code: "UNKNOWN_CHOICE", English: "language %q is not nl or en", Dutch: "De taal %s bestaat hier niet: kies nl of en."},
		Entry{Code: "UNKNOWN_CHOICE", English: "must be comma or semicolon", Dutch: "Kies komma of puntkomma."},
		Entry{Code: "NOT_ALLOWED_HERE", English: "applies to CSV only", Dutch: "Dit kan alleen bij CSV."},
	)

	addWords(map[string]string{
		// A poll's status, as the poll pages call it (pollStatus.*); a
		// closed poll is "afgesloten", like the phase "closed".
		"draft":     "concept",
		"scheduled": "gepland",
		"open":      "open",
		"closed":    "afgesloten",
		"cancelled": "gestopt",

		// Stopping a session, for the focus groups' "cannot %s a session
		// that is %s: %s" (the poll's sentence does not say its action).
		"cancel": "afzeggen",

		// A process's phase, as the pages call it (phase.*).
		"intake":     "intake",
		"concretise": "concretiseren",
		"analyse":    "analyseren",
		"advise":     "adviseren",
		"execute":    "uitvoeren",
		"feedback":   "terugkoppelen",

		// Why a poll's status does not allow a step (poll/lifecycle.go,
		// poll/edit.go): the third value of "cannot %s a poll that is %s:
		// %s", which also says what the step was.
		"only a draft can be scheduled":                    "alleen een concept kan worden ingepland",
		"only a scheduled poll can go back to draft":       "alleen een geplande peiling kan terug naar concept",
		"only a scheduled poll can open":                   "alleen een geplande peiling kan opengaan",
		"only an open poll can close":                      "alleen een open peiling kan worden gesloten",
		"a closed or cancelled poll cannot be cancelled":   "een afgesloten of gestopte peiling kan niet meer worden stopgezet",
		"the poll has ended":                               "de peiling is voorbij",
		"questions are frozen once the poll opens":         "de vragen liggen vast zodra de peiling opengaat",
		"who may answer cannot change once the poll opens": "wie mag antwoorden, ligt vast zodra de peiling opengaat",
		"the link is out once the poll opens":              "de link ligt vast zodra de peiling opengaat",
		"nobody will see it":                               "niemand ziet het nog",

		// A question's type, as the poll builder calls it (builder.type.*).
		"single_choice":   "één keuze",
		"multiple_choice": "meerdere keuzes",
		"likert":          "likertschaal 1 tot 5",
		"scale":           "schaal 0 tot 10",
		"ranking":         "rangorde",
		"matrix":          "matrix",
		"number":          "getal",
		"short_text":      "korte tekst",
		"long_text":       "lange tekst",

		// A poll's kind, as "must be at most %d days after opensAt for a
		// %s" writes it.
		"flash poll":    "flitspeiling",
		"questionnaire": "vragenlijst",
	})

	// "choose at least %s (chose %d)" counts options as "1 option" or
	// "12 options" (poll/judge.go); a choice question has at most 30
	// options and "other, namely…".
	options := map[string]string{"1 option": "1 antwoord"}
	for n := 2; n <= 31; n++ {
		options[fmt.Sprintf("%d options", n)] = strconv.Itoa(n) + " antwoorden"
	}
	addWords(options)
}
