package frontend

import (
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/allvoice/allvoice/engine"
)

// roundFormPage is the model of the new-round form.
type roundFormPage struct {
	Group *engine.GroupView
	Carry []option
}

func (f *Frontend) roundFormPage(c *fiber.Ctx, g *engine.GroupView) *roundFormPage {
	cat := f.catalogue(c)
	rp := &roundFormPage{Group: g}
	for _, r := range []string{engine.CarryWithoutConsensus, engine.DropConsensusAgainst, engine.CarryAll} {
		rp.Carry = append(rp.Carry, option{Value: r, Label: cat.T("carry." + r), Hint: cat.T("carry." + r + ".hint")})
	}
	return rp
}

func (f *Frontend) roundNewForm(c *fiber.Ctx) error {
	g, err := f.managedGroup(c, engine.PermManageRounds)
	if g == nil {
		return err
	}
	fv := formValues{}
	fv.Set("carry_rules", engine.CarryWithoutConsensus)
	return f.render(c, fiber.StatusOK, "round-new", &page{Title: f.title(c, "round_new.title"), Form: fv, Data: f.roundFormPage(c, g)})
}

// dateTimeLayout is the value format of <input type="datetime-local">.
const dateTimeLayout = "2006-01-02T15:04"

func (f *Frontend) roundCreate(c *fiber.Ctx) error {
	g, err := f.managedGroup(c, engine.PermManageRounds)
	if g == nil {
		return err
	}
	fv := readForm(c)
	in := engine.RoundInput{Prompt: fv.Get("prompt"), Combined: fv.Get("combined") == "yes", CarryRules: fv["carry_rules"]}
	var errs formErrors
	for _, name := range []string{"opens_at", "closes_at"} {
		s := strings.TrimSpace(fv.Get(name))
		if s == "" {
			continue
		}
		t, err := time.Parse(dateTimeLayout, s)
		if err != nil {
			errs = append(errs, f.localError(c, name, "error.datetime"))
			continue
		}
		if name == "opens_at" {
			in.OpensAt = &t
		} else {
			in.ClosesAt = &t
		}
	}
	if len(errs) == 0 {
		var rd *engine.Round
		rd, err = f.eng.CreateRound(c.UserContext(), actorOf(c), g.ID, in)
		if err == nil {
			return c.Redirect("/rounds/"+rd.ID+"/manage?done=round_created", fiber.StatusSeeOther)
		}
		if !isFormError(err) {
			return f.renderError(c, err)
		}
		errs = f.errorsFrom(c, err, nil, "prompt", "combined", "carry_rules", "opens_at", "closes_at")
	}
	return f.render(c, fiber.StatusUnprocessableEntity, "round-new", &page{Title: f.title(c, "round_new.title"), Errors: errs, Form: fv, Data: f.roundFormPage(c, g)})
}

// managePage is the model of the facilitator's round page.
type managePage struct {
	*roundPage
	Transitions []string
	Revisitable []option
	Decisions   map[string]*engine.Decision
	CanDecide   bool
	CanModerate bool
	Mergeable   bool
}

func (f *Frontend) loadManage(c *fiber.Ctx) (*managePage, error) {
	rp, err := f.loadRound(c)
	if err != nil {
		return nil, err
	}
	if !rp.Manage {
		return nil, engine.Errorf(engine.EFORBIDDEN, "Your role in this group does not allow this.")
	}
	ctx, actor := c.UserContext(), actorOf(c)
	mp := &managePage{roundPage: rp, Decisions: map[string]*engine.Decision{},
		CanModerate: engine.RoleAllows(rp.Round.YourRole, engine.PermModerate) && rp.Round.State != engine.RoundClosed,
		CanDecide: engine.RoleAllows(rp.Round.YourRole, engine.PermDecide) &&
			(rp.Round.State == engine.RoundRating || rp.Round.State == engine.RoundClosed || (rp.Round.Combined && rp.Round.State == engine.RoundProposing))}
	mp.Transitions = map[string][]string{
		engine.RoundDraft:     {string(engine.TransitionOpen), string(engine.TransitionRating)},
		engine.RoundProposing: {string(engine.TransitionRating), string(engine.TransitionClose)},
		engine.RoundRating:    {string(engine.TransitionClose)},
		engine.RoundClosed:    {string(engine.TransitionReopen)},
	}[rp.Round.State]
	ds, err := f.eng.ListDecisions(ctx, actor, rp.Group.ID)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		if d.RoundID == rp.Round.ID {
			mp.Decisions[d.ProposalID] = d
		}
	}
	visibleOnAgenda := 0
	onAgenda := map[string]bool{}
	for _, e := range rp.Round.Agenda {
		onAgenda[e.ProposalID] = true
		if e.Proposal.State == engine.ProposalVisible {
			visibleOnAgenda++
		}
	}
	mp.Mergeable = mp.CanModerate && visibleOnAgenda >= 2
	if rp.Round.State != engine.RoundClosed {
		ps, err := f.eng.ListProposals(ctx, actor, rp.Group.ID)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			if p.State == engine.ProposalVisible && !onAgenda[p.ID] {
				mp.Revisitable = append(mp.Revisitable, option{Value: p.ID, Label: p.Text})
			}
		}
	}
	return mp, nil
}

