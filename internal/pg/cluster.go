package pg

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// The layout of a cluster directory. The password and the log live beside
// PGDATA, not in it, so that they stay ours while PGDATA belongs to the
// server's OS user.
const (
	dataDirName      = "data"
	passwordFileName = "password"
	logFileName      = "postgres.log"
	lockFileName     = "cluster.lock"
)

const (
	superuser = "meedoen"
	// readyTimeout bounds how long one start waits for the server to accept
	// connections; crash recovery after an unclean stop can take a while.
	readyTimeout = 30 * time.Second
	// portAttempts bounds the retries when another process takes the free
	// port we picked before the server binds it.
	portAttempts = 5
	// busyMemoryWait bounds the retries while backends of a crashed server
	// still hold its shared memory.
	busyMemoryWait = 10 * time.Second
	// maxLogSize is where the server log is rotated, once, at start.
	maxLogSize = 16 << 20
)

var (
	errPortInUse    = errors.New("port already in use")
	errMemoryInUse  = errors.New("shared memory of an earlier server still in use")
	errServerExited = errors.New("postgres exited during start")
)

// ClusterConfig describes a private PostgreSQL cluster.
type ClusterConfig struct {
	// Dir is the cluster directory, e.g. ./var/pg. The first start creates it
	// and runs initdb into Dir/data; later starts reuse that. Dir also holds
	// the superuser's password (Dir/password, mode 0600) and the server log
	// (Dir/postgres.log).
	Dir string
	// BinDir holds initdb and postgres; empty means FindBinDir.
	BinDir string
	// Port is the loopback TCP port to listen on; 0 picks a free one at each
	// start.
	Port int
	// Fast gives up durability for speed (no fsync, no synchronous commit,
	// no full-page writes): for tests, never for data that matters.
	Fast bool
	// Logger receives start and stop lines; nil discards them.
	Logger *slog.Logger
}

// Cluster is a running PostgreSQL server that this process started and
// owns. It listens on 127.0.0.1 only and accepts the superuser meedoen with
// the password kept in the cluster directory.
type Cluster struct {
	dir, dataDir, binDir string
	fast                 bool
	log                  *slog.Logger
	acct                 account

	lock     *os.File
	logFile  *os.File
	password string
	port     int
	initdb   bool
	proc     *process

	stopOnce sync.Once
	stopErr  error
}

// StartCluster starts the cluster in cfg.Dir, initialising it first if the
// directory holds none, and returns once it accepts connections. Call Stop
// to shut it down; should this process die first, the kernel tells the
// server to shut down.
func StartCluster(ctx context.Context, cfg ClusterConfig) (*Cluster, error) {
	if cfg.Dir == "" {
		return nil, errors.New("starting postgresql: no cluster directory configured")
	}
	dir, err := filepath.Abs(cfg.Dir)
	if err != nil {
		return nil, fmt.Errorf("starting postgresql: resolving %s: %w", cfg.Dir, err)
	}
	binDir := cfg.BinDir
	if binDir == "" {
		if binDir, err = FindBinDir(); err != nil {
			return nil, fmt.Errorf("starting postgresql: %w", err)
		}
	} else if !hasServerBinaries(binDir) {
		return nil, fmt.Errorf("starting postgresql: no initdb and postgres in %s", binDir)
	}
	acct, err := serverAccount()
	if err != nil {
		return nil, fmt.Errorf("starting postgresql: %w", err)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Cluster{
		dir:     dir,
		dataDir: filepath.Join(dir, dataDirName),
		binDir:  binDir,
		fast:    cfg.Fast,
		log:     log,
		acct:    acct,
	}
	if err := c.start(ctx, cfg.Port); err != nil {
		c.release()
		return nil, fmt.Errorf("starting postgresql in %s: %w", dir, err)
	}
	return c, nil
}

// URL returns the superuser's connection URL for database on this cluster.
func (c *Cluster) URL(database string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(superuser, c.password),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)),
		Path:     "/" + database,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// Initialised reports whether this start ran initdb, that is, whether the
// cluster is new.
func (c *Cluster) Initialised() bool { return c.initdb }

// Done returns a channel that is closed when the server process exits,
// whether through Stop or on its own.
func (c *Cluster) Done() <-chan struct{} { return c.proc.done }

