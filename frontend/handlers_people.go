package frontend

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/allvoice/allvoice/engine"
)

// myInputPage is "what happened to my input": the member's proposals, what
// became of each (moderation, rewording, merging) and the decisions taken
// on them, with reasons.
type myInputPage struct {
	Group     *engine.GroupView
	Proposals []myProposal
	Decisions []decisionRow
	Ratings   []myRatingRow
}

// myRatingRow is one of the member's ratings: their trajectory over rounds.
type myRatingRow struct {
	Round    int
	Text     string
	Rating   string
	Reason   string
	Previous string
}

// myProposal is one of the member's proposals and what became of it.
type myProposal struct {
	P         *engine.ProposalView
	Round     int
	Successor []*engine.ProposalView
	Kind      string
	Decisions []*engine.Decision
}

// decisionRow is a decision with the text of its proposal.
type decisionRow struct {
	D     *engine.Decision
	Text  string
	Round int
	Yours bool
}

func (f *Frontend) myInput(c *fiber.Ctx) error {
	ctx, actor := c.UserContext(), actorOf(c)
	gid := utils.CopyString(c.Params("gid"))
	g, err := f.eng.GetGroup(ctx, actor, gid)
	if err != nil {
		return f.renderError(c, err)
	}
	ps, err := f.eng.ListProposals(ctx, actor, gid)
	if err != nil {
		return f.renderError(c, err)
	}
	ds, err := f.eng.ListDecisions(ctx, actor, gid)
	if err != nil {
		return f.renderError(c, err)
	}
	rounds, err := f.eng.ListRounds(ctx, actor, gid)
	if err != nil {
		return f.renderError(c, err)
	}
	number := map[string]int{}
	for _, r := range rounds {
		number[r.ID] = r.Number
	}
	byID := map[string]*engine.ProposalView{}
	children := map[string][]*engine.ProposalView{}
	for _, p := range ps {
		byID[p.ID] = p
		for _, l := range p.Parents {
			children[l.ParentID] = append(children[l.ParentID], p)
		}
	}
	decisionsOn := map[string][]*engine.Decision{}
	for _, d := range ds {
		decisionsOn[d.ProposalID] = append(decisionsOn[d.ProposalID], d)
	}
	// A member's input lives on in what it became: decisions on a
	// rewording or merger of their proposal are decisions on their input.
	var descendants func(id string, depth int) []string
	descendants = func(id string, depth int) []string {
		out := []string{id}
		if depth > 64 {
			return out
		}
		for _, ch := range children[id] {
			out = append(out, descendants(ch.ID, depth+1)...)
		}
		return out
	}
	mp := &myInputPage{Group: g}
	yours := map[string]bool{}
	for _, p := range ps {
		if !p.YouProposed {
			continue
		}
		item := myProposal{P: p, Round: number[p.RoundID], Successor: children[p.ID]}
		if len(item.Successor) > 0 && len(item.Successor[0].Parents) > 0 {
			for _, l := range item.Successor[0].Parents {
				if l.ParentID == p.ID {
					item.Kind = l.Kind
				}
			}
		}
		if item.Kind == "" && p.State == engine.ProposalSuperseded {
			item.Kind = "replaced" // its successors are hidden from this reader
		}
		for _, id := range descendants(p.ID, 0) {
			yours[id] = true
			item.Decisions = append(item.Decisions, decisionsOn[id]...)
		}
		mp.Proposals = append(mp.Proposals, item)
	}
	for _, d := range ds {
		text := ""
		if p := byID[d.ProposalID]; p != nil {
			text = p.Text
		}
		mp.Decisions = append(mp.Decisions, decisionRow{D: d, Text: text, Round: number[d.RoundID], Yours: yours[d.ProposalID]})
	}
	if engine.RoleAllows(g.YourRole, engine.PermRate) {
		cat := f.catalogue(c)
		for _, r := range rounds {
			if r.State == engine.RoundDraft {
				continue
			}
			mrs, err := f.eng.MyRatings(ctx, actor, r.ID)
			if err != nil {
				return f.renderError(c, err)
			}
			for _, mr := range mrs {
				if mr.Current == nil {
					continue
				}
				row := myRatingRow{Round: r.Number, Rating: ratingText(cat, g.Settings.Scale, mr.Current), Reason: mr.Current.Reason,
					Previous: ratingText(cat, g.Settings.Scale, mr.Previous)}
				if p := byID[mr.ProposalID]; p != nil {
					row.Text = p.Text
				}
				mp.Ratings = append(mp.Ratings, row)
			}
		}
	}
	return f.render(c, fiber.StatusOK, "my-input", &page{Title: f.title(c, "my_input.title"), Data: mp})
}

// helpPage is the safeguarding route: who to talk to, in private.
type helpPage struct {
	Group        *engine.GroupView
	Leads        []string
	Facilitators []string
}

func (f *Frontend) help(c *fiber.Ctx) error {
	ctx, actor := c.UserContext(), actorOf(c)
	gid := utils.CopyString(c.Params("gid"))
	g, err := f.eng.GetGroup(ctx, actor, gid)
	if err != nil {
		return f.renderError(c, err)
	}
	ms, err := f.eng.ListMembers(ctx, actor, gid)
	if err != nil {
		return f.renderError(c, err)
	}
	hp := &helpPage{Group: g}
	for _, m := range ms {
		if m.Erased || m.DisplayName == "" {
			continue
		}
		switch m.Role {
		case engine.RoleSafeguardingLead:
			hp.Leads = append(hp.Leads, m.DisplayName)
		case engine.RoleFacilitator:
			hp.Facilitators = append(hp.Facilitators, m.DisplayName)
		}
	}
	// The private concern form plugs in here once the engine records
	// concerns (visible only to safeguarding leads and the person raising it).
	return f.render(c, fiber.StatusOK, "help", &page{Title: f.title(c, "help.title"), Data: hp})
}

// evaluationPage is the evaluator's entry page: pseudonymised members and
// the consensus rule's history. The research export plugs in here.
type evaluationPage struct {
	Group   *engine.GroupView
	Members []engine.MemberView
	Rules   []engine.RuleVersion
	Rounds  []*engine.Round
}

func (f *Frontend) evaluation(c *fiber.Ctx) error {
	g, err := f.managedGroup(c, engine.PermExport)
	if g == nil {
		return err
	}
	ctx, actor := c.UserContext(), actorOf(c)
	ep := &evaluationPage{Group: g}
	if ep.Members, err = f.eng.ListMembers(ctx, actor, g.ID); err != nil {
		return f.renderError(c, err)
	}
	if ep.Rules, err = f.eng.RuleHistory(ctx, actor, g.ID); err != nil {
		return f.renderError(c, err)
	}
	if ep.Rounds, err = f.eng.ListRounds(ctx, actor, g.ID); err != nil {
		return f.renderError(c, err)
	}
	return f.render(c, fiber.StatusOK, "evaluation", &page{Title: f.title(c, "evaluation.title"), Data: ep})
}

// safeguarding is the safeguarding lead's entry page: every concern raised
// in the group, newest first, each linking to its page of actions. Only
// the group's safeguarding leads may open it (handlers_concerns.go).
func (f *Frontend) safeguarding(c *fiber.Ctx) error {
	lp, err := f.concernListData(c)
	if err != nil {
		return f.renderError(c, err)
	}
	if !lp.Lead {
		return f.renderStatus(c, fiber.StatusForbidden, "error.forbidden")
	}
	return f.render(c, fiber.StatusOK, "safeguarding", &page{Title: f.title(c, "safeguarding.title"), Data: lp})
}
