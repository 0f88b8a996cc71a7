package frontend

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/allvoice/allvoice/engine"
)

// assistPage is the model of assisted rating: a facilitator enters the
// ratings of a member who is in the room with them.
type assistPage struct {
	*roundPage
	Members []option
	Member  *engine.MemberView
	Items   []assistItem
	Modes   []option
}

// assistItem is one agenda item on the assisted rating form.
type assistItem struct {
	Entry   engine.AgendaEntry
	N       int
	Name    string
	Reason  string
	Options []option
}

func (f *Frontend) loadAssist(c *fiber.Ctx) (*assistPage, error) {
	rp, err := f.loadRound(c)
	if err != nil {
		return nil, err
	}
	if !engine.RoleAllows(rp.Round.YourRole, engine.PermAssist) {
		return nil, engine.Errorf(engine.EFORBIDDEN, "Your role in this group does not allow this.")
	}
	ms, err := f.eng.ListMembers(c.UserContext(), actorOf(c), rp.Group.ID)
	if err != nil {
		return nil, err
	}
	ap := &assistPage{roundPage: rp}
	for i := range ms {
		m := &ms[i]
		if m.Erased || !engine.RoleAllows(m.Role, engine.PermRate) {
			continue
		}
		ap.Members = append(ap.Members, option{Value: m.ID, Label: m.DisplayName, Hint: m.Perspective})
		if m.ID == c.Params("mid") {
			ap.Member = m
		}
	}
	return ap, nil
}

func (f *Frontend) assistPick(c *fiber.Ctx) error {
	ap, err := f.loadAssist(c)
	if err != nil {
		return f.renderError(c, err)
	}
	p := &page{Title: f.title(c, "assist.pick_title"), Data: ap}
	if c.Query("pick") != "" {
		if mid := c.Query("member_id"); mid != "" {
			return c.Redirect("/rounds/"+ap.Round.ID+"/assist/"+mid, fiber.StatusSeeOther)
		}
		p.Errors = formErrors{f.localError(c, "member_id", "assist.pick_error")}
		return f.render(c, fiber.StatusUnprocessableEntity, "assist-pick", p)
	}
	return f.render(c, fiber.StatusOK, "assist-pick", p)
}

func (f *Frontend) assistItems(c *fiber.Ctx, ap *assistPage) {
	cat := f.catalogue(c)
	for i, e := range ap.Round.Agenda {
		if e.Proposal.State != engine.ProposalVisible {
			continue
		}
		opts := f.scaleOptions(cat, ap.Group.Settings.Scale)
		opts = append(opts, option{Value: "", Label: cat.T("assist.skip")})
		ap.Items = append(ap.Items, assistItem{Entry: e, N: i + 1, Name: "choice_" + e.ProposalID, Reason: "reason_" + e.ProposalID, Options: opts})
	}
	for _, m := range []string{engine.ModeAssisted, engine.ModeInRoom, engine.ModePaper} {
		ap.Modes = append(ap.Modes, option{Value: m, Label: cat.T("mode." + m), Hint: cat.T("mode." + m + ".hint")})
	}
}

func (f *Frontend) assistForm(c *fiber.Ctx) error {
	ap, err := f.loadAssist(c)
	if err != nil {
		return f.renderError(c, err)
	}
	if ap.Member == nil {
		return f.renderStatus(c, fiber.StatusNotFound, "error.not_found")
	}
	f.assistItems(c, ap)
	fv := formValues{}
	fv.Set("mode", engine.ModeAssisted)
	fv.Set("key", newFormKey())
	return f.render(c, fiber.StatusOK, "assist", &page{Title: f.title(c, "assist.title", "name", ap.Member.DisplayName), Form: fv, Data: ap})
}

// bulkField matches the engine's field names in a bulk submission.
var bulkField = regexp.MustCompile(`^ratings\[(\d+)\]\.(\w+)$`)

func (f *Frontend) assist(c *fiber.Ctx) error {
	ap, err := f.loadAssist(c)
	if err != nil {
		return f.renderError(c, err)
	}
	if ap.Member == nil {
		return f.renderStatus(c, fiber.StatusNotFound, "error.not_found")
	}
	f.assistItems(c, ap)
	fv := readForm(c)
	mode, key := fv.Get("mode"), fv.Get("key")
	var ins []engine.RatingInput
	var names []string // form field of each submitted rating, for errors
	var errs formErrors
	for _, it := range ap.Items {
		choice := fv.Get(it.Name)
		if choice == "" {
			continue
		}
		in := engine.RatingInput{RoundID: ap.Round.ID, ProposalID: it.Entry.ProposalID, MemberID: ap.Member.ID, Mode: mode,
			Reason: fv.Get(it.Reason), IdempotencyKey: key + "_" + strconv.Itoa(it.N)}
		if choice == "pass" {
			in.Pass = true
		} else if v, err := strconv.Atoi(choice); err == nil {
			in.Value = &v
		} else {
			errs = append(errs, f.localError(c, it.Name, "rate.choose"))
		}
		ins = append(ins, in)
		names = append(names, it.Name)
	}
	if len(ins) == 0 && len(errs) == 0 {
		errs = formErrors{{Message: f.catalogue(c).T("assist.none_chosen")}}
		if len(ap.Items) > 0 {
			errs[0].Anchor = ap.Items[0].Name
		}
	}
	if len(errs) == 0 {
		if _, err = f.eng.SubmitRatings(c.UserContext(), actorOf(c), ins); err == nil {
			return c.Redirect("/rounds/"+ap.Round.ID+"/assist?done=assisted", fiber.StatusSeeOther)
		}
		if !isFormError(err) && engine.ErrorCode(err) != engine.ECONFLICT {
			return f.renderError(c, err)
		}
		errs = f.errorsFrom(c, err, func(field string) string {
			m := bulkField.FindStringSubmatch(field)
			if m == nil {
				return field
			}
			i, _ := strconv.Atoi(m[1])
			if i >= len(names) {
				return field
			}
			switch m[2] {
			case "mode":
				return "mode"
			case "reason":
				return "reason_" + ins[i].ProposalID
			}
			return names[i]
		})
		cat := f.catalogue(c)
		for i := range errs {
			for _, it := range ap.Items {
				if errs[i].Field == it.Name || errs[i].Field == it.Reason {
					errs[i].Message = strings.Replace(errs[i].Message, errs[i].Field, cat.T("round.idea_n", "n", it.N), 1)
				}
			}
		}
	}
	return f.render(c, fiber.StatusUnprocessableEntity, "assist", &page{Title: f.title(c, "assist.title", "name", ap.Member.DisplayName),
		Errors: errs, Form: fv, Data: ap})
}
