package reasons

// The focus groups service's reasons, and those of the shared packages
// (errs, update, cursor, textcheck).

func init() {
	register(
		// A step the status of a focus group or a session does not allow.
		// The action, the status and the why are filled in from the words
		// below ("cancel" and "cancelled" of a session come from the
		// surveys' words, which a poll shares).
		Entry{Code: "WRONG_STATE", English: "cannot %s a focus group that is %s: %s", Dutch: "Dit kan niet: %s. De focusgroep heeft status %s; %s."},
		Entry{Code: "WRONG_STATE", English: "cannot %s a session that is %s: %s", Dutch: "Dit kan niet: %s. De bijeenkomst heeft status %s; %s."},
		Entry{Code: "WRONG_STATE", English: "has status %s", Dutch: "De status is %s."},
		Entry{Code: "WRONG_STATE", English: "is past its analyse phase or closed: it takes no new focus groups", Dutch: "Dit traject is al voorbij de fase Analyseren, of het is afgesloten. Er kunnen geen focusgroepen meer bij."},

		// Findings and their quotes once the group agreed them.
		Entry{Code: "ALREADY_AGREED", English: "the finding was agreed already", Dutch: "De groep heeft deze bevinding al vastgesteld."},
		Entry{Code: "ALREADY_AGREED", English: "is agreed", Dutch: "De bevinding is al vastgesteld."},
		Entry{Code: "FIXED_ONCE_AGREED", English: "is fixed once the group agreed the finding", Dutch: "Dit ligt vast: de groep heeft de bevinding vastgesteld."},
		Entry{Code: "FIXED_ONCE_AGREED", English: "cannot change once the group agreed the finding; only its consent may be narrowed", Dutch: "De groep heeft de bevinding vastgesteld. Dit citaat kan niet meer veranderen; je kunt het alleen nog minder ruim laten delen."},
		Entry{Code: "NO_NEW_QUOTE_ONCE_AGREED", English: "cannot be added once the group agreed the finding", Dutch: "De groep heeft de bevinding vastgesteld. Je kunt er geen citaat meer aan toevoegen."},
		Entry{Code: "CONSENT_WIDENED_ONCE_AGREED", English: "cannot widen from %s once the group agreed the finding", Dutch: "De spreker gaf toestemming voor: %s. Nu de groep de bevinding heeft vastgesteld, kun je dat niet ruimer maken."},

		// Not found, or not the caller's to see: the same words for both.
		Entry{Code: "NOT_FOUND", English: "focus group %q not found", Dutch: "Focusgroep %s is niet gevonden."},
		Entry{Code: "NOT_FOUND", English: "session %q not found", Dutch: "Bijeenkomst %s is niet gevonden."},
		Entry{Code: "NOT_FOUND", English: "finding %q not found", Dutch: "Bevinding %s is niet gevonden."},
		Entry{Code: "NOT_FOUND", English: "no answer of member %q to this session", Dutch: "Er is geen antwoord van lid %s voor deze bijeenkomst."},
		Entry{Code: "NOT_FOUND", English: "invitation not found: the link is unknown or was used", Dutch: "De uitnodiging is niet gevonden: de link is onbekend of al gebruikt."},
		Entry{Code: "NOT_FOUND", English: "is not a working invitation link", Dutch: "Deze uitnodigingslink werkt niet. Misschien is hij al gebruikt."},
		Entry{Code: "NOT_FOUND", English: "link not found: it is unknown, or its member left the group", Dutch: "De link is niet gevonden: hij is onbekend, of het lid heeft de groep verlaten."},
		Entry{Code: "NOT_FOUND", English: "is not a working link", Dutch: "Deze link werkt niet."},
		Entry{Code: "NOT_FOUND", English: "is not a member of this focus group", Dutch: "Dit is geen lid van deze focusgroep."},
		Entry{Code: "NOT_FOUND", English: "is not a session of this focus group", Dutch: "Dit is geen bijeenkomst van deze focusgroep."},
		Entry{Code: "NOT_FOUND", English: "is not a session of your focus group", Dutch: "Dit is geen bijeenkomst van jouw focusgroep."},
		Entry{Code: "NOT_FOUND", English: "is not a participation process known to the focus groups service", Dutch: "Dit traject is onbekend bij de focusgroepen. Kies een bestaand traject."},
		Entry{Code: "NOT_FOUND", English: "is not a quote of this finding; leave it out for a new quote", Dutch: "Dit is geen citaat van deze bevinding. Laat dit weg voor een nieuw citaat."},

		// Idempotency keys.
		Entry{Code: "IDEMPOTENCY_KEY_REUSED", English: "idempotency key reused for another request", Dutch: "Deze sleutel (Idempotency-Key) is al gebruikt voor een ander verzoek. Gebruik een nieuwe sleutel."},
		Entry{Code: "IDEMPOTENCY_KEY_REUSED", English: "was used before by this caller for another focus group or process", Dutch: "Je hebt deze sleutel al gebruikt voor een andere focusgroep of een ander traject. Gebruik een nieuwe sleutel."},

		// Members, seats and attendance.
		Entry{Code: "ALREADY_MEMBER", English: "is an active member's of this group already", Dutch: "Met dit e-mailadres is al iemand lid van deze groep."},
		Entry{Code: "ALREADY_MEMBER", English: "is an active member's login in this group already", Dutch: "Met deze login is al iemand lid van deze groep."},
		Entry{Code: "ALREADY_LEFT", English: "the member has left the group already", Dutch: "Dit lid heeft de groep al verlaten."},
		Entry{Code: "DUPLICATE", English: "is in another seat group already; a role has one", Dutch: "Deze rol heeft al plaatsen in een andere groep rollen. Een rol hoort bij één groep."},
		Entry{Code: "DUPLICATE", English: "is listed before", Dutch: "Dit lid staat al eerder in de lijst."},
		Entry{Code: "DUPLICATE", English: "is listed before; give one count per role", Dutch: "Deze rol staat al eerder in de lijst. Geef één aantal per rol."},
		Entry{Code: "DUPLICATE", English: "names a quote listed before", Dutch: "Dit citaat staat al eerder in de lijst."},
		Entry{Code: "NOT_ON_WAITLIST", English: "only a member on the waitlist can be seated out of turn", Dutch: "Alleen iemand op de wachtlijst kun je buiten de beurt een plaats geven."},
		Entry{Code: "NOT_ON_WAITLIST", English: "is not on this session's waitlist", Dutch: "Dit lid staat niet op de wachtlijst van deze bijeenkomst."},

		// Session times.
		Entry{Code: "SESSION_STARTED", English: "the session has started", Dutch: "De bijeenkomst is al begonnen."},
		Entry{Code: "SESSION_STARTED", English: "has passed; answers are taken until a session starts", Dutch: "Dit moment is voorbij. Je kunt antwoorden tot de bijeenkomst begint."},
		Entry{Code: "SESSION_NOT_STARTED", English: "the session has not started yet", Dutch: "De bijeenkomst is nog niet begonnen."},
		Entry{Code: "SESSION_NOT_STARTED", English: "is still to come; a session is marked held once it has started", Dutch: "Dit moment moet nog komen. Je legt een bijeenkomst pas als gehouden vast als ze begonnen is."},
		Entry{Code: "IN_THE_PAST", English: "must be in the future", Dutch: "Kies een moment in de toekomst."},
		Entry{Code: "END_BEFORE_START", English: "must be after the start", Dutch: "Dit moet na de begintijd liggen."},
		Entry{Code: "OUT_OF_RANGE", English: "must be at most %d hours after the start", Dutch: "Dit mag hoogstens %s uur na de begintijd liggen."},
		Entry{Code: "INVALID_TIME", English: "is not a valid time", Dutch: "Dit is geen geldig tijdstip."},

		// Required.
		Entry{Code: "REQUIRED", English: "must be set", Dutch: "Vul dit in."},
		Entry{Code: "REQUIRED", English: "must not be empty", Dutch: "Vul dit in."},
		Entry{Code: "REQUIRED", English: "must be set for a place's accessibility to mean something", Dutch: "Vul het adres in. Zonder adres zegt de toegankelijkheid van de plaats niets."},
		Entry{Code: "REQUIRED", English: "must be set, or an online link: a session meets somewhere", Dutch: "Vul een adres, een link om online mee te doen of allebei in. Een bijeenkomst vindt ergens plaats."},
		Entry{Code: "REQUIRED", English: "must be the resident's e-mail address", Dutch: "Vul het e-mailadres van de inwoner in."},
		Entry{Code: "REQUIRED", English: "must say when the resident consented", Dutch: "Vul in wanneer de inwoner toestemming gaf."},

		// Lengths.
		Entry{Code: "LENGTH_OUT_OF_RANGE", English: "must be 1 to %d characters", Dutch: "Dit moet 1 tot %s tekens lang zijn."},
		Entry{Code: "LENGTH_OUT_OF_RANGE", English: "must be 1 to 200 characters", Dutch: "Dit moet 1 tot 200 tekens lang zijn."},
		Entry{Code: "LENGTH_OUT_OF_RANGE", English: "must be 1 to %d characters for a named quote", Dutch: "Bij een citaat met naam moet dit 1 tot %s tekens lang zijn."},
		Entry{Code: "LENGTH_OUT_OF_RANGE", English: "must be a login subject of 1 to %d characters", Dutch: "Dit moet een login van 1 tot %s tekens zijn."},
		Entry{Code: "LENGTH_OUT_OF_RANGE", English: "must be the staff member's login subject, 1 to %d characters", Dutch: "Vul de login van de medewerker in, 1 tot %s tekens."},
		Entry{Code: "LENGTH_OUT_OF_RANGE", English: "must say why, in 1 to 500 characters", Dutch: "Vul de reden in, hoogstens 500 tekens."},

		// Numbers and counts.
		Entry{Code: "OUT_OF_RANGE", English: "must be from 0 to %d", Dutch: "Kies een getal van 0 tot en met %s."},
		Entry{Code: "OUT_OF_RANGE", English: "must be from 1 to %d", Dutch: "Kies een getal van 1 tot en met %s."},
		Entry{Code: "OUT_OF_RANGE", English: "must be from 0 (the group's seats) to %d", Dutch: "Kies een getal van 0 (de plaatsen van de groep) tot en met %s."},
		Entry{Code: "TOO_MANY", English: "must have at most %d organisers", Dutch: "Een focusgroep heeft hoogstens %s organisatoren."},
		Entry{Code: "TOO_MANY", English: "must have at most %d quotes", Dutch: "Een bevinding heeft hoogstens %s citaten."},
		Entry{Code: "TOO_MANY", English: "must have at most %d seat groups", Dutch: "Een focusgroep heeft hoogstens %s groepen rollen met eigen plaatsen."},
		Entry{Code: "TOO_MANY", English: "must name at most %d residents", Dutch: "Nodig hoogstens %s inwoners tegelijk uit."},
		Entry{Code: "TOO_FEW", English: "must name at least one resident", Dutch: "Vul minstens één inwoner in."},
		Entry{Code: "TOO_FEW", English: "must name at least one role", Dutch: "Kies minstens één rol."},

		// Closed lists: the values an API client sends, with what they mean.
		Entry{Code: "UNKNOWN_CHOICE", English: "must be a focus group status", Dutch: "Kies een status van een focusgroep."},
		Entry{Code: "UNKNOWN_CHOICE", English: "must be all, most, some or one", Dutch: "Dit moet all (iedereen), most (de meesten), some (sommigen) of one (één persoon) zijn."},
		Entry{Code: "UNKNOWN_CHOICE", English: "must be named, anonymous or internal", Dutch: "Dit moet named (met naam), anonymous (anoniem) of internal (alleen binnen de groep) zijn."},
		Entry{Code: "UNKNOWN_CHOICE", English: "must be in_person, phone, paper_form or email", Dutch: "Dit moet in_person (persoonlijk), phone (telefonisch), paper_form (ondertekend formulier) of email (e-mail) zijn."},
		Entry{Code: "UNKNOWN_CHOICE", English: "must be interpreter, wheelchair, companion, dietary or other", Dutch: "Dit moet interpreter (tolk), wheelchair (rolstoel), companion (begeleider), dietary (dieet) of other (iets anders) zijn."},
		Entry{Code: "UNKNOWN_CHOICE", English: "must be nl or en", Dutch: "Dit moet nl (Nederlands) of en (Engels) zijn."},
		Entry{Code: "UNKNOWN_CHOICE", English: "must be staff or resident", Dutch: "Dit moet staff (medewerker) of resident (inwoner) zijn."},
		Entry{Code: "UNKNOWN_CHOICE", English: "must be yes, no or maybe", Dutch: "Dit moet yes (ja), no (nee) of maybe (misschien) zijn."},

		// Formats.
		Entry{Code: "INVALID_FORMAT", English: "must be an e-mail address, such as naam@example.nl", Dutch: "Vul een geldig e-mailadres in, zoals naam@example.nl."},
		Entry{Code: "INVALID_FORMAT", English: "must be an https link of at most %d characters", Dutch: "Vul een link in die begint met https://, van hoogstens %s tekens."},
		Entry{Code: "INVALID_FORMAT", English: "must be the id (a UUID) of a participation process", Dutch: "Dit moet het id (een UUID) van een participatietraject zijn."},
		Entry{Code: "INVALID_FORMAT", English: "must be the id (a UUID) of a member of the group", Dutch: "Dit moet het id (een UUID) van een lid van de groep zijn."},
		Entry{Code: "INVALID_FORMAT", English: "must be the id (a UUID) of one of the group's sessions", Dutch: "Dit moet het id (een UUID) van een bijeenkomst van de groep zijn."},

		// Not allowed here.
		Entry{Code: "NOT_ALLOWED_HERE", English: "must be empty for a resident, who has no login", Dutch: "Laat dit leeg voor een inwoner: een inwoner heeft geen login."},
		Entry{Code: "NOT_ALLOWED_HERE", English: "must be empty for staff, who take part in their work", Dutch: "Laat dit leeg voor een medewerker: die doet mee voor het werk."},
		Entry{Code: "NOT_ALLOWED_HERE", English: "must be empty: only a named quote keeps its speaker's name", Dutch: "Laat dit leeg: alleen bij een citaat met naam bewaren we de naam van de spreker."},

		// The shared packages.
		Entry{Code: "INVALID_INPUT", English: "invalid input", Dutch: "Niet alles is goed ingevuld."},
		Entry{Code: "UNKNOWN_FIELD", English: "%q is not a field of %s", Dutch: "%s is geen veld van %s."},
		Entry{Code: "NOT_TOP_LEVEL_FIELD", English: "%q names part of a field; name top-level fields, which change whole", Dutch: "%s noemt een deel van een veld. Noem alleen hele velden; die veranderen in hun geheel."},
		Entry{Code: "INVALID_CURSOR", English: "is not a cursor this API returned", Dutch: "Dit is geen cursor die deze API heeft gegeven."},
		Entry{Code: "INVALID_TEXT", English: "must be valid UTF-8 text", Dutch: "Deze tekst bevat bytes die geen UTF-8 zijn. Typ de tekst opnieuw, of plak hem als platte tekst."},
		Entry{Code: "INVALID_TEXT", English: "must not contain the NUL character (U+0000)", Dutch: "Deze tekst bevat een nulteken (code 0), dat niet kan worden opgeslagen. Typ de tekst opnieuw, of plak hem als platte tekst."},
	)
	addWords(map[string]string{
		// Statuses, as the focus group pages write them (fg.status.*,
		// fg.session.status.*, fg.member.left), in lower case.
		"concluded": "afgerond",
		"dissolved": "opgeheven",
		"held":      "gehouden",
		"left":      "vertrokken",
		// A quote's consent (fg.consent.*).
		"named":     "met naam",
		"anonymous": "anoniem",
		"internal":  "alleen binnen de groep",
		// What a focus group or a session cannot do, as an infinitive.
		"change":                   "wijzigen",
		"conclude":                 "afronden",
		"dissolve":                 "opheffen",
		"schedule a session for":   "een bijeenkomst plannen",
		"invite residents to":      "inwoners uitnodigen",
		"add members to":           "leden toevoegen",
		"mark held":                "als gehouden vastleggen",
		"change the attendance of": "de aanwezigheid wijzigen",
		"answer":                   "antwoorden",
		// Why: the fixed explanations group.go and session.go give with
		// the action they refuse.
		"an ended group is kept as it was":                                         "een afgeronde of opgeheven groep blijft zoals ze was",
		"an ended group takes no new members or sessions":                          "een afgeronde of opgeheven groep neemt geen nieuwe leden of bijeenkomsten meer aan",
		"it has ended already":                                                     "de groep is al afgerond of opgeheven",
		"only a scheduled session's time, place, agenda and capacity can change":   "alleen bij een geplande bijeenkomst kunnen de tijd, de plaats, de agenda en het aantal plaatsen nog veranderen",
		"a cancelled session is kept as it was":                                    "een afgezegde bijeenkomst blijft zoals ze was",
		"only a scheduled session can be cancelled":                                "alleen een geplande bijeenkomst kun je afzeggen",
		"only a scheduled session can be marked held":                              "alleen een geplande bijeenkomst kun je als gehouden vastleggen",
		"attendance is final once a session is held, and a cancelled one has none": "de aanwezigheid ligt vast zodra een bijeenkomst gehouden is, en een afgezegde bijeenkomst heeft geen aanwezigen",
		"only a scheduled session takes answers":                                   "alleen een geplande bijeenkomst neemt antwoorden aan",
	})
}
