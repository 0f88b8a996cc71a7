package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/allvoice/allvoice/engine"
)

// myDataOutput is a member's data as a download: browsers save it as a
// file, and no cache keeps it.
type myDataOutput struct {
	ContentDisposition string `header:"Content-Disposition"`
	CacheControl       string `header:"Cache-Control"`
	Body               *engine.MyData
}

func (a *API) registerMyData() {
	o := op("getMyData", http.MethodGet, "/groups/{groupId}/my-data", "Members",
		"Download everything the group holds about you")
	o.Description = "Your profile and consents, roles over time, the invites you joined by, your proposals, every rating " +
		"event you hold with its reason (including ratings entered with you in the room), your reflections and the audit " +
		"events about you or your things. Other people's content is left out; who else acted shows only as by_you false. " +
		"Sent as an attachment (allvoice-my-data-<group id>.json)."
	huma.Register(a.huma, o, func(ctx context.Context, in *struct{ GroupPath }) (*myDataOutput, error) {
		d, err := a.eng.MyData(ctx, actorFrom(ctx), in.id())
		if err != nil {
			return nil, err
		}
		return &myDataOutput{ContentDisposition: `attachment; filename="allvoice-my-data-` + d.Group.ID + `.json"`,
			CacheControl: "no-store", Body: d}, nil
	})
}
