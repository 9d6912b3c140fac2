package testkit

import (
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Cluster is an in-process NATS cluster with JetStream on file storage:
// its servers route to each other on loopback, each stores in a directory
// of its own, and each keeps its ports when stopped and started again, as
// a pod that restarts on its volume does.
type Cluster struct {
	t       testing.TB
	mu      sync.Mutex
	opts    []*server.Options
	servers []*server.Server
}

// NewJetStreamCluster starts a cluster of n servers (3 for R3 streams) and
// waits until JetStream has a leader. The servers are shut down when the
// test ends.
func NewJetStreamCluster(t testing.TB, n int) *Cluster {
	t.Helper()
	c := &Cluster{t: t}
	clientPorts, routePorts := freePorts(t, n), freePorts(t, n)
	var routes []string
	for _, p := range routePorts {
		routes = append(routes, fmt.Sprintf("nats-route://127.0.0.1:%d", p))
	}
	for i := range n {
		// Asked for before the cleanup below, so that it is removed after
		// the servers stopped.
		dir := t.TempDir()
		c.opts = append(c.opts, &server.Options{
			ServerName:         fmt.Sprintf("meedoen-test-%d", i+1),
			Host:               "127.0.0.1",
			Port:               clientPorts[i],
			JetStream:          true,
			StoreDir:           filepath.Join(dir, "jetstream"),
			JetStreamMaxMemory: 64 << 20,
			JetStreamMaxStore:  1 << 30,
			Cluster:            server.ClusterOpts{Name: "meedoen-test", Host: "127.0.0.1", Port: routePorts[i]},
			Routes:             server.RoutesFromStr(strings.Join(routes, ",")),
			NoSigs:             true,
			NoLog:              true,
		})
	}
	c.servers = make([]*server.Server, n)
	t.Cleanup(func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		for _, s := range c.servers {
			if s != nil {
				s.Shutdown()
				s.WaitForShutdown()
			}
		}
	})
	for i := range n {
		c.Start(i)
	}
	CheckFor(t, 30*time.Second, 50*time.Millisecond, func() error {
		for i, s := range c.Servers() {
			if !s.JetStreamIsCurrent() {
				return fmt.Errorf("server %d: JetStream not current", i+1)
			}
		}
		if c.metaLeader() == "" {
			return fmt.Errorf("no JetStream meta leader yet")
		}
		return nil
	})
	return c
}

func (c *Cluster) metaLeader() string {
	for _, s := range c.Servers() {
		if s != nil && s.JetStreamIsLeader() {
			return s.Name()
		}
	}
	return ""
}

// freePorts returns n loopback ports that were free a moment ago.
func freePorts(t testing.TB, n int) []int {
	t.Helper()
	var ls []net.Listener
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("testkit: finding a free port: %v", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}

// URL is the client URL of every server, comma-separated, as NATS clients
// take a list to fail over along.
func (c *Cluster) URL() string {
	var urls []string
	for _, o := range c.opts {
		urls = append(urls, fmt.Sprintf("nats://127.0.0.1:%d", o.Port))
	}
	return strings.Join(urls, ",")
}

// Servers returns the running servers (nil where one is stopped).
func (c *Cluster) Servers() []*server.Server {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*server.Server(nil), c.servers...)
}

// Start starts server i (from 0) on its ports and store directory.
func (c *Cluster) Start(i int) {
	c.t.Helper()
	o := *c.opts[i]
	s, err := server.NewServer(&o)
	if err != nil {
		c.t.Fatalf("testkit: configuring nats server %d: %v", i+1, err)
	}
	s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		s.Shutdown()
		c.t.Fatalf("testkit: nats server %d not ready for connections after 10s", i+1)
	}
	c.mu.Lock()
	c.servers[i] = s
	c.mu.Unlock()
}

// Stop shuts server i down; its store stays for Start.
func (c *Cluster) Stop(i int) {
	c.mu.Lock()
	s := c.servers[i]
	c.servers[i] = nil
	c.mu.Unlock()
	if s != nil {
		s.Shutdown()
		s.WaitForShutdown()
	}
}

// StreamLeader returns the index of the server that leads stream in
// account $G, or -1.
func (c *Cluster) StreamLeader(stream string) int {
	for i, s := range c.Servers() {
		if s != nil && s.JetStreamIsStreamLeader(server.DEFAULT_GLOBAL_ACCOUNT, stream) {
			return i
		}
	}
	return -1
}
