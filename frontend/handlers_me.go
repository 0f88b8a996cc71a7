package frontend

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/allvoice/allvoice/engine"
)

// mePage is the member's own details and consents, which only they may
// change.
type mePage struct {
	Group        *engine.GroupView
	Perspectives []option
}

func (f *Frontend) meForm(c *fiber.Ctx) error {
	g, err := f.eng.GetGroup(c.UserContext(), actorOf(c), utils.CopyString(c.Params("gid")))
	if err != nil {
		return f.renderError(c, err)
	}
	m := g.You
	fv := formValues{}
	fv.Set("display_name", m.DisplayName)
	fv.Set("perspective", m.Perspective)
	fv.Set("access_needs", m.AccessNeeds)
	if m.ResearchConsent {
		fv.Set("research_consent", "yes")
	}
	if m.ReasonsConsent {
		fv.Set("reasons_consent", "yes")
	}
	return f.render(c, fiber.StatusOK, "me", &page{Title: f.title(c, "me.title"), Form: fv,
		Data: &mePage{Group: g, Perspectives: f.perspectiveOptions(c, g)}})
}

func (f *Frontend) meSave(c *fiber.Ctx) error {
	ctx, actor := c.UserContext(), actorOf(c)
	g, err := f.eng.GetGroup(ctx, actor, utils.CopyString(c.Params("gid")))
	if err != nil {
		return f.renderError(c, err)
	}
	fv := readForm(c)
	name, persp, needs := fv.Get("display_name"), fv.Get("perspective"), fv.Get("access_needs")
	research, reasons := fv.Get("research_consent") == "yes", fv.Get("reasons_consent") == "yes"
	in := engine.MemberUpdate{DisplayName: &name, Perspective: &persp, AccessNeeds: &needs, ResearchConsent: &research, ReasonsConsent: &reasons}
	if _, err := f.eng.UpdateMember(ctx, actor, g.You.ID, in); err != nil {
		if !isFormError(err) {
			return f.renderError(c, err)
		}
		return f.render(c, fiber.StatusUnprocessableEntity, "me", &page{Title: f.title(c, "me.title"), Form: fv,
			Errors: f.errorsFrom(c, err, nil, "display_name", "perspective", "access_needs", "research_consent", "reasons_consent"),
			Data:   &mePage{Group: g, Perspectives: f.perspectiveOptions(c, g)}})
	}
	return c.Redirect("/groups/"+g.ID+"?done=details_saved", fiber.StatusSeeOther)
}

// meSignOutEverywhere ends every session of the member (a lost phone, a
// link shared by mistake); they join again with a new invite.
func (f *Frontend) meSignOutEverywhere(c *fiber.Ctx) error {
	ctx, actor := c.UserContext(), actorOf(c)
	g, err := f.eng.GetGroup(ctx, actor, utils.CopyString(c.Params("gid")))
	if err != nil {
		return f.renderError(c, err)
	}
	if err := f.eng.RevokeMemberSessions(ctx, actor, g.You.ID); err != nil {
		return f.renderError(c, err)
	}
	if actor.MemberID != "" {
		f.clearSession(c)
		return c.Redirect("/?done=signed_out_everywhere", fiber.StatusSeeOther)
	}
	return c.Redirect("/groups/"+g.ID+"?done=signed_out_everywhere", fiber.StatusSeeOther)
}
