package calendar

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/nlgov"
)

const sessionID = "0190f0e0-7c1e-7b4e-9a1e-5f0c2d3b4a60"

// message is a session's mail to Fatima at some point of its life.
func message(method Method, seq int, start time.Time, cancelled bool) Calendar {
	return Calendar{
		Method:    method,
		Organizer: "noreply@meedoen.example",
		Attendee:  &Attendee{Email: "fatima@heemskerk.example", Name: "Fatima el Amrani", Status: Status("yes")},
		Stamp:     time.Date(2027, 1, 2, 9, 0, 0, 0, time.UTC),
		Events: []Event{{
			SessionID: sessionID, Sequence: seq, Start: start, End: start.Add(2 * time.Hour),
			Summary:     "Focusgroep: Mantelzorg in Heemskerk",
			Description: "Kennismaking\n\nAntwoorden: https://meedoen.example/focusgroep/abc",
			Location:    "Buurthuis De Schakel, Jan Ligthartstraat 2, Heemskerk",
			URL:         "https://meet.heemskerk.example/mantelzorg",
			Cancelled:   cancelled,
		}},
	}
}

// parsed is what a calendar app reads back from one file.
type parsed struct {
	Method, UID, Sequence, Status, TZID, URL, Location, Attendee string
	Start, End                                                   string
	Zones                                                        int
}

func parse(t *testing.T, data []byte) parsed {
	t.Helper()
	cal, err := ics.ParseCalendar(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("parsing %s: %v", data, err)
	}
	var p parsed
	for _, prop := range cal.CalendarProperties {
		if prop.IANAToken == string(ics.PropertyMethod) {
			p.Method = prop.Value
		}
	}
	p.Zones = len(cal.Timezones())
	events := cal.Events()
	if len(events) != 1 {
		t.Fatalf("%d events, want 1", len(events))
	}
	e := events[0]
	get := func(cp ics.ComponentProperty) string {
		if prop := e.GetProperty(cp); prop != nil {
			return prop.Value
		}
		return ""
	}
	p.UID, p.Sequence, p.Status = get(ics.ComponentPropertyUniqueId), get(ics.ComponentPropertySequence), get(ics.ComponentPropertyStatus)
	p.URL, p.Location = get(ics.ComponentPropertyUrl), get(ics.ComponentPropertyLocation)
	if start := e.GetProperty(ics.ComponentPropertyDtStart); start != nil {
		p.TZID = strings.Join(start.ICalParameters["TZID"], ",")
	}
	for _, a := range e.Attendees() {
		p.Attendee = a.Email() + " " + string(a.ParticipationStatus())
	}
	st, err := e.GetStartAt()
	if err != nil {
		t.Fatal(err)
	}
	en, err := e.GetEndAt()
	if err != nil {
		t.Fatal(err)
	}
	p.Start, p.End = st.UTC().Format(time.RFC3339), en.UTC().Format(time.RFC3339)
	return p
}

// An invitation, its rescheduling and its cancellation, as three mails
// to one member: the same UID throughout, a growing SEQUENCE, the method
// of each, the times in Europe/Amsterdam (winter and summer time) read
// back as the same instants, and the place and online link.
func TestInvitationRescheduleCancel(t *testing.T) {
	t.Parallel()
	winter := time.Date(2027, 1, 14, 17, 30, 0, 0, time.UTC) // 18:30 in Heemskerk
	summer := time.Date(2027, 4, 1, 16, 30, 0, 0, time.UTC)  // 18:30 too, in CEST
	steps := []struct {
		name string
		cal  Calendar
		want parsed
	}{
		{"invitation", message(Request, 0, winter, false), parsed{Method: "REQUEST", Sequence: "0", Status: "CONFIRMED",
			Start: "2027-01-14T17:30:00Z", End: "2027-01-14T19:30:00Z"}},
		{"rescheduled to summer time", message(Request, 1, summer, false), parsed{Method: "REQUEST", Sequence: "1", Status: "CONFIRMED",
			Start: "2027-04-01T16:30:00Z", End: "2027-04-01T18:30:00Z"}},
		{"cancelled", message(Cancel, 2, summer, true), parsed{Method: "CANCEL", Sequence: "2", Status: "CANCELLED",
			Start: "2027-04-01T16:30:00Z", End: "2027-04-01T18:30:00Z"}},
	}
	for _, s := range steps {
		data := Write(s.cal)
		got := parse(t, data)
		want := s.want
		want.UID, want.TZID, want.Zones = sessionID+"@focusgroups.meedoen", nlgov.Zone, 1
		want.URL, want.Location = "https://meet.heemskerk.example/mantelzorg", "Buurthuis De Schakel, Jan Ligthartstraat 2, Heemskerk"
		want.Attendee = "fatima@heemskerk.example ACCEPTED"
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s\n%s", s.name, diff, data)
		}
		if !bytes.Contains(data, []byte("\r\nORGANIZER;CN=Meedoen:mailto:noreply@meedoen.example\r\n")) {
			t.Errorf("%s: no ORGANIZER, which iTIP requires of a REQUEST and a CANCEL:\n%s", s.name, data)
		}
		if bare := bytes.ReplaceAll(data, []byte("\r\n"), nil); bytes.Contains(bare, []byte("\n")) {
			t.Errorf("%s: a line ends without CR, which RFC 5545 requires:\n%q", s.name, data)
		}
		if !bytes.Contains(data, []byte("DTSTART;TZID=Europe/Amsterdam:")) {
			t.Errorf("%s: the start is not written in Amsterdam time:\n%s", s.name, data)
		}
	}
}

