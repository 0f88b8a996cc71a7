package frontend

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/allvoice/allvoice/engine"
)

// signInLinkPage shows a fresh sign-in link: to open on another device, or
// printed on a card for a member who lost theirs.
type signInLinkPage struct {
	Group  *engine.GroupView
	Member string
	Link   string
	Code   string
	// JoinURL is where the code can be typed.
	JoinURL string
	Expires signInExpiry
	// Back is where "Done" leads.
	Back string
}

// signInExpiry is when a link stops working.
type signInExpiry struct{ Date, Time string }

// signInPage asks "is this you?" before a sign-in link is used.
type signInPage struct {
	Token  string
	Member *engine.Member
}

// meSignInLink makes a sign-in link for the member's other device.
func (f *Frontend) meSignInLink(c *fiber.Ctx) error {
	ctx, actor := c.UserContext(), actorOf(c)
	g, err := f.eng.GetGroup(ctx, actor, utils.CopyString(c.Params("gid")))
	if err != nil {
		return f.renderError(c, err)
	}
	return f.showSignInLink(c, g, g.You.ID, g.You.DisplayName, "/groups/"+g.ID+"/me")
}

// memberSignInLink makes a sign-in link for a member who has lost their
// device; the facilitator hands it over in person.
func (f *Frontend) memberSignInLink(c *fiber.Ctx) error {
	g, err := f.managedGroup(c, engine.PermManageGroup)
	if g == nil {
		return err
	}
	mid := utils.CopyString(c.Params("mid"))
	members, err := f.eng.ListMembers(c.UserContext(), actorOf(c), g.ID)
	if err != nil {
		return f.renderError(c, err)
	}
	name := ""
	for _, m := range members {
		if m.ID == mid {
			name = m.DisplayName
		}
	}
	return f.showSignInLink(c, g, mid, name, "/groups/"+g.ID+"/members")
}

func (f *Frontend) showSignInLink(c *fiber.Ctx, g *engine.GroupView, memberID, name, back string) error {
	link, err := f.eng.CreateSignInLink(c.UserContext(), actorOf(c), memberID)
	if err != nil {
		return f.renderError(c, err)
	}
	exp := link.ExpiresAt.UTC()
	sp := &signInLinkPage{Group: g, Member: name, Link: f.baseURL(c) + "/signin/" + link.Token, Code: groupedCode(link.Token),
		JoinURL: f.baseURL(c) + "/join", Expires: signInExpiry{Date: exp.Format("2 January 2006"), Time: exp.Format("15:04")}, Back: back}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return f.render(c, fiber.StatusOK, "sign-in-link", &page{Title: f.title(c, "signin_link.title"), Data: sp})
}

// signInForm asks the person to confirm before the link is used, so that a
// chat app fetching the link for a preview cannot use it up.
func (f *Frontend) signInForm(c *fiber.Ctx) error {
	token := utils.CopyString(c.Params("token"))
	m, err := f.eng.PreviewSignInLink(c.UserContext(), token)
	if err != nil {
		if engine.ErrorCode(err) == engine.ENOTFOUND {
			return f.renderStatus(c, fiber.StatusNotFound, "signin.invalid")
		}
		return f.renderError(c, err)
	}
	return f.render(c, fiber.StatusOK, "sign-in", &page{Title: f.title(c, "signin.title"), Data: &signInPage{Token: token, Member: m}})
}

// signIn uses the link and gives this device its own member session.
func (f *Frontend) signIn(c *fiber.Ctx) error {
	m, session, err := f.eng.UseSignInLink(c.UserContext(), utils.CopyString(c.Params("token")))
	if err != nil {
		if engine.ErrorCode(err) == engine.ENOTFOUND {
			return f.renderStatus(c, fiber.StatusNotFound, "signin.invalid")
		}
		return f.renderError(c, err)
	}
	f.setSession(c, session, true)
	return c.Redirect("/groups/"+m.GroupID+"?done=signed_in", fiber.StatusSeeOther)
}