func (f *Frontend) roundManage(c *fiber.Ctx) error {
	mp, err := f.loadManage(c)
	if err != nil {
		return f.renderError(c, err)
	}
	return f.render(c, fiber.StatusOK, "round-manage", &page{Title: f.title(c, "manage.title", "number", mp.Round.Number), Data: mp})
}

func (f *Frontend) roundTransition(c *fiber.Ctx) error {
	rid := utils.CopyString(c.Params("rid"))
	to := engine.Transition(c.FormValue("to"))
	if _, err := f.eng.TransitionRound(c.UserContext(), actorOf(c), rid, to); err != nil {
		if engine.ErrorCode(err) == engine.ECONFLICT || engine.ErrorCode(err) == engine.EINVALID {
			mp, lerr := f.loadManage(c)
			if lerr != nil {
				return f.renderError(c, lerr)
			}
			return f.render(c, fiber.StatusConflict, "round-manage", &page{Title: f.title(c, "manage.title", "number", mp.Round.Number),
				Errors: formErrors{{Message: engine.ErrorMessage(err)}}, Data: mp})
		}
		return f.renderError(c, err)
	}
	return c.Redirect("/rounds/"+rid+"/manage?done=round_"+string(to), fiber.StatusSeeOther)
}

func (f *Frontend) roundRevisit(c *fiber.Ctx) error {
	rid := utils.CopyString(c.Params("rid"))
	fv := readForm(c)
	if err := f.eng.Revisit(c.UserContext(), actorOf(c), rid, fv.Get("proposal_id")); err != nil {
		if !isFormError(err) && engine.ErrorCode(err) != engine.ECONFLICT {
			return f.renderError(c, err)
		}
		mp, lerr := f.loadManage(c)
		if lerr != nil {
			return f.renderError(c, lerr)
		}
		return f.render(c, fiber.StatusUnprocessableEntity, "round-manage", &page{Title: f.title(c, "manage.title", "number", mp.Round.Number),
			Errors: f.errorsFrom(c, err, nil, "proposal_id"), Form: fv, Data: mp})
	}
	return c.Redirect("/rounds/"+rid+"/manage?done=revisited", fiber.StatusSeeOther)
}

// proposalFormPage is the model of the moderation, reword, split and
// decision forms.
type proposalFormPage struct {
	*managePage
	Entry    *engine.AgendaEntry
	Options  []option
	Parts    []int
	Decision *engine.Decision
}

func (f *Frontend) loadProposalForm(c *fiber.Ctx) (*proposalFormPage, error) {
	mp, err := f.loadManage(c)
	if err != nil {
		return nil, err
	}
	e, _ := mp.entry(c.Params("pid"))
	if e == nil {
		return nil, engine.Errorf(engine.ENOTFOUND, "Proposal not found.")
	}
	return &proposalFormPage{managePage: mp, Entry: e, Decision: mp.Decisions[e.ProposalID]}, nil
}

func (f *Frontend) moderationOptions(c *fiber.Ctx, state string) []option {
	cat := f.catalogue(c)
	if state == engine.ProposalHidden {
		return []option{{Value: engine.ModerationRestore, Label: cat.T("moderate.restore"), Hint: cat.T("moderate.restore_hint")}}
	}
	return []option{{Value: engine.ModerationHide, Label: cat.T("moderate.hide"), Hint: cat.T("moderate.hide_hint")}}
}

func (f *Frontend) moderateForm(c *fiber.Ctx) error {
	pp, err := f.loadProposalForm(c)
	if err != nil {
		return f.renderError(c, err)
	}
	pp.Options = f.moderationOptions(c, pp.Entry.Proposal.State)
	fv := formValues{}
	fv.Set("action", pp.Options[0].Value)
	return f.render(c, fiber.StatusOK, "moderate", &page{Title: f.title(c, "moderate.title"), Form: fv, Data: pp})
}