// Stop shuts the server down the fast way (open transactions are rolled
// back, a checkpoint is written) and waits for it to exit. If ctx ends
// first, it shuts the server down immediately, which costs crash recovery
// at the next start. Later calls return the first call's result.
func (c *Cluster) Stop(ctx context.Context) error {
	c.stopOnce.Do(func() { c.stopErr = c.stop(ctx) })
	return c.stopErr
}

func (c *Cluster) stop(ctx context.Context) error {
	defer c.release()
	p := c.proc
	if p.exited() {
		if p.err != nil {
			return fmt.Errorf("stopping postgresql: it had already exited: %w", p.err)
		}
		return nil
	}
	began := time.Now()
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-p.done:
	case <-ctx.Done():
		c.log.Warn("postgresql did not stop in time; stopping it immediately", "dir", c.dir)
		c.terminate(p)
		return fmt.Errorf("stopping postgresql: %w", ctx.Err())
	}
	c.log.Info("postgresql stopped", "dir", c.dir, "took", time.Since(began).Round(time.Millisecond))
	if p.err != nil {
		return fmt.Errorf("stopping postgresql: %w", p.err)
	}
	return nil
}

// terminate stops p without a checkpoint, and kills its whole process
// group if even that hangs.
func (c *Cluster) terminate(p *process) {
	_ = p.cmd.Process.Signal(syscall.SIGQUIT)
	t := time.NewTimer(5 * time.Second)
	defer t.Stop()
	select {
	case <-p.done:
	case <-t.C:
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
	}
}

// release gives up the directory lock and the log file.
func (c *Cluster) release() {
	if c.logFile != nil {
		_ = c.logFile.Close()
	}
	if c.lock != nil {
		// Closing the file drops the flock.
		_ = c.lock.Close()
	}
}

func (c *Cluster) start(ctx context.Context, port int) error {
	began := time.Now()
	if err := c.prepareDir(); err != nil {
		return err
	}
	if err := c.lockDir(); err != nil {
		return err
	}
	if err := c.openLog(); err != nil {
		return err
	}
	if err := c.ensureInitialised(ctx); err != nil {
		return err
	}
	if err := c.clearStalePid(ctx); err != nil {
		return err
	}
	for attempt := 1; ; attempt++ {
		c.port = port
		if port == 0 {
			p, err := freePort()
			if err != nil {
				return err
			}
			c.port = p
		}
		err := c.launch(ctx)
		switch {
		case err == nil:
			c.log.Info("postgresql ready", "dir", c.dir, "port", c.port, "initdb", c.initdb,
				"took", time.Since(began).Round(time.Millisecond))
			return nil
		case errors.Is(err, errPortInUse) && port == 0 && attempt < portAttempts:
			c.log.Debug("postgresql port taken meanwhile; trying another", "port", c.port)
		case errors.Is(err, errMemoryInUse) && time.Since(began) < busyMemoryWait:
			if err := sleep(ctx, 100*time.Millisecond); err != nil {
				return err
			}
		default:
			return err
		}
	}
}

func (c *Cluster) prepareDir() error {
	if err := os.MkdirAll(filepath.Dir(c.dir), 0o755); err != nil {
		return fmt.Errorf("creating cluster directory: %w", err)
	}
	if err := os.Mkdir(c.dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("creating cluster directory: %w", err)
	}
	if !c.acct.drop {
		return nil
	}
	// The server's user must reach Dir/data, but not list Dir or read the
	// password in it.
	if err := os.Chmod(c.dir, 0o711); err != nil {
		return fmt.Errorf("opening cluster directory to user %s: %w", c.acct.name, err)
	}
	return c.acct.makeTraversable(c.dir, c.log)
}

// lockDir makes sure no other process runs a cluster from the same
// directory, so that any server we find there later is a leftover.
func (c *Cluster) lockDir() error {
	f, err := os.OpenFile(filepath.Join(c.dir, lockFileName), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("opening lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		_ = f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return errors.New("another process runs a cluster from this directory")
		}
		return fmt.Errorf("locking cluster directory: %w", err)
	}
	c.lock = f
	return nil
}

