package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"io/fs"
	"math/big"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/meedoen/meedoen/internal/mail"
	"github.com/meedoen/meedoen/internal/testkit"
)

// markers are recognisable personal data, new for each run, that the test
// types into every form and endpoint that takes personal data or free
// text, and then looks for where it must never be.
type markers struct {
	tag      string // in every e-mail address: pii-<tag>-<where>@example.org
	phone    string // 06-<8 digits>
	digits   string // the phone number's 8 digits
	name     string // a surname no one has
	postcode string // a Velsen PC6, "1973 XY"
}

func newMarkers(t *testing.T) markers {
	t.Helper()
	pick := func(alphabet string, n int) string {
		var b strings.Builder
		for range n {
			i, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
			if err != nil {
				t.Fatal(err)
			}
			b.WriteByte(alphabet[i.Int64()])
		}
		return b.String()
	}
	m := markers{tag: pick("abcdefghijkmnpqrstuvwxyz23456789", 10), digits: "2" + pick("0123456789", 7)}
	m.phone = "06-" + m.digits
	m.name = "Jansen" + pick("bcdfghjklmnpqrstvwxz", 6)
	// Letters PostNL never issues (SA, SD, SS) nor the demo's AB.
	m.postcode = "1973 " + pick("CEGKLMNPRTVWXZ", 2)
	return m
}

// email is a marker address for one form.
func (m markers) email(where string) string { return "pii-" + m.tag + "-" + where + "@example.org" }

// typed is what a careless or curious resident types into a box: a name,
// a phone number and an address.
func (m markers) typed(where string) string {
	return "Jan " + m.name + " tel " + m.phone + " " + m.email(where)
}

// needles are the strings that must not be found: each marker, and the
// forms a postcode and a phone number take when written otherwise.
func (m markers) needles() []string {
	return []string{"pii-" + m.tag, m.digits, m.name, m.postcode, strings.ReplaceAll(m.postcode, " ", "")}
}

// found lists the needles in data, with where.
func (m markers) found(where string, data []byte) []string {
	var out []string
	for _, n := range m.needles() {
		if bytes.Contains(data, []byte(n)) {
			out = append(out, fmt.Sprintf("%q found in %s", n, where))
		}
	}
	return out
}

