package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

func (a *API) registerErase() {
	o := op("eraseMember", http.MethodDelete, "/members/{memberId}", "Members",
		"Erase a member at their request (members themselves; facilitators on a member's behalf)")
	o.Description = "Detaches the member's identity in one step that cannot be undone: display name, account link and access " +
		"needs are cleared, consents withdrawn, every session of theirs revoked. Their ratings stay as anonymous data, so " +
		"every aggregate and the group's history stay valid; the words of their reasons and reflections are replaced by " +
		"a marker; their proposals stay, credited to a former member. The audit trail records the erasure without content. " +
		"Download the member's data first (getMyData) if they want a copy."
	huma.Register(a.huma, o, func(ctx context.Context, in *struct{ MemberPath }) (*noContent, error) {
		return none(a.eng.EraseMember(ctx, actorFrom(ctx), in.id()))
	})
}
