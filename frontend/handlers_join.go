package frontend

import (
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/allvoice/allvoice/engine"
)

// Steps of joining, one question per page. Answers travel as hidden
// fields from step to step, so nothing is stored until the person joins.
const (
	joinStepName        = "name"
	joinStepPerspective = "perspective"
	joinStepAccess      = "access"
	joinStepConsent     = "consent"
)

// joinFields are the answers carried between steps.
var joinFields = []string{"display_name", "perspective", "access_needs", "research_consent", "reasons_consent"}

// joinPage is the model of the join templates.
type joinPage struct {
	Token   string
	Preview *engine.InvitePreview
	Step    string
	// Carry holds the answers of the other steps as hidden fields.
	Carry []hiddenField
	// Perspectives are the radio options of the perspective step.
	Perspectives []option
	Back         string
	SignedIn     bool
	// Already is the member this device is signed in as, when they are in
	// the invite's group: they need not join again (someone else sharing
	// the device still may).
	Already *engine.Member
}

type hiddenField struct{ Name, Value string }

// option is one radio button or checkbox.
type option struct {
	Value, Label, Hint string
	Divider            bool
}

func (f *Frontend) joinCodeForm(c *fiber.Ctx) error {
	return f.render(c, fiber.StatusOK, "join-code", &page{Title: f.title(c, "join.code.title")})
}

// joinCode takes a typed or pasted invite code (or the whole link) to the
// invite's welcome page.
func (f *Frontend) joinCode(c *fiber.Ctx) error {
	fv := readForm(c)
	code := strings.TrimSpace(fv.Get("code"))
	if i := strings.LastIndex(code, "/join/"); i >= 0 {
		code = code[i+len("/join/"):]
	}
	if i := strings.LastIndex(code, "/signin/"); i >= 0 {
		code = code[i+len("/signin/"):]
	}
	code = strings.Trim(strings.Join(strings.Fields(code), ""), "/")
	if code == "" || strings.ContainsAny(code, "/?#% ") {
		return f.render(c, fiber.StatusUnprocessableEntity, "join-code", &page{Title: f.title(c, "join.code.title"),
			Errors: formErrors{f.localError(c, "code", "join.code.error")}, Form: fv})
	}
	if engine.IsSignInLink(code) {
		return c.Redirect("/signin/"+code, fiber.StatusSeeOther)
	}
	return c.Redirect("/join/"+code, fiber.StatusSeeOther)
}

// preview loads what the invite shows, rendering the "link does not work"
// page when it is unusable.
func (f *Frontend) preview(c *fiber.Ctx, token string) (*engine.InvitePreview, error) {
	pv, err := f.eng.PreviewInvite(c.UserContext(), token)
	if err != nil {
		if engine.ErrorCode(err) == engine.ENOTFOUND {
			return nil, f.renderStatus(c, fiber.StatusNotFound, "join.invalid")
		}
		return nil, f.renderError(c, err)
	}
	return pv, nil
}

func (f *Frontend) joinWelcome(c *fiber.Ctx) error {
	token := utils.CopyString(c.Params("token"))
	pv, err := f.preview(c, token)
	if pv == nil {
		return err
	}
	actor := actorOf(c)
	jp := &joinPage{Token: token, Preview: pv, Step: c.Query("step"), SignedIn: actor.AccountID != ""}
	if actor.MemberID != "" {
		if me, err := f.eng.WhoAmI(c.UserContext(), actor); err == nil && me.Member != nil && me.Member.GroupID == pv.GroupID {
			jp.Already = me.Member
		}
	}
	if jp.Step == joinStepName {
		jp.Back = "/join/" + token
		return f.renderJoinStep(c, fiber.StatusOK, jp, formValues{}, nil)
	}
	return f.render(c, fiber.StatusOK, "join-welcome", &page{Title: f.title(c, "join.welcome.title", "group", pv.GroupName), Data: jp})
}

