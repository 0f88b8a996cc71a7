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

	"github.com/allvoice/allvoice/engine/bunstore"
)

// pgServer is where this test binary creates its PostgreSQL databases.
type pgServer struct {
	base    *url.URL // connection URL; its path is replaced per database
	admin   *sql.DB  // connected to the maintenance database, for CREATE/DROP DATABASE
	cluster *cluster // the cluster this binary started; nil for ALLVOICE_TEST_DATABASE_URL

	// In a cluster of our own, test databases are copies of one migrated
	// template: copying takes a fraction of creating and migrating each.
	templateOnce sync.Once
	templateErr  error
}

// templateName is the migrated template database in a cluster of our own.
const templateName = "allvoice_template"

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
		if c, err = startCluster(clusterSettings); err != nil {
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

// createDatabase creates a database with a random name: empty, or with
// migrated true a copy of the migrated template when the server is a
// cluster of our own (then the caller's MigrateUp finds nothing to do).
func (s *pgServer) createDatabase(ctx context.Context, migrated bool) (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	name := "t_" + hex.EncodeToString(b)
	// Names are ours ([a-z0-9_]), so they need no quoting.
	q := "CREATE DATABASE " + name
	if migrated && s.cluster != nil {
		if err := s.migrateTemplate(); err != nil {
			return "", err
		}
		q += " TEMPLATE " + templateName
	}
	if _, err := s.admin.ExecContext(ctx, q); err != nil {
		return "", fmt.Errorf("create database %s: %v", name, err)
	}
	return name, nil
}

// migrateTemplate creates and migrates the template database once. No
// connection to it may stay open, or copying it fails.
func (s *pgServer) migrateTemplate() error {
	s.templateOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
		defer cancel()
		if _, err := s.admin.ExecContext(ctx, "CREATE DATABASE "+templateName); err != nil {
			s.templateErr = fmt.Errorf("create template database: %v", err)
			return
		}
		db, err := bunstore.Open(ctx, bunstore.Config{DatabaseURL: s.urlFor(templateName), MaxOpenConns: 1})
		if err != nil {
			s.templateErr = fmt.Errorf("open template database: %v", err)
			return
		}
		defer db.Close()
		if _, err := db.MigrateUp(ctx); err != nil {
			s.templateErr = fmt.Errorf("migrate template database: %v", err)
		}
	})
	return s.templateErr
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
