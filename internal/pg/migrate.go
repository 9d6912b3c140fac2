package pg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// MigrationSet is one independently versioned series of migrations, such
// as the platform's outbox and inbox tables or a service's own tables.
type MigrationSet struct {
	// Name identifies the set; its version table is <schema>.goose_<Name>.
	Name string
	// FS holds the set's goose .sql files at its root (see Sub).
	FS fs.FS
}

// Sub returns the folder dir of fsys, such as an embedded migrations
// folder, as fs.Sub does. fs.Sub fails only for a malformed folder name,
// which a constant never is; should it fail, the returned FS fails every
// Open with that error, so that the migration reports it like any other
// instead of its owner panicking.
func Sub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		return failingFS{err}
	}
	return sub
}

// failingFS is a file system that cannot be read.
type failingFS struct{ err error }

func (f failingFS) Open(string) (fs.File, error) { return nil, f.err }

// Migrate creates schema if it is missing and brings each set up to date
// in the given order, creating unqualified objects inside schema. Replicas
// that start together may all call it: they take turns, and all but the
// first find nothing left to do.
func Migrate(ctx context.Context, databaseURL, schema string, sets ...MigrationSet) (err error) {
	if !schemaName.MatchString(schema) {
		return fmt.Errorf("migrating: invalid schema name %q", schema)
	}
	for _, set := range sets {
		if !schemaName.MatchString(set.Name) {
			return fmt.Errorf("migrating schema %s: invalid migration set name %q", schema, set.Name)
		}
	}
	cfg, err := pgx.ParseConfig(databaseURL)
	if err != nil {
		return fmt.Errorf("migrating schema %s: parsing database url: %w", schema, err)
	}
	cfg.RuntimeParams["search_path"] = pgx.Identifier{schema}.Sanitize()
	cfg.RuntimeParams["application_name"] = "meedoen-" + schema + "-migrate"
	db := stdlib.OpenDB(*cfg)
	defer func() {
		if cerr := db.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("migrating schema %s: closing connections: %w", schema, cerr))
		}
	}()

	// One session holds an advisory lock for the whole run, the CREATE
	// SCHEMA included, so concurrent callers wait in the server instead of
	// racing; goose's own lock below guards each set against other tools.
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrating schema %s: %w", schema, err)
	}
	defer conn.Close()
	key := lockKey("meedoen/migrate/" + schema)
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		return fmt.Errorf("migrating schema %s: taking migration lock: %w", schema, err)
	}
	defer func() {
		if _, uerr := conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", key); uerr != nil {
			err = errors.Join(err, fmt.Errorf("migrating schema %s: releasing migration lock: %w", schema, uerr))
		}
	}()

	if err := createSchema(ctx, conn, schema); err != nil {
		return fmt.Errorf("migrating schema %s: %w", schema, err)
	}
	for _, set := range sets {
		if err := migrateSet(ctx, db, schema, set); err != nil {
			return fmt.Errorf("migrating schema %s, set %s: %w", schema, set.Name, err)
		}
	}
	return nil
}

func createSchema(ctx context.Context, conn *sql.Conn, schema string) error {
	_, err := conn.ExecContext(ctx, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{schema}.Sanitize())
	// IF NOT EXISTS still races with a concurrent creator that does not take
	// our lock; the schema then exists, which is all we need.
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && (pgErr.Code == "23505" || pgErr.Code == "42P06") {
		return nil
	}
	if err != nil {
		return fmt.Errorf("creating schema: %w", err)
	}
	return nil
}

func migrateSet(ctx context.Context, db *sql.DB, schema string, set MigrationSet) error {
	// A lock id per schema and set keeps goose's polling locker (which
	// retries only every second) uncontended between services.
	locker, err := lock.NewPostgresSessionLocker(
		lock.WithLockID(lockKey("meedoen/goose/"+schema+"/"+set.Name)),
		lock.WithLockTimeout(1, 300),
	)
	if err != nil {
		return fmt.Errorf("creating goose locker: %w", err)
	}
	provider, err := goose.NewProvider(goose.DialectPostgres, db, set.FS,
		goose.WithTableName(schema+".goose_"+set.Name),
		goose.WithSessionLocker(locker),
		goose.WithDisableGlobalRegistry(true),
	)
	if err != nil {
		return fmt.Errorf("loading migrations: %w", err)
	}
	if _, err := provider.Up(ctx); err != nil {
		return fmt.Errorf("applying migrations: %w", err)
	}
	return nil
}

// lockKey maps a name to an advisory lock key; hashing keeps our keys away
// from the small integers applications tend to pick.
func lockKey(name string) int64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(name))
	return int64(h.Sum64())
}
