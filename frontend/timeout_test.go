package frontend

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// stalledStore is a database that accepts the query for a facilitator's
// groups and never answers it, as a hung server does.
type stalledStore struct{ engine.Store }

func (stalledStore) GroupsForAccount(ctx context.Context, _ string, _ engine.Page) ([]*engine.Group, error) {
	<-ctx.Done()
	return nil, &engine.Error{Code: engine.EUNAVAILABLE, Message: "The database did not answer.", Err: ctx.Err()}
}

// TestPagesGiveUpOnAStalledDatabase: a page whose query never returns
// answers 503 once the request timeout passes, instead of hanging.
func TestPagesGiveUpOnAStalledDatabase(t *testing.T) {
	store := stalledStore{bunstore.NewStore(bunstoretest.SQLite(t))}
	eng := engine.New(engine.Config{Store: store})
	h := newHarness(t, func(c *Config) { c.Engine = eng; c.RequestTimeout = 300 * time.Millisecond })
	_, tok, err := eng.SignUp(context.Background(), engine.SignUpInput{Email: "stall@example.org", Name: "Stall", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	c := h.client().signedIn(tok)
	done := make(chan *resp, 1)
	go func() { done <- c.get("/groups") }()
	select {
	case r := <-done:
		mustStatus(t, r, http.StatusServiceUnavailable)
	case <-time.After(10 * time.Second):
		t.Fatal("the page hung on a stalled database")
	}
}
