package frontend

import (
	"github.com/gofiber/fiber/v2"

	"github.com/allvoice/allvoice/engine"
)

// home sends people where they belong: members to their group, accounts to
// their groups, everyone else to the start page.
func (f *Frontend) home(c *fiber.Ctx) error {
	actor := actorOf(c)
	switch {
	case actor.AccountID != "":
		return c.Redirect("/groups", fiber.StatusSeeOther)
	case actor.MemberID != "":
		me, err := f.eng.WhoAmI(c.UserContext(), actor)
		if err != nil {
			return f.renderError(c, err)
		}
		return c.Redirect("/groups/"+me.Member.GroupID, fiber.StatusSeeOther)
	}
	return f.render(c, fiber.StatusOK, "start", &page{Title: f.title(c, "start.title")})
}

func (f *Frontend) signUpForm(c *fiber.Ctx) error {
	return f.render(c, fiber.StatusOK, "signup", &page{Title: f.title(c, "signup.title")})
}

func (f *Frontend) signUp(c *fiber.Ctx) error {
	fv := readForm(c)
	_, token, err := f.eng.SignUp(c.UserContext(), engine.SignUpInput{
		Email: fv.Get("email"), Name: fv.Get("name"), Password: fv.Get("password")})
	if err != nil {
		if !isFormError(err) {
			return f.renderError(c, err)
		}
		delete(fv, "password") // never sent back to the browser
		return f.render(c, fiber.StatusUnprocessableEntity, "signup", &page{Title: f.title(c, "signup.title"),
			Errors: f.errorsFrom(c, err, nil, "email", "name", "password"), Form: fv})
	}
	f.setSession(c, token, false)
	return c.Redirect("/groups?done=signed_up", fiber.StatusSeeOther)
}

func (f *Frontend) logInForm(c *fiber.Ctx) error {
	fv := formValues{}
	fv.Set("next", safeNext(c.Query("next", "/")))
	return f.render(c, fiber.StatusOK, "login", &page{Title: f.title(c, "login.title"), Form: fv})
}

func (f *Frontend) logIn(c *fiber.Ctx) error {
	fv := readForm(c)
	_, token, err := f.eng.LogIn(c.UserContext(), fv.Get("email"), fv.Get("password"))
	if err != nil {
		if !isFormError(err) {
			return f.renderError(c, err)
		}
		delete(fv, "password")
		return f.render(c, fiber.StatusUnprocessableEntity, "login", &page{Title: f.title(c, "login.title"),
			Errors: f.errorsFrom(c, err, nil, "email", "password"), Form: fv})
	}
	f.setSession(c, token, false)
	next := safeNext(fv.Get("next"))
	if next == "/" {
		next = "/groups"
	}
	return c.Redirect(next, fiber.StatusSeeOther)
}

func (f *Frontend) logOut(c *fiber.Ctx) error {
	if actor := actorOf(c); !actor.Anonymous() {
		if err := f.eng.LogOut(c.UserContext(), actor); err != nil {
			return f.renderError(c, err)
		}
	}
	f.clearSession(c)
	return c.Redirect("/?done=signed_out", fiber.StatusSeeOther)
}
