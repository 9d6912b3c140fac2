package main

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/testkit"
)

func TestMain(m *testing.M) {
	// Every API answer the tests receive is checked against the OpenAPI
	// document (contract_test.go).
	http.DefaultClient.Transport = newContractTransport(http.DefaultTransport)
	os.Exit(testkit.Main(m))
}

var baseURLPattern = regexp.MustCompile(`Meedoen is running at (http://\S+)`)

// startInProcess runs the binary's run function with args until the test
// ends, and returns the base URL it printed.
func startInProcess(t *testing.T, args ...string) string {
	t.Helper()
	return startWatched(t, hooks{}, io.Discard, args...)
}

// startInProcessLogging is startInProcess with the log written to stderr.
func startInProcessLogging(t *testing.T, stderr io.Writer, args ...string) string {
	t.Helper()
	return startWatched(t, hooks{}, stderr, args...)
}

// startWatched is startInProcess with hooks, and the process's logs
// written to stderr.
func startWatched(t *testing.T, h hooks, stderr io.Writer, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout testkit.Buffer
	done := make(chan error, 1)
	go func() { done <- runWith(ctx, args, &stdout, stderr, h) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("run(%v) returned %v", args, err)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("run(%v) did not stop within 30s", args)
		}
	})
	var base string
	testkit.CheckFor(t, 60*time.Second, 20*time.Millisecond, func() error {
		select {
		case err := <-done:
			t.Fatalf("run(%v) ended early: %v", args, err)
		default:
		}
		m := baseURLPattern.FindStringSubmatch(stdout.String())
		if m == nil {
			return fmt.Errorf("no base URL printed yet")
		}
		base = m[1]
		return nil
	})
	return base
}

