package testkit

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/meedoen/meedoen/internal/pg"
)

// envDatabaseURL names the variable that points tests at an existing server.
const envDatabaseURL = "TEST_DATABASE_URL"

// clusterDirPrefix starts the names of throwaway cluster directories.
const clusterDirPrefix = "meedoen-testkit-"

// setupTimeout bounds starting the cluster, migrating a template and
// creating or dropping a database.
const setupTimeout = 2 * time.Minute

// Schema is one service schema of a test database and the migration sets
// that build it, in order.
type Schema struct {
	// Name is the schema's name, e.g. surveys.
	Name string
	// Sets build the schema, applied in order.
	Sets []pg.MigrationSet
}

// pgServer is what one test binary shares: testing has no home for a server
// that outlives a single test other than package state, which Main sets up
// and tears down.
type pgServer struct {
	inMain atomic.Bool

	// mu guards the fields below; start and shutdown hold it throughout.
	mu         sync.Mutex
	started    bool
	err        error
	adminURL   string
	external   bool
	admin      *pgxpool.Pool
	cluster    *pg.Cluster
	clusterDir string // the throwaway cluster's temporary directory

	templatesMu sync.Mutex
	templates   map[string]*template

	seq atomic.Int64
}

// template is a database migrated once and cloned by every NewDatabase
// asking for the same schemas.
type template struct {
	once sync.Once
	name string
	err  error
}

var shared = &pgServer{templates: map[string]*template{}}

