package focusgroups

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/meedoen/meedoen/gateway/web/kit"
	focusgroupsv1 "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
)

// Scheduling and changing a session: the day and times in Amsterdam's
// local time, a place, an online link or both.

// sessionFormPage is the data of a session's form, new or changed.
type sessionFormPage struct {
	Group   groupHead
	Editing bool
	Action  string
	BackURL string
	// Etag is the version of the session the change is based on.
	Etag   string
	Fields []field
	Errors *kit.FormErrors
	// Key is the new session's idempotency key; empty when editing.
	Key string
}

// Fields of the session's form.
const (
	fDay           = "datum"
	fStart         = "begin"
	fEnd           = "einde"
	fAddress       = "adres"
	fAccessibility = "toegankelijkheid"
	fOnline        = "online"
	fAgenda        = "agenda"
	fCapacity      = "capaciteit"
	fEtag          = "versie"
)

// sessionFields maps ScheduleSession's and UpdateSession's body to the
// form.
var sessionFields = []kit.FormField{
	{Path: "/startTime", Name: fDay, Anchor: fDay, LabelKey: "fg.session.day"},
	{Path: "/startTime", Name: fStart, Anchor: fStart, LabelKey: "fg.session.start"},
	{Path: "/endTime", Name: fEnd, Anchor: fEnd, LabelKey: "fg.session.end"},
	{Path: "/place", Name: fAddress, Anchor: fAddress, LabelKey: "fg.session.address"},
	{Path: "/place/accessibility", Name: fAccessibility, Anchor: fAccessibility, LabelKey: "fg.session.accessibility"},
	{Path: "/onlineUrl", Name: fOnline, Anchor: fOnline, LabelKey: "fg.session.onlineUrl"},
	{Path: "/agenda", Name: fAgenda, Anchor: fAgenda, LabelKey: "fg.session.agenda"},
	{Path: "/capacity", Name: fCapacity, Anchor: fCapacity, LabelKey: "fg.session.capacity"},
	{},
}

// sessionForm is a session's values in the form.
func sessionForm(ss *focusgroupsv1.Session) url.Values {
	v := url.Values{}
	if st := ss.GetStartTime(); st != nil {
		t := st.AsTime().In(amsterdam)
		v.Set(fDay, t.Format(time.DateOnly))
		v.Set(fStart, t.Format("15:04"))
	}
	if et := ss.GetEndTime(); et != nil {
		v.Set(fEnd, et.AsTime().In(amsterdam).Format("15:04"))
	}
	v.Set(fAddress, ss.GetPlace().GetAddress())
	v.Set(fAccessibility, ss.GetPlace().GetAccessibility())
	v.Set(fOnline, ss.GetOnlineUrl())
	v.Set(fAgenda, ss.GetAgenda())
	if c := ss.GetCapacity(); c > 0 {
		v.Set(fCapacity, strconv.Itoa(int(c)))
	}
	v.Set(fEtag, ss.GetEtag())
	return v
}

// newSession serves GET /focusgroepen/{id}/bijeenkomsten/nieuw.
func (s *Pages) newSession(wk *work) error {
	ld, err := wk.loadGroup()
	if err != nil {
		return err
	}
	s.showSessionForm(wk, ld, "", url.Values{}, &kit.FormErrors{})
	return nil
}

// editSession serves GET /focusgroepen/{id}/bijeenkomsten/{sid}/bewerken.
func (s *Pages) editSession(wk *work) error {
	ld, err := wk.loadGroup()
	if err != nil {
		return err
	}
	ss, err := wk.getSession()
	if err != nil {
		return err
	}
	s.showSessionForm(wk, ld, ss.GetId(), sessionForm(ss), &kit.FormErrors{})
	return nil
}

// getSession reads the session of the page's {sid}.
func (wk *work) getSession() (*focusgroupsv1.Session, error) {
	return wk.api.GetSession(wk.Context(), &focusgroupsv1.GetSessionRequest{FocusGroupId: wk.R.PathValue("id"), Id: wk.R.PathValue("sid")})
}