func post(t *testing.T, url, body string, header http.Header) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header.Clone()
	if req.Header == nil {
		req.Header = http.Header{}
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// walk is the walking skeleton: a municipality created over REST reaches
// another service's projection through the outbox and JetStream, and the
// request's trace continues into the event.
func walk(t *testing.T, gatewayURL, databaseURL string, idp *testIdP) {
	t.Helper()
	ctx := context.Background()
	admin := http.Header{"Authorization": {"Bearer " + idp.token(t, "root")}}
	if resp := post(t, gatewayURL+"/api/v1/regions", `{"id":"ijmond","name":"IJmond"}`, nil); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("POST /regions without a token: %s, want 401", resp.Status)
	}
	if resp := post(t, gatewayURL+"/api/v1/regions", `{"id":"ijmond","name":"IJmond"}`, admin); resp.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("POST /regions: %s %s", resp.Status, b)
	}
	const traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	resp := post(t, gatewayURL+"/api/v1/municipalities", `{"code":"GM0375","name":"Beverwijk","regionId":"ijmond"}`,
		http.Header{"Traceparent": {"00-" + traceID + "-00f067aa0ba902b7-01"}, "Authorization": admin["Authorization"]})
	if resp.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("POST /municipalities: %s %s", resp.Status, b)
	}
	var created struct{ Code, Name, RegionID string }
	if err := json.NewDecoder(resp.Body).Decode(&created); err != nil || created.Code != "GM0375" {
		t.Fatalf("created %+v, %v", created, err)
	}

	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var traceparent string
	if err := conn.QueryRow(ctx, `SELECT traceparent FROM councils.outbox WHERE subject = 'meedoen.councils.GM0375.municipality.created'`).Scan(&traceparent); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(traceparent, traceID) {
		t.Errorf("the event's traceparent %q does not continue the request's trace %s", traceparent, traceID)
	}
	for _, schema := range []string{"surveys", "focusgroups", "results"} {
		testkit.CheckFor(t, 30*time.Second, 20*time.Millisecond, func() error {
			var name string
			err := conn.QueryRow(ctx, `SELECT name FROM `+schema+`.tenant_municipalities WHERE code = 'GM0375'`).Scan(&name)
			if err != nil {
				return fmt.Errorf("%s projection: %w", schema, err)
			}
			if name != "Beverwijk" {
				return fmt.Errorf("%s projection has name %q", schema, name)
			}
			return nil
		})
		var applied int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM `+schema+`.inbox`).Scan(&applied); err != nil {
			t.Fatal(err)
		}
		if applied != 2 {
			t.Errorf("%s applied %d events, want 2 (region and municipality)", schema, applied)
		}
	}
}

func TestWalkingSkeletonAllInOne(t *testing.T) {
	databaseURL := testkit.NewDatabase(t)
	idp := newTestIdP(t)
	base := startInProcess(t, "-target=all", "-http-addr=127.0.0.1:0", "-data-dir="+t.TempDir(), "-database-url="+databaseURL, "-oidc-issuer="+idp.issuer, "-oidc-api-audience=meedoen-api")
	walk(t, base, databaseURL, idp)
}

// deployment is what the processes of a test's split deployment share:
// the test kit's PostgreSQL and NATS, an identity provider, and the
// internal key pair.
type deployment struct {
	databaseURL string
	idp         *testIdP
	// common are the arguments of every process; gateway those a gateway
	// adds.
	common, gateway []string
}

func newDeployment(t *testing.T) deployment {
	t.Helper()
	databaseURL := testkit.NewDatabase(t)
	srv, _, _ := testkit.NewJetStream(t)
	idp := newTestIdP(t)
	key, err := auth.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return deployment{databaseURL: databaseURL, idp: idp,
		common: []string{"-database-url=" + databaseURL, "-nats-url=" + srv.ClientURL(), "-http-addr=127.0.0.1:0",
			"-internal-verify-keys=" + auth.EncodePublicKey(key.Public().(ed25519.PublicKey))},
		gateway: []string{"-oidc-issuer=" + idp.issuer, "-oidc-api-audience=meedoen-api",
			"-internal-signing-key=" + base64.StdEncoding.EncodeToString(key.Seed())},
	}
}

// start runs a process of the deployment with args besides the common
// ones, and returns its base URL.
func (d deployment) start(t *testing.T, args ...string) string {
	t.Helper()
	return startInProcess(t, slices.Concat(d.common, args)...)
}

// startGateway is start for a process that runs the gateway.
func (d deployment) startGateway(t *testing.T, args ...string) string {
	t.Helper()
	return startInProcess(t, slices.Concat(d.common, d.gateway, args)...)
}

// Several processes, one component each, behave like -target=all.
func TestWalkingSkeletonSplitTargets(t *testing.T) {
	d := newDeployment(t)
	councilsAddr, surveysAddr, focusgroupsAddr := freeAddr(t), freeAddr(t), freeAddr(t)
	d.start(t, "-target=councils", "-grpc-addr="+councilsAddr)
	d.start(t, "-target=surveys", "-grpc-addr="+surveysAddr)
	d.start(t, "-target=focusgroups", "-grpc-addr="+focusgroupsAddr)
	d.start(t, "-target=results", "-grpc-addr=127.0.0.1:0")
	gw := d.startGateway(t, "-target=gateway", "-councils-addr="+councilsAddr, "-surveys-addr="+surveysAddr,
		"-focusgroups-addr="+focusgroupsAddr)
	walk(t, gw, d.databaseURL, d.idp)

	// The focus groups service answers through the gateway from its own
	// process.
	req, err := http.NewRequest(http.MethodGet, gw+"/api/v1/focus-group-roles", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+d.idp.token(t, "council_member@GM0375"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "key_figure") {
		t.Errorf("GET /focus-group-roles through the gateway: %s %s", resp.Status, b)
	}
}

// Components combine in a process as they run alone: the gateway beside
// the surveys service calls it in-process, and the councils service in
// another process over gRPC, all on the test kit's NATS and PostgreSQL.
func TestWalkingSkeletonCombinedTargets(t *testing.T) {
	d := newDeployment(t)
	councilsAddr := freeAddr(t)
	d.start(t, "-target=councils", "-grpc-addr="+councilsAddr)
	d.start(t, "-target=focusgroups,results")
	// The surveys address points nowhere: the gateway must not dial it.
	gw := d.startGateway(t, "-target=surveys,gateway", "-councils-addr="+councilsAddr, "-surveys-addr=127.0.0.1:1")
	walk(t, gw, d.databaseURL, d.idp)

	req, err := http.NewRequest(http.MethodGet, gw+"/api/v1/polls?tenant=GM0375", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+d.idp.token(t, "root"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /polls through the gateway beside the surveys service: %s %s", resp.Status, b)
	}
}

func TestSingleTargetNeedsExternalInfrastructure(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	t.Setenv("NATS_URL", "")
	err := run(context.Background(), []string{"-target=surveys", "-data-dir=" + t.TempDir()}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Errorf("run -target=surveys without DATABASE_URL: %v, want an error naming DATABASE_URL", err)
	}
	err = run(context.Background(), []string{"-target=nonsense"}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "nonsense") {
		t.Errorf("run -target=nonsense: %v, want an error naming it", err)
	}
}

// The real binary, with its own PostgreSQL cluster and NATS store: it
// starts, turns ready, stops cleanly on SIGTERM leaving no server behind,
// and starts again on the same data directory without initialising again.
func TestBinaryStartStopRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := filepath.Join(t.TempDir(), "meedoen")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dataDir := t.TempDir()
	runOnce := func(wantInitdb bool, while func(base string)) {
		t.Helper()
		cmd := exec.Command(bin, "-dev", "-http-addr=127.0.0.1:0", "-data-dir="+dataDir)
		cmd.Env = append(os.Environ(), "DATABASE_URL=", "NATS_URL=")
		var stderr testkit.Buffer
		cmd.Stderr = &stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		started := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() {
			if cmd.ProcessState == nil {
				_ = cmd.Process.Kill()
				_ = cmd.Wait()
			}
		}()
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if err != nil {
			t.Fatalf("reading first line: %v\nstderr:\n%s", err, stderr.String())
		}
		m := baseURLPattern.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("first line %q does not name the base URL", line)
		}
		go func() { _, _ = io.Copy(io.Discard, stdout) }()
		testkit.CheckFor(t, 30*time.Second, 20*time.Millisecond, func() error {
			resp, err := http.Get(m[1] + "/readyz")
			if err != nil {
				return err
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("/readyz: %s", resp.Status)
			}
			return nil
		})
		t.Logf("ready after %s (initdb expected: %v)", time.Since(started).Round(time.Millisecond), wantInitdb)
		testkit.CheckFor(t, 10*time.Second, 20*time.Millisecond, func() error {
			if !strings.Contains(stderr.String(), `"msg":"demo data ready"`) {
				return fmt.Errorf("demo data not loaded:\n%s", stderr.String())
			}
			return nil
		})
		if got := strings.Contains(stderr.String(), `"initdb":true`); got != wantInitdb {
			t.Errorf("initdb ran: %v, want %v", got, wantInitdb)
		}
		while(m[1])
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		waited := make(chan error, 1)
		go func() { waited <- cmd.Wait() }()
		select {
		case err := <-waited:
			if err != nil {
				t.Fatalf("exit after SIGTERM: %v\nstderr:\n%s", err, stderr.String())
			}
		case <-time.After(30 * time.Second):
			t.Fatal("did not stop within 30s of SIGTERM")
		}
		if _, err := os.Stat(filepath.Join(dataDir, "pg", "data", "postmaster.pid")); !os.IsNotExist(err) {
			t.Errorf("postmaster.pid still present after stop (err %v): PostgreSQL left running", err)
		}
	}
	// One browser answers the demo's open poll, and after the restart the
	// poll still knows it answered: the key sealing its cookie outlives
	// the process.
	browser := &http.Client{Jar: newJar(t), CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	poll := "/p/" + demoPollSlug
	runOnce(true, func(base string) {
		page := get(t, browser, base+poll)
		key := regexp.MustCompile(`name="sleutel" value="([^"]+)"`).FindStringSubmatch(page)
		if key == nil {
			t.Fatalf("the poll page has no form:\n%s", page)
		}
		resp, err := browser.PostForm(base+poll, url.Values{"sleutel": {key[1]}, "postcode": {"1971 AB"}, "v.kennis": {"goed"}, "v.aanvragen": {"3"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("answering the poll: %s, want 303 to the thank-you page", resp.Status)
		}
		checkServedMetrics(t, base)
	})
	runOnce(false, func(base string) {
		if page := get(t, browser, base+poll); !strings.Contains(page, "Je hebt deze peiling al ingevuld") {
			t.Errorf("after a restart the browser that answered is offered the form again:\n%s", page)
		}
	})
}

