package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/analysis"
)

// zoneRequest is an inclusive range of scale values.
type zoneRequest struct {
	Min int `json:"min" minimum:"-1" maximum:"9"`
	Max int `json:"max" minimum:"-1" maximum:"9"`
}

// ruleRequest declares a consensus rule; the engine numbers its versions.
type ruleRequest struct {
	MinPercentAgree        *float64 `json:"min_percent_agree,omitempty" doc:"At least this percent of ratings in the agree zone (more than 50, at most 100)."`
	MaxPercentOpposite     *float64 `json:"max_percent_opposite,omitempty" doc:"Strictly less than this percent in the opposite zone (e.g. 15 for COMET 70/15)."`
	MaxIQR                 *float64 `json:"max_iqr,omitempty" minimum:"0" doc:"Interquartile range at most this."`
	MinAgreementA          *float64 `json:"min_agreement_a,omitempty" minimum:"-1" maximum:"1" doc:"Van der Eijk's agreement A at least this."`
	MinRaters              int      `json:"min_raters,omitempty" minimum:"1" doc:"Fewer ratings than this (passes excluded) are too few to judge."`
	WithinEveryPerspective bool     `json:"within_every_perspective,omitempty" doc:"Consensus must also hold within every perspective large enough to report."`
}

// settingsRequest are a group's settings; omitted fields take the
// engine's defaults (Likert 5, reveal after own rating, the default rule).
type settingsRequest struct {
	Scale                     string       `json:"scale,omitempty" enum:"agree_disagree,likert5,likert7,likert9" doc:"The rating scale; every scale also offers pass."`
	AgreeZone                 *zoneRequest `json:"agree_zone,omitempty"`
	DisagreeZone              *zoneRequest `json:"disagree_zone,omitempty"`
	ConsensusRule             *ruleRequest `json:"consensus_rule,omitempty"`
	RevealPolicy              string       `json:"reveal_policy,omitempty" enum:"never,after_own_rating,after_close" doc:"When members see the group's distribution."`
	Anonymous                 bool         `json:"anonymous,omitempty" doc:"Hide who rated what from other members and observers."`
	FacilitatorsSeeIdentities bool         `json:"facilitators_see_identities,omitempty" doc:"In an anonymous group, let facilitators see who rated what."`
	Perspectives              []string     `json:"perspectives,omitempty" maxItems:"20" maxLength:"80" doc:"The stakeholder perspectives members can say they bring."`
	MinCellSize               int          `json:"min_cell_size,omitempty" minimum:"1" maximum:"1000" doc:"Aggregates by perspective over fewer members are suppressed (default 5)."`
	QuantileType              int          `json:"quantile_type,omitempty" enum:"6,7" doc:"Hyndman–Fan quantile definition for medians and quartiles (default 7)."`
	GroundRules               string       `json:"ground_rules,omitempty" maxLength:"10000"`
}

func (s *settingsRequest) settings() engine.GroupSettings {
	if s == nil {
		return engine.GroupSettings{}
	}
	gs := engine.GroupSettings{Scale: s.Scale, RevealPolicy: s.RevealPolicy, Anonymous: s.Anonymous,
		FacilitatorsSeeIdentities: s.FacilitatorsSeeIdentities, Perspectives: s.Perspectives,
		MinCellSize: s.MinCellSize, QuantileType: s.QuantileType, GroundRules: s.GroundRules}
	if s.AgreeZone != nil {
		gs.AgreeZone = &engine.Zone{Min: s.AgreeZone.Min, Max: s.AgreeZone.Max}
	}
	if s.DisagreeZone != nil {
		gs.DisagreeZone = &engine.Zone{Min: s.DisagreeZone.Min, Max: s.DisagreeZone.Max}
	}
	if r := s.ConsensusRule; r != nil {
		gs.ConsensusRule = analysis.ConsensusRule{Version: 1, MinPercentAgree: r.MinPercentAgree,
			MaxPercentOpposite: r.MaxPercentOpposite, MaxIQR: r.MaxIQR, MinAgreementA: r.MinAgreementA,
			MinRaters: r.MinRaters, WithinEveryPerspective: r.WithinEveryPerspective}
	}
	return gs
}

type groupRequest struct {
	Name            string           `json:"name" maxLength:"200"`
	Description     string           `json:"description,omitempty" maxLength:"10000"`
	Settings        *settingsRequest `json:"settings,omitempty"`
	FacilitatorName string           `json:"facilitator_name,omitempty" maxLength:"80" doc:"How you appear in this group; defaults to your account's name."`
}

type groupUpdateRequest struct {
	Name        string           `json:"name" maxLength:"200"`
	Description string           `json:"description,omitempty" maxLength:"10000"`
	Settings    *settingsRequest `json:"settings,omitempty" doc:"The complete settings; omitted fields return to their defaults."`
}

func (a *API) registerGroups() {
	huma.Register(a.huma, op("createGroup", http.MethodPost, "/groups", "Groups",
		"Create a group with you as its first facilitator"),
		func(ctx context.Context, in *struct{ Body groupRequest }) (*out[*engine.Group], error) {
			return bodyOf(a.eng.CreateGroup(ctx, actorFrom(ctx), engine.GroupInput{Name: in.Body.Name,
				Description: in.Body.Description, Settings: in.Body.Settings.settings(), FacilitatorName: in.Body.FacilitatorName}))
		})

	huma.Register(a.huma, op("listGroups", http.MethodGet, "/groups", "Groups",
		"List your groups, by id"),
		func(ctx context.Context, in *struct{ PageQuery }) (*out[pageBody[*engine.Group]], error) {
			p := in.page()
			gs, err := a.eng.ListGroups(ctx, actorFrom(ctx), p)
			if err != nil {
				return nil, err
			}
			return &out[pageBody[*engine.Group]]{Body: newPage(gs, p.Limit, func(g *engine.Group) string { return g.ID })}, nil
		})

	huma.Register(a.huma, op("getGroup", http.MethodGet, "/groups/{groupId}", "Groups",
		"Get a group with your membership and role"),
		func(ctx context.Context, in *struct{ GroupPath }) (*out[*engine.GroupView], error) {
			return bodyOf(a.eng.GetGroup(ctx, actorFrom(ctx), in.id()))
		})

	huma.Register(a.huma, op("updateGroup", http.MethodPut, "/groups/{groupId}", "Groups",
		"Change a group's name, description and settings (a changed consensus rule becomes a new version)"),
		func(ctx context.Context, in *struct {
			GroupPath
			Body groupUpdateRequest
		}) (*out[*engine.Group], error) {
			return bodyOf(a.eng.UpdateGroup(ctx, actorFrom(ctx), in.id(), engine.GroupInput{Name: in.Body.Name,
				Description: in.Body.Description, Settings: in.Body.Settings.settings()}))
		})

	huma.Register(a.huma, op("listRuleVersions", http.MethodGet, "/groups/{groupId}/rule-versions", "Groups",
		"List every version of the group's consensus rule"),
		func(ctx context.Context, in *struct{ GroupPath }) (*listOutput[engine.RuleVersion], error) {
			return listOf(a.eng.RuleHistory(ctx, actorFrom(ctx), in.id()))
		})
}
