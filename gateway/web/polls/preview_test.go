package polls

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/meedoen/meedoen/gateway/web/kit"
	"github.com/meedoen/meedoen/gateway/web/pollform"
	"github.com/meedoen/meedoen/gateway/web/webtest"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

func TestPreviewRendersTheResidentsPage(t *testing.T) {
	t.Parallel()
	fake, site := builderSite(t)
	t.Run("as residents see it", func(t *testing.T) {
		t.Parallel()
		resp, body := webtest.Send(t, site, webtest.Request{Target: "/peilingen/" + draftPollID + "/voorbeeld", As: &webtest.VelsenChair})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status = %d", resp.StatusCode)
		}
		webtest.MustContain(t, body, "Voorbeeld — antwoorden worden niet opgeslagen", `href="/peilingen/poll-draft/bewerken">Terug naar bewerken`,
			"<title>Voorbeeld: Bankjes in IJmuiden · Meedoen</title>", `action="/peilingen/poll-draft/voorbeeld"`)
		webtest.MustNotContain(t, body, `aria-label="Hoofdmenu"`, "Uitloggen")
		// The poll itself is the resident's template, byte for byte.
		got := pollMarkup(t, body)
		want := pollMarkup(t, residentPage(t, fake.staffNow(t, draftPollID), "/peilingen/poll-draft/voorbeeld"))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("the preview differs from the resident's page (-want +got):\n%s", diff)
		}
	})
	t.Run("in English", func(t *testing.T) {
		t.Parallel()
		_, body := webtest.Send(t, site, webtest.Request{Target: "/peilingen/" + draftPollID + "/voorbeeld", As: &webtest.VelsenChair, Lang: "en"})
		webtest.MustContain(t, body, "Preview — answers are not saved", "Where would you like more benches?", "By the beach")
	})
	t.Run("sending stores nothing", func(t *testing.T) {
		t.Parallel()
		resp, body := webtest.Send(t, site, webtest.Request{Target: "/peilingen/" + draftPollID + "/voorbeeld", As: &webtest.VelsenChair, Form: url.Values{"v.q1": {"b"}}})
		if resp.StatusCode != http.StatusOK {
			t.Errorf("status = %d, want 200", resp.StatusCode)
		}
		webtest.MustContain(t, body, "Er is niets verstuurd of opgeslagen", `id="v.q1.b" name="v.q1" value="b" checked`)
		if n := fake.CallsOf("SubmitResponse"); n != 0 {
			t.Errorf("SubmitResponse called %d times", n)
		}
	})
}

// residentPage renders p with the resident's poll page, as /p/{slug} would
// show it, with the form posting to action.
func residentPage(t *testing.T, p *surveysv1.Poll, action string) string {
	t.Helper()
	k := webtest.Kit(t, kit.Config{}, nil)
	if err := k.Parse("poll", pollform.Templates, "templates/poll.html"); err != nil {
		t.Fatal(err)
	}
	page := k.Handle(&kit.Audience{Visitors: kit.Residents}, "poll", func(rq *kit.Request) error {
		pollform.Show(rq, respondentView(p), url.Values{}, "", &kit.FormErrors{}, action, http.StatusOK)
		return nil
	})
	_, body := webtest.Get(t, page, httptest.NewRequest(http.MethodGet, "/p/x", nil))
	return body
}

// pollMarkup is the poll's part of a page: from its heading to the end of
// its form.
func pollMarkup(t *testing.T, body string) string {
	t.Helper()
	start := strings.Index(body, `<h1 class="utrecht-heading-1">`)
	end := strings.Index(body, "</form>")
	if start < 0 || end < start {
		t.Fatalf("no poll on the page:\n%s", body)
	}
	return body[start:end]
}

