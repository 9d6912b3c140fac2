package pg

import (
	"errors"
	"net"

	"github.com/jackc/pgx/v5/pgconn"
)

// Unreachable reports whether err says that PostgreSQL could not be
// reached or is not taking connections right now (it is down, starting,
// shutting down or full), as opposed to a query that failed. Such a failure
// passes, so callers answer "unavailable, try again" rather than
// "internal error".
func Unreachable(err error) bool {
	if err == nil {
		return false
	}
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case len(pgErr.Code) == 5 && pgErr.Code[:2] == "08": // connection exception
			return true
		case pgErr.Code == "57P01", pgErr.Code == "57P02", pgErr.Code == "57P03", // admin or crash shutdown, cannot connect now
			pgErr.Code == "53300": // too many connections
			return true
		}
		return false
	}
	// A connection lost under a query: the server went away.
	var netErr *net.OpError
	return errors.As(err, &netErr)
}
