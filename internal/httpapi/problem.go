package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/auth"
	"github.com/todo-api/todo-api/internal/store"
)

// Problem type URIs for the problems a client may want to tell apart. Plain HTTP errors use
// about:blank with the status text as title (RFC 9457 §4.2.1).
const (
	typeBlank          = "about:blank"
	typeValidation     = "urn:todo-api:problem:validation"
	typeBadRequest     = "urn:todo-api:problem:bad-request"
	typeIdempotencyKey = "urn:todo-api:problem:idempotency-key-reused"
	typePrecondition   = "urn:todo-api:problem:precondition-failed"
	typeRateLimited    = "urn:todo-api:problem:rate-limited"
	typeUnavailable    = "urn:todo-api:problem:unavailable"
	typeUnauthorized   = "urn:todo-api:problem:unauthorized"
	typeSyncExpired    = "urn:todo-api:problem:sync-expired"
	typeQuotaExceeded  = "urn:todo-api:problem:quota-exceeded"
	typeTooBusy        = "urn:todo-api:problem:too-busy"
	typeInbox          = "urn:todo-api:problem:inbox"
	typeForbidden      = "urn:todo-api:problem:forbidden"
	typeSharing        = "urn:todo-api:problem:sharing"
)

// tooBusyRetryAfter is what 429 too-busy answers tell clients to wait: the caller's own
// earlier requests hold its connections, and most requests take milliseconds.
const tooBusyRetryAfter = "1"

// retryAfterSeconds is what 503 answers tell clients to wait.
const retryAfterSeconds = "2"

// problemError is an error that knows its problem+json rendering. Handlers, middleware and
// the validator produce it; errorHandler renders it.
type problemError struct {
	status  int
	typ     string
	title   string
	detail  string
	fields  []api.FieldError
	headers map[string]string
	cause   error
}

func (p *problemError) Error() string {
	if p.cause != nil {
		return fmt.Sprintf("%d %s: %s: %v", p.status, p.title, p.detail, p.cause)
	}
	return fmt.Sprintf("%d %s: %s", p.status, p.title, p.detail)
}

func (p *problemError) Unwrap() error { return p.cause }

// body returns the problem document; instance is the request id.
func (p *problemError) body(instance string) api.Problem {
	pr := api.Problem{Type: p.typ, Title: p.title, Status: p.status}
	if pr.Type == "" {
		pr.Type = typeBlank
	}
	if pr.Title == "" {
		pr.Title = http.StatusText(p.status)
	}
	if p.detail != "" {
		pr.Detail = &p.detail
	}
	if instance != "" {
		pr.Instance = &instance
	}
	if n := len(p.fields); n > 0 {
		f := p.fields[:min(n, maxListedFields)]
		pr.Errors, pr.ErrorsTotal = &f, &n
	}
	return pr
}

// maxListedFields bounds the field errors a problem lists (the contract's Problem.errors):
// a request breaking thousands of rules gets a short answer, with errors_total counting them.
const maxListedFields = 20

// The problems: one constructor per shape, so that each is built in one place.

// newProblem is a problem of the given status and type with detail and nothing else.
func newProblem(status int, typ, detail string) *problemError {
	return &problemError{status: status, typ: typ, detail: detail}
}

// badRequest is the 400 for a request the service cannot take as sent: detail says what is
// wrong, fields name the parameters, if any; cause stays in the log.
func badRequest(detail string, cause error, fields ...api.FieldError) *problemError {
	return &problemError{status: http.StatusBadRequest, typ: typeBadRequest, title: "Bad request",
		detail: detail, fields: fields, cause: cause}
}

// bodyRequired is the 400 of an operation whose request body is required but absent.
func bodyRequired(cause error) *problemError {
	return badRequest("The request body is required.", cause)
}

// malformedJSON is the 400 for a request body that is not exactly one JSON value.
func malformedJSON(cause error) *problemError {
	return badRequest("The request body is not valid JSON.", cause)
}

// parameterProblem is the 400 for query, header or path parameters that break the rules
// named in fields.
func parameterProblem(fields []api.FieldError) *problemError {
	return badRequest("The request's parameters break "+rules(len(fields))+".", nil, fields...)
}

// badQuery is the 400 for one query parameter, field, that breaks the rule msg states.
func badQuery(field, msg string) *problemError {
	return badRequest("A query parameter is invalid.", nil, api.FieldError{Field: field, Message: msg})
}

