// Package bunstoretest gives each test a fresh, migrated Allvoice database:
// SQLite always, PostgreSQL whenever one can be had.
//
// SQLite databases are files in t.TempDir(). PostgreSQL databases are
// created per test (CREATE DATABASE t_<random>, dropped in t.Cleanup) in
// the server named by ALLVOICE_TEST_DATABASE_URL, or else in one throwaway
// cluster this test binary starts on first use from the installed server
// binaries (initdb and postgres on PATH or under /usr/lib/postgresql/*/bin),
// on a temporary directory and a free loopback port. When running as root
// the cluster runs as the postgres user, because initdb refuses root.
//
// Without PostgreSQL the PostgreSQL variants are skipped, unless
// ALLVOICE_REQUIRE_POSTGRES=1 (set in CI), which makes them fail.
//
// A package whose tests use PostgreSQL should stop the cluster when its test
// binary ends:
//
//	func TestMain(m *testing.M) { bunstoretest.Main(m) }
//
// Should a binary die without that, the kernel stops its cluster (it is
// started with a parent-death signal) and the next cluster start removes
// the leftover directory.
package bunstoretest
