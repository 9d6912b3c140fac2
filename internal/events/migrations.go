package events

import (
	"embed"

	"github.com/meedoen/meedoen/internal/pg"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations returns the outbox and inbox tables as a migration set that every
// service applies to its own schema before its own migrations.
func Migrations() pg.MigrationSet {
	return pg.MigrationSet{Name: "events", FS: pg.Sub(migrationFiles, "migrations")}
}
