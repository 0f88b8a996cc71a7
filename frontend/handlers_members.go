package frontend

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/allvoice/allvoice/engine"
)

// managedGroup loads a group and checks the actor may manage it, rendering
// the refusal itself; a nil group means the response is already written.
func (f *Frontend) managedGroup(c *fiber.Ctx, perm engine.Permission) (*engine.GroupView, error) {
	g, err := f.eng.GetGroup(c.UserContext(), actorOf(c), utils.CopyString(c.Params("gid")))
	if err != nil {
		return nil, f.renderError(c, err)
	}
	if !engine.RoleAllows(g.YourRole, perm) {
		return nil, f.renderStatus(c, fiber.StatusForbidden, "error.forbidden")
	}
	return g, nil
}

// memberListPage is the model of the members page.
type memberListPage struct {
	Group   *engine.GroupView
	Members []engine.MemberView
}

func (f *Frontend) memberList(c *fiber.Ctx) error {
	g, err := f.managedGroup(c, engine.PermManageGroup)
	if g == nil {
		return err
	}
	ms, err := f.eng.ListMembers(c.UserContext(), actorOf(c), g.ID)
	if err != nil {
		return f.renderError(c, err)
	}
	return f.render(c, fiber.StatusOK, "members", &page{Title: f.title(c, "members.title"), Data: &memberListPage{Group: g, Members: ms}})
}

// memberFormPage is the model of the add-member and role forms.
type memberFormPage struct {
	Group        *engine.GroupView
	Member       *engine.MemberView
	Perspectives []option
	Roles        []option
	Rounds       []option
}

func (f *Frontend) perspectiveOptions(c *fiber.Ctx, g *engine.GroupView) []option {
	cat := f.catalogue(c)
	var out []option
	for _, p := range g.Settings.Perspectives {
		out = append(out, option{Value: p, Label: p})
	}
	if len(out) > 0 {
		out = append(out, option{Divider: true, Label: cat.T("common.or")}, option{Value: "", Label: cat.T("members.no_perspective")})
	}
	return out
}

func (f *Frontend) memberNewForm(c *fiber.Ctx) error {
	g, err := f.managedGroup(c, engine.PermAssist)
	if g == nil {
		return err
	}
	return f.render(c, fiber.StatusOK, "member-new", &page{Title: f.title(c, "member_new.title"),
		Data: &memberFormPage{Group: g, Perspectives: f.perspectiveOptions(c, g)}})
}

func (f *Frontend) memberAdd(c *fiber.Ctx) error {
	g, err := f.managedGroup(c, engine.PermAssist)
	if g == nil {
		return err
	}
	fv := readForm(c)
	m, err := f.eng.AddMemberInRoom(c.UserContext(), actorOf(c), g.ID, engine.AddMemberInput{
		DisplayName: fv.Get("display_name"), Perspective: fv.Get("perspective")})
	if err != nil {
		if !isFormError(err) {
			return f.renderError(c, err)
		}
		return f.render(c, fiber.StatusUnprocessableEntity, "member-new", &page{Title: f.title(c, "member_new.title"),
			Errors: f.errorsFrom(c, err, nil, "display_name", "perspective"), Form: fv,
			Data: &memberFormPage{Group: g, Perspectives: f.perspectiveOptions(c, g)}})
	}
	_ = m
	return c.Redirect("/groups/"+g.ID+"/members?done=member_added", fiber.StatusSeeOther)
}