func (c *Cluster) openLog() error {
	path := filepath.Join(c.dir, logFileName)
	if fi, err := os.Stat(path); err == nil && fi.Size() > maxLogSize {
		if err := os.Rename(path, path+".1"); err != nil {
			return fmt.Errorf("rotating server log: %w", err)
		}
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("opening server log: %w", err)
	}
	c.logFile = f
	return nil
}

func (c *Cluster) ensureInitialised(ctx context.Context) error {
	_, err := os.Stat(filepath.Join(c.dataDir, "PG_VERSION"))
	if errors.Is(err, fs.ErrNotExist) {
		return c.runInitdb(ctx)
	}
	if err != nil {
		return fmt.Errorf("inspecting data directory: %w", err)
	}
	pw, err := os.ReadFile(filepath.Join(c.dir, passwordFileName))
	if err != nil {
		return fmt.Errorf("reading the superuser password of the existing cluster: %w", err)
	}
	c.password = strings.TrimSpace(string(pw))
	if !c.acct.drop {
		return nil
	}
	// An earlier run may have used another account (nobody before a
	// postgres user existed); the server insists on owning its data.
	owned, err := c.acct.owns(c.dataDir)
	if err != nil {
		return fmt.Errorf("inspecting data directory: %w", err)
	}
	if !owned {
		c.log.Info("handing data directory to the postgresql user", "dir", c.dataDir, "user", c.acct.name)
		if err := c.acct.chownTree(c.dataDir); err != nil {
			return err
		}
	}
	return nil
}

func (c *Cluster) runInitdb(ctx context.Context) error {
	entries, err := os.ReadDir(c.dataDir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("inspecting data directory: %w", err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("%s is neither empty nor a postgresql data directory: move it away to initialise a new cluster", c.dataDir)
	}
	if err := c.loadOrCreatePassword(); err != nil {
		return err
	}
	// initdb reads the password from a file; it gets a copy of its own
	// because ours stays unreadable to the server's user.
	pwFile := filepath.Join(c.dir, "initdb.pw")
	_ = os.Remove(pwFile)
	if err := os.WriteFile(pwFile, []byte(c.password+"\n"), 0o600); err != nil {
		return fmt.Errorf("writing password for initdb: %w", err)
	}
	defer os.Remove(pwFile)
	if err := c.acct.chown(pwFile); err != nil {
		return err
	}
	if err := os.Mkdir(c.dataDir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("creating data directory: %w", err)
	}
	if err := c.acct.chown(c.dataDir); err != nil {
		return err
	}

	c.log.Info("initialising postgresql cluster", "dir", c.dataDir)
	args := []string{
		"-D", c.dataDir,
		"--username=" + superuser,
		"--auth=scram-sha-256",
		"--pwfile=" + pwFile,
		"--encoding=UTF8",
		"--locale=C",
	}
	if c.fast {
		args = append(args, "--no-sync")
	}
	offset := c.logSize()
	p, err := startProcess(c.command("initdb", args...))
	if err != nil {
		return fmt.Errorf("running initdb: %w", err)
	}
	select {
	case <-p.done:
	case <-ctx.Done():
		// initdb removes what it created when interrupted.
		_ = p.cmd.Process.Signal(syscall.SIGINT)
		<-p.done
		return fmt.Errorf("running initdb: %w", ctx.Err())
	}
	if p.err != nil {
		return fmt.Errorf("running initdb: %w%s", p.err, c.logTail(offset))
	}
	c.initdb = true
	return nil
}

// loadOrCreatePassword reuses the password an interrupted initialisation
// left behind, so the file never disagrees with the cluster.
func (c *Cluster) loadOrCreatePassword() error {
	path := filepath.Join(c.dir, passwordFileName)
	if pw, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(pw))) > 0 {
		c.password = strings.TrimSpace(string(pw))
		return nil
	}
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	c.password = hex.EncodeToString(b)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(c.password+"\n"), 0o600); err != nil {
		return fmt.Errorf("writing superuser password: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("writing superuser password: %w", err)
	}
	return nil
}

