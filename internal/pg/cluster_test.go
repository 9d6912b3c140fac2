package pg_test

import (
	"context"
	"fmt"
	"net"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/meedoen/meedoen/internal/pg"
)

func TestFindBinDir(t *testing.T) {
	dir, err := pg.FindBinDir()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"initdb", "postgres"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("FindBinDir() = %s, which lacks %s: %v", dir, name, err)
		}
	}
}

func TestClusterRestartKeepsDataWithoutInitdb(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "pg")

	first := startCluster(t, dir)
	if !first.Initialised() {
		t.Fatal("first start: Initialised() = false, want true")
	}
	execSQL(t, first.URL("postgres"), "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('survives')")
	stop(t, first)
	if err := first.Stop(t.Context()); err != nil {
		t.Errorf("second Stop() = %v, want the first call's nil", err)
	}

	began := time.Now()
	second := startCluster(t, dir)
	t.Logf("warm start took %s", time.Since(began))
	if second.Initialised() {
		t.Error("restart: Initialised() = true, want false (initdb ran again)")
	}
	if got := queryString(t, second.URL("postgres"), "SELECT v FROM kept"); got != "survives" {
		t.Errorf("after restart: kept = %q, want %q", got, "survives")
	}
}

func TestClusterStartsAfterCrash(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "pg")
	crashed := startCluster(t, dir)

	b, err := os.ReadFile(filepath.Join(dir, "data", "postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.SplitN(string(b), "\n", 2)[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-crashed.Done()
	// The crashed server's postmaster.pid stays behind, naming a dead pid.
	if _, err := os.Stat(filepath.Join(dir, "data", "postmaster.pid")); err != nil {
		t.Fatalf("stale postmaster.pid: %v", err)
	}
	_ = crashed.Stop(t.Context())

	restarted := startCluster(t, dir)
	if got := queryString(t, restarted.URL("postgres"), "SELECT 'up'"); got != "up" {
		t.Errorf("after crash: SELECT = %q, want %q", got, "up")
	}
}

func TestClusterStartsDespitePidReusedByAnotherProcess(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "pg")
	stop(t, startCluster(t, dir))

	// A process that is alive but no postgres now holds the recorded pid, as
	// after a reboot; postgres alone would refuse to start.
	other := osexec.Command("sleep", "60")
	if err := other.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = other.Process.Kill(); _ = other.Wait() })
	pidFile := fmt.Sprintf("%d\n%s\n1700000000\n5432\n\n127.0.0.1\n  5432001  0\nready   \n", other.Process.Pid, filepath.Join(dir, "data"))
	if err := os.WriteFile(filepath.Join(dir, "data", "postmaster.pid"), []byte(pidFile), 0o600); err != nil {
		t.Fatal(err)
	}

	restarted := startCluster(t, dir)
	if got := queryString(t, restarted.URL("postgres"), "SELECT 'up'"); got != "up" {
		t.Errorf("after stale pid: SELECT = %q, want %q", got, "up")
	}
}

func TestClusterReportsTakenFixedPort(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port

	c, err := pg.StartCluster(t.Context(), pg.ClusterConfig{Dir: filepath.Join(t.TempDir(), "pg"), Port: port, Fast: true})
	if err == nil {
		stop(t, c)
		t.Fatalf("StartCluster on taken port %d succeeded, want an error", port)
	}
	if !strings.Contains(err.Error(), "port already in use") {
		t.Errorf("StartCluster error = %q, want it to say the port is in use", err)
	}
}

func TestClusterRefusesSecondOwner(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "pg")
	startCluster(t, dir)

	second, err := pg.StartCluster(t.Context(), pg.ClusterConfig{Dir: dir, Fast: true})
	if err == nil {
		stop(t, second)
		t.Fatal("second StartCluster on the same directory succeeded, want an error")
	}
	if !strings.Contains(err.Error(), "another process") {
		t.Errorf("second StartCluster error = %q, want it to mention another process", err)
	}
}

func startCluster(t *testing.T, dir string) *pg.Cluster {
	t.Helper()
	c, err := pg.StartCluster(t.Context(), pg.ClusterConfig{Dir: dir, Fast: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Stop(context.Background()) })
	return c
}

func stop(t *testing.T, c *pg.Cluster) {
	t.Helper()
	if err := c.Stop(t.Context()); err != nil {
		t.Fatalf("Stop() = %v", err)
	}
}

func execSQL(t *testing.T, url, sql string) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(t.Context(), sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func queryString(t *testing.T, url, sql string) string {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var s string
	if err := conn.QueryRow(t.Context(), sql).Scan(&s); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return s
}