func (f *Frontend) memberRolePage(c *fiber.Ctx, g *engine.GroupView) (*memberFormPage, error) {
	ctx, actor := c.UserContext(), actorOf(c)
	mid := utils.CopyString(c.Params("mid"))
	ms, err := f.eng.ListMembers(ctx, actor, g.ID)
	if err != nil {
		return nil, err
	}
	mp := &memberFormPage{Group: g}
	for i := range ms {
		if ms[i].ID == mid {
			mp.Member = &ms[i]
		}
	}
	if mp.Member == nil {
		return nil, engine.Errorf(engine.ENOTFOUND, "Member not found.")
	}
	cat := f.catalogue(c)
	for _, r := range engine.Roles {
		mp.Roles = append(mp.Roles, option{Value: r, Label: cat.T("role." + r), Hint: cat.T("role." + r + ".hint")})
	}
	rounds, err := f.eng.ListRounds(ctx, actor, g.ID)
	if err != nil {
		return nil, err
	}
	mp.Rounds = append(mp.Rounds, option{Value: "", Label: cat.T("member_role.all_rounds")})
	for _, r := range rounds {
		if r.State != engine.RoundClosed {
			mp.Rounds = append(mp.Rounds, option{Value: r.ID, Label: cat.T("member_role.only_round", "number", r.Number)})
		}
	}
	return mp, nil
}

func (f *Frontend) memberRoleForm(c *fiber.Ctx) error {
	g, err := f.managedGroup(c, engine.PermManageGroup)
	if g == nil {
		return err
	}
	mp, err := f.memberRolePage(c, g)
	if err != nil {
		return f.renderError(c, err)
	}
	fv := formValues{}
	fv.Set("role", mp.Member.Role)
	fv.Set("round_id", "")
	return f.render(c, fiber.StatusOK, "member-role", &page{Title: f.title(c, "member_role.title"), Form: fv, Data: mp})
}

func (f *Frontend) memberRoleSave(c *fiber.Ctx) error {
	g, err := f.managedGroup(c, engine.PermManageGroup)
	if g == nil {
		return err
	}
	mp, err := f.memberRolePage(c, g)
	if err != nil {
		return f.renderError(c, err)
	}
	fv := readForm(c)
	if _, err := f.eng.AssignRole(c.UserContext(), actorOf(c), mp.Member.ID, fv.Get("role"), fv.Get("round_id")); err != nil {
		if !isFormError(err) && engine.ErrorCode(err) != engine.ECONFLICT {
			return f.renderError(c, err)
		}
		return f.render(c, fiber.StatusUnprocessableEntity, "member-role", &page{Title: f.title(c, "member_role.title"),
			Errors: f.errorsFrom(c, err, nil, "role", "round_id"), Form: fv, Data: mp})
	}
	return c.Redirect("/groups/"+g.ID+"/members?done=role_changed", fiber.StatusSeeOther)
}

// inviteListPage is the model of the invites page.
type inviteListPage struct {
	Group   *engine.GroupView
	Invites []inviteRow
}

type inviteRow struct {
	*engine.Invite
	Usable bool
}

func (f *Frontend) inviteList(c *fiber.Ctx) error {
	g, err := f.managedGroup(c, engine.PermManageGroup)
	if g == nil {
		return err
	}
	invs, err := f.eng.ListInvites(c.UserContext(), actorOf(c), g.ID)
	if err != nil {
		return f.renderError(c, err)
	}
	now := f.eng.Now()
	ip := &inviteListPage{Group: g}
	for _, inv := range invs {
		ip.Invites = append(ip.Invites, inviteRow{Invite: inv,
			Usable: inv.RevokedAt == nil && now.Before(inv.ExpiresAt) && inv.Uses < inv.MaxUses})
	}
	return f.render(c, fiber.StatusOK, "invites", &page{Title: f.title(c, "invites.title"), Data: ip})
}

// inviteFormPage is the model of the new-invite form and its result.
type inviteFormPage struct {
	Group        *engine.GroupView
	Kinds        []option
	Roles        []option
	Perspectives []option
	// Created is set on the result page: the link is shown this once.
	Created *engine.Invite
	Link    string
	JoinURL string
	Code    string
	Cards   []int
}

