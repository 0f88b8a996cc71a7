package api

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// TestConcurrentRatings has 50 members rate the same proposal at the same
// time, each sending its submission twice with one idempotency key (a
// client retrying). Every member must end with exactly one event holding
// their value: nothing lost, nothing duplicated.
func TestConcurrentRatings(t *testing.T) {
	const members = 50
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		s := newServer(t, db)
		fac, _ := s.account("Facilitator")
		g := s.group(fac, &settingsRequest{Scale: engine.ScaleLikert7})
		inv := s.invite(fac, g.ID, inviteRequest{Kind: engine.InviteReusable, MaxUses: members})
		tokens := make([]string, members)
		ids := make([]string, members)
		for i := range tokens {
			m, tok := s.join(inv, fmt.Sprintf("Member %d", i), "")
			ids[i], tokens[i] = m.ID, tok
		}
		r := s.round(fac, g.ID, "Shall we?")
		s.transition(fac, r.ID, "open")
		p := s.propose(tokens[0], r.ID, "The one proposal")
		s.transition(fac, r.ID, "rating")

		value := func(i int) int { return 1 + i%7 }
		type result struct {
			member, status int
			body           string
			err            error
		}
		results := make(chan result, 2*members)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range members {
			for range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					c := call{method: http.MethodPost, path: "/rounds/" + r.ID + "/ratings", token: tokens[i],
						header: map[string]string{"Idempotency-Key": fmt.Sprintf("member-%d", i)},
						body:   ratingRequest{ProposalID: p.ID, Value: intp(value(i)), Reason: "same body on both tries"}}
					rep, err := s.send(c)
					results <- result{member: i, status: rep.status, body: string(rep.body), err: err}
				}()
			}
		}
		close(start)
		wg.Wait()
		close(results)
		created := map[int]int{}
		for res := range results {
			switch {
			case res.err != nil:
				t.Errorf("member %d: %v", res.member, res.err)
			case res.status == http.StatusCreated:
				created[res.member]++
			case res.status != http.StatusOK:
				t.Errorf("member %d: status %d: %s", res.member, res.status, res.body)
			}
		}
		for i := range members {
			if created[i] != 1 {
				t.Errorf("member %d: %d submissions answered 201 Created, want exactly 1", i, created[i])
			}
		}

		store := bunstore.NewStore(db)
		evs, err := store.RatingEvents(context.Background(), g.ID)
		if err != nil {
			t.Fatal(err)
		}
		cur, err := store.CurrentRatings(context.Background(), r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != members || len(cur) != members {
			t.Fatalf("%d rating events and %d current ratings, want %d of each", len(evs), len(cur), members)
		}
		byMember := map[string]int{}
		for _, ev := range cur {
			byMember[ev.MemberID] = *ev.Value
		}
		for i, id := range ids {
			if v, ok := byMember[id]; !ok || v != value(i) {
				t.Errorf("member %d: current rating %v (present %v), want %d", i, v, ok, value(i))
			}
		}
	})
}
