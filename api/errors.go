package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/gofiber/fiber/v2"

	"github.com/allvoice/allvoice/engine"
)

// Problem codes beyond the engine's own (engine.EINVALID and the rest),
// for failures the API detects before the engine is called.
const (
	CodeMalformed   = "malformed"    // the body is not parseable JSON (400)
	CodeTooLarge    = "too_large"    // the body is over the size limit (413)
	CodeMediaType   = "media_type"   // the body is not JSON (415)
	CodeRateLimited = "rate_limited" // too many requests from this client (429)
	CodeNotAllowed  = "not_allowed"  // the method is not allowed on this path (405)
	CodeCrossOrigin = "cross_origin" // a cookie request came from another site (403)
)

// problemContentType is RFC 9457's media type for JSON problem details.
const problemContentType = "application/problem+json"

// Problem is an RFC 9457 problem detail, the body of every error response
// of the API. Errors lists each field that failed and the rule it broke,
// whether huma's schema validation or the engine's rules caught it.
type Problem struct {
	Type   string         `json:"type" doc:"A URI naming the kind of problem; its last part is the code."`
	Title  string         `json:"title" doc:"The HTTP status text."`
	Status int            `json:"status" doc:"The HTTP status code."`
	Detail string         `json:"detail,omitempty" doc:"What went wrong, in words a person can act on."`
	Code   string         `json:"code" doc:"A stable machine-readable code: invalid, malformed, not_found, conflict, forbidden, unauthorized, unavailable, internal, too_large, media_type, rate_limited, not_allowed, cross_origin."`
	Errors []ProblemField `json:"errors,omitempty" doc:"One entry per field that failed, naming the rule it broke."`
}

// ProblemField names one input that failed and the rule it broke.
type ProblemField struct {
	Field    string `json:"field" doc:"The field, e.g. 'ratings[2].value', 'limit' or 'groupId'."`
	Rule     string `json:"rule" doc:"The rule the field broke, e.g. 'must be at most 1000 characters'."`
	Location string `json:"location,omitempty" doc:"Where the field is, when known: 'body.text', 'path.groupId', 'query.limit', 'header.Idempotency-Key'."`
}

// Error implements error.
func (p *Problem) Error() string { return p.Detail }

// GetStatus implements huma.StatusError.
func (p *Problem) GetStatus() int { return p.Status }

// ContentType implements huma.ContentTypeFilter, so problems go out as
// application/problem+json.
func (p *Problem) ContentType(ct string) string {
	if ct == "application/json" {
		return problemContentType
	}
	return ct
}

// statusOf maps engine error codes to HTTP statuses.
var statusOf = map[string]int{
	engine.EINVALID:      http.StatusUnprocessableEntity,
	engine.ENOTFOUND:     http.StatusNotFound,
	engine.ECONFLICT:     http.StatusConflict,
	engine.EFORBIDDEN:    http.StatusForbidden,
	engine.EUNAUTHORIZED: http.StatusUnauthorized,
	engine.EUNAVAILABLE:  http.StatusServiceUnavailable,
	engine.EINTERNAL:     http.StatusInternalServerError,
}

// codeOf names the problem code for a status the API itself produced.
func codeOf(status int) string {
	switch status {
	case http.StatusBadRequest:
		return CodeMalformed
	case http.StatusUnauthorized:
		return engine.EUNAUTHORIZED
	case http.StatusForbidden:
		return engine.EFORBIDDEN
	case http.StatusNotFound:
		return engine.ENOTFOUND
	case http.StatusMethodNotAllowed:
		return CodeNotAllowed
	case http.StatusConflict, http.StatusPreconditionFailed:
		return engine.ECONFLICT
	case http.StatusRequestEntityTooLarge:
		return CodeTooLarge
	case http.StatusUnsupportedMediaType:
		return CodeMediaType
	case http.StatusTooManyRequests:
		return CodeRateLimited
	case http.StatusServiceUnavailable:
		return engine.EUNAVAILABLE
	}
	if status >= 500 {
		return engine.EINTERNAL
	}
	return engine.EINVALID
}

