package frontend

import (
	"context"
	"net/url"
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/allvoice/allvoice/engine"
)

// The concern pages. A concern is read only by the group's safeguarding
// leads and the person who raised it; the engine decides who that is on
// every request. Nothing written in a concern is logged: renderError logs
// engine errors, which never hold it.

// concernFields are the form fields of the concern form, and
// concernAlias maps the engine's field names to them.
var concernFields = []string{"group_id", "concern_text", "about", "about_member"}

func concernAlias(f string) string {
	switch f {
	case "text":
		return "concern_text"
	case "round_id", "proposal_id":
		return "about"
	case "member_id":
		return "about_member"
	}
	return f
}

// concernFormPage is the model of the "raise a concern" form.
type concernFormPage struct {
	Group *engine.GroupView
	// Groups offers a choice when the signed-in account is in several
	// groups and the page does not say which.
	Groups []option
	// RoundID and ProposalID are what the person was looking at.
	RoundID    string
	ProposalID string
	About      []option
	Members    []option
	// LeadNames are the safeguarding leads who will read it, in words.
	LeadNames string
}

// contextIDs finds the round, proposal and group a concern form was
// opened from: the query (?round=, ?proposal=, ?group=), else the path of
// the same-site page that linked to it (the footer link is on every page).
var contextPath = regexp.MustCompile(`^/(rounds|groups)/([0-9a-f-]{36})(?:/proposals/([0-9a-f-]{36}))?`)

func contextIDs(c *fiber.Ctx) (groupID, roundID, proposalID string) {
	groupID, roundID, proposalID = c.Query("group"), c.Query("round"), c.Query("proposal")
	if groupID != "" || roundID != "" {
		return utils.CopyString(groupID), utils.CopyString(roundID), utils.CopyString(proposalID)
	}
	ref, err := url.Parse(c.Get(fiber.HeaderReferer))
	if err != nil || ref.Host != string(c.Request().Host()) {
		return "", "", ""
	}
	m := contextPath.FindStringSubmatch(ref.Path)
	if m == nil {
		return "", "", ""
	}
	if m[1] == "groups" {
		return m[2], "", ""
	}
	return "", m[2], m[3]
}

// concernForm loads what the form shows: the group, what the person was
// looking at, the members it could be about and who will read it.
func (f *Frontend) concernForm(ctx context.Context, c *fiber.Ctx, actor engine.Actor, groupID, roundID, proposalID string) (*concernFormPage, error) {
	cat := f.catalogue(c)
	cp := &concernFormPage{}
	if roundID != "" {
		rv, err := f.eng.GetRound(ctx, actor, roundID)
		switch {
		case err == nil && (groupID == "" || groupID == rv.GroupID):
			groupID, cp.RoundID = rv.GroupID, rv.ID
			for i, e := range rv.Agenda {
				if e.ProposalID == proposalID && e.Proposal != nil {
					cp.ProposalID = proposalID
					cp.About = append(cp.About, option{Value: "proposal", Label: cat.T("concern.about_proposal", "n", i+1, "text", e.Proposal.Text)})
				}
			}
			cp.About = append(cp.About, option{Value: "round", Label: cat.T("concern.about_round", "number", rv.Number)},
				option{Value: "", Label: cat.T("concern.about_nothing")})
		case err != nil && engine.ErrorCode(err) != engine.ENOTFOUND && engine.ErrorCode(err) != engine.EFORBIDDEN:
			return nil, err
		}
	}
	if groupID == "" {
		if me, err := f.eng.WhoAmI(ctx, actor); err == nil && me.Member != nil {
			groupID = me.Member.GroupID
		} else {
			gs, err := f.eng.ListGroups(ctx, actor, engine.Page{Limit: 100})
			if err != nil {
				return nil, err
			}
			if len(gs) != 1 {
				for _, g := range gs {
					cp.Groups = append(cp.Groups, option{Value: g.ID, Label: g.Name})
				}
				return cp, nil
			}
			groupID = gs[0].ID
		}
	}
	g, err := f.eng.GetGroup(ctx, actor, groupID)
	if err != nil {
		return nil, err
	}
	cp.Group = g
	ms, err := f.eng.ListMembers(ctx, actor, g.ID)
	if err != nil {
		return nil, err
	}
	cp.Members = []option{{Value: "", Label: cat.T("concern.about_member_none")}}
	var leads []string
	for _, m := range ms {
		if m.Erased || m.DisplayName == "" {
			continue
		}
		if m.Role == engine.RoleSafeguardingLead {
			leads = append(leads, m.DisplayName)
		}
		if g.You == nil || m.ID != g.You.ID {
			cp.Members = append(cp.Members, option{Value: m.ID, Label: m.DisplayName})
		}
	}
	cp.LeadNames = strings.Join(leads, ", ")
	return cp, nil
}