// Personal data and free text stay in the service that keeps them. The
// test types recognisable personal data into every resident and staff
// form and endpoint that takes personal data or free text — the panel
// sign-up (a neighbourhood with a name, phone number and address in it,
// refused, then a listed one), the panel import, free-text and "other,
// namely…" answers on an open link and through an invitation, the address
// for feedback, council members, the council's contact address, an agenda
// question, a process, a field activity, a declaration of interest, a
// poll's cancellation, the focus groups' forms and the results' forms
// (an advice's owner's name and address among them) — lets the events
// flow until the tallies count the answers, and then finds none of it in the JetStream store's files, in
// any service's outbox, in the process's logs or in its trace spans.
//
// Not parallel: the span recorder and the logs are this process's alone
// only while no other test runs a process beside it.
func TestPersonalDataStaysOutOfEventsLogsAndTraces(t *testing.T) {
	m := newMarkers(t)
	databaseURL := testkit.NewDatabase(t)
	idp := newTestIdP(t)
	dataDir := t.TempDir()
	var logs testkit.Buffer
	spans := tracetest.NewSpanRecorder()
	base := startWatched(t, hooks{spans: spans}, &logs, "-http-addr=127.0.0.1:0", "-data-dir="+dataDir, "-database-url="+databaseURL,
		"-oidc-issuer="+idp.issuer, "-oidc-api-audience=meedoen-api", "-dev", "-log-level=debug", "-anonymous-rate-limit=-1", "-rate-limit=-1")
	as := func(subject string) apiClient { return apiClient{t: t, base: base, token: idp.token(t, subject)} }
	chair, member, officer, secretary := as("chair@GM0453"), as("council_member@GM0453"), as("policy_officer@GM0453"), as("secretary@GM0453")

	// Staff: the council, its agenda and its process.
	added := chair.must(http.StatusCreated, "POST", "/councils/GM0453/members",
		`{"name":"Jan `+m.name+`","role":"member","termStart":"2026-01-01","subject":"council_member@GM0453"}`)
	chair.must(http.StatusOK, "PATCH", "/councils/GM0453",
		`{"name":"Participatieraad Velsen","contactEmail":"`+m.email("council")+`","takesUnsolicitedQuestions":false,"seats":9}`)
	q := officer.must(http.StatusCreated, "POST", "/questions", `{"title":"Bereikbaarheid van het loket","description":"Gemeld door `+m.typed("question")+`",
		"theme":"toegankelijkheid","origin":"solicited","scope":{"tenant":"GM0453"},"adviceNeededBy":"2099-03-31"}`)
	chair.must(http.StatusOK, "POST", "/questions/"+q["id"].(string)+"/decisions", `{"accept":true}`)
	proc := member.must(http.StatusCreated, "POST", "/processes", `{"questionId":"`+q["id"].(string)+`"}`)
	processID := proc["id"].(string)
	member.must(http.StatusOK, "PATCH", "/processes/"+processID, `{"preciseQuestion":"Wat mist `+m.name+`?","approach":"Bellen met `+m.typed("process")+`"}`)
	member.must(http.StatusCreated, "POST", "/processes/"+processID+"/field-activities",
		`{"form":"visit","date":"2026-01-05","place":"Bij `+m.name+` thuis, `+m.postcode+`","residentsReached":3,"notes":"Mail `+m.email("activity")+`"}`)
	member.must(http.StatusCreated, "POST", "/processes/"+processID+"/declarations",
		`{"memberId":"`+added["id"].(string)+`","statement":"Ik ken `+m.typed("declaration")+`"}`)

	// Staff: three polls with free-text questions, one on an open link
	// that checks the postcode, one for the panel, one cancelled.
	now := time.Now().UTC()
	poll := func(audience string) string {
		p := member.must(http.StatusCreated, "POST", "/polls", `{"processId":"`+processID+`","tenant":"GM0453","kind":"flash_poll",
			"title":{"nl":"Het loket"},"resultsSharing":{"nl":"In juni op de website."},
			"sections":[{"id":"s1","questions":[
				{"id":"keus","type":"single_choice","text":{"nl":"Hoe kwam u bij het loket?"},"other":true,
				 "options":[{"id":"a","label":{"nl":"Lopend"}},{"id":"b","label":{"nl":"Met de bus"}}]},
				{"id":"kort","type":"short_text","text":{"nl":"Wat viel op?"}},
				{"id":"lang","type":"long_text","text":{"nl":"Vertel meer."}}]}],
			`+audience+`,"opensAt":"`+now.Add(time.Hour).Format(time.RFC3339)+`","closesAt":"`+now.Add(7*24*time.Hour).Format(time.RFC3339)+`"}`)
		return p["id"].(string)
	}
	slug := "loket-" + strings.ToLower(newMarkers(t).tag) // not a marker: it is in URLs
	openPoll := poll(`"slug":"` + slug + `","audience":{"kind":"open_link","postcodeCheck":true}`)
	panelPoll := poll(`"audience":{"kind":"panel"}`)
	cancelled := poll(`"audience":{"kind":"panel"}`)
	if code, out := member.do("PATCH", "/polls/"+cancelled, `{"audience":{"kind":"panel","neighbourhoods":["`+m.typed("audience")+`"]}}`); code != http.StatusBadRequest {
		t.Errorf("an audience of typed text: %d %v, want 400", code, out)
	}
	member.must(http.StatusOK, "POST", "/polls/"+cancelled+"/cancellation", `{"reason":"Dubbel, zegt `+m.typed("cancel")+`"}`)
	executeProcess(member, processID)
	for _, id := range []string{openPoll, panelPoll} {
		schedulePoll(member, id)
		member.must(http.StatusOK, "POST", "/polls/"+id+"/opening", "")
	}

	// Residents: the panel sign-up refuses a neighbourhood as typed, next
	// to the field, and takes one of the list.
	signup := func(wijk string) (*http.Response, string) {
		return postForm(t, base+"/panel/aanmelden/GM0453", url.Values{"email": {m.email("signup")}, "postcode": {m.postcode},
			"wijk": {wijk}, "leeftijd": {"27-40"}, "toestemming": {"ja"}, "versie": {consentVersion(t, base)}})
	}
	if resp, body := signup(m.typed("signup")); resp.StatusCode != http.StatusUnprocessableEntity ||
		!regexp.MustCompile(`id="wijk-fout"[^>]*>[^<]*<[^>]*>[^<]*Kies een wijk uit de lijst`).MatchString(body) {
		t.Errorf("sign-up with a typed neighbourhood: %s, want 422 with the error next to the field", resp.Status)
	}
	if resp, _ := signup("VEL-01"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-up with a listed neighbourhood: %s, want 303", resp.Status)
	}
	confirm := mailLink(t, dataDir, m.email("signup"), "/panel/bevestigen/")
	if resp, _ := postForm(t, base+confirm, url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirming the sign-up: %s", resp.Status)
	}

	// Staff: the panel import refuses the row with a typed neighbourhood.
	csv := "email;postcode;wijk;leeftijdsgroep;toestemming_datum\n" +
		m.email("import-refused") + ";" + m.postcode + ";" + m.typed("import-wijk") + ";41-65;2026-01-05\n" +
		m.email("import") + ";" + m.postcode + ";Velserbroek;66-75;2026-01-05\n"
	imp := secretary.must(http.StatusOK, "POST", "/panels/GM0453/imports",
		`{"csv":"`+base64.StdEncoding.EncodeToString([]byte(csv))+`","consentVersion":"2026-01"}`)
	if fmt.Sprint(imp["imported"]) != "1" || !strings.Contains(fmt.Sprint(imp["rejected"]), "column:wijk") {
		t.Errorf("import: %v, want one imported and the typed neighbourhood rejected", imp)
	}

	// Residents answer: invited panel members, and an open link.
	member.must(http.StatusOK, "POST", "/polls/"+panelPoll+"/panel-invitations", `{"municipalityCode":"GM0453"}`)
	answer := func(who, link string) {
		resp, body := postForm(t, base+link, url.Values{"v.keus": {"other"}, "v.keus.other.text": {m.typed("other-" + who)},
			"v.kort": {m.typed("short-" + who)}, "v.lang": {"Ik woon op " + m.postcode + ", bel " + m.phone}, "email": {m.email("feedback-" + who)}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("answering by invitation (%s): %s\n%s", who, resp.Status, body)
		}
	}
	for _, who := range []string{"signup", "import"} {
		answer(who, mailLink(t, dataDir, m.email(who), "/i/"))
	}
	// The refused row made no member, so no invitation went to it; had
	// it, its answer would carry the typed neighbourhood along.
	if link := mailLinkIn(t, dataDir, m.email("import-refused"), "/i/"); link != "" {
		t.Error("the row with a typed neighbourhood was imported and invited")
		answer("import-refused", link)
	}
	resp, body := postForm(t, base+"/p/"+slug, url.Values{"postcode": {m.postcode}, "v.keus": {"a"},
		"v.kort": {m.typed("short-open")}, "v.lang": {m.name}, "email": {m.email("feedback-open")}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("answering the open link: %s\n%s", resp.Status, body)
	}

	// The events flow: the tallies count every answer, the council's
	// breakdown by the neighbourhoods' codes.
	counted := func(id string) int {
		var n int
		fmt.Sscan(fmt.Sprint(member.must(http.StatusOK, "GET", "/polls/"+id+"/tally", "")["responses"].(map[string]any)["value"]), &n)
		return n
	}
	testkit.CheckFor(t, 30*time.Second, 50*time.Millisecond, func() error {
		for id, want := range map[string]int{openPoll: 1, panelPoll: 2} {
			if got := counted(id); got < want {
				return fmt.Errorf("poll %s counts %d responses, want %d", id, got, want)
			}
		}
		return nil
	})
	if got := counted(panelPoll); got != 2 {
		t.Errorf("the panel poll counts %d responses, want 2", got)
	}
	breakdowns := fmt.Sprint(member.must(http.StatusOK, "GET", "/polls/"+panelPoll+"/tally", "")["breakdowns"])
	for _, code := range []string{"value:VEL-01", "value:VEL-07"} {
		if !strings.Contains(breakdowns, code) {
			t.Errorf("the council's breakdown lacks %s: %s", code, breakdowns)
		}
	}
	focusGroup(t, m, member, processID)
	resultsForms(t, m, chair, member, officer, processID)
	waitForOutboxes(t, databaseURL)

	// What staff may see holds the markers: the test did put them in.
	if staff := rawGet(t, base+"/api/v1/polls/"+panelPoll+"/responses?format=csv", member.token); !bytes.Contains(staff, []byte(m.phone)) {
		t.Fatalf("the staff's export lacks the typed phone number; the markers did not go in:\n%s", staff)
	}
	// What the public may see holds none.
	var leaks []string
	leaks = append(leaks, m.found("the public export", rawGet(t, base+"/api/v1/polls/"+panelPoll+"/responses?format=csv&public=true", member.token))...)
	leaks = append(leaks, m.found("the public tally", rawGet(t, base+"/api/v1/polls/"+openPoll+"/public-tally", ""))...)
	leaks = append(leaks, m.found("the breakdown", []byte(breakdowns))...)

	// Where personal data must never be.
	leaks = append(leaks, grepStore(t, m, filepath.Join(dataDir, "nats"))...)
	leaks = append(leaks, grepOutboxes(t, m, databaseURL)...)
	if !strings.Contains(logs.String(), "neighbourhood list stored") {
		t.Error("the logs were not captured")
	}
	leaks = append(leaks, m.found("the logs", []byte(logs.String()))...)
	traced := spanText(spans.Ended())
	if !bytes.Contains(traced, []byte("SubmitResponse")) || !bytes.Contains(traced, []byte("/panel/aanmelden")) {
		t.Error("the spans of the submits and the sign-up were not recorded")
	}
	leaks = append(leaks, m.found("the trace spans", traced)...)
	for _, l := range leaks {
		t.Error(l)
	}
}

// focusGroup types the markers into every focus-group form that takes
// personal data or free text: the group's name and purpose, a resident
// member with their consent, an invitation, a session's place, agenda and
// notes, an answer's access note, the attendance, a finding with a named
// quote, and a cancellation's reason. The session is held and the finding
// agreed, so that session.held and findings.recorded go out.
func focusGroup(t *testing.T, m markers, member apiClient, processID string) {
	t.Helper()
	var group string
	testkit.CheckFor(t, 15*time.Second, 50*time.Millisecond, func() error {
		code, out := member.do("POST", "/focus-groups", `{"processId":"`+processID+`","name":"Groep van `+m.name+`",
			"purpose":"Op verzoek van `+m.typed("fg-purpose")+`","seats":[{"roles":["informal_carer"],"seats":1}]}`)
		if code != http.StatusCreated {
			return fmt.Errorf("forming a focus group: %d %v", code, out)
		}
		group = "/focus-groups/" + out["id"].(string)
		return nil
	})
	// A member is a GroupMember, not a "member" of the path: 200.
	resident := member.must(http.StatusOK, "POST", group+"/members", `{"kind":"resident","role":"informal_carer",
		"name":"Jan `+m.name+`","email":"`+m.email("fg-member")+`","consent":{"method":"phone","time":"2026-11-20T10:00:00Z"}}`)
	waiting := member.must(http.StatusOK, "POST", group+"/members", `{"kind":"resident","role":"informal_carer",
		"name":"Piet `+m.name+`","email":"`+m.email("fg-waiting")+`","consent":{"method":"in_person","time":"2026-11-20T10:00:00Z"}}`)
	member.must(http.StatusOK, "POST", group+"/invitations", `{"invitees":[{"email":"`+m.email("fg-invite")+`","name":"Jan `+m.name+`","role":"client"}]}`)
	start := time.Now().UTC().Add(2 * time.Second)
	session := func(start time.Time) string {
		s := member.must(http.StatusCreated, "POST", group+"/sessions", `{"startTime":"`+start.Format(time.RFC3339Nano)+`",
			"endTime":"`+start.Add(2*time.Hour).Format(time.RFC3339Nano)+`","place":{"address":"Bij `+m.name+` thuis, `+m.postcode+`",
			"accessibility":"Bel `+m.phone+`"},"agenda":"Gesprek met `+m.typed("fg-agenda")+`","notes":"`+m.typed("fg-notes")+`"}`)
		return group + "/sessions/" + s["id"].(string)
	}
	held, later := session(start), session(start.Add(7*24*time.Hour))
	for _, who := range []map[string]any{resident, waiting} {
		member.must(http.StatusCreated, "POST", held+"/rsvps", `{"memberId":"`+who["id"].(string)+`","answer":"yes",
			"accessNeeds":["interpreter"],"accessNote":"`+m.typed("fg-access")+`"}`)
	}
	member.must(http.StatusCreated, "POST", held+"/rsvps", `{"memberId":"`+resident["id"].(string)+`","answer":"no"}`)
	member.must(http.StatusOK, "PATCH", later, `{"startTime":"`+start.Add(8*24*time.Hour).Format(time.RFC3339Nano)+`",
		"endTime":"`+start.Add(8*24*time.Hour+time.Hour).Format(time.RFC3339Nano)+`"}`)
	member.must(http.StatusOK, "POST", later+"/cancellation", `{"reason":"Afgezegd door `+m.typed("fg-cancel")+`"}`)
	time.Sleep(time.Until(start) + 100*time.Millisecond)
	member.must(http.StatusOK, "PUT", held+"/attendance", `{"members":[{"memberId":"`+waiting["id"].(string)+`","present":true}],
		"walkIns":[{"role":"informal_carer","count":2}]}`)
	member.must(http.StatusOK, "POST", held+"/completion", "")
	f := member.must(http.StatusCreated, "POST", group+"/findings", `{"sessionId":"`+strings.TrimPrefix(held, group+"/sessions/")+`",
		"statement":"Volgens `+m.typed("fg-finding")+`","breadth":"most","quotes":[
		{"text":"Bel mij op `+m.phone+`","consent":"named","speakerName":"Jan `+m.name+`","memberId":"`+waiting["id"].(string)+`"},
		{"text":"Ik woon op `+m.postcode+`","consent":"anonymous"},{"text":"`+m.typed("fg-internal")+`","consent":"internal"}]}`)
	member.must(http.StatusOK, "POST", group+"/findings/"+f["id"].(string)+"/agreement", "")
	member.must(http.StatusOK, "DELETE", group+"/members/"+resident["id"].(string), "")
	member.must(http.StatusOK, "POST", group+"/members/"+waiting["id"].(string)+"/erasure", "")
	member.must(http.StatusOK, "POST", group+"/dissolution", `{"reason":"`+m.typed("fg-dissolve")+`"}`)
}

// resultsForms types the markers into every results form that takes personal
// data or free text: the response settings' addresses, an advice's text
// and a version's change note, a response's owner (name and address) and
// a motivation, a revision request's reason and the report's summary.
// The advice is adopted, sent, acknowledged, answered and reported, so
// that every results event goes out.
func resultsForms(t *testing.T, m markers, chair, member, officer apiClient, processID string) {
	t.Helper()
	ok := func(who apiClient, method, path, body string) map[string]any {
		t.Helper()
		code, out := who.do(method, path, body)
		if code >= 300 {
			t.Fatalf("%s %s: %d %v", method, path, code, out)
		}
		return out
	}
	ok(officer, "PATCH", "/response-settings/GM0453", `{"officerEmail":"`+m.email("res-officer")+`","secretaryEmail":"`+m.email("res-secretary")+`"}`)
	content := func(where string) string {
		return `{"title":"Advies over het loket","question":"Wat mist ` + m.name + `?","involvement":"Gesprek bij ` + m.name + ` thuis, ` + m.postcode + `",
			"findings":"Volgens ` + m.typed(where+"-findings") + `","conclusions":"` + m.typed(where+"-conclusions") + `",
			"recommendations":[{"text":"Bel ` + m.phone + `"},{"text":"` + m.typed(where+"-recommendation") + `"}]}`
	}
	var advice string
	testkit.CheckFor(t, 15*time.Second, 50*time.Millisecond, func() error {
		code, out := member.do("POST", "/advices", `{"processId":"`+processID+`","content":`+content("res-advice")+`}`)
		if code >= 300 {
			return fmt.Errorf("drafting an advice: %d %v", code, out)
		}
		advice = "/advices/" + out["id"].(string)
		return nil
	})
	ok(member, "POST", advice+"/versions", `{"basedOn":1,"changeNote":"Op verzoek van `+m.typed("res-note")+`","content":`+content("res-version")+`}`)
	ok(chair, "POST", advice+"/adoption", `{"version":2}`)
	ok(chair, "POST", advice+"/sending", `{"version":2}`)
	response := advice + "/responses/GM0453"
	ok(officer, "POST", response+"/acknowledgement", "")
	ok(officer, "POST", response+"/assignment", `{"ownerName":"Jan `+m.name+`","ownerEmail":"`+m.email("res-owner")+`"}`)
	// The response keeps its owner: the markers did go in.
	if got := ok(officer, "GET", response, ""); got["ownerName"] != "Jan "+m.name || got["ownerEmail"] != m.email("res-owner") {
		t.Fatalf("the response's owner is %v <%v>, want the markers", got["ownerName"], got["ownerEmail"])
	}
	amsterdam, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	ok(officer, "POST", response+"/decisions", `{"decidedOn":"`+time.Now().In(amsterdam).Format(time.DateOnly)+`","answers":[
		{"recommendation":1,"verdict":"adopted"},{"recommendation":2,"verdict":"not_adopted","motivation":"`+m.typed("res-motivation")+`"}]}`)
	ok(chair, "POST", response+"/revision-requests", `{"reason":"Gevraagd door `+m.typed("res-revision")+`"}`)
	ok(chair, "POST", "/reports", `{"processId":"`+processID+`","summary":"Dank aan `+m.typed("res-report")+`"}`)
}

// consentVersion reads the version of the consent text from the sign-up
// page, as a browser sends it back.
func consentVersion(t *testing.T, base string) string {
	t.Helper()
	page := string(rawGet(t, base+"/panel/aanmelden/GM0453", ""))
	v := regexp.MustCompile(`name="versie" value="([^"]+)"`).FindStringSubmatch(page)
	if v == nil {
		t.Fatalf("the sign-up page has no consent version:\n%s", page)
	}
	return v[1]
}

// postForm posts a form as a browser does, without following redirects.
func postForm(t *testing.T, target string, form url.Values) (*http.Response, string) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(target, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// rawGet returns the body of a GET, with a bearer token unless it is
// empty.
func rawGet(t *testing.T, target, token string) []byte {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s %s", target, resp.Status, b)
	}
	return b
}

// mailLink waits for a mail to to in the development mailbox and returns
// the path of its link that starts with prefix.
func mailLink(t *testing.T, dataDir, to, prefix string) string {
	t.Helper()
	var path string
	testkit.CheckFor(t, 30*time.Second, 50*time.Millisecond, func() error {
		if path = mailLinkIn(t, dataDir, to, prefix); path == "" {
			return fmt.Errorf("no mail to %s with a link to %s yet", to, prefix)
		}
		return nil
	})
	return path
}

// mailLinkIn is mailLink without waiting: "" when no such mail is in.
func mailLinkIn(t *testing.T, dataDir, to, prefix string) string {
	t.Helper()
	box, err := mail.NewDevMailbox(filepath.Join(dataDir, "mail"))
	if err != nil {
		t.Fatal(err)
	}
	box.Close() // only to read what the binary's mailbox stored
	msgs, err := box.Messages()
	if err != nil {
		t.Fatal(err)
	}
	link := regexp.MustCompile(`https?://[^/\s]+(` + regexp.QuoteMeta(prefix) + `[A-Za-z0-9_-]+)`)
	for _, msg := range msgs {
		if l := link.FindStringSubmatch(msg.Text); strings.Contains(msg.To, to) && l != nil {
			return l[1]
		}
	}
	return ""
}

// waitForOutboxes waits until every service's outbox is published.
func waitForOutboxes(t *testing.T, databaseURL string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	testkit.CheckFor(t, 30*time.Second, 50*time.Millisecond, func() error {
		for _, schema := range outboxSchemas(t, conn) {
			var pending int
			if err := conn.QueryRow(ctx, `SELECT count(*) FROM `+pgx.Identifier{schema, "outbox"}.Sanitize()+` WHERE published_at IS NULL`).Scan(&pending); err != nil {
				return err
			}
			if pending > 0 {
				return fmt.Errorf("%s.outbox has %d events to publish", schema, pending)
			}
		}
		return nil
	})
}

// outboxSchemas are the schemas with an outbox: every service's.
func outboxSchemas(t *testing.T, conn *pgx.Conn) []string {
	t.Helper()
	rows, err := conn.Query(context.Background(), `SELECT table_schema FROM information_schema.tables WHERE table_name = 'outbox' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(schemas) < 4 {
		t.Fatalf("outboxes in %v, want every service's", schemas)
	}
	return schemas
}

// grepOutboxes finds the markers in any column of any outbox row, the
// payload's bytes included.
func grepOutboxes(t *testing.T, m markers, databaseURL string) []string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var leaks []string
	events := 0
	for _, schema := range outboxSchemas(t, conn) {
		rows, err := conn.Query(ctx, `SELECT id, subject, ce_subject, data, traceparent, tracestate FROM `+pgx.Identifier{schema, "outbox"}.Sanitize())
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			var subject, ceSubject, traceparent, tracestate string
			var data []byte
			if err := rows.Scan(&id, &subject, &ceSubject, &data, &traceparent, &tracestate); err != nil {
				t.Fatal(err)
			}
			row := bytes.Join([][]byte{[]byte(subject), []byte(ceSubject), data, []byte(traceparent), []byte(tracestate)}, []byte{0})
			leaks = append(leaks, m.found(fmt.Sprintf("%s.outbox row %d (%s)", schema, id, subject), row)...)
			events++
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	if events == 0 {
		t.Fatal("no outbox rows to look in")
	}
	return leaks
}

// grepStore finds the markers in the files of the JetStream store under
// dir. Its messages are stored as published (no compression), so a
// payload's text is found as it is; the test checks that on the
// neighbourhood codes the events do carry.
func grepStore(t *testing.T, m markers, dir string) []string {
	t.Helper()
	var leaks []string
	sawCode := false
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		sawCode = sawCode || bytes.Contains(data, []byte("VEL-07"))
		leaks = append(leaks, m.found("the JetStream store's "+strings.TrimPrefix(path, dir), data)...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !sawCode {
		t.Error("the JetStream store's files do not show the events' neighbourhood codes: the search cannot see into them")
	}
	return leaks
}

// spanText is everything the spans say: names, attributes, events and
// statuses.
func spanText(spans []sdktrace.ReadOnlySpan) []byte {
	if len(spans) == 0 {
		return []byte("no spans")
	}
	var b bytes.Buffer
	for _, s := range spans {
		fmt.Fprintln(&b, s.Name(), s.Status().Description)
		for _, a := range s.Attributes() {
			fmt.Fprintln(&b, a.Key, a.Value.Emit())
		}
		for _, e := range s.Events() {
			fmt.Fprintln(&b, e.Name)
			for _, a := range e.Attributes {
				fmt.Fprintln(&b, a.Key, a.Value.Emit())
			}
		}
		for _, l := range s.Links() {
			for _, a := range l.Attributes {
				fmt.Fprintln(&b, a.Key, a.Value.Emit())
			}
		}
	}
	return b.Bytes()
}
