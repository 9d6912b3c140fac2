package notice

import (
	"fmt"
	"strings"
	"time"

	"github.com/meedoen/meedoen/internal/mail"
	"github.com/meedoen/meedoen/internal/nlgov"
	"github.com/meedoen/meedoen/services/focusgroups/internal/calendar"
)

// JoinInvitation invites r to join a group in role (its Dutch and English
// labels); r's Link accepts it.
func JoinInvitation(g Group, r Recipient, roleNL, roleEN string) Letter {
	nl, en := greeting(r.Name)
	link := r.page()
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\nJe bent uitgenodigd om als %s mee te doen met de focusgroep \"%s\".\n", nl, strings.ToLower(roleNL), g.Name)
	if g.Purpose != "" {
		fmt.Fprintf(&b, "\n%s\n", g.Purpose)
	}
	fmt.Fprintf(&b, "\nWil je meedoen? Bekijk de uitnodiging en zeg ja via deze link:\n\n%s\n\n", link)
	fmt.Fprintf(&b, "De link werkt één keer. Wil je niet meedoen? Dan hoef je niets te doen.\n\n-- English --\n\n")
	fmt.Fprintf(&b, "%s\n\nYou are invited to join the focus group \"%s\" as %s.\n", en, g.Name, strings.ToLower(roleEN))
	fmt.Fprintf(&b, "\nWould you like to take part? See the invitation and accept it here:\n\n%s\n\n", link)
	fmt.Fprintf(&b, "The link works once. Not interested? Then you need not do anything.\n")
	return Letter{Subject: fmt.Sprintf("Uitnodiging: focusgroep %s / Invitation to a focus group", g.Name), Text: b.String()}
}

// Welcome tells a new member where their page is and which sessions are
// planned; each upcoming session's invitation follows in its own mail.
func Welcome(g Group, r Recipient, upcoming []Session) Letter {
	nl, en := greeting(r.Name)
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\nWelkom in de focusgroep \"%s\". Op je eigen pagina zie je de bijeenkomsten, geef je aan of je komt en wat je nodig hebt, en kun je de groep verlaten:\n\n%s\n\n", nl, g.Name, r.page())
	if len(upcoming) > 0 {
		fmt.Fprintf(&b, "Geplande bijeenkomsten (de uitnodigingen volgen apart):\n")
		for _, s := range upcoming {
			fmt.Fprintf(&b, "- %s\n", dutchWhen(s.Start, s.End))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "Deze link is persoonlijk: stuur hem niet door.\n\n-- English --\n\n")
	fmt.Fprintf(&b, "%s\n\nWelcome to the focus group \"%s\". Your own page shows the sessions; there you say whether you come and what you need, and you can leave the group:\n\n%s\n\n", en, g.Name, r.page())
	if len(upcoming) > 0 {
		fmt.Fprintf(&b, "Planned sessions (their invitations follow separately):\n")
		for _, s := range upcoming {
			fmt.Fprintf(&b, "- %s\n", englishWhen(s.Start, s.End))
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "This link is personal: please do not forward it.\n")
	return Letter{Subject: fmt.Sprintf("Welkom in de focusgroep %s / Welcome", g.Name), Text: b.String()}
}

// SessionInvitation invites r to s, with the calendar invitation.
func SessionInvitation(g Group, s Session, r Recipient, from Sender, now time.Time) Letter {
	nl, en := greeting(r.Name)
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\nDe focusgroep \"%s\" komt bijeen op %s.\n\n", nl, g.Name, dutchWhen(s.Start, s.End))
	where(&b, s, "Plaats", "Toegankelijkheid", "Online")
	if s.Agenda != "" {
		fmt.Fprintf(&b, "\nAgenda:\n%s\n", s.Agenda)
	}
	fmt.Fprintf(&b, "\nKom je? Geef het aan, en ook wat je nodig hebt (een tolk, rolstoeltoegang, een begeleider, een dieet):\n%s\n\n", r.page())
	fmt.Fprintf(&b, "De bijlage zet de bijeenkomst in je agenda.\n\n-- English --\n\n")
	fmt.Fprintf(&b, "%s\n\nThe focus group \"%s\" meets on %s.\n\n", en, g.Name, englishWhen(s.Start, s.End))
	where(&b, s, "Place", "Accessibility", "Online")
	fmt.Fprintf(&b, "\nWill you come? Let us know, and what you need (an interpreter, wheelchair access, a companion, a diet):\n%s\n\n", r.page())
	fmt.Fprintf(&b, "The attachment adds the session to your calendar.\n")
	return Letter{Subject: fmt.Sprintf("Uitnodiging: %s, %s / Invitation", g.Name, shortDutch(s.Start)), Text: b.String(),
		Attachments: []mail.Attachment{message(calendar.Request, g, s, r, from, now)}}
}

