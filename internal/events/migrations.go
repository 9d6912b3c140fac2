package events

import (
	"embed"
	"io/fs"

	"github.com/meedoen/meedoen/internal/pg"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the outbox and inbox tables as a migration set that every
// service applies to its own schema before its own migrations.
func Migrations() pg.MigrationSet {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		// The directory is embedded at compile time; this cannot fail.
		panic(err)
	}
	return pg.MigrationSet{Name: "events", FS: sub}
}
