package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/internal/testkit"
)

// A Velsen council member builds a flash poll over REST, schedules it,
// changes their mind and schedules it again, and opens it early; the
// council's tally starts at zero. Beverwijk cannot see the poll, and anyone
// may read its public tally without logging in.
func TestPollOverREST(t *testing.T) {
	databaseURL := testkit.NewDatabase(t)
	idp := newTestIdP(t)
	base := startInProcess(t, "-http-addr=127.0.0.1:0", "-data-dir="+t.TempDir(), "-database-url="+databaseURL, "-oidc-issuer="+idp.issuer, "-oidc-api-audience=meedoen-api")
	as := func(subject string) apiClient { return apiClient{t: t, base: base, token: idp.token(t, subject)} }
	velsen := as("council_member@GM0453")
	beverwijk := as("council_member@GM0375")

	processID := startVelsenProcess(t, as)
	now := time.Now().UTC()
	poll := velsen.must(http.StatusCreated, "POST", "/polls", `{
		"processId": "`+processID+`", "tenant": "GM0453", "kind": "flash_poll",
		"title": {"nl": "Het Wmo-loket"},
		"sections": [{"id": "s1", "questions": [
			{"id": "q1", "type": "single_choice", "text": {"nl": "Hoe vaak was u dit jaar bij het loket?"}, "required": true,
			 "options": [{"id": "a", "label": {"nl": "Nooit"}}, {"id": "b", "label": {"nl": "Een keer"}}, {"id": "c", "label": {"nl": "Vaker"}}]},
			{"id": "q2", "type": "likert", "text": {"nl": "Het loket is goed bereikbaar."}}
		]}],
		"slug": "wmo-loket-velsen",
		"audience": {"kind": "open_link"},
		"opensAt": "`+now.Add(time.Hour).Format(time.RFC3339)+`",
		"closesAt": "`+now.Add(14*24*time.Hour).Format(time.RFC3339)+`"
	}`)
	id, _ := poll["id"].(string)
	if id == "" || poll["status"] != "draft" || poll["tenant"] != "GM0453" {
		t.Fatalf("created poll %v, want a draft of GM0453 with an id", poll)
	}

	// Scheduling needs everything the resident's pages show.
	code, refused := velsen.do("POST", "/polls/"+id+"/scheduling", "")
	if code != http.StatusConflict || !strings.Contains(fmt.Sprint(refused["invalidParams"]), "/resultsSharing/nl") {
		t.Errorf("scheduling without resultsSharing: %d %v, want 409 naming /resultsSharing/nl", code, refused)
	}

	// The body's top-level fields are what a PATCH changes, each whole.
	poll = velsen.must(http.StatusOK, "PATCH", "/polls/"+id, `{
		"title": {"nl": "Het Wmo-loket in Velsen", "en": "The Wmo desk in Velsen"},
		"resultsSharing": {"nl": "In juni op de website van de participatieraad."}}`)
	if diff := cmp.Diff(map[string]any{"nl": "Het Wmo-loket in Velsen", "en": "The Wmo desk in Velsen"}, poll["title"]); diff != "" {
		t.Errorf("title after PATCH mismatch (-want +got):\n%s", diff)
	}
	if code, out := velsen.do("PATCH", "/polls/"+id, `{"status": "open"}`); code != http.StatusBadRequest {
		t.Errorf("PATCH of the status: %d %v, want 400", code, out)
	}

	// A poll runs only while its process is in execute: in intake it is
	// refused with 409 naming the process and its phase.
	code, refused = velsen.do("POST", "/polls/"+id+"/scheduling", "")
	if code != http.StatusConflict || !strings.Contains(fmt.Sprint(refused["invalidParams"]), "/processId") ||
		!strings.Contains(fmt.Sprint(refused["invalidParams"]), "the process is in phase intake; polls open in execute") {
		t.Errorf("scheduling in intake: %d %v, want 409 naming /processId and the phase", code, refused)
	}
	executeProcess(velsen, processID)
	if got := schedulePoll(velsen, id); got["status"] != "scheduled" {
		t.Fatalf("scheduling in execute: status %v", got["status"])
	}

	for _, step := range []struct {
		method, path, want string
	}{
		{"DELETE", "/scheduling", "draft"},
		{"POST", "/scheduling", "scheduled"},
		{"POST", "/opening", "open"},
	} {
		got := velsen.must(http.StatusOK, step.method, "/polls/"+id+step.path, "")
		if got["status"] != step.want {
			t.Fatalf("%s %s: status %v, want %s", step.method, step.path, got["status"], step.want)
		}
	}
	if code, out := velsen.do("POST", "/polls/"+id+"/scheduling", ""); code != http.StatusConflict {
		t.Errorf("scheduling an open poll: %d %v, want 409", code, out)
	}

	tally := velsen.must(http.StatusOK, "GET", "/polls/"+id+"/tally", "")
	if diff := cmp.Diff(map[string]any{"value": 0.0, "hidden": false}, tally["responses"]); diff != "" {
		t.Errorf("responses of a new poll mismatch (-want +got):\n%s", diff)
	}
	if questions, _ := tally["questions"].([]any); len(questions) != 2 {
		t.Errorf("tally has %d questions, want 2: %v", len(questions), tally["questions"])
	}
	if ids := listedIDs(velsen.must(http.StatusOK, "GET", "/polls?processId="+processID, ""), "polls"); !cmp.Equal(ids, []string{id}) {
		t.Errorf("polls of the process: %v, want [%s]", ids, id)
	}

	for _, path := range []string{"/polls/" + id, "/polls/" + id + "/tally"} {
		if code, out := beverwijk.do("GET", path, ""); code != http.StatusNotFound {
			t.Errorf("Beverwijk GET %s: %d %v, want 404", path, code, out)
		}
	}

	anonymous := func(path string) (int, map[string]any) {
		t.Helper()
		resp, err := http.Get(base + "/api/v1" + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var out map[string]any
		_ = json.Unmarshal(b, &out)
		return resp.StatusCode, out
	}
	if code, out := anonymous("/polls/" + id); code != http.StatusUnauthorized {
		t.Errorf("anonymous GET of the poll: %d %v, want 401", code, out)
	}
	code, public := anonymous("/polls/" + id + "/public-tally")
	if code != http.StatusOK || public["pollId"] != id {
		t.Fatalf("anonymous GET of the public tally: %d %v, want 200 with the poll's tally", code, public)
	}
	if cell, _ := public["minCell"].(float64); cell < 1 {
		t.Errorf("public tally hides cells below %v, want a positive minimum", public["minCell"])
	}
	openSlugs := func() []string {
		t.Helper()
		code, out := anonymous("/open-polls?municipalityCode=GM0453")
		if code != http.StatusOK {
			t.Fatalf("anonymous GET /open-polls: %d %v, want 200", code, out)
		}
		slugs := []string{}
		for _, p := range out["polls"].([]any) {
			slugs = append(slugs, p.(map[string]any)["slug"].(string))
		}
		return slugs
	}
	if got := openSlugs(); !slices.Contains(got, "wmo-loket-velsen") {
		t.Errorf("Velsen's open polls %v, want the open poll wmo-loket-velsen", got)
	}
	if code, out := anonymous("/open-polls?municipalityCode=Velsen"); code != http.StatusBadRequest || !strings.Contains(fmt.Sprint(out["invalidParams"]), "municipalityCode") {
		t.Errorf("GET /open-polls?municipalityCode=Velsen: %d %v, want 400 naming municipalityCode", code, out)
	}

	closed := velsen.must(http.StatusOK, "POST", "/polls/"+id+"/closing", "")
	if closed["status"] != "closed" {
		t.Errorf("status after closing: %v", closed["status"])
	}
	if got := openSlugs(); slices.Contains(got, "wmo-loket-velsen") {
		t.Errorf("Velsen's open polls %v still list the closed poll", got)
	}
	if code, out := velsen.do("POST", "/polls/"+id+"/cancellation", `{"reason": "Te laat."}`); code != http.StatusConflict {
		t.Errorf("cancelling a closed poll: %d %v, want 409", code, out)
	}
}

// startVelsenProcess creates the IJmond tenants and starts a Velsen
// participation process the way the council does, returning its id: a poll
// must belong to a process the surveys service has heard of.
func startVelsenProcess(t *testing.T, as func(subject string) apiClient) string {
	t.Helper()
	root := as("root")
	root.must(http.StatusCreated, "POST", "/regions", `{"id":"ijmond","name":"IJmond"}`)
	for _, m := range [][2]string{{"GM0453", "Velsen"}, {"GM0375", "Beverwijk"}, {"GM0396", "Heemskerk"}} {
		root.must(http.StatusCreated, "POST", "/municipalities", `{"code":"`+m[0]+`","name":"`+m[1]+`","regionId":"ijmond"}`)
	}
	q := as("policy_officer@GM0453").must(http.StatusCreated, "POST", "/questions", `{"title":"Het Wmo-loket","description":"Hoe ervaren inwoners het loket?",
		"theme":"toegankelijkheid","origin":"solicited","scope":{"tenant":"GM0453"},"adviceNeededBy":"2099-03-31"}`)
	qid, _ := q["id"].(string)
	as("chair@GM0453").must(http.StatusOK, "POST", "/questions/"+qid+"/decisions", `{"accept":true}`)
	p := as("council_member@GM0453").must(http.StatusCreated, "POST", "/processes", `{"questionId":"`+qid+`"}`)
	id, _ := p["id"].(string)
	return id
}
