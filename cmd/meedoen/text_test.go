package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/testkit"
	councilsv1 "github.com/meedoen/meedoen/proto/meedoen/councils/v1"
)

// TestBadTextIsRefusedAtTheEdge sends the whole running system (gateway,
// services, PostgreSQL, JetStream) the probe's inputs and the rest of
// their class: text PostgreSQL or protobuf cannot hold, in every string
// member of every operation with a body, in member names, query and path
// parameters, cursors and a resident's answers, and a 70 KB query string.
// Each was a 500 logged at error level. Now every answer is a 4xx problem
// naming the field (the resident gets the form back with the message next
// to the answer), nothing is written, and nothing is logged at error level.
func TestBadTextIsRefusedAtTheEdge(t *testing.T) {
	databaseURL := testkit.NewDatabase(t)
	idp := newTestIdP(t)
	var logs testkit.Buffer
	base := startInProcessLogging(t, &logs, "-http-addr=127.0.0.1:0", "-data-dir="+t.TempDir(), "-database-url="+databaseURL,
		"-oidc-issuer="+idp.issuer, "-oidc-api-audience=meedoen-api", "-dev", "-anonymous-rate-limit=-1", "-rate-limit=-1")
	db, err := pgx.Connect(t.Context(), databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close(context.Background()) })
	root := "Bearer " + idp.token(t, "root")

	// The demo data is loaded in the background: wait until no more is
	// written, so that what the battery writes, if anything, stands out.
	before := quiet(t, db)
	logged := len(logs.String())

	t.Run("a NUL in every string member of every body", func(t *testing.T) {
		for _, op := range documentedOperations(t) {
			example, ok := examples[op.id]
			if !ok {
				continue
			}
			path, body := example(1)
			if body == "" {
				continue
			}
			for _, leaf := range stringLeaves(t, body) {
				t.Run(op.id+leaf.pointer, func(t *testing.T) {
					sendText(t, op.method, base+"/api/v1"+path, root, leaf.withNUL, 400, leaf.pointer)
				})
			}
		}
	})

	t.Run("member names and raw bytes", func(t *testing.T) {
		for _, tc := range []struct{ name, method, path, body, pointer string }{
			{"a NUL in a member name", "POST", "/regions", `{"id":"zaanstreek","na\u0000me":"Zaanstreek"}`, "/na\x00me"},
			{"invalid UTF-8", "POST", "/regions", "{\"id\":\"zaanstreek\",\"name\":\"Zaan\xffstreek\"}", "/name"},
			{"a lone surrogate", "POST", "/questions/" + unknownID + "/decisions", `{"accept":false,"reason":"\ud800"}`, "/reason"},
			{"invalid UTF-8 in a nested member", "PATCH", "/polls/" + unknownID, "{\"title\":{\"nl\":\"Peiling \xc0\x80\"}}", "/title/nl"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				sendText(t, tc.method, base+"/api/v1"+tc.path, root, tc.body, 400, tc.pointer)
			})
		}
	})

	t.Run("query and path parameters", func(t *testing.T) {
		for _, tc := range []struct{ name, target, auth, param string }{
			{"theme=%00 (the probe's)", "/questions?theme=%00", root, "theme"},
			{"a NUL in a filter", "/polls?tenant=GM0453%00", root, "tenant"},
			{"invalid UTF-8 in a filter", "/panels/GM0453/members?neighbourhood=Noord%FF", root, "neighbourhood"},
			{"a NUL in a path parameter", "/regions/ijmond%00", root, "id"},
			{"anonymously", "/municipalities?regionId=%00", "", "regionId"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				sendText(t, "GET", base+"/api/v1"+tc.target, tc.auth, "", 400, tc.param)
			})
		}
	})

	t.Run("cursors the API did not hand out", func(t *testing.T) {
		// AA is base64url of a single NUL: the probe's cursor.
		for _, tc := range []struct{ name, target, auth string }{
			{"municipalities, anonymously", "/municipalities?cursor=AA", ""},
			{"regions, anonymously", "/regions?cursor=AA", ""},
			{"municipalities", "/municipalities?cursor=AA", root},
			{"councils", "/councils?cursor=AA", root},
			{"questions", "/questions?cursor=AA", root},
			{"processes", "/processes?cursor=AA", root},
			{"polls", "/polls?cursor=AA", root},
			{"panel members", "/panels/GM0453/members?cursor=AA", root},
			{"a key of the wrong form", "/councils?cursor=" + "R00", root},
		} {
			t.Run(tc.name, func(t *testing.T) {
				sendText(t, "GET", base+"/api/v1"+tc.target, tc.auth, "", 400, "cursor")
			})
		}
		// Councils are not public: an anonymous caller hears 401 first.
		sendText(t, "GET", base+"/api/v1/councils?cursor=AA", "", "", 401, "")
	})

	t.Run("a 70 KB query string", func(t *testing.T) {
		sendText(t, "GET", base+"/api/v1/regions?q="+strings.Repeat("a", 70<<10), root, "", 414, "")
	})

	t.Run("a resident's free-text answer", func(t *testing.T) {
		resident := newResident(t, base+"/p/"+demoPollSlug)
		for name, text := range map[string]string{"a NUL": "Meer uitleg\x00 op papier", "invalid UTF-8": "Meer uitleg\xff op papier"} {
			t.Run(name, func(t *testing.T) {
				status, page := resident.answer(t, text)
				if status != http.StatusUnprocessableEntity {
					t.Fatalf("status = %d, want 422", status)
				}
				for _, want := range []string{
					"Je tekst bevat een teken dat we niet kunnen opslaan.",
					`id="v.tip-fout"`,
				} {
					if !strings.Contains(page, want) {
						t.Errorf("the page lacks %q", want)
					}
				}
			})
		}
	})

	if after := writes(t, db); after != before {
		t.Errorf("the refused requests wrote: %v before, %v after", before, after)
	}
	for line := range strings.Lines(logs.String()[logged:]) {
		if strings.Contains(line, `"level":"ERROR"`) {
			t.Errorf("logged at error level: %s", line)
		}
	}

	// The checks above can see a write: a good region and a good answer
	// are written.
	sendText(t, "POST", base+"/api/v1/regions", root, `{"id":"zaanstreek","name":"Zaanstreek"}`, 201, "")
	resident := newResident(t, base+"/p/"+demoPollSlug)
	if status, page := resident.answer(t, "Meer uitleg op papier"); status != http.StatusSeeOther {
		t.Fatalf("a good answer: status %d, want 303: %s", status, page)
	}
	after := writes(t, db)
	if after.outbox <= before.outbox || after.responses != before.responses+1 {
		t.Errorf("a good region and answer: %v before, %v after; want more events and one more response", before, after)
	}
}

