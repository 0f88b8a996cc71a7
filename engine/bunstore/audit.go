package bunstore

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/allvoice/allvoice/engine"
)

// auditEventRow is a row of audit_events. An event of no group (an account
// signing up) has a NULL group_id.
type auditEventRow struct {
	bun.BaseModel `bun:"table:audit_events,alias:ae"`

	ID          string    `bun:"id,pk"`
	GroupID     string    `bun:"group_id,nullzero"`
	ActorID     string    `bun:"actor_id,nullzero"`
	Action      string    `bun:"action"`
	SubjectType string    `bun:"subject_type"`
	SubjectID   string    `bun:"subject_id"`
	CreatedAt   time.Time `bun:"created_at"`
}

// AuditEvents lists one page of a group's audit events by id, that is in
// the order they happened; groupID "" lists the events of no group.
func (s *Store) AuditEvents(ctx context.Context, groupID string, page engine.Page) ([]*engine.AuditEvent, error) {
	var rows []auditEventRow
	q := s.idb.NewSelect().Model(&rows).ColumnExpr("ae.*")
	if groupID == "" {
		q = q.Where("ae.group_id IS NULL")
	} else {
		q = q.Where("ae.group_id = ?", groupID)
	}
	if page.After != "" {
		q = q.Where("ae.id > ?", page.After)
	}
	if err := q.OrderExpr("ae.id").Limit(pageLimit(page)).Scan(ctx); err != nil {
		return nil, MapError(err, "audit event")
	}
	out := make([]*engine.AuditEvent, len(rows))
	for i, r := range rows {
		out[i] = &engine.AuditEvent{ID: r.ID, GroupID: r.GroupID, ActorID: r.ActorID, Action: r.Action,
			SubjectType: r.SubjectType, SubjectID: r.SubjectID, CreatedAt: utc(r.CreatedAt)}
	}
	return out, nil
}

// AppendAudit stores an audit event.
func (s *Store) AppendAudit(ctx context.Context, ev *engine.AuditEvent) error {
	r := auditEventRow{ID: ev.ID, GroupID: ev.GroupID, ActorID: ev.ActorID, Action: ev.Action,
		SubjectType: ev.SubjectType, SubjectID: ev.SubjectID, CreatedAt: utc(ev.CreatedAt)}
	return insertNew(ctx, s.idb, &r, "audit event")
}