// clearStalePid removes a postmaster.pid whose pid now belongs to an
// unrelated process, which would make the server refuse to start; a pid
// that is simply dead the server handles itself. A server of ours from an
// earlier run that is still shutting down (on the SIGINT its dying parent
// left it) is waited for.
func (c *Cluster) clearStalePid(ctx context.Context) error {
	path := filepath.Join(c.dataDir, "postmaster.pid")
	deadline := time.Now().Add(readyTimeout)
	for logged := false; ; logged = true {
		b, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading postmaster.pid: %w", err)
		}
		first, _, _ := strings.Cut(string(b), "\n")
		pid, err := strconv.Atoi(strings.TrimSpace(first))
		if err != nil || pid <= 0 || !processAlive(pid) {
			return nil
		}
		if !c.isOurPostmaster(pid) {
			c.log.Info("removing stale postmaster.pid", "dir", c.dataDir, "pid", pid)
			if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("removing stale postmaster.pid: %w", err)
			}
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres (pid %d) from an earlier run still uses %s", pid, c.dataDir)
		}
		if !logged {
			c.log.Info("waiting for postgresql from an earlier run to exit", "pid", pid)
		}
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
}

func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

func (c *Cluster) isOurPostmaster(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return false
	}
	args := strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
	return filepath.Base(args[0]) == "postgres" && slices.Contains(args, c.dataDir)
}

func (c *Cluster) launch(ctx context.Context) error {
	args := []string{
		"-D", c.dataDir,
		"-p", strconv.Itoa(c.port),
		"-c", "listen_addresses=127.0.0.1",
		"-c", "unix_socket_directories=",
	}
	if c.fast {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	offset := c.logSize()
	p, err := startProcess(c.command("postgres", args...))
	if err != nil {
		return fmt.Errorf("running postgres: %w", err)
	}
	if err := c.waitReady(ctx, p); err != nil {
		if !p.exited() {
			c.terminate(p)
		}
		tail := c.logTail(offset)
		switch {
		case strings.Contains(tail, "Address already in use"):
			return fmt.Errorf("%w: %d%s", errPortInUse, c.port, tail)
		case strings.Contains(tail, "pre-existing shared memory block"):
			return fmt.Errorf("%w%s", errMemoryInUse, tail)
		}
		return fmt.Errorf("%w%s", err, tail)
	}
	c.proc = p
	return nil
}

// waitReady polls until the server accepts the superuser, fails early if
// it exits.
func (c *Cluster) waitReady(ctx context.Context, p *process) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	// An attempt may hang on whatever else holds the port; the server's
	// exit ends it.
	go func() {
		select {
		case <-p.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	for {
		attempt, cancelAttempt := context.WithTimeout(ctx, 2*time.Second)
		conn, err := pgx.Connect(attempt, c.URL("postgres"))
		cancelAttempt()
		if err == nil {
			_ = conn.Close(ctx)
			return nil
		}
		t := time.NewTimer(10 * time.Millisecond)
		if p.exited() {
			t.Stop()
			return fmt.Errorf("%w: %v", errServerExited, p.err)
		}
		select {
		case <-p.done:
			t.Stop()
			return fmt.Errorf("%w: %v", errServerExited, p.err)
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("waiting for postgres to accept connections: %w (last attempt: %v)", ctx.Err(), err)
		case <-t.C:
		}
	}
}

func (c *Cluster) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(c.binDir, name), args...)
	cmd.Dir = c.dir
	// English messages, which launch recognises errors by.
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	cmd.Stdout = c.logFile
	cmd.Stderr = c.logFile
	cmd.SysProcAttr = c.acct.sysProcAttr()
	return cmd
}

func (c *Cluster) logSize() int64 {
	fi, err := c.logFile.Stat()
	if err != nil {
		return 0
	}
	return fi.Size()
}

// logTail returns the last lines the server logged since offset, formatted
// to end an error message.
func (c *Cluster) logTail(offset int64) string {
	const maxBytes, maxLines = 8 << 10, 15
	f, err := os.Open(c.logFile.Name())
	if err != nil {
		return ""
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return ""
	}
	offset = max(offset, fi.Size()-maxBytes)
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return ""
	}
	b, err := io.ReadAll(f)
	if err != nil || len(b) == 0 {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > maxLines {
		lines = lines[len(lines)-maxLines:]
	}
	return fmt.Sprintf("\nlast lines of %s:\n\t%s", c.logFile.Name(), strings.Join(lines, "\n\t"))
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
