package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/meedoen/meedoen/internal/testkit"
)

// apiClient calls the REST API as one person.
type apiClient struct {
	t     *testing.T
	base  string
	token string
}

func (c apiClient) do(method, path, body string) (int, map[string]any) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+"/api/v1"+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return resp.StatusCode, out
}

// must calls and fails the test unless the status is want.
func (c apiClient) must(want int, method, path, body string) map[string]any {
	c.t.Helper()
	got, out := c.do(method, path, body)
	if got != want {
		c.t.Fatalf("%s %s: %d %v, want %d", method, path, got, out, want)
	}
	return out
}

func listedIDs(out map[string]any, key string) []string {
	var ids []string
	items, _ := out[key].([]any)
	for _, it := range items {
		if m, ok := it.(map[string]any); ok {
			ids = append(ids, m["id"].(string))
		}
	}
	return ids
}

func contains2(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// A policy officer of Beverwijk raises a solicited question, the council
// turns it into a process and moves it to execute; Velsen sees the process
// only when it is regional.
func TestProcessEndToEnd(t *testing.T) {
	databaseURL := testkit.NewDatabase(t)
	idp := newTestIdP(t)
	base := startInProcess(t, "-http-addr=127.0.0.1:0", "-data-dir="+t.TempDir(), "-database-url="+databaseURL, "-oidc-issuer="+idp.issuer, "-oidc-api-audience=meedoen-api")
	as := func(subject string) apiClient { return apiClient{t: t, base: base, token: idp.token(t, subject)} }
	root := as("root")
	root.must(201, "POST", "/regions", `{"id":"ijmond","name":"IJmond"}`)
	for _, m := range [][2]string{{"GM0453", "Velsen"}, {"GM0375", "Beverwijk"}, {"GM0396", "Heemskerk"}} {
		root.must(201, "POST", "/municipalities", `{"code":"`+m[0]+`","name":"`+m[1]+`","regionId":"ijmond"}`)
	}
	officer := as("policy_officer@GM0375")
	chair := as("chair@GM0375")
	member := as("council_member@GM0375")
	velsen := as("council_member@GM0453")

	run := func(scope string) string {
		q := officer.must(201, "POST", "/questions", `{"title":"Wmo-loket","description":"Hoe ervaren inwoners het loket?","theme":"toegankelijkheid",
			"origin":"solicited","scope":`+scope+`,"adviceNeededBy":"2099-03-31"}`)
		qid := q["id"].(string)
		chair.must(200, "POST", "/questions/"+qid+"/decisions", `{"accept":true}`)
		p := member.must(201, "POST", "/processes", `{"questionId":"`+qid+`"}`)
		pid := p["id"].(string)
		member.must(200, "POST", "/processes/"+pid+"/transitions", `{"toPhase":"concretise"}`)
		// The gate of choose-forms is not met yet: 409 naming what is missing.
		if code, out := member.do("POST", "/processes/"+pid+"/transitions", `{"toPhase":"choose_forms"}`); code != 409 || out["invalidParams"] == nil {
			t.Fatalf("transition past an unmet gate: %d %v, want 409 with the unmet conditions", code, out)
		}
		member.must(200, "PATCH", "/processes/"+pid, `{"preciseQuestion":"Waar lopen inwoners vast bij het Wmo-loket?","approach":"Spiegelgesprek en flitspeiling","targetGroup":"Inwoners met een beperking"}`)
		member.must(200, "POST", "/processes/"+pid+"/transitions", `{"toPhase":"choose_forms"}`)
		member.must(200, "PATCH", "/processes/"+pid, `{"preciseQuestion":"Waar lopen inwoners vast bij het Wmo-loket?","approach":"Spiegelgesprek en flitspeiling","targetGroup":"Inwoners met een beperking","forms":["mirror_conversation","flash_poll"]}`)
		got := member.must(200, "POST", "/processes/"+pid+"/transitions", `{"toPhase":"execute"}`)
		if got["phase"] != "execute" {
			t.Fatalf("phase after moving to execute: %v", got["phase"])
		}
		timeline := member.must(200, "GET", "/processes/"+pid+"/transitions", "")
		if n := len(timeline["transitions"].([]any)); n != 3 {
			t.Errorf("timeline has %d moves, want 3", n)
		}
		return pid
	}

	local := run(`{"tenant":"GM0375"}`)
	if code, _ := velsen.do("GET", "/processes/"+local, ""); code != http.StatusNotFound {
		t.Errorf("Velsen reads Beverwijk's local process: %d, want 404", code)
	}
	if ids := listedIDs(velsen.must(200, "GET", "/processes", ""), "processes"); contains2(ids, local) {
		t.Error("Beverwijk's local process is listed for Velsen")
	}

	regional := run(`{"tenant":"ijmond","participatingMunicipalities":["GM0375","GM0453"]}`)
	velsen.must(200, "GET", "/processes/"+regional, "")
	if ids := listedIDs(velsen.must(200, "GET", "/processes?tenant=GM0453", ""), "processes"); !contains2(ids, regional) {
		t.Error("the regional process Velsen takes part in is not listed for Velsen")
	}
	if code, _ := as("council_member@GM0396").do("GET", "/processes/"+regional, ""); code != http.StatusNotFound {
		t.Errorf("Heemskerk, not taking part, reads the regional process: %d, want 404", code)
	}
}
