// Package focusgroups is the focus groups' pages: for staff (council
// members and policy officers, logged in) the council's groups, forming
// one for a process, a group with its members by role, seats, sessions,
// answers and per-role waitlists, the attendance sheet and its printable
// list, and the findings editor with the consent of each quote; and for
// members (residents, through the links mailed to them, without a login)
// the invitation, their page with the sessions, a session with their
// answer and access needs, the calendar file and feed, and leaving the
// group.
//
// Staff pages call the focus groups service with the person's identity,
// which the service authorises; members' pages call it with none and a
// token from the link instead. The service decides what is valid; the
// pages check only what they must read themselves (a time, a number, a
// choice) and then send nothing until it reads.
package focusgroups

import (
	"embed"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/meedoen/meedoen/gateway/problem"
	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/internal/resident"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	focusgroupsv1 "github.com/meedoen/meedoen/proto/meedoen/focusgroups/v1"
)

// Config is what the focus groups' pages need.
type Config struct {
	// FocusGroups is the staff's side of the focus groups service. Nil
	// makes the staff's pages say that focus groups are unavailable.
	FocusGroups focusgroupsv1.FocusGroupsServiceClient
	// Links is the members' side of the service, reached with the tokens
	// of the links mailed to them. Nil makes the members' pages say that
	// focus groups are unavailable.
	Links focusgroupsv1.MemberLinksServiceClient
	// Councils is the councils service, whose processes a new group is
	// for. Nil offers no process to form a group for.
	Councils councilsv1.CouncilsServiceClient
}

// Pages serves the focus groups' pages.
type Pages struct {
	kit     *kit.Site
	cfg     Config
	staff   *kit.Audience
	members *kit.Audience
}

//go:embed templates/*.html
var templates embed.FS

// pageNames are the templates, each a page of its own beside the shared
// fields.
var pageNames = []string{
	// staff
	"groups", "groupnew", "group", "invite", "memberadd", "sessionform", "session",
	"sessioncancel", "promote", "attendance", "attendanceprint", "findings", "findingform",
	"findingagree", "findingquotes", "confirm", "published", "memberdetail", "onbehalf",
	// members
	"invitation", "member", "membersession", "memberfeed", "memberleave", "membernotice",
}

// funcs are the pages' own template functions.
var funcs = template.FuncMap{
	// fact pairs a label with its value for the "fg-fact" template.
	"fact": func(key, value string) [2]string { return [2]string{key, value} },
}