// Main runs the tests of m, then stops the shared PostgreSQL server and
// removes what testkit created for it, and returns the exit code for
// os.Exit.
func Main(m *testing.M) int {
	shared.inMain.Store(true)
	code := m.Run()
	if err := shared.shutdown(); err != nil {
		fmt.Fprintf(os.Stderr, "testkit: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// Postgres returns a superuser URL of the PostgreSQL server shared by this
// test binary: TEST_DATABASE_URL if set, else a throwaway cluster started
// at the first call. It fails the test, never skips it, if there is
// neither.
func Postgres(t testing.TB) (adminURL string) {
	t.Helper()
	if !shared.inMain.Load() {
		t.Fatal("testkit: the package must run its tests through testkit.Main: func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }")
	}
	if err := shared.start(); err != nil {
		t.Fatalf("testkit: %v", err)
	}
	return shared.adminURL
}

// NewDatabase creates a database of its own for the calling test, holding
// the given schemas fully migrated, and drops it when the test ends. The
// migrations run once per distinct list of schemas per test binary, into a
// template that each call clones.
func NewDatabase(t testing.TB, schemas ...Schema) (databaseURL string) {
	t.Helper()
	Postgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	source := "template0"
	if len(schemas) > 0 {
		tmpl, err := shared.template(ctx, schemas)
		if err != nil {
			t.Fatalf("testkit: %v", err)
		}
		source = tmpl
	}
	// The pid and a random part keep names apart when test binaries share
	// one TEST_DATABASE_URL server.
	name := fmt.Sprintf("test_%d_%d_%s", os.Getpid(), shared.seq.Add(1), randomHex(3))
	if _, err := shared.admin.Exec(ctx, "CREATE DATABASE "+ident(name)+" TEMPLATE "+ident(source)); err != nil {
		t.Fatalf("testkit: creating database %s from %s: %v", name, source, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
		defer cancel()
		if err := dropDatabase(ctx, shared.admin, name); err != nil {
			t.Errorf("testkit: %v", err)
		}
	})
	u, err := withDatabase(shared.adminURL, name)
	if err != nil {
		t.Fatalf("testkit: %v", err)
	}
	return u
}

// NewPool connects to databaseURL with the service's own settings (see
// pg.Connect) and closes the pool when the test ends.
func NewPool(t testing.TB, databaseURL, schema string) *pgxpool.Pool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	pool, err := pg.Connect(ctx, databaseURL, schema)
	if err != nil {
		t.Fatalf("testkit: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func (s *pgServer) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return s.err
	}
	s.started = true
	s.err = s.startOnce()
	return s.err
}

func (s *pgServer) startOnce() error {
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	if u := os.Getenv(envDatabaseURL); u != "" {
		if _, err := withDatabase(u, "postgres"); err != nil {
			return fmt.Errorf("%s: %w", envDatabaseURL, err)
		}
		s.adminURL, s.external = u, true
	} else {
		if _, err := pg.FindBinDir(); err != nil {
			return fmt.Errorf("%w (or set %s to a server tests may create databases on)", err, envDatabaseURL)
		}
		sweepStaleClusters()
		dir, err := os.MkdirTemp("", clusterDirPrefix)
		if err != nil {
			return fmt.Errorf("creating cluster directory: %w", err)
		}
		s.clusterDir = dir
		// The server may run as the postgres user, which must reach into it.
		if err := os.Chmod(dir, 0o711); err != nil {
			return fmt.Errorf("creating cluster directory: %w", err)
		}
		c, err := pg.StartCluster(ctx, pg.ClusterConfig{Dir: filepath.Join(dir, "pg"), Fast: true})
		if err != nil {
			return err
		}
		s.cluster = c
		s.adminURL = c.URL("postgres")
	}
	admin, err := pgxpool.New(ctx, s.adminURL)
	if err != nil {
		return fmt.Errorf("connecting to the test server: %w", err)
	}
	s.admin = admin
	if err := admin.Ping(ctx); err != nil {
		return fmt.Errorf("connecting to the test server: %w", err)
	}
	return nil
}

// template returns the name of a template database holding schemas,
// migrating it at the first request.
func (s *pgServer) template(ctx context.Context, schemas []Schema) (string, error) {
	key, err := templateKey(schemas)
	if err != nil {
		return "", err
	}
	s.templatesMu.Lock()
	tmpl, ok := s.templates[key]
	if !ok {
		tmpl = &template{name: fmt.Sprintf("tmpl_%d_%s", os.Getpid(), key[:16])}
		s.templates[key] = tmpl
	}
	s.templatesMu.Unlock()
	tmpl.once.Do(func() { tmpl.err = s.buildTemplate(ctx, tmpl.name, schemas) })
	return tmpl.name, tmpl.err
}

func (s *pgServer) buildTemplate(ctx context.Context, name string, schemas []Schema) error {
	// A template of a dead test binary whose pid we now have would be stale.
	if err := dropDatabase(ctx, s.admin, name); err != nil {
		return err
	}
	if _, err := s.admin.Exec(ctx, "CREATE DATABASE "+ident(name)+" TEMPLATE template0"); err != nil {
		return fmt.Errorf("creating template database %s: %w", name, err)
	}
	u, err := withDatabase(s.adminURL, name)
	if err != nil {
		return err
	}
	// Migrate closes its connections before returning, as cloning requires.
	for _, sc := range schemas {
		if err := pg.Migrate(ctx, u, sc.Name, sc.Sets...); err != nil {
			return fmt.Errorf("building template database %s: %w", name, err)
		}
	}
	return nil
}

func (s *pgServer) shutdown() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	if s.admin != nil {
		// A throwaway cluster goes away whole; a shared server keeps only
		// what we leave on it.
		if s.external {
			s.templatesMu.Lock()
			for _, tmpl := range s.templates {
				if err := dropDatabase(ctx, s.admin, tmpl.name); err != nil {
					errs = append(errs, err)
				}
			}
			s.templatesMu.Unlock()
		}
		s.admin.Close()
	}
	if s.cluster != nil {
		if err := s.cluster.Stop(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	if s.clusterDir != "" {
		if err := os.RemoveAll(s.clusterDir); err != nil {
			errs = append(errs, fmt.Errorf("removing cluster directory: %w", err))
		}
	}
	return errors.Join(errs...)
}

func dropDatabase(ctx context.Context, admin *pgxpool.Pool, name string) error {
	if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+ident(name)+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("dropping database %s: %w", name, err)
	}
	return nil
}

// templateKey identifies a list of schemas by their names and the contents
// of their migrations, so that two tests with different migrations under
// the same names never share a template.
func templateKey(schemas []Schema) (string, error) {
	h := sha256.New()
	for _, sc := range schemas {
		fmt.Fprintf(h, "schema %q\n", sc.Name)
		for _, set := range sc.Sets {
			fmt.Fprintf(h, "set %q\n", set.Name)
			if set.FS == nil {
				continue
			}
			err := fs.WalkDir(set.FS, ".", func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				f, err := set.FS.Open(path)
				if err != nil {
					return err
				}
				defer f.Close()
				fmt.Fprintf(h, "file %q\n", path)
				_, err = io.Copy(h, f)
				return err
			})
			if err != nil {
				return "", fmt.Errorf("reading migrations of schema %s, set %s: %w", sc.Name, set.Name, err)
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// withDatabase returns the server URL u pointed at database name.
func withDatabase(u, name string) (string, error) {
	parsed, err := url.Parse(u)
	if err != nil || (parsed.Scheme != "postgres" && parsed.Scheme != "postgresql") {
		return "", errors.New("the server must be given as a postgres:// URL")
	}
	parsed.Path = "/" + name
	parsed.RawPath = ""
	return parsed.String(), nil
}

func ident(name string) string { return pgx.Identifier{name}.Sanitize() }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// sweepStaleClusters removes the cluster directories of test binaries that
// died before Main could (their servers stopped with them): a directory
// whose cluster lock nobody holds and that is older than any setup.
func sweepStaleClusters() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), clusterDirPrefix+"*"))
	for _, dir := range dirs {
		// pg.Cluster holds this lock while its server runs.
		lockPath := filepath.Join(dir, "pg", "cluster.lock")
		fi, err := os.Stat(lockPath)
		if err != nil || time.Since(fi.ModTime()) < 10*time.Minute {
			continue
		}
		f, err := os.OpenFile(lockPath, os.O_RDWR, 0)
		if err != nil {
			continue
		}
		if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil {
			_ = os.RemoveAll(dir)
		}
		_ = f.Close()
	}
}