func (f *Frontend) concernNewForm(c *fiber.Ctx) error {
	ctx, actor := c.UserContext(), actorOf(c)
	if actor.Anonymous() {
		return f.renderError(c, engine.Errorf(engine.EUNAUTHORIZED, "sign in"))
	}
	groupID, roundID, proposalID := contextIDs(c)
	if q := c.Query("group_id"); q != "" {
		groupID = utils.CopyString(q) // the group chosen on this page
	}
	cp, err := f.concernForm(ctx, c, actor, groupID, roundID, proposalID)
	if err != nil {
		return f.renderError(c, err)
	}
	fv := formValues{}
	if len(cp.About) > 0 {
		fv.Set("about", cp.About[0].Value)
	}
	return f.renderConcernForm(c, fiber.StatusOK, cp, fv, nil)
}

func (f *Frontend) renderConcernForm(c *fiber.Ctx, status int, cp *concernFormPage, fv formValues, errs formErrors) error {
	return f.render(c, status, "concern-new", &page{Title: f.title(c, "concern.title"), Errors: errs, Form: fv, Data: cp})
}

func (f *Frontend) concernCreate(c *fiber.Ctx) error {
	ctx, actor := c.UserContext(), actorOf(c)
	fv := readForm(c)
	cp, err := f.concernForm(ctx, c, actor, fv.Get("group_id"), fv.Get("round_id"), fv.Get("proposal_id"))
	if err != nil {
		return f.renderError(c, err)
	}
	if cp.Group == nil {
		if fv.Get("group_id") == "" {
			return f.renderConcernForm(c, fiber.StatusUnprocessableEntity, cp, fv,
				formErrors{f.localError(c, "group_id", "concern.group_required")})
		}
		return f.renderError(c, engine.Errorf(engine.ENOTFOUND, "Group not found."))
	}
	in := engine.ConcernInput{Text: fv.Get("concern_text"), MemberID: fv.Get("about_member")}
	switch fv.Get("about") {
	case "proposal":
		in.RoundID, in.ProposalID = cp.RoundID, cp.ProposalID
	case "round":
		in.RoundID = cp.RoundID
	}
	cv, err := f.eng.RaiseConcern(ctx, actor, cp.Group.ID, in)
	if err != nil {
		if !isFormError(err) {
			return f.renderError(c, err)
		}
		return f.renderConcernForm(c, fiber.StatusUnprocessableEntity, cp, fv, f.errorsFrom(c, err, concernAlias, concernFields...))
	}
	return c.Redirect("/concerns/"+cv.ID+"/sent", fiber.StatusSeeOther)
}

// concernPage is the model of a concern's own page and its confirmation.
type concernPage struct {
	C        *concernRow
	Group    *engine.GroupView
	Lead     bool
	Statuses []option
	Actions  []actionRow
}

// concernRow is a concern with its status and check-in zone in words.
type concernRow struct {
	*engine.ConcernView
	StatusLabel string
	ZoneLabel   string
}

// actionRow is a lead's action with its status in words.
type actionRow struct {
	engine.ConcernActionView
	StatusLabel string
}

func newConcernRow(cat *Catalogue, cv *engine.ConcernView) *concernRow {
	r := &concernRow{ConcernView: cv, StatusLabel: statusText(cat, cv.Status)}
	if cv.CheckInZone != "" {
		r.ZoneLabel, _ = zoneText(cat, cv.CheckInZone)
	}
	return r
}

// statusText is a concern status in words.
func statusText(cat *Catalogue, s string) string {
	switch s {
	case engine.ConcernOpen:
		return cat.T("concern.status.open")
	case engine.ConcernInProgress:
		return cat.T("concern.status.in_progress")
	case engine.ConcernClosed:
		return cat.T("concern.status.closed")
	}
	return s
}

