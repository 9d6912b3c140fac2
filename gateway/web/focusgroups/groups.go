package focusgroups

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/protobuf/types/known/fieldmaskpb"

	"github.com/meedoen/meedoen/gateway/problem"
	"github.com/meedoen/meedoen/gateway/web/kit"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	focusgroupsv1 "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
)

// The council's focus groups, and the form that forms one for a
// participation process.

// groupsPage is the data of /focusgroepen.
type groupsPage struct {
	Groups    []groupRow
	Truncated bool
}

// groupRow is one group in the list.
type groupRow struct {
	URL, Name, Theme, StatusKey string
	// Region names the region of a shared group; empty for a local one.
	Region          string
	Members         int32
	Seats           int32
	PlannedSessions int32
}

// groupsPageSize is how many groups one call asks for.
const groupsPageSize = 100

// groups serves GET /focusgroepen.
func (s *Pages) groups(wk *work) error {
	wk.View.TitleKey = "fg.groups.title"
	wk.Done("fg.done.", "gevormd")
	themes := s.themeNames(wk)
	p := &groupsPage{}
	cursor := ""
	for i := range kit.MaxPages {
		// Not filtered by tenant: the tenant's own groups and the shared
		// ones of its region, which belong to the region, are both the
		// tenant's work.
		resp, err := wk.api.ListFocusGroups(wk.Context(), &focusgroupsv1.ListFocusGroupsRequest{Limit: groupsPageSize, Cursor: cursor})
		if err != nil {
			return err
		}
		for _, g := range resp.GetFocusGroups() {
			if g.GetTenant() != wk.Tenant && !slices.Contains(g.GetParticipants(), wk.Tenant) {
				continue
			}
			row := groupRow{
				URL:             groupURL(g.GetId()),
				Name:            g.GetName(),
				Theme:           nameOr(themes, g.GetTheme()),
				StatusKey:       groupStatusKey(g.GetStatus()),
				Seats:           totalSeats(g),
				PlannedSessions: g.GetPlannedSessions(),
			}
			if len(g.GetParticipants()) > 0 {
				row.Region = s.kit.TenantName(g.GetTenant())
			}
			for _, rc := range g.GetMembers() {
				row.Members += rc.GetCount()
			}
			p.Groups = append(p.Groups, row)
		}
		if cursor = resp.GetNextCursor(); cursor == "" {
			break
		}
		if i == kit.MaxPages-1 {
			p.Truncated = true
		}
	}
	wk.View.Page = p
	return nil
}

// totalSeats is the most members a session of g seats: its total, or the
// sum of its seats; 0 for no limit.
func totalSeats(g *focusgroupsv1.FocusGroup) int32 {
	if g.GetTotalSeats() > 0 {
		return g.GetTotalSeats()
	}
	var n int32
	for _, sg := range g.GetSeats() {
		n += sg.GetSeats()
	}
	return n
}

// themeNames are the councils service's theme names in the page's
// language, by key; nil without the service or when it fails, which
// leaves themes by their keys.
func (s *Pages) themeNames(wk *work) map[string]string {
	if s.cfg.Councils == nil {
		return nil
	}
	resp, err := s.cfg.Councils.ListThemes(wk.Context(), &councilsv1.ListThemesRequest{})
	if err != nil {
		s.kit.Log().WarnContext(wk.Context(), "listing themes for the focus groups", "err", err)
		return nil
	}
	names := map[string]string{}
	for _, th := range resp.GetThemes() {
		name := th.GetNameNl()
		if wk.Lang() == "en" && th.GetNameEn() != "" {
			name = th.GetNameEn()
		}
		names[th.GetKey()] = name
	}
	return names
}

func nameOr(names map[string]string, key string) string {
	if n := names[key]; n != "" {
		return n
	}
	return key
}

// groupFormPage is the data of a group's form: /focusgroepen/nieuw, and
// /focusgroepen/{id}/bewerken for a group that exists.
type groupFormPage struct {
	// Group is the group changed; nil for a new one.
	Group       *groupHead
	Action      string
	BackURL     string
	Etag        string
	Fields      []field
	Seats       []field
	SeatsErrors []kit.FieldError
	Total       field
	Errors      *kit.FormErrors
	NoProcesses bool
	// Key is the new group's idempotency key; empty when editing.
	Key string
}

