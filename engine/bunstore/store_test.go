package bunstore_test

import (
	"testing"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
	"github.com/allvoice/allvoice/engine/enginetest"
)

// TestStoreConformance runs the engine's Store conformance suite on a
// fresh database per case, on SQLite and on PostgreSQL.
func TestStoreConformance(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		enginetest.RunConformance(t, func(t *testing.T) engine.Store { return bunstore.NewStore(bunstoretest.SQLite(t)) })
	})
	t.Run("postgres", func(t *testing.T) {
		enginetest.RunConformance(t, func(t *testing.T) engine.Store { return bunstore.NewStore(bunstoretest.Postgres(t)) })
	})
}
