package frontend

import (
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/allvoice/allvoice/engine"
)

// The check-in pages: one question per page (the zone, then whether to
// share it), a thank-you page that offers the safeguarding route to a
// member in the panic zone, and the facilitator's counts. Checking in is
// optional, and nobody is told anything unless the member chooses.

// Steps of checking in.
const (
	checkInStepZone  = "zone"
	checkInStepShare = "share"
)

// checkInPage is the model of the check-in steps and the thank-you page.
type checkInPage struct {
	*roundPage
	Step    string
	Zones   []option
	Share   []option
	Current *engine.CheckIn
	// CurrentLabel is the zone of Current in words.
	CurrentLabel string
	// Leads and Facilitators are whom a member in the panic zone can talk to.
	Leads        []string
	Facilitators []string
}

// loadCheckIn reads the round and the member's own check-in, if any.
func (f *Frontend) loadCheckIn(c *fiber.Ctx) (*checkInPage, error) {
	rp, err := f.loadRound(c)
	if err != nil {
		return nil, err
	}
	cp := &checkInPage{roundPage: rp}
	ci, err := f.eng.MyCheckIn(c.UserContext(), actorOf(c), rp.Round.ID)
	switch engine.ErrorCode(err) {
	case "":
		cp.Current = ci
	case engine.ENOTFOUND:
	default:
		return nil, err
	}
	cat := f.catalogue(c)
	for _, z := range engine.CheckInZones {
		label, hint := zoneText(cat, z)
		cp.Zones = append(cp.Zones, option{Value: z, Label: label, Hint: hint})
	}
	if cp.Current != nil {
		cp.CurrentLabel, _ = zoneText(cat, cp.Current.Zone)
	}
	cp.Share = []option{{Value: "no", Label: cat.T("checkin.share_no"), Hint: cat.T("checkin.share_no_hint")},
		{Value: "yes", Label: cat.T("checkin.share_yes"), Hint: cat.T("checkin.share_yes_hint")}}
	return cp, nil
}

// canCheckIn reports whether the round takes check-ins from this reader.
func (cp *checkInPage) canCheckIn() bool {
	return engine.RoleAllows(cp.Round.YourRole, engine.PermCheckIn) &&
		(cp.Round.State == engine.RoundProposing || cp.Round.State == engine.RoundRating)
}

func (f *Frontend) checkInForm(c *fiber.Ctx) error {
	cp, err := f.loadCheckIn(c)
	if err != nil {
		return f.renderError(c, err)
	}
	if !cp.canCheckIn() {
		return f.renderStatus(c, fiber.StatusNotFound, "error.not_found")
	}
	fv := formValues{}
	if cp.Current != nil {
		fv.Set("zone", cp.Current.Zone)
		fv.Set("share", map[bool]string{true: "yes", false: "no"}[cp.Current.Shared])
	}
	cp.Step = checkInStepZone
	return f.renderCheckIn(c, fiber.StatusOK, cp, fv, nil)
}

func (f *Frontend) renderCheckIn(c *fiber.Ctx, status int, cp *checkInPage, fv formValues, errs formErrors) error {
	title := f.title(c, "checkin.zone_title")
	if cp.Step == checkInStepShare {
		title = f.title(c, "checkin.share_title")
	}
	return f.render(c, status, "checkin", &page{Title: title, Errors: errs, Form: fv, Data: cp})
}

// zoneText returns a check-in zone's label and hint.
func zoneText(cat *Catalogue, z string) (label, hint string) {
	switch z {
	case engine.CheckInComfort:
		return cat.T("checkin.zone.comfort"), cat.T("checkin.zone.comfort.hint")
	case engine.CheckInStretch:
		return cat.T("checkin.zone.stretch"), cat.T("checkin.zone.stretch.hint")
	case engine.CheckInPanic:
		return cat.T("checkin.zone.panic"), cat.T("checkin.zone.panic.hint")
	}
	return z, ""
}

// checkIn takes the answer to one step: the zone leads to the share
// question, and the share answer saves the check-in.
func (f *Frontend) checkIn(c *fiber.Ctx) error {
	cp, err := f.loadCheckIn(c)
	if err != nil {
		return f.renderError(c, err)
	}
	fv := readForm(c)
	zone := fv.Get("zone")
	if !slices.Contains(engine.CheckInZones, zone) {
		cp.Step = checkInStepZone
		return f.renderCheckIn(c, fiber.StatusUnprocessableEntity, cp, fv, formErrors{f.localError(c, "zone", "checkin.zone_required")})
	}
	switch fv.Get("step") {
	case checkInStepZone:
		if fv.Get("share") == "" {
			fv.Set("share", "no")
		}
		cp.Step = checkInStepShare
		return f.renderCheckIn(c, fiber.StatusOK, cp, fv, nil)
	case checkInStepShare:
	default:
		return f.renderStatus(c, fiber.StatusBadRequest, "error.bad_request")
	}
	share := fv.Get("share")
	if share != "yes" && share != "no" {
		cp.Step = checkInStepShare
		return f.renderCheckIn(c, fiber.StatusUnprocessableEntity, cp, fv, formErrors{f.localError(c, "share", "checkin.share_required")})
	}
	_, err = f.eng.SaveCheckIn(c.UserContext(), actorOf(c), cp.Round.ID, engine.CheckInInput{Zone: zone, Shared: share == "yes"})
	if err != nil {
		if !isFormError(err) {
			return f.renderError(c, err)
		}
		cp.Step = checkInStepZone
		return f.renderCheckIn(c, fiber.StatusUnprocessableEntity, cp, fv, f.errorsFrom(c, err, nil, "zone"))
	}
	return c.Redirect("/rounds/"+cp.Round.ID+"/checkin/done", fiber.StatusSeeOther)
}

