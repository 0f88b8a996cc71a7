package engine

import (
	"context"
	"sync"
)

// Bounds of the rating cache: past them it starts afresh, which costs one
// read of each thing again and never a wrong answer.
const (
	maxCachedRounds       = 4096
	maxCachedRoundEntries = 20000 // members plus proposals of one round
)

// ratingCache keeps what a rating submission checks — the round, the
// group, its roles, the rater's membership, the proposal and its place on
// the agenda — per round, tagged with the round's revision (RoundRevision)
// read before any of it. Every change to those things increments the
// revision in the same transaction, and the rating is written only if the
// revision is still the same (RatingWrite.Revision), so a decision made
// on cached data is checked against the database atomically with the
// write: a stale entry costs a retry, never a wrong rating. Ratings
// themselves leave the revision alone, so a busy round keeps its entry.
//
// The zero value is ready to use.
type ratingCache struct {
	mu     sync.Mutex
	rounds map[string]*roundEntry
}

// roundEntry is what was read about one round at one revision. Everything
// in it was read after the revision was, so a change to any of it after
// that moment shows as a newer revision at write time. Only successful
// lookups are kept; the values are shared and never modified.
type roundEntry struct {
	roundID  string
	revision int64

	mu          sync.Mutex
	round       *Round
	group       *Group
	assignments []RoleAssignment
	hasRoles    bool
	members     map[string]*Member // by member id
	accounts    map[string]*Member // by account id
	proposals   map[string]*Proposal
	agenda      map[string]*AgendaItem // by proposal id
	size        int
}

// entry returns the cache entry of a round, reading the round's revision
// to start one when there is none.
func (c *ratingCache) entry(ctx context.Context, store Reader, roundID string) (*roundEntry, error) {
	c.mu.Lock()
	en := c.rounds[roundID]
	c.mu.Unlock()
	if en != nil {
		return en, nil
	}
	rev, err := store.RoundRevision(ctx, roundID)
	if err != nil {
		return nil, notFoundAs(err, "Round not found.")
	}
	en = &roundEntry{roundID: roundID, revision: rev}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.rounds[roundID]; old != nil && old.revision >= rev {
		// Another request started an entry meanwhile; anything read into
		// it from now on is still newer than its revision.
		return old, nil
	}
	if c.rounds == nil || len(c.rounds) >= maxCachedRounds {
		c.rounds = map[string]*roundEntry{}
	}
	c.rounds[roundID] = en
	return en, nil
}

// drop forgets en once a write found its revision out of date.
func (c *ratingCache) drop(en *roundEntry) {
	c.mu.Lock()
	if c.rounds[en.roundID] == en {
		delete(c.rounds, en.roundID)
	}
	c.mu.Unlock()
}

// inGroup reports whether groupID is the entry's round's group: only
// things of that group are kept, because only their changes move the
// round's revision. Call with en.mu held.
func (en *roundEntry) inGroup(groupID string) bool {
	return en.round != nil && en.round.GroupID == groupID
}

// remember counts one more kept value and says whether there is room.
func (en *roundEntry) remember() bool {
	if en.size >= maxCachedRoundEntries {
		return false
	}
	en.size++
	return true
}

// cachedReader is a Reader for checking ratings of one round: the lookups
// prepareRating and the authorisation steps make are answered from a
// round entry, or read from the store and kept; everything else goes to
// the store.
type cachedReader struct {
	Reader
	en *roundEntry
}

// RoundByID answers the entry's round from the cache.
func (r cachedReader) RoundByID(ctx context.Context, id string) (*Round, error) {
	if id != r.en.roundID {
		return r.Reader.RoundByID(ctx, id)
	}
	r.en.mu.Lock()
	rd := r.en.round
	r.en.mu.Unlock()
	if rd != nil {
		return rd, nil
	}
	rd, err := r.Reader.RoundByID(ctx, id)
	if err != nil {
		return nil, err
	}
	r.en.mu.Lock()
	r.en.round = rd
	r.en.mu.Unlock()
	return rd, nil
}

