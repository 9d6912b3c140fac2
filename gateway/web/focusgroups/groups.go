package focusgroups

import (
	"net/http"
	"net/url"
	"strings"

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
	Members                     int32
	Seats                       int32
	PlannedSessions             int32
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
		resp, err := wk.api.ListFocusGroups(wk.Context(), &focusgroupsv1.ListFocusGroupsRequest{Tenant: wk.Tenant, Limit: groupsPageSize, Cursor: cursor})
		if err != nil {
			return err
		}
		for _, g := range resp.GetFocusGroups() {
			row := groupRow{
				URL:             groupURL(g.GetId()),
				Name:            g.GetName(),
				Theme:           nameOr(themes, g.GetTheme()),
				StatusKey:       groupStatusKey(g.GetStatus()),
				Seats:           totalSeats(g),
				PlannedSessions: g.GetPlannedSessions(),
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

// groupNewPage is the data of /focusgroepen/nieuw.
type groupNewPage struct {
	Action      string
	Fields      []field
	Seats       []field
	SeatsErrors []kit.FieldError
	Total       field
	Errors      *kit.FormErrors
	NoProcesses bool
}

// Fields of the new group's form.
const (
	fProcess  = "traject"
	fName     = "naam"
	fPurpose  = "doel"
	fPlanned  = "bijeenkomsten"
	fSeats    = "zetels"
	fTotal    = "totaal"
	seatsFor  = "zetels-" // + role key: that role's seats
	maxSeats  = 500
	maxPlaned = 50
)

// groupFields maps CreateFocusGroup's body to the form.
func groupFields(rs roleSet) []kit.FormField {
	fs := []kit.FormField{
		{Path: "/processId", Name: fProcess, Anchor: fProcess, LabelKey: "fg.new.process"},
		{Path: "/name", Name: fName, Anchor: fName, LabelKey: "fg.new.name"},
		{Path: "/purpose", Name: fPurpose, Anchor: fPurpose, LabelKey: "fg.new.purpose"},
		{Path: "/plannedSessions", Name: fPlanned, Anchor: fPlanned, LabelKey: "fg.new.planned"},
	}
	first := fSeats
	if len(rs.list) > 0 {
		first = seatsFor + rs.list[0].GetKey()
	}
	fs = append(fs, kit.FormField{Path: "/seats", Name: fSeats, Anchor: first, LabelKey: "fg.new.seats"})
	for _, r := range rs.list {
		// The service names seat groups by index, never by role: these
		// paths are the form's own.
		id := seatsFor + r.GetKey()
		fs = append(fs, kit.FormField{Path: "/seats/" + r.GetKey(), Name: id, Anchor: id, Label: roleLabel(r, rs.lang)})
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
	return s.showNewGroup(wk, url.Values{fProcess: {wk.R.URL.Query().Get(fProcess)}}, nil)
}

// showNewGroup shows the new group's form with values and the errors errs
// makes of the form's fields.
func (s *Pages) showNewGroup(wk *work, values url.Values, errs func([]kit.FormField) *kit.FormErrors) error {
	wk.View.TitleKey = "fg.new.title"
	rs, err := wk.listRoles(wk.Tenant)
	if err != nil {
		return err
	}
	procs, err := s.processes(wk)
	if err != nil {
		return err
	}
	p := &groupNewPage{Action: "/focusgroepen/nieuw", Errors: &kit.FormErrors{}, NoProcesses: len(procs) == 0}
	if errs != nil {
		p.Errors = errs(groupFields(rs))
	}
	process := field{ID: fProcess, Kind: "select", Label: wk.Words.Text("fg.new.process"), Hint: wk.Words.Text("fg.new.process.hint")}
	process.Options = append(process.Options, kit.Choice{Value: "", LabelKey: "fg.new.process.choose"})
	for _, pr := range procs {
		process.Options = append(process.Options, kit.Choice{Value: pr.GetId(), Label: pr.GetTitle(), Selected: pr.GetId() == values.Get(fProcess)})
	}
	p.Fields = withErrors([]field{
		process,
		{ID: fName, Label: wk.Words.Text("fg.new.name"), Hint: wk.Words.Text("fg.new.name.hint"), Value: values.Get(fName)},
		{ID: fPurpose, Kind: "textarea", Rows: 4, Label: wk.Words.Text("fg.new.purpose"), Value: values.Get(fPurpose), Optional: true},
		{ID: fPlanned, Type: "number", Mode: "numeric", Min: "0", Max: "50", Label: wk.Words.Text("fg.new.planned"), Hint: wk.Words.Text("fg.new.planned.hint"), Value: values.Get(fPlanned), Optional: true},
	}, p.Errors)
	for _, r := range rs.list {
		id := seatsFor + r.GetKey()
		p.Seats = append(p.Seats, field{ID: id, Type: "number", Mode: "numeric", Min: "0", Max: "500", Label: roleLabel(r, wk.Lang()), Value: values.Get(id), Errors: p.Errors.For(id)})
	}
	p.SeatsErrors = p.Errors.For(fSeats)
	p.Total = field{ID: fTotal, Type: "number", Mode: "numeric", Min: "0", Max: "500", Label: wk.Words.Text("fg.new.total"), Hint: wk.Words.Text("fg.new.total.hint"), Value: values.Get(fTotal), Optional: true, Errors: p.Errors.For(fTotal)}
	wk.View.HasErrors = p.Errors.Any()
	wk.View.Page = p
	return nil
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
	fields := groupFields(rs)
	local := &kit.FormErrors{}
	g := &focusgroupsv1.FocusGroup{
		ProcessId: form.Get(fProcess),
		Name:      strings.TrimSpace(form.Get(fName)),
		Purpose:   strings.TrimSpace(form.Get(fPurpose)),
	}
	if g.ProcessId == "" {
		local.Invalid(fields, fProcess, "fg.error.process")
	}
	if g.Name == "" {
		local.Invalid(fields, fName, "form.error.required")
	}
	if n, ok := atoi(form.Get(fPlanned)); !ok || n < 0 || n > maxPlaned {
		local.Invalid(fields, fPlanned, "fg.error.planned")
	} else {
		g.PlannedSessions = n
	}
	var sum int32
	for _, r := range rs.list {
		id := seatsFor + r.GetKey()
		n, ok := atoi(form.Get(id))
		if !ok || n < 0 || n > maxSeats {
			local.Invalid(fields, id, "fg.error.seats")
			continue
		}
		if n > 0 {
			g.Seats = append(g.Seats, &focusgroupsv1.SeatGroup{Roles: []string{r.GetKey()}, Seats: n})
			sum += n
		}
	}
	if n, ok := atoi(form.Get(fTotal)); !ok || n < 0 || n > maxSeats {
		local.Invalid(fields, fTotal, "fg.error.total")
	} else if n > 0 && n < largestSeatGroup(g) {
		local.Invalid(fields, fTotal, "fg.error.totalSmall")
	} else {
		g.TotalSeats = n
	}
	again := func(st int, errs func([]kit.FormField) *kit.FormErrors) error {
		wk.Status = st
		return s.showNewGroup(wk, form, errs)
	}
	if local.Any() {
		return again(http.StatusUnprocessableEntity, func([]kit.FormField) *kit.FormErrors { return local })
	}
	created, err := wk.api.CreateFocusGroup(wk.Context(), &focusgroupsv1.CreateFocusGroupRequest{FocusGroup: g})
	switch {
	case err == nil:
		wk.Redirect = kit.WithDone(groupURL(created.GetId()), "gevormd")
		return nil
	case problem.Of(err) == problem.Forbidden:
		return again(http.StatusForbidden, func(fields []kit.FormField) *kit.FormErrors {
			errs := &kit.FormErrors{}
			errs.Invalid(fields, fProcess, "fg.error.forbidden")
			return errs
		})
	case kit.IsFormError(err):
		return again(kit.FormStatus(err), func(fields []kit.FormField) *kit.FormErrors {
			return kit.FromStatus(err, "focusGroup", fields, nil)
		})
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
