// Package polls is the staff's poll pages: the tenant's flash polls and
// questionnaires, each with its live tally, the buttons that move it
// through its lifecycle and, for a panel's poll, the panel's invitation;
// and the poll builder, which creates a poll for a participation process,
// edits its draft and previews it as residents will see it (with
// gateway/web/pollform). They read and change the surveys service through
// Config.Surveys with the caller's identity, like the council workspace
// does with the councils service, and the service decides what is
// allowed and valid.
package polls

import (
	"embed"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/meedoen/meedoen/gateway/problem"
	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/pollform"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// Config is what the poll pages need.
type Config struct {
	// Surveys is the surveys service. Nil makes the pages say that the
	// service is unavailable.
	Surveys surveysv1.SurveysServiceClient
	// Councils is the councils service, whose processes a new poll is
	// for. Nil offers no process to make a poll for.
	Councils councilsv1.CouncilsServiceClient
	// Panels is the surveys service's panels, which a panel's poll
	// invites. Nil leaves the invitation off the poll's page.
	Panels surveysv1.PanelsServiceClient
}

// Pages serves the staff's poll pages.
type Pages struct {
	kit   *kit.Site
	cfg   Config
	staff *kit.Audience
	// liveEvery is how often a live tally asks the service, liveFor how
	// long one stream lasts; tests shorten them.
	liveEvery, liveFor time.Duration
}

//go:embed templates/*.html
var templates embed.FS

// New makes the pages and parses their templates into k.
func New(k *kit.Site, cfg Config) (*Pages, error) {
	s := &Pages{
		kit: k, cfg: cfg, liveEvery: defaultLiveEvery, liveFor: defaultLiveFor,
		staff: &kit.Audience{Visitors: kit.Staff, Service: "surveys", Errors: "error."},
	}
	if cfg.Surveys == nil {
		s.staff.Missing = "error.unconfigured"
	}
	if err := parsePages(k); err != nil {
		return nil, err
	}
	return s, nil
}

// Routes registers the pages on mux.
func (s *Pages) Routes(mux *http.ServeMux) {
	mux.Handle("GET /peilingen", s.page("polls", s.polls))
	mux.Handle("GET /peilingen/{id}", s.page("polldetail", s.pollDetail))
	mux.Handle("POST /peilingen/{id}/{action}", s.act("polldetail", s.pollAct))
	// Closing early and stopping ask first, on a page of their own
	// (confirm.go).
	mux.Handle("GET /peilingen/{id}/"+closeAction, s.page("polldetail", s.confirmCloseOrCancel(closeAction)))
	mux.Handle("GET /peilingen/{id}/"+cancelAction, s.page("polldetail", s.confirmCloseOrCancel(cancelAction)))
	mux.Handle("POST /peilingen/{id}/"+cancelAction, s.act("polldetail", s.cancelPoll))
	// The live tally's event stream is a web route: the gateway's API
	// rate limit does not apply to it.
	mux.Handle("GET /peilingen/{id}/live", s.kit.Handle(s.staff, "", s.liveTally, kit.Action(), kit.Stream()))
	// The poll builder (builder.go): a new poll, its draft's editor and
	// the preview of the resident's page. More specific than the
	// lifecycle's actions above, so these win.
	mux.Handle("GET /peilingen/nieuw", s.page("buildernew", s.newPoll))
	mux.Handle("POST /peilingen/nieuw", s.page("buildernew", s.createPoll))
	mux.Handle("GET /peilingen/{id}/bewerken", s.page("builder", s.editPoll))
	mux.Handle("POST /peilingen/{id}/bewerken", s.page("builder", s.saveDraft))
	mux.Handle("GET /peilingen/{id}/voorbeeld", s.page("builderpreview", s.previewPoll))
	mux.Handle("POST /peilingen/{id}/voorbeeld", s.page("builderpreview", s.previewPoll))
	mux.Handle("POST /peilingen/{id}/intrekken", s.act("polldetail", s.unschedulePoll))
	// The panel on a poll's page (panelinvite.go).
	mux.Handle("POST /peilingen/{id}"+pollInvitePath, s.act("polldetail", s.invitePanel))
	mux.Handle("POST /peilingen/{id}"+pollRemindPath, s.act("polldetail", s.remindPanel))
	mux.Handle("POST /peilingen/{id}"+pollReachPath, s.act("polldetail", s.reviewReach))
}

// parsePages parses the pages into k: the list and a poll's page; the
// builder's, with its own field templates beside the layout; and the
// preview, which wraps the resident's poll page (pollform's poll.html)
// unchanged in a banner.
func parsePages(k *kit.Site) error {
	for _, name := range []string{"polls", "polldetail", "pollconfirm"} {
		if err := k.Parse(name, templates, "templates/"+name+".html"); err != nil {
			return err
		}
	}
	for _, name := range []string{"buildernew", "builder"} {
		if err := k.Parse(name, templates, "templates/builderfields.html", "templates/"+name+".html"); err != nil {
			return err
		}
	}
	return k.ParseWith("builderpreview", func(t *template.Template) (*template.Template, error) {
		t, err := t.ParseFS(pollform.Templates, "templates/poll.html")
		if err != nil {
			return nil, err
		}
		// The poll page's content keeps its name "poll-content"; the
		// preview's content puts the banner above it.
		if _, err := t.AddParseTree("poll-content", t.Lookup("content").Tree.Copy()); err != nil {
			return nil, err
		}
		return t.ParseFS(templates, "templates/builderpreview.html")
	})
}

// pollWork is one request to a staff poll page.
type pollWork struct {
	*kit.Request
	api surveysv1.SurveysServiceClient
}

// page serves a staff poll page that people reach by its own URL.
func (s *Pages) page(name string, h func(pw *pollWork) error, opts ...kit.Option) http.Handler {
	return s.kit.Handle(s.staff, name, func(rq *kit.Request) error {
		return h(&pollWork{Request: rq, api: s.cfg.Surveys})
	}, opts...)
}

// act serves a POST that acts on the poll's page, one level up.
func (s *Pages) act(name string, h func(pw *pollWork) error) http.Handler {
	return s.page(name, h, kit.Action())
}

// pollsPage is the data of /peilingen.
type pollsPage struct {
	Polls []pollRow
	// Truncated reports that the tenant has more polls than the page
	// shows.
	Truncated bool
}

// pollRow is one poll in the list, and the heading of its own page.
type pollRow struct {
	ID        string
	URL       string
	Title     kit.Localized
	KindKey   string
	StatusKey string
	// Status is the status's value, for the badge's class.
	Status string
	Opens  string
	Closes string
	Shared bool
	// Participants names a shared poll's municipalities.
	Participants []string
}

// pollsPageSize is how many polls one call asks for.
const pollsPageSize = 100

// polls serves GET /peilingen.
func (s *Pages) polls(pw *pollWork) error {
	pw.View.TitleKey, pw.View.Subject = "polls.title", pw.View.Tenant.Name
	p := &pollsPage{}
	cursor := ""
	for i := range kit.MaxPages {
		resp, err := pw.api.ListPolls(pw.R.Context(), &surveysv1.ListPollsRequest{Tenant: pw.Tenant, Limit: pollsPageSize, Cursor: cursor})
		if err != nil {
			return err
		}
		for _, pl := range resp.GetPolls() {
			p.Polls = append(p.Polls, s.pollRow(pw, pl))
		}
		if cursor = resp.GetNextCursor(); cursor == "" {
			break
		}
		if i == kit.MaxPages-1 {
			p.Truncated = true
		}
	}
	pw.View.Page = p
	return nil
}

func (s *Pages) pollRow(pw *pollWork, pl *surveysv1.Poll) pollRow {
	st := kit.EnumValue(pl.GetStatus().String(), "POLL_STATUS_")
	row := pollRow{
		ID:        pl.GetId(),
		URL:       "/peilingen/" + url.PathEscape(pl.GetId()),
		Title:     kit.Localize(pl.GetTitle(), pw.View.Lang),
		KindKey:   "pollKind." + kit.EnumValue(pl.GetKind().String(), "POLL_KIND_"),
		StatusKey: "pollStatus." + st,
		Status:    st,
		Opens:     pw.Words.Moment(pl.GetOpensAt()),
		Closes:    pw.Words.Moment(pl.GetClosesAt()),
		Shared:    len(pl.GetParticipants()) > 0,
	}
	for _, m := range pl.GetParticipants() {
		row.Participants = append(row.Participants, s.kit.TenantName(m))
	}
	slices.Sort(row.Participants)
	return row
}

// pollDetailPage is the data of /peilingen/{id}.
type pollDetailPage struct {
	Poll         pollRow
	CancelReason string
	// Process is the participation process the poll serves: its page,
	// and its title when the councils service could tell.
	ProcessURL, ProcessTitle string
	Tally                    tallyView
	// LiveURL is the event stream of the tally; RefreshURL the page
	// itself, for browsers without JavaScript.
	LiveURL    string
	RefreshURL string
	// CanEdit offers the builder's editor, for a person who may do the
	// council's work on the poll; others may look at it.
	CanEdit bool
	// The lifecycle's actions that the poll's status and the person's
	// roles allow.
	CanSchedule, CanOpen, CanClose, CanCancel bool
	ActionURL                                 string
	// Errors are the service's objections to the last action.
	Errors []kit.FieldError
	// Panel invites the poll's panel; nil for a poll that is not for a
	// panel or takes no invitations (panelinvite.go).
	Panel *pollPanelView
	// Downloads are the responses as files, for the council's analysis;
	// PublicDownloads the files fit to leave the council. None for a draft.
	Downloads, PublicDownloads []download
}

// download is a link to a file of a poll's responses (the API's export,
// which the session cookie authorises).
type download struct {
	Label, URL string
}

// downloads returns the links to poll id's responses as files, headings
// and labels in lang.
func downloads(id, lang string, public bool) []download {
	base := "/api/v1/polls/" + url.PathEscape(id) + "/responses?language=" + url.QueryEscape(lang)
	if public {
		base += "&public=true"
	}
	return []download{
		{Label: "export.xlsx", URL: base + "&format=xlsx"},
		{Label: "export.csvDutch", URL: base + "&format=csv&separator=semicolon"},
		{Label: "export.csv", URL: base + "&format=csv"},
		{Label: "export.json", URL: base + "&format=json"},
	}
}

// pollDetail serves GET /peilingen/{id}.
func (s *Pages) pollDetail(pw *pollWork) error {
	pw.pollDone()
	return s.showPollDetail(pw, pollID(pw.R), nil)
}

// pollID is the poll the URL names.
func pollID(r *http.Request) string { return r.PathValue("id") }

// showPollDetail fills in the poll's page, with errs from an action that
// the service refused.
func (s *Pages) showPollDetail(pw *pollWork, id string, errs []kit.FieldError) error {
	ctx := pw.R.Context()
	pl, err := pw.api.GetPoll(ctx, &surveysv1.GetPollRequest{Id: id})
	if err != nil {
		return err
	}
	if !s.inTenant(pw, pl) {
		// Another tenant's poll: the switcher chose where the person
		// works, and this poll is not part of it.
		return problem.Error(problem.NotFound, "poll of another tenant")
	}
	tally, err := pw.api.GetTally(ctx, &surveysv1.GetTallyRequest{PollId: id, TextLimit: tallyTextLimit})
	if err != nil {
		return err
	}
	row := s.pollRow(pw, pl)
	pw.View.TitleKey, pw.View.Subject = "pollpage.title", row.Title.S
	base := "/peilingen/" + url.PathEscape(pl.GetId())
	st := pl.GetStatus()
	// Only the steps the person may take are offered (the service
	// decides again).
	work := pw.mayWork(pl)
	p := &pollDetailPage{
		Poll:         row,
		CancelReason: pl.GetCancelReason(),
		Tally:        s.tallyView(pw.View.Lang, pl, tally),
		LiveURL:      base + "/live",
		RefreshURL:   base,
		ActionURL:    base,
		CanEdit:      work,
		CanSchedule:  work && st == surveysv1.PollStatus_POLL_STATUS_DRAFT,
		CanOpen:      work && st == surveysv1.PollStatus_POLL_STATUS_SCHEDULED,
		CanClose:     work && slices.Contains(confirmable[closeAction], st),
		CanCancel:    work && slices.Contains(confirmable[cancelAction], st),
		Errors:       errs,
	}
	if id := pl.GetProcessId(); id != "" {
		p.ProcessURL, p.ProcessTitle = "/trajecten/"+url.PathEscape(id), s.processTitle(pw, id)
	}
	if work {
		p.Panel = s.pollPanel(pw, pl)
	}
	if st != surveysv1.PollStatus_POLL_STATUS_DRAFT {
		p.Downloads, p.PublicDownloads = downloads(pl.GetId(), pw.View.Lang, false), downloads(pl.GetId(), pw.View.Lang, true)
	}
	pw.View.HasErrors = len(errs) > 0
	pw.Script = st == surveysv1.PollStatus_POLL_STATUS_OPEN
	pw.View.Page = p
	return nil
}

// processTitle is the title of the process with id, or "" when the
// councils service cannot tell (the page then names it without one).
func (s *Pages) processTitle(pw *pollWork, id string) string {
	if s.cfg.Councils == nil {
		return ""
	}
	pr, err := s.cfg.Councils.GetProcess(pw.R.Context(), &councilsv1.GetProcessRequest{Id: id})
	if err != nil {
		return ""
	}
	return pr.GetTitle()
}

// tallyTextLimit is how many free texts per question the page shows.
const tallyTextLimit = 20

// pollAction is one lifecycle button: the RPC it calls and the success
// message it ends with.
type pollAction struct {
	done string
	call func(pw *pollWork, id string) error
}

// pollActions are the lifecycle's actions by the last part of their URL.
var pollActions = map[string]pollAction{
	"plannen": {done: "gepland", call: func(pw *pollWork, id string) error {
		_, err := pw.api.SchedulePoll(pw.R.Context(), &surveysv1.SchedulePollRequest{Id: id})
		return err
	}},
	"openen": {done: "geopend", call: func(pw *pollWork, id string) error {
		_, err := pw.api.OpenPoll(pw.R.Context(), &surveysv1.OpenPollRequest{Id: id})
		return err
	}},
	"sluiten": {done: "gesloten", call: func(pw *pollWork, id string) error {
		_, err := pw.api.ClosePoll(pw.R.Context(), &surveysv1.ClosePollRequest{Id: id})
		return err
	}},
	cancelAction: {done: "gestopt", call: func(pw *pollWork, id string) error {
		_, err := pw.api.CancelPoll(pw.R.Context(), &surveysv1.CancelPollRequest{Id: id, Reason: strings.TrimSpace(pw.R.PostFormValue("reden"))})
		return err
	}},
}

// pollAct serves POST /peilingen/{id}/{action}: it calls the service and
// returns to the poll, or shows the poll again with the objection.
func (s *Pages) pollAct(pw *pollWork) error { return s.runAction(pw, pw.R.PathValue("action")) }

// runAction takes the lifecycle step named by the last part of its URL.
func (s *Pages) runAction(pw *pollWork, name string) error {
	id := pollID(pw.R)
	a, ok := pollActions[name]
	if !ok {
		return problem.Error(problem.NotFound, "no such action")
	}
	err := a.call(pw, id)
	switch {
	case err == nil:
		pw.Redirect = kit.WithDone("/peilingen/"+url.PathEscape(id), a.done)
		return nil
	case problem.Of(err) == problem.Forbidden:
		pw.Status = http.StatusForbidden
		return s.showPollDetail(pw, id, []kit.FieldError{{Key: "pollpage.action.forbidden"}})
	case kit.IsFormError(err):
		pw.Status = kit.FormStatus(err)
		return s.showPollDetail(pw, id, s.pollActionErrors(err, pw.Words))
	default:
		return err
	}
}

// actionLabels name, by the first part of its path, what an unmet
// condition of a poll action concerns.
var actionLabels = map[string]string{
	"/sections":       "builder.questions.heading",
	"/opensAt":        "builder.field.opensAt",
	"/closesAt":       "builder.field.closesAt",
	"/audience":       "builder.field.audience",
	"/slug":           "builder.field.slug",
	"/resultsSharing": "builder.field.resultsSharing",
	"/title":          "builder.field.title",
}

// pollActionErrors puts the service's refusal of a poll action in the
// page's words where it can: each unmet condition after the name of what
// it concerns, and a status that changed meanwhile (another person, the
// schedule) as such; the service's own words otherwise.
func (s *Pages) pollActionErrors(err error, w kit.Words) []kit.FieldError {
	ph := phrasing{w}
	var out []kit.FieldError
	changed := false
	for _, v := range problem.Violations(err) {
		if !v.Condition {
			continue
		}
		if v.Field == "/status" {
			if !changed {
				out = append(out, kit.FieldError{Key: "pollpage.action.statusChanged"})
				changed = true
			}
			continue
		}
		fe := ph.builderReason(v.Reason)
		first, _, _ := strings.Cut(strings.TrimPrefix(v.Field, "/"), "/")
		fe.LabelKey = actionLabels["/"+first]
		out = append(out, fe)
	}
	if len(out) == 0 {
		out = append(out, kit.Explain(problem.Message(err)))
	}
	return out
}

// pollDone shows the success message a lifecycle redirect asks for.
func (pw *pollWork) pollDone() { pw.Done("done.poll.", pollDoneKeys...) }

// pollDoneKeys are the lifecycle's success messages, each
// "done.poll.<key>" in the catalogue.
var pollDoneKeys = []string{"gepland", "geopend", "gesloten", "gestopt"}