func TestScheduleFromTheEditor(t *testing.T) {
	t.Parallel()
	t.Run("save the times and schedule", func(t *testing.T) {
		t.Parallel()
		fake, site := builderSite(t)
		resp, _ := press(t, site, draftPollID, opSchedule, url.Values{
			"opent.datum": {"2026-12-01"}, "opent.tijd": {"09:00"}, "sluit.datum": {"2026-12-08"}, "sluit.tijd": {"17:30:00"}, "publiek": {"open-link"}, "slug": {"bankjes"},
			"postcodecontrole": {"ja"}, "resultaten.nl": {"In januari op de website."},
		})
		if got, want := resp.Header.Get("Location"), "/peilingen/poll-draft?gelukt=gepland"; resp.StatusCode != http.StatusSeeOther || got != want {
			t.Fatalf("got %d to %q, want 303 to %q", resp.StatusCode, got, want)
		}
		got := fake.Request("UpdatePoll").(*surveysv1.UpdatePollRequest).GetPoll()
		want := &surveysv1.Poll{
			OpensAt: webtest.At("2026-12-01T08:00:00Z"), ClosesAt: webtest.At("2026-12-08T16:30:00Z"), Slug: "bankjes",
			Audience:       &surveysv1.Audience{Kind: surveysv1.AudienceKind_AUDIENCE_KIND_OPEN_LINK, PostcodeCheck: true},
			ResultsSharing: webtest.Text("In januari op de website.", ""),
		}
		if diff := cmp.Diff(want, got, protocmp.Transform(),
			protocmp.IgnoreFields(&surveysv1.Poll{}, "id", "tenant", "kind", "status", "title", "sections")); diff != "" {
			t.Errorf("UpdatePoll (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(&surveysv1.SchedulePollRequest{Id: draftPollID}, fake.Request("SchedulePoll"), protocmp.Transform()); diff != "" {
			t.Errorf("SchedulePoll (-want +got):\n%s", diff)
		}
	})
	t.Run("what scheduling lacks is shown at its fields", func(t *testing.T) {
		t.Parallel()
		fake, site := builderSite(t)
		fake.FailWith("SchedulePoll", webtest.Unmet("cannot schedule this poll",
			"/audience/kind", "is required: a panel or an open link",
			"/resultsSharing/nl", "is required: the thank-you page tells residents when and how the results will be shared"))
		resp, body := press(t, site, draftPollID, opSchedule, nil)
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("status = %d, want 409", resp.StatusCode)
		}
		webtest.MustContain(t, body, `href="#publiek-">Publiek: Kies wie mag antwoorden: het panel of een open link.</a>`,
			`href="#resultaten.nl">Wanneer en hoe de resultaten gedeeld worden (Nederlands): Vertel inwoners`, `id="publiek-fout"`, `id="resultaten.nl-fout"`)
	})
	t.Run("withdraw the schedule", func(t *testing.T) {
		t.Parallel()
		fake, site := builderSite(t)
		_, detail := webtest.Send(t, site, webtest.Request{Target: "/peilingen/" + scheduledPollID, As: &webtest.VelsenChair})
		webtest.MustContain(t, detail, `action="/peilingen/poll-scheduled/intrekken"`, ">Planning intrekken</button>", ">Vragen bekijken</a>")
		resp, _ := webtest.Send(t, site, webtest.Request{Target: "/peilingen/" + scheduledPollID + "/intrekken", As: &webtest.VelsenChair, Form: url.Values{}})
		if got, want := resp.Header.Get("Location"), "/peilingen/poll-scheduled/bewerken?gelukt=ingetrokken"; resp.StatusCode != http.StatusSeeOther || got != want {
			t.Fatalf("got %d to %q, want 303 to %q", resp.StatusCode, got, want)
		}
		if diff := cmp.Diff(&surveysv1.UnschedulePollRequest{Id: scheduledPollID}, fake.Request("UnschedulePoll"), protocmp.Transform()); diff != "" {
			t.Errorf("UnschedulePoll (-want +got):\n%s", diff)
		}
		_, body := webtest.Send(t, site, webtest.Request{Target: "/peilingen/" + scheduledPollID + "/bewerken?gelukt=ingetrokken", As: &webtest.VelsenChair})
		webtest.MustContain(t, body, "De planning is ingetrokken; de peiling is weer een concept.", `name="actie" value="opslaan"`)
	})
	t.Run("a draft cannot be withdrawn", func(t *testing.T) {
		t.Parallel()
		_, site := builderSite(t)
		resp, body := webtest.Send(t, site, webtest.Request{Target: "/peilingen/" + draftPollID + "/intrekken", As: &webtest.VelsenChair, Form: url.Values{}})
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("status = %d, want 409", resp.StatusCode)
		}
		webtest.MustContain(t, body, "Dat kon niet")
	})
}

func TestBuilderFreezesPollsThatAreNotDrafts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id   string
		want []string
	}{
		{openPollID, []string{"De vragen liggen vast zodra een peiling opent", "Waar wilt u meer bankjes?", "Bij het strand", "Eén keuze"}},
		{scheduledPollID, []string{"Trek de planning in", ">Planning intrekken</button>", ">Nu openen</button>", `action="/peilingen/poll-scheduled/openen"`}},
		{closedPollID, []string{"Deze peiling is gesloten."}},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			t.Parallel()
			fake, site := builderSite(t)
			resp, body := webtest.Send(t, site, webtest.Request{Target: "/peilingen/" + tc.id + "/bewerken", As: &webtest.VelsenChair})
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d", resp.StatusCode)
			}
			webtest.MustContain(t, body, tc.want...)
			webtest.MustNotContain(t, body, `name="actie"`)
			resp, _ = webtest.Send(t, site, webtest.Request{Target: "/peilingen/" + tc.id + "/bewerken", As: &webtest.VelsenChair, Form: url.Values{"titel.nl": {"Anders"}}})
			if resp.StatusCode != http.StatusConflict {
				t.Errorf("POST: status = %d, want 409", resp.StatusCode)
			}
			if n := fake.CallsOf("UpdatePoll"); n != 0 {
				t.Errorf("UpdatePoll called %d times", n)
			}
		})
	}
}

