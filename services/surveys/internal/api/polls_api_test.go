package api

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/meedoen/meedoen/internal/errs"
	eventsv1 "github.com/meedoen/meedoen/proto/meedoen/events/v1"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// A local poll is Velsen's staff's; a shared IJmond poll is for the staff
// of its participants and of the region. Anyone else is told it does not
// exist, and lists show only what the caller may see.
func TestPollsAreVisibleToTheStaffOfTheirTenants(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	local := f.create(t, velsenMember(), flashPoll("velsen")).GetId()
	shared := f.create(t, beverwijkChair(), sharedPoll("ijmond")).GetId()

	for _, tc := range []struct {
		name string
		ctx  context.Context
		want []string
	}{
		{"a Velsen council member sees both", velsenMember(), []string{shared, local}},
		{"a Velsen policy officer sees both", velsenOfficer(), []string{shared, local}},
		{"a Beverwijk chair sees the shared poll", beverwijkChair(), []string{shared}},
		{"a Heemskerk member, not taking part, sees neither", heemskerkMember(), nil},
		{"the IJmond coordinator sees the shared poll", coordinator(), []string{shared}},
		{"a platform admin sees both", platformAdmin(), []string{shared, local}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, id := range []string{shared, local} {
				_, err := f.srv.GetPoll(tc.ctx, &surveysv1.GetPollRequest{Id: id})
				switch codeOf(err) {
				case "":
					got = append(got, id)
				case errs.NotFound:
				default:
					t.Fatalf("GetPoll %s: %v", id, err)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("visible (-want +got):\n%s", diff)
			}
			resp, err := f.srv.ListPolls(tc.ctx, &surveysv1.ListPollsRequest{})
			if err != nil {
				t.Fatal(err)
			}
			var listed []string
			for _, p := range resp.GetPolls() {
				listed = append(listed, p.GetId())
			}
			if diff := cmp.Diff(tc.want, listed); diff != "" {
				t.Errorf("listed, newest first (-want +got):\n%s", diff)
			}
		})
	}
}

