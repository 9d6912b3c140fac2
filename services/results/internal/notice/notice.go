// Package notice writes the results service's mails to staff: a sent
// advice arriving in a municipality's inbox, the reminders of a response's
// deadline, a response overdue, and the council's request for a revised
// response. Every mail is Dutch first, then English, as everything staff
// read; it names the advice by its title and reference, never a resident.
package notice

import (
	"fmt"
	"strings"

	"github.com/meedoen/meedoen/internal/mailq"
)

// Kinds of the mails, as mailq counts them.
const (
	KindArrived   = "advice_arrived"
	KindReminder  = "response_reminder"
	KindOverdue   = "response_overdue"
	KindRevision  = "revision_requested"
	languageDutch = "nl"
)

// Advice is what a mail says about the advice it concerns.
type Advice struct {
	Title        string
	Reference    string
	Municipality string // the responding municipality's name
	Deadline     string // YYYY-MM-DD
	// Link is where staff find the advice; empty leaves it out.
	Link string
}

// Arrived tells a municipality's policy officers that an advice was sent
// to their executive.
func Arrived(to string, a Advice) mailq.Mail {
	nl := fmt.Sprintf("De participatieraad heeft een advies gestuurd aan het college van %s:\n\n  %s\n  Kenmerk: %s\n\n"+
		"De gemeente reageert uiterlijk %s op elke aanbeveling. Bevestig de ontvangst en wijs een behandelaar aan.",
		a.Municipality, a.Title, a.Reference, dutchDate(a.Deadline))
	en := fmt.Sprintf("The participation council sent an advice to the executive of %s:\n\n  %s\n  Reference: %s\n\n"+
		"The municipality responds to each recommendation by %s. Acknowledge receipt and assign an owner.",
		a.Municipality, a.Title, a.Reference, a.Deadline)
	return mail(to, KindArrived, "Nieuw advies / New advice: "+a.Reference, nl, en, a.Link)
}

// Reminder is when a reminder is sent.
type Reminder string

// The reminders of one term.
const (
	WeekBefore Reminder = "week_before"
	AtDeadline Reminder = "deadline"
	Overdue    Reminder = "overdue"
)

// Remind tells the owner of a response (or the policy officers) that its
// deadline is a week away or today, or tells the council's secretary
// that it passed.
func Remind(to string, when Reminder, a Advice) mailq.Mail {
	var nl, en, subject, kind string
	switch when {
	case WeekBefore:
		kind, subject = KindReminder, "Herinnering: reactie op advies over een week / Reminder: response due in a week"
		nl = fmt.Sprintf("Over een week, op %s, verloopt de termijn voor de reactie van %s op het advies\n\n  %s\n  Kenmerk: %s",
			dutchDate(a.Deadline), a.Municipality, a.Title, a.Reference)
		en = fmt.Sprintf("In a week, on %s, the term for the response of %s to the advice ends:\n\n  %s\n  Reference: %s",
			a.Deadline, a.Municipality, a.Title, a.Reference)
	case AtDeadline:
		kind, subject = KindReminder, "Herinnering: reactie op advies vandaag / Reminder: response due today"
		nl = fmt.Sprintf("Vandaag, %s, verloopt de termijn voor de reactie van %s op het advies\n\n  %s\n  Kenmerk: %s",
			dutchDate(a.Deadline), a.Municipality, a.Title, a.Reference)
		en = fmt.Sprintf("Today, %s, the term for the response of %s to the advice ends:\n\n  %s\n  Reference: %s",
			a.Deadline, a.Municipality, a.Title, a.Reference)
	default:
		kind, subject = KindOverdue, "Reactie op advies te laat / Response overdue"
		nl = fmt.Sprintf("De termijn voor de reactie van %s op het advies van de participatieraad is op %s verlopen zonder reactie:\n\n  %s\n  Kenmerk: %s",
			a.Municipality, dutchDate(a.Deadline), a.Title, a.Reference)
		en = fmt.Sprintf("The term for the response of %s to the participation council's advice ended on %s without a response:\n\n  %s\n  Reference: %s",
			a.Municipality, a.Deadline, a.Title, a.Reference)
	}
	return mail(to, kind, subject+": "+a.Reference, nl, en, a.Link)
}

// RevisionRequested tells the owner of a response (or the policy
// officers) that the council asks for a revised one; the reason is in
// the application, not in the mail.
func RevisionRequested(to string, a Advice) mailq.Mail {
	nl := fmt.Sprintf("De participatieraad vraagt %s om een herziene reactie op het advies\n\n  %s\n  Kenmerk: %s\n\n"+
		"De reden staat bij het advies. De nieuwe termijn loopt tot en met %s.", a.Municipality, a.Title, a.Reference, dutchDate(a.Deadline))
	en := fmt.Sprintf("The participation council asks %s for a revised response to the advice\n\n  %s\n  Reference: %s\n\n"+
		"The reason is with the advice. The new term ends on %s.", a.Municipality, a.Title, a.Reference, a.Deadline)
	return mail(to, KindRevision, "Herziene reactie gevraagd / Revised response requested: "+a.Reference, nl, en, a.Link)
}

func mail(to, kind, subject, nl, en, link string) mailq.Mail {
	if link != "" {
		nl += "\n\nBekijk het advies: " + link
		en += "\n\nSee the advice: " + link
	}
	return mailq.Mail{
		To: to, Kind: kind, Subject: subject, Language: languageDutch,
		Text: "Beste collega,\n\n" + nl + "\n\n---\n\nDear colleague,\n\n" + en + "\n",
	}
}

var months = []string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}

// dutchDate writes YYYY-MM-DD as "9 februari 2027".
func dutchDate(day string) string {
	var y, m, d int
	if _, err := fmt.Sscanf(day, "%d-%d-%d", &y, &m, &d); err != nil || m < 1 || m > 12 {
		return day
	}
	return strings.Join([]string{fmt.Sprint(d), months[m-1], fmt.Sprint(y)}, " ")
}
