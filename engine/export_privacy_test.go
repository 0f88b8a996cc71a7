package engine_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/analysis"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
	"github.com/allvoice/allvoice/engine/export"
)

// privacyWorld is an anonymous group with minimum cell size 3 whose
// members consented differently. Text that must never leave is marked
// SECRET, every display name starts with NAME-, and text that must be
// exported is marked VISIBLE (so the search for secrets can fail).
type privacyWorld struct {
	e         *engine.Engine
	fac, eval engine.Actor
	group     *engine.Group
	actors    map[string]engine.Actor
	rounds    []*engine.Round
	hidden    *engine.Proposal
	secretPro *engine.Proposal
}

func newPrivacyWorld(t *testing.T, db *bunstore.DB) *privacyWorld {
	ctx := context.Background()
	w := &privacyWorld{e: engine.New(engine.Config{Store: bunstore.NewStore(db)}), actors: map[string]engine.Actor{}}
	e := w.e
	acct, _, err := e.SignUp(ctx, engine.SignUpInput{Email: "privacy@example.org", Name: "NAME-ACCOUNT", Password: "privacy password"})
	must(t, err)
	w.fac = engine.Actor{AccountID: acct.ID}
	w.group, err = e.CreateGroup(ctx, w.fac, engine.GroupInput{Name: "Privacy group", FacilitatorName: "NAME-FACILITATOR",
		Settings: engine.GroupSettings{Scale: engine.ScaleLikert5, Anonymous: true, MinCellSize: 3,
			Perspectives: []string{"lived experience", "carer", "practitioner"}}})
	must(t, err)
	join := func(name, perspective, role string, research, reasons bool) engine.Actor {
		_, token, err := e.CreateInvite(ctx, w.fac, w.group.ID, engine.InviteInput{Role: role})
		must(t, err)
		_, session, err := e.Join(ctx, engine.Actor{}, engine.JoinInput{Token: token, DisplayName: name, Perspective: perspective,
			ResearchConsent: research, ReasonsConsent: reasons})
		must(t, err)
		a, err := e.Authenticate(ctx, session)
		must(t, err)
		w.actors[name] = a
		return a
	}
	for _, n := range []string{"NAME-L1", "NAME-L2", "NAME-L3", "NAME-L4"} {
		join(n, "lived experience", engine.RoleMember, true, true)
	}
	join("NAME-N1", "lived experience", engine.RoleMember, false, true) // reasons consent without research consent counts for nothing
	join("NAME-C1", "carer", engine.RoleMember, true, true)
	join("NAME-C2", "carer", engine.RoleMember, true, true)
	join("NAME-P1", "practitioner", engine.RoleMember, false, false)
	join("NAME-P2", "practitioner", engine.RoleMember, true, false)
	w.eval = join("NAME-EVALUATOR", "", engine.RoleEvaluator, false, false)

	rate := func(name, roundID, proposalID string, v int, reason string) {
		_, err := e.SubmitRating(ctx, w.actors[name], engine.RatingInput{RoundID: roundID, ProposalID: proposalID, Value: &v, Reason: reason})
		must(t, err)
	}
	round := func(prompt string) *engine.Round {
		rd, err := e.CreateRound(ctx, w.fac, w.group.ID, engine.RoundInput{Prompt: prompt})
		must(t, err)
		_, err = e.TransitionRound(ctx, w.fac, rd.ID, engine.TransitionOpen)
		must(t, err)
		w.rounds = append(w.rounds, rd)
		return rd
	}
	propose := func(name, roundID, text string) *engine.Proposal {
		p, err := e.AddProposal(ctx, w.actors[name], roundID, engine.ProposalInput{Text: text})
		must(t, err)
		return p
	}

	r1 := round("VISIBLE-PROMPT round one")
	pL := propose("NAME-L1", r1.ID, "VISIBLE-PROPOSAL-L1 with a comma, and a \"quote\"")
	w.secretPro = propose("NAME-N1", r1.ID, "SECRET-PROPOSAL-N1")
	w.hidden = propose("NAME-L2", r1.ID, "SECRET-HIDDEN-L2")
	pC := propose("NAME-C1", r1.ID, "VISIBLE-PROPOSAL-C1")
	_, err = e.ModerateProposal(ctx, w.fac, w.hidden.ID, engine.ModerationHide, "SECRET-MODERATION")
	must(t, err)
	_, err = e.TransitionRound(ctx, w.fac, r1.ID, engine.TransitionRating)
	must(t, err)
	values := map[string]int{"NAME-L1": 5, "NAME-L2": 4, "NAME-L3": 5, "NAME-L4": 4, "NAME-N1": 1, "NAME-C1": 4, "NAME-C2": 2, "NAME-P1": 1, "NAME-P2": 3}
	reasons := map[string]string{"NAME-L1": "VISIBLE-REASON-L1", "NAME-N1": "SECRET-REASON-N1", "NAME-P1": "SECRET-REASON-P1", "NAME-P2": "SECRET-REASON-P2"}
	for name, v := range values {
		rate(name, r1.ID, pL.ID, v, reasons[name])
		rate(name, r1.ID, pC.ID, 6-v, "")
		if name != "NAME-P1" {
			rate(name, r1.ID, w.secretPro.ID, v, "")
		}
	}
	// A change of mind, and a rating a facilitator enters for a member.
	_, err = e.SubmitRating(ctx, w.actors["NAME-L2"], engine.RatingInput{RoundID: r1.ID, ProposalID: pL.ID, Value: intp(5),
		Reason: "VISIBLE-REASON-L2-CHANGED", ChangeCategory: engine.ChangeDiscussion})
	must(t, err)
	c2, err := e.ListMembers(ctx, w.fac, w.group.ID)
	must(t, err)
	for _, m := range c2 {
		if m.DisplayName == "NAME-C2" {
			_, err = e.SubmitRatings(ctx, w.fac, []engine.RatingInput{{RoundID: r1.ID, ProposalID: pC.ID, MemberID: m.ID, Value: intp(5), Mode: engine.ModeAssisted}})
			must(t, err)
		}
	}
	// Check-ins: lived experience 4 comfort + 1 panic, carers 2 stretch.
	for name, zone := range map[string]string{"NAME-L1": engine.CheckInComfort, "NAME-L2": engine.CheckInComfort, "NAME-L3": engine.CheckInComfort,
		"NAME-L4": engine.CheckInComfort, "NAME-N1": engine.CheckInPanic, "NAME-C1": engine.CheckInStretch, "NAME-C2": engine.CheckInStretch} {
		_, err := e.SaveCheckIn(ctx, w.actors[name], r1.ID, engine.CheckInInput{Zone: zone, Shared: true})
		must(t, err)
	}
	_, err = e.AddReflection(ctx, w.actors["NAME-N1"], r1.ID, "SECRET-REFLECTION-N1")
	must(t, err)
	_, err = e.AddReflection(ctx, w.actors["NAME-L1"], r1.ID, "VISIBLE-REFLECTION-L1\nsecond line")
	must(t, err)
	_, err = e.TransitionRound(ctx, w.fac, r1.ID, engine.TransitionClose)
	must(t, err)
	_, err = e.RecordDecision(ctx, w.fac, engine.DecisionInput{RoundID: r1.ID, ProposalID: pL.ID, Outcome: engine.DecisionAdopted, Rationale: "SECRET-RATIONALE-FAC"})
	must(t, err)

	// A second rule version, then a round in which only consented members rate.
	settings := w.group.Settings
	settings.ConsensusRule = analysis.PercentAgreementRule(60)
	w.group, err = e.UpdateGroup(ctx, w.fac, w.group.ID, engine.GroupInput{Name: w.group.Name, Settings: settings})
	must(t, err)
	r2 := round("VISIBLE-PROMPT round two")
	p3 := propose("NAME-L3", r2.ID, "VISIBLE-PROPOSAL-L3")
	_, err = e.TransitionRound(ctx, w.fac, r2.ID, engine.TransitionRating)
	must(t, err)
	for name, v := range values {
		if name != "NAME-N1" && name != "NAME-P1" {
			rate(name, r2.ID, p3.ID, v, "")
		}
	}
	return w
}

