package bunstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
	"github.com/allvoice/allvoice/engine/enginetest"
	"github.com/allvoice/allvoice/migrations"
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

// TestStoredForm checks what lands in the database itself: times as UTC,
// JSON documents that the database can read as JSON, booleans and the
// lower-case email, so other tools (exports, SQL consoles) see clean data.
func TestStoredForm(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		ctx := context.Background()
		s := bunstore.NewStore(db)
		local := time.FixedZone("UTC+2", 2*3600)
		at := time.Date(2026, 11, 22, 14, 30, 0, 250000000, local) // 12:30:00.25 UTC
		a := &engine.Account{ID: engine.NewID(at), Email: "Mixed.Case@Example.org", Name: "A", PasswordHash: "h", CreatedAt: at}
		g := &engine.Group{ID: engine.NewID(at), Name: "G", CreatedBy: a.ID, CreatedAt: at, UpdatedAt: at,
			Settings: engine.GroupSettings{Scale: engine.ScaleLikert7, Perspectives: []string{"carer"}, Anonymous: true}}
		m := &engine.Member{ID: engine.NewID(at), GroupID: g.ID, DisplayName: "M", Role: engine.RoleMember, ResearchConsent: true,
			CreatedAt: at}
		err := s.InTx(ctx, func(tx engine.Tx) error {
			if err := tx.CreateAccount(ctx, a); err != nil {
				return err
			}
			if err := tx.CreateGroup(ctx, g); err != nil {
				return err
			}
			return tx.CreateMember(ctx, m)
		})
		if err != nil {
			t.Fatal(err)
		}

		var email, scale, perspective string
		var anonymous bool
		err = db.Bun().NewRaw("SELECT a.email, g.settings ->> 'scale', g.settings -> 'perspectives' ->> 0,"+
			" CAST(g.settings ->> 'anonymous' AS TEXT) IN ('true', '1')"+ // JSON true is 'true' on PostgreSQL, 1 on SQLite
			" FROM accounts AS a JOIN groups AS g ON g.created_by = a.id WHERE a.id = ?", a.ID).
			Scan(ctx, &email, &scale, &perspective, &anonymous)
		if err != nil {
			t.Fatal(err)
		}
		if email != "mixed.case@example.org" || scale != engine.ScaleLikert7 || perspective != "carer" || !anonymous {
			t.Errorf("stored email %q, settings scale %q, perspectives[0] %q, anonymous %v", email, scale, perspective, anonymous)
		}

		// Times compare as instants in SQL: 12:30:00.25 UTC is after
		// 12:30:00 UTC and before 12:30:01 UTC, whatever zone they came in.
		var n int
		err = db.Bun().NewRaw("SELECT count(*) FROM members WHERE created_at > ? AND created_at < ? AND research_consent AND erased_at IS NULL",
			time.Date(2026, 11, 22, 12, 30, 0, 0, time.UTC), time.Date(2026, 11, 22, 12, 30, 1, 0, time.UTC)).Scan(ctx, &n)
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("members created between 12:30:00 and 12:30:01 UTC with consent: %d, want 1", n)
		}
		if db.Dialect() == migrations.DialectSQLite {
			var raw string
			if err := db.Bun().NewRaw("SELECT CAST(created_at AS TEXT) FROM members WHERE id = ?", m.ID).Scan(ctx, &raw); err != nil {
				t.Fatal(err)
			}
			if raw != "2026-11-22 12:30:00.25+00:00" {
				t.Errorf("SQLite stores created_at as %q, want sortable UTC text 2026-11-22 12:30:00.25+00:00", raw)
			}
		}
	})
}

// TestErrorsCarryNoValues checks that errors name what failed without the
// values involved: a duplicate email, a missing reference or a missing
// token hash must not echo an address or identifier into logs.
func TestErrorsCarryNoValues(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		ctx := context.Background()
		s := bunstore.NewStore(db)
		now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
		secretEmail := "secret.person@example.org"
		a := &engine.Account{ID: engine.NewID(now), Email: secretEmail, Name: "S", PasswordHash: "h", CreatedAt: now}
		if err := s.InTx(ctx, func(tx engine.Tx) error { return tx.CreateAccount(ctx, a) }); err != nil {
			t.Fatal(err)
		}
		missingGroup := engine.NewID(now)
		secretHash := engine.HashToken("secret-token")
		cases := []struct {
			name   string
			code   string
			err    error
			values []string
		}{
			{"duplicate email", engine.ECONFLICT, s.InTx(ctx, func(tx engine.Tx) error {
				return tx.CreateAccount(ctx, &engine.Account{ID: engine.NewID(now), Email: secretEmail, CreatedAt: now})
			}), []string{secretEmail, "secret.person"}},
			{"missing group", engine.EINVALID, s.InTx(ctx, func(tx engine.Tx) error {
				return tx.CreateMember(ctx, &engine.Member{ID: engine.NewID(now), GroupID: missingGroup, DisplayName: "Secret Name",
					Role: engine.RoleMember, CreatedAt: now})
			}), []string{missingGroup, "Secret Name"}},
			{"missing session", engine.ENOTFOUND, func() error { _, err := s.SessionByHash(ctx, secretHash); return err }(),
				[]string{secretHash}},
			{"bad role", engine.EINVALID, s.InTx(ctx, func(tx engine.Tx) error {
				return tx.CreateMember(ctx, &engine.Member{ID: engine.NewID(now), GroupID: missingGroup, DisplayName: "Secret Name",
					Role: "emperor", CreatedAt: now})
			}), []string{"Secret Name", "emperor"}},
		}
		for _, tc := range cases {
			if got := engine.ErrorCode(tc.err); got != tc.code {
				t.Errorf("%s: code %q (%v), want %q", tc.name, got, tc.err, tc.code)
				continue
			}
			for _, v := range tc.values {
				if strings.Contains(tc.err.Error(), v) {
					t.Errorf("%s: error %q contains the value %q", tc.name, tc.err.Error(), v)
				}
			}
		}
	})
}