// checkInDone thanks the member and, in the panic zone, shows the
// safeguarding route: who to talk to, and the choice to tell the
// safeguarding lead.
func (f *Frontend) checkInDone(c *fiber.Ctx) error {
	cp, err := f.loadCheckIn(c)
	if err != nil {
		return f.renderError(c, err)
	}
	if cp.Current == nil {
		return c.Redirect("/rounds/"+cp.Round.ID+"/checkin", fiber.StatusSeeOther)
	}
	if err := f.addContacts(c, cp); err != nil {
		return f.renderError(c, err)
	}
	return f.render(c, fiber.StatusOK, "checkin-done", &page{Title: f.title(c, "checkin.done_title"), Data: cp})
}

// addContacts names the group's safeguarding leads and facilitators.
func (f *Frontend) addContacts(c *fiber.Ctx, cp *checkInPage) error {
	ms, err := f.eng.ListMembers(c.UserContext(), actorOf(c), cp.Group.ID)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.Erased || m.DisplayName == "" {
			continue
		}
		switch m.Role {
		case engine.RoleSafeguardingLead:
			cp.Leads = append(cp.Leads, m.DisplayName)
		case engine.RoleFacilitator:
			cp.Facilitators = append(cp.Facilitators, m.DisplayName)
		}
	}
	return nil
}

// checkInTell raises a concern on the member's behalf from their check-in,
// when they choose "tell the safeguarding lead".
func (f *Frontend) checkInTell(c *fiber.Ctx) error {
	cp, err := f.loadCheckIn(c)
	if err != nil {
		return f.renderError(c, err)
	}
	fv := readForm(c)
	cv, err := f.eng.RaiseConcern(c.UserContext(), actorOf(c), cp.Group.ID,
		engine.ConcernInput{FromCheckIn: true, RoundID: cp.Round.ID, Text: fv.Get("tell_text")})
	if err != nil {
		if !isFormError(err) {
			return f.renderError(c, err)
		}
		if cp.Current == nil {
			return c.Redirect("/rounds/"+cp.Round.ID+"/checkin", fiber.StatusSeeOther)
		}
		if err2 := f.addContacts(c, cp); err2 != nil {
			return f.renderError(c, err2)
		}
		return f.render(c, fiber.StatusUnprocessableEntity, "checkin-done", &page{Title: f.title(c, "checkin.done_title"),
			Errors: f.errorsFrom(c, err, func(string) string { return "tell_text" }, "tell_text"), Form: fv, Data: cp})
	}
	return c.Redirect("/concerns/"+cv.ID+"/sent", fiber.StatusSeeOther)
}

func (f *Frontend) checkInWithdraw(c *fiber.Ctx) error {
	rp, err := f.loadRound(c)
	if err != nil {
		return f.renderError(c, err)
	}
	if err := f.eng.WithdrawCheckIn(c.UserContext(), actorOf(c), rp.Round.ID); err != nil && engine.ErrorCode(err) != engine.ENOTFOUND {
		return f.renderError(c, err)
	}
	return c.Redirect("/rounds/"+rp.Round.ID+"?done=checkin_withdrawn", fiber.StatusSeeOther)
}

// checkInCountsPage is the facilitator's view of a round's check-ins.
type checkInCountsPage struct {
	*roundPage
	Summary *engine.CheckInSummary
	Zones   []zoneRow
	Shared  []zoneRow
	// Total is shown only when TotalShown (see engine.CheckInSummary).
	Total      int
	TotalShown bool
}

// zoneRow is one line of the counts table, or one shared check-in.
type zoneRow struct {
	Label      string
	Name       string
	Count      int
	Suppressed bool
}

func (f *Frontend) checkInCounts(c *fiber.Ctx) error {
	rp, err := f.loadRound(c)
	if err != nil {
		return f.renderError(c, err)
	}
	s, err := f.eng.RoundCheckIns(c.UserContext(), actorOf(c), rp.Round.ID)
	if err != nil {
		return f.renderError(c, err)
	}
	cat := f.catalogue(c)
	cp := &checkInCountsPage{roundPage: rp, Summary: s}
	if s.Total != nil {
		cp.Total, cp.TotalShown = *s.Total, true
	}
	for _, z := range s.Zones {
		row := zoneRow{Suppressed: z.Suppressed}
		row.Label, _ = zoneText(cat, z.Zone)
		if z.Count != nil {
			row.Count = *z.Count
		}
		cp.Zones = append(cp.Zones, row)
	}
	for _, sh := range s.Shared {
		row := zoneRow{Name: sh.DisplayName}
		row.Label, _ = zoneText(cat, sh.Zone)
		cp.Shared = append(cp.Shared, row)
	}
	return f.render(c, fiber.StatusOK, "checkins", &page{Title: f.title(c, "checkins.title", "number", rp.Round.Number), Data: cp})
}