// loadConcern reads the concern in the path as the actor may see it.
func (f *Frontend) loadConcern(c *fiber.Ctx) (*concernPage, error) {
	ctx, actor := c.UserContext(), actorOf(c)
	cv, err := f.eng.GetConcern(ctx, actor, utils.CopyString(c.Params("cid")))
	if err != nil {
		return nil, err
	}
	g, err := f.eng.GetGroup(ctx, actor, cv.GroupID)
	if err != nil {
		return nil, err
	}
	cat := f.catalogue(c)
	cp := &concernPage{C: newConcernRow(cat, cv), Group: g, Lead: engine.RoleAllows(g.YourRole, engine.PermHandleConcerns)}
	if cp.Lead {
		for _, s := range engine.ConcernStatuses {
			cp.Statuses = append(cp.Statuses, option{Value: s, Label: statusText(cat, s)})
		}
	}
	for _, a := range cv.Actions {
		cp.Actions = append(cp.Actions, actionRow{ConcernActionView: a, StatusLabel: statusText(cat, a.Status)})
	}
	return cp, nil
}

func (f *Frontend) concernSent(c *fiber.Ctx) error {
	cp, err := f.loadConcern(c)
	if err != nil {
		return f.renderError(c, err)
	}
	return f.render(c, fiber.StatusOK, "concern-sent", &page{Title: f.title(c, "concern.sent_title"), Data: cp})
}

func (f *Frontend) concernShow(c *fiber.Ctx) error {
	cp, err := f.loadConcern(c)
	if err != nil {
		return f.renderError(c, err)
	}
	fv := formValues{}
	fv.Set("concern_status", cp.C.Status)
	return f.renderConcern(c, fiber.StatusOK, cp, fv, nil)
}

func (f *Frontend) renderConcern(c *fiber.Ctx, status int, cp *concernPage, fv formValues, errs formErrors) error {
	return f.render(c, status, "concern", &page{Title: f.title(c, "concern.show_title"), Errors: errs, Form: fv, Data: cp})
}

// actionAlias maps the engine's action fields to the form's.
func actionAlias(f string) string {
	switch f {
	case "action", "outcome", "learning", "status":
		return "concern_" + f
	}
	return f
}

func (f *Frontend) concernAction(c *fiber.Ctx) error {
	cp, err := f.loadConcern(c)
	if err != nil {
		return f.renderError(c, err)
	}
	fv := readForm(c)
	in := engine.ConcernActionInput{Action: fv.Get("concern_action"), Outcome: fv.Get("concern_outcome"),
		Learning: fv.Get("concern_learning"), Status: fv.Get("concern_status")}
	if _, err := f.eng.RecordConcernAction(c.UserContext(), actorOf(c), cp.C.ID, in); err != nil {
		if !isFormError(err) {
			return f.renderError(c, err)
		}
		return f.renderConcern(c, fiber.StatusUnprocessableEntity, cp, fv,
			f.errorsFrom(c, err, actionAlias, "concern_action", "concern_outcome", "concern_learning", "concern_status"))
	}
	return c.Redirect("/concerns/"+cp.C.ID+"?done=concern_actioned", fiber.StatusSeeOther)
}

// concernListPage lists concerns: all of the group's for its safeguarding
// leads, one's own for everyone else.
type concernListPage struct {
	Group    *engine.GroupView
	Lead     bool
	Concerns []*concernRow
}

func (f *Frontend) concernListData(c *fiber.Ctx) (*concernListPage, error) {
	ctx, actor := c.UserContext(), actorOf(c)
	g, err := f.eng.GetGroup(ctx, actor, utils.CopyString(c.Params("gid")))
	if err != nil {
		return nil, err
	}
	cs, err := f.eng.ListConcerns(ctx, actor, g.ID)
	if err != nil {
		return nil, err
	}
	lp := &concernListPage{Group: g, Lead: engine.RoleAllows(g.YourRole, engine.PermHandleConcerns)}
	cat := f.catalogue(c)
	// Newest first: what needs a response is at the top.
	for i := len(cs) - 1; i >= 0; i-- {
		lp.Concerns = append(lp.Concerns, newConcernRow(cat, cs[i]))
	}
	return lp, nil
}

func (f *Frontend) concernList(c *fiber.Ctx) error {
	lp, err := f.concernListData(c)
	if err != nil {
		return f.renderError(c, err)
	}
	return f.render(c, fiber.StatusOK, "concerns", &page{Title: f.title(c, "concerns.title"), Data: lp})
}
