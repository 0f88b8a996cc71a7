package bunstore_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// TestRatingEventsPage pages through a real imported conversation, plus
// events that share one creation time, in pages of several sizes, and
// checks the pages join up to exactly RatingEvents: no event lost or
// repeated at a page boundary, ties broken by id.
func TestRatingEventsPage(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "data", "polis-open-data", "london.youth.policing")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no Polis open data beside the project: %v", err)
	}
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		ctx := context.Background()
		store := bunstore.NewStore(db)
		e := engine.New(engine.Config{Store: store})
		acct, _, err := e.SignUp(ctx, engine.SignUpInput{Email: "pages@example.org", Name: "Pages", Password: "a long password"})
		if err != nil {
			t.Fatal(err)
		}
		comments, err := os.Open(filepath.Join(dir, "comments.csv"))
		if err != nil {
			t.Fatal(err)
		}
		defer comments.Close()
		votes, err := os.Open(filepath.Join(dir, "votes.csv"))
		if err != nil {
			t.Fatal(err)
		}
		defer votes.Close()
		res, err := e.ImportPolis(ctx, engine.Actor{AccountID: acct.ID}, engine.PolisImport{Name: "London", Comments: comments, Votes: votes})
		if err != nil {
			t.Fatal(err)
		}
		all, err := store.RatingEvents(ctx, res.Group.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Five more events at one instant, so ties fall across pages.
		tie := all[len(all)/2].CreatedAt
		err = store.InTx(ctx, func(tx engine.Tx) error {
			for i := 0; i < 5; i++ {
				ev := *all[i]
				ev.ID, ev.CreatedAt, ev.PreviousEventID = engine.NewID(tie), tie, all[i].ID
				if err := tx.AppendRatingEvent(ctx, &ev); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if all, err = store.RatingEvents(ctx, res.Group.ID); err != nil {
			t.Fatal(err)
		}
		for _, size := range []int{1, 7, 100, len(all), len(all) + 1} {
			var got []*engine.RatingEvent
			var at time.Time
			var id string
			for pages := 0; ; pages++ {
				page, err := store.RatingEventsPage(ctx, res.Group.ID, at, id, size)
				if err != nil {
					t.Fatal(err)
				}
				if len(page) > size {
					t.Fatalf("page of %d for limit %d", len(page), size)
				}
				got = append(got, page...)
				if len(page) < size {
					break
				}
				last := page[len(page)-1]
				at, id = last.CreatedAt, last.ID
				if pages > len(all)+1 {
					t.Fatal("paging does not end")
				}
			}
			if len(got) != len(all) {
				t.Fatalf("limit %d: %d events, want %d", size, len(got), len(all))
			}
			for i := range all {
				if got[i].ID != all[i].ID || !got[i].CreatedAt.Equal(all[i].CreatedAt) {
					t.Fatalf("limit %d: event %d is %s at %v, want %s at %v", size, i, got[i].ID, got[i].CreatedAt, all[i].ID, all[i].CreatedAt)
				}
			}
		}
		other, err := store.RatingEventsPage(ctx, engine.NewID(time.Now()), time.Time{}, "", 10)
		if err != nil || len(other) != 0 {
			t.Fatalf("another group's page = %d events, %v; want none", len(other), err)
		}
	})
}
