package frontend

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/allvoice/allvoice/engine"
)

// groupListPage is the model of the group list.
type groupListPage struct {
	Groups []*engine.Group
}

func (f *Frontend) groupList(c *fiber.Ctx) error {
	actor := actorOf(c)
	if actor.MemberID != "" {
		return f.home(c)
	}
	groups, err := f.eng.ListGroups(c.UserContext(), actor, engine.Page{Limit: 200})
	if err != nil {
		return f.renderError(c, err)
	}
	return f.render(c, fiber.StatusOK, "groups", &page{Title: f.title(c, "groups.title"), Data: &groupListPage{Groups: groups}})
}

// groupHomePage is the model of a group's home page, which differs by role.
type groupHomePage struct {
	Group   *engine.GroupView
	Rounds  []*engine.Round
	Current *engine.Round
	Manage  bool
}

func (f *Frontend) groupHome(c *fiber.Ctx) error {
	gid := utils.CopyString(c.Params("gid"))
	ctx, actor := c.UserContext(), actorOf(c)
	g, err := f.eng.GetGroup(ctx, actor, gid)
	if err != nil {
		return f.renderError(c, err)
	}
	rounds, err := f.eng.ListRounds(ctx, actor, gid)
	if err != nil {
		return f.renderError(c, err)
	}
	gp := &groupHomePage{Group: g, Rounds: rounds, Manage: engine.RoleAllows(g.YourRole, engine.PermManageRounds)}
	gp.Current = currentRound(rounds)
	return f.render(c, fiber.StatusOK, "group", &page{Title: g.Name, Data: gp})
}

// currentRound is the round members should be sent to: the open one, or
// else the latest that has started.
func currentRound(rounds []*engine.Round) *engine.Round {
	var latest *engine.Round
	for _, r := range rounds {
		if r.State == engine.RoundProposing || r.State == engine.RoundRating {
			return r
		}
		if r.State == engine.RoundClosed {
			latest = r
		}
	}
	return latest
}

// groupFormPage is the model of the create and settings forms.
type groupFormPage struct {
	Group   *engine.GroupView
	Scales  []option
	Reveals []option
	New     bool
}

func (f *Frontend) groupFormOptions(c *fiber.Ctx) ([]option, []option) {
	cat := f.catalogue(c)
	var scales, reveals []option
	for _, s := range []string{engine.ScaleAgreeDisagree, engine.ScaleLikert5, engine.ScaleLikert7, engine.ScaleLikert9} {
		scales = append(scales, option{Value: s, Label: cat.T("scale." + s + ".name"), Hint: cat.T("scale." + s + ".hint")})
	}
	for _, r := range []string{engine.RevealAfterOwnRating, engine.RevealAfterClose, engine.RevealNever} {
		reveals = append(reveals, option{Value: r, Label: cat.T("reveal." + r + ".name"), Hint: cat.T("reveal." + r + ".hint")})
	}
	return scales, reveals
}

func (f *Frontend) groupNewForm(c *fiber.Ctx) error {
	if actorOf(c).AccountID == "" {
		return f.renderError(c, engine.Errorf(engine.EUNAUTHORIZED, "sign in"))
	}
	fv := formValues{}
	fv.Set("scale", engine.ScaleLikert5)
	fv.Set("reveal_policy", engine.RevealAfterOwnRating)
	fv.Set("min_cell_size", "5")
	fv.Set("min_percent_agree", "75")
	fv.Set("min_raters", "5")
	fv.Set("quantile_type", "7")
	return f.renderGroupForm(c, fiber.StatusOK, nil, fv, nil)
}

func (f *Frontend) renderGroupForm(c *fiber.Ctx, status int, g *engine.GroupView, fv formValues, errs formErrors) error {
	scales, reveals := f.groupFormOptions(c)
	title := f.title(c, "group_form.new_title")
	if g != nil {
		title = f.title(c, "group_form.edit_title")
	}
	return f.render(c, status, "group-form", &page{Title: title, Errors: errs, Form: fv,
		Data: &groupFormPage{Group: g, Scales: scales, Reveals: reveals, New: g == nil}})
}