func newProblem(status int, code, detail string) *Problem {
	return &Problem{Type: "urn:allvoice:problem:" + code, Title: http.StatusText(status), Status: status, Detail: detail, Code: code}
}

// genericInternal is all a client learns about an internal failure.
const genericInternal = "An internal error occurred. It has been logged; please try again later."

// problemFor is the API's one error mapper. Every failure goes through it:
// engine errors from handlers, huma's parse and validation errors, fiber
// errors and the middleware's own refusals. Causes of 5xx failures are
// logged with the request id and never sent; values are never echoed.
func problemFor(ctx context.Context, status int, msg string, errs ...error) *Problem {
	for _, err := range errs {
		var p *Problem
		if errors.As(err, &p) {
			return p
		}
	}
	for _, err := range errs {
		var ee *engine.Error
		if err != nil && errors.As(err, &ee) {
			return engineProblem(ctx, err)
		}
	}
	if status >= 500 {
		var cause error
		if len(errs) > 0 {
			cause = errors.Join(errs...)
		}
		logFailure(ctx, slog.LevelError, msg, cause)
		return newProblem(status, codeOf(status), genericInternal)
	}
	p := newProblem(status, codeOf(status), humaDetail(status, msg))
	if len(errs) == 0 && (status == http.StatusBadRequest || status == http.StatusRequestTimeout || status == http.StatusRequestEntityTooLarge) {
		// huma's body failures ("request body is required", "… is too
		// large limit=N bytes") come without details; they are about the body.
		p.Errors = []ProblemField{{Field: "body", Location: "body", Rule: bodyRule(msg)}}
	}
	for _, err := range errs {
		if err == nil {
			continue
		}
		var d huma.ErrorDetailer
		if errors.As(err, &d) {
			ed := d.ErrorDetail()
			if f, ok := requiredField(ed.Location, ed.Message); ok {
				p.Errors = append(p.Errors, f)
				continue
			}
			p.Errors = append(p.Errors, ProblemField{Field: fieldOf(ed.Location), Rule: ruleOf(ed.Message), Location: ed.Location})
			continue
		}
		p.Errors = append(p.Errors, ProblemField{Field: "request", Rule: err.Error()})
	}
	return p
}

// humaDetail turns huma's terse messages into sentences a person can act on.
func humaDetail(status int, msg string) string {
	switch {
	case status == http.StatusRequestEntityTooLarge:
		return "The request body is too large."
	case status == http.StatusUnsupportedMediaType:
		return "The request body must be JSON (Content-Type: application/json)."
	case msg == "validation failed" && status == http.StatusBadRequest:
		return "The request body is not valid JSON."
	case msg == "validation failed":
		return "Some of the information given is not valid."
	case msg == "":
		return http.StatusText(status) + "."
	}
	return strings.ToUpper(msg[:1]) + msg[1:] + "."
}

// bodyRule words huma's body failures as rules.
func bodyRule(msg string) string {
	if _, limit, ok := strings.Cut(msg, "limit="); ok {
		return "must be at most " + limit
	}
	if msg == "request body is required" {
		return "is required"
	}
	return msg
}

// ruleOf words the parameter-parsing messages huma does not take from
// its validation package like the rest.
func ruleOf(msg string) string {
	switch msg {
	case "invalid integer":
		return "must be a whole number"
	case "invalid float", "invalid number":
		return "must be a number"
	case "invalid boolean":
		return "must be true or false"
	case "unknown query parameter":
		return "is not a known query parameter"
	}
	return msg
}

// fieldOf drops the location prefix: "body.ratings[2].value" names the
// field "ratings[2].value", "query.limit" the field "limit".
func fieldOf(location string) string {
	for _, prefix := range []string{"body.", "path.", "query.", "header.", "cookie."} {
		if strings.HasPrefix(location, prefix) {
			return location[len(prefix):]
		}
	}
	if location == "" {
		return "request"
	}
	return location
}

