package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/meedoen/meedoen/internal/auth"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// The staff's poll pages: the tenant's flash polls and questionnaires, each
// with its live tally and the buttons that move it through its lifecycle.
// They read and change the surveys service through Config.Surveys with the
// caller's identity, like the council workspace does with the councils
// service.

// pollWork is one request to a staff poll page.
type pollWork struct {
	r      *http.Request
	v      *view
	id     auth.Identity
	tenant string
	api    surveysv1.SurveysServiceClient
	words  words

	status   int
	redirect string
	// live marks a page that loads static/live.js, which needs the
	// policy to allow our own scripts and connections.
	live bool
}

// pollWorkFunc fills in a staff poll page, or fails.
type pollWorkFunc func(pw *pollWork) error

// staffPolls serves a staff poll page with the named template, the way
// workspace does for the councils service: anonymous visitors log in and
// come back to back(r), and a failed call becomes an error page.
func (s *Site) staffPolls(name string, back func(*http.Request) string, h pollWorkFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ok := auth.FromContext(r.Context())
		if !ok {
			s.loginFirst(w, r, back(r))
			return
		}
		pagePath := r.URL.Path
		if r.Method == http.MethodPost {
			pagePath, _, _ = strings.Cut(back(r), "?")
		}
		v := s.newView(w, r, pagePath)
		if v.Tenant.Code == "" {
			s.renderError(w, r, v, http.StatusForbidden, "error.notenant")
			return
		}
		if r.Method == http.MethodPost {
			if err := parseForm(w, r); err != nil {
				s.renderError(w, r, v, http.StatusBadRequest, "error.badform")
				return
			}
		}
		if s.cfg.Surveys == nil {
			s.renderError(w, r, v, http.StatusServiceUnavailable, "error.unconfigured")
			return
		}
		pw := &pollWork{
			r: r, v: v, id: id, tenant: v.Tenant.Code, api: s.cfg.Surveys,
			words: s.words(v.Lang), status: http.StatusOK,
		}
		if err := h(pw); err != nil {
			s.fail(w, r, v, err)
			return
		}
		if pw.redirect != "" {
			http.Redirect(w, r, pw.redirect, http.StatusSeeOther)
			return
		}
		if v.TenantRefused && pw.status == http.StatusOK {
			pw.status = http.StatusForbidden
		}
		if pw.live {
			w.Header().Set("Content-Security-Policy", s.policy()+livePolicy)
		}
		s.render(w, r, name, pw.status, v)
	})
}

// livePolicy is what the live tally adds to the site's policy: our own
// script, and its connection to the event stream.
const livePolicy = "; script-src 'self'; connect-src 'self'"

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
	Title     ltext
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
func (s *Site) polls(pw *pollWork) error {
	pw.v.TitleKey = "polls.title"
	p := &pollsPage{}
	cursor := ""
	for i := range maxPages {
		resp, err := pw.api.ListPolls(pw.r.Context(), &surveysv1.ListPollsRequest{Tenant: pw.tenant, Limit: pollsPageSize, Cursor: cursor})
		if err != nil {
			return err
		}
		for _, pl := range resp.GetPolls() {
			p.Polls = append(p.Polls, s.pollRow(pw, pl))
		}
		if cursor = resp.GetNextCursor(); cursor == "" {
			break
		}
		if i == maxPages-1 {
			p.Truncated = true
		}
	}
	pw.v.Page = p
	return nil
}

func (s *Site) pollRow(pw *pollWork, pl *surveysv1.Poll) pollRow {
	st := enumValue(pl.GetStatus().String(), "POLL_STATUS_")
	row := pollRow{
		ID:        pl.GetId(),
		URL:       "/peilingen/" + url.PathEscape(pl.GetId()),
		Title:     localText(pl.GetTitle(), pw.v.Lang),
		KindKey:   "pollKind." + enumValue(pl.GetKind().String(), "POLL_KIND_"),
		StatusKey: "pollStatus." + st,
		Status:    st,
		Opens:     pw.words.moment(pl.GetOpensAt()),
		Closes:    pw.words.moment(pl.GetClosesAt()),
		Shared:    len(pl.GetParticipants()) > 0,
	}
	for _, m := range pl.GetParticipants() {
		row.Participants = append(row.Participants, s.tenantName(m))
	}
	slices.Sort(row.Participants)
	return row
}