// Fields of the group's form.
const (
	fProcess   = "traject"
	fName      = "naam"
	fPurpose   = "doel"
	fPlanned   = "bijeenkomsten"
	fSeats     = "zetels"
	fTotal     = "totaal"
	seatsFor   = "zetels-" // + the roles' keys joined by "--": their seats
	maxSeats   = 500
	maxPlanned = 50
)

// seatSlot is one seat field of a group's form: the roles that share
// its seats.
type seatSlot struct {
	id    string
	roles []string
	label string
}

// seatSlots are the seat fields of g's form: its seat groups (roles may
// share seats), then each role without seats of its own. A new group (g
// nil) has a field per role.
func seatSlots(rs roleSet, g *focusgroupsv1.FocusGroup) []seatSlot {
	var out []seatSlot
	seated := map[string]bool{}
	for _, sg := range g.GetSeats() {
		var labels []string
		for _, r := range sg.GetRoles() {
			labels = append(labels, rs.label(r))
			seated[r] = true
		}
		out = append(out, seatSlot{id: seatsFor + strings.Join(sg.GetRoles(), "--"), roles: sg.GetRoles(), label: strings.Join(labels, ", ")})
	}
	for _, r := range rs.list {
		if !seated[r.GetKey()] {
			out = append(out, seatSlot{id: seatsFor + r.GetKey(), roles: []string{r.GetKey()}, label: roleLabel(r, rs.lang)})
		}
	}
	return out
}

// groupFields maps CreateFocusGroup's and UpdateFocusGroup's body to the
// form with slots for its seats.
func groupFields(slots []seatSlot) []kit.FormField {
	fs := []kit.FormField{
		{Path: "/processId", Name: fProcess, Anchor: fProcess, LabelKey: "fg.new.process"},
		{Path: "/name", Name: fName, Anchor: fName, LabelKey: "fg.new.name"},
		{Path: "/purpose", Name: fPurpose, Anchor: fPurpose, LabelKey: "fg.new.purpose"},
		{Path: "/plannedSessions", Name: fPlanned, Anchor: fPlanned, LabelKey: "fg.new.planned"},
	}
	first := fSeats
	if len(slots) > 0 {
		first = slots[0].id
	}
	fs = append(fs, kit.FormField{Path: "/seats", Name: fSeats, Anchor: first, LabelKey: "fg.new.seats"})
	for _, sl := range slots {
		// The service names seat groups by index, never by role: these
		// paths are the form's own.
		fs = append(fs, kit.FormField{Path: "/form/" + sl.id, Name: sl.id, Anchor: sl.id, Label: sl.label})
	}
	fs = append(fs,
		kit.FormField{Path: "/totalSeats", Name: fTotal, Anchor: fTotal, LabelKey: "fg.new.total"},
		kit.FormField{Path: "/tenant", Name: fProcess, Anchor: fProcess, LabelKey: "fg.new.process"},
		kit.FormField{},
	)
	return fs
}

// newGroup serves GET /focusgroepen/nieuw.
func (s *Pages) newGroup(wk *work) error {
	rs, err := wk.listRoles(wk.Tenant)
	if err != nil {
		return err
	}
	return s.showGroupForm(wk, nil, rs, url.Values{fProcess: {wk.R.URL.Query().Get(fProcess)}}, &kit.FormErrors{})
}

// editGroup serves GET /focusgroepen/{id}/bewerken.
func (s *Pages) editGroup(wk *work) error {
	ld, err := wk.loadGroup()
	if err != nil {
		return err
	}
	g := ld.g
	v := url.Values{fName: {g.GetName()}, fPurpose: {g.GetPurpose()}, fEtag: {g.GetEtag()}}
	if n := g.GetPlannedSessions(); n > 0 {
		v.Set(fPlanned, strconv.Itoa(int(n)))
	}
	if n := g.GetTotalSeats(); n > 0 {
		v.Set(fTotal, strconv.Itoa(int(n)))
	}
	for _, sg := range g.GetSeats() {
		v.Set(seatsFor+strings.Join(sg.GetRoles(), "--"), strconv.Itoa(int(sg.GetSeats())))
	}
	return s.showGroupForm(wk, ld, ld.roles, v, &kit.FormErrors{})
}

