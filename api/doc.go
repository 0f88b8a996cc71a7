// Package api is Allvoice's JSON API under /api/v1, built with huma on
// fiber v2: one operation per engine use case, request DTOs whose struct
// tags reject malformed shapes early and document them in the OpenAPI 3.1
// document served at /api/v1/openapi.json, bearer and cookie
// authentication, rate limits on the anonymous entry points, one error
// mapper that turns every failure into application/problem+json (RFC 9457),
// and the operational endpoints /healthz, /readyz and /metrics.
//
// The package talks to package engine only. The engine validates every
// input and decides who may do what; this package translates HTTP to
// engine calls and engine errors to HTTP, and never logs bodies, tokens,
// rating values or reasons.
package api
