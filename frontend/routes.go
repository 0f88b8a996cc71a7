package frontend

import (
	"github.com/gofiber/fiber/v2"
)

// Register adds the web pages to app. Call it after the JSON API's
// /api/v1 routes and before any catch-all; then add app.Use(fe.NotFound)
// last. Middleware is attached per route (never to an empty-prefix group,
// which in fiber v2 would reach the API's routes too).
func (f *Frontend) Register(app *fiber.App) {
	app.Use(staticPrefix[:len(staticPrefix)-1], staticHeaders, staticHandler())

	get := func(path string, h fiber.Handler) { app.Get(path, append(f.chain[:len(f.chain):len(f.chain)], h)...) }
	post := func(path string, h fiber.Handler) { app.Post(path, append(f.chain[:len(f.chain):len(f.chain)], h)...) }

	get("/", f.home)

	// Accounts: facilitators, evaluators, safeguarding leads.
	get("/signup", f.signUpForm)
	post("/signup", f.signUp)
	get("/login", f.logInForm)
	post("/login", f.logIn)
	post("/logout", f.logOut)

	// Joining by invite link or code.
	get("/join", f.joinCodeForm)
	post("/join", f.joinCode)
	get("/join/:token", f.joinWelcome)
	post("/join/:token", f.joinStep)
	// A member's other device, by sign-in link (engine.CreateSignInLink).
	get("/signin/:token", f.signInForm)
	post("/signin/:token", f.signIn)

	// Groups.
	get("/groups", f.groupList)
	get("/groups/new", f.groupNewForm)
	post("/groups/new", f.groupCreate)
	get("/groups/:gid", f.groupHome)
	get("/groups/:gid/settings", f.groupSettingsForm)
	post("/groups/:gid/settings", f.groupSettingsSave)
	get("/groups/:gid/members", f.memberList)
	get("/groups/:gid/members/new", f.memberNewForm)
	post("/groups/:gid/members/new", f.memberAdd)
	get("/groups/:gid/members/:mid/role", f.memberRoleForm)
	post("/groups/:gid/members/:mid/role", f.memberRoleSave)
	post("/groups/:gid/members/:mid/sign-in-link", f.memberSignInLink)
	get("/groups/:gid/invites", f.inviteList)
	get("/groups/:gid/invites/new", f.inviteNewForm)
	post("/groups/:gid/invites/new", f.inviteCreate)
	post("/groups/:gid/invites/:iid/revoke", f.inviteRevoke)
	get("/groups/:gid/rounds/new", f.roundNewForm)
	post("/groups/:gid/rounds/new", f.roundCreate)
	get("/groups/:gid/my-input", f.myInput)
	get("/groups/:gid/help", f.help)
	get("/groups/:gid/me", f.meForm)
	post("/groups/:gid/me", f.meSave)
	post("/groups/:gid/me/sign-out-everywhere", f.meSignOutEverywhere)
	post("/groups/:gid/me/sign-in-link", f.meSignInLink)
	get("/groups/:gid/evaluation", f.evaluation)
	get("/groups/:gid/export", f.exportDownload)
	get("/groups/:gid/safeguarding", f.safeguarding)

	// Rounds as members see them.
	get("/rounds/:rid", f.roundHome)
	get("/rounds/:rid/propose", f.proposeForm)
	post("/rounds/:rid/propose", f.propose)
	get("/rounds/:rid/proposals/:pid/rate", f.rateForm)
	post("/rounds/:rid/proposals/:pid/rate", f.rate)
	get("/rounds/:rid/proposals/:pid/rated", f.rated)

	// Running a round.
	get("/rounds/:rid/manage", f.roundManage)
	post("/rounds/:rid/transition", f.roundTransition)
	post("/rounds/:rid/revisit", f.roundRevisit)
	get("/rounds/:rid/proposals/:pid/moderate", f.moderateForm)
	post("/rounds/:rid/proposals/:pid/moderate", f.moderate)
	get("/rounds/:rid/proposals/:pid/reword", f.rewordForm)
	post("/rounds/:rid/proposals/:pid/reword", f.reword)
	get("/rounds/:rid/proposals/:pid/split", f.splitForm)
	post("/rounds/:rid/proposals/:pid/split", f.split)
	get("/rounds/:rid/merge", f.mergeForm)
	post("/rounds/:rid/merge", f.merge)
	get("/rounds/:rid/proposals/:pid/decision", f.decisionForm)
	post("/rounds/:rid/proposals/:pid/decision", f.decide)
	get("/rounds/:rid/assist", f.assistPick)
	get("/rounds/:rid/assist/:mid", f.assistForm)
	post("/rounds/:rid/assist/:mid", f.assist)

	// Safeguarding: concerns (the form is linked from every page's footer)
	// and check-ins.
	get("/concerns/new", f.concernNewForm)
	post("/concerns/new", f.concernCreate)
	get("/concerns/:cid", f.concernShow)
	get("/concerns/:cid/sent", f.concernSent)
	post("/concerns/:cid/actions", f.concernAction)
	get("/groups/:gid/concerns", f.concernList)
	get("/rounds/:rid/checkin", f.checkInForm)
	post("/rounds/:rid/checkin", f.checkIn)
	get("/rounds/:rid/checkin/done", f.checkInDone)
	post("/rounds/:rid/checkin/tell", f.checkInTell)
	post("/rounds/:rid/checkin/withdraw", f.checkInWithdraw)
	get("/rounds/:rid/checkins", f.checkInCounts)

	// Reports: a round's consensus report, a group's methods report (page
	// and Markdown), the Easy Read summary of a closed round, and a
	// member's own ratings across rounds.
	get("/rounds/:rid/report", f.consensusReport)
	get("/rounds/:rid/easy-read", f.easyRead)
	get("/groups/:gid/methods", f.methodsReport)
	get("/groups/:gid/methods.md", f.methodsMarkdown)
	get("/groups/:gid/my-input/paths", f.myPaths)

	// Live views.
	get("/rounds/:rid/dashboard", f.dashboard)
	get("/rounds/:rid/projector", f.projector)
	get("/rounds/:rid/events", f.events)

	// A member's own data and erasure (SPEC C11); facilitators erase on a
	// member's behalf.
	get("/groups/:gid/me/data", f.myData)
	get("/groups/:gid/me/data.json", f.myDataJSON)
	get("/groups/:gid/me/erase", f.eraseMeForm)
	post("/groups/:gid/me/erase", f.eraseMe)
	get("/groups/:gid/members/:mid/erase", f.eraseMemberForm)
	post("/groups/:gid/members/:mid/erase", f.eraseMember)
}