// engineProblem maps an *engine.Error to its problem.
func engineProblem(ctx context.Context, err error) *Problem {
	code := engine.ErrorCode(err)
	status, ok := statusOf[code]
	if !ok {
		code, status = engine.EINTERNAL, http.StatusInternalServerError
	}
	switch code {
	case engine.EINTERNAL:
		logFailure(ctx, slog.LevelError, "internal error", err)
		return newProblem(status, code, genericInternal)
	case engine.EUNAVAILABLE:
		logFailure(ctx, slog.LevelWarn, "store unavailable", err)
	}
	p := newProblem(status, code, engine.ErrorMessage(err))
	for _, f := range engine.ErrorFields(err) {
		p.Errors = append(p.Errors, ProblemField{Field: f.Field, Rule: f.Rule})
	}
	if code == engine.EUNAUTHORIZED && len(p.Errors) == 0 {
		p.Errors = []ProblemField{{Field: "Authorization", Location: "header.Authorization",
			Rule: "must carry a current session or API token"}}
	}
	return p
}

// logFailure logs a failure's cause with the request id. Causes are
// engine and driver errors; they carry no request bodies.
func logFailure(ctx context.Context, level slog.Level, msg string, cause error) {
	ri := requestInfoFrom(ctx)
	attrs := []slog.Attr{slog.String("request_id", ri.id)}
	if ri.route != "" {
		attrs = append(attrs, slog.String("route", ri.route))
	}
	if cause != nil {
		attrs = append(attrs, slog.String("error", cause.Error()))
	}
	ri.logger().LogAttrs(ctx, level, msg, attrs...)
}

// humaError replaces huma.NewErrorWithContext so huma's own parse and
// validation errors, and errors returned by handlers, come out in the
// same problem shape. It names the path parameter of a bare not-found,
// and sets the headers RFC 9110 asks for.
func humaError(hctx huma.Context, status int, msg string, errs ...error) huma.StatusError {
	var ctx context.Context = context.Background()
	if hctx != nil {
		ctx = hctx.Context()
	}
	p := problemFor(ctx, status, msg, errs...)
	if hctx == nil {
		return p
	}
	if p.Code == engine.ENOTFOUND && len(p.Errors) == 0 {
		if op := hctx.Operation(); op != nil {
			var params []*huma.Param
			for _, prm := range op.Parameters {
				if prm.In == "path" {
					params = append(params, prm)
				}
			}
			if len(params) == 1 {
				p.Errors = []ProblemField{{Field: params[0].Name, Location: "path." + params[0].Name,
					Rule: "must identify something that exists and that you may see"}}
			}
		}
	}
	setProblemHeaders(p, hctx.SetHeader)
	return p
}

func setProblemHeaders(p *Problem, set func(name, value string)) {
	if p.Status < 400 {
		return // 304 Not Modified goes through huma's error path too
	}
	switch p.Status {
	case http.StatusUnauthorized:
		set("WWW-Authenticate", `Bearer realm="allvoice"`)
	case http.StatusServiceUnavailable:
		set("Retry-After", "5")
	}
	set("Cache-Control", "no-store")
}

func init() {
	// huma's error constructors are package variables; replacing them once
	// here gives the whole process one problem shape (only this package
	// uses huma). The OpenAPI document then describes Problem as well.
	huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
		return problemFor(context.Background(), status, msg, errs...)
	}
	huma.NewErrorWithContext = humaError
}

// writeProblem sends p from plain fiber handlers and middleware.
func writeProblem(c *fiber.Ctx, p *Problem) error {
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	setProblemHeaders(p, func(name, value string) { c.Set(name, value) })
	c.Set(fiber.HeaderContentType, problemContentType)
	return c.Status(p.Status).Send(body)
}

// ErrorHandler is a fiber ErrorHandler that answers with problem+json. The
// server should use it for requests under /api/ (fiber calls it, for
// example, when a body exceeds fiber.Config.BodyLimit or a handler
// panics through the recover middleware).
func ErrorHandler(c *fiber.Ctx, err error) error {
	var fe *fiber.Error
	if errors.As(err, &fe) {
		if fe.Code >= 500 {
			return writeProblem(c, problemFor(c.UserContext(), fe.Code, "fiber error", err))
		}
		return writeProblem(c, newProblem(fe.Code, codeOf(fe.Code), http.StatusText(fe.Code)+"."))
	}
	return writeProblem(c, problemFor(c.UserContext(), http.StatusInternalServerError, "unhandled error", err))
}
