package main

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/meedoen/meedoen/internal/auth"
	"github.com/meedoen/meedoen/internal/pg"
)

// setup describes what a run measures, for the report.
func setup(c config) string {
	if c.URL != "" {
		return "running gateway at " + c.URL
	}
	nats := "meedoen's embedded NATS server"
	switch {
	case c.NATSServers == 1:
		nats = "one NATS server in the load tool"
	case c.NATSServers > 1:
		nats = fmt.Sprintf("%d-node NATS cluster in the load tool, R%d streams", c.NATSServers, min(c.NATSServers, 3))
	}
	if c.NATSSyncAlways {
		nats += ", sync always"
	}
	if c.SurveysReplicas > 0 {
		return fmt.Sprintf("%d surveys processes + 1 process with the rest, PostgreSQL by the load tool, %s", c.SurveysReplicas, nats)
	}
	return "meedoen -dev in one process, " + nats
}

// natsServers are JetStream servers this tool runs in its own process,
// routed to each other when more than one: a cluster on loopback, each
// with file storage of its own. Their processor time is the tool's.
type natsServers struct {
	servers []*server.Server
}

func startNATS(dir string, n int, syncAlways bool) (*natsServers, error) {
	ports := func() ([]int, error) {
		var out []int
		for range n {
			p, err := freePort()
			if err != nil {
				return nil, err
			}
			out = append(out, p)
		}
		return out, nil
	}
	clientPorts, err := ports()
	if err != nil {
		return nil, err
	}
	routePorts, err := ports()
	if err != nil {
		return nil, err
	}
	var routes []string
	for _, p := range routePorts {
		routes = append(routes, "nats-route://127.0.0.1:"+strconv.Itoa(p))
	}
	ns := &natsServers{}
	for i := range n {
		o := &server.Options{
			ServerName: fmt.Sprintf("load-%d", i+1),
			Host:       "127.0.0.1",
			Port:       clientPorts[i],
			JetStream:  true,
			StoreDir:   filepath.Join(dir, strconv.Itoa(i+1)),
			// As meedoen's embedded server has it.
			JetStreamMaxMemory: 256 << 20,
			SyncAlways:         syncAlways,
			NoSigs:             true,
			NoLog:              true,
		}
		if n > 1 {
			o.Cluster = server.ClusterOpts{Name: "load", Host: "127.0.0.1", Port: routePorts[i]}
			o.Routes = server.RoutesFromStr(strings.Join(routes, ","))
		}
		s, err := server.NewServer(o)
		if err != nil {
			ns.stop()
			return nil, fmt.Errorf("configuring NATS server %d: %w", i+1, err)
		}
		s.Start()
		ns.servers = append(ns.servers, s)
	}
	for i, s := range ns.servers {
		if !s.ReadyForConnections(10 * time.Second) {
			ns.stop()
			return nil, fmt.Errorf("NATS server %d not ready for connections within 10 s", i+1)
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		ready := true
		leader := false
		for _, s := range ns.servers {
			ready = ready && (n == 1 || s.JetStreamIsCurrent())
			leader = leader || n == 1 || s.JetStreamIsLeader()
		}
		if ready && leader {
			break
		}
		if time.Now().After(deadline) {
			ns.stop()
			return nil, errors.New("the NATS servers did not get ready within 30 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	logf("started %d NATS server(s): %s", n, ns.url())
	return ns, nil
}

// url lists every server, as NATS clients take it.
func (ns *natsServers) url() string {
	var urls []string
	for _, s := range ns.servers {
		urls = append(urls, s.ClientURL())
	}
	return strings.Join(urls, ",")
}

// replicas is how many replicas the streams get: 3 on a cluster of 3 or
// more.
func (ns *natsServers) replicas() int { return min(len(ns.servers), 3) }

func (ns *natsServers) stop() {
	for _, s := range ns.servers {
		s.Shutdown()
	}
	for _, s := range ns.servers {
		s.WaitForShutdown()
	}
}

// split is meedoen as a deployment runs it: one process with the gateway
// and the councils, focus groups and results services, and several
// -target=surveys processes the gateway spreads its calls over, on a
// PostgreSQL this tool starts and the NATS servers it runs.
type split struct {
	procs []*process
	// surveys are the surveys processes' HTTP base URLs.
	surveys []string
	pg      *pg.Cluster
	nats    *natsServers
}

type process struct {
	cmd  *exec.Cmd
	done chan struct{}
	log  string
}

func (s *split) stop() {
	// The gateway first (it is the first started), so that no call reaches
	// a stopped service; the services; then what they ran on.
	for _, p := range s.procs {
		stopProcess(p.cmd, p.done)
	}
	if s.pg != nil {
		if err := s.pg.Stop(context.Background()); err != nil {
			logf("stopping PostgreSQL: %v", err)
		}
	}
	if s.nats != nil {
		s.nats.stop()
	}
}

func startSplit(ctx context.Context, cfg config, dir, bin string, ns *natsServers) (_ *meedoen, err error) {
	sp := &split{nats: ns}
	m := &meedoen{dir: dir, split: sp}
	defer func() {
		if err != nil {
			m.stop()
		}
	}()
	if sp.pg, err = pg.StartCluster(ctx, pg.ClusterConfig{Dir: filepath.Join(dir, "pg")}); err != nil {
		return nil, err
	}
	if err := createDatabase(ctx, sp.pg.URL("postgres"), "meedoen"); err != nil {
		return nil, err
	}
	m.databaseURL = sp.pg.URL("meedoen")
	key, err := auth.GenerateKey()
	if err != nil {
		return nil, err
	}
	common := []string{"-database-url=" + m.databaseURL, "-nats-url=" + ns.url(), "-stream-replicas=" + strconv.Itoa(ns.replicas()),
		"-internal-verify-keys=" + auth.EncodePublicKey(key.Public().(ed25519.PublicKey)), "-log-level=warn"}
	common = append(common, strings.Fields(cfg.MeedoenFlags)...)

	var surveysAddrs []string
	for range cfg.SurveysReplicas {
		p, err := freePort()
		if err != nil {
			return nil, err
		}
		surveysAddrs = append(surveysAddrs, "127.0.0.1:"+strconv.Itoa(p))
	}
	gwPort, err := freePort()
	if err != nil {
		return nil, err
	}
	m.base = "http://127.0.0.1:" + strconv.Itoa(gwPort)
	// The gateway's process first: its -dev loads the demo data through
	// the councils service beside it.
	gwArgs := append([]string{"-dev", "-target=councils,focusgroups,results,gateway", "-data-dir=" + filepath.Join(dir, "var"),
		"-http-addr=127.0.0.1:" + strconv.Itoa(gwPort), "-grpc-addr=127.0.0.1:0",
		"-surveys-addr=" + strings.Join(surveysAddrs, ","), "-rate-limit=-1", "-anonymous-rate-limit=-1",
		"-internal-signing-key=" + base64.StdEncoding.EncodeToString(key.Seed())}, common...)
	if err := sp.start(ctx, bin, "gateway", m.base, gwArgs, filepath.Join(dir, "gateway.log")); err != nil {
		return nil, err
	}
	for i, addr := range surveysAddrs {
		p, err := freePort()
		if err != nil {
			return nil, err
		}
		base := "http://127.0.0.1:" + strconv.Itoa(p)
		args := append([]string{"-target=surveys", "-grpc-addr=" + addr, "-http-addr=127.0.0.1:" + strconv.Itoa(p)}, common...)
		if err := sp.start(ctx, bin, "surveys "+strconv.Itoa(i+1), base, args, filepath.Join(dir, fmt.Sprintf("surveys-%d.log", i+1))); err != nil {
			return nil, err
		}
		sp.surveys = append(sp.surveys, base)
	}
	return m, nil
}

// start runs one meedoen process and waits until base answers /readyz.
func (s *split) start(ctx context.Context, bin, name, base string, args []string, logPath string) error {
	logFile, err := os.Create(logPath)
	if err != nil {
		return err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return fmt.Errorf("starting meedoen (%s): %w", name, err)
	}
	p := &process{cmd: cmd, done: make(chan struct{}), log: logPath}
	go func() { _ = cmd.Wait(); logFile.Close(); close(p.done) }()
	s.procs = append(s.procs, p)
	logf("started meedoen %s (pid %d) at %s; waiting until ready", name, cmd.Process.Pid, base)
	deadline := time.Now().Add(3 * time.Minute)
	for {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-p.done:
			log, _ := os.ReadFile(logPath)
			return fmt.Errorf("meedoen %s exited: %s", name, tail(log, 2000))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("meedoen %s did not get ready within 3 minutes", name)
		}
	}
}

// createDatabase creates the database name on the cluster at adminURL.
func createDatabase(ctx context.Context, adminURL, name string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("connecting to PostgreSQL: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return fmt.Errorf("creating database %s: %w", name, err)
	}
	return nil
}

// submitsMetric is the server-side count of SubmitResponse calls in the
// Prometheus exposition of /metrics.
var submitsMetric = regexp.MustCompile(`^rpc_server_[a-z_]*duration[a-z_]*_count\{[^}]*SubmitResponse"[^}]*\} (\d+)`)

// submits returns how many submits each surveys process served so far; -1
// where its /metrics could not be read.
func (s *split) submits() []int {
	out := make([]int, len(s.surveys))
	for i, base := range s.surveys {
		resp, err := http.Get(base + "/metrics")
		if err != nil {
			out[i] = -1
			continue
		}
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			if m := submitsMetric.FindStringSubmatch(sc.Text()); m != nil {
				n, _ := strconv.Atoi(m[1])
				out[i] += n
			}
		}
		resp.Body.Close()
	}
	return out
}

// streamMsgs is how many messages the stream name holds.
func (ns *natsServers) streamMsgs(ctx context.Context, name string) (uint64, error) {
	nc, err := nats.Connect(ns.url())
	if err != nil {
		return 0, err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return 0, err
	}
	st, err := js.Stream(ctx, name)
	if err != nil {
		return 0, err
	}
	info, err := st.Info(ctx)
	if err != nil {
		return 0, err
	}
	return info.State.Msgs, nil
}