// joinStep handles the answer to one step and shows the next; the last
// step joins.
func (f *Frontend) joinStep(c *fiber.Ctx) error {
	token := utils.CopyString(c.Params("token"))
	pv, err := f.preview(c, token)
	if pv == nil {
		return err
	}
	fv := readForm(c)
	jp := &joinPage{Token: token, Preview: pv, SignedIn: actorOf(c).AccountID != ""}
	steps := joinSteps(pv)
	if back := fv.Get("back"); back != "" {
		jp.Step = back
		return f.renderJoinStep(c, fiber.StatusOK, jp, fv, nil)
	}
	step := fv.Get("step")
	switch step {
	case joinStepName:
		if strings.TrimSpace(fv.Get("display_name")) == "" {
			jp.Step = joinStepName
			return f.renderJoinStep(c, fiber.StatusUnprocessableEntity, jp, fv,
				formErrors{f.localError(c, "display_name", "join.name.required")})
		}
	case joinStepPerspective, joinStepAccess:
	case joinStepConsent:
		return f.join(c, jp, fv)
	default:
		return f.renderStatus(c, fiber.StatusBadRequest, "error.bad_request")
	}
	for i, s := range steps {
		if s == step && i+1 < len(steps) {
			jp.Step = steps[i+1]
			break
		}
	}
	return f.renderJoinStep(c, fiber.StatusOK, jp, fv, nil)
}

// joinSteps lists the steps this invite needs: no perspective question
// when the invite fixes it or the group has none.
func joinSteps(pv *engine.InvitePreview) []string {
	steps := []string{joinStepName}
	if pv.Perspective == "" && len(pv.Perspectives) > 0 {
		steps = append(steps, joinStepPerspective)
	}
	return append(steps, joinStepAccess, joinStepConsent)
}

func (f *Frontend) join(c *fiber.Ctx, jp *joinPage, fv formValues) error {
	in := engine.JoinInput{Token: jp.Token, DisplayName: fv.Get("display_name"), Perspective: fv.Get("perspective"),
		ResearchConsent: fv.Get("research_consent") == "yes", ReasonsConsent: fv.Get("reasons_consent") == "yes",
		AccessNeeds: fv.Get("access_needs"), JoinKey: fv.Get("join_key")}
	m, token, err := f.eng.Join(c.UserContext(), actorOf(c), in)
	if err != nil {
		if !isFormError(err) {
			if engine.ErrorCode(err) == engine.ENOTFOUND {
				return f.renderStatus(c, fiber.StatusNotFound, "join.invalid")
			}
			return f.renderError(c, err)
		}
		errs := f.errorsFrom(c, err, nil, joinFields...)
		jp.Step = joinStepConsent
		switch errs[0].Field {
		case "display_name":
			jp.Step = joinStepName
		case "perspective":
			jp.Step = joinStepPerspective
		case "access_needs":
			jp.Step = joinStepAccess
		case "token":
			return f.renderStatus(c, fiber.StatusNotFound, "join.invalid")
		}
		return f.renderJoinStep(c, fiber.StatusUnprocessableEntity, jp, fv, errs)
	}
	if token != "" {
		f.setSession(c, token, true)
	}
	return c.Redirect("/groups/"+m.GroupID+"?done=joined", fiber.StatusSeeOther)
}

// renderJoinStep shows one step with the other answers as hidden fields.
func (f *Frontend) renderJoinStep(c *fiber.Ctx, status int, jp *joinPage, fv formValues, errs formErrors) error {
	cat := f.catalogue(c)
	own := map[string][]string{
		joinStepName:        {"display_name"},
		joinStepPerspective: {"perspective"},
		joinStepAccess:      {"access_needs"},
		joinStepConsent:     {"research_consent", "reasons_consent"},
	}[jp.Step]
	if own == nil {
		return f.renderStatus(c, fiber.StatusBadRequest, "error.bad_request")
	}
	for _, name := range joinFields {
		if !containsString(own, name) && fv.Get(name) != "" {
			jp.Carry = append(jp.Carry, hiddenField{name, fv.Get(name)})
		}
	}
	// The join key travels with the answers, so the final form sent twice
	// joins once (engine.JoinInput.JoinKey).
	key := fv.Get("join_key")
	if key == "" || len(key) > engine.MaxKeyLen {
		key, _ = engine.NewToken("")
	}
	jp.Carry = append(jp.Carry, hiddenField{"join_key", key})
	steps := joinSteps(jp.Preview)
	for i, s := range steps {
		if s == jp.Step && i > 0 {
			jp.Back = steps[i-1]
		}
	}
	if jp.Step == joinStepPerspective {
		for _, p := range jp.Preview.Perspectives {
			jp.Perspectives = append(jp.Perspectives, option{Value: p, Label: p})
		}
		jp.Perspectives = append(jp.Perspectives, option{Divider: true, Label: cat.T("common.or")},
			option{Value: "", Label: cat.T("join.perspective.none")})
	}
	return f.render(c, status, "join-step", &page{Title: cat.T("join." + jp.Step + ".title"), Errors: errs, Form: fv, Data: jp})
}

func containsString(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
