// Package testkit gives integration tests the real things they run
// against: a PostgreSQL server shared by one test binary with a fresh
// database per test, cloned from a migrated template, and an in-process
// NATS JetStream server per test.
//
// A package that uses the PostgreSQL helpers lets testkit own its TestMain,
// so that the shared server is stopped when its tests are done:
//
//	func TestMain(m *testing.M) { os.Exit(testkit.Main(m)) }
//
// With TEST_DATABASE_URL set (a postgres:// URL of a role that may create
// databases) the tests use that server; otherwise testkit starts a throwaway
// cluster from the machine's PostgreSQL binaries.
package testkit
