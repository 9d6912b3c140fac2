package main

import (
	"context"
	"fmt"

	"github.com/meedoen/meedoen/internal/neighbourhood"
	"github.com/meedoen/meedoen/internal/postcode"
	"github.com/meedoen/meedoen/services/focusgroups"
)

// The reference tables an operator hands the binary as CSV files: the
// postcode table the gateway checks open polls' postcodes with, and the
// neighbourhoods panel members choose from, which the surveys service
// owns, and the extra focus group member roles per tenant, which the
// focus groups service owns. Each is read only by a process that runs its
// component, before anything starts: a file with a problem stops the start
// with every problem named, one per line, rather than a component that
// fails later or, worse, works with half a table. Without a file the
// built-in IJmond demo table is used; without a table of focus group roles
// every tenant has the built-in roles alone.

// initPostcodes reads -postcodes.
func (a *app) initPostcodes(context.Context) (component, error) {
	var err error
	if a.cfg.Postcodes == "" {
		a.log.Info("postcode table: built-in IJmond demo table; set -postcodes for other municipalities")
		a.postcodes, err = postcode.IJmond()
	} else {
		a.postcodes, err = postcode.Open(a.cfg.Postcodes)
	}
	if err != nil {
		return component{}, fmt.Errorf("-postcodes: %w", err)
	}
	return component{}, nil
}

// initNeighbourhoods reads -neighbourhoods.
func (a *app) initNeighbourhoods(context.Context) (component, error) {
	var err error
	if a.cfg.Neighbourhoods == "" {
		a.log.Info("neighbourhood table: built-in IJmond demo table; set -neighbourhoods for other municipalities")
		a.neighbourhoods, err = neighbourhood.IJmond()
	} else {
		a.neighbourhoods, err = neighbourhood.Open(a.cfg.Neighbourhoods)
	}
	if err != nil {
		return component{}, fmt.Errorf("-neighbourhoods: %w", err)
	}
	a.log.Info("neighbourhood table loaded", "neighbourhoods", a.neighbourhoods.Len())
	return component{}, nil
}

// initFocusgroupRoles reads -focusgroup-roles.
func (a *app) initFocusgroupRoles(context.Context) (component, error) {
	if a.cfg.FocusgroupRoles == "" {
		a.log.Info("focus group roles: the built-in roles only; set -focusgroup-roles for a tenant's own")
		return component{}, nil
	}
	roles, err := focusgroups.OpenRoles(a.cfg.FocusgroupRoles)
	if err != nil {
		return component{}, fmt.Errorf("-focusgroup-roles: %w", err)
	}
	a.groupRoles = roles
	a.log.Info("focus group roles loaded", "extra_roles", roles.Len())
	return component{}, nil
}
