package api

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/allvoice/allvoice/engine"
)

// TestDTOLimitsMirrorEngine keeps the DTOs' size and enum tags equal to
// the engine's limits and vocabularies, so the OpenAPI document states
// the rules the engine applies (struct tags cannot name constants).
func TestDTOLimitsMirrorEngine(t *testing.T) {
	ints := []struct {
		v     any
		field string
		tag   string
		want  int
	}{
		{signUpRequest{}, "Name", "maxLength", engine.MaxNameLen},
		{signUpRequest{}, "Password", "minLength", engine.MinPasswordLen},
		{signUpRequest{}, "Password", "maxLength", engine.MaxPasswordLen},
		{apiTokenRequest{}, "Name", "maxLength", engine.MaxNameLen},
		{groupRequest{}, "Name", "maxLength", engine.MaxTitleLen},
		{groupRequest{}, "Description", "maxLength", engine.MaxLongTextLen},
		{groupRequest{}, "FacilitatorName", "maxLength", engine.MaxNameLen},
		{groupUpdateRequest{}, "Name", "maxLength", engine.MaxTitleLen},
		{groupUpdateRequest{}, "Description", "maxLength", engine.MaxLongTextLen},
		{settingsRequest{}, "Perspectives", "maxItems", engine.MaxPerspectives},
		{settingsRequest{}, "Perspectives", "maxLength", engine.MaxNameLen},
		{settingsRequest{}, "GroundRules", "maxLength", engine.MaxLongTextLen},
		{inviteRequest{}, "Perspective", "maxLength", engine.MaxNameLen},
		{inviteRequest{}, "Label", "maxLength", engine.MaxNameLen},
		{inviteRequest{}, "ExpiresInHours", "maximum", 90 * 24},
		{joinRequest{}, "DisplayName", "maxLength", engine.MaxNameLen},
		{joinRequest{}, "Perspective", "maxLength", engine.MaxNameLen},
		{joinRequest{}, "AccessNeeds", "maxLength", engine.MaxReasonLen},
		{addMemberRequest{}, "DisplayName", "maxLength", engine.MaxNameLen},
		{addMemberRequest{}, "Perspective", "maxLength", engine.MaxNameLen},
		{memberUpdateRequest{}, "DisplayName", "maxLength", engine.MaxNameLen},
		{memberUpdateRequest{}, "Perspective", "maxLength", engine.MaxNameLen},
		{memberUpdateRequest{}, "AccessNeeds", "maxLength", engine.MaxReasonLen},
		{roundRequest{}, "Prompt", "maxLength", engine.MaxProposalLen},
		{proposalRequest{}, "Text", "maxLength", engine.MaxProposalLen},
		{proposalRequest{}, "EasyRead", "maxLength", engine.MaxProposalLen},
		{moderationRequest{}, "Reason", "maxLength", engine.MaxReasonLen},
		{ratingRequest{}, "Reason", "maxLength", engine.MaxReasonLen},
		{bulkRatingRequest{}, "Reason", "maxLength", engine.MaxReasonLen},
		{bulkRatingsRequest{}, "Ratings", "maxItems", engine.MaxBulkRatings},
		{decisionRequest{}, "Rationale", "maxLength", engine.MaxLongTextLen},
		{reflectionRequest{}, "Text", "maxLength", engine.MaxLongTextLen},
		{importForm{}, "Name", "maxLength", engine.MaxTitleLen},
	}
	for _, tc := range ints {
		typ := reflect.TypeOf(tc.v)
		f, ok := typ.FieldByName(tc.field)
		if !ok {
			t.Errorf("%s has no field %s", typ.Name(), tc.field)
			continue
		}
		if got, err := strconv.Atoi(f.Tag.Get(tc.tag)); err != nil || got != tc.want {
			t.Errorf("%s.%s %s = %q, want %d", typ.Name(), tc.field, tc.tag, f.Tag.Get(tc.tag), tc.want)
		}
	}

	enums := []struct {
		v     any
		field string
		want  []string
	}{
		{ratingRequest{}, "Mode", engine.Modes},
		{bulkRatingRequest{}, "Mode", engine.Modes},
		{ratingRequest{}, "ChangeCategory", engine.ChangeCategories},
		{bulkRatingRequest{}, "ChangeCategory", engine.ChangeCategories},
		{inviteRequest{}, "Role", engine.Roles},
		{roleRequest{}, "Role", engine.Roles},
		{decisionRequest{}, "Outcome", engine.Outcomes},
		{inviteRequest{}, "Kind", []string{engine.InviteSingleUse, engine.InviteReusable}},
		{settingsRequest{}, "Scale", []string{engine.ScaleAgreeDisagree, engine.ScaleLikert5, engine.ScaleLikert7, engine.ScaleLikert9}},
		{settingsRequest{}, "RevealPolicy", []string{engine.RevealNever, engine.RevealAfterOwnRating, engine.RevealAfterClose}},
		{roundRequest{}, "CarryRules", []string{engine.CarryWithoutConsensus, engine.DropConsensusAgainst, engine.CarryAll}},
		{transitionRequest{}, "To", []string{string(engine.TransitionOpen), string(engine.TransitionRating), string(engine.TransitionClose), string(engine.TransitionReopen)}},
		{moderationRequest{}, "Action", []string{engine.ModerationHide, engine.ModerationRestore}},
	}
	for _, tc := range enums {
		typ := reflect.TypeOf(tc.v)
		f, _ := typ.FieldByName(tc.field)
		got := strings.Split(f.Tag.Get("enum"), ",")
		want := slices.Clone(tc.want)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s.%s enum = %v, want %v", typ.Name(), tc.field, got, want)
		}
	}

	// Every scale value is inside the rating DTOs' bounds.
	for _, v := range []any{ratingRequest{}, bulkRatingRequest{}} {
		f, _ := reflect.TypeOf(v).FieldByName("Value")
		lo, err1 := strconv.Atoi(f.Tag.Get("minimum"))
		hi, err2 := strconv.Atoi(f.Tag.Get("maximum"))
		if err1 != nil || err2 != nil {
			t.Fatalf("%T.Value has no integer bounds", v)
		}
		for _, scale := range []string{engine.ScaleAgreeDisagree, engine.ScaleLikert5, engine.ScaleLikert7, engine.ScaleLikert9} {
			for _, x := range engine.ScaleValues(scale) {
				if x < lo || x > hi {
					t.Errorf("scale %s value %d is outside %T.Value's bounds %d…%d", scale, x, v, lo, hi)
				}
			}
		}
	}
}
