package bunstoretest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // "pgx" driver for the admin connection
)

// pgServer is where this test binary creates its PostgreSQL databases.
type pgServer struct {
	base    *url.URL // connection URL; its path is replaced per database
	admin   *sql.DB  // connected to the maintenance database, for CREATE/DROP DATABASE
	cluster *cluster // the cluster this binary started; nil for ALLVOICE_TEST_DATABASE_URL
}

var (
	pgMu      sync.Mutex
	pgStarted bool
	pgSrv     *pgServer
	pgErr     error
)

// postgresServer returns this binary's server, connecting to
// ALLVOICE_TEST_DATABASE_URL or starting a cluster on first use. A failure
// is remembered, so it is reported once per test rather than retried.
func postgresServer() (*pgServer, error) {
	pgMu.Lock()
	defer pgMu.Unlock()
	if !pgStarted {
		pgStarted = true
		pgSrv, pgErr = connectServer()
	}
	return pgSrv, pgErr
}

// stopPostgres closes the admin connection and stops the cluster, if this
// binary started one.
func stopPostgres() error {
	pgMu.Lock()
	defer pgMu.Unlock()
	if pgSrv == nil {
		return nil
	}
	_ = pgSrv.admin.Close()
	var err error
	if pgSrv.cluster != nil {
		err = pgSrv.cluster.stop()
	}
	pgSrv = nil
	pgErr = fmt.Errorf("the PostgreSQL server was stopped")
	return err
}

func connectServer() (*pgServer, error) {
	raw := os.Getenv(EnvDatabaseURL)
	var c *cluster
	if raw == "" {
		var err error
		if c, err = startCluster(); err != nil {
			return nil, err
		}
		raw = c.url()
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%s cannot be parsed as a URL", EnvDatabaseURL)
	}
	admin, err := sql.Open("pgx", raw)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err = admin.PingContext(ctx)
		cancel()
	}
	if err != nil {
		if c != nil {
			_ = c.stop()
		}
		return nil, fmt.Errorf("connecting to PostgreSQL for test databases: %v", err)
	}
	admin.SetMaxOpenConns(4)
	return &pgServer{base: u, admin: admin, cluster: c}, nil
}

// createDatabase creates an empty database with a random name.
func (s *pgServer) createDatabase(ctx context.Context) (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	name := "t_" + hex.EncodeToString(b)
	// The name is ours ([a-z0-9_]), so it needs no quoting.
	if _, err := s.admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return "", fmt.Errorf("create database %s: %v", name, err)
	}
	return name, nil
}

// dropDatabase drops a test database, ending connections a test left open.
func (s *pgServer) dropDatabase(name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := s.admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop database %s: %v", name, err)
	}
	return nil
}

// urlFor returns the URL of database name on this server.
func (s *pgServer) urlFor(name string) string {
	u := *s.base
	u.Path = "/" + name
	u.RawPath = ""
	return u.String()
}
