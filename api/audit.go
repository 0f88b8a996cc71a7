package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/allvoice/allvoice/engine"
)

func (a *API) registerAudit() {
	huma.Register(a.huma, op("listAudit", http.MethodGet, "/groups/{groupId}/audit", "Audit",
		"List the group's audit events: who did what to which thing, never content"),
		func(ctx context.Context, in *struct {
			GroupPath
			PageQuery
		}) (*out[pageBody[*engine.AuditEvent]], error) {
			p := in.page()
			evs, err := a.eng.ListAudit(ctx, actorFrom(ctx), in.id(), p)
			if err != nil {
				return nil, err
			}
			return &out[pageBody[*engine.AuditEvent]]{Body: newPage(evs, p.Limit, func(e *engine.AuditEvent) string { return e.ID })}, nil
		})
}