// sendText sends one request and checks that it is answered wantStatus
// with a problem, naming param among invalidParams if param is set.
func sendText(t *testing.T, method, url, authorization, body string, wantStatus int, param string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != wantStatus {
		t.Fatalf("%s %.120s: %s %s, want %d", method, url, resp.Status, b, wantStatus)
	}
	if resp.StatusCode < 400 {
		return
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type = %q, want application/problem+json", ct)
	}
	var p struct {
		Status        int `json:"status"`
		InvalidParams []struct {
			Name string `json:"name"`
		} `json:"invalidParams"`
	}
	if err := json.Unmarshal(b, &p); err != nil || p.Status != wantStatus {
		t.Fatalf("problem %s: %v, want status %d", b, err, wantStatus)
	}
	if param != "" && !slices.ContainsFunc(p.InvalidParams, func(ip struct {
		Name string `json:"name"`
	}) bool {
		return ip.Name == param
	}) {
		t.Errorf("invalidParams %s do not name %q", b, param)
	}
}

// stringLeaf is a body with a NUL added to one of its strings.
type stringLeaf struct{ pointer, withNUL string }

// stringLeaves returns, for each string in the JSON body, the body with a
// NUL added to that string.
func stringLeaves(t *testing.T, body string) []stringLeaf {
	t.Helper()
	var doc any
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("example body %s: %v", body, err)
	}
	var out []stringLeaf
	var walk func(v any, pointer string, set func(any))
	walk = func(v any, pointer string, set func(any)) {
		switch v := v.(type) {
		case string:
			set(v + "\x00")
			b, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			set(v)
			out = append(out, stringLeaf{pointer: pointer, withNUL: string(b)})
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(v)) {
				walk(v[k], pointer+"/"+k, func(x any) { v[k] = x })
			}
		case []any:
			for i := range v {
				walk(v[i], pointer+"/"+strconv.Itoa(i), func(x any) { v[i] = x })
			}
		}
	}
	walk(doc, "", func(any) {})
	return out
}

// written counts what the services wrote: their events and the stored
// answers.
type written struct{ outbox, responses int }