func TestListPollsFiltersAndPages(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var ids []string
	for _, slug := range []string{"een", "twee", "drie"} {
		ids = append(ids, f.create(t, velsenMember(), flashPoll(slug)).GetId())
	}
	shared := f.create(t, beverwijkChair(), sharedPoll("ijmond")).GetId()
	if _, err := f.srv.SchedulePoll(velsenMember(), &surveysv1.SchedulePollRequest{Id: ids[0]}); err != nil {
		t.Fatal(err)
	}

	listed := func(req *surveysv1.ListPollsRequest) []string {
		t.Helper()
		var out []string
		for {
			resp, err := f.srv.ListPolls(platformAdmin(), req)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range resp.GetPolls() {
				out = append(out, p.GetId())
			}
			if resp.GetNextCursor() == "" {
				return out
			}
			req.Cursor = resp.GetNextCursor()
		}
	}
	for _, tc := range []struct {
		name string
		req  *surveysv1.ListPollsRequest
		want []string
	}{
		{"Velsen's, shared included, a page of one at a time", &surveysv1.ListPollsRequest{Tenant: "GM0453", Limit: 1},
			[]string{shared, ids[2], ids[1], ids[0]}},
		{"Beverwijk's", &surveysv1.ListPollsRequest{Tenant: "GM0375"}, []string{shared}},
		{"the region's", &surveysv1.ListPollsRequest{Tenant: "ijmond"}, []string{shared}},
		{"scheduled ones", &surveysv1.ListPollsRequest{Status: surveysv1.PollStatus_POLL_STATUS_SCHEDULED}, []string{ids[0]}},
		{"of the process", &surveysv1.ListPollsRequest{ProcessId: processID, Limit: 2}, []string{shared, ids[2], ids[1], ids[0]}},
		{"of another process", &surveysv1.ListPollsRequest{ProcessId: "01957a3c-2b1e-7c00-8000-0000000000ff"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, listed(tc.req)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}

	_, err := f.srv.ListPolls(platformAdmin(), &surveysv1.ListPollsRequest{Limit: 500, Status: 42, ProcessId: "nope"})
	if diff := cmp.Diff([]string{"limit", "status", "processId"}, fieldPaths(err)); diff != "" {
		t.Errorf("bad list parameters, all reported (-want +got):\n%s\n%v", diff, err)
	}
}

// Council roles build and run polls; policy officers read; the region's
// coordinator runs shared polls only.
func TestOnlyCouncilRolesChangePolls(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	local := f.create(t, velsenMember(), flashPoll("velsen")).GetId()
	shared := f.create(t, coordinator(), sharedPoll("ijmond")).GetId()

	for _, tc := range []struct {
		name string
		ctx  context.Context
		poll string
		want errs.Code
	}{
		{"a Velsen member changes Velsen's poll", velsenMember(), local, ""},
		{"a Velsen policy officer may only read it", velsenOfficer(), local, errs.PermissionDenied},
		{"a Heemskerk member does not see it", heemskerkMember(), local, errs.NotFound},
		{"the coordinator has no say in a local poll", coordinator(), local, errs.NotFound},
		{"the coordinator changes the shared poll", coordinator(), shared, ""},
		{"a Beverwijk chair changes the shared poll", beverwijkChair(), shared, ""},
		{"a Velsen policy officer may only read the shared poll", velsenOfficer(), shared, errs.PermissionDenied},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.srv.UpdatePoll(tc.ctx, &surveysv1.UpdatePollRequest{Id: tc.poll,
				Poll: &surveysv1.Poll{Intro: nl("Vijf korte vragen.")}, UpdateMask: mask("intro")})
			if codeOf(err) != tc.want {
				t.Errorf("UpdatePoll: %v, want %q", err, tc.want)
			}
			if tc.want == "" {
				return // cancelling would end the poll for the cases after this one
			}
			for name, call := range map[string]func() error{
				"CancelPoll": func() error {
					_, err := f.srv.CancelPoll(tc.ctx, &surveysv1.CancelPollRequest{Id: tc.poll})
					return err
				},
				"SchedulePoll": func() error {
					_, err := f.srv.SchedulePoll(tc.ctx, &surveysv1.SchedulePollRequest{Id: tc.poll})
					return err
				},
				"CreateInvitations": func() error {
					_, err := f.srv.CreateInvitations(tc.ctx, &surveysv1.CreateInvitationsRequest{PollId: tc.poll,
						Invitees: []*surveysv1.Invitee{{MunicipalityCode: "GM0453"}}})
					return err
				},
			} {
				if err := call(); codeOf(err) != tc.want {
					t.Errorf("%s: %v, want %q", name, err, tc.want)
				}
			}
		})
	}

	for _, tc := range []struct {
		name string
		ctx  context.Context
		poll *surveysv1.Poll
	}{
		{"a policy officer creates no poll", velsenOfficer(), flashPoll("aaa")},
		{"a Heemskerk member creates none for Velsen", heemskerkMember(), flashPoll("bbb")},
		{"the coordinator creates no local poll", coordinator(), flashPoll("ccc")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := f.srv.CreatePoll(tc.ctx, &surveysv1.CreatePollRequest{Poll: tc.poll}); codeOf(err) != errs.PermissionDenied {
				t.Errorf("CreatePoll: %v, want permission denied", err)
			}
		})
	}
}

