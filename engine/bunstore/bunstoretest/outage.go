package bunstoretest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine/bunstore"
)

// StopMode is how Cluster.Stop shuts PostgreSQL down; the modes are those
// of pg_ctl stop -m, sent as the signals pg_ctl sends.
type StopMode int

const (
	// StopFast ends every connection, rolling back open transactions, and
	// shuts down cleanly (pg_ctl -m fast, SIGINT).
	StopFast StopMode = iota
	// StopImmediate quits at once without a clean shutdown, as a crash
	// would; the next start runs crash recovery (pg_ctl -m immediate,
	// SIGQUIT).
	StopImmediate
)

func (m StopMode) String() string {
	if m == StopImmediate {
		return "immediate"
	}
	return "fast"
}

// Cluster is a PostgreSQL cluster of one test's own, which the test may
// stop and start again, to see what Allvoice does while its database is
// away. Other tests never share it. It is removed when the test ends.
type Cluster struct {
	mu   sync.Mutex
	bin  string
	cred *syscall.Credential
	c    *cluster
	up   bool
}

// NewCluster starts a cluster for t alone. Without PostgreSQL server
// binaries it skips t, or fails it when ALLVOICE_REQUIRE_POSTGRES=1 (a
// server named by ALLVOICE_TEST_DATABASE_URL cannot be stopped by a test,
// so it does not count).
func NewCluster(t testing.TB) *Cluster {
	t.Helper()
	return newCluster(t, clusterSettings)
}

// NewDurableCluster is NewCluster with production's durability: fsync,
// synchronous_commit and full_page_writes on, so every commit waits for
// the disk. Benchmarks use it to measure what production would see.
func NewDurableCluster(t testing.TB) *Cluster {
	t.Helper()
	return newCluster(t, durableSettings)
}

func newCluster(t testing.TB, settings []string) *Cluster {
	t.Helper()
	bin, err := serverBinDir()
	if err == nil {
		var cred *syscall.Credential
		if cred, err = serverCredential(); err == nil {
			var c *cluster
			if c, err = startCluster(settings); err == nil {
				cl := &Cluster{bin: bin, cred: cred, c: c, up: true}
				t.Cleanup(func() {
					cl.mu.Lock()
					defer cl.mu.Unlock()
					err := os.RemoveAll(cl.c.dir)
					if cl.up {
						err = cl.c.stop()
					}
					if err != nil {
						t.Errorf("bunstoretest: removing the cluster: %v", err)
					}
				})
				return cl
			}
		}
	}
	if os.Getenv(EnvRequirePostgres) == "1" {
		t.Fatalf("bunstoretest: PostgreSQL is required (%s=1) but no cluster can be started: %v", EnvRequirePostgres, err)
	}
	t.Skipf("bunstoretest: no PostgreSQL cluster of the test's own, skipping: %v", err)
	return nil
}

// Database creates a new, empty database in the cluster and returns its
// URL. The cluster must be running. Unlike the other test databases it
// commits durably (synchronous_commit on): a commit is in the write-ahead
// log before it is acknowledged, so it survives an immediate stop, as it
// does in production. (fsync stays off: the machine does not crash.)
func (cl *Cluster) Database(t testing.TB) string {
	t.Helper()
	cl.mu.Lock()
	base := cl.c.url()
	cl.mu.Unlock()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("bunstoretest: %v", err)
	}
	defer admin.Close()
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	name := "o_" + hex.EncodeToString(b)
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("bunstoretest: create database %s: %v", name, err)
	}
	// A database's own setting outranks the server's command line.
	if _, err := admin.ExecContext(ctx, "ALTER DATABASE "+name+" SET synchronous_commit = on"); err != nil {
		t.Fatalf("bunstoretest: make database %s durable: %v", name, err)
	}
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", cl.c.port, name)
}

// Open creates a new database in the cluster (see Database), migrates it
// and returns it, closed when the test ends.
func (cl *Cluster) Open(t testing.TB) *bunstore.DB {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	db, err := bunstore.Open(ctx, bunstore.Config{DatabaseURL: cl.Database(t)})
	if err != nil {
		t.Fatalf("bunstoretest: open a database of the cluster: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if _, err := db.MigrateUp(ctx); err != nil {
		t.Fatalf("bunstoretest: migrate a database of the cluster: %v", err)
	}
	return db
}

// Stop shuts the cluster down in mode and waits until it has exited.
func (cl *Cluster) Stop(mode StopMode) error {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if !cl.up {
		return errors.New("bunstoretest: the cluster is not running")
	}
	sig := syscall.SIGINT
	if mode == StopImmediate {
		sig = syscall.SIGQUIT
	}
	if err := syscall.Kill(cl.c.pid, sig); err != nil {
		return fmt.Errorf("bunstoretest: signalling postgres: %v", err)
	}
	select {
	case <-cl.c.exited:
	case <-time.After(time.Minute):
		return errors.New("bunstoretest: postgres did not stop within a minute")
	}
	cl.up = false
	return nil
}

// Start starts the stopped cluster again, on its data and its port, and
// waits until it accepts connections.
func (cl *Cluster) Start() error {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if cl.up {
		return errors.New("bunstoretest: the cluster is running")
	}
	c, err := launch(cl.bin, cl.c.dir, cl.c.port, cl.cred, cl.c.settings)
	if err != nil {
		return fmt.Errorf("bunstoretest: restarting postgres: %v", err)
	}
	cl.c, cl.up = c, true
	return nil
}