// validationFailed is the 422 for a request whose content breaks the contract's rules or
// the database's: detail says which, fields name them, if the service can.
func validationFailed(detail string, cause error, fields ...api.FieldError) *problemError {
	return &problemError{status: http.StatusUnprocessableEntity, typ: typeValidation, title: "Validation failed",
		detail: detail, fields: fields, cause: cause}
}

// validationProblem is the 422 for a request body that breaks the rules named in fields.
func validationProblem(fields []api.FieldError) *problemError {
	return validationFailed("The request breaks "+rules(len(fields))+".", nil, fields...)
}

// tooLarge is the 413 for a body over MaxBodyBytes.
func tooLarge(cause error) *problemError {
	p := newProblem(http.StatusRequestEntityTooLarge, typeBlank, "The request body is over 64 KiB.")
	p.cause = cause
	return p
}

// internalProblem is the 500 of an error the service did not expect; cause is logged, never
// sent.
func internalProblem(cause error) *problemError {
	return &problemError{status: http.StatusInternalServerError, detail: "An unexpected error occurred; it has been logged.", cause: cause}
}

func rules(n int) string {
	if n == 1 {
		return "1 rule"
	}
	return fmt.Sprintf("%d rules", n)
}

func notFoundProblem() *problemError {
	return newProblem(http.StatusNotFound, typeBlank, "No such task.")
}

// unavailableProblem is the 503 for a dependency that is down: the database, or the
// identity provider's key set (cause says which; nil is the database).
func unavailableProblem(cause error) *problemError {
	detail := "The service cannot reach its database right now; retry shortly."
	if errors.Is(cause, auth.ErrKeysUnavailable) {
		detail = "The service cannot fetch the keys that sign access tokens right now; retry shortly."
	}
	return &problemError{
		status: http.StatusServiceUnavailable, typ: typeUnavailable,
		detail:  detail,
		headers: map[string]string{"Retry-After": retryAfterSeconds}, cause: cause,
	}
}

// toProblem maps any error that reaches the edge to its problem. It is the one place where
// errors become HTTP statuses; an error it does not recognise is a 500.
func toProblem(err error) *problemError {
	var p *problemError
	if errors.As(err, &p) {
		return p
	}
	switch {
	case errors.Is(err, store.ErrListNotFound):
		// A list the caller is no member of is answered exactly as one that does not exist.
		return newProblem(http.StatusNotFound, typeBlank, "No such list.")
	case errors.Is(err, store.ErrMemberNotFound):
		return newProblem(http.StatusNotFound, typeBlank, "No such member of this list.")
	case errors.Is(err, store.ErrInviteNotFound):
		// Unknown, used, revoked, expired, or its list gone: one answer.
		return newProblem(http.StatusNotFound, typeBlank, "No such invite.")
	case errors.Is(err, store.ErrForbidden):
		return &problemError{status: http.StatusForbidden, typ: typeForbidden, title: "Forbidden",
			detail: "Your role in this list does not allow this.", cause: err}
	case errors.Is(err, store.ErrSharingConflict):
		return &problemError{status: http.StatusConflict, typ: typeSharing, title: "Sharing conflict", detail: sharingDetail(err), cause: err}
	case errors.Is(err, store.ErrNotFound):
		return notFoundProblem()
	case errors.Is(err, store.ErrInboxConflict):
		return &problemError{status: http.StatusConflict, typ: typeInbox, title: "The inbox stays",
			detail: "The inbox cannot be renamed, deleted or moved; its colour may change.", cause: err}
	case errors.Is(err, store.ErrNoSuchAfterList):
		// Unknown, deleted, someone else's or the list itself: one answer.
		return validationProblem([]api.FieldError{{Field: "/after_id", Message: "must be another of your lists (not deleted), or null for the first place"}})
	case errors.Is(err, store.ErrPreconditionFailed):
		return newProblem(http.StatusPreconditionFailed, typePrecondition, "The task has changed since the ETag in If-Match.")
	case errors.Is(err, store.ErrIdempotencyMismatch):
		return &problemError{status: http.StatusUnprocessableEntity, typ: typeIdempotencyKey, title: "Idempotency-Key reused",
			detail: "This Idempotency-Key was used with a different request body in the last 24 hours.",
			fields: []api.FieldError{{Field: "header.Idempotency-Key", Message: "already used with a different body"}}}
	case errors.As(err, new(*store.GoneError)):
		var gone *store.GoneError
		errors.As(err, &gone)
		return &problemError{status: http.StatusGone, typ: typeSyncExpired, title: "Sync expired",
			detail: fmt.Sprintf("Tasks deleted after updated_after may have been purged (tombstones are kept %d days): "+
				"discard the local copy and sync again without updated_after.", int(gone.Retention.Hours()/24))}
	case errors.Is(err, store.ErrQuotaExceeded):
		return &problemError{status: http.StatusConflict, typ: typeQuotaExceeded, title: "Quota exceeded", detail: quotaDetail(err), cause: err}
	case errors.Is(err, store.ErrTooBusy):
		return &problemError{status: http.StatusTooManyRequests, typ: typeTooBusy, title: "Too busy",
			detail:  "Too many of your requests are using the database at once; retry after Retry-After, with fewer requests in flight.",
			headers: map[string]string{"Retry-After": tooBusyRetryAfter}, cause: err}
	case errors.Is(err, store.ErrUnavailable), errors.Is(err, auth.ErrKeysUnavailable):
		return unavailableProblem(err)
	case errors.Is(err, echo.ErrStatusRequestEntityTooLarge):
		return tooLarge(nil)
	case errors.Is(err, store.ErrDueTimeWithoutDate):
		return validationProblem([]api.FieldError{{Field: "/due_time", Message: "needs a due_date: this task has none"}})
	case errors.Is(err, store.ErrRepeatWithoutDate):
		return validationProblem([]api.FieldError{{Field: "/repeat", Message: "needs a due_date: this task has none"}})
	case errors.Is(err, store.ErrNoSuchList):
		// Unknown, deleted or someone else's: one answer (no existence oracle).
		return validationProblem([]api.FieldError{{Field: "/list_id", Message: "must be one of your lists (not deleted)"}})
	case errors.As(err, new(*store.ParentError)):
		var pe *store.ParentError
		errors.As(err, &pe)
		return validationProblem([]api.FieldError{{Field: "/parent_id", Message: pe.Reason}})
	case errors.Is(err, store.ErrSubtaskRepeats):
		return validationProblem([]api.FieldError{{Field: "/repeat", Message: "a subtask cannot repeat: must be none"}})
	case errors.Is(err, store.ErrNoSuchAfter):
		// Unknown, deleted, someone else's or the task itself: one answer.
		return validationProblem([]api.FieldError{{Field: "/after_id", Message: "must be another of your tasks (not deleted) with the same list and parent, or null for the top"}})
	case errors.Is(err, store.ErrInvalid):
		return validationFailed("A value was refused by the database.", err)
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return fromHTTPError(he)
	}
	return internalProblem(err)
}