// Two council members edit one draft: the one who saves last, from an
// older read, is told and changes nothing, unless they send the time the
// refusal names, which overwrites on purpose.
func TestUpdateFromAnOlderReadIsRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := velsenMember()
	const velsenProcess = "01957a3c-2b1e-7c00-8000-0000000000b2"
	knowProcess(t, f.pool, velsenProcess, "GM0453")
	read := f.create(t, ctx, &surveysv1.Poll{ProcessId: velsenProcess,
		Kind: surveysv1.PollKind_POLL_KIND_FLASH_POLL, Title: nl("Concept")})

	first, err := f.srv.UpdatePoll(ctx, &surveysv1.UpdatePollRequest{Id: read.GetId(), Poll: &surveysv1.Poll{Title: nl("Van de eerste")},
		UpdateMask: mask("title"), ExpectedUpdateTime: read.GetUpdateTime()})
	if err != nil {
		t.Fatalf("the first save, from the current read: %v", err)
	}
	_, err = f.srv.UpdatePoll(ctx, &surveysv1.UpdatePollRequest{Id: read.GetId(), Poll: &surveysv1.Poll{Title: nl("Van de tweede")},
		UpdateMask: mask("title"), ExpectedUpdateTime: read.GetUpdateTime()})
	if codeOf(err) != errs.Stale || !cmp.Equal([]string{"/expectedUpdateTime"}, fieldPaths(err)) {
		t.Fatalf("the second save, from the older read: %v, want stale naming /expectedUpdateTime", err)
	}
	stored, err := f.srv.GetPoll(ctx, &surveysv1.GetPollRequest{Id: read.GetId()})
	if err != nil {
		t.Fatal(err)
	}
	if stored.GetTitle().GetNl() != "Van de eerste" || !stored.GetUpdateTime().AsTime().Equal(first.GetUpdateTime().AsTime()) {
		t.Errorf("after the refused save the poll is %q updated %v, want the first's", stored.GetTitle().GetNl(), stored.GetUpdateTime().AsTime())
	}
	// Knowing, the second overwrites; a caller that sends no time is not checked.
	if _, err := f.srv.UpdatePoll(ctx, &surveysv1.UpdatePollRequest{Id: read.GetId(), Poll: &surveysv1.Poll{Title: nl("Van de tweede")},
		UpdateMask: mask("title"), ExpectedUpdateTime: stored.GetUpdateTime()}); err != nil {
		t.Errorf("overwriting from the current read: %v", err)
	}
	if _, err := f.srv.UpdatePoll(ctx, &surveysv1.UpdatePollRequest{Id: read.GetId(), Poll: &surveysv1.Poll{Title: nl("Zonder tijd")},
		UpdateMask: mask("title")}); err != nil {
		t.Errorf("a save without an expected time: %v", err)
	}
	_, err = f.srv.UpdatePoll(ctx, &surveysv1.UpdatePollRequest{Id: read.GetId(), Poll: &surveysv1.Poll{Title: nl("x")},
		UpdateMask: mask("title"), ExpectedUpdateTime: &timestamppb.Timestamp{Seconds: 1, Nanos: -1}})
	if codeOf(err) != errs.Invalid || !cmp.Equal([]string{"/expectedUpdateTime"}, fieldPaths(err)) {
		t.Errorf("an invalid expected time: %v, want invalid naming /expectedUpdateTime", err)
	}
}

