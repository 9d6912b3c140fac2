package polls

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/meedoen/meedoen/gateway/problem"
	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/pollform"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// The poll builder: the staff's pages that create a poll for a
// participation process, edit its draft, preview it as residents will see
// it, and schedule it. Like the rest of the staff's poll pages they call
// the surveys service with the caller's identity, and the service decides
// what is allowed and valid; the pages only put its objections next to
// the fields they are about.
//
// The editor is one plain form (see builderdraft.go): every button posts
// the whole draft, which is saved with UpdatePoll, so that no work is lost
// between buttons and no JavaScript is needed. A poll that is no longer a
// draft shows its questions read-only: they are frozen once it opens, and
// a scheduled poll goes back to draft first ("Planning intrekken").

// builderPage is the data of /peilingen/{id}/bewerken.
type builderPage struct {
	Poll pollRow
	// Editable is true for a draft; FrozenKey explains why another poll
	// cannot be edited.
	Editable   bool
	FrozenKey  string
	Action     string
	PreviewURL string
	DetailURL  string
	Errors     *kit.FormErrors
	Texts      []bField
	Flash      bool
	Sections   []bSection
	// QuestionErrors are those about the questions as a whole (a flash
	// poll with too many).
	QuestionErrors []kit.FieldError
	CanAddSection  bool
	Audience       []bField
	// Reach is whom the saved panel audience reaches; nil when the
	// audience is no panel or there is no panels service.
	Reach *reachView
	// ReachOp is the value of the button that saves and shows the
	// reach.
	ReachOp  string
	Schedule []bField
	// ReadOnly is the questions of a poll that is not a draft.
	ReadOnly []roSection
	// The buttons of a scheduled poll.
	CanUnschedule, CanOpen bool
	UnscheduleURL, OpenURL string
	// Version is the poll's update time as this editor was filled in from
	// it; the save sends it back, so that a save over someone else's
	// later changes is refused rather than undoing them.
	Version string
}

// roSection and roQuestion are the read-only view of the questions.
type roSection struct {
	Title     kit.Localized
	Questions []roQuestion
}

type roQuestion struct {
	Number   int
	Text     kit.Localized
	TypeKey  string
	Required bool
	Items    []kit.Localized
}

// builderDoneKeys are the builder's success messages, each
// "done.builder.<key>" in the catalogue.
var builderDoneKeys = []string{"aangemaakt", "opgeslagen", "ingetrokken"}

func (pw *pollWork) builderDone() { pw.Done("done.builder.", builderDoneKeys...) }

// staffPoll reads a poll of the current tenant.
func (s *Pages) staffPoll(pw *pollWork, id string) (*surveysv1.Poll, error) {
	pl, err := pw.api.GetPoll(pw.R.Context(), &surveysv1.GetPollRequest{Id: id})
	if err != nil {
		return nil, err
	}
	if pl.GetTenant() != pw.Tenant && !slices.Contains(pl.GetParticipants(), pw.Tenant) {
		return nil, problem.Error(problem.NotFound, "poll of another tenant")
	}
	return pl, nil
}

func pollBase(id string) string { return "/peilingen/" + url.PathEscape(id) }

// editPoll serves GET /peilingen/{id}/bewerken.
func (s *Pages) editPoll(pw *pollWork) error {
	pl, err := s.staffPoll(pw, pollID(pw.R))
	if err != nil {
		return err
	}
	pw.builderDone()
	s.showEditor(pw, pl, nil, nil)
	if b, ok := pw.View.Page.(*builderPage); ok && b.Editable {
		if pl.GetAudience().GetKind() == surveysv1.AudienceKind_AUDIENCE_KIND_PANEL {
			b.Reach = s.reach(pw, &surveysv1.InvitePanelRequest{PollId: pl.GetId()})
		}
	}
	return nil
}