func (f *Frontend) groupCreate(c *fiber.Ctx) error {
	fv := readForm(c)
	in, errs := f.groupInput(c, fv)
	if len(errs) > 0 {
		return f.renderGroupForm(c, fiber.StatusUnprocessableEntity, nil, fv, errs)
	}
	in.FacilitatorName = fv.Get("facilitator_name")
	g, err := f.eng.CreateGroup(c.UserContext(), actorOf(c), in)
	if err != nil {
		if !isFormError(err) {
			return f.renderError(c, err)
		}
		return f.renderGroupForm(c, fiber.StatusUnprocessableEntity, nil, fv, f.errorsFrom(c, err, groupFieldAlias, groupFormFields...))
	}
	return c.Redirect("/groups/"+g.ID+"?done=group_created", fiber.StatusSeeOther)
}

func (f *Frontend) groupSettingsForm(c *fiber.Ctx) error {
	gid := utils.CopyString(c.Params("gid"))
	g, err := f.eng.GetGroup(c.UserContext(), actorOf(c), gid)
	if err != nil {
		return f.renderError(c, err)
	}
	if !engine.RoleAllows(g.YourRole, engine.PermManageGroup) {
		return f.renderStatus(c, fiber.StatusForbidden, "error.forbidden")
	}
	return f.renderGroupForm(c, fiber.StatusOK, g, groupFormValues(&g.Group), nil)
}

func (f *Frontend) groupSettingsSave(c *fiber.Ctx) error {
	gid := utils.CopyString(c.Params("gid"))
	ctx, actor := c.UserContext(), actorOf(c)
	g, err := f.eng.GetGroup(ctx, actor, gid)
	if err != nil {
		return f.renderError(c, err)
	}
	fv := readForm(c)
	in, errs := f.groupInput(c, fv)
	if len(errs) > 0 {
		return f.renderGroupForm(c, fiber.StatusUnprocessableEntity, g, fv, errs)
	}
	if _, err := f.eng.UpdateGroup(ctx, actor, gid, in); err != nil {
		if !isFormError(err) {
			return f.renderError(c, err)
		}
		return f.renderGroupForm(c, fiber.StatusUnprocessableEntity, g, fv, f.errorsFrom(c, err, groupFieldAlias, groupFormFields...))
	}
	return c.Redirect("/groups/"+gid+"?done=settings_saved", fiber.StatusSeeOther)
}

// groupFormFields are the inputs of the group form, the anchors its error
// summary may link to.
var groupFormFields = []string{"name", "description", "facilitator_name", "ground_rules", "scale", "reveal_policy",
	"anonymous", "facilitators_see_identities", "perspectives", "min_cell_size", "agree_zone_min", "disagree_zone_min",
	"min_percent_agree", "max_percent_opposite", "max_iqr", "min_agreement_a", "min_raters", "within_every_perspective", "quantile_type"}

// groupFieldAlias maps the engine's settings fields to the form's inputs.
func groupFieldAlias(f string) string {
	f = strings.TrimPrefix(f, "settings.")
	f = strings.TrimPrefix(f, "consensus_rule.")
	switch f {
	case "agree_zone", "disagree_zone":
		return f + "_min"
	case "consensus_rule", "version":
		return "min_percent_agree"
	}
	return f
}