// showSessionForm shows the form of a new session (sid empty) or of
// session sid, with values and errs.
func (s *Pages) showSessionForm(wk *work, ld *loaded, sid string, values url.Values, errs *kit.FormErrors) {
	w := wk.Words
	p := &sessionFormPage{Group: ld.head, Editing: sid != "", Errors: errs, Etag: values.Get(fEtag)}
	if sid == "" {
		wk.View.Title = w.Say("fg.session.new.title", "group", ld.head.Name)
		p.Action, p.BackURL = ld.head.URL+"/bijeenkomsten/nieuw", ld.head.URL
		p.Key = formKey(values)
	} else {
		wk.View.Title = w.Say("fg.session.edit.title", "group", ld.head.Name)
		p.BackURL = sessionURL(ld.head.ID, sid)
		p.Action = p.BackURL + "/bewerken"
	}
	p.Fields = withErrors([]field{
		{ID: fDay, Type: "date", Label: w.Text("fg.session.day"), Hint: w.Text("fg.session.day.hint"), Value: values.Get(fDay)},
		{ID: fStart, Type: "time", Label: w.Text("fg.session.start"), Hint: w.Text("fg.session.time.hint"), Value: values.Get(fStart)},
		{ID: fEnd, Type: "time", Label: w.Text("fg.session.end"), Value: values.Get(fEnd)},
		{ID: fAddress, Label: w.Text("fg.session.address"), Hint: w.Text("fg.session.address.hint"), Value: values.Get(fAddress), Optional: true, Autocomplete: "off"},
		{ID: fAccessibility, Kind: "textarea", Rows: 3, Label: w.Text("fg.session.accessibility"), Hint: w.Text("fg.session.accessibility.hint"), Value: values.Get(fAccessibility), Optional: true},
		{ID: fOnline, Type: "url", Label: w.Text("fg.session.onlineUrl"), Hint: w.Text("fg.session.onlineUrl.hint"), Value: values.Get(fOnline), Optional: true, Autocomplete: "off"},
		{ID: fAgenda, Kind: "textarea", Rows: 5, Label: w.Text("fg.session.agenda"), Value: values.Get(fAgenda), Optional: true},
		{ID: fCapacity, Type: "number", Mode: "numeric", Min: "0", Max: "500", Label: w.Text("fg.session.capacity"), Hint: w.Text("fg.session.capacity.hint"), Value: values.Get(fCapacity), Optional: true},
	}, errs)
	wk.View.HasErrors = errs.Any()
	wk.View.Page = p
}

// maxSessionLength is the longest session the service schedules.
const maxSessionLength = 12 * time.Hour

// readSession reads the form into a session, with the problems it finds
// itself: a day or time that is none, an end before the start, a start in
// the past, neither a place nor a link, a capacity that is no number.
func readSession(form url.Values, now time.Time) (*focusgroupsv1.Session, *kit.FormErrors) {
	errs := &kit.FormErrors{}
	ss := &focusgroupsv1.Session{
		Place: &focusgroupsv1.Place{
			Address:       strings.TrimSpace(form.Get(fAddress)),
			Accessibility: strings.TrimSpace(form.Get(fAccessibility)),
		},
		OnlineUrl: strings.TrimSpace(form.Get(fOnline)),
		Agenda:    strings.TrimSpace(form.Get(fAgenda)),
		Etag:      form.Get(fEtag),
	}
	day, dayErr := time.ParseInLocation(time.DateOnly, strings.TrimSpace(form.Get(fDay)), amsterdam)
	if dayErr != nil {
		errs.Invalid(sessionFields, fDay, "fg.error.day")
	}
	clock := func(name string) (time.Duration, bool) {
		t, err := time.Parse("15:04", strings.TrimSpace(form.Get(name)))
		if err != nil {
			errs.Invalid(sessionFields, name, "fg.error.time")
			return 0, false
		}
		return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, true
	}
	start, startOK := clock(fStart)
	end, endOK := clock(fEnd)
	if dayErr == nil && startOK && endOK {
		// The wall clock of that day in Amsterdam, so that a session in
		// summer time keeps its hour.
		at := func(d time.Duration) time.Time {
			return time.Date(day.Year(), day.Month(), day.Day(), int(d/time.Hour), int(d%time.Hour/time.Minute), 0, 0, amsterdam)
		}
		st, et := at(start), at(end)
		switch {
		case !et.After(st):
			errs.Invalid(sessionFields, fEnd, "fg.error.endBeforeStart")
		case et.Sub(st) > maxSessionLength:
			errs.Invalid(sessionFields, fEnd, "fg.error.tooLong")
		case !st.After(now):
			errs.Invalid(sessionFields, fDay, "fg.error.past")
		}
		ss.StartTime, ss.EndTime = timestamppb.New(st), timestamppb.New(et)
	}
	if ss.Place.Address == "" && ss.OnlineUrl == "" {
		errs.Invalid(sessionFields, fAddress, "fg.error.where")
	}
	if ss.OnlineUrl != "" && safeLink(ss.OnlineUrl) == "" {
		errs.Invalid(sessionFields, fOnline, "fg.error.url")
	}
	if n, ok := atoi(form.Get(fCapacity)); !ok || n < 0 || n > maxSeats {
		errs.Invalid(sessionFields, fCapacity, "fg.error.capacity")
	} else {
		ss.Capacity = n
	}
	return ss, errs
}