func TestBuilderPagesRefuse(t *testing.T) {
	t.Parallel()
	for _, target := range []string{"/peilingen/" + otherPollID + "/bewerken", "/peilingen/" + otherPollID + "/voorbeeld", "/peilingen/nope/bewerken"} {
		t.Run(target, func(t *testing.T) {
			t.Parallel()
			_, site := builderSite(t)
			if resp, _ := webtest.Send(t, site, webtest.Request{Target: target, As: &webtest.VelsenChair}); resp.StatusCode != http.StatusNotFound {
				t.Errorf("status = %d, want 404", resp.StatusCode)
			}
		})
	}
	t.Run("anonymous visitors log in first", func(t *testing.T) {
		t.Parallel()
		_, site := builderSite(t)
		resp, _ := webtest.Send(t, site, webtest.Request{Target: "/peilingen/nieuw"})
		if got, want := resp.Header.Get("Location"), "/auth/login?returnTo=%2Fpeilingen%2Fnieuw"; got != want {
			t.Errorf("Location = %q, want %q", got, want)
		}
	})
	t.Run("refused by role", func(t *testing.T) {
		t.Parallel()
		fake, site := builderSite(t)
		fake.FailWith("UpdatePoll", status.Error(codes.PermissionDenied, "no"))
		resp, body := press(t, site, draftPollID, opSave, nil)
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("status = %d, want 403", resp.StatusCode)
		}
		webtest.MustContain(t, body, "Je mag deze peiling niet wijzigen.")
	})
}

func TestStaffPollPagesLinkToTheBuilder(t *testing.T) {
	t.Parallel()
	_, site := builderSite(t)
	_, list := webtest.Send(t, site, webtest.Request{Target: "/peilingen", As: &webtest.VelsenChair})
	webtest.MustContain(t, list, `href="/peilingen/nieuw">Nieuwe peiling</a>`)
	_, detail := webtest.Send(t, site, webtest.Request{Target: "/peilingen/" + draftPollID, As: &webtest.VelsenChair})
	webtest.MustContain(t, detail, `href="/peilingen/poll-draft/bewerken">Bewerken</a>`, `href="/peilingen/poll-draft/voorbeeld">Voorbeeld bekijken</a>`)
}

// The service's objections to a poll, as it words them, reach the builder
// in the page's language.
func TestBuilderReasonsInDutch(t *testing.T) {
	t.Parallel()
	ph := phrasing{webtest.Kit(t, kit.Config{}, nil).Words("nl")}
	for reason, want := range map[string]string{
		"a questionnaire has at most 60 questions (this one has 61)": "Een vragenlijst heeft hoogstens 60 vragen; deze heeft er 61.",
		"must be at least 1":                                                             "Vul 1 of meer in.",
		"must not exceed maxChoices (3)":                                                 "Hoogstens het hoogste aantal keuzes (3).",
		"must be positive":                                                               "Vul een getal groter dan 0 in.",
		"must lie between minus and plus a billion":                                      "Vul een getal tussen min en plus een miljard in.",
		"is required when the audience is narrowed":                                      "Kies wie mag antwoorden: het panel of een open link.",
		"a shared poll needs at least one participating municipality":                    "Kies minstens één deelnemende gemeente.",
		"a flash poll has at most 5 questions (this one has 6); make it a questionnaire": "Een flitspeiling heeft hoogstens 5 vragen; deze heeft er 6. Verwijder een vraag, of maak een vragenlijst.",
	} {
		if got := ph.builderReason(reason); got.Text != want || got.Lang != "" {
			t.Errorf("%q: %q (lang %q), want %q", reason, got.Text, got.Lang, want)
		}
	}
}

func TestBuilderKeysExist(t *testing.T) {
	t.Parallel()
	cats := webtest.Catalogues(t)
	var need []string
	for v := range surveysv1.QuestionType_name {
		need = append(need, typeKey(surveysv1.QuestionType(v)))
	}
	for v := range surveysv1.PollStatus_name {
		need = append(need, "builder.frozen."+kit.EnumValue(surveysv1.PollStatus(v).String(), "POLL_STATUS_"))
	}
	for _, r := range builderReasons {
		need = append(need, r.key)
	}
	for _, k := range builderDoneKeys {
		need = append(need, "done.builder."+k)
	}
	for _, a := range []string{"", audiencePanel, audienceOpenLink} {
		need = append(need, map[bool]string{true: "builder.audience.none", false: "builder.audience." + a}[a == ""])
	}
	for _, k := range []string{kindFlash, kindList} {
		need = append(need, "builder.new.kind."+k)
	}
	slices.Sort(need)
	need = slices.Compact(need) // once: Compact clears the tail it drops
	for _, lang := range kit.Langs {
		for _, k := range need {
			if _, ok := cats[lang][k]; !ok {
				t.Errorf("%s: the catalogue lacks %q", lang, k)
			}
		}
	}
}