func (f *Frontend) moderate(c *fiber.Ctx) error {
	pp, err := f.loadProposalForm(c)
	if err != nil {
		return f.renderError(c, err)
	}
	fv := readForm(c)
	if _, err := f.eng.ModerateProposal(c.UserContext(), actorOf(c), pp.Entry.ProposalID, fv.Get("action"), fv.Get("reason")); err != nil {
		if !isFormError(err) && engine.ErrorCode(err) != engine.ECONFLICT {
			return f.renderError(c, err)
		}
		pp.Options = f.moderationOptions(c, pp.Entry.Proposal.State)
		return f.render(c, fiber.StatusUnprocessableEntity, "moderate", &page{Title: f.title(c, "moderate.title"),
			Errors: f.errorsFrom(c, err, nil, "action", "reason"), Form: fv, Data: pp})
	}
	return c.Redirect("/rounds/"+pp.Round.ID+"/manage?done=moderated", fiber.StatusSeeOther)
}

func (f *Frontend) rewordForm(c *fiber.Ctx) error {
	pp, err := f.loadProposalForm(c)
	if err != nil {
		return f.renderError(c, err)
	}
	fv := formValues{}
	fv.Set("text", pp.Entry.Proposal.Text)
	fv.Set("easy_read", pp.Entry.Proposal.EasyRead)
	return f.render(c, fiber.StatusOK, "reword", &page{Title: f.title(c, "reword.title"), Form: fv, Data: pp})
}

// lineageFieldAlias shows the engine's rewrite fields on the form: the
// engine names texts.text for every part.
func lineageFieldAlias(field string) string {
	switch field {
	case "texts.text", "texts":
		return "text"
	case "texts.easy_read":
		return "easy_read"
	}
	return field
}

func (f *Frontend) reword(c *fiber.Ctx) error {
	pp, err := f.loadProposalForm(c)
	if err != nil {
		return f.renderError(c, err)
	}
	fv := readForm(c)
	_, err = f.eng.RewriteProposals(c.UserContext(), actorOf(c), engine.LineageInput{Kind: engine.LineageReword,
		ProposalIDs: []string{pp.Entry.ProposalID}, RoundID: pp.Round.ID,
		Texts: []engine.ProposalInput{{Text: fv.Get("text"), EasyRead: fv.Get("easy_read")}}})
	if err != nil {
		if !isFormError(err) && engine.ErrorCode(err) != engine.ECONFLICT {
			return f.renderError(c, err)
		}
		return f.render(c, fiber.StatusUnprocessableEntity, "reword", &page{Title: f.title(c, "reword.title"),
			Errors: f.errorsFrom(c, err, lineageFieldAlias, "text", "easy_read"), Form: fv, Data: pp})
	}
	return c.Redirect("/rounds/"+pp.Round.ID+"/manage?done=reworded", fiber.StatusSeeOther)
}

// splitParts is how many parts the split form offers; blank ones are left out.
const splitParts = 4

func (f *Frontend) splitForm(c *fiber.Ctx) error {
	pp, err := f.loadProposalForm(c)
	if err != nil {
		return f.renderError(c, err)
	}
	pp.Parts = []int{1, 2, 3, 4}
	return f.render(c, fiber.StatusOK, "split", &page{Title: f.title(c, "split.title"), Data: pp})
}

func (f *Frontend) split(c *fiber.Ctx) error {
	pp, err := f.loadProposalForm(c)
	if err != nil {
		return f.renderError(c, err)
	}
	pp.Parts = []int{1, 2, 3, 4}
	fv := readForm(c)
	var texts []engine.ProposalInput
	for i := 1; i <= splitParts; i++ {
		t := fv.Get(fmt.Sprintf("text_%d", i))
		if strings.TrimSpace(t) != "" {
			texts = append(texts, engine.ProposalInput{Text: t})
		}
	}
	_, err = f.eng.RewriteProposals(c.UserContext(), actorOf(c), engine.LineageInput{Kind: engine.LineageSplit,
		ProposalIDs: []string{pp.Entry.ProposalID}, RoundID: pp.Round.ID, Texts: texts})
	if err != nil {
		if !isFormError(err) && engine.ErrorCode(err) != engine.ECONFLICT {
			return f.renderError(c, err)
		}
		return f.render(c, fiber.StatusUnprocessableEntity, "split", &page{Title: f.title(c, "split.title"),
			Errors: f.errorsFrom(c, err, func(s string) string { return "text_1" }, "text_1"), Form: fv, Data: pp})
	}
	return c.Redirect("/rounds/"+pp.Round.ID+"/manage?done=split", fiber.StatusSeeOther)
}

