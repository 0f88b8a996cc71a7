package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/allvoice/allvoice/engine"
	"github.com/allvoice/allvoice/engine/bunstore"
	"github.com/allvoice/allvoice/engine/bunstore/bunstoretest"
)

// TestErasureOnEverySurface erases one member through the API (a
// facilitator, at the member's request) and one through the pages (the
// member themselves, ticking the confirmation), then reads every surface
// as every role: neither name, reason nor reflection of theirs shows
// anywhere; their sessions no longer work, by bearer token or cookie; the
// results everyone reads are unchanged.
func TestErasureOnEverySurface(t *testing.T) {
	bunstoretest.Each(t, func(t *testing.T, db *bunstore.DB) {
		s := newFullServer(t, db)
		st := newPrivacyStory(t, s.eng, engine.GroupSettings{}, "er")
		st.rater = 2 // members 0 and 1 are erased below
		results := func() string {
			c := s.client("")
			c.bearer = st.tokens[roleObserver]
			return c.get(Prefix+"/rounds/"+st.round1.ID+"/results").body + c.get(Prefix+"/rounds/"+st.round2.ID+"/results").body
		}
		before := results()
		// Before erasure the story's names and reasons are there to find.
		fac := s.client(st.tokens[roleFac])
		fac.bearer = st.tokens[roleFac]
		if b := fac.get(Prefix + "/groups/" + st.group.ID + "/members").body; !strings.Contains(b, st.names[1]) || !strings.Contains(b, st.names[0]) {
			t.Fatalf("the members list lacks the names to erase: %s", b)
		}

		// Member 1 asked the facilitator; member 0 erases themselves.
		if r := fac.call(http.MethodDelete, "/members/"+st.ids[1], nil); r.status != http.StatusNoContent {
			t.Fatalf("eraseMember: %d %s", r.status, r.body)
		}
		if r := fac.call(http.MethodDelete, "/members/"+st.ids[1], nil); r.status != http.StatusConflict {
			t.Errorf("erasing twice: %d %s", r.status, r.body)
		}
		me := s.client(st.tokens[roleMember])
		if r := me.get("/groups/" + st.group.ID + "/me/erase"); r.status != http.StatusOK {
			t.Fatalf("the erasure page: %d", r.status)
		}
		if r := me.post("/groups/"+st.group.ID+"/me/erase", url.Values{"confirm": {"yes"}}); r.status != http.StatusSeeOther {
			t.Fatalf("erasing oneself: %d %s", r.status, r.body)
		}

		// Their sessions are over, whichever way they are presented.
		gone := s.client(st.tokens[roleMember])
		gone.bearer = st.tokens[roleMember]
		if r := gone.get(Prefix + "/auth/me"); r.status != http.StatusUnauthorized {
			t.Errorf("the erased member's token: %d %s", r.status, r.body)
		}
		if r := s.client(st.tokens[roleMember]).get("/groups/" + st.group.ID); r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/login") {
			t.Errorf("the erased member's cookie: %d %s", r.status, r.header.Get("Location"))
		}

		if after := results(); after != before {
			t.Errorf("the results members read changed with erasure:\nbefore %s\nafter  %s", before, after)
		}
		secrets := append([]string{st.names[0], st.names[1], st.reflects[0]}, append(st.reasons[0], st.reasons[1]...)...)
		n := 0
		for _, role := range matrixRoles {
			if role == roleMember {
				continue // erased: reads nothing
			}
			for _, b := range readSurfaces(t, s, st, role) {
				n++
				for _, secret := range secrets {
					if secret != "" && strings.Contains(b.body, secret) {
						t.Errorf("%s still reads %q on %s", role, secret, b.surface)
					}
				}
			}
		}
		if n < 400 {
			t.Errorf("read only %d surfaces", n)
		}
		// The record keeps the erasure, without content.
		var audit struct{ Items []engine.AuditEvent }
		if err := jsonOf(fac.get(Prefix+"/groups/"+st.group.ID+"/audit?limit=200").body, &audit); err != nil {
			t.Fatal(err)
		}
		erased := 0
		for _, ev := range audit.Items {
			if ev.Action == "member.erased" {
				erased++
			}
		}
		if erased != 2 {
			t.Errorf("%d member.erased audit events, want 2", erased)
		}
	})
}

// jsonOf decodes a JSON body.
func jsonOf(body string, into any) error { return json.Unmarshal([]byte(body), into) }
