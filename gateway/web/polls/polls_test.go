package polls

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	"github.com/meedoen/meedoen/gateway/web/webtest"
	surveysv1 "github.com/meedoen/meedoen/proto/meedoen/surveys/v1"
)

// pollSite returns the fake surveys service and a site that uses it.
func pollSite(t *testing.T, cfg Config) (*fakeSurveys, *Site) {
	t.Helper()
	fake := newFakeSurveys()
	cfg.Surveys = fake.serve(t)
	return fake, newSite(t, cfg)
}

func TestStaffPollPagesRenderInBothLanguages(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		target  string
		lang    string
		want    []string
		notWant []string
	}{
		{
			name: "list", target: "/peilingen", lang: "nl",
			want: []string{
				"Peilingen van Velsen", "Bankjes in IJmuiden", "Mantelzorg in de IJmond", "Speeltuin Velsen-Noord", "Zwembad",
				"Flitspeiling", "Vragenlijst", "Concept", "Gepland", "Open", "Gesloten", "Gedeeld", "Heemskerk, Velsen",
				"2 november 2026, 09:00", "30 november 2026, 18:00", `href="/peilingen/poll-draft"`,
			},
			notWant: []string{"Markt Beverwijk", "Dit onderdeel is nog niet gebouwd."},
		},
		{
			name: "list, English", target: "/peilingen", lang: "en",
			want: []string{
				"Polls of Velsen", "Benches in IJmuiden", `<span lang="nl">Mantelzorg in de IJmond</span>`,
				"Flash poll", "Questionnaire", "Draft", "Scheduled", "Closed", "Shared", "2 November 2026, 09:00",
			},
		},
		{
			name: "shared open poll with its tally per municipality", target: "/peilingen/" + openPollID, lang: "nl",
			want: []string{
				// An open poll's count is an interim one; its shares add up
				// to 100 (66.7 % rounds up, as the largest remainder).
				"Tussenstand", "Mantelzorg in de IJmond", "Reacties: 3", "Waar wilt u meer bankjes?", "Bij het strand", "2 (67%)",
				"In het park", "1 (33%)", "Anders, namelijk", "0 (0%)", "Reacties per gemeente", "Velsen: 2", "Heemskerk: 1",
				`mdn-bar__fill--65`, `mdn-bar__fill--30`, `data-live="/peilingen/poll-open/live"`, ">Vernieuwen</a>",
				`href="/peilingen/poll-open/sluiten">Nu sluiten</a>`, `href="/peilingen/poll-open/stopzetten">Peiling stopzetten</a>`,
				"Uitsplitsing naar panelkenmerken", "Waar wilt u meer bankjes? — Leeftijdsgroep", `scope="row">27-40</th>`,
				`role="status" id="uitslag-status"`,
				"Antwoorden als bestand", "CSV met puntkomma’s, voor Excel in het Nederlands",
				`href="/api/v1/polls/poll-open/responses?language=nl&amp;format=csv&amp;separator=semicolon"`,
				`href="/api/v1/polls/poll-open/responses?language=nl&amp;public=true&amp;format=xlsx"`,
			},
			notWant: []string{">Plannen</button>", ">Nu openen</button>"},
		},
		{
			name: "shared open poll, English", target: "/peilingen/" + openPollID, lang: "en",
			want: []string{"Responses: 3", "By the beach", "Other, namely", "Responses per municipality", ">Refresh</a>", ">Close now</a>",
				"Responses as a file", `href="/api/v1/polls/poll-open/responses?language=en&amp;format=json"`},
		},
		{
			name: "draft", target: "/peilingen/" + draftPollID, lang: "nl",
			want:    []string{"Bankjes in IJmuiden", "Reacties: 0", ">Plannen</button>", ">Peiling stopzetten</a>"},
			notWant: []string{"data-live", "<script", ">Nu sluiten</a>", "Antwoorden als bestand"},
		},
		{
			name: "closed: no buttons", target: "/peilingen/" + closedPollID, lang: "nl",
			want:    []string{"Zwembad", "Reacties: 12", "Uitslag"},
			notWant: []string{"<button class=\"utrecht-button utrecht-button--primary-action\"", "Status wijzigen", "Tussenstand"},
		},
		{
			name: "after scheduling", target: "/peilingen/" + scheduledPollID + "?gelukt=gepland", lang: "nl",
			want: []string{"De peiling is gepland.", ">Nu openen</button>"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, site := pollSite(t, Config{})
			resp, body := webtest.Send(t, site, webtest.Request{Target: tc.target, As: &webtest.VelsenChair, Lang: tc.lang})
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d, want 200", resp.StatusCode)
			}
			webtest.MustContain(t, body, tc.want...)
			webtest.MustNotContain(t, body, tc.notWant...)
		})
	}
}

