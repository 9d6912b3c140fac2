// Package notice writes the focus groups' mails: invitations to join,
// welcomes, session invitations with their updates and cancellations as
// iCalendar messages, seats given from a waitlist, reminders, and the
// cancellations a member gets on leaving. Every mail is Dutch first, then
// English, whatever language the member chose, as the panel mails are: one
// mail serves a household that reads either.
package notice

import (
	"fmt"
	"strings"
	"time"

	"github.com/meedoen/meedoen/internal/mail"
	"github.com/meedoen/meedoen/internal/nlgov"
	"github.com/meedoen/meedoen/services/focusgroups/internal/calendar"
)

// Letter is one mail's subject, plain-text body and files.
type Letter struct {
	Subject     string
	Text        string
	Attachments []mail.Attachment
}

// Group is what mails say about a focus group.
type Group struct {
	Name    string
	Purpose string
}

// Session is what mails say about a session.
type Session struct {
	ID            string
	Sequence      int
	Start, End    time.Time
	Address       string
	Accessibility string
	OnlineURL     string
	Agenda        string
	CancelReason  string
	Changed       time.Time
}

// Recipient is the member a mail is for.
type Recipient struct {
	Name  string
	Email string
	// Answer is their answer to the session ("yes", "no", "maybe" or
	// empty), for their calendar's participation status.
	Answer string
	// Link is their personal page, from which they answer and leave.
	Link string
	// Language is the language they chose, "nl" or "en": an English
	// member's links open the pages in English (?lang=en), without the
	// web's redirect that links with no language need.
	Language string
}

// page is r's link as the mails write it: in r's language when that is
// English; Dutch, the pages' default, needs nothing.
func (r Recipient) page() string {
	if r.Link == "" || r.Language != "en" {
		return r.Link
	}
	sep := "?"
	if strings.Contains(r.Link, "?") {
		sep = "&"
	}
	return r.Link + sep + "lang=en"
}

// Sender is who the group's mail comes from: the organiser in calendar
// messages.
type Sender struct {
	Address string
}

var (
	dutchDays     = [...]string{"zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"}
	dutchMonths   = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}
	englishMonths = [...]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
)

// dutchWhen writes a session's time as people in Heemskerk read it:
// "donderdag 14 januari 2027, 18.30–20.30 uur".
func dutchWhen(start, end time.Time) string {
	s, e := start.In(nlgov.Amsterdam()), end.In(nlgov.Amsterdam())
	return fmt.Sprintf("%s %d %s %d, %s–%s uur", dutchDays[s.Weekday()], s.Day(), dutchMonths[s.Month()-1], s.Year(),
		s.Format("15.04"), e.Format("15.04"))
}

// englishWhen writes it in English, in Amsterdam time too:
// "Thursday 14 January 2027, 18:30–20:30 (Amsterdam time)".
func englishWhen(start, end time.Time) string {
	s, e := start.In(nlgov.Amsterdam()), end.In(nlgov.Amsterdam())
	return fmt.Sprintf("%s %d %s %d, %s–%s (Amsterdam time)", s.Weekday(), s.Day(), englishMonths[s.Month()-1], s.Year(),
		s.Format("15:04"), e.Format("15:04"))
}

// where writes a session's place and link, each on its own line.
func where(b *strings.Builder, s Session, placeLabel, accessLabel, onlineLabel string) {
	if s.Address != "" {
		fmt.Fprintf(b, "%s: %s\n", placeLabel, s.Address)
		if s.Accessibility != "" {
			fmt.Fprintf(b, "%s: %s\n", accessLabel, s.Accessibility)
		}
	}
	if s.OnlineURL != "" {
		fmt.Fprintf(b, "%s: %s\n", onlineLabel, s.OnlineURL)
	}
}

// event is the session as its calendar entry.
func event(g Group, s Session, r Recipient) calendar.Event {
	var d strings.Builder
	if s.Agenda != "" {
		fmt.Fprintf(&d, "%s\n\n", s.Agenda)
	}
	if r.Link != "" {
		fmt.Fprintf(&d, "Aanmelden of afmelden / Answer: %s\n", r.page())
	}
	if s.Accessibility != "" {
		fmt.Fprintf(&d, "Toegankelijkheid / Accessibility: %s\n", s.Accessibility)
	}
	url := s.OnlineURL
	if url == "" {
		url = r.page()
	}
	return calendar.Event{SessionID: s.ID, Sequence: s.Sequence, Start: s.Start, End: s.End,
		Summary: "Focusgroep / Focus group: " + g.Name, Description: strings.TrimSpace(d.String()),
		Location: s.Address, URL: url, Changed: s.Changed}
}

// message is the iCalendar message of method about s for r, as a file.
func message(method calendar.Method, g Group, s Session, r Recipient, from Sender, now time.Time) mail.Attachment {
	ev := event(g, s, r)
	ev.Cancelled = method == calendar.Cancel
	data := calendar.Write(calendar.Calendar{Method: method, Organizer: from.Address, Stamp: now, Events: []calendar.Event{ev},
		Attendee: &calendar.Attendee{Email: r.Email, Name: r.Name, Status: calendar.Status(r.Answer)}})
	name := "uitnodiging.ics"
	if method == calendar.Cancel {
		name = "afgelast.ics"
	}
	return mail.Attachment{Name: name, ContentType: calendar.ContentType(method), Data: data}
}

// greeting opens a Dutch and an English part.
func greeting(name string) (nl, en string) {
	if name == "" {
		return "Beste deelnemer,", "Dear participant,"
	}
	return "Beste " + name + ",", "Dear " + name + ","
}