// groupInput reads the group form. Numbers that are not numbers are
// reported here; every rule about the values is the engine's.
func (f *Frontend) groupInput(c *fiber.Ctx, fv formValues) (engine.GroupInput, formErrors) {
	var errs formErrors
	in := engine.GroupInput{Name: fv.Get("name"), Description: fv.Get("description")}
	s := &in.Settings
	s.Scale = fv.Get("scale")
	s.RevealPolicy = fv.Get("reveal_policy")
	s.Anonymous = fv.Get("anonymous") == "yes"
	s.FacilitatorsSeeIdentities = fv.Get("facilitators_see_identities") == "yes"
	s.GroundRules = fv.Get("ground_rules")
	s.Perspectives = []string{}
	for _, p := range strings.Split(fv.Get("perspectives"), "\n") {
		if p = strings.TrimSpace(p); p != "" {
			s.Perspectives = append(s.Perspectives, p)
		}
	}
	whole := func(name string) *int {
		n, ok := optionalInt(fv, name)
		if !ok {
			errs = append(errs, f.localError(c, name, "error.whole_number"))
		}
		return n
	}
	number := func(name string) *float64 {
		x, ok := optionalFloat(fv, name)
		if !ok {
			errs = append(errs, f.localError(c, name, "error.number"))
		}
		return x
	}
	if n := whole("min_cell_size"); n != nil {
		s.MinCellSize = *n
	}
	zone := func(prefix string) *engine.Zone {
		lo, hi := whole(prefix+"_min"), whole(prefix+"_max")
		switch {
		case lo == nil && hi == nil:
			return nil
		case lo == nil || hi == nil:
			errs = append(errs, f.localError(c, prefix+"_min", "error.zone_both"))
			return nil
		}
		return &engine.Zone{Min: *lo, Max: *hi}
	}
	s.AgreeZone = zone("agree_zone")
	s.DisagreeZone = zone("disagree_zone")
	r := &s.ConsensusRule
	r.MinPercentAgree = number("min_percent_agree")
	r.MaxPercentOpposite = number("max_percent_opposite")
	r.MaxIQR = number("max_iqr")
	r.MinAgreementA = number("min_agreement_a")
	if n := whole("quantile_type"); n != nil {
		s.QuantileType = *n
	}
	if n := whole("min_raters"); n != nil {
		r.MinRaters = *n
	}
	r.WithinEveryPerspective = fv.Get("within_every_perspective") == "yes"
	if !r.IsZero() && r.MinPercentAgree == nil && r.MaxPercentOpposite == nil && r.MaxIQR == nil && r.MinAgreementA == nil {
		// Only a minimum of raters or "within every perspective" was given:
		// the default criteria apply with them.
		r.MinPercentAgree = ptrFloat(75)
	}
	if !r.IsZero() && r.MinRaters == 0 {
		r.MinRaters = 5
	}
	if !r.IsZero() {
		// The engine numbers rule versions itself, but validates the rule
		// before it does, so a declared rule must arrive as some version.
		r.Version = 1
	}
	return in, errs
}

func ptrFloat(x float64) *float64 { return &x }

// groupFormValues fills the form from a group's current settings.
func groupFormValues(g *engine.Group) formValues {
	fv := formValues{}
	s := g.Settings
	fv.Set("name", g.Name)
	fv.Set("description", g.Description)
	fv.Set("ground_rules", s.GroundRules)
	fv.Set("scale", s.Scale)
	fv.Set("reveal_policy", s.RevealPolicy)
	if s.Anonymous {
		fv.Set("anonymous", "yes")
	}
	if s.FacilitatorsSeeIdentities {
		fv.Set("facilitators_see_identities", "yes")
	}
	fv.Set("perspectives", strings.Join(s.Perspectives, "\n"))
	fv.Set("min_cell_size", strconv.Itoa(s.MinCellSize))
	if z := s.AgreeZone; z != nil {
		fv.Set("agree_zone_min", strconv.Itoa(z.Min))
		fv.Set("agree_zone_max", strconv.Itoa(z.Max))
	}
	if z := s.DisagreeZone; z != nil {
		fv.Set("disagree_zone_min", strconv.Itoa(z.Min))
		fv.Set("disagree_zone_max", strconv.Itoa(z.Max))
	}
	r := s.ConsensusRule
	setF := func(name string, x *float64) {
		if x != nil {
			fv.Set(name, strconv.FormatFloat(*x, 'f', -1, 64))
		}
	}
	setF("min_percent_agree", r.MinPercentAgree)
	setF("max_percent_opposite", r.MaxPercentOpposite)
	setF("max_iqr", r.MaxIQR)
	setF("min_agreement_a", r.MinAgreementA)
	fv.Set("quantile_type", strconv.Itoa(s.QuantileType))
	if r.MinRaters > 0 {
		fv.Set("min_raters", strconv.Itoa(r.MinRaters))
	}
	if r.WithinEveryPerspective {
		fv.Set("within_every_perspective", "yes")
	}
	return fv
}