// scheduleSession serves POST /focusgroepen/{id}/bijeenkomsten/nieuw.
func (s *Pages) scheduleSession(wk *work) error {
	ld, err := wk.loadGroup()
	if err != nil {
		return err
	}
	form := wk.R.PostForm
	ss, errs := readSession(form, time.Now())
	if errs.Any() {
		wk.Status = http.StatusUnprocessableEntity
		s.showSessionForm(wk, ld, "", form, errs)
		return nil
	}
	ss.Etag = ""
	created, err := wk.api.ScheduleSession(wk.Context(), &focusgroupsv1.ScheduleSessionRequest{FocusGroupId: ld.g.GetId(), Session: ss, IdempotencyKey: formKey(form)})
	switch {
	case err == nil:
		wk.Redirect = kit.WithDone(sessionURL(ld.g.GetId(), created.GetId()), "gepland")
		return nil
	case kit.IsFormError(err):
		wk.Status = kit.FormStatus(err)
		s.showSessionForm(wk, ld, "", form, kit.FromStatus(err, "session", sessionFields, nil))
		return nil
	}
	return err
}

// updateSession serves POST /focusgroepen/{id}/bijeenkomsten/{sid}/bewerken.
func (s *Pages) updateSession(wk *work) error {
	ld, err := wk.loadGroup()
	if err != nil {
		return err
	}
	sid := wk.R.PathValue("sid")
	form := wk.R.PostForm
	ss, errs := readSession(form, time.Now())
	if errs.Any() {
		wk.Status = http.StatusUnprocessableEntity
		s.showSessionForm(wk, ld, sid, form, errs)
		return nil
	}
	mask := &fieldmaskpb.FieldMask{Paths: []string{"start_time", "end_time", "place", "online_url", "agenda", "capacity"}}
	_, err = wk.api.UpdateSession(wk.Context(), &focusgroupsv1.UpdateSessionRequest{FocusGroupId: ld.g.GetId(), Id: sid, Session: ss, UpdateMask: mask})
	switch {
	case err == nil:
		wk.Redirect = kit.WithDone(sessionURL(ld.g.GetId(), sid), "gewijzigd")
		return nil
	case kit.ChangedMeanwhile(err):
		wk.Status = kit.FormStatus(err)
		errs.Invalid(sessionFields, "", "fg.error.changedMeanwhile")
		s.showSessionForm(wk, ld, sid, form, errs)
		return nil
	case kit.IsFormError(err):
		wk.Status = kit.FormStatus(err)
		s.showSessionForm(wk, ld, sid, form, kit.FromStatus(err, "session", sessionFields, nil))
		return nil
	}
	return err
}
