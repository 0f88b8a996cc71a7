package frontend

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/allvoice/allvoice/engine"
)

// roundPage is the model of the pages about one round.
type roundPage struct {
	Round *engine.RoundView
	Group *engine.GroupView
	// ProposingOpen and RatingOpen mirror the round's state; the engine
	// decides again on every submission.
	ProposingOpen bool
	RatingOpen    bool
	CanPropose    bool
	CanRate       bool
	Manage        bool
	Reveal        string
	// Mine holds the reader's own ratings by proposal, when they rate.
	Mine map[string]*engine.MyRating
	// Status says, per proposal, whether the reader has rated, passed or
	// not yet: "rated", "passed" or "".
	Status map[string]string
	// Results are the group's results by proposal, once the round has
	// closed and as far as the reveal policy allows.
	Results map[string]*resultView
}

// loadRound reads the round named in the path and its group for the actor.
func (f *Frontend) loadRound(c *fiber.Ctx) (*roundPage, error) {
	return f.roundData(c.UserContext(), actorOf(c), utils.CopyString(c.Params("rid")))
}

// roundData reads a round and its group for the actor; live streams call
// it outside any request.
func (f *Frontend) roundData(ctx context.Context, actor engine.Actor, roundID string) (*roundPage, error) {
	rv, err := f.eng.GetRound(ctx, actor, roundID)
	if err != nil {
		return nil, err
	}
	g, err := f.eng.GetGroup(ctx, actor, rv.GroupID)
	if err != nil {
		return nil, err
	}
	rp := &roundPage{Round: rv, Group: g, Reveal: g.Settings.RevealPolicy,
		ProposingOpen: rv.State == engine.RoundProposing || (rv.Combined && rv.State == engine.RoundRating),
		RatingOpen:    rv.State == engine.RoundRating || (rv.Combined && rv.State == engine.RoundProposing),
		Manage:        engine.RoleAllows(rv.YourRole, engine.PermManageRounds)}
	rp.CanPropose = rp.ProposingOpen && engine.RoleAllows(rv.YourRole, engine.PermPropose)
	rp.CanRate = rp.RatingOpen && engine.RoleAllows(rv.YourRole, engine.PermRate)
	rp.Status = map[string]string{}
	if engine.RoleAllows(rv.YourRole, engine.PermRate) {
		if rp.Mine, err = f.myRatings(ctx, actor, rv.ID); err != nil {
			return nil, err
		}
		for pid, mr := range rp.Mine {
			switch {
			case mr.Current == nil:
			case mr.Current.Pass:
				rp.Status[pid] = "passed"
			default:
				rp.Status[pid] = "rated"
			}
		}
	}
	return rp, nil
}

// entry finds a proposal on the round's agenda, with its position.
func (rp *roundPage) entry(pid string) (*engine.AgendaEntry, int) {
	for i := range rp.Round.Agenda {
		if rp.Round.Agenda[i].ProposalID == pid {
			return &rp.Round.Agenda[i], i
		}
	}
	return nil, -1
}

func (f *Frontend) roundHome(c *fiber.Ctx) error {
	rp, err := f.loadRound(c)
	if err != nil {
		return f.renderError(c, err)
	}
	if rp.Round.State == engine.RoundDraft && !rp.Manage {
		return f.renderStatus(c, fiber.StatusNotFound, "error.not_found")
	}
	if rp.Round.State == engine.RoundClosed && engine.RoleAllows(rp.Round.YourRole, engine.PermViewResults) {
		// A closed round shows where the group ended up, as far as the
		// reveal policy allows.
		rs, err := f.eng.RoundResults(c.UserContext(), actorOf(c), rp.Round.ID)
		if err != nil {
			return f.renderError(c, err)
		}
		cat := f.catalogue(c)
		rp.Results = map[string]*resultView{}
		for i, e := range rp.Round.Agenda {
			if pr := resultFor(rs, e.ProposalID); pr != nil && pr.Visible {
				rp.Results[e.ProposalID] = resultCharts(cat, rp.Group, e.ProposalID, cat.T("round.results_title", "n", i+1), pr)
			}
		}
	}
	return f.render(c, fiber.StatusOK, "round", &page{Title: f.title(c, "round.name", "number", rp.Round.Number), Data: rp})
}