// showEditor fills in the editor for p; form is what was posted (nil on
// GET) and errs what was wrong with it, applied to fields.
func (s *Pages) showEditor(pw *pollWork, p *surveysv1.Poll, form url.Values, errs func(fields []kit.FormField) *kit.FormErrors) {
	base := pollBase(p.GetId())
	row := s.pollRow(pw, p)
	b := &builderPage{
		Poll:       row,
		Editable:   p.GetStatus() == surveysv1.PollStatus_POLL_STATUS_DRAFT,
		Action:     base + "/bewerken",
		PreviewURL: base + "/voorbeeld",
		DetailURL:  base,
		Flash:      p.GetKind() != surveysv1.PollKind_POLL_KIND_QUESTIONNAIRE,
		Version:    p.GetUpdateTime().AsTime().Format(time.RFC3339Nano),
	}
	if v := form.Get(bfVersion); form != nil && v != "" {
		b.Version = v // the form as posted goes on from the read it came from
	}
	pw.View.Title = pw.Words.Say("builder.title", "poll", row.Title.S)
	ph := phrasing{pw.Words}
	if !b.Editable {
		b.FrozenKey = "builder.frozen." + row.Status
		b.ReadOnly = readOnlyQuestions(p, pw.View.Lang)
		if p.GetStatus() == surveysv1.PollStatus_POLL_STATUS_SCHEDULED {
			b.CanUnschedule, b.CanOpen = true, true
			b.UnscheduleURL, b.OpenURL = base+"/intrekken", base+"/openen"
		}
		if errs != nil {
			b.Errors = errs(nil)
		}
		pw.View.HasErrors = b.Errors.Any()
		pw.View.Page = b
		return
	}
	// The fields register in the order of the page, which is the order
	// of the error summary.
	e := &editorView{ph: ph, names: s.kit.TenantName, form: form, hoodsOf: func(m string) []*surveysv1.Neighbourhood {
		list, _ := s.kit.NeighbourhoodsOf(pw.R.Context(), m)
		return list
	}}
	b.Texts = e.texts(p)
	e.register("/sections", "vragen", "vragen", ph.Say("builder.questions.heading"))
	b.Sections = e.sections(p)
	b.CanAddSection = !b.Flash
	b.Audience = e.audience(p, s.linkBase(pw.R))
	b.Schedule = e.schedule(s, p)
	if errs != nil {
		b.attachErrors(errs(e.fields))
	} else {
		b.attachErrors(&kit.FormErrors{})
	}
	b.ReachOp = opReach
	pw.View.HasErrors = b.Errors.Any()
	pw.View.Page = b
}