// TestExportPrivacy exports the privacy world and searches every file of
// the package for what must not be there: display names, internal member
// ids, text, reasons and reflections of members who did not consent,
// reasons of a member who did not consent to reasons, a facilitator's
// rationale, hidden text and moderation messages. It checks that every
// unsuppressed perspective aggregate covers at least the minimum cell
// size, and that aggregates over unexported raters below that size are
// computed from consented members only.
func TestExportPrivacy(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		w := newPrivacyWorld(t, db)
		ctx := context.Background()
		fs := exportFiles(t, w.e, w.eval, w.group.ID)

		members, err := w.e.ListMembers(ctx, w.fac, w.group.ID)
		must(t, err)
		forbidden := []string{"SECRET", "NAME-", "privacy@example.org"}
		for _, m := range members {
			forbidden = append(forbidden, m.ID)
		}
		for _, path := range fs.Paths() {
			for _, f := range forbidden {
				if bytes.Contains(fs[path], []byte(f)) {
					t.Errorf("%s contains %q", path, f)
				}
			}
		}
		all := bytes.Join(func() [][]byte {
			var out [][]byte
			for _, p := range fs.Paths() {
				out = append(out, fs[p])
			}
			return out
		}(), nil)
		for _, want := range []string{"VISIBLE-PROPOSAL-L1", "VISIBLE-PROPOSAL-C1", "VISIBLE-REASON-L1", "VISIBLE-REASON-L2-CHANGED",
			`VISIBLE-REFLECTION-L1\nsecond line`, "VISIBLE-PROMPT round two"} {
			if !bytes.Contains(all, []byte(want)) {
				t.Errorf("the package lacks %q, which consented members wrote", want)
			}
		}

		// Exactly the consented members, under the pseudonyms evaluators see.
		evalView, err := w.e.ListMembers(ctx, w.eval, w.group.ID)
		must(t, err)
		var want []string
		for i, m := range members {
			if m.Consents != nil && m.Consents.Research {
				want = append(want, evalView[i].ID)
			}
		}
		var got []string
		for _, m := range fs.Rows(t, "data/members.csv") {
			got = append(got, m["member_id"])
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) || len(got) != 7 {
			t.Fatalf("members.csv %v, want the 7 consented members %v", got, want)
		}
		for _, file := range []string{"data/rating_events.csv", "data/ratings_current.csv", "data/reflections.csv"} {
			for _, r := range fs.Rows(t, file) {
				if !slices.Contains(got, r["member_id"]) {
					t.Errorf("%s has a row of %s, who is not exported", file, r["member_id"])
				}
			}
		}
		events := fs.Rows(t, "data/rating_events.csv")
		// 7 consented members × 3 proposals + L2's change + C2's assisted rating, then 7 in round two.
		if len(events) != 7*3+2+7 {
			t.Errorf("%d rating events, want %d", len(events), 7*3+2+7)
		}
		for _, ev := range events {
			switch {
			case ev["mode"] == engine.ModeAssisted && (ev["entered_by_self"] != "0" || ev["entered_by"] != ""):
				t.Errorf("assisted rating entered by an unexported facilitator: %v", ev)
			case ev["reason_status"] == "withheld_consent" && ev["reason"] != "":
				t.Errorf("withheld reason written: %v", ev)
			}
		}

		// Small cells, in every perspective aggregate.
		min := w.group.Settings.MinCellSize
		for _, r := range fs.Rows(t, "data/rule_evaluations.csv") {
			if r["scope"] == "perspective" && r["suppressed"] == "0" && atoi(t, r["n_rated"]) < min {
				t.Errorf("rule evaluation over %s raters in %q is not suppressed", r["n_rated"], r["perspective"])
			}
			if r["population"] == "all" && r["n_unexported"] != "" && r["n_unexported"] != "0" && atoi(t, r["n_unexported"]) < min {
				t.Errorf("rule evaluation over all with %s unexported raters: subtraction would reveal them", r["n_unexported"])
			}
		}
		populations := map[string]string{"participation": "participation_invited", "trajectory": "trajectory_pairs", "attrition": "attrition_previous"}
		cells := map[string]string{}
		for _, r := range fs.Rows(t, "data/metrics.csv") {
			if r["scope"] == "perspective" && r["suppressed"] == "0" {
				cells[r["round"]+"|"+r["perspective"]+"|"+r["metric"]] = r["value"]
			}
		}
		for k := range cells {
			parts := strings.Split(k, "|")
			pop := populations[strings.SplitN(parts[2], "_", 2)[0]]
			if pop == "" {
				t.Errorf("perspective metric %s has no population to check", parts[2])
				continue
			}
			if n, ok := cells[parts[0]+"|"+parts[1]+"|"+pop]; !ok || num(t, n) < float64(min) {
				t.Errorf("round %s: %s in %q shown over a population of %q (minimum %d)", parts[0], parts[2], parts[1], n, min)
			}
		}
		shown := map[string]string{}
		for _, r := range fs.Rows(t, "data/checkins.csv") {
			if r["suppressed"] == "0" {
				if n := atoi(t, r["n"]); n > 0 && n < min {
					t.Errorf("check-in count %v below the minimum cell size", r)
				}
				shown[r["round"]+"|"+r["scope"]+"|"+r["perspective"]+"|"+r["zone"]] = r["n"]
			}
		}
		wantShown := map[string]string{"1|overall||comfort": "4", "1|perspective|lived experience|comfort": "4",
			"1|perspective|lived experience|stretch": "0"}
		for k, v := range wantShown {
			if shown[k] != v {
				t.Errorf("check-ins %s = %q, want %q (shown: %v)", k, shown[k], v, shown)
			}
		}
		if len(shown) != len(wantShown) {
			t.Errorf("check-in counts shown: %v, want only %v", shown, wantShown)
		}

		// Round one's proposals were rated by one unexported member per
		// perspective: their figures come from consented members alone and
		// the decision's evidence is withheld.
		for _, r := range fs.Rows(t, "data/rule_evaluations.csv") {
			if r["round"] == "1" && r["population"] != "consented" && !(r["scope"] == "overall" && r["n_rated"] == "0" && r["n_passed"] == "0") &&
				!(r["scope"] == "perspective" && r["suppressed"] == "1" && r["population"] == "all") {
				t.Errorf("round 1 proposal %s: population %s, want consented (only the hidden proposal, rated by no one, is all): %v", r["proposal"], r["population"], r)
			}
			if r["round"] == "2" && r["population"] != "all" {
				t.Errorf("round 2 proposal %s: population %s, want all (only consented members rated)", r["proposal"], r["population"])
			}
		}
		if n := checkRecomputed(t, fs); n != len(fs.Rows(t, "data/rule_evaluations.csv")) {
			t.Errorf("recomputed %d of %d rule evaluations from the exported events", n, len(fs.Rows(t, "data/rule_evaluations.csv")))
		}
		versions := map[string]bool{}
		for _, r := range fs.Rows(t, "data/rule_evaluations.csv") {
			versions[r["rule_version"]] = true
		}
		if len(versions) != 2 {
			t.Errorf("rule versions evaluated: %v, want 1 and 2", versions)
		}
		decisions := fs.Rows(t, "data/decisions.csv")
		if len(decisions) != 1 || decisions[0]["rationale_status"] != "withheld_consent" || decisions[0]["n_rated"] != "" ||
			decisions[0]["pct_agree"] != "" || decisions[0]["verdict"] == "" {
			t.Errorf("decisions.csv = %v, want the rationale and numeric evidence withheld, the verdict kept", decisions)
		}
		statuses := map[string]string{}
		for _, p := range fs.Rows(t, "data/proposals.csv") {
			statuses[p["text_status"]] += p["proposal"] + " "
			// The group is anonymous and who proposed what is known in it:
			// no proposal may be credited to a pseudonym carrying ratings.
			if p["author_status"] != export.AuthorWithheldAnonymous && p["author_status"] != export.AuthorNone || p["author_id"] != "" {
				t.Errorf("proposal %s credits its author (%s %q) in an anonymous group", p["proposal"], p["author_status"], p["author_id"])
			}
		}
		if statuses["withheld_consent"] == "" || statuses["withheld_hidden"] == "" {
			t.Errorf("proposal statuses %v: want a withheld unconsented text and a withheld hidden one", statuses)
		}
		for _, m := range fs.Rows(t, "data/members.csv") {
			if m["joined_at"] != "" {
				t.Errorf("members.csv gives when %s joined an anonymous group", m["member_id"])
			}
		}
		for _, c := range fs.Rows(t, "polis/comments.csv") {
			if c["comment-body"] == "" || c["author-id"] != "0" || (c["moderated"] == "-1") != strings.Contains(statuses["withheld_hidden"], c["comment-id"]+" ") {
				t.Errorf("polis comment %v", c)
			}
		}
		participants := fs.Rows(t, "polis/participants-votes.csv")
		if len(participants) != 7 {
			t.Errorf("%d Polis participants, want the 7 consented raters", len(participants))
		}

		// Facilitators may export too; members, observers and others may not.
		fac := exportFiles(t, w.e, w.fac, w.group.ID)
		if !bytes.Equal(fac["data/rating_events.csv"], fs["data/rating_events.csv"]) {
			t.Error("a facilitator's export differs from an evaluator's")
		}
		var buf bytes.Buffer
		err = w.e.ExportGroup(ctx, w.actors["NAME-L1"], w.group.ID, &buf, nil)
		if engine.ErrorCode(err) != engine.EFORBIDDEN || buf.Len() != 0 {
			t.Errorf("a member's export: %v, %d bytes; want forbidden and nothing written", err, buf.Len())
		}
		err = w.e.ExportGroup(ctx, engine.Actor{}, w.group.ID, &buf, nil)
		if engine.ErrorCode(err) != engine.EUNAUTHORIZED || buf.Len() != 0 {
			t.Errorf("an anonymous export: %v, want unauthorized", err)
		}
		other, _, err := w.e.SignUp(ctx, engine.SignUpInput{Email: "other@example.org", Name: "Other", Password: "other password"})
		must(t, err)
		err = w.e.ExportGroup(ctx, engine.Actor{AccountID: other.ID}, w.group.ID, &buf, nil)
		if engine.ErrorCode(err) != engine.ENOTFOUND || buf.Len() != 0 {
			t.Errorf("an outsider's export: %v, want not found", err)
		}
	})
}