// New makes the pages and parses their templates into k.
func New(k *kit.Site, cfg Config) (*Pages, error) {
	s := &Pages{
		kit:   k,
		cfg:   cfg,
		staff: &kit.Audience{Visitors: kit.Staff, Service: "focusgroups", Errors: "error."},
		members: &kit.Audience{
			Visitors: kit.Residents,
			Service:  "focusgroups",
			Errors:   "error.fg.",
			Shown: map[problem.Kind]func(*kit.Request){
				problem.NotFound: showLinkNotFound,
				// A token the service refuses to read leads nowhere
				// either.
				problem.Invalid: showLinkNotFound,
			},
		},
	}
	if cfg.FocusGroups == nil {
		s.staff.Missing = "error.fg.staffUnconfigured"
	}
	if cfg.Links == nil {
		s.members.Missing = "error.fg.unconfigured"
	}
	for _, name := range pageNames {
		err := k.ParseWith(name, func(layout *template.Template) (*template.Template, error) {
			return layout.Funcs(funcs).ParseFS(templates, "templates/fields.html", "templates/"+name+".html")
		})
		if err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Routes registers the pages on mux. The staff's pages live under
// /focusgroepen, the members' under /focusgroep, at the paths the
// service's mails link to.
func (s *Pages) Routes(mux *http.ServeMux) {
	mux.Handle("GET /focusgroepen", s.page("groups", s.groups))
	mux.Handle("GET /focusgroepen/nieuw", s.page("groupnew", s.newGroup))
	mux.Handle("POST /focusgroepen/nieuw", s.page("groupnew", s.createGroup))
	mux.Handle("GET /focusgroepen/{id}", s.page("group", s.group))
	mux.Handle("GET /focusgroepen/{id}/bewerken", s.page("groupnew", s.editGroup))
	mux.Handle("POST /focusgroepen/{id}/bewerken", s.page("groupnew", s.updateGroup))
	mux.Handle("GET /focusgroepen/{id}/afronden", s.page("confirm", s.concludeForm))
	mux.Handle("POST /focusgroepen/{id}/afronden", s.page("confirm", s.conclude))
	mux.Handle("GET /focusgroepen/{id}/opheffen", s.page("confirm", s.dissolveForm))
	mux.Handle("POST /focusgroepen/{id}/opheffen", s.page("confirm", s.dissolve))
	mux.Handle("GET /focusgroepen/{id}/leden/{mid}", s.page("memberdetail", s.memberDetail))
	mux.Handle("GET /focusgroepen/{id}/leden/{mid}/gegevens", s.page("memberdetail", s.exportMember))
	mux.Handle("GET /focusgroepen/{id}/leden/{mid}/wissen", s.page("confirm", s.eraseForm))
	mux.Handle("POST /focusgroepen/{id}/leden/{mid}/wissen", s.page("confirm", s.erase))
	mux.Handle("GET /focusgroepen/{id}/leden/{mid}/verwijderen", s.page("confirm", s.removeForm))
	mux.Handle("POST /focusgroepen/{id}/leden/{mid}/verwijderen", s.page("confirm", s.remove))
	mux.Handle("GET /focusgroepen/{id}/uitnodigen", s.page("invite", s.inviteForm))
	mux.Handle("POST /focusgroepen/{id}/uitnodigen", s.page("invite", s.invite))
	mux.Handle("GET /focusgroepen/{id}/leden/nieuw", s.page("memberadd", s.memberForm))
	mux.Handle("POST /focusgroepen/{id}/leden/nieuw", s.page("memberadd", s.addMember))

	mux.Handle("GET /focusgroepen/{id}/bijeenkomsten/nieuw", s.page("sessionform", s.newSession))
	mux.Handle("POST /focusgroepen/{id}/bijeenkomsten/nieuw", s.page("sessionform", s.scheduleSession))
	mux.Handle("GET /focusgroepen/{id}/bijeenkomsten/{sid}", s.page("session", s.session))
	mux.Handle("GET /focusgroepen/{id}/bijeenkomsten/{sid}/bewerken", s.page("sessionform", s.editSession))
	mux.Handle("POST /focusgroepen/{id}/bijeenkomsten/{sid}/bewerken", s.page("sessionform", s.updateSession))
	mux.Handle("GET /focusgroepen/{id}/bijeenkomsten/{sid}/afzeggen", s.page("sessioncancel", s.cancelForm))
	mux.Handle("POST /focusgroepen/{id}/bijeenkomsten/{sid}/afzeggen", s.page("sessioncancel", s.cancelSession))
	mux.Handle("GET /focusgroepen/{id}/bijeenkomsten/{sid}/wachtlijst/{mid}", s.page("promote", s.promoteForm))
	mux.Handle("POST /focusgroepen/{id}/bijeenkomsten/{sid}/wachtlijst/{mid}", s.page("promote", s.promote))
	mux.Handle("GET /focusgroepen/{id}/bijeenkomsten/{sid}/antwoorden/{mid}", s.page("onbehalf", s.onBehalfForm))
	mux.Handle("POST /focusgroepen/{id}/bijeenkomsten/{sid}/antwoorden/{mid}", s.page("onbehalf", s.setOnBehalf))
	mux.Handle("GET /focusgroepen/{id}/bijeenkomsten/{sid}/aanwezigheid", s.page("attendance", s.attendance))
	mux.Handle("POST /focusgroepen/{id}/bijeenkomsten/{sid}/aanwezigheid", s.page("attendance", s.recordAttendance))
	mux.Handle("POST /focusgroepen/{id}/bijeenkomsten/{sid}/gehouden", s.page("attendance", s.completeSession))
	mux.Handle("GET /focusgroepen/{id}/bijeenkomsten/{sid}/presentielijst", s.page("attendanceprint", s.attendancePrint))

	mux.Handle("GET /focusgroepen/{id}/bevindingen", s.page("findings", s.findings))
	mux.Handle("GET /focusgroepen/{id}/bevindingen/gepubliceerd", s.page("published", s.published))
	mux.Handle("GET /focusgroepen/{id}/bevindingen/nieuw", s.page("findingform", s.newFinding))
	mux.Handle("POST /focusgroepen/{id}/bevindingen/nieuw", s.page("findingform", s.createFinding))
	mux.Handle("GET /focusgroepen/{id}/bevindingen/{fid}", s.page("findingform", s.editFinding))
	mux.Handle("POST /focusgroepen/{id}/bevindingen/{fid}", s.page("findingform", s.updateFinding))
	mux.Handle("GET /focusgroepen/{id}/bevindingen/{fid}/akkoord", s.page("findingagree", s.agreeForm))
	mux.Handle("POST /focusgroepen/{id}/bevindingen/{fid}/akkoord", s.page("findingagree", s.agree))

	// The members' links. The invitation's and the feed's paths are more
	// specific than a member link's pages beside them, so they win.
	mux.Handle("GET /focusgroep/uitnodiging/{token}", s.member(s.invitation))
	mux.Handle("POST /focusgroep/uitnodiging/{token}", s.member(s.acceptInvitation))
	mux.Handle("GET /focusgroep/agenda/{file}", s.member(s.calendarFeed))
	mux.Handle("GET /focusgroep/{token}", s.member(s.memberPage))
	mux.Handle("GET /focusgroep/{token}/{action}", s.member(s.memberAction))
	mux.Handle("POST /focusgroep/{token}/{action}", s.member(s.memberAction))
	mux.Handle("GET /focusgroep/{token}/bijeenkomsten/{sid}", s.member(s.memberSession))
	mux.Handle("POST /focusgroep/{token}/bijeenkomsten/{sid}", s.member(s.respond))
	mux.Handle("GET /focusgroep/{token}/bijeenkomsten/{sid}/agenda.ics", s.member(s.sessionCalendar))
}

// work is one request to a staff page.
type work struct {
	*kit.Request
	api focusgroupsv1.FocusGroupsServiceClient
}

// page serves a staff page.
func (s *Pages) page(name string, h func(wk *work) error) http.Handler {
	return s.kit.Handle(s.staff, name, func(rq *kit.Request) error {
		return h(&work{Request: rq, api: s.cfg.FocusGroups})
	})
}

// visit is one request to a member's page.
type visit struct {
	*kit.Request
	api focusgroupsv1.MemberLinksServiceClient
	// token is the link's token: an invitation's, a member's or a feed's.
	token string
}

// member serves a member's page: a path whose token cannot be one (the
// service's links carry internal/resident's tokens) leads to the notice
// that the link does not work, before the service is asked.
func (s *Pages) member(h func(v *visit) error) http.Handler {
	check := func(rq *kit.Request) error {
		if resident.CheckInvitationToken(linkToken(rq.R)) != nil {
			return problem.Error(problem.NotFound, "no focus group link")
		}
		return nil
	}
	return s.kit.Handle(s.members, "membernotice", func(rq *kit.Request) error {
		return h(&visit{Request: rq, api: s.cfg.Links, token: linkToken(rq.R)})
	}, kit.Check(check))
}

// linkToken is the token in a member's path: the feed's file name without
// ".ics", or the token segment.
func linkToken(r *http.Request) string {
	if f := r.PathValue("file"); f != "" {
		tok, ok := strings.CutSuffix(f, ".ics")
		if !ok {
			return ""
		}
		return tok
	}
	return r.PathValue("token")
}

// showLinkNotFound answers a link that leads to no invitation or member:
// mistyped, used already, or the member left.
func showLinkNotFound(rq *kit.Request) {
	rq.View.TitleKey = "fgm.notfound.title"
	rq.View.Page = noticePage{Key: "fgm.notfound"}
	rq.Page = "membernotice"
	rq.Status = http.StatusNotFound
}

// noticePage is the data of a member's notice: the catalogue prefix of
// its heading and text, and where to go on.
type noticePage struct {
	Key     string
	Group   string
	BackURL string
}

// Paths of the staff's pages.
func groupURL(id string) string { return "/focusgroepen/" + url.PathEscape(id) }

func sessionURL(groupID, sessionID string) string {
	return groupURL(groupID) + "/bijeenkomsten/" + url.PathEscape(sessionID)
}

func findingsURL(groupID string) string { return groupURL(groupID) + "/bevindingen" }

// Paths of a member's pages.
func memberURL(token string) string { return "/focusgroep/" + url.PathEscape(token) }

func memberSessionURL(token, sessionID string) string {
	return memberURL(token) + "/bijeenkomsten/" + url.PathEscape(sessionID)
}