func TestStaffPollPagesRefuse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		target string
		fail   error
		want   int
	}{
		{"another tenant's poll", "/peilingen/" + otherPollID, nil, http.StatusNotFound},
		{"an unknown poll", "/peilingen/poll-none", nil, http.StatusNotFound},
		{"the service is down", "/peilingen", status.Error(codes.Unavailable, "down"), http.StatusServiceUnavailable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake, site := pollSite(t, Config{})
			if tc.fail != nil {
				fake.FailWith("ListPolls", tc.fail)
			}
			resp, _ := webtest.Send(t, site, webtest.Request{Target: tc.target, As: &webtest.VelsenChair})
			if resp.StatusCode != tc.want {
				t.Errorf("status = %d, want %d", resp.StatusCode, tc.want)
			}
		})
	}
	t.Run("anonymous visitors log in first", func(t *testing.T) {
		t.Parallel()
		_, site := pollSite(t, Config{})
		resp, _ := webtest.Send(t, site, webtest.Request{Target: "/peilingen/" + openPollID})
		if got, want := resp.Header.Get("Location"), "/auth/login?returnTo=%2Fpeilingen%2Fpoll-open"; resp.StatusCode != http.StatusSeeOther || got != want {
			t.Errorf("got %d to %q, want 303 to %q", resp.StatusCode, got, want)
		}
	})
	t.Run("without the service", func(t *testing.T) {
		t.Parallel()
		resp, _ := webtest.Send(t, newSite(t, Config{}), webtest.Request{Target: "/peilingen", As: &webtest.VelsenChair})
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("status = %d, want 503", resp.StatusCode)
		}
	})
}

func TestPollLifecycle(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		target   string
		form     url.Values
		method   string
		want     proto.Message
		location string
	}{
		{"schedule", "/peilingen/poll-draft/plannen", url.Values{}, "SchedulePoll",
			&surveysv1.SchedulePollRequest{Id: draftPollID}, "/peilingen/poll-draft?gelukt=gepland"},
		{"open early", "/peilingen/poll-scheduled/openen", url.Values{}, "OpenPoll",
			&surveysv1.OpenPollRequest{Id: scheduledPollID}, "/peilingen/poll-scheduled?gelukt=geopend"},
		{"close early", "/peilingen/poll-open/sluiten", url.Values{}, "ClosePoll",
			&surveysv1.ClosePollRequest{Id: openPollID}, "/peilingen/poll-open?gelukt=gesloten"},
		{"stop with a reason", "/peilingen/poll-open/stopzetten", url.Values{"reden": {" Het budget is op. "}}, "CancelPoll",
			&surveysv1.CancelPollRequest{Id: openPollID, Reason: "Het budget is op."}, "/peilingen/poll-open?gelukt=gestopt"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake, site := pollSite(t, Config{})
			resp, _ := webtest.Send(t, site, webtest.Request{Target: tc.target, As: &webtest.VelsenChair, Form: tc.form})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("status = %d, want 303", resp.StatusCode)
			}
			if got := resp.Header.Get("Location"); got != tc.location {
				t.Errorf("Location = %q, want %q", got, tc.location)
			}
			if diff := cmp.Diff(tc.want, fake.Request(tc.method), protocmp.Transform()); diff != "" {
				t.Errorf("%s request (-want +got):\n%s", tc.method, diff)
			}
		})
	}
	t.Run("stopping without a reason asks for one", func(t *testing.T) {
		t.Parallel()
		fake, site := pollSite(t, Config{})
		resp, body := webtest.Send(t, site, webtest.Request{Target: "/peilingen/poll-draft/stopzetten", As: &webtest.VelsenChair, Form: url.Values{"reden": {" "}}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("status = %d, want 422", resp.StatusCode)
		}
		webtest.MustContain(t, body, "Geef een reden om de peiling stop te zetten.", "<title>Fout: Peiling stopzetten: Bankjes in IJmuiden")
		if n := fake.CallsOf("CancelPoll"); n != 0 {
			t.Errorf("CancelPoll called %d times, want 0", n)
		}
	})
	t.Run("the service's objection is shown on the poll", func(t *testing.T) {
		t.Parallel()
		fake, site := pollSite(t, Config{})
		fake.FailWith("SchedulePoll", status.Error(codes.FailedPrecondition, "the poll has no results sharing text"))
		resp, body := webtest.Send(t, site, webtest.Request{Target: "/peilingen/poll-draft/plannen", As: &webtest.VelsenChair, Form: url.Values{}})
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("status = %d, want 409", resp.StatusCode)
		}
		webtest.MustContain(t, body, "Dat kon niet", `<span lang="en">the poll has no results sharing text</span>`, ">Plannen</button>")
	})
	t.Run("unmet conditions in the page's words", func(t *testing.T) {
		t.Parallel()
		tests := []struct {
			name, target, method string
			fail                 error
			want                 []string
		}{
			{"scheduling an incomplete draft", "/peilingen/poll-draft/plannen", "SchedulePoll",
				webtest.Unmet("the poll cannot be scheduled", "/sections", "needs at least one question",
					"/resultsSharing/nl", "is required: the thank-you page tells residents when and how the results will be shared"),
				[]string{"Vragen: Voeg minstens één vraag toe.", "Wanneer en hoe de resultaten gedeeld worden: Vertel inwoners wanneer en hoe de resultaten gedeeld worden."}},
			{"opening early for too long", "/peilingen/poll-scheduled/openen", "OpenPoll",
				webtest.Unmet("the poll cannot open early", "/closesAt", "opening now would keep the poll open longer than 14 days"),
				[]string{"Sluit op: Nu openen zou de peiling langer dan 14 dagen open houden."}},
			{"closing what closed meanwhile", "/peilingen/poll-open/sluiten", "ClosePoll",
				webtest.Unmet("cannot close a poll that is closed: only an open poll can close", "/status", "is closed"),
				[]string{"De peiling is intussen veranderd, door iemand anders of door de planning; deze stap past niet meer."}},
		}
		for _, tc := range tests {
			fake, site := pollSite(t, Config{})
			fake.FailWith(tc.method, tc.fail)
			resp, body := webtest.Send(t, site, webtest.Request{Target: tc.target, As: &webtest.VelsenChair, Form: url.Values{}})
			if resp.StatusCode != http.StatusConflict {
				t.Errorf("%s: status = %d, want 409", tc.name, resp.StatusCode)
			}
			webtest.MustContain(t, body, tc.want...)
			webtest.MustNotContain(t, body, `<span lang="en">`)
		}
	})
	t.Run("refused by role", func(t *testing.T) {
		t.Parallel()
		fake, site := pollSite(t, Config{})
		fake.FailWith("ClosePoll", status.Error(codes.PermissionDenied, "not allowed"))
		resp, body := webtest.Send(t, site, webtest.Request{Target: "/peilingen/poll-open/sluiten", As: &webtest.VelsenOfficer, Form: url.Values{}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("status = %d, want 403", resp.StatusCode)
		}
		webtest.MustContain(t, body, "Je mag de status van deze peiling niet wijzigen.")
	})
	t.Run("an unknown action", func(t *testing.T) {
		t.Parallel()
		_, site := pollSite(t, Config{})
		resp, _ := webtest.Send(t, site, webtest.Request{Target: "/peilingen/poll-open/wissen", As: &webtest.VelsenChair, Form: url.Values{}})
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("status = %d, want 404", resp.StatusCode)
		}
	})
}

