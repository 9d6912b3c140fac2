// Command load measures the surveys service's busiest path end to end:
// residents answering a shared IJmond flash poll through their invitation
// links on the gateway's resident page (POST /i/{token}), as in `make run`.
//
// It starts `meedoen -dev` in embedded mode (its own PostgreSQL and NATS
// under a temporary directory) or targets a running gateway (-url), logs
// in as the IJmond's regional coordinator through the development identity
// provider, creates a flash poll shared by Velsen, Beverwijk and Heemskerk,
// invites a panel spread over the three, opens the poll and submits answers
// with a fixed concurrency. It reports accepted answers/s, latency, tally
// lag and the process's memory, and, in the same run and on the same
// PostgreSQL, the ceiling for the same commit pattern: a raw single-row
// insert per transaction with the same concurrency.
//
// Then it answers the rest of the panel at a fixed rate, by default half
// the maximum it measured, and reports the latency there.
//
//	go run ./scripts/load -h
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := realMain(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

// config is what the flags set.
type config struct {
	URL          string
	DatabaseURL  string
	Bin          string
	Invitations  int
	MaxSubmits   int
	Concurrency  int
	Rate         float64
	TallyEvery   time.Duration
	RawInserts   int
	JSON         bool
	MeedoenFlags string
	// NATSServers > 0 makes the tool run NATS itself (cluster.go).
	NATSServers    int
	NATSSyncAlways bool
	// SurveysReplicas > 0 splits meedoen into processes (cluster.go).
	SurveysReplicas int
}

func parseFlags(args []string) (config, error) {
	var c config
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.StringVar(&c.URL, "url", "", "base URL of a running meedoen -dev gateway; empty starts one in embedded mode under a temporary directory")
	fs.StringVar(&c.DatabaseURL, "database-url", "", "PostgreSQL that the running gateway uses, for the raw-insert ceiling (with -url; found by itself otherwise)")
	fs.StringVar(&c.Bin, "bin", "", "meedoen binary to start; empty builds ./cmd/meedoen")
	fs.IntVar(&c.Invitations, "invitations", 50_000, "panel size: invitations created across the three municipalities")
	fs.IntVar(&c.MaxSubmits, "max-submits", 30_000, "answers submitted at the maximum rate; the rest of the panel answers at -rate")
	fs.IntVar(&c.Concurrency, "concurrency", 64, "concurrent residents submitting (and raw inserters)")
	fs.Float64Var(&c.Rate, "rate", 0, "answers/s of the second phase; 0 means half the measured maximum, negative skips it")
	fs.DurationVar(&c.TallyEvery, "tally-every", 20*time.Millisecond, "how often the tally is read to measure its lag")
	fs.IntVar(&c.RawInserts, "raw-inserts", 30_000, "rows the raw-insert ceiling inserts")
	fs.BoolVar(&c.JSON, "json", false, "print the results as JSON instead of a table")
	fs.StringVar(&c.MeedoenFlags, "meedoen-flags", "", "extra flags for the started meedoen, space-separated")
	fs.IntVar(&c.NATSServers, "nats-servers", 0, "0 lets meedoen start its embedded NATS server; 1 or more starts that many JetStream servers in this tool's process (3: a cluster, streams with 3 replicas)")
	fs.BoolVar(&c.NATSSyncAlways, "nats-sync-always", false, "with -nats-servers: the servers flush every JetStream write to disk before acknowledging it (sync_interval: always)")
	fs.IntVar(&c.SurveysReplicas, "surveys-replicas", 0, "0 runs meedoen as one process; 1 or more runs that many -target=surveys processes beside one process with the rest, on a PostgreSQL this tool starts (needs -nats-servers)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	switch {
	case c.Invitations < 1 || c.MaxSubmits < 1 || c.MaxSubmits > c.Invitations:
		return c, errors.New("-max-submits must be between 1 and -invitations")
	case c.Concurrency < 1:
		return c, errors.New("-concurrency must be at least 1")
	case c.URL != "" && c.DatabaseURL == "":
		return c, errors.New("-url needs -database-url for the raw-insert ceiling")
	case c.NATSServers < 0 || c.SurveysReplicas < 0:
		return c, errors.New("-nats-servers and -surveys-replicas must not be negative")
	case c.SurveysReplicas > 0 && c.NATSServers == 0:
		return c, errors.New("-surveys-replicas needs -nats-servers: separate processes cannot share an embedded NATS server")
	case c.URL != "" && (c.NATSServers > 0 || c.SurveysReplicas > 0):
		return c, errors.New("-nats-servers and -surveys-replicas start meedoen; they do not go with -url")
	case c.NATSSyncAlways && c.NATSServers == 0:
		return c, errors.New("-nats-sync-always needs -nats-servers")
	}
	return c, nil
}

// results is what a run measured.
type results struct {
	Setup            string  `json:"setup"`
	Invitations      int     `json:"invitations"`
	Concurrency      int     `json:"concurrency"`
	Accepted         int     `json:"accepted"`
	Refused          int     `json:"refused"`
	AnswersPerSecond float64 `json:"answersPerSecond"`
	P50ms            float64 `json:"p50Ms"`
	P99ms            float64 `json:"p99Ms"`
	TallyLagP50ms    float64 `json:"tallyLagP50Ms"`
	TallyLagP99ms    float64 `json:"tallyLagP99Ms"`
	TallyLagMaxms    float64 `json:"tallyLagMaxMs"`
	TallyReads       int     `json:"tallyReads"`
	RawPerSecond     float64 `json:"rawInsertsPerSecond"`
	PercentOfRaw     float64 `json:"percentOfRaw"`
	HalfRate         float64 `json:"halfRateTarget"`
	HalfAchieved     float64 `json:"halfRateAchieved"`
	HalfP50ms        float64 `json:"halfRateP50Ms"`
	HalfP99ms        float64 `json:"halfRateP99Ms"`
	HalfAccepted     int     `json:"halfRateAccepted"`
	RSSMiB           float64 `json:"rssMiB,omitempty"`
	HWMMiB           float64 `json:"hwmMiB,omitempty"`
	RSSBeforeMiB     float64 `json:"rssBeforeMiB,omitempty"`
	// CPU per accepted answer at the maximum rate, by process: meedoen,
	// its PostgreSQL (every process under it) and this tool itself.
	CPUMeedoenUs  float64 `json:"cpuMeedoenUsPerAnswer,omitempty"`
	CPUPostgresUs float64 `json:"cpuPostgresUsPerAnswer,omitempty"`
	CPULoadUs     float64 `json:"cpuLoadToolUsPerAnswer,omitempty"`
	// SubmitsPerSurveys is, with -surveys-replicas, how many submits each
	// surveys process served (its /metrics).
	SubmitsPerSurveys []int `json:"submitsPerSurveysProcess,omitempty"`
	// SurveysStreamMsgs is, with -nats-servers, how many messages the
	// surveys stream holds after the run.
	SurveysStreamMsgs int `json:"surveysStreamMsgs,omitempty"`
}

func realMain(ctx context.Context, args []string, stdout io.Writer) error {
	cfg, err := parseFlags(args)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	base, dbURL, pid := cfg.URL, cfg.DatabaseURL, 0
	var m *meedoen
	if base == "" {
		if m, err = startMeedoen(ctx, cfg); err != nil {
			return err
		}
		defer m.stop()
		base, dbURL, pid = m.base, m.databaseURL, m.pid()
	}
	client := &http.Client{
		Timeout: 30 * time.Second,
		// A submit answers 303 to the thank-you page; that is the result.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport:     &http.Transport{MaxIdleConnsPerHost: cfg.Concurrency + 8, MaxConnsPerHost: 0},
	}
	logf("logging in as the IJmond's regional coordinator")
	token, err := staffToken(ctx, client, base, "dev-ijmond-regional-coordinator")
	if err != nil {
		return err
	}
	api := apiClient{http: client, base: base, token: token}
	pollID, err := createPoll(ctx, api)
	if err != nil {
		return err
	}
	logf("poll %s: inviting %d residents", pollID, cfg.Invitations)
	tokens, err := invite(ctx, api, pollID, cfg.Invitations)
	if err != nil {
		return err
	}
	if _, err := api.call(ctx, "POST", "/polls/"+pollID+"/opening", ""); err != nil {
		return fmt.Errorf("opening the poll: %w", err)
	}
	res := results{Setup: setup(cfg), Invitations: cfg.Invitations, Concurrency: cfg.Concurrency}
	if pid != 0 {
		res.RSSBeforeMiB, _ = memory(pid)
	}

	logf("submitting %d answers with %d concurrent residents", cfg.MaxSubmits, cfg.Concurrency)
	tallies := startTallyWatch(ctx, api, pollID, cfg.TallyEvery)
	cpuBefore := cpuOf(pid)
	phase := submitAll(ctx, client, base, pollID, tokens[:cfg.MaxSubmits], cfg.Concurrency, 0)
	if cpuAfter := cpuOf(pid); pid != 0 && phase.accepted > 0 {
		per := func(after, before time.Duration) float64 {
			return float64((after - before).Microseconds()) / float64(phase.accepted)
		}
		res.CPUMeedoenUs = per(cpuAfter.meedoen, cpuBefore.meedoen)
		res.CPUPostgresUs = per(cpuAfter.postgres, cpuBefore.postgres)
		res.CPULoadUs = per(cpuAfter.self, cpuBefore.self)
	}
	// Wait for the tally to catch up, so that every submit's lag is known.
	tallies.waitFor(ctx, phase.accepted, 30*time.Second)
	observed := tallies.stop()
	res.Accepted, res.Refused = phase.accepted, phase.refused
	res.AnswersPerSecond = float64(phase.accepted) / phase.elapsed.Seconds()
	res.P50ms, res.P99ms = ms(percentile(phase.latencies, 50)), ms(percentile(phase.latencies, 99))
	lags := tallyLags(phase.completed, observed)
	res.TallyLagP50ms, res.TallyLagP99ms = ms(percentile(lags, 50)), ms(percentile(lags, 99))
	if len(lags) > 0 {
		res.TallyLagMaxms = ms(slices.Max(lags))
	}
	res.TallyReads = len(observed)
	if pid != 0 {
		res.RSSMiB, res.HWMMiB = memory(pid)
	}

	if rest := tokens[cfg.MaxSubmits:]; cfg.Rate >= 0 && len(rest) > 0 {
		rate := cfg.Rate
		if rate == 0 {
			rate = res.AnswersPerSecond / 2
		}
		logf("submitting %d answers at %.0f/s", len(rest), rate)
		half := submitAll(ctx, client, base, pollID, rest, cfg.Concurrency, rate)
		res.HalfRate, res.HalfAccepted = rate, half.accepted
		res.HalfAchieved = float64(half.accepted) / half.elapsed.Seconds()
		res.HalfP50ms, res.HalfP99ms = ms(percentile(half.latencies, 50)), ms(percentile(half.latencies, 99))
		if pid != 0 {
			res.RSSMiB, res.HWMMiB = memory(pid)
		}
	}

	if m != nil && m.split != nil {
		res.SubmitsPerSurveys = m.split.submits()
	}
	if ns := m.natsServers(); ns != nil {
		// Several answers share an event (one per group commit): what
		// JetStream stores, and a sync_interval of always flushes.
		if n, err := ns.streamMsgs(ctx, "MEEDOEN_SURVEYS"); err == nil {
			res.SurveysStreamMsgs = int(n)
		}
	}
	logf("raw-insert ceiling: %d single-row transactions with %d concurrent inserters", cfg.RawInserts, cfg.Concurrency)
	raw, err := rawInserts(ctx, dbURL, cfg.RawInserts, cfg.Concurrency)
	if err != nil {
		return err
	}
	res.RawPerSecond = raw
	res.PercentOfRaw = 100 * res.AnswersPerSecond / raw
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return report(stdout, res, cfg.JSON)
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// meedoen is a started `meedoen -dev` and what it runs on.
type meedoen struct {
	cmd         *exec.Cmd
	dir         string
	base        string
	databaseURL string
	done        chan struct{}
	// split is set when meedoen runs as several processes (cluster.go);
	// pid is then 0, and CPU and memory are not measured.
	split *split
	// nats is set when this tool runs the NATS servers.
	nats *natsServers
}

// natsServers returns the NATS servers this tool runs, or nil.
func (m *meedoen) natsServers() *natsServers {
	switch {
	case m == nil:
		return nil
	case m.split != nil:
		return m.split.nats
	}
	return m.nats
}

func (m *meedoen) pid() int {
	if m.split != nil {
		return 0
	}
	return m.cmd.Process.Pid
}

// stop ends meedoen as its own signal handling expects and removes its
// directory.
func (m *meedoen) stop() {
	if m.split != nil {
		m.split.stop()
		_ = os.RemoveAll(m.dir)
		return
	}
	stopProcess(m.cmd, m.done)
	if m.nats != nil {
		m.nats.stop()
	}
	_ = os.RemoveAll(m.dir)
}

// stopProcess sends SIGTERM and waits for done, killing after 30 s.
func stopProcess(cmd *exec.Cmd, done chan struct{}) {
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-done
	}
}

// startMeedoen builds (unless -bin) and starts meedoen in embedded mode
// with the development identity provider and no rate limits (the load
// comes from one address), and waits until it is ready.
func startMeedoen(ctx context.Context, cfg config) (*meedoen, error) {
	dir, err := os.MkdirTemp("", "meedoen-load-")
	if err != nil {
		return nil, err
	}
	// The embedded PostgreSQL runs as the postgres user, which must reach
	// its directory.
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	bin := cfg.Bin
	if bin == "" {
		bin = filepath.Join(dir, "meedoen")
		logf("building meedoen")
		build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/meedoen")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			_ = os.RemoveAll(dir)
			return nil, fmt.Errorf("building meedoen: %w", err)
		}
	}
	var ns *natsServers
	if cfg.NATSServers > 0 {
		if ns, err = startNATS(filepath.Join(dir, "nats"), cfg.NATSServers, cfg.NATSSyncAlways); err != nil {
			_ = os.RemoveAll(dir)
			return nil, err
		}
	}
	if cfg.SurveysReplicas > 0 {
		return startSplit(ctx, cfg, dir, bin, ns)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	args := []string{"-dev", "-data-dir=" + filepath.Join(dir, "var"), "-http-addr=" + addr,
		"-rate-limit=-1", "-anonymous-rate-limit=-1", "-log-level=warn"}
	if ns != nil {
		args = append(args, "-nats-url="+ns.url(), "-stream-replicas="+strconv.Itoa(ns.replicas()))
	}
	args = append(args, strings.Fields(cfg.MeedoenFlags)...)
	cmd := exec.Command(bin, args...)
	logFile, err := os.Create(filepath.Join(dir, "meedoen.log"))
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// A group of its own, so that signals meant for it or its children
	// (PostgreSQL) stay there.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting meedoen: %w", err)
	}
	m := &meedoen{cmd: cmd, dir: dir, base: "http://" + addr, done: make(chan struct{}), nats: ns}
	go func() { _ = cmd.Wait(); logFile.Close(); close(m.done) }()
	logf("started meedoen (pid %d) at %s; waiting until ready", m.pid(), m.base)
	deadline := time.Now().Add(3 * time.Minute)
	for {
		resp, err := http.Get(m.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case <-m.done:
			log, _ := os.ReadFile(logFile.Name())
			_ = os.RemoveAll(dir)
			return nil, fmt.Errorf("meedoen exited: %s", tail(log, 2000))
		case <-ctx.Done():
			m.stop()
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			m.stop()
			return nil, errors.New("meedoen did not get ready within 3 minutes")
		}
	}
	// The embedded cluster keeps its password in its directory and its
	// port in postmaster.pid (line 4).
	pgDir := filepath.Join(dir, "var", "pg")
	pw, err := os.ReadFile(filepath.Join(pgDir, "password"))
	if err != nil {
		m.stop()
		return nil, fmt.Errorf("reading the embedded PostgreSQL's password: %w", err)
	}
	pidFile, err := os.ReadFile(filepath.Join(pgDir, "data", "postmaster.pid"))
	lines := strings.Split(string(pidFile), "\n")
	if err != nil || len(lines) < 4 {
		m.stop()
		return nil, fmt.Errorf("reading the embedded PostgreSQL's port: %v", err)
	}
	u := url.URL{Scheme: "postgres", User: url.UserPassword("meedoen", strings.TrimSpace(string(pw))),
		Host: net.JoinHostPort("127.0.0.1", strings.TrimSpace(lines[3])), Path: "/meedoen", RawQuery: "sslmode=disable"}
	m.databaseURL = u.String()
	return m, nil
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// staffToken asks the development identity provider for an API token of
// subject, as its login page's "API token" button does.
func staffToken(ctx context.Context, client *http.Client, base, subject string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/dev/oidc/api-token",
		strings.NewReader(url.Values{"subject": {subject}}.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("asking for a staff token: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	m := regexp.MustCompile(`<textarea id="token"[^>]*>([^<]+)</textarea>`).FindSubmatch(body)
	if resp.StatusCode != http.StatusOK || m == nil {
		return "", fmt.Errorf("asking for a staff token: %s (is meedoen running with -dev?)", resp.Status)
	}
	return strings.TrimSpace(html.UnescapeString(string(m[1]))), nil
}

// apiClient calls /api/v1 with a bearer token.
type apiClient struct {
	http  *http.Client
	base  string
	token string
}

func (c apiClient) call(ctx context.Context, method, path, body string) (map[string]any, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+"/api/v1"+path, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil && len(b) > 0 {
		return nil, fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, tail(b, 300))
	}
	if resp.StatusCode >= 300 {
		return out, fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, tail(b, 500))
	}
	return out, nil
}

// createPoll creates and schedules the shared IJmond flash poll, waiting
// for the surveys service to have learnt the region from the demo data.
func createPoll(ctx context.Context, api apiClient) (string, error) {
	process, err := regionalProcess(ctx, api)
	if err != nil {
		return "", err
	}
	now := time.Now().UTC()
	body := `{
		"processId": "` + process + `", "tenant": "ijmond",
		"participants": ["GM0453", "GM0375", "GM0396"], "kind": "flash_poll",
		"title": {"nl": "Belasting test: het Wmo-loket", "en": "Load test: the Wmo desk"},
		"sections": [{"id": "s1", "questions": [
			{"id": "vaak", "type": "single_choice", "text": {"nl": "Hoe vaak was u dit jaar bij het loket?"}, "required": true,
			 "options": [{"id": "nooit", "label": {"nl": "Nooit"}}, {"id": "een", "label": {"nl": "Een keer"}}, {"id": "vaker", "label": {"nl": "Vaker"}}]},
			{"id": "bereik", "type": "likert", "text": {"nl": "Het loket is goed bereikbaar."}, "required": true}
		]}],
		"audience": {"kind": "panel"},
		"resultsSharing": {"nl": "Na afloop op de website van de raden."},
		"opensAt": "` + now.Add(time.Hour).Format(time.RFC3339) + `",
		"closesAt": "` + now.Add(14*24*time.Hour).Format(time.RFC3339) + `"
	}`
	var poll map[string]any
	for range 150 {
		if poll, err = api.call(ctx, "POST", "/polls", body); err == nil {
			break
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	if err != nil {
		return "", fmt.Errorf("creating the poll: %w", err)
	}
	id, _ := poll["id"].(string)
	if _, err := api.call(ctx, "POST", "/polls/"+id+"/scheduling", ""); err != nil {
		return "", fmt.Errorf("scheduling the poll: %w", err)
	}
	return id, nil
}

// regionalProcess returns the id of one of the IJmond's participation
// processes from the demo data that is in execute, waiting for the demo
// data to be loaded.
func regionalProcess(ctx context.Context, api apiClient) (string, error) {
	for range 150 {
		out, err := api.call(ctx, "GET", "/processes?pageSize=100", "")
		if err == nil {
			list, _ := out["processes"].([]any)
			for _, p := range list {
				m, _ := p.(map[string]any)
				// Polls are scheduled only in a process in execute.
				if id, _ := m["id"].(string); id != "" && m["phase"] == "execute" && strings.Contains(fmt.Sprint(m), "ijmond") {
					return id, nil
				}
			}
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return "", errors.New("found no participation process of the IJmond (is meedoen running with -dev?)")
}

// maxInvitees is the most one CreateInvitations call takes.
const maxInvitees = 10_000

// invite creates n invitations, spread over the three municipalities, and
// returns their tokens.
func invite(ctx context.Context, api apiClient, pollID string, n int) ([]string, error) {
	municipalities := []string{"GM0453", "GM0375", "GM0396"}
	var tokens []string
	for len(tokens) < n {
		chunk := min(maxInvitees, n-len(tokens))
		var b strings.Builder
		b.WriteString(`{"invitees": [`)
		for i := range chunk {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"municipalityCode": %q}`, municipalities[(len(tokens)+i)%3])
		}
		b.WriteString(`]}`)
		out, err := api.call(ctx, "POST", "/polls/"+pollID+"/invitations", b.String())
		if err != nil {
			return nil, fmt.Errorf("inviting: %w", err)
		}
		issued, _ := out["invitations"].([]any)
		for _, inv := range issued {
			if m, ok := inv.(map[string]any); ok {
				if t, _ := m["token"].(string); t != "" {
					tokens = append(tokens, t)
				}
			}
		}
		if len(issued) != chunk {
			return nil, fmt.Errorf("inviting %d issued %d invitations", chunk, len(issued))
		}
	}
	return tokens, nil
}

// phase is what one round of submits measured.
type phase struct {
	accepted, refused int
	elapsed           time.Duration
	latencies         []time.Duration
	// completed holds when each accepted submit got its answer.
	completed []time.Time
}

// submitAll answers the poll once for each token, concurrency at a time,
// through the resident page; with rate > 0 it starts submits at that rate
// overall (open-loop, so that a slow answer does not slow the offered
// load, as long as concurrency suffices).
func submitAll(ctx context.Context, client *http.Client, base, pollID string, tokens []string, concurrency int, rate float64) phase {
	var (
		next      atomic.Int64
		mu        sync.Mutex
		out       phase
		wg        sync.WaitGroup
		refusals  atomic.Int64
		firstFail atomic.Value
	)
	out.latencies = make([]time.Duration, 0, len(tokens))
	out.completed = make([]time.Time, 0, len(tokens))
	start := time.Now()
	for range concurrency {
		wg.Go(func() {
			res, err := newResident(base, client)
			if err != nil {
				refusals.Add(1)
				firstFail.CompareAndSwap(nil, err.Error())
				return
			}
			defer res.close()
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= len(tokens) {
					return
				}
				if rate > 0 {
					due := start.Add(time.Duration(float64(i) / rate * float64(time.Second)))
					if d := time.Until(due); d > 0 {
						time.Sleep(d)
					}
				}
				began := time.Now()
				err := submit(ctx, res, pollID, tokens[i])
				done := time.Now()
				if err != nil {
					refusals.Add(1)
					firstFail.CompareAndSwap(nil, err.Error())
					continue
				}
				mu.Lock()
				out.latencies = append(out.latencies, done.Sub(began))
				out.completed = append(out.completed, done)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	out.elapsed = time.Since(start)
	out.accepted = len(out.latencies)
	out.refused = int(refusals.Load())
	if f := firstFail.Load(); f != nil {
		logf("%d submits failed; the first: %s", out.refused, f)
	}
	return out
}

// submit posts one resident's answers to their invitation link, as the
// form does (its key fresh, the poll's id in "peiling" as the page puts
// it), without loading the page first; a redirect to the thank-you page
// means accepted.
func submit(ctx context.Context, res resident, pollID, token string) error {
	key := make([]byte, 16)
	_, _ = rand.Read(key)
	likert := strconv.Itoa(1 + int(key[0])%5)
	choice := []string{"nooit", "een", "vaker"}[int(key[1])%3]
	form := "peiling=" + url.QueryEscape(pollID) + "&sleutel=" + base64.RawURLEncoding.EncodeToString(key) +
		"&v.bereik=" + likert + "&v.vaak=" + choice
	status, body, err := res.post(ctx, "/i/"+url.PathEscape(token), form)
	if err != nil {
		return err
	}
	if status != http.StatusSeeOther {
		return fmt.Errorf("POST /i/…: %d %s: %s", status, http.StatusText(status), firstLine(body))
	}
	return nil
}

func firstLine(b []byte) string {
	if m := regexp.MustCompile(`<title>([^<]*)</title>`).FindSubmatch(b); m != nil {
		return string(m[1])
	}
	s := bufio.NewScanner(bytes.NewReader(b))
	if s.Scan() {
		return s.Text()
	}
	return ""
}

// observation is one read of the tally: when it came back and how many
// responses it counted.
type observation struct {
	at    time.Time
	count int
}

// tallyWatch reads the tally every interval until stopped.
type tallyWatch struct {
	mu     sync.Mutex
	seen   []observation
	cancel context.CancelFunc
	done   chan struct{}
}

func startTallyWatch(ctx context.Context, api apiClient, pollID string, every time.Duration) *tallyWatch {
	ctx, cancel := context.WithCancel(ctx)
	w := &tallyWatch{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(w.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			out, err := api.call(ctx, "GET", "/polls/"+pollID+"/tally", "")
			at := time.Now()
			if err != nil {
				continue
			}
			resp, _ := out["responses"].(map[string]any)
			v, ok := resp["value"].(float64) // a JSON number
			if !ok {
				continue
			}
			n := int(v)
			w.mu.Lock()
			w.seen = append(w.seen, observation{at: at, count: n})
			w.mu.Unlock()
		}
	}()
	return w
}

// waitFor waits until the tally counts n responses or timeout passes.
func (w *tallyWatch) waitFor(ctx context.Context, n int, timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		w.mu.Lock()
		caught := len(w.seen) > 0 && w.seen[len(w.seen)-1].count >= n
		w.mu.Unlock()
		if caught {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	logf("the tally did not reach %d responses within %s", n, timeout)
}

func (w *tallyWatch) stop() []observation {
	w.cancel()
	<-w.done
	return w.seen
}

// tallyLags gives each accepted submit's lag: the k-th submit to complete
// (in time order) is taken as counted by the first tally read that came
// back after it completed and counts at least k responses; its lag is that
// read's time minus the completion. Submits the tally never caught up with
// are left out (waitFor reported them). The read's own duration and the
// polling interval are included, so the lag is an upper bound.
func tallyLags(completed []time.Time, seen []observation) []time.Duration {
	done := slices.Clone(completed)
	slices.SortFunc(done, func(a, b time.Time) int { return a.Compare(b) })
	var lags []time.Duration
	j := 0
	for k, t := range done {
		for j < len(seen) && (seen[j].at.Before(t) || seen[j].count < k+1) {
			j++
		}
		if j == len(seen) {
			break
		}
		lags = append(lags, seen[j].at.Sub(t))
	}
	return lags
}

// rawInserts measures the ceiling: n single-row inserts of a
// response-sized jsonb row, one transaction each, from concurrency
// goroutines, into a table of its own in its own schema on the same
// PostgreSQL, with pgx's default pool as the service has.
func rawInserts(ctx context.Context, databaseURL string, n, concurrency int) (float64, error) {
	pool, err := pgxpool.New(ctx, databaseURL)
	if err != nil {
		return 0, fmt.Errorf("connecting for the raw inserts: %w", err)
	}
	defer pool.Close()
	for _, q := range []string{
		`DROP SCHEMA IF EXISTS load_raw CASCADE`, `CREATE SCHEMA load_raw`,
		`CREATE TABLE load_raw.answers (id uuid PRIMARY KEY, poll_id uuid NOT NULL, answers jsonb NOT NULL, submitted_at timestamptz NOT NULL)`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			return 0, fmt.Errorf("preparing the raw inserts: %w", err)
		}
	}
	defer pool.Exec(context.WithoutCancel(ctx), `DROP SCHEMA load_raw CASCADE`) //nolint:errcheck // best effort
	pollID := uuid.Must(uuid.NewV7())
	const body = `{"vaak":{"choice":"een"},"bereik":{"value":"4"}}`
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Value
	start := time.Now()
	for range concurrency {
		wg.Go(func() {
			for ctx.Err() == nil && next.Add(1) <= int64(n) {
				if _, err := pool.Exec(ctx, `INSERT INTO load_raw.answers (id, poll_id, answers, submitted_at) VALUES ($1, $2, $3, now())`,
					uuid.Must(uuid.NewV7()), pollID, body); err != nil {
					failed.CompareAndSwap(nil, err)
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if err, _ := failed.Load().(error); err != nil {
		return 0, fmt.Errorf("raw insert: %w", err)
	}
	return float64(n) / elapsed.Seconds(), nil
}

// cpuTimes is the CPU time (user and system) used so far by meedoen, by
// the processes under it (its PostgreSQL) and by this tool.
type cpuTimes struct{ meedoen, postgres, self time.Duration }

// clockTick is the unit of /proc's CPU times (USER_HZ, 100 on Linux).
const clockTick = 10 * time.Millisecond

// cpuOf reads the CPU times from /proc; zero where it cannot.
func cpuOf(pid int) cpuTimes {
	var c cpuTimes
	c.self = procCPU("self")
	if pid == 0 {
		return c
	}
	c.meedoen = procCPU(strconv.Itoa(pid))
	// Every process under meedoen: the postmaster (perhaps under a runuser)
	// and its backends and workers.
	parent := map[int]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if f := statFields(e.Name()); len(f) > 1 {
			parent[p], _ = strconv.Atoi(f[1])
		}
	}
	for p := range parent {
		for q := parent[p]; q > 1; q = parent[q] {
			if q == pid {
				c.postgres += procCPU(strconv.Itoa(p))
				break
			}
		}
	}
	return c
}

// statFields returns the fields of /proc/<name>/stat after the command
// (state first), or nil.
func statFields(name string) []string {
	b, err := os.ReadFile("/proc/" + name + "/stat")
	if err != nil {
		return nil
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return nil
	}
	return strings.Fields(string(b[i+1:]))
}

// procCPU is the user and system time of /proc/<name>.
func procCPU(name string) time.Duration {
	f := statFields(name)
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * clockTick
}

// memory returns the process's resident set and its peak, in MiB.
func memory(pid int) (rss, hwm float64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "VmRSS:":
			rss = kb / 1024
		case "VmHWM:":
			hwm = kb / 1024
		}
	}
	return rss, hwm
}

func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(float64(len(s)-1) * p / 100)
	return s[i]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func report(w io.Writer, r results, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	row := func(name, value string) { fmt.Fprintf(tw, "%s\t%s\t\n", name, value) }
	fmt.Fprintf(w, "setup: %s\n", r.Setup)
	row("panel (invitations)", strconv.Itoa(r.Invitations))
	row("concurrent residents", strconv.Itoa(r.Concurrency))
	row("accepted at max / refused", fmt.Sprintf("%d / %d", r.Accepted, r.Refused))
	row("accepted answers/s (max)", fmt.Sprintf("%.0f", r.AnswersPerSecond))
	row("raw single-row inserts/s (same PostgreSQL, same concurrency)", fmt.Sprintf("%.0f", r.RawPerSecond))
	row("answers / raw inserts", fmt.Sprintf("%.0f %%", r.PercentOfRaw))
	row("latency p50 / p99 at max", fmt.Sprintf("%.1f / %.1f ms", r.P50ms, r.P99ms))
	row("tally lag p50 / p99 / max at max", fmt.Sprintf("%.0f / %.0f / %.0f ms", r.TallyLagP50ms, r.TallyLagP99ms, r.TallyLagMaxms))
	row("tally reads", strconv.Itoa(r.TallyReads))
	if r.HalfRate > 0 {
		row("second phase: target / achieved answers/s", fmt.Sprintf("%.0f / %.0f", r.HalfRate, r.HalfAchieved))
		row("second phase: latency p50 / p99", fmt.Sprintf("%.1f / %.1f ms", r.HalfP50ms, r.HalfP99ms))
	}
	if r.CPUMeedoenUs > 0 {
		row("CPU per answer at max: meedoen / PostgreSQL / this tool", fmt.Sprintf("%.0f / %.0f / %.0f µs", r.CPUMeedoenUs, r.CPUPostgresUs, r.CPULoadUs))
	}
	if r.SurveysStreamMsgs > 0 {
		row("messages in the surveys stream after the run", strconv.Itoa(r.SurveysStreamMsgs))
	}
	if len(r.SubmitsPerSurveys) > 0 {
		row("submits served per surveys process", fmt.Sprint(r.SubmitsPerSurveys))
	}
	if r.HWMMiB > 0 {
		row("meedoen RSS before / after / peak", fmt.Sprintf("%.0f / %.0f / %.0f MiB", r.RSSBeforeMiB, r.RSSMiB, r.HWMMiB))
	}
	return tw.Flush()
}
