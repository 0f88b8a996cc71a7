package bunstore_test

import (
	"testing"

	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// TestMain stops the PostgreSQL cluster the tests of this package started.
func TestMain(m *testing.M) { bunstoretest.Main(m) }