// quotaDetail says which quota a store.ErrQuotaExceeded is about, naming its limit.
func quotaDetail(err error) string {
	switch {
	case errors.Is(err, store.ErrTaskQuota):
		return fmt.Sprintf("A user may have at most %d live tasks: delete some first.", store.MaxLiveTasks)
	case errors.Is(err, store.ErrTagQuota):
		return fmt.Sprintf("A user's tasks may carry at most %d distinct tags: this change would add more. Use tags you have, or drop one from all its tasks first.", store.MaxTags)
	case errors.Is(err, store.ErrListQuota):
		return fmt.Sprintf("A user may own at most %d lists, the inbox included: delete one first.", store.MaxLists)
	case errors.Is(err, store.ErrIdempotencyKeyQuota):
		return fmt.Sprintf("A user may hold at most %d Idempotency-Keys, each for 24 hours after its first use: retry when older keys have expired, or without a key.", store.MaxIdempotencyKeys)
	}
	return "The change would go beyond one of your quotas."
}

// sharingDetail says which rule of sharing a store.ErrSharingConflict broke.
func sharingDetail(err error) string {
	switch {
	case errors.Is(err, store.ErrInboxNotShared):
		return "The inbox cannot be shared."
	case errors.Is(err, store.ErrListFull):
		return fmt.Sprintf("A list has at most %d members, its owner included.", store.MaxListMembers)
	case errors.Is(err, store.ErrOwnerRole):
		return "The owner's role cannot change."
	case errors.Is(err, store.ErrOwnerLeaves):
		return "The owner cannot leave the list; delete it instead."
	}
	return "The change breaks a rule of sharing."
}