// contentSecurityPolicy is the site's policy for pages without a script.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// Only the page with the live tally may run a script, and only ours.
func TestLiveTallyPolicy(t *testing.T) {
	t.Parallel()
	_, site := pollSite(t, Config{})
	for target, want := range map[string]string{
		"/peilingen":                     contentSecurityPolicy,
		"/peilingen/" + draftPollID:      contentSecurityPolicy,
		"/peilingen/" + openPollID:       contentSecurityPolicy + "; script-src 'self'; connect-src 'self'",
		"/peilingen/" + openPollID + "x": contentSecurityPolicy,
	} {
		resp, body := webtest.Send(t, site, webtest.Request{Target: target, As: &webtest.VelsenChair})
		if got := resp.Header.Get("Content-Security-Policy"); got != want {
			t.Errorf("%s: policy = %q, want %q", target, got, want)
		}
		if strings.Contains(body, "<script") != (want != contentSecurityPolicy) {
			t.Errorf("%s: a script without the policy for it, or the policy without a script", target)
		}
		if strings.Contains(body, "<script") && !strings.Contains(body, `<script src="/static/live.`) {
			t.Errorf("%s: a script other than live.js", target)
		}
	}
}

// sseEvent is one Server-Sent Event as read from the stream.
type sseEvent struct {
	name string
	data string
}

// readEvent reads the next event with a name from the stream.
func readEvent(t *testing.T, sc *bufio.Scanner) sseEvent {
	t.Helper()
	var ev sseEvent
	var data []string
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "" && ev.name != "":
			ev.data = strings.Join(data, "\n")
			return ev
		case strings.HasPrefix(line, "event: "):
			ev.name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data = append(data, strings.TrimPrefix(line, "data: "))
		}
	}
	t.Fatalf("the stream ended before an event: %v", sc.Err())
	return ev
}

