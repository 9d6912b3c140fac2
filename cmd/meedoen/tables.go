package main

import (
	"fmt"
	"log/slog"

	"github.com/meedoen/meedoen/internal/neighbourhood"
	"github.com/meedoen/meedoen/internal/postcode"
	"github.com/meedoen/meedoen/services/surveys"
)

// tables are the reference tables an operator hands the binary as CSV
// files: the postcode table the gateway checks open polls' postcodes
// with, and the neighbourhoods panel members choose from, which the
// surveys service owns. Each is read only by a process that runs its
// component.
type tables struct {
	postcodes      *postcode.Table
	neighbourhoods *neighbourhood.Table
}

// loadTables reads the tables cfg names, before anything starts: a file
// with a problem stops the start with every problem named, one per line,
// rather than a component that fails later or, worse, works with half a
// table. Without a file the built-in IJmond demo table is used.
func loadTables(cfg Config, targets []string, log *slog.Logger) (tables, error) {
	var t tables
	var err error
	if contains(targets, "gateway") {
		if cfg.Postcodes == "" {
			log.Info("postcode table: built-in IJmond demo table; set -postcodes for other municipalities")
			t.postcodes, err = postcode.IJmond()
		} else {
			t.postcodes, err = postcode.Open(cfg.Postcodes)
		}
		if err != nil {
			return tables{}, fmt.Errorf("-postcodes: %w", err)
		}
	}
	if contains(targets, surveys.Name) {
		if cfg.Neighbourhoods == "" {
			log.Info("neighbourhood table: built-in IJmond demo table; set -neighbourhoods for other municipalities")
			t.neighbourhoods, err = neighbourhood.IJmond()
		} else {
			t.neighbourhoods, err = neighbourhood.Open(cfg.Neighbourhoods)
		}
		if err != nil {
			return tables{}, fmt.Errorf("-neighbourhoods: %w", err)
		}
		log.Info("neighbourhood table loaded", "neighbourhoods", t.neighbourhoods.Len())
	}
	return t, nil
}
