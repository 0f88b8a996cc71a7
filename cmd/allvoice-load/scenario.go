package main

import (
	"bufio"
	"context"
	crand "crypto/rand"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Answers of the API the scenario reads; only the fields it needs.
type (
	sessionAnswer struct {
		Token string `json:"token"`
	}
	idAnswer struct {
		ID string `json:"id"`
	}
	inviteAnswer struct {
		Token string `json:"token"`
	}
	joinAnswer struct {
		Member idAnswer `json:"member"`
		Token  string   `json:"token"`
	}
)

// member is one member's session and what they have rated so far.
type member struct {
	token string
	mu    sync.Mutex
	rated map[string]int // proposal → the value last acknowledged
	// pending holds first ratings in flight, so two workers sharing a
	// member (fewer members than workers) do not rate one idea twice.
	pending map[string]bool
}

// run is one load run's shared state.
type run struct {
	cfg       *config
	cl        *client
	id        string // makes idempotency keys and emails unique per run
	facToken  string
	groupID   string
	roundID   string
	members   []*member
	proposals []string
	setup     *recorder
	ratings   atomic.Int64
	keys      atomic.Int64
	sseEvents atomic.Int64
	sseOpen   atomic.Int64
}

// Values of the likert5 scale the group uses.
const scaleMin, scaleMax = 1, 5

var changeCategories = []string{"new_information", "discussion", "others_views", "lived_experience", "other"}

var reasons = []string{
	"Heard from carers how evenings work for them.",
	"The cost worries me more now.",
	"Someone explained how referrals work today.",
	"It would help people who work shifts.",
	"I changed my mind after the discussion.",
}

// newRun sets the run's identity.
func newRun(cfg *config, cl *client) *run {
	b := make([]byte, 6)
	_, _ = crand.Read(b)
	return &run{cfg: cfg, cl: cl, id: fmt.Sprintf("%x", b), setup: newRecorder()}
}

// prepare does everything before the rating phase: facilitator, group,
// invite, round, members joining, proposals, and opening for rating.
func (r *run) prepare(ctx context.Context) error {
	if err := r.signIn(ctx); err != nil {
		return err
	}
	var g idAnswer
	if _, err := r.cl.do(ctx, r.setup, call{op: "createGroup", method: http.MethodPost, path: "/groups", token: r.facToken,
		body: map[string]any{"name": "Load test " + r.id, "settings": map[string]any{"scale": "likert5",
			"perspectives": []string{"lived experience", "carer", "practitioner"}}}}, &g); err != nil {
		return err
	}
	r.groupID = g.ID
	var inv inviteAnswer
	if _, err := r.cl.do(ctx, r.setup, call{op: "createInvite", method: http.MethodPost, path: "/groups/" + g.ID + "/invites",
		token: r.facToken, body: map[string]any{"kind": "reusable", "max_uses": r.cfg.Members}}, &inv); err != nil {
		return err
	}
	var rd idAnswer
	if _, err := r.cl.do(ctx, r.setup, call{op: "createRound", method: http.MethodPost, path: "/groups/" + g.ID + "/rounds",
		token: r.facToken, body: map[string]any{"prompt": "What would make the service easier to use?"}}, &rd); err != nil {
		return err
	}
	r.roundID = rd.ID
	if err := r.transition(ctx, "open"); err != nil {
		return err
	}
	if err := r.join(ctx, inv.Token); err != nil {
		return err
	}
	if err := r.propose(ctx); err != nil {
		return err
	}
	return r.transition(ctx, "rating")
}

// signIn signs the facilitator in, or up.
func (r *run) signIn(ctx context.Context) error {
	var s sessionAnswer
	c := call{op: "logIn", method: http.MethodPost, path: "/auth/login", body: map[string]string{"email": r.cfg.Email, "password": r.cfg.Password}}
	if r.cfg.Email == "" {
		pw := make([]byte, 12)
		_, _ = crand.Read(pw)
		c = call{op: "signUp", method: http.MethodPost, path: "/auth/signup", body: map[string]string{
			"email": "facilitator-" + r.id + "@load.invalid", "name": "Load facilitator", "password": fmt.Sprintf("%x", pw)}}
	}
	if err := r.patiently(ctx, func() error { _, err := r.cl.do(ctx, r.setup, c, &s); return err }); err != nil {
		return err
	}
	r.facToken = s.Token
	return nil
}

// patiently runs fn again while the server answers 429 (the sign-in and
// join rate limit), waiting as it asks.
func (r *run) patiently(ctx context.Context, fn func() error) error {
	for {
		err := fn()
		var ae *apiError
		if !errors.As(err, &ae) || ae.status != http.StatusTooManyRequests {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(ae.retry):
		}
	}
}

func (r *run) transition(ctx context.Context, to string) error {
	_, err := r.cl.do(ctx, r.setup, call{op: "transitionRound", method: http.MethodPost, path: "/rounds/" + r.roundID + "/transitions",
		token: r.facToken, body: map[string]string{"to": to}}, nil)
	return err
}

// join has every member join with the invite, concurrency at a time.
func (r *run) join(ctx context.Context, invite string) error {
	r.members = make([]*member, r.cfg.Members)
	perspectives := []string{"lived experience", "carer", "practitioner", ""}
	return r.each(ctx, r.cfg.Members, func(i int, rec *recorder) error {
		var j joinAnswer
		err := r.patiently(ctx, func() error {
			_, err := r.cl.do(ctx, rec, call{op: "join", method: http.MethodPost, path: "/join", body: map[string]any{
				"token": invite, "display_name": fmt.Sprintf("Member %d", i+1), "perspective": perspectives[i%len(perspectives)],
				"research_consent": true}}, &j)
			return err
		})
		if err != nil {
			return err
		}
		r.members[i] = &member{token: j.Token, rated: map[string]int{}, pending: map[string]bool{}}
		return nil
	})
}

// propose has the first members propose one idea each.
func (r *run) propose(ctx context.Context) error {
	r.proposals = make([]string, r.cfg.Proposals)
	return r.each(ctx, r.cfg.Proposals, func(i int, rec *recorder) error {
		var p idAnswer
		if _, err := r.cl.do(ctx, rec, call{op: "addProposal", method: http.MethodPost, path: "/rounds/" + r.roundID + "/proposals",
			token: r.members[i].token, body: map[string]string{"text": fmt.Sprintf("Idea %d: open the centre on evening %d", i+1, i%5+1)}}, &p); err != nil {
			return err
		}
		r.proposals[i] = p.ID
		return nil
	})
}

// each runs fn for 0…n-1 with at most the configured concurrency,
// recording into the setup recorder; the first error stops it.
func (r *run) each(ctx context.Context, n int, fn func(i int, rec *recorder) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range min(n, r.cfg.Concurrency) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := newRecorder()
			defer func() { mu.Lock(); r.setup.merge(rec); mu.Unlock() }()
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(i, rec); err != nil {
					cancel(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return ctx.Err()
}

// rate runs the rating phase: workers start requests until phase ends,
// and the requests themselves run under ctx, so those in flight at the
// end finish and are counted (each still bounded by --timeout). Each worker acts for its own
// members in turn (worker w for members w, w+concurrency, …), so a member
// has one request in flight at a time, as a person does; with fewer
// members than workers, workers share members.
func (r *run) rate(ctx, phase context.Context) *recorder {
	all := newRecorder()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := range r.cfg.Concurrency {
		var mine []*member
		for i := w % len(r.members); i < len(r.members); i += r.cfg.Concurrency {
			mine = append(mine, r.members[i])
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := newRecorder()
			rng := rand.New(rand.NewPCG(uint64(w), uint64(time.Now().UnixNano())))
			for turn := 0; phase.Err() == nil; turn++ {
				m := mine[turn%len(mine)]
				r.act(ctx, rec, rng, m)
				if r.cfg.Think > 0 {
					select {
					case <-phase.Done():
					case <-time.After(r.cfg.Think):
					}
				}
			}
			mu.Lock()
			all.merge(rec)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return all
}

// act does one thing as m: rates an idea m has not rated yet, or else
// changes a rating with a reason or reads, as the mix weighs them.
func (r *run) act(ctx context.Context, rec *recorder, rng *rand.Rand, m *member) {
	m.mu.Lock()
	var unrated []string
	for _, p := range r.proposals {
		if _, ok := m.rated[p]; !ok && !m.pending[p] {
			unrated = append(unrated, p)
		}
	}
	var p string
	if len(unrated) > 0 {
		p = unrated[rng.IntN(len(unrated))]
		m.pending[p] = true
	}
	m.mu.Unlock()
	if p != "" {
		r.submit(ctx, rec, m, "submitRating", map[string]any{"proposal_id": p, "value": scaleMin + rng.IntN(scaleMax-scaleMin+1)})
		m.mu.Lock()
		delete(m.pending, p)
		m.mu.Unlock()
		return
	}
	mx := r.cfg.Mix
	switch n := rng.IntN(mx.total()); {
	case n < mx.Change:
		p := r.proposals[rng.IntN(len(r.proposals))]
		m.mu.Lock()
		old := m.rated[p]
		m.mu.Unlock()
		v := scaleMin + (old-scaleMin+1+rng.IntN(scaleMax-scaleMin))%(scaleMax-scaleMin+1) // any other value
		r.submit(ctx, rec, m, "changeRating", map[string]any{"proposal_id": p, "value": v,
			"reason": reasons[rng.IntN(len(reasons))], "change_category": changeCategories[rng.IntN(len(changeCategories))]})
	case n < mx.Change+mx.Results:
		_, _ = r.cl.do(ctx, rec, call{op: "getRoundResults", method: http.MethodGet, path: "/rounds/" + r.roundID + "/results", token: m.token}, nil)
	case n < mx.Change+mx.Results+mx.Mine:
		_, _ = r.cl.do(ctx, rec, call{op: "listMyRatings", method: http.MethodGet, path: "/rounds/" + r.roundID + "/my-ratings", token: m.token}, nil)
	case n < mx.Change+mx.Results+mx.Mine+mx.Analysis:
		_, _ = r.cl.do(ctx, rec, call{op: "getRoundAnalysis", method: http.MethodGet, path: "/rounds/" + r.roundID + "/analysis", token: r.facToken}, nil)
	default:
		_, _ = r.cl.do(ctx, rec, call{op: "getRoundReport", method: http.MethodGet, path: "/rounds/" + r.roundID + "/report", token: r.facToken}, nil)
	}
}

// submit sends one rating with a fresh idempotency key and notes the value
// once acknowledged.
func (r *run) submit(ctx context.Context, rec *recorder, m *member, op string, body map[string]any) {
	key := fmt.Sprintf("load-%s-%d", r.id, r.keys.Add(1))
	if _, err := r.cl.do(ctx, rec, call{op: op, method: http.MethodPost, path: "/rounds/" + r.roundID + "/ratings", token: m.token,
		body: body, header: map[string]string{"Idempotency-Key": key}}, nil); err != nil {
		return
	}
	r.ratings.Add(1)
	m.mu.Lock()
	m.rated[body["proposal_id"].(string)] = body["value"].(int)
	m.mu.Unlock()
}

// listen holds n live event streams on the round as the facilitator
// until ctx ends, counting the events that arrive.
func (r *run) listen(ctx context.Context, n int, ready *sync.WaitGroup) *sync.WaitGroup {
	var done sync.WaitGroup
	cl := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: n}}
	for range n {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			opened := false
			defer func() {
				if !opened {
					ready.Done()
				}
			}()
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.cl.base.String()+apiPrefix+"/rounds/"+r.roundID+"/events", nil)
			if err != nil {
				return
			}
			req.Header.Set("Authorization", "Bearer "+r.facToken)
			resp, err := cl.Do(req)
			if err != nil {
				return
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				_, _ = io.Copy(io.Discard, resp.Body)
				return
			}
			r.sseOpen.Add(1)
			opened = true
			ready.Done()
			sc := bufio.NewScanner(resp.Body)
			for sc.Scan() {
				if strings.HasPrefix(sc.Text(), "event: ") {
					r.sseEvents.Add(1)
				}
			}
		}()
	}
	return &done
}
