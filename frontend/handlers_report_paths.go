package frontend

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/allvoice/allvoice/engine"
)

// myPathsPage shows a member their own rating on each idea across rounds:
// the path part of "what happened to my input" (SPEC C8).
type myPathsPage struct {
	Group *engine.GroupView
	Paths []myPathView
}

// myPathView is one idea and the member's ratings of it, oldest first.
type myPathView struct {
	Text  string
	Steps []myPathStep
	// Changed: the member's rating moved between rounds.
	Changed bool
}

// myPathStep is one rating on a path. Earlier is the wording rated when
// it differs from the idea's current wording (before a rewording or
// merge).
type myPathStep struct {
	Round   int
	Rating  string
	Reason  string
	Change  string
	Earlier string
}

func (f *Frontend) myPaths(c *fiber.Ctx) error {
	ctx, actor := c.UserContext(), actorOf(c)
	gid := utils.CopyString(c.Params("gid"))
	g, err := f.eng.GetGroup(ctx, actor, gid)
	if err != nil {
		return f.renderError(c, err)
	}
	paths, err := f.eng.MyPaths(ctx, actor, gid)
	if err != nil {
		return f.renderError(c, err)
	}
	ps, err := f.eng.ListProposals(ctx, actor, gid)
	if err != nil {
		return f.renderError(c, err)
	}
	text := make(map[string]string, len(ps))
	for _, p := range ps {
		text[p.ID] = p.Text
	}
	cat := f.catalogue(c)
	mp := &myPathsPage{Group: g}
	for _, p := range paths {
		v := myPathView{Text: text[p.ProposalID]}
		var last *int
		for i, pt := range p.Points {
			st := myPathStep{Round: pt.RoundNumber, Reason: pt.Reason}
			if pt.Pass || pt.Value == nil {
				st.Rating = cat.T("rate.pass")
			} else {
				st.Rating = scaleLabel(cat, g.Settings.Scale, *pt.Value)
				if i > 0 && (last == nil || *last != *pt.Value) {
					v.Changed = true
				}
				last = pt.Value
			}
			if pt.ChangeCategory != "" {
				st.Change = cat.T("change." + pt.ChangeCategory)
			}
			if pt.ProposalID != p.ProposalID {
				st.Earlier = text[pt.ProposalID]
			}
			v.Steps = append(v.Steps, st)
		}
		mp.Paths = append(mp.Paths, v)
	}
	return f.render(c, fiber.StatusOK, "report-mypaths", &page{Title: cat.T("paths.title"), Data: mp})
}
