package api

import (
	"strings"

	"github.com/allvoice/allvoice/engine"
)

// This file holds the DTOs several operations share. Struct tags bound
// shapes and sizes only, mirroring the engine's limits (engine.MaxNameLen
// and the rest; dto_test.go keeps them in step); the engine's validation
// is the rule book and its FieldErrors reach the client unchanged.

// Path parameters, embedded in operation inputs (huma finds parameters
// only in exported embedded types). The pattern is the shape of engine
// ids (UUIDv7 text); an id of the right shape that names nothing is the
// engine's not-found.
type (
	// GroupPath is the groupId path parameter.
	GroupPath struct {
		GroupID string `path:"groupId" pattern:"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$" patternDescription:"an id" doc:"The group's id."`
	}
	// RoundPath is the roundId path parameter.
	RoundPath struct {
		RoundID string `path:"roundId" pattern:"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$" patternDescription:"an id" doc:"The round's id."`
	}
	// ProposalPath is the proposalId path parameter.
	ProposalPath struct {
		ProposalID string `path:"proposalId" pattern:"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$" patternDescription:"an id" doc:"The proposal's id."`
	}
	// MemberPath is the memberId path parameter.
	MemberPath struct {
		MemberID string `path:"memberId" pattern:"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$" patternDescription:"an id" doc:"The member's id."`
	}
	// InvitePath is the inviteId path parameter.
	InvitePath struct {
		InviteID string `path:"inviteId" pattern:"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$" patternDescription:"an id" doc:"The invite's id."`
	}
)

// own copies a string taken from the request: fasthttp reuses its
// buffers once the handler returns, and the engine may keep ids (in
// published round events, for example).
func own(s string) string { return strings.Clone(s) }

func (p GroupPath) id() string    { return own(p.GroupID) }
func (p RoundPath) id() string    { return own(p.RoundID) }
func (p ProposalPath) id() string { return own(p.ProposalID) }
func (p MemberPath) id() string   { return own(p.MemberID) }
func (p InvitePath) id() string   { return own(p.InviteID) }

// PageQuery asks for one page of a list ordered by id (embedded in the
// inputs of paginated operations).
type PageQuery struct {
	Limit int    `query:"limit" minimum:"1" maximum:"200" default:"50" doc:"How many items to return (1–200)."`
	After string `query:"after" pattern:"^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})?$" patternDescription:"an id" doc:"Return the items after this id: the next_after of the previous page."`
}

func (q PageQuery) page() engine.Page {
	limit := q.Limit
	if limit == 0 {
		limit = 50
	}
	return engine.Page{Limit: limit, After: own(q.After)}
}

// pageBody is one page of a list. NextAfter is set when there may be more.
type pageBody[T any] struct {
	Items     []T    `json:"items"`
	NextAfter string `json:"next_after,omitempty" doc:"Pass as 'after' to get the next page; absent on the last page."`
}

func newPage[T any](items []T, limit int, id func(T) string) pageBody[T] {
	if items == nil {
		items = []T{}
	}
	p := pageBody[T]{Items: items}
	if len(items) > 0 && len(items) >= limit {
		p.NextAfter = id(items[len(items)-1])
	}
	return p
}

// listBody is a complete list; wrapping it in an object leaves room for
// pagination later without breaking clients.
type listBody[T any] struct {
	Items []T `json:"items"`
}

func newList[T any](items []T) listBody[T] {
	if items == nil {
		items = []T{}
	}
	return listBody[T]{Items: items}
}

// listOutput answers a list operation.
type listOutput[T any] struct {
	Body listBody[T]
}

func listOf[T any](items []T, err error) (*listOutput[T], error) {
	if err != nil {
		return nil, err
	}
	return &listOutput[T]{Body: newList(items)}, nil
}

// out wraps a single resource as an operation's output.
type out[T any] struct {
	Body T
}

func bodyOf[T any](v T, err error) (*out[T], error) {
	if err != nil {
		return nil, err
	}
	return &out[T]{Body: v}, nil
}

// noContent answers operations that return nothing (204).
type noContent struct{}

func none(err error) (*noContent, error) {
	if err != nil {
		return nil, err
	}
	return &noContent{}, nil
}
