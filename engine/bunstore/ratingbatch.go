package bunstore

import (
	"context"
	"database/sql"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/allvoice/allvoice/engine"
)

// maxRatingBatch bounds how many ratings share one SQLite transaction.
const maxRatingBatch = 128

// ratingBatchTimeout bounds one batch's transaction, which runs on behalf
// of several requests and so under none of their contexts alone.
const ratingBatchTimeout = 30 * time.Second

// ratingBatcher commits concurrent rating writes on one SQLite database
// in shared transactions (group commit). SQLite has one writer at a time,
// and a commit costs a write per changed page whether it holds one rating
// or a hundred; so while one transaction commits, the ratings arriving
// queue up and the next transaction takes them all. Each is decided in
// turn inside the transaction exactly as if alone, and each caller hears
// back only after the commit that holds its rating.
//
// There is no background goroutine: the first caller to find no batch
// running leads, commits one batch, and hands the lead to the oldest
// caller still waiting, so no request serves others for long.
type ratingBatcher struct {
	mu      sync.Mutex
	pending []*pendingRating
	leading bool
}

// pendingRating is one caller's write waiting for its batch.
type pendingRating struct {
	ctx  context.Context
	w    *engine.RatingWrite
	done chan batchResult // buffered: a handover, then the result
}

// batchResult is a write's outcome, or the lead handed over (lead).
type batchResult struct {
	out  *engine.RatingWritten
	err  error
	lead bool
}

// write commits w in the next batch and returns its outcome.
func (b *ratingBatcher) write(ctx context.Context, s *Store, w *engine.RatingWrite) (*engine.RatingWritten, error) {
	p := &pendingRating{ctx: ctx, w: w, done: make(chan batchResult, 1)}
	b.mu.Lock()
	b.pending = append(b.pending, p)
	lead := !b.leading
	b.leading = true
	b.mu.Unlock()
	for {
		if lead {
			b.lead(s)
		}
		r := <-p.done
		if !r.lead {
			return r.out, r.err
		}
		lead = true
	}
}

// lead commits the pending writes (up to maxRatingBatch) as one batch,
// then hands the lead on or gives it up.
func (b *ratingBatcher) lead(s *Store) {
	b.mu.Lock()
	n := min(len(b.pending), maxRatingBatch)
	batch := b.pending[:n:n]
	b.pending = b.pending[n:]
	b.mu.Unlock()
	s.commitRatingBatch(batch)
	b.mu.Lock()
	if len(b.pending) == 0 {
		b.leading = false
		b.pending = nil
	} else {
		b.pending[0].done <- batchResult{lead: true}
	}
	b.mu.Unlock()
}

// commitRatingBatch writes the batch in one transaction and tells each
// caller its outcome. A write that fails (rather than being refused)
// rolls the transaction back; then each is written alone, so only that
// one fails.
func (s *Store) commitRatingBatch(batch []*pendingRating) {
	live := batch[:0:0]
	for _, p := range batch {
		if err := p.ctx.Err(); err != nil {
			p.done <- batchResult{err: MapError(err, "rating")}
			continue
		}
		live = append(live, p)
	}
	if len(live) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), ratingBatchTimeout)
	defer cancel()
	outs := make([]*engine.RatingWritten, len(live))
	err := s.ratingTx(ctx, func(tx *sql.Tx) error {
		for i, p := range live {
			var err error
			if outs[i], err = s.writeRatingSteps(ctx, tx, p.w); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		for i, p := range live {
			p.done <- batchResult{out: outs[i]}
		}
		return
	}
	if len(live) == 1 {
		live[0].done <- batchResult{err: err}
		return
	}
	for _, p := range live {
		var out *engine.RatingWritten
		err := s.ratingTx(ctx, func(tx *sql.Tx) error {
			var err error
			out, err = s.writeRatingSteps(ctx, tx, p.w)
			return err
		})
		p.done <- batchResult{out: out, err: err}
	}
}

// ratingTx runs fn in a transaction of s (SQLite's write lock, taken at
// BEGIN).
func (s *Store) ratingTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return s.atomic(ctx, func(idb bun.IDB) error {
		tx, ok := idb.(bun.Tx)
		if !ok {
			return &engine.Error{Code: engine.EINTERNAL, Message: "the rating write runs outside a transaction"}
		}
		return fn(tx.Tx)
	})
}