// The poll's etag is the same version as its update time: a change based
// on an older etag is refused like one based on an older time, and an
// update of no fields changes nothing, the version included.
func TestUpdateFromAnOlderEtagIsRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := velsenMember()
	const velsenProcess = "01957a3c-2b1e-7c00-8000-0000000000b3"
	knowProcess(t, f.pool, velsenProcess, "GM0453")
	read := f.create(t, ctx, &surveysv1.Poll{ProcessId: velsenProcess,
		Kind: surveysv1.PollKind_POLL_KIND_FLASH_POLL, Title: nl("Concept")})

	same, err := f.srv.UpdatePoll(ctx, &surveysv1.UpdatePollRequest{Id: read.GetId(), Poll: &surveysv1.Poll{Etag: read.GetEtag()}, UpdateMask: mask("")})
	if err != nil || same.GetEtag() != read.GetEtag() {
		t.Fatalf("an update of no fields: %v, etag %q; want the poll unchanged, etag %q", err, same.GetEtag(), read.GetEtag())
	}
	first, err := f.srv.UpdatePoll(ctx, &surveysv1.UpdatePollRequest{Id: read.GetId(), Poll: &surveysv1.Poll{Title: nl("Van de eerste"), Etag: read.GetEtag()},
		UpdateMask: mask("title")})
	if err != nil {
		t.Fatalf("the first save, from the current etag: %v", err)
	}
	if first.GetEtag() == read.GetEtag() {
		t.Fatalf("the etag stayed %q after a change", first.GetEtag())
	}
	for name, req := range map[string]*surveysv1.UpdatePollRequest{
		"the older etag":                      {Poll: &surveysv1.Poll{Title: nl("Van de tweede"), Etag: read.GetEtag()}, UpdateMask: mask("title")},
		"the older etag, of no fields":        {Poll: &surveysv1.Poll{Etag: read.GetEtag()}, UpdateMask: mask()},
		"the current etag but the older time": {Poll: &surveysv1.Poll{Title: nl("Van de tweede"), Etag: first.GetEtag()}, UpdateMask: mask("title"), ExpectedUpdateTime: read.GetUpdateTime()},
	} {
		req.Id = read.GetId()
		if _, err := f.srv.UpdatePoll(ctx, req); codeOf(err) != errs.Stale {
			t.Errorf("a save from %s: %v, want stale", name, err)
		}
	}
	stored, err := f.srv.GetPoll(ctx, &surveysv1.GetPollRequest{Id: read.GetId()})
	if err != nil {
		t.Fatal(err)
	}
	if stored.GetTitle().GetNl() != "Van de eerste" || stored.GetEtag() != first.GetEtag() {
		t.Errorf("after the refused saves the poll is %q at %q, want the first's at %q", stored.GetTitle().GetNl(), stored.GetEtag(), first.GetEtag())
	}
}