func (f *Frontend) mergeForm(c *fiber.Ctx) error {
	mp, err := f.loadManage(c)
	if err != nil {
		return f.renderError(c, err)
	}
	return f.render(c, fiber.StatusOK, "merge", &page{Title: f.title(c, "merge.title"), Form: formValues{}, Data: f.mergePage(mp)})
}

func (f *Frontend) mergePage(mp *managePage) *proposalFormPage {
	pp := &proposalFormPage{managePage: mp}
	for _, e := range mp.Round.Agenda {
		if e.Proposal.State == engine.ProposalVisible {
			pp.Options = append(pp.Options, option{Value: e.ProposalID, Label: e.Proposal.Text})
		}
	}
	return pp
}

func (f *Frontend) merge(c *fiber.Ctx) error {
	mp, err := f.loadManage(c)
	if err != nil {
		return f.renderError(c, err)
	}
	fv := readForm(c)
	_, err = f.eng.RewriteProposals(c.UserContext(), actorOf(c), engine.LineageInput{Kind: engine.LineageMerge,
		ProposalIDs: fv["proposal_ids"], RoundID: mp.Round.ID,
		Texts: []engine.ProposalInput{{Text: fv.Get("text"), EasyRead: fv.Get("easy_read")}}})
	if err != nil {
		if !isFormError(err) && engine.ErrorCode(err) != engine.ECONFLICT {
			return f.renderError(c, err)
		}
		return f.render(c, fiber.StatusUnprocessableEntity, "merge", &page{Title: f.title(c, "merge.title"),
			Errors: f.errorsFrom(c, err, lineageFieldAlias, "proposal_ids", "text", "easy_read"), Form: fv, Data: f.mergePage(mp)})
	}
	return c.Redirect("/rounds/"+mp.Round.ID+"/manage?done=merged", fiber.StatusSeeOther)
}

func (f *Frontend) outcomeOptions(c *fiber.Ctx) []option {
	cat := f.catalogue(c)
	var out []option
	for _, o := range engine.Outcomes {
		out = append(out, option{Value: o, Label: cat.T("outcome." + o), Hint: cat.T("outcome." + o + ".hint")})
	}
	return out
}

func (f *Frontend) decisionForm(c *fiber.Ctx) error {
	pp, err := f.loadProposalForm(c)
	if err != nil {
		return f.renderError(c, err)
	}
	pp.Options = f.outcomeOptions(c)
	return f.render(c, fiber.StatusOK, "decision", &page{Title: f.title(c, "decision.title"), Data: pp})
}

// dateLayout is the value format of <input type="date">.
const dateLayout = "2006-01-02"

func (f *Frontend) decide(c *fiber.Ctx) error {
	pp, err := f.loadProposalForm(c)
	if err != nil {
		return f.renderError(c, err)
	}
	pp.Options = f.outcomeOptions(c)
	fv := readForm(c)
	in := engine.DecisionInput{RoundID: pp.Round.ID, ProposalID: pp.Entry.ProposalID, Outcome: fv.Get("outcome"), Rationale: fv.Get("rationale")}
	var errs formErrors
	if s := strings.TrimSpace(fv.Get("review_date")); s != "" {
		t, err := time.Parse(dateLayout, s)
		if err != nil {
			errs = append(errs, f.localError(c, "review_date", "error.date"))
		} else {
			in.ReviewDate = &t
		}
	}
	if len(errs) == 0 {
		if _, err = f.eng.RecordDecision(c.UserContext(), actorOf(c), in); err == nil {
			return c.Redirect("/rounds/"+pp.Round.ID+"/manage?done=decided", fiber.StatusSeeOther)
		}
		if !isFormError(err) && engine.ErrorCode(err) != engine.ECONFLICT {
			return f.renderError(c, err)
		}
		errs = f.errorsFrom(c, err, nil, "outcome", "rationale", "review_date")
	}
	return f.render(c, fiber.StatusUnprocessableEntity, "decision", &page{Title: f.title(c, "decision.title"), Errors: errs, Form: fv, Data: pp})
}