// GroupByID answers the round's group from the cache.
func (r cachedReader) GroupByID(ctx context.Context, id string) (*Group, error) {
	r.en.mu.Lock()
	g := r.en.group
	r.en.mu.Unlock()
	if g != nil && g.ID == id {
		return g, nil
	}
	g, err := r.Reader.GroupByID(ctx, id)
	if err != nil {
		return nil, err
	}
	r.en.mu.Lock()
	if r.en.inGroup(id) {
		r.en.group = g
	}
	r.en.mu.Unlock()
	return g, nil
}

// RoleAssignments answers the round's group's roles from the cache.
func (r cachedReader) RoleAssignments(ctx context.Context, groupID string) ([]RoleAssignment, error) {
	r.en.mu.Lock()
	if r.en.hasRoles && r.en.inGroup(groupID) {
		ras := r.en.assignments
		r.en.mu.Unlock()
		return ras, nil
	}
	r.en.mu.Unlock()
	ras, err := r.Reader.RoleAssignments(ctx, groupID)
	if err != nil {
		return nil, err
	}
	r.en.mu.Lock()
	if r.en.inGroup(groupID) {
		r.en.assignments, r.en.hasRoles = ras, true
	}
	r.en.mu.Unlock()
	return ras, nil
}

// MemberByID answers a member from the cache.
func (r cachedReader) MemberByID(ctx context.Context, id string) (*Member, error) {
	r.en.mu.Lock()
	m := r.en.members[id]
	r.en.mu.Unlock()
	if m != nil {
		return m, nil
	}
	m, err := r.Reader.MemberByID(ctx, id)
	if err != nil {
		return nil, err
	}
	r.en.mu.Lock()
	if r.en.inGroup(m.GroupID) && r.en.remember() {
		if r.en.members == nil {
			r.en.members = map[string]*Member{}
		}
		r.en.members[id] = m
	}
	r.en.mu.Unlock()
	return m, nil
}

// MemberByAccount answers an account's membership from the cache.
func (r cachedReader) MemberByAccount(ctx context.Context, groupID, accountID string) (*Member, error) {
	r.en.mu.Lock()
	m := r.en.accounts[accountID]
	r.en.mu.Unlock()
	if m != nil && m.GroupID == groupID {
		return m, nil
	}
	m, err := r.Reader.MemberByAccount(ctx, groupID, accountID)
	if err != nil {
		return nil, err
	}
	r.en.mu.Lock()
	if r.en.inGroup(m.GroupID) && r.en.remember() {
		if r.en.accounts == nil {
			r.en.accounts = map[string]*Member{}
		}
		r.en.accounts[accountID] = m
	}
	r.en.mu.Unlock()
	return m, nil
}

// ProposalByID answers a proposal from the cache.
func (r cachedReader) ProposalByID(ctx context.Context, id string) (*Proposal, error) {
	r.en.mu.Lock()
	p := r.en.proposals[id]
	r.en.mu.Unlock()
	if p != nil {
		return p, nil
	}
	p, err := r.Reader.ProposalByID(ctx, id)
	if err != nil {
		return nil, err
	}
	r.en.mu.Lock()
	if r.en.inGroup(p.GroupID) && r.en.remember() {
		if r.en.proposals == nil {
			r.en.proposals = map[string]*Proposal{}
		}
		r.en.proposals[id] = p
	}
	r.en.mu.Unlock()
	return p, nil
}

// AgendaItem answers a proposal's place on the entry's round's agenda
// from the cache.
func (r cachedReader) AgendaItem(ctx context.Context, roundID, proposalID string) (*AgendaItem, error) {
	if roundID != r.en.roundID {
		return r.Reader.AgendaItem(ctx, roundID, proposalID)
	}
	r.en.mu.Lock()
	it := r.en.agenda[proposalID]
	r.en.mu.Unlock()
	if it != nil {
		return it, nil
	}
	it, err := r.Reader.AgendaItem(ctx, roundID, proposalID)
	if err != nil {
		return nil, err
	}
	r.en.mu.Lock()
	if r.en.remember() {
		if r.en.agenda == nil {
			r.en.agenda = map[string]*AgendaItem{}
		}
		r.en.agenda[proposalID] = it
	}
	r.en.mu.Unlock()
	return it, nil
}