// The whole life of a poll through the API, with the events each step
// announces.
func TestPollLifecycle(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := velsenMember()

	// A poll takes its process's tenant: nobody need name it.
	const velsenProcess = "01957a3c-2b1e-7c00-8000-0000000000b1"
	knowProcess(t, f.pool, velsenProcess, "GM0453")
	draft := f.create(t, ctx, &surveysv1.Poll{ProcessId: velsenProcess,
		Kind: surveysv1.PollKind_POLL_KIND_FLASH_POLL, Title: nl("Concept")})
	if draft.GetStatus() != surveysv1.PollStatus_POLL_STATUS_DRAFT || draft.GetCreatedBy() != "velsen-member" || draft.GetTenant() != "GM0453" {
		t.Fatalf("created %v", draft)
	}
	id := draft.GetId()

	_, err := f.srv.SchedulePoll(ctx, &surveysv1.SchedulePollRequest{Id: id})
	wantUnmet := []string{"/sections", "/opensAt", "/closesAt", "/audience/kind", "/resultsSharing/nl"}
	if codeOf(err) != errs.FailedPrecondition || !cmp.Equal(wantUnmet, fieldPaths(err)) {
		t.Fatalf("scheduling an empty draft: %v, want failed precondition naming %v", err, wantUnmet)
	}

	full := flashPoll("eenzaamheid")
	updated, err := f.srv.UpdatePoll(ctx, &surveysv1.UpdatePollRequest{Id: id, Poll: full,
		UpdateMask: mask("title", "intro", "sections", "opens_at", "closesAt", "audience", "slug", "results_sharing")})
	if err != nil {
		t.Fatalf("UpdatePoll: %v", err)
	}
	if got := updated.GetSections()[0].GetQuestions()[1]; got.GetMinChoices() != 1 || got.GetMaxChoices() != 2 {
		t.Errorf("multiple choice bounds %d..%d, want the default minimum 1 and the given maximum 2", got.GetMinChoices(), got.GetMaxChoices())
	}
	if got := updated.GetSections()[0].GetQuestions()[3]; got.GetMin() != "0" || got.GetMax() != "168" || got.GetStep() != "0.5" {
		t.Errorf("number bounds %q..%q step %q", got.GetMin(), got.GetMax(), got.GetStep())
	}
	if updated.GetTitle().GetEn() != "Loneliness in Velsen" || updated.GetSlug() != "eenzaamheid" {
		t.Errorf("updated %v", updated)
	}

	step := func(name string, fn func() (*surveysv1.Poll, error), want surveysv1.PollStatus) {
		t.Helper()
		p, err := fn()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if p.GetStatus() != want {
			t.Fatalf("%s: status %s, want %s", name, p.GetStatus(), want)
		}
	}
	step("schedule", func() (*surveysv1.Poll, error) {
		return f.srv.SchedulePoll(ctx, &surveysv1.SchedulePollRequest{Id: id})
	}, surveysv1.PollStatus_POLL_STATUS_SCHEDULED)
	step("unschedule", func() (*surveysv1.Poll, error) {
		return f.srv.UnschedulePoll(ctx, &surveysv1.UnschedulePollRequest{Id: id})
	}, surveysv1.PollStatus_POLL_STATUS_DRAFT)
	step("schedule again", func() (*surveysv1.Poll, error) {
		return f.srv.SchedulePoll(ctx, &surveysv1.SchedulePollRequest{Id: id})
	}, surveysv1.PollStatus_POLL_STATUS_SCHEDULED)
	if got := f.outbox(t, ""); len(got) != 0 {
		t.Errorf("drafting and scheduling announced %d events, want none", len(got))
	}
	before := time.Now()
	step("open early", func() (*surveysv1.Poll, error) {
		return f.srv.OpenPoll(ctx, &surveysv1.OpenPollRequest{Id: id})
	}, surveysv1.PollStatus_POLL_STATUS_OPEN)

	// Open: questions, audience and link are frozen; the closing time is not.
	_, err = f.srv.UpdatePoll(ctx, &surveysv1.UpdatePollRequest{Id: id, Poll: full, UpdateMask: mask("sections")})
	if codeOf(err) != errs.FailedPrecondition {
		t.Errorf("changing the questions of an open poll: %v, want failed precondition", err)
	}
	later := time.Now().Add(10 * 24 * time.Hour).UTC().Truncate(time.Second)
	p, err := f.srv.UpdatePoll(ctx, &surveysv1.UpdatePollRequest{Id: id,
		Poll: &surveysv1.Poll{ClosesAt: timestamppb.New(later)}, UpdateMask: mask("closes_at")})
	if err != nil || !p.GetClosesAt().AsTime().Equal(later) {
		t.Fatalf("extending an open poll: %v, %v", p.GetClosesAt(), err)
	}
	if p.GetOpensAt().AsTime().Before(before) {
		t.Errorf("opened early, the opening time %v should have moved to the moment of opening", p.GetOpensAt().AsTime())
	}

	step("close early", func() (*surveysv1.Poll, error) {
		return f.srv.ClosePoll(ctx, &surveysv1.ClosePollRequest{Id: id})
	}, surveysv1.PollStatus_POLL_STATUS_CLOSED)
	if _, err := f.srv.CancelPoll(ctx, &surveysv1.CancelPollRequest{Id: id}); codeOf(err) != errs.FailedPrecondition {
		t.Errorf("cancelling a closed poll: %v, want failed precondition", err)
	}
	results, err := f.srv.UpdatePoll(ctx, &surveysv1.UpdatePollRequest{Id: id,
		Poll: &surveysv1.Poll{ResultsSharing: nl("In juli, later dan gedacht.")}, UpdateMask: mask("resultsSharing")})
	if err != nil || results.GetResultsSharing().GetNl() != "In juli, later dan gedacht." {
		t.Errorf("the results statement should stay changeable after closing: %v, %v", results.GetResultsSharing(), err)
	}

	opened := decoded(t, f.outbox(t, "poll.opened"), func() *eventsv1.PollOpened { return &eventsv1.PollOpened{} })
	closed := decoded(t, f.outbox(t, "poll.closed"), func() *eventsv1.PollClosed { return &eventsv1.PollClosed{} })
	if len(opened) != 1 || opened[0].GetPollId() != id || opened[0].GetProcessId() != velsenProcess || opened[0].GetKind() != "flash_poll" {
		t.Errorf("poll.opened events %v", opened)
	}
	wantClosed := &eventsv1.PollClosed{PollId: id, ProcessId: velsenProcess, Kind: "flash_poll",
		PerMunicipality: []*eventsv1.MunicipalityResponses{{MunicipalityCode: "GM0453"}}}
	if diff := cmp.Diff([]*eventsv1.PollClosed{wantClosed}, closed, protocmp.Transform()); diff != "" {
		t.Errorf("poll.closed events (-want +got):\n%s", diff)
	}

	// Cancelling a fresh draft announces it.
	other := f.create(t, ctx, flashPoll("ander")).GetId()
	cancelled, err := f.srv.CancelPoll(ctx, &surveysv1.CancelPollRequest{Id: other, Reason: "dubbel"})
	if err != nil || cancelled.GetStatus() != surveysv1.PollStatus_POLL_STATUS_CANCELLED || cancelled.GetCancelReason() != "dubbel" {
		t.Fatalf("CancelPoll: %v, %v", cancelled, err)
	}
	names := []string{}
	for _, ev := range f.outbox(t, "") {
		names = append(names, ev.Name)
	}
	if diff := cmp.Diff([]string{"poll.opened", "poll.closed", "poll.cancelled"}, names); diff != "" {
		t.Errorf("events in the outbox (-want +got):\n%s", diff)
	}
}

