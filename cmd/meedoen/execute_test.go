package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// executeProcess takes process id through its plan into execute as c,
// where its polls may be scheduled and open; what the plan already says
// is kept.
func executeProcess(c apiClient, id string) {
	c.t.Helper()
	c.must(http.StatusOK, "POST", "/processes/"+id+"/transitions", `{"toPhase":"concretise"}`)
	p := c.must(http.StatusOK, "GET", "/processes/"+id, "")
	plan := map[string]any{"targetGroup": "Inwoners van Velsen", "forms": []string{"flash_poll", "questionnaire"}}
	if p["preciseQuestion"] == "" || p["preciseQuestion"] == nil {
		plan["preciseQuestion"] = "Waar lopen inwoners vast?"
	}
	if p["approach"] == "" || p["approach"] == nil {
		plan["approach"] = "Een flitspeiling"
	}
	b, err := json.Marshal(plan)
	if err != nil {
		c.t.Fatal(err)
	}
	c.must(http.StatusOK, "PATCH", "/processes/"+id, string(b))
	for _, ph := range []string{"choose_forms", "execute"} {
		c.must(http.StatusOK, "POST", "/processes/"+id+"/transitions", `{"toPhase":"`+ph+`"}`)
	}
}

// schedulePoll schedules poll id as c once the surveys service has heard
// that its process is in execute: the phase reaches it by event, some
// milliseconds after the move.
func schedulePoll(c apiClient, id string) map[string]any {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		code, out := c.do("POST", "/polls/"+id+"/scheduling", "")
		if code == http.StatusOK {
			return out
		}
		if code != http.StatusConflict || !strings.Contains(fmt.Sprint(out["invalidParams"]), "/processId") || time.Now().After(deadline) {
			c.t.Fatalf("scheduling poll %s: %d %v", id, code, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