// newJar is a cookie jar, as a browser keeps cookies.
func newJar(t *testing.T) http.CookieJar {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return jar
}

// get returns the body of a GET through client.
func get(t *testing.T, client *http.Client, u string) string {
	t.Helper()
	resp, err := client.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// servedMetricsFile lists the metrics the chart's alert rules and
// dashboards may use (charts/rulestest checks them against it).
const servedMetricsFile = "../../charts/rulestest/testdata/metrics.txt"

// checkServedMetrics checks that the process at base serves every metric
// the list names, so that no alert or dashboard loses its series to a
// rename unnoticed.
func checkServedMetrics(t *testing.T, base string) {
	t.Helper()
	list, err := os.ReadFile(servedMetricsFile)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for line := range strings.Lines(string(list)) {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			want = append(want, line)
		}
	}
	testkit.CheckFor(t, 10*time.Second, 200*time.Millisecond, func() error {
		resp, err := http.Get(base + "/metrics")
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		served := map[string]bool{}
		for line := range strings.Lines(string(body)) {
			if name, _, ok := strings.Cut(line, "{"); ok && !strings.HasPrefix(line, "#") {
				served[name] = true
			} else if name, _, ok := strings.Cut(line, " "); ok && !strings.HasPrefix(line, "#") {
				served[name] = true
			}
		}
		var missing []string
		for _, name := range want {
			if !served[name] {
				missing = append(missing, name)
			}
		}
		if len(missing) > 0 {
			return fmt.Errorf("/metrics lacks %v, which %s lists", missing, servedMetricsFile)
		}
		return nil
	})
}