// pollDetailPage is the data of /peilingen/{id}.
type pollDetailPage struct {
	Poll         pollRow
	CancelReason string
	Tally        tallyView
	// LiveURL is the event stream of the tally; RefreshURL the page
	// itself, for browsers without JavaScript.
	LiveURL    string
	RefreshURL string
	// The lifecycle's actions that the poll's status allows.
	CanSchedule, CanOpen, CanClose, CanCancel bool
	ActionURL                                 string
	// Errors are the service's objections to the last action.
	Errors []fieldError
	// Reason is the cancellation reason typed, kept after an error.
	Reason string
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
func (s *Site) pollDetail(pw *pollWork) error {
	pw.pollDone()
	return s.showPollDetail(pw, pollID(pw.r), nil, "")
}

// pollID is the poll the URL names.
func pollID(r *http.Request) string { return r.PathValue("id") }

// showPollDetail fills in the poll's page, with errs from an action that
// the service refused.
func (s *Site) showPollDetail(pw *pollWork, id string, errs []fieldError, reason string) error {
	ctx := pw.r.Context()
	pl, err := pw.api.GetPoll(ctx, &surveysv1.GetPollRequest{Id: id})
	if err != nil {
		return err
	}
	if pl.GetTenant() != pw.tenant && !slices.Contains(pl.GetParticipants(), pw.tenant) {
		// Another tenant's poll: the switcher chose where the person
		// works, and this poll is not part of it.
		return status.Error(codes.NotFound, "poll of another tenant")
	}
	tally, err := pw.api.GetTally(ctx, &surveysv1.GetTallyRequest{PollId: id, TextLimit: tallyTextLimit})
	if err != nil {
		return err
	}
	row := s.pollRow(pw, pl)
	pw.v.Title = row.Title.S
	base := "/peilingen/" + url.PathEscape(pl.GetId())
	st := pl.GetStatus()
	p := &pollDetailPage{
		Poll:         row,
		CancelReason: pl.GetCancelReason(),
		Tally:        s.tallyView(pw.v.Lang, pl, tally),
		LiveURL:      base + "/live",
		RefreshURL:   base,
		ActionURL:    base,
		CanSchedule:  st == surveysv1.PollStatus_POLL_STATUS_DRAFT,
		CanOpen:      st == surveysv1.PollStatus_POLL_STATUS_SCHEDULED,
		CanClose:     st == surveysv1.PollStatus_POLL_STATUS_OPEN,
		CanCancel: st == surveysv1.PollStatus_POLL_STATUS_DRAFT || st == surveysv1.PollStatus_POLL_STATUS_SCHEDULED ||
			st == surveysv1.PollStatus_POLL_STATUS_OPEN,
		Errors: errs,
		Reason: reason,
		Panel:  s.pollPanel(pw, pl),
	}
	if st != surveysv1.PollStatus_POLL_STATUS_DRAFT {
		p.Downloads, p.PublicDownloads = downloads(pl.GetId(), pw.v.Lang, false), downloads(pl.GetId(), pw.v.Lang, true)
	}
	pw.v.HasErrors = len(errs) > 0
	pw.live = st == surveysv1.PollStatus_POLL_STATUS_OPEN
	pw.v.Page = p
	return nil
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
		_, err := pw.api.SchedulePoll(pw.r.Context(), &surveysv1.SchedulePollRequest{Id: id})
		return err
	}},
	"openen": {done: "geopend", call: func(pw *pollWork, id string) error {
		_, err := pw.api.OpenPoll(pw.r.Context(), &surveysv1.OpenPollRequest{Id: id})
		return err
	}},
	"sluiten": {done: "gesloten", call: func(pw *pollWork, id string) error {
		_, err := pw.api.ClosePoll(pw.r.Context(), &surveysv1.ClosePollRequest{Id: id})
		return err
	}},
	"annuleren": {done: "geannuleerd", call: func(pw *pollWork, id string) error {
		_, err := pw.api.CancelPoll(pw.r.Context(), &surveysv1.CancelPollRequest{Id: id, Reason: strings.TrimSpace(pw.r.PostFormValue("reden"))})
		return err
	}},
}

// pollAct serves POST /peilingen/{id}/{action}: it calls the service and
// returns to the poll, or shows the poll again with the objection.
func (s *Site) pollAct(pw *pollWork) error {
	id := pollID(pw.r)
	a, ok := pollActions[pw.r.PathValue("action")]
	if !ok {
		return status.Error(codes.NotFound, "no such action")
	}
	reason := strings.TrimSpace(pw.r.PostFormValue("reden"))
	if pw.r.PathValue("action") == "annuleren" && reason == "" {
		pw.status = http.StatusUnprocessableEntity
		return s.showPollDetail(pw, id, []fieldError{{Name: "reden", Key: "pollpage.cancel.reasonRequired"}}, reason)
	}
	err := a.call(pw, id)
	switch {
	case err == nil:
		pw.redirect = withDone("/peilingen/"+url.PathEscape(id), a.done)
		return nil
	case status.Code(err) == codes.PermissionDenied:
		pw.status = http.StatusForbidden
		return s.showPollDetail(pw, id, []fieldError{{Key: "pollpage.action.forbidden"}}, reason)
	case isFormError(err):
		pw.status = formStatus(err)
		return s.showPollDetail(pw, id, s.pollActionErrors(err, pw.v.Lang), reason)
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
func (s *Site) pollActionErrors(err error, lang string) []fieldError {
	ph := phrasing{lang: lang, cat: s.cats[lang]}
	var out []fieldError
	changed := false
	for _, d := range status.Convert(err).Details() {
		pf, ok := d.(*errdetails.PreconditionFailure)
		if !ok {
			continue
		}
		for _, v := range pf.GetViolations() {
			subject := v.GetSubject()
			if subject == "/status" {
				if !changed {
					out = append(out, fieldError{Key: "pollpage.action.statusChanged"})
					changed = true
				}
				continue
			}
			fe := ph.builderReason(v.GetDescription())
			first, _, _ := strings.Cut(strings.TrimPrefix(subject, "/"), "/")
			fe.LabelKey = actionLabels["/"+first]
			out = append(out, fe)
		}
	}
	if len(out) == 0 {
		out = append(out, explain(status.Convert(err).Message()))
	}
	return out
}

// pollDone shows the success message a lifecycle redirect asks for.
func (pw *pollWork) pollDone() {
	if k := pw.r.URL.Query().Get(doneParam); slices.Contains(pollDoneKeys, k) {
		pw.v.NoticeKey = "done.poll." + k
	}
}

// pollDoneKeys are the lifecycle's success messages, each
// "done.poll.<key>" in the catalogue.
var pollDoneKeys = []string{"gepland", "geopend", "gesloten", "geannuleerd"}