// fromHTTPError maps Echo's and the middleware's errors.
func fromHTTPError(he *echo.HTTPError) *problemError {
	if he.Internal != nil {
		if p := toProblem(he.Internal); p.status != http.StatusInternalServerError {
			// An explicit code on the HTTPError wins over what its cause suggests, except
			// when the cause is a precise problem of ours.
			var own *problemError
			if errors.As(he.Internal, &own) || p.status == he.Code {
				return p
			}
		}
	}
	switch he.Code {
	case http.StatusUnauthorized:
		p := &problemError{status: http.StatusUnauthorized, typ: typeUnauthorized, cause: he.Internal}
		if he.Internal != nil && errors.Is(he.Internal, auth.ErrNoToken) {
			p.detail = "This operation needs an Authorization: Bearer token."
			p.headers = map[string]string{"WWW-Authenticate": `Bearer`}
		} else {
			p.detail = "The bearer token is invalid or expired."
			p.headers = map[string]string{"WWW-Authenticate": `Bearer error="invalid_token"`}
		}
		return p
	case http.StatusNotFound:
		return newProblem(http.StatusNotFound, typeBlank, "No such resource.")
	case http.StatusMethodNotAllowed:
		return newProblem(http.StatusMethodNotAllowed, typeBlank, "This method is not allowed on this resource.")
	case http.StatusRequestEntityTooLarge:
		return tooLarge(nil)
	case http.StatusUnsupportedMediaType:
		return newProblem(http.StatusUnsupportedMediaType, typeBlank, "The request body must be JSON (Content-Type: application/json).")
	case http.StatusServiceUnavailable:
		return unavailableProblem(he.Internal)
	case http.StatusBadRequest:
		// The generated parameter binding refusing what the validator let through (the
		// validator is meant to refuse all of it first, naming the parameter): its message
		// quotes the raw value, so it stays in the log.
		return badRequest("A parameter of the request is malformed.", he)
	}
	if he.Code >= 400 && he.Code < 500 {
		detail := http.StatusText(he.Code)
		if m, ok := he.Message.(string); ok && m != "" {
			detail = m
		}
		return &problemError{status: he.Code, typ: typeBlank, detail: detail, cause: he.Internal}
	}
	return internalProblem(he)
}

// errorHandler returns Echo's error handler: it renders every error as
// application/problem+json, validator, router, binder, handler and recovered panics alike.
// Unexpected errors are logged to logger with the request id; their details never reach
// the client.
func errorHandler(logger *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			logger.ErrorContext(c.Request().Context(), "error after response was sent", "err", err, "request_id", requestID(c))
			return
		}
		p := toProblem(err)
		if errors.Is(err, context.Canceled) {
			// The client went away; nobody reads this answer.
			p = &problemError{status: 499, title: "Client Closed Request", cause: err}
		}
		rid := requestID(c)
		switch {
		case p.status >= 500 && p.status != http.StatusServiceUnavailable:
			logger.ErrorContext(c.Request().Context(), "request failed", "err", err, "request_id", rid,
				"method", methodLabel(c.Request().Method), "route", routeOf(c))
		case p.status == http.StatusServiceUnavailable:
			logger.WarnContext(c.Request().Context(), "service unavailable", "err", err, "request_id", rid)
		default:
			logger.DebugContext(c.Request().Context(), "request refused", "status", p.status, "err", err, "request_id", rid)
		}
		h := c.Response().Header()
		for k, v := range p.headers {
			h.Set(k, v)
		}
		if errors.Is(err, echo.ErrNotFound) || errors.Is(err, echo.ErrMethodNotAllowed) {
			// No route for the request's path or method (Echo's router, or on /api the
			// contract's, which set Allow): its body is unread.
			refusedUnread(c)
		}
		if p.status == http.StatusRequestEntityTooLarge {
			// The rest of the body stays unread: without this, net/http would first try to
			// drain up to 256 KiB more of it, and a chunked body that never ends would hold
			// the answer back until the read timeout.
			h.Set("Connection", "close")
		}
		h.Set(echo.HeaderContentType, "application/problem+json")
		h.Set("Cache-Control", "no-store")
		// Also for HEAD: net/http drops the body and sends GET's Content-Length.
		if werr := c.JSON(p.status, p.body(rid)); werr != nil {
			logger.ErrorContext(c.Request().Context(), "write problem", "err", werr, "request_id", rid)
		}
	}
}

// fieldErrors collects the rules a request body breaks.
type fieldErrors []api.FieldError

func (fe *fieldErrors) add(field, format string, args ...any) {
	*fe = append(*fe, api.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (fe fieldErrors) err() error {
	if len(fe) == 0 {
		return nil
	}
	return validationProblem(fe)
}

// refusedUnread readies the answer to a request refused before anything read its body: for
// its path or method (errorHandler), its token or its rate. Of a body of unknown length
// (chunked), net/http would read up to 256 KiB before it sends the answer, waiting as long
// as the client takes to send them, or forever; so the connection closes after the answer
// instead.
func refusedUnread(c echo.Context) {
	if c.Request().ContentLength < 0 {
		c.Response().Header().Set(echo.HeaderConnection, "close")
	}
}
