// Package httpapi is the service's HTTP layer: the Echo instance with its middleware, the
// handlers of the generated strict server (gen/api), the operational endpoints and the one
// error handler that renders every failure as application/problem+json.
//
// The middleware runs in this order: compression (compress.go: gzip for bodies of 1 KiB or
// more, never on a strong ETag), recover, request id, access log and metrics, body limit,
// CORS, then on /api: find the contract's operation (404, 405) and authenticate the caller
// as its security says (401), the per-user rate limit (429), and the OpenAPI request
// validator for parameters and body (400, 415, 422). So every authenticated answer counts
// against the caller's quota, and nothing reads a body before its sender is known.
//
// HEAD is answered wherever GET is, by GET's handler: net/http sends GET's status and
// headers, Content-Length included, and drops the body.
//
// One request, file by file: server.go builds the Echo instance from options.go's Options
// (compress.go gzips what it answers);
// requestlog.go gives the request its id and logs it; operation.go finds the contract's route
// (route.go) and authenticates the caller; ratelimit.go counts the request; validator.go
// checks its parameters and body against the contract; binder.go decodes the body
// (jsontext.go refuses text that decoding would alter). The handler — tasks.go, bulk.go,
// changes.go, stats.go or tags.go, over handlers.go's Store — checks its input
// (tasks_input.go, input.go, idempotency.go, cursor.go, conditional.go, timezone.go), calls
// the store and renders the answer (tasks_render.go, taskjson.go). Every failure becomes a
// problem in problem.go. ops.go and metrics.go serve the operational endpoints.
package httpapi
