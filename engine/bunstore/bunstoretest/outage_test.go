package bunstoretest

import (
	"context"
	"database/sql"
	"os"
	"testing"
	"time"
)

// TestClusterStopStart: a test's own cluster stops in either mode (its
// connections fail), starts again on the same port, and keeps what was
// committed before it stopped.
func TestClusterStopStart(t *testing.T) {
	cl := NewCluster(t)
	url := cl.Database(t)
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, "CREATE TABLE kept (n INTEGER)"); err != nil {
		t.Fatal(err)
	}
	var sync string
	if err := db.QueryRowContext(ctx, "SHOW synchronous_commit").Scan(&sync); err != nil || sync != "on" {
		t.Fatalf("synchronous_commit = %q (%v), want on", sync, err)
	}
	for i, mode := range []StopMode{StopFast, StopImmediate} {
		if _, err := db.ExecContext(ctx, "INSERT INTO kept VALUES ($1)", i); err != nil {
			t.Fatalf("before %s stop: %v", mode, err)
		}
		if err := cl.Stop(mode); err != nil {
			t.Fatal(err)
		}
		if err := cl.Stop(mode); err == nil {
			t.Fatalf("stopping a stopped cluster succeeded")
		}
		pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := db.PingContext(pctx)
		cancel()
		if err == nil {
			t.Fatalf("the database answered after a %s stop", mode)
		}
		if err := cl.Start(); err != nil {
			t.Fatal(err)
		}
		if err := cl.Start(); err == nil {
			t.Fatalf("starting a running cluster succeeded")
		}
		var n int
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM kept").Scan(&n); err != nil {
			t.Fatalf("after %s stop and start: %v", mode, err)
		}
		if n != i+1 {
			t.Fatalf("after %s stop and start: %d rows, want %d", mode, n, i+1)
		}
	}
	if mode := StopImmediate.String() + "," + StopFast.String(); mode != "immediate,fast" {
		t.Errorf("mode names %q", mode)
	}
}

// TestDurableCluster: a durable cluster waits for the disk as production
// does, and the shared test cluster does not.
func TestDurableCluster(t *testing.T) {
	want := map[string]string{"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}
	db := NewDurableCluster(t).Open(t).Bun()
	ctx := context.Background()
	for name, value := range want {
		var got string
		if err := db.QueryRowContext(ctx, "SHOW "+name).Scan(&got); err != nil || got != value {
			t.Errorf("durable cluster: %s = %q (%v), want %q", name, got, err, value)
		}
	}
	if os.Getenv(EnvDatabaseURL) != "" {
		return // the shared server is someone else's
	}
	var fsync string
	if err := Postgres(t).Bun().QueryRowContext(ctx, "SHOW fsync").Scan(&fsync); err != nil || fsync != "off" {
		t.Errorf("shared test cluster: fsync = %q (%v), want off", fsync, err)
	}
}
