package bunstore

import (
	"context"
	"time"

	"github.com/allvoice/allvoice/engine"
)

// RatingEventsPage lists up to limit rating events of a group in the order
// of RatingEvents (creation time, ties by id), starting after the event
// at (afterTime, afterID); a zero afterTime starts at the beginning. It
// walks the (group_id, created_at, id) index, so each page costs the same
// however deep into a large group it is.
func (s *Store) RatingEventsPage(ctx context.Context, groupID string, afterTime time.Time, afterID string, limit int) ([]*engine.RatingEvent, error) {
	var rows []ratingEventRow
	q := s.idb.NewSelect().Model(&rows).ColumnExpr("e.*").Where("e.group_id = ?", groupID)
	if !afterTime.IsZero() {
		at := utc(afterTime)
		q = q.Where("(e.created_at > ? OR (e.created_at = ? AND e.id > ?))", at, at, afterID)
	}
	err := q.OrderExpr("e.created_at, e.id").Limit(int64(limit)).Scan(ctx)
	if err != nil {
		return nil, MapError(err, "rating")
	}
	return eventsOf(rows), nil
}
