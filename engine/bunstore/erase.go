package bunstore

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/allvoice/allvoice/engine"
)

// EraseMemberContent blanks what an erased member wrote that the record
// keeps, one statement per table, in the caller's transaction (or one of
// its own):
//
//   - every non-empty reason of the member's rating events becomes er.Text
//     (an empty reason stays empty, so "gave a reason" counts hold), and
//     their idempotency keys and body fingerprints are dropped: a key is
//     the client's own text, and a fingerprint of a reason could confirm
//     a guess of it;
//   - the text of each of the member's reflections becomes er.Text;
//   - the labels of er.InviteIDs (invites of the member's group) are
//     cleared;
//   - the member's join key is forgotten, and their check-ins are no
//     longer shared with facilitators (the zones stay, for the counts);
//   - every round of the group is marked changed, so RoundVersion moves
//     and no analysis cached under the old version is served again.
//
// Values, passes, modes, times and the current-rating pointers are not
// touched: the ratings stay, detached from the person.
func (s *Store) EraseMemberContent(ctx context.Context, er *engine.Erasure) error {
	return s.atomic(ctx, func(idb bun.IDB) error {
		_, err := idb.NewUpdate().Table("rating_events").
			Set("reason = CASE WHEN reason = '' THEN '' ELSE ? END", er.Text).
			Set("idempotency_key = NULL").
			Set("body_hash = ''").
			Where("member_id = ?", er.MemberID).Exec(ctx)
		if err != nil {
			return MapError(err, "rating event")
		}
		_, err = idb.NewUpdate().Table("reflections").Set("text = ?", er.Text).
			Where("member_id = ?", er.MemberID).Exec(ctx)
		if err != nil {
			return MapError(err, "reflection")
		}
		if len(er.InviteIDs) > 0 {
			_, err = idb.NewUpdate().Table("invites").Set("label = ''").
				Where("group_id = ?", er.GroupID).Where("id IN (?)", bun.In(er.InviteIDs)).Exec(ctx)
			if err != nil {
				return MapError(err, "invite")
			}
		}
		_, err = idb.NewUpdate().Table("members").Set("join_key_hash = NULL").Where("id = ?", er.MemberID).Exec(ctx)
		if err != nil {
			return MapError(err, "member")
		}
		_, err = idb.NewUpdate().Table("checkins").Set("shared = ?", false).Where("member_id = ?", er.MemberID).Exec(ctx)
		if err != nil {
			return MapError(err, "check-in")
		}
		return bumpGroupRounds(ctx, idb, er.GroupID)
	})
}