func (f *Frontend) inviteFormPage(c *fiber.Ctx, g *engine.GroupView) *inviteFormPage {
	cat := f.catalogue(c)
	ip := &inviteFormPage{Group: g}
	for _, k := range []string{engine.InviteSingleUse, engine.InviteReusable} {
		ip.Kinds = append(ip.Kinds, option{Value: k, Label: cat.T("invite.kind." + k), Hint: cat.T("invite.kind." + k + ".hint")})
	}
	for _, r := range engine.Roles {
		ip.Roles = append(ip.Roles, option{Value: r, Label: cat.T("role." + r), Hint: cat.T("role." + r + ".hint")})
	}
	if len(g.Settings.Perspectives) > 0 {
		ip.Perspectives = append(ip.Perspectives, option{Value: "", Label: cat.T("invite.perspective_any")})
		for _, p := range g.Settings.Perspectives {
			ip.Perspectives = append(ip.Perspectives, option{Value: p, Label: p})
		}
	}
	return ip
}

func (f *Frontend) inviteNewForm(c *fiber.Ctx) error {
	g, err := f.managedGroup(c, engine.PermManageGroup)
	if g == nil {
		return err
	}
	fv := formValues{}
	fv.Set("kind", engine.InviteSingleUse)
	fv.Set("role", engine.RoleMember)
	fv.Set("perspective", "")
	fv.Set("expires_in_days", "14")
	return f.render(c, fiber.StatusOK, "invite-new", &page{Title: f.title(c, "invite_new.title"), Form: fv, Data: f.inviteFormPage(c, g)})
}

func (f *Frontend) inviteCreate(c *fiber.Ctx) error {
	g, err := f.managedGroup(c, engine.PermManageGroup)
	if g == nil {
		return err
	}
	fv := readForm(c)
	ip := f.inviteFormPage(c, g)
	var errs formErrors
	in := engine.InviteInput{Kind: fv.Get("kind"), Role: fv.Get("role"), Perspective: fv.Get("perspective"), Label: fv.Get("label")}
	if n, ok := optionalInt(fv, "max_uses"); !ok {
		errs = append(errs, f.localError(c, "max_uses", "error.whole_number"))
	} else if n != nil {
		in.MaxUses = *n
	}
	if n, ok := optionalInt(fv, "expires_in_days"); !ok {
		errs = append(errs, f.localError(c, "expires_in_days", "error.whole_number"))
	} else if n != nil {
		in.ExpiresIn = time.Duration(*n) * 24 * time.Hour
	}
	var inv *engine.Invite
	var token string
	if len(errs) == 0 {
		inv, token, err = f.eng.CreateInvite(c.UserContext(), actorOf(c), g.ID, in)
		if err != nil {
			if !isFormError(err) {
				return f.renderError(c, err)
			}
			errs = f.errorsFrom(c, err, func(s string) string {
				if s == "expires_in_hours" {
					return "expires_in_days"
				}
				return s
			}, "kind", "role", "perspective", "label", "max_uses", "expires_in_days")
		}
	}
	if len(errs) > 0 {
		return f.render(c, fiber.StatusUnprocessableEntity, "invite-new", &page{Title: f.title(c, "invite_new.title"), Errors: errs, Form: fv, Data: ip})
	}
	ip.Created, ip.Code = inv, groupedCode(token)
	ip.Link = f.baseURL(c) + "/join/" + token
	ip.JoinURL = f.baseURL(c) + "/join"
	cards := 1
	if inv.Kind == engine.InviteReusable {
		cards = 4 // a sheet of cards to cut out and hand round the room
	}
	for i := range cards {
		ip.Cards = append(ip.Cards, i)
	}
	return f.render(c, fiber.StatusOK, "invite-created", &page{Title: f.title(c, "invite_created.title"), Data: ip})
}

func (f *Frontend) inviteRevoke(c *fiber.Ctx) error {
	gid := utils.CopyString(c.Params("gid"))
	if err := f.eng.RevokeInvite(c.UserContext(), actorOf(c), utils.CopyString(c.Params("iid"))); err != nil {
		return f.renderError(c, err)
	}
	return c.Redirect("/groups/"+gid+"/invites?done=invite_revoked", fiber.StatusSeeOther)
}

// groupedCode splits an invite code into groups of four characters, so it
// can be read out and typed from a printed card.
func groupedCode(code string) string {
	var b strings.Builder
	for i, r := range code {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
