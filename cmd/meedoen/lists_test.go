package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meedoen/meedoen/gateway/openapi"
	"github.com/meedoen/meedoen/internal/cursor"
	"github.com/meedoen/meedoen/internal/testkit"
)

// pagedList is a list operation of the OpenAPI document: a GET with a
// cursor and a limit.
type pagedList struct{ id, path string }

func pagedLists(t *testing.T) []pagedList {
	t.Helper()
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string `json:"operationId"`
			Parameters  []struct {
				Name string `json:"name"`
				In   string `json:"in"`
			} `json:"parameters"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(openapi.Document(), &doc); err != nil {
		t.Fatal(err)
	}
	var lists []pagedList
	for path, item := range doc.Paths {
		get, ok := item["get"]
		if !ok {
			continue
		}
		var query []string
		for _, p := range get.Parameters {
			if p.In == "query" {
				query = append(query, p.Name)
			}
		}
		if slices.Contains(query, "cursor") && slices.Contains(query, "limit") {
			lists = append(lists, pagedList{id: get.OperationID, path: path})
		}
	}
	slices.SortFunc(lists, func(a, b pagedList) int { return strings.Compare(a.id, b.id) })
	return lists
}

// listPathParams fill the path parameters of the lists with the demo's.
var listPathParams = map[string]string{"municipalityCode": "GM0453"}

// TestEveryListRefusesBadCursorsAndLimits asks every paged list of the
// document, as the platform's administrator who may read them all, for
// pages with cursors it did not hand out and limits outside 1 to 100:
// each must be 400 naming the parameter, the same way for every list. A
// good request must succeed, so that the refusals are the parameter's
// doing.
func TestEveryListRefusesBadCursorsAndLimits(t *testing.T) {
	databaseURL := testkit.NewDatabase(t)
	idp := newTestIdP(t)
	base := startInProcess(t, "-http-addr=127.0.0.1:0", "-data-dir="+t.TempDir(), "-database-url="+databaseURL,
		"-oidc-issuer="+idp.issuer, "-oidc-api-audience=meedoen-api", "-dev", "-rate-limit=-1", "-anonymous-rate-limit=-1")
	token := idp.token(t, "root")

	lists := pagedLists(t)
	var ids []string
	for _, l := range lists {
		ids = append(ids, l.id)
	}
	// The lists today, so that a document that stopped describing them
	// as lists (and this test that stopped testing them) is noticed.
	for _, want := range []string{"listRegions", "listMunicipalities", "listCouncils", "listQuestions", "listProcesses", "listPolls", "listPanelMembers"} {
		if !slices.Contains(ids, want) {
			t.Errorf("%s is not among the paged lists %v", want, ids)
		}
	}

	refusals := []struct {
		name, param, query string
	}{
		{"a cursor that is not base64url", "cursor", "cursor=" + url.QueryEscape("!!!")},
		{"a cursor of stray bits", "cursor", "cursor=zzz"},
		{"a cursor that holds a NUL", "cursor", "cursor=AA"},
		{"a cursor of a key no list has", "cursor", "cursor=" + cursor.Encode("not a key of any list")},
		{"a limit of 0", "limit", "limit=0"},
		{"a negative limit", "limit", "limit=-1"},
		{"a limit above 100", "limit", "limit=101"},
		{"a limit that is no number", "limit", "limit=ten"},
	}
	param := regexp.MustCompile(`\{([^}]+)\}`)
	for _, l := range lists {
		t.Run(l.id, func(t *testing.T) {
			root := apiClient{t: t, base: base, token: token}
			path := param.ReplaceAllStringFunc(l.path, func(m string) string {
				v, ok := listPathParams[m[1:len(m)-1]]
				if !ok {
					t.Fatalf("%s: no value for %s in listPathParams", l.path, m)
				}
				return v
			})
			if code, out := root.do(http.MethodGet, path+"?limit=1", ""); code != http.StatusOK {
				t.Fatalf("GET %s?limit=1: %d %v; the refusals below prove nothing until it succeeds", path, code, out)
			}
			for _, r := range refusals {
				code, out := root.do(http.MethodGet, path+"?"+r.query, "")
				var names []string
				params, _ := out["invalidParams"].([]any)
				for _, p := range params {
					if m, ok := p.(map[string]any); ok {
						names = append(names, m["name"].(string))
					}
				}
				if code != http.StatusBadRequest || !cmp.Equal([]string{r.param}, names) {
					t.Errorf("%s: %d naming %v, want 400 naming %s: %v", r.name, code, names, r.param, out)
				}
			}
		})
	}
}