// A second parser, written by other people (Debian's python3-icalendar),
// reads the same files the same way: the file is iCalendar, not only what
// our library writes and reads.
func TestAnotherParserReadsTheFiles(t *testing.T) {
	t.Parallel()
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import icalendar").Run(); err != nil {
		t.Skip("python3-icalendar is not installed (apt-get install python3-icalendar)")
	}
	summer := time.Date(2027, 4, 1, 16, 30, 0, 0, time.UTC)
	data := Write(message(Cancel, 2, summer, true))
	const script = `import sys, icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
ev = [c for c in cal.walk('VEVENT')][0]
tz = [c for c in cal.walk('VTIMEZONE')][0]
print(cal['METHOD'], ev['UID'], ev['SEQUENCE'], ev['STATUS'], tz['TZID'])
print(ev.decoded('DTSTART').isoformat(), ev.decoded('DTSTART').utcoffset())
print(ev['URL'], '|', ev['LOCATION'])`
	cmd := exec.Command(py, "-c", script)
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python3-icalendar: %v\n%s", err, out)
	}
	want := "CANCEL " + sessionID + "@focusgroups.meedoen 2 CANCELLED Europe/Amsterdam\n" +
		"2027-04-01T18:30:00+02:00 2:00:00\n" +
		"https://meet.heemskerk.example/mantelzorg | Buurthuis De Schakel, Jan Ligthartstraat 2, Heemskerk\n"
	if diff := cmp.Diff(want, string(out)); diff != "" {
		t.Errorf("python3-icalendar read (-want +got):\n%s", diff)
	}
}

// A feed holds every session with no attendee and no iTIP method but
// PUBLISH; a cancelled session stays in it, marked so, until calendars
// have seen it.
func TestFeed(t *testing.T) {
	t.Parallel()
	start := time.Date(2027, 1, 14, 17, 30, 0, 0, time.UTC)
	data := Write(Calendar{Method: Publish, Name: "Focusgroep Mantelzorg in Heemskerk", Stamp: start,
		Events: []Event{
			{SessionID: sessionID, Sequence: 1, Start: start, End: start.Add(time.Hour), Summary: "Eerste"},
			{SessionID: "0190f0e0-7c1e-7b4e-9a1e-5f0c2d3b4a61", Sequence: 3, Start: start.AddDate(0, 0, 14),
				End: start.AddDate(0, 0, 14).Add(time.Hour), Summary: "Tweede", Cancelled: true},
		}})
	cal, err := ics.ParseCalendar(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range cal.Events() {
		got = append(got, e.Id()+" "+e.GetProperty(ics.ComponentPropertyStatus).Value+" "+
			e.GetProperty(ics.ComponentPropertySequence).Value+" "+strings.Join(attendees(e), ","))
	}
	want := []string{sessionID + "@focusgroups.meedoen CONFIRMED 1 ", "0190f0e0-7c1e-7b4e-9a1e-5f0c2d3b4a61@focusgroups.meedoen CANCELLED 3 "}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("feed events (-want +got):\n%s\n%s", diff, data)
	}
	if !bytes.Contains(data, []byte("METHOD:PUBLISH")) || !bytes.Contains(data, []byte("X-WR-CALNAME:Focusgroep Mantelzorg in Heemskerk")) {
		t.Errorf("feed header:\n%s", data)
	}
}

func attendees(e *ics.VEvent) []string {
	var out []string
	for _, a := range e.Attendees() {
		out = append(out, a.Email())
	}
	return out
}