func writes(t *testing.T, db *pgx.Conn) written {
	t.Helper()
	var w written
	err := db.QueryRow(t.Context(), `SELECT (SELECT count(*) FROM councils.outbox) + (SELECT count(*) FROM surveys.outbox),
  (SELECT count(*) FROM surveys.responses)`).Scan(&w.outbox, &w.responses)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// quiet waits until the services stop writing and returns what they wrote.
func quiet(t *testing.T, db *pgx.Conn) written {
	t.Helper()
	last := writes(t, db)
	stable := 0
	testkit.CheckFor(t, 60*time.Second, 100*time.Millisecond, func() error {
		now := writes(t, db)
		if now != last {
			last, stable = now, 0
			return fmt.Errorf("still writing: %v", now)
		}
		if stable++; stable < 10 {
			return fmt.Errorf("quiet for %d checks", stable)
		}
		return nil
	})
	return last
}

// resident answers the demo's open poll in a browser of their own.
type resident struct {
	page   string
	client *http.Client
}

func newResident(t *testing.T, page string) resident {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return resident{page: page, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// answer opens the poll and sends it with text as the answer to its open
// question; it returns the status and the page.
func (r resident) answer(t *testing.T, text string) (int, string) {
	t.Helper()
	resp, err := r.client.Get(r.page)
	if err != nil {
		t.Fatal(err)
	}
	form, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	hidden := func(name string) string {
		m := regexp.MustCompile(`name="` + name + `" value="([^"]*)"`).FindSubmatch(form)
		if m == nil {
			t.Fatalf("the poll's form has no %s: %s", name, form)
		}
		return string(m[1])
	}
	values := url.Values{
		"sleutel": {hidden("sleutel")}, "peiling": {hidden("peiling")},
		"postcode": {"1971 AB"}, "v.kennis": {"beetje"}, "v.aanvragen": {"2"}, "v.tip": {text},
	}
	resp, err = r.client.Post(r.page, "application/x-www-form-urlencoded", bytes.NewReader([]byte(values.Encode())))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(page)
}

// TestServicesRefuseBadTextFromAnyCaller calls a service on its own over
// gRPC, with a plain client that checks nothing, as a caller that skips
// the gateway would: text PostgreSQL cannot hold is refused with
// InvalidArgument naming the field, before the guard (so anonymously too)
// and before the handler, and a cursor decoding to a NUL likewise.
func TestServicesRefuseBadTextFromAnyCaller(t *testing.T) {
	databaseURL := testkit.NewDatabase(t)
	srv, _, _ := testkit.NewJetStream(t)
	key, err := auth.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	startInProcess(t, "-target=councils", "-grpc-addr="+addr, "-database-url="+databaseURL, "-nats-url="+srv.ClientURL(),
		"-http-addr=127.0.0.1:0", "-internal-verify-keys="+auth.EncodePublicKey(key.Public().(ed25519.PublicKey)))
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	client := councilsv1.NewCouncilsServiceClient(conn)

	tests := []struct {
		name  string
		call  func(ctx context.Context) error
		field string
	}{
		{"a NUL in a public list's filter", func(ctx context.Context) error {
			_, err := client.ListMunicipalities(ctx, &councilsv1.ListMunicipalitiesRequest{RegionId: "ijmond\x00"})
			return err
		}, "/regionId"},
		{"a cursor that decodes to a NUL", func(ctx context.Context) error {
			_, err := client.ListMunicipalities(ctx, &councilsv1.ListMunicipalitiesRequest{Cursor: "AA"})
			return err
		}, "cursor"},
		{"a NUL in a nested field of a write, without a token", func(ctx context.Context) error {
			_, err := client.CreateRegion(ctx, &councilsv1.CreateRegionRequest{Region: &councilsv1.Region{Id: "zaanstreek", Name: "Zaan\x00streek"}})
			return err
		}, "/region/name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			var err error
			testkit.CheckFor(t, 30*time.Second, 50*time.Millisecond, func() error {
				// The service may still be starting.
				if err = tt.call(ctx); status.Code(err) == codes.Unavailable {
					return err
				}
				return nil
			})
			st := status.Convert(err)
			if st.Code() != codes.InvalidArgument {
				t.Fatalf("status = %v, want InvalidArgument", st)
			}
			var fields []string
			for _, d := range st.Details() {
				if br, ok := d.(*errdetails.BadRequest); ok {
					for _, v := range br.GetFieldViolations() {
						fields = append(fields, v.GetField())
					}
				}
			}
			if !slices.Contains(fields, tt.field) {
				t.Errorf("field violations %v, want %s", fields, tt.field)
			}
		})
	}
}
