// Package pg holds the PostgreSQL plumbing every service shares: a private
// cluster for the embedded mode and for tests, connection pools scoped to one
// service schema, schema migrations and transactions.
package pg