func (f *Frontend) proposeForm(c *fiber.Ctx) error {
	rp, err := f.loadRound(c)
	if err != nil {
		return f.renderError(c, err)
	}
	return f.render(c, fiber.StatusOK, "propose", &page{Title: f.title(c, "propose.title"), Data: rp})
}

func (f *Frontend) propose(c *fiber.Ctx) error {
	rp, err := f.loadRound(c)
	if err != nil {
		return f.renderError(c, err)
	}
	fv := readForm(c)
	in := engine.ProposalInput{Text: fv.Get("text"), EasyRead: fv.Get("easy_read")}
	if _, err := f.eng.AddProposal(c.UserContext(), actorOf(c), rp.Round.ID, in); err != nil {
		if !isFormError(err) {
			return f.renderError(c, err)
		}
		return f.render(c, fiber.StatusUnprocessableEntity, "propose", &page{Title: f.title(c, "propose.title"),
			Errors: f.errorsFrom(c, err, nil, "text", "easy_read"), Form: fv, Data: rp})
	}
	return c.Redirect("/rounds/"+rp.Round.ID+"?done=proposed", fiber.StatusSeeOther)
}

// ratePage is the model of the rating page for one proposal.
type ratePage struct {
	*roundPage
	Entry    *engine.AgendaEntry
	Position int
	Total    int
	Scale    []option
	Changes  []option
	// Change asks "what changed your mind?": the member has rated this
	// proposal before in this round.
	Change bool
	Next   *engine.AgendaEntry
	// Mine is the member's rating in this round and, for carried and
	// revisited items, their previous one (Delphi feedback).
	Mine         *engine.MyRating
	Current      string
	Previous     string
	PreviousWhen int
	Baseline     *resultView
	Results      *resultView
	Hidden       string
}

func (f *Frontend) loadRate(c *fiber.Ctx) (*ratePage, error) {
	rp, err := f.loadRound(c)
	if err != nil {
		return nil, err
	}
	e, i := rp.entry(c.Params("pid"))
	if e == nil {
		return nil, engine.Errorf(engine.ENOTFOUND, "Proposal not found.")
	}
	cat := f.catalogue(c)
	p := &ratePage{roundPage: rp, Entry: e, Position: i + 1, Total: len(rp.Round.Agenda)}
	for j := i + 1; j < len(rp.Round.Agenda); j++ {
		if rp.Round.Agenda[j].Proposal.State == engine.ProposalVisible {
			p.Next = &rp.Round.Agenda[j]
			break
		}
	}
	p.Scale = f.scaleOptions(cat, rp.Group.Settings.Scale)
	if mr := rp.Mine[e.ProposalID]; mr != nil {
		p.Mine = mr
		p.Change = mr.Current != nil
		p.Current = ratingText(cat, rp.Group.Settings.Scale, mr.Current)
		p.Previous = ratingText(cat, rp.Group.Settings.Scale, mr.Previous)
		if mr.PreviousResults != nil {
			p.Baseline = resultCharts(cat, rp.Group, "baseline", cat.T("rate.baseline_title"), mr.PreviousResults)
		}
	}
	for _, ch := range engine.ChangeCategories {
		p.Changes = append(p.Changes, option{Value: ch, Label: cat.T("change." + ch)})
	}
	p.Changes = append(p.Changes, option{Divider: true, Label: cat.T("common.or")}, option{Value: "", Label: cat.T("change.none")})
	return p, nil
}

