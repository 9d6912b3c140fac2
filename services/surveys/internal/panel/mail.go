package panel

import (
	"fmt"
	"strings"
	"time"

	"github.com/meedoen/meedoen/internal/nlgov"
)

// Letter is the subject and plain-text body of a panel mail. Every panel
// mail is Dutch first, then English, whatever language the member chose:
// one mail serves a household that reads either.
type Letter struct {
	Subject string
	Text    string
}

// Links are the addresses a mail points to.
type Links struct {
	// Action is what the mail asks the reader to follow: the confirmation
	// link of a sign-up, or the invitation link of a poll.
	Action string
	// Unsubscribe takes the reader off the panel.
	Unsubscribe string
}

// Poll is what an invitation says about a poll.
type Poll struct {
	TitleNL, TitleEN string
	ClosesAt         time.Time // zero when not known
}

// amsterdam is where dates in mails are read.
func amsterdam() *time.Location { return nlgov.Amsterdam() }

var (
	dutchMonths   = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}
	englishMonths = [...]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
)

func dutchDate(t time.Time) string {
	t = t.In(amsterdam())
	return fmt.Sprintf("%d %s %d", t.Day(), dutchMonths[t.Month()-1], t.Year())
}

func englishDate(t time.Time) string {
	t = t.In(amsterdam())
	return fmt.Sprintf("%d %s %d", t.Day(), englishMonths[t.Month()-1], t.Year())
}

// ConfirmationLetter asks a new member of municipality's panel to confirm
// their sign-up.
func ConfirmationLetter(municipality string, l Links) Letter {
	var b strings.Builder
	fmt.Fprintf(&b, "Beste inwoner,\n\n")
	fmt.Fprintf(&b, "Je hebt je aangemeld voor het inwonerspanel van %s. Bevestig je aanmelding via deze link:\n\n%s\n\n", municipality, l.Action)
	fmt.Fprintf(&b, "De link werkt één keer en verloopt na 7 dagen. Heb je je niet aangemeld? Dan hoef je niets te doen; of haal je adres meteen weg:\n%s\n\n", l.Unsubscribe)
	fmt.Fprintf(&b, "-- English --\n\n")
	fmt.Fprintf(&b, "Dear resident,\n\n")
	fmt.Fprintf(&b, "You signed up for the residents' panel of %s. Please confirm via this link:\n\n%s\n\n", municipality, l.Action)
	fmt.Fprintf(&b, "The link works once and expires after 7 days. Did you not sign up? Then you need not do anything; or remove your address now:\n%s\n", l.Unsubscribe)
	return Letter{
		Subject: fmt.Sprintf("Bevestig je aanmelding voor het inwonerspanel van %s / Confirm your sign-up", municipality),
		Text:    b.String(),
	}
}

// AlreadyMemberLetter answers a sign-up of an address that is on the panel
// already: the page said the same as for a new address, so the mail
// tells the owner, and only them.
func AlreadyMemberLetter(municipality string, l Links) Letter {
	var b strings.Builder
	fmt.Fprintf(&b, "Beste inwoner,\n\n")
	fmt.Fprintf(&b, "Iemand heeft dit adres opnieuw aangemeld voor het inwonerspanel van %s. Je bent al lid: je hoeft niets te doen.\n\n", municipality)
	fmt.Fprintf(&b, "Wil je geen uitnodigingen meer? Meld je af:\n%s\n\n", l.Unsubscribe)
	fmt.Fprintf(&b, "-- English --\n\n")
	fmt.Fprintf(&b, "Dear resident,\n\n")
	fmt.Fprintf(&b, "Someone signed this address up again for the residents' panel of %s. You are a member already: there is nothing to do.\n\n", municipality)
	fmt.Fprintf(&b, "No more invitations? Unsubscribe:\n%s\n", l.Unsubscribe)
	return Letter{
		Subject: fmt.Sprintf("Je bent al lid van het inwonerspanel van %s / You are a panel member already", municipality),
		Text:    b.String(),
	}
}

// InvitationLetter invites a member of municipality's panel to answer p;
// reminder makes it the reminder, whose link replaces the first one.
func InvitationLetter(municipality string, p Poll, l Links, reminder bool) Letter {
	titleEN := p.TitleEN
	if titleEN == "" {
		titleEN = p.TitleNL
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Beste inwoner,\n\n")
	if reminder {
		fmt.Fprintf(&b, "Enige tijd geleden nodigden we je uit voor de peiling \"%s\". We hebben je antwoord nog niet; het kan nog", p.TitleNL)
	} else {
		fmt.Fprintf(&b, "Als lid van het inwonerspanel van %s nodigen we je uit voor de peiling \"%s\". Je mening telt; antwoorden kan", municipality, p.TitleNL)
	}
	if !p.ClosesAt.IsZero() {
		fmt.Fprintf(&b, " tot %s", dutchDate(p.ClosesAt))
	}
	fmt.Fprintf(&b, ":\n\n%s\n\n", l.Action)
	fmt.Fprintf(&b, "De link is persoonlijk en werkt voor één antwoord. Je antwoorden worden zonder je e-mailadres bewaard.")
	if reminder {
		fmt.Fprintf(&b, " Deze link vervangt die uit onze eerdere e-mail.")
	}
	fmt.Fprintf(&b, "\n\nGeen uitnodigingen meer? Meld je af:\n%s\n\n", l.Unsubscribe)
	fmt.Fprintf(&b, "-- English --\n\n")
	fmt.Fprintf(&b, "Dear resident,\n\n")
	if reminder {
		fmt.Fprintf(&b, "A while ago we invited you to the poll \"%s\". We have not had your answer yet; there is still time", titleEN)
	} else {
		fmt.Fprintf(&b, "As a member of the residents' panel of %s, you are invited to the poll \"%s\". Your view counts; you can answer", municipality, titleEN)
	}
	if !p.ClosesAt.IsZero() {
		fmt.Fprintf(&b, " until %s", englishDate(p.ClosesAt))
	}
	fmt.Fprintf(&b, ":\n\n%s\n\n", l.Action)
	fmt.Fprintf(&b, "The link is personal and works for one answer. Your answers are kept without your e-mail address.")
	if reminder {
		fmt.Fprintf(&b, " This link replaces the one in our earlier e-mail.")
	}
	fmt.Fprintf(&b, "\n\nNo more invitations? Unsubscribe:\n%s\n", l.Unsubscribe)
	subject := fmt.Sprintf("Uitnodiging: %s / Invitation", p.TitleNL)
	if reminder {
		subject = fmt.Sprintf("Herinnering: %s / Reminder", p.TitleNL)
	}
	return Letter{Subject: subject, Text: b.String()}
}
