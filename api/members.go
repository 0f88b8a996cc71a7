package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/allvoice/allvoice/engine"
)

type addMemberRequest struct {
	DisplayName string `json:"display_name" maxLength:"80"`
	Perspective string `json:"perspective,omitempty" maxLength:"80"`
}

// memberUpdateRequest changes a member's details; omitted fields stay.
type memberUpdateRequest struct {
	DisplayName     *string `json:"display_name,omitempty" maxLength:"80"`
	Perspective     *string `json:"perspective,omitempty" maxLength:"80" doc:"One of the group's perspectives, or empty for none."`
	ResearchConsent *bool   `json:"research_consent,omitempty" doc:"The member's own choice only."`
	ReasonsConsent  *bool   `json:"reasons_consent,omitempty" doc:"The member's own choice only."`
	AccessNeeds     *string `json:"access_needs,omitempty" maxLength:"2000" doc:"The member's own choice only."`
}

type roleRequest struct {
	Role    string `json:"role" enum:"member,facilitator,observer,evaluator,safeguarding_lead"`
	RoundID string `json:"round_id,omitempty" maxLength:"36" doc:"For one round only; omit for the group-wide role."`
}

func (a *API) registerMembers() {
	huma.Register(a.huma, op("listMembers", http.MethodGet, "/groups/{groupId}/members", "Members",
		"List the group's members as you may see them (evaluators see pseudonyms)"),
		func(ctx context.Context, in *struct{ GroupPath }) (*listOutput[engine.MemberView], error) {
			return listOf(a.eng.ListMembers(ctx, actorFrom(ctx), in.id()))
		})

	huma.Register(a.huma, op("addMemberInRoom", http.MethodPost, "/groups/{groupId}/members", "Members",
		"Add a member in the room, who has no link or device of their own"),
		func(ctx context.Context, in *struct {
			GroupPath
			Body addMemberRequest
		}) (*out[*engine.Member], error) {
			return bodyOf(a.eng.AddMemberInRoom(ctx, actorFrom(ctx), in.id(),
				engine.AddMemberInput{DisplayName: in.Body.DisplayName, Perspective: in.Body.Perspective}))
		})

	huma.Register(a.huma, op("updateMember", http.MethodPatch, "/members/{memberId}", "Members",
		"Change a member's details (members their own; facilitators name and perspective)"),
		func(ctx context.Context, in *struct {
			MemberPath
			Body memberUpdateRequest
		}) (*out[*engine.Member], error) {
			b := in.Body
			return bodyOf(a.eng.UpdateMember(ctx, actorFrom(ctx), in.id(), engine.MemberUpdate{DisplayName: b.DisplayName,
				Perspective: b.Perspective, ResearchConsent: b.ResearchConsent, ReasonsConsent: b.ReasonsConsent, AccessNeeds: b.AccessNeeds}))
		})

	huma.Register(a.huma, op("assignRole", http.MethodPost, "/members/{memberId}/roles", "Members",
		"Give a member a role, group-wide or for one round (the history is kept)"),
		func(ctx context.Context, in *struct {
			MemberPath
			Body roleRequest
		}) (*out[*engine.RoleAssignment], error) {
			return bodyOf(a.eng.AssignRole(ctx, actorFrom(ctx), in.id(), in.Body.Role, in.Body.RoundID))
		})

	huma.Register(a.huma, op("revokeMemberSessions", http.MethodDelete, "/members/{memberId}/sessions", "Members",
		"Sign a member out everywhere (a lost phone, a link shared by mistake)"),
		func(ctx context.Context, in *struct{ MemberPath }) (*noContent, error) {
			return none(a.eng.RevokeMemberSessions(ctx, actorFrom(ctx), in.id()))
		})
}