// linkBase is the site's own address as the browser reached it, for the
// open link a poll will have.
func (s *Pages) linkBase(r *http.Request) string {
	scheme := "http"
	if s.kit.Secure(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// readOnlyQuestions is the questions of a poll that can no longer change.
func readOnlyQuestions(p *surveysv1.Poll, lang string) []roSection {
	var out []roSection
	n := 0
	for _, sec := range p.GetSections() {
		rs := roSection{Title: kit.Localize(sec.GetTitle(), lang)}
		for _, q := range sec.GetQuestions() {
			n++
			rq := roQuestion{Number: n, Text: kit.Localize(q.GetText(), lang), TypeKey: typeKey(q.GetType()), Required: q.GetRequired()}
			for _, ts := range [][]*surveysv1.Text{labelsOf(q.GetOptions()), labelsOf(q.GetRows()), labelsOf(q.GetColumns()), q.GetLabels()} {
				for _, t := range ts {
					rq.Items = append(rq.Items, kit.Localize(t, lang))
				}
			}
			if q.GetOther() {
				rq.Items = append(rq.Items, pollform.OtherLabel(q, lang))
			}
			rs.Questions = append(rs.Questions, rq)
		}
		out = append(out, rs)
	}
	return out
}

// draftMask names every field the editor saves.
var draftMask = []string{"title", "intro", "sections", "audience", "slug", "opens_at", "closes_at", "results_sharing"}

// saveDraft serves POST /peilingen/{id}/bewerken: it reads the draft from
// the form, applies the button pressed, and saves the whole draft; then
// it shows the editor again (Post/Redirect/Get), or the form as posted
// with what the service objected to, having saved nothing.
func (s *Pages) saveDraft(pw *pollWork) error {
	id := pollID(pw.R)
	stored, err := s.staffPoll(pw, id)
	if err != nil {
		return err
	}
	if stored.GetStatus() != surveysv1.PollStatus_POLL_STATUS_DRAFT {
		pw.Status = http.StatusConflict
		s.showEditor(pw, stored, nil, wholeFormError(pw, "builder.error.notDraft"))
		return nil
	}
	form := pw.R.PostForm
	draft, problems := readDraft(form, stored, s.kit.Location())
	op := form.Get(bfAction)
	if op == "" {
		// Enter in a text box sends the form without a button on some
		// browsers.
		op = opSave
	}
	_, key, _ := strings.Cut(op, ".")
	d := defaults{nl: s.kit.Catalogue("nl")}
	anchor, ok := d.applyOp(draft, op, form.Get(sField(key, sfNewType)))
	if !ok {
		pw.Status = http.StatusBadRequest
		s.showEditor(pw, draft, form, wholeFormError(pw, "builder.error.unknownAction"))
		return nil
	}
	if len(problems) > 0 {
		pw.Status = http.StatusUnprocessableEntity
		s.showEditor(pw, draft, form, func(fields []kit.FormField) *kit.FormErrors {
			errs := &kit.FormErrors{}
			for _, p := range problems {
				errs.Invalid(fields, p.name, p.key)
			}
			return errs
		})
		return nil
	}
	ctx := pw.R.Context()
	req := &surveysv1.UpdatePollRequest{Id: id, Poll: draft, UpdateMask: &fieldmaskpb.FieldMask{Paths: draftMask}}
	if v, err := time.Parse(time.RFC3339Nano, form.Get(bfVersion)); err == nil {
		req.ExpectedUpdateTime = timestamppb.New(v)
	}
	_, err = pw.api.UpdatePoll(ctx, req)
	if kit.ChangedMeanwhile(err) {
		// Someone saved this draft after this form was filled in. Their
		// work stays; this form comes back as it was typed, so nothing of
		// it is lost either, now based on the stored version: saving it
		// again overwrites theirs, knowingly.
		pw.Status = http.StatusConflict
		again := maps.Clone(form)
		again.Set(bfVersion, stored.GetUpdateTime().AsTime().Format(time.RFC3339Nano))
		s.showEditor(pw, draft, again, wholeFormError(pw, "builder.error.changedMeanwhile"))
		return nil
	}
	if err != nil {
		return s.refused(pw, draft, form, err)
	}
	if op == opSchedule {
		if _, err := pw.api.SchedulePoll(ctx, &surveysv1.SchedulePollRequest{Id: id}); err != nil {
			// The draft is saved; what is missing to schedule it is
			// shown next to its fields.
			return s.refused(pw, draft, form, err)
		}
		pw.Redirect = kit.WithDone(pollBase(id), "gepland")
		return nil
	}
	pw.Redirect = kit.WithDone(pollBase(id)+"/bewerken", "opgeslagen")
	if anchor != "" {
		pw.Redirect += "#" + anchor
	}
	return nil
}

// refused shows the editor with the service's objections to err, or
// returns err when it is no objection to the form.
func (s *Pages) refused(pw *pollWork, draft *surveysv1.Poll, form url.Values, err error) error {
	ph := phrasing{pw.Words}
	switch {
	case problem.Of(err) == problem.Forbidden:
		pw.Status = http.StatusForbidden
		s.showEditor(pw, draft, form, wholeFormError(pw, "builder.error.forbidden"))
	case kit.IsFormError(err):
		pw.Status = kit.FormStatus(err)
		s.showEditor(pw, draft, form, func(fields []kit.FormField) *kit.FormErrors { return builderErrors(err, fields, ph) })
	default:
		return err
	}
	return nil
}

// wholeFormError is an error about the form as a whole.
func wholeFormError(pw *pollWork, key string) func([]kit.FormField) *kit.FormErrors {
	return func(fields []kit.FormField) *kit.FormErrors {
		errs := &kit.FormErrors{}
		errs.Add(fields, kit.FormField{}, kit.FieldError{Key: key})
		return errs
	}
}

// unschedulePoll serves POST /peilingen/{id}/intrekken: the poll goes back
// to draft, and the editor opens.
func (s *Pages) unschedulePoll(pw *pollWork) error {
	id := pollID(pw.R)
	_, err := pw.api.UnschedulePoll(pw.R.Context(), &surveysv1.UnschedulePollRequest{Id: id})
	switch {
	case err == nil:
		pw.Redirect = kit.WithDone(pollBase(id)+"/bewerken", "ingetrokken")
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