// showGroupForm shows the form of a new group (ld nil) or of ld's, with
// values and errs.
func (s *Pages) showGroupForm(wk *work, ld *loaded, rs roleSet, values url.Values, errs *kit.FormErrors) error {
	w := wk.Words
	p := &groupFormPage{Action: "/focusgroepen/nieuw", BackURL: "/focusgroepen", Errors: errs, Etag: values.Get(fEtag)}
	var fields []field
	var g *focusgroupsv1.FocusGroup
	if ld == nil {
		wk.View.TitleKey = "fg.new.title"
		p.Key = formKey(values)
		procs, err := s.processes(wk)
		if err != nil {
			return err
		}
		p.NoProcesses = len(procs) == 0
		process := field{ID: fProcess, Kind: "select", Label: w.Text("fg.new.process"), Hint: w.Text("fg.new.process.hint")}
		process.Options = append(process.Options, kit.Choice{Value: "", LabelKey: "fg.new.process.choose"})
		for _, pr := range procs {
			process.Options = append(process.Options, kit.Choice{Value: pr.GetId(), Label: pr.GetTitle(), Selected: pr.GetId() == values.Get(fProcess)})
		}
		fields = append(fields, process)
	} else {
		g = ld.g
		wk.View.Title = w.Say("fg.edit.title", "group", ld.head.Name)
		p.Group = &ld.head
		p.Action, p.BackURL = ld.head.URL+"/bewerken", ld.head.URL
	}
	p.Fields = withErrors(append(fields,
		field{ID: fName, Label: w.Text("fg.new.name"), Hint: w.Text("fg.new.name.hint"), Value: values.Get(fName)},
		field{ID: fPurpose, Kind: "textarea", Rows: 4, Label: w.Text("fg.new.purpose"), Value: values.Get(fPurpose), Optional: true},
		field{ID: fPlanned, Type: "number", Mode: "numeric", Min: "0", Max: "50", Label: w.Text("fg.new.planned"), Hint: w.Text("fg.new.planned.hint"), Value: values.Get(fPlanned), Optional: true},
	), errs)
	for _, sl := range seatSlots(rs, g) {
		p.Seats = append(p.Seats, field{ID: sl.id, Type: "number", Mode: "numeric", Min: "0", Max: "500", Label: sl.label, Value: values.Get(sl.id), Errors: errs.For(sl.id)})
	}
	p.SeatsErrors = errs.For(fSeats)
	p.Total = field{ID: fTotal, Type: "number", Mode: "numeric", Min: "0", Max: "500", Label: w.Text("fg.new.total"), Hint: w.Text("fg.new.total.hint"), Value: values.Get(fTotal), Optional: true, Errors: errs.For(fTotal)}
	wk.View.HasErrors = errs.Any()
	wk.View.Page = p
	return nil
}

// readGroup reads the form into a group with the seats of slots, with the
// problems it finds itself.
func readGroup(form url.Values, slots []seatSlot, fields []kit.FormField) (*focusgroupsv1.FocusGroup, *kit.FormErrors) {
	local := &kit.FormErrors{}
	g := &focusgroupsv1.FocusGroup{
		Name:    strings.TrimSpace(form.Get(fName)),
		Purpose: strings.TrimSpace(form.Get(fPurpose)),
		Etag:    form.Get(fEtag),
	}
	if g.Name == "" {
		local.Invalid(fields, fName, "form.error.required")
	}
	if n, ok := atoi(form.Get(fPlanned)); !ok || n < 0 || n > maxPlanned {
		local.Invalid(fields, fPlanned, "fg.error.planned")
	} else {
		g.PlannedSessions = n
	}
	for _, sl := range slots {
		n, ok := atoi(form.Get(sl.id))
		if !ok || n < 0 || n > maxSeats {
			local.Invalid(fields, sl.id, "fg.error.seats")
			continue
		}
		if n > 0 {
			g.Seats = append(g.Seats, &focusgroupsv1.SeatGroup{Roles: sl.roles, Seats: n})
		}
	}
	if n, ok := atoi(form.Get(fTotal)); !ok || n < 0 || n > maxSeats {
		local.Invalid(fields, fTotal, "fg.error.total")
	} else if n > 0 && n < largestSeatGroup(g) {
		local.Invalid(fields, fTotal, "fg.error.totalSmall")
	} else {
		g.TotalSeats = n
	}
	return g, local
}