func TestLiveTally(t *testing.T) {
	t.Parallel()
	fake, site := pollSite(t, Config{})
	site.liveEvery = 10 * time.Millisecond
	handlerDone := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		webtest.WithIdentity(webtest.VelsenChair, site.Handler()).ServeHTTP(w, r)
		if strings.HasSuffix(r.URL.Path, "/live") {
			handlerDone <- struct{}{}
		}
	}))
	t.Cleanup(srv.Close)

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/peilingen/"+openPollID+"/live?lang=en", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if got := resp.Header.Get("Content-Type"); got != "text/event-stream" {
		t.Fatalf("Content-Type = %q, want text/event-stream", got)
	}
	sc := bufio.NewScanner(resp.Body)

	first := readEvent(t, sc)
	if first.name != "tally" || !strings.Contains(first.data, "Responses: 3") {
		t.Fatalf("first event = %+v, want the tally with 3 responses", first)
	}
	fake.setResponses(openPollID, 4)
	next := readEvent(t, sc)
	webtest.MustContain(t, next.data, "Responses: 4", "By the beach", "3 (75%)", "Velsen: 2", "Heemskerk: 2")
	if strings.Contains(next.data, "<html") {
		t.Error("the event holds a whole page, want the tally fragment")
	}

	cancel()
	select {
	case <-handlerDone:
	case <-time.After(10 * time.Second):
		t.Fatal("the stream goes on after the client left")
	}
}

func TestLiveTallyEndsByItself(t *testing.T) {
	t.Parallel()
	_, site := pollSite(t, Config{})
	site.liveEvery, site.liveFor = 10*time.Millisecond, 100*time.Millisecond
	r := httptest.NewRequest(http.MethodGet, "/peilingen/"+openPollID+"/live", nil)
	w := httptest.NewRecorder()
	// ServeHTTP returns only when the stream has ended.
	webtest.WithIdentity(webtest.VelsenChair, site.Handler()).ServeHTTP(w, r)
	if got := strings.Count(w.Body.String(), "event: tally"); got != 1 {
		t.Errorf("%d events, want 1: the count did not change", got)
	}
}

func TestLiveTallyRefuses(t *testing.T) {
	t.Parallel()
	_, site := pollSite(t, Config{})
	tests := []struct {
		name   string
		target string
		as     bool
		want   int
	}{
		{"anonymous", "/peilingen/" + openPollID + "/live", false, http.StatusUnauthorized},
		{"another tenant's poll", "/peilingen/" + otherPollID + "/live", true, http.StatusNotFound},
		{"an unknown poll", "/peilingen/poll-none/live", true, http.StatusNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rq := webtest.Request{Target: tc.target}
			if tc.as {
				rq.As = &webtest.VelsenChair
			}
			resp, _ := webtest.Send(t, site, rq)
			if resp.StatusCode != tc.want {
				t.Errorf("status = %d, want %d", resp.StatusCode, tc.want)
			}
		})
	}
}

// TestIrreversibleStepsAskFirst: closing early and stopping are offered
// as links to a page of their own that says what happens and acts only
// from its form; a policy officer, who may not take the steps, is
// offered neither and is sent back from the confirmation page.
func TestIrreversibleStepsAskFirst(t *testing.T) {
	t.Parallel()
	fake, site := pollSite(t, Config{})
	for _, tc := range []struct{ action, heading, submit string }{
		{"sluiten", "Peiling nu sluiten?", "Ja, sluit de peiling nu"},
		{"stopzetten", "Peiling stopzetten?", "Ja, zet de peiling stop"},
	} {
		resp, body := webtest.Send(t, site, webtest.Request{Target: "/peilingen/poll-open/" + tc.action, As: &webtest.VelsenChair})
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status = %d, want 200", tc.action, resp.StatusCode)
		}
		webtest.MustContain(t, body, tc.heading, tc.submit, `action="/peilingen/poll-open/`+tc.action+`"`,
			`href="/peilingen/poll-open">Nee, terug naar de peiling</a>`, "utrecht-button--secondary-action")
		webtest.MustNotContain(t, body, "utrecht-button--primary-action")
	}
	if n := fake.CallsOf("ClosePoll") + fake.CallsOf("CancelPoll"); n != 0 {
		t.Errorf("showing the confirmation pages closed or stopped the poll (%d calls)", n)
	}
	_, body := webtest.Send(t, site, webtest.Request{Target: "/peilingen/poll-open", As: &webtest.VelsenOfficer})
	webtest.MustNotContain(t, body, "/peilingen/poll-open/sluiten", "/peilingen/poll-open/stopzetten", "Status wijzigen")
	resp, _ := webtest.Send(t, site, webtest.Request{Target: "/peilingen/poll-open/sluiten", As: &webtest.VelsenOfficer})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/peilingen/poll-open" {
		t.Errorf("officer at the confirmation page: %d to %q, want 303 to the poll", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = webtest.Send(t, site, webtest.Request{Target: "/peilingen/poll-closed/sluiten", As: &webtest.VelsenChair})
	webtest.MustNotContain(t, body, "Peiling nu sluiten?")
}
