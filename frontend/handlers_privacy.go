package frontend

import (
	"encoding/json"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/allvoice/allvoice/engine"
)

// myDataPage is "your data": everything the group holds about the reader,
// readable on the page and downloadable as JSON.
type myDataPage struct {
	Group   *engine.GroupView
	D       *engine.MyData
	Rounds  map[string]int
	Ratings []myDataRating
}

// myDataRating is one rating event as the page lists it.
type myDataRating struct {
	Round     int
	Text      string
	Rating    string
	Reason    string
	Mode      string
	ForYou    bool
	CreatedAt time.Time
}

func (f *Frontend) myData(c *fiber.Ctx) error {
	ctx, actor := c.UserContext(), actorOf(c)
	gid := utils.CopyString(c.Params("gid"))
	g, err := f.eng.GetGroup(ctx, actor, gid)
	if err != nil {
		return f.renderError(c, err)
	}
	d, err := f.eng.MyData(ctx, actor, gid)
	if err != nil {
		return f.renderError(c, err)
	}
	cat := f.catalogue(c)
	mp := &myDataPage{Group: g, D: d, Rounds: map[string]int{}}
	for _, r := range d.Rounds {
		mp.Rounds[r.ID] = r.Number
	}
	for _, r := range d.Ratings {
		mp.Ratings = append(mp.Ratings, myDataRating{Round: r.RoundNumber, Text: r.ProposalText,
			Rating: ratingText(cat, g.Settings.Scale, r.RatingEvent), Reason: r.Reason, Mode: r.Mode,
			ForYou: r.EnteredForYou, CreatedAt: r.CreatedAt})
	}
	return f.render(c, fiber.StatusOK, "mydata", &page{Title: f.title(c, "my_data.title"), Data: mp})
}

// myDataJSON sends the reader's data as a JSON file to keep.
func (f *Frontend) myDataJSON(c *fiber.Ctx) error {
	d, err := f.eng.MyData(c.UserContext(), actorOf(c), utils.CopyString(c.Params("gid")))
	if err != nil {
		return f.renderError(c, err)
	}
	raw, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return f.renderError(c, err)
	}
	setPageHeaders(c)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="allvoice-my-data-`+d.Group.ID+`.json"`)
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Status(fiber.StatusOK).Send(raw)
}

// erasePage is the model of both erasure confirmations: a member's own
// and a facilitator's on a member's behalf.
type erasePage struct {
	Group  *engine.GroupView
	Member *engine.MemberView
	Self   bool
}

// eraseConfirmed reads the confirmation box every erasure form carries;
// unticked, the form comes back with an error and nothing is erased.
func (f *Frontend) eraseConfirmed(c *fiber.Ctx, name string, ep *erasePage) (bool, error) {
	fv := readForm(c)
	if fv.Get("confirm") == "yes" {
		return true, nil
	}
	errs := formErrors{f.localError(c, "confirm", "erase.confirm_error")}
	return false, f.render(c, fiber.StatusUnprocessableEntity, name, &page{Title: f.title(c, "erase.title"), Errors: errs, Form: fv, Data: ep})
}

func (f *Frontend) eraseMeForm(c *fiber.Ctx) error {
	g, err := f.eng.GetGroup(c.UserContext(), actorOf(c), utils.CopyString(c.Params("gid")))
	if err != nil {
		return f.renderError(c, err)
	}
	return f.render(c, fiber.StatusOK, "erase-me", &page{Title: f.title(c, "erase.title"), Data: &erasePage{Group: g, Self: true}})
}

// eraseMe erases the reader's own membership and signs them out of it.
func (f *Frontend) eraseMe(c *fiber.Ctx) error {
	ctx, actor := c.UserContext(), actorOf(c)
	g, err := f.eng.GetGroup(ctx, actor, utils.CopyString(c.Params("gid")))
	if err != nil {
		return f.renderError(c, err)
	}
	if ok, err := f.eraseConfirmed(c, "erase-me", &erasePage{Group: g, Self: true}); !ok {
		return err
	}
	if err := f.eng.EraseMember(ctx, actor, g.You.ID); err != nil {
		return f.renderError(c, err)
	}
	if actor.MemberID != "" {
		f.clearSession(c)
		return c.Redirect("/?done=erased", fiber.StatusSeeOther)
	}
	return c.Redirect("/groups?done=erased", fiber.StatusSeeOther)
}

// erasedMember finds the member a facilitator's erasure page is about.
func (f *Frontend) erasedMember(c *fiber.Ctx) (*erasePage, error) {
	g, err := f.managedGroup(c, engine.PermManageGroup)
	if g == nil {
		return nil, err
	}
	ms, err := f.eng.ListMembers(c.UserContext(), actorOf(c), g.ID)
	if err != nil {
		return nil, f.renderError(c, err)
	}
	mid := c.Params("mid")
	for i := range ms {
		if ms[i].ID == mid && !ms[i].Erased {
			return &erasePage{Group: g, Member: &ms[i], Self: ms[i].ID == g.You.ID}, nil
		}
	}
	return nil, f.renderStatus(c, fiber.StatusNotFound, "error.not_found")
}

func (f *Frontend) eraseMemberForm(c *fiber.Ctx) error {
	ep, err := f.erasedMember(c)
	if ep == nil {
		return err
	}
	return f.render(c, fiber.StatusOK, "erase-member", &page{Title: f.title(c, "erase.title"), Data: ep})
}

// eraseMember erases a member on their behalf, at their request.
func (f *Frontend) eraseMember(c *fiber.Ctx) error {
	ep, err := f.erasedMember(c)
	if ep == nil {
		return err
	}
	if ok, err := f.eraseConfirmed(c, "erase-member", ep); !ok {
		return err
	}
	if err := f.eng.EraseMember(c.UserContext(), actorOf(c), ep.Member.ID); err != nil {
		return f.renderError(c, err)
	}
	if ep.Self {
		return c.Redirect("/groups?done=erased", fiber.StatusSeeOther)
	}
	return c.Redirect("/groups/"+ep.Group.ID+"/members?done=member_erased", fiber.StatusSeeOther)
}
