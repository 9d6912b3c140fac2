// Package calendar writes focus-group sessions as iCalendar (RFC 5545)
// with arran4/golang-ical, the maintained Go library for it: invitations
// and their updates (METHOD:REQUEST), cancellations (METHOD:CANCEL), as
// iTIP (RFC 5546) asks of a message to one attendee, and a member's feed.
//
// What keeps calendars right through changes, which Decidim's export
// lacked: every session has one UID for its whole life, its SEQUENCE
// grows with every change members are sent, and times are written in
// Europe/Amsterdam with that zone's VTIMEZONE, so that a calendar shows
// them at the hour the group meets whatever zone the reader is in.
package calendar

import (
	"fmt"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/meedoen/meedoen/internal/nlgov"
)

// Method is the iTIP method of a calendar.
type Method string

// The methods this package writes.
const (
	// Request invites, or updates an invitation (a higher SEQUENCE).
	Request Method = "REQUEST"
	// Cancel calls a session off.
	Cancel Method = "CANCEL"
	// Publish is a calendar to keep or subscribe to, no message: a file to
	// add to a calendar, and the feed.
	Publish Method = "PUBLISH"
)

// ContentType is the MIME type of a calendar with method m, as RFC 6047
// asks of iCalendar in mail.
func ContentType(m Method) string {
	return "text/calendar; charset=utf-8; method=" + string(m)
}

// UID is the iCalendar UID of a session: its id, with a domain part that
// names Meedoen's focus groups. It never changes, whatever the
// deployment's address.
func UID(sessionID string) string { return sessionID + "@focusgroups.meedoen" }

// Event is one session as calendars show it.
type Event struct {
	SessionID string
	Sequence  int
	Start     time.Time
	End       time.Time
	// Summary is the title, e.g. "Focusgroep: Mantelzorg in Heemskerk".
	Summary     string
	Description string
	// Location is the address; empty for a session only online.
	Location string
	// URL is the online link, or else the member's page.
	URL       string
	Cancelled bool
	// Changed is when the session last changed (LAST-MODIFIED).
	Changed time.Time
}

// Attendee is the member a message is addressed to.
type Attendee struct {
	Email string
	Name  string
	// Status is their participation: "ACCEPTED", "DECLINED", "TENTATIVE"
	// or "NEEDS-ACTION".
	Status string
}

// Calendar is one iCalendar object to write.
type Calendar struct {
	Method Method
	// Name names a feed (X-WR-CALNAME); empty for a message.
	Name string
	// Organizer is the address the group's mail comes from.
	Organizer string
	// Attendee is whom a REQUEST or CANCEL is for; nil in a feed.
	Attendee *Attendee
	Events   []Event
	// Stamp is when the object was made (DTSTAMP).
	Stamp time.Time
}

// Write renders c.
func Write(c Calendar) []byte {
	cal := ics.NewCalendarFor("Meedoen//Focusgroepen//NL")
	cal.SetMethod(ics.Method(c.Method))
	cal.SetCalscale("GREGORIAN")
	if c.Name != "" {
		cal.SetXWRCalName(c.Name)
		cal.SetXWRTimezone(nlgov.Zone)
		cal.SetRefreshInterval("PT1H")
	}
	cal.AddVTimezone(amsterdam())
	zone := nlgov.Amsterdam()
	for _, e := range c.Events {
		ev := cal.AddEvent(UID(e.SessionID))
		ev.SetDtStampTime(c.Stamp)
		ev.SetSequence(e.Sequence)
		ev.SetProperty(ics.ComponentPropertyDtStart, local(e.Start, zone), ics.WithTZID(nlgov.Zone))
		ev.SetProperty(ics.ComponentPropertyDtEnd, local(e.End, zone), ics.WithTZID(nlgov.Zone))
		if !e.Changed.IsZero() {
			ev.SetModifiedAt(e.Changed)
		}
		ev.SetSummary(e.Summary)
		if e.Description != "" {
			ev.SetDescription(e.Description)
		}
		if e.Location != "" {
			ev.SetLocation(e.Location)
		}
		if e.URL != "" {
			ev.SetURL(e.URL)
		}
		ev.SetClass(ics.ClassificationPrivate)
		switch {
		case e.Cancelled || c.Method == Cancel:
			ev.SetStatus(ics.ObjectStatusCancelled)
		default:
			ev.SetStatus(ics.ObjectStatusConfirmed)
		}
		if c.Organizer != "" {
			ev.SetOrganizer("mailto:"+c.Organizer, ics.WithCN("Meedoen"))
		}
		if a := c.Attendee; a != nil {
			params := []ics.PropertyParameter{ics.WithRSVP(false), &ics.KeyValues{Key: string(ics.ParameterParticipationStatus), Value: []string{a.Status}}}
			if a.Name != "" {
				params = append(params, ics.WithCN(a.Name))
			}
			ev.AddAttendee("mailto:"+a.Email, params...)
		}
	}
	// RFC 5545 ends lines with CRLF; the library writes the host's line
	// ending unless told.
	return []byte(cal.Serialize(ics.WithNewLineWindows))
}

// local writes t as a local date-time in zone, for a property with TZID.
func local(t time.Time, zone *time.Location) string { return t.In(zone).Format("20060102T150405") }

// amsterdam is the VTIMEZONE of Europe/Amsterdam: CET in winter, CEST
// from the last Sunday of March to the last Sunday of October, as the EU
// has had it since 1996.
func amsterdam() *ics.VTimezone {
	tz := ics.NewTimezone(nlgov.Zone)
	for _, r := range []struct {
		daylight       bool
		from, to, name string
		start, month   string
	}{
		{true, "+0100", "+0200", "CEST", "19810329T020000", "3"},
		{false, "+0200", "+0100", "CET", "19961027T030000", "10"},
	} {
		c := ics.ComponentBase{}
		c.SetProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), r.from)
		c.SetProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), r.to)
		c.SetProperty(ics.ComponentProperty(ics.PropertyTzname), r.name)
		c.SetProperty(ics.ComponentPropertyDtStart, r.start)
		c.SetProperty(ics.ComponentPropertyRrule, fmt.Sprintf("FREQ=YEARLY;BYMONTH=%s;BYDAY=-1SU", r.month))
		if r.daylight {
			tz.Components = append(tz.Components, &ics.Daylight{ComponentBase: c})
		} else {
			tz.Components = append(tz.Components, &ics.Standard{ComponentBase: c})
		}
	}
	return tz
}

// Status is the PARTSTAT of an answer: "yes", "no", "maybe" or none.
func Status(answer string) string {
	switch strings.ToLower(answer) {
	case "yes":
		return "ACCEPTED"
	case "no":
		return "DECLINED"
	case "maybe":
		return "TENTATIVE"
	}
	return "NEEDS-ACTION"
}