// processes are the tenant's processes that are not closed, the ones a
// group can serve; none without the councils service.
func (s *Pages) processes(wk *work) ([]*councilsv1.Process, error) {
	if s.cfg.Councils == nil {
		return nil, nil
	}
	var out []*councilsv1.Process
	cursor := ""
	for range kit.MaxPages {
		resp, err := s.cfg.Councils.ListProcesses(wk.Context(), &councilsv1.ListProcessesRequest{Tenant: wk.Tenant, Limit: 100, Cursor: cursor})
		if err != nil {
			return nil, err
		}
		for _, pr := range resp.GetProcesses() {
			if pr.GetPhase() != councilsv1.Phase_PHASE_CLOSED {
				out = append(out, pr)
			}
		}
		if cursor = resp.GetNextCursor(); cursor == "" {
			break
		}
	}
	return out, nil
}

// createGroup serves POST /focusgroepen/nieuw.
func (s *Pages) createGroup(wk *work) error {
	form := wk.R.PostForm
	rs, err := wk.listRoles(wk.Tenant)
	if err != nil {
		return err
	}
	slots := seatSlots(rs, nil)
	fields := groupFields(slots)
	g, local := readGroup(form, slots, fields)
	g.ProcessId, g.Etag = form.Get(fProcess), ""
	if g.ProcessId == "" {
		local.Invalid(fields, fProcess, "fg.error.process")
	}
	if local.Any() {
		wk.Status = http.StatusUnprocessableEntity
		return s.showGroupForm(wk, nil, rs, form, local)
	}
	created, err := wk.api.CreateFocusGroup(wk.Context(), &focusgroupsv1.CreateFocusGroupRequest{FocusGroup: g, IdempotencyKey: formKey(form)})
	switch {
	case err == nil:
		wk.Redirect = kit.WithDone(groupURL(created.GetId()), "gevormd")
		return nil
	case problem.Of(err) == problem.Forbidden:
		errs := &kit.FormErrors{}
		errs.Invalid(fields, fProcess, "fg.error.forbidden")
		wk.Status = http.StatusForbidden
		return s.showGroupForm(wk, nil, rs, form, errs)
	case kit.IsFormError(err):
		wk.Status = kit.FormStatus(err)
		return s.showGroupForm(wk, nil, rs, form, kit.FromStatus(err, "focusGroup", fields, nil))
	}
	return err
}

// updateGroup serves POST /focusgroepen/{id}/bewerken.
func (s *Pages) updateGroup(wk *work) error {
	ld, err := wk.loadGroup()
	if err != nil {
		return err
	}
	form := wk.R.PostForm
	slots := seatSlots(ld.roles, ld.g)
	fields := groupFields(slots)
	g, local := readGroup(form, slots, fields)
	if local.Any() {
		wk.Status = http.StatusUnprocessableEntity
		return s.showGroupForm(wk, ld, ld.roles, form, local)
	}
	mask := &fieldmaskpb.FieldMask{Paths: []string{"name", "purpose", "planned_sessions", "seats", "total_seats"}}
	_, err = wk.api.UpdateFocusGroup(wk.Context(), &focusgroupsv1.UpdateFocusGroupRequest{Id: ld.g.GetId(), FocusGroup: g, UpdateMask: mask})
	switch {
	case err == nil:
		wk.Redirect = kit.WithDone(ld.head.URL, "gewijzigdGroep")
		return nil
	case kit.ChangedMeanwhile(err):
		wk.Status = kit.FormStatus(err)
		local.Invalid(fields, "", "fg.error.changedMeanwhile")
		return s.showGroupForm(wk, ld, ld.roles, form, local)
	case kit.IsFormError(err):
		wk.Status = kit.FormStatus(err)
		return s.showGroupForm(wk, ld, ld.roles, form, kit.FromStatus(err, "focusGroup", fields, nil))
	}
	return err
}

// largestSeatGroup is the most seats any one role has in g.
func largestSeatGroup(g *focusgroupsv1.FocusGroup) int32 {
	var most int32
	for _, sg := range g.GetSeats() {
		most = max(most, sg.GetSeats())
	}
	return most
}