// SessionUpdate tells r that s changed, with the updated calendar entry;
// rescheduled says whether its time moved.
func SessionUpdate(g Group, s Session, r Recipient, rescheduled bool, from Sender, now time.Time) Letter {
	nl, en := greeting(r.Name)
	var b strings.Builder
	what, whatEN := "is gewijzigd", "has changed"
	if rescheduled {
		what, whatEN = "is verplaatst", "has moved"
	}
	fmt.Fprintf(&b, "%s\n\nDe bijeenkomst van de focusgroep \"%s\" %s. Zo staat hij nu gepland:\n\n%s\n", nl, g.Name, what, dutchWhen(s.Start, s.End))
	where(&b, s, "Plaats", "Toegankelijkheid", "Online")
	if s.Agenda != "" {
		fmt.Fprintf(&b, "\nAgenda:\n%s\n", s.Agenda)
	}
	fmt.Fprintf(&b, "\nKom je nog steeds? Geef het aan: %s\n\nDe bijlage werkt de afspraak in je agenda bij.\n\n-- English --\n\n", r.page())
	fmt.Fprintf(&b, "%s\n\nThe session of the focus group \"%s\" %s. It is now planned for:\n\n%s\n", en, g.Name, whatEN, englishWhen(s.Start, s.End))
	where(&b, s, "Place", "Accessibility", "Online")
	fmt.Fprintf(&b, "\nStill coming? Let us know: %s\n\nThe attachment updates your calendar.\n", r.page())
	return Letter{Subject: fmt.Sprintf("Gewijzigd: %s, %s / Changed", g.Name, shortDutch(s.Start)), Text: b.String(),
		Attachments: []mail.Attachment{message(calendar.Request, g, s, r, from, now)}}
}

// SessionCancellation tells r that s is called off, with the calendar
// cancellation.
func SessionCancellation(g Group, s Session, r Recipient, from Sender, now time.Time) Letter {
	nl, en := greeting(r.Name)
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\nDe bijeenkomst van de focusgroep \"%s\" op %s gaat niet door.\n", nl, g.Name, dutchWhen(s.Start, s.End))
	if s.CancelReason != "" {
		fmt.Fprintf(&b, "\n%s\n", s.CancelReason)
	}
	fmt.Fprintf(&b, "\nDe bijlage haalt de afspraak uit je agenda.\n\n-- English --\n\n")
	fmt.Fprintf(&b, "%s\n\nThe session of the focus group \"%s\" on %s is cancelled.\n", en, g.Name, englishWhen(s.Start, s.End))
	fmt.Fprintf(&b, "\nThe attachment removes it from your calendar.\n")
	return Letter{Subject: fmt.Sprintf("Afgelast: %s, %s / Cancelled", g.Name, shortDutch(s.Start)), Text: b.String(),
		Attachments: []mail.Attachment{message(calendar.Cancel, g, s, r, from, now)}}
}

// Seated tells a waiting member that a seat came free for them.
func Seated(g Group, s Session, r Recipient) Letter {
	nl, en := greeting(r.Name)
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\nEr is een plek vrijgekomen: je bent erbij op %s, bij de focusgroep \"%s\".\n\n", nl, dutchWhen(s.Start, s.End), g.Name)
	where(&b, s, "Plaats", "Toegankelijkheid", "Online")
	fmt.Fprintf(&b, "\nKun je toch niet? Meld je dan af, zodat de volgende op de wachtlijst de plek krijgt:\n%s\n\n-- English --\n\n", r.page())
	fmt.Fprintf(&b, "%s\n\nA seat came free: you are in on %s, with the focus group \"%s\".\n\n", en, englishWhen(s.Start, s.End), g.Name)
	where(&b, s, "Place", "Accessibility", "Online")
	fmt.Fprintf(&b, "\nCannot come after all? Please say so, so that the next on the waitlist gets the seat:\n%s\n", r.page())
	return Letter{Subject: fmt.Sprintf("Er is plek voor jou: %s, %s / A seat for you", g.Name, shortDutch(s.Start)), Text: b.String()}
}

// Reminder reminds r of s.
func Reminder(g Group, s Session, r Recipient) Letter {
	nl, en := greeting(r.Name)
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\nHerinnering: de focusgroep \"%s\" komt bijeen op %s.\n\n", nl, g.Name, dutchWhen(s.Start, s.End))
	where(&b, s, "Plaats", "Toegankelijkheid", "Online")
	fmt.Fprintf(&b, "\nKun je niet? Meld je af, dan krijgt een ander jouw plek: %s\n\n-- English --\n\n", r.page())
	fmt.Fprintf(&b, "%s\n\nA reminder: the focus group \"%s\" meets on %s.\n\n", en, g.Name, englishWhen(s.Start, s.End))
	where(&b, s, "Place", "Accessibility", "Online")
	fmt.Fprintf(&b, "\nCannot come? Please say so, and someone else gets your seat: %s\n", r.page())
	return Letter{Subject: fmt.Sprintf("Herinnering: %s, %s / Reminder", g.Name, shortDutch(s.Start)), Text: b.String()}
}

// Farewell confirms that r left the group, with a calendar cancellation of
// each upcoming session, so that none stays in their calendar.
func Farewell(g Group, r Recipient, upcoming []Session, from Sender, now time.Time) Letter {
	nl, en := greeting(r.Name)
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\nJe hebt de focusgroep \"%s\" verlaten. Bedankt voor je inzet!\n", nl, g.Name)
	if len(upcoming) > 0 {
		fmt.Fprintf(&b, "\nDe bijlagen halen de geplande bijeenkomsten uit je agenda.\n")
	}
	fmt.Fprintf(&b, "\n-- English --\n\n%s\n\nYou left the focus group \"%s\". Thank you for taking part!\n", en, g.Name)
	if len(upcoming) > 0 {
		fmt.Fprintf(&b, "\nThe attachments remove its planned sessions from your calendar.\n")
	}
	l := Letter{Subject: fmt.Sprintf("Je hebt de focusgroep %s verlaten / You left the focus group", g.Name), Text: b.String()}
	for _, s := range upcoming {
		l.Attachments = append(l.Attachments, message(calendar.Cancel, g, s, r, from, now))
	}
	return l
}

// shortDutch is a session's date for a subject line: "14 januari".
func shortDutch(t time.Time) string {
	t = t.In(nlgov.Amsterdam())
	return fmt.Sprintf("%d %s", t.Day(), dutchMonths[t.Month()-1])
}