// scaleOptions are the radio buttons of a scale: every point with its
// visible label, then pass, which is always offered.
func (f *Frontend) scaleOptions(cat *Catalogue, scale string) []option {
	var out []option
	for _, v := range engine.ScaleValues(scale) {
		out = append(out, option{Value: strconv.Itoa(v), Label: scaleLabel(cat, scale, v)})
	}
	return append(out, option{Divider: true, Label: cat.T("common.or")},
		option{Value: "pass", Label: cat.T("rate.pass"), Hint: cat.T("rate.pass_hint")})
}

func (f *Frontend) rateForm(c *fiber.Ctx) error {
	p, err := f.loadRate(c)
	if err != nil {
		return f.renderError(c, err)
	}
	fv := formValues{}
	fv.Set("key", newFormKey())
	if p.Mine != nil && p.Mine.Current != nil {
		cur := p.Mine.Current
		if cur.Pass || cur.Value == nil {
			fv.Set("choice", "pass")
		} else {
			fv.Set("choice", strconv.Itoa(*cur.Value))
		}
		fv.Set("reason", cur.Reason)
	}
	return f.render(c, fiber.StatusOK, "rate", &page{Title: f.title(c, "rate.title", "position", p.Position, "total", p.Total), Form: fv, Data: p})
}

// ratingFieldAlias shows the engine's rating fields on the form's inputs.
func ratingFieldAlias(field string) string {
	if field == "value" {
		return "choice"
	}
	return field
}

func (f *Frontend) rate(c *fiber.Ctx) error {
	p, err := f.loadRate(c)
	if err != nil {
		return f.renderError(c, err)
	}
	fv := readForm(c)
	in := engine.RatingInput{RoundID: p.Round.ID, ProposalID: p.Entry.ProposalID, Reason: fv.Get("reason"),
		ChangeCategory: fv.Get("change_category"), IdempotencyKey: fv.Get("key"), Mode: engine.ModeSelf}
	var errs formErrors
	switch choice := fv.Get("choice"); choice {
	case "pass":
		in.Pass = true
	case "":
	default:
		v, err := strconv.Atoi(choice)
		if err != nil {
			errs = append(errs, f.localError(c, "choice", "rate.choose"))
		}
		in.Value = &v
	}
	var res *engine.RatingResult
	if len(errs) == 0 {
		res, err = f.eng.SubmitRating(c.UserContext(), actorOf(c), in)
		if err != nil {
			if !isFormError(err) {
				return f.renderError(c, err)
			}
			errs = f.errorsFrom(c, err, ratingFieldAlias, "choice", "reason", "change_category")
		}
	}
	if len(errs) > 0 {
		return f.render(c, fiber.StatusUnprocessableEntity, "rate", &page{Title: f.title(c, "rate.title", "position", p.Position, "total", p.Total),
			Errors: errs, Form: fv, Data: p})
	}
	next := "/rounds/" + p.Round.ID + "/proposals/" + p.Entry.ProposalID + "/rated"
	if res.Changed {
		next += "?changed=1"
	}
	return c.Redirect(next, fiber.StatusSeeOther)
}

// rated thanks the member and shows the group's feedback as far as the
// reveal policy allows.
func (f *Frontend) rated(c *fiber.Ctx) error {
	p, err := f.loadRate(c)
	if err != nil {
		return f.renderError(c, err)
	}
	p.Change = c.Query("changed") == "1"
	rs, err := f.eng.RoundResults(c.UserContext(), actorOf(c), p.Round.ID)
	if err != nil {
		return f.renderError(c, err)
	}
	if pr := resultFor(rs, p.Entry.ProposalID); pr != nil {
		cat := f.catalogue(c)
		p.Results = resultCharts(cat, p.Group, "idea", cat.T("rated.chart_title"), pr)
	}
	return f.render(c, fiber.StatusOK, "rated", &page{Title: f.title(c, "rated.title"), Data: p})
}