// Creating or changing a poll names every problem at once, whether the
// message or the domain finds it.
func TestPollChangesNameEveryProblemAtOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	bad := flashPoll("Niet Goed")
	bad.ProcessId = "proces-7"
	bad.Title = &surveysv1.Text{En: "English only"}
	q := bad.GetSections()[0].GetQuestions()
	q[0].Options = append(q[0].Options, &surveysv1.Option{Id: "other", Label: nl("Anders")})
	q[2].Options = options("a", "b")
	q[3].Max, q[3].Step = "veel", "0,0001"
	q[4].MaxLength = 9000
	bad.ClosesAt = bad.GetOpensAt()

	_, err := f.srv.CreatePoll(velsenMember(), &surveysv1.CreatePollRequest{Poll: bad})
	want := []string{
		// Found in the message: numbers the domain could not read.
		"/sections/0/questions/3/max",
		"/sections/0/questions/3/step",
		// Found by the domain.
		"/processId",
		"/title/nl",
		"/slug",
		"/sections/0/questions/0/options/3/id",
		"/sections/0/questions/2/options",
		"/sections/0/questions/4/maxLength",
		"/closesAt",
	}
	if codeOf(err) != errs.Invalid {
		t.Fatalf("CreatePoll: %v, want invalid", err)
	}
	got := fieldPaths(err)
	for _, p := range want {
		if !slices.Contains(got, p) {
			t.Errorf("the error does not name %s; it names %v", p, got)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM polls`); n != 0 {
		t.Errorf("%d polls stored, want none", n)
	}

	id := f.create(t, velsenMember(), flashPoll("goed")).GetId()
	_, err = f.srv.UpdatePoll(velsenMember(), &surveysv1.UpdatePollRequest{Id: id,
		Poll:       &surveysv1.Poll{Title: nl(""), Slug: "-", ResultsSharing: &surveysv1.Text{En: "x"}, OpensAt: &timestamppb.Timestamp{Seconds: -1 << 62}},
		UpdateMask: mask("title", "slug", "results_sharing", "opens_at")})
	if diff := cmp.Diff([]string{"/opensAt", "/title/nl", "/slug", "/resultsSharing/nl"}, fieldPaths(err)); diff != "" {
		t.Errorf("UpdatePoll names (-want +got):\n%s\n%v", diff, err)
	}
	p, err := f.srv.GetPoll(velsenMember(), &surveysv1.GetPollRequest{Id: id})
	if err != nil || p.GetSlug() != "goed" || p.GetTitle().GetNl() != "Eenzaamheid in Velsen" {
		t.Errorf("a failed update changed the poll: %v, %v", p, err)
	}

	for _, tc := range []struct {
		name string
		mask []string
		want []string
	}{
		{"an empty mask changes nothing", nil, nil},
		{"a field that cannot change", []string{"title", "status"}, []string{"/status"}},
		{"no field of a poll", []string{"title", "colour"}, []string{"/updateMask/paths/1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.srv.UpdatePoll(velsenMember(), &surveysv1.UpdatePollRequest{Id: id, Poll: flashPoll("goed"), UpdateMask: mask(tc.mask...)})
			if diff := cmp.Diff(tc.want, fieldPaths(err)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestAPollBelongsToAKnownOpenProcess(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const (
		velsenProcess = "01957a3c-2b1e-7c00-8000-0000000000a1"
		closedProcess = "01957a3c-2b1e-7c00-8000-0000000000a2"
		unknown       = "01957a3c-2b1e-7c00-8000-0000000000a3"
	)
	knowProcess(t, f.pool, velsenProcess, "GM0453")
	knowProcess(t, f.pool, closedProcess, "GM0453")
	if _, err := f.pool.Exec(t.Context(), `UPDATE processes SET closed = true WHERE id = $1`, closedProcess); err != nil {
		t.Fatal(err)
	}
	poll := func(process, tenant string, participants ...string) *surveysv1.Poll {
		p := flashPoll("")
		p.Slug, p.ProcessId, p.Tenant, p.Participants = "", process, tenant, participants
		return p
	}

	// Without a tenant, the poll takes the process's: the regional
	// process's municipalities share it.
	shared, err := f.srv.CreatePoll(platformAdmin(), &surveysv1.CreatePollRequest{Poll: poll(processID, "")})
	if err != nil {
		t.Fatal(err)
	}
	if shared.GetTenant() != "ijmond" || !cmp.Equal(shared.GetParticipants(), []string{"GM0375", "GM0396", "GM0453"}) {
		t.Errorf("poll of the regional process: tenant %q, participants %v", shared.GetTenant(), shared.GetParticipants())
	}
	// One municipality of a shared process may poll its own residents.
	if _, err := f.srv.CreatePoll(velsenMember(), &surveysv1.CreatePollRequest{Poll: poll(processID, "GM0453")}); err != nil {
		t.Errorf("a Velsen poll in the regional process: %v", err)
	}

	refusals := []struct {
		name string
		poll *surveysv1.Poll
		code errs.Code
		path string
	}{
		{"another municipality's process", poll(velsenProcess, "GM0375"), errs.Invalid, "/tenant"},
		{"a municipality outside the process", poll(processID, "ijmond", "GM0453", "GM0999"), errs.Invalid, "/participants"},
		{"a process nobody started", poll(unknown, "GM0453"), errs.Invalid, "/processId"},
		{"a closed process", poll(closedProcess, "GM0453"), errs.FailedPrecondition, ""},
	}
	for _, r := range refusals {
		_, err := f.srv.CreatePoll(platformAdmin(), &surveysv1.CreatePollRequest{Poll: r.poll})
		if codeOf(err) != r.code || r.path != "" && !slices.Contains(fieldPaths(err), r.path) {
			t.Errorf("%s: %v, want %s naming %q", r.name, err, r.code, r.path)
		}
	}
}
