package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/labstack/echo/v4"
	echomiddleware "github.com/oapi-codegen/echo-middleware"
)

// operations takes the first steps of every /api request: it finds the contract's
// operation (404 for an unknown path, 405 for a method the path lacks) and, when the
// contract's security says the operation needs a scheme, authenticates the caller (401,
// or 503 while the keys are unavailable). Nothing has read the request body by then. The
// per-user rate limit runs next, then the validator checks parameters and body
// (newValidator), so a request is authenticated, then counted, then validated.
type operations struct {
	router routers.Router
	authn  openapi3filter.AuthenticationFunc
	// security is each operation's security requirements, taken out of the contract.
	security map[*openapi3.Operation]openapi3.SecurityRequirements
}

// routeMatch is the contract's route that operations found for a request, with its path
// parameters (under routeMatchKey in the Echo context), for the validator.
type routeMatch struct {
	route  *routers.Route
	params map[string]string // path parameters, unescaped
}

// routeMatchKey is where operations leaves the routeMatch in the Echo context.
const routeMatchKey = "httpapi.operation"

// newOperations routes spec's operations and authenticates with authn. It moves every
// operation's security requirements (its own, or the document's) out of spec into
// operations: they are checked once, here, before the rate limit, and the validator, which
// runs after the rate limit on the same spec, finds none to check again.
func newOperations(spec *openapi3.T, authn openapi3filter.AuthenticationFunc) (*operations, error) {
	router, err := newRouter(spec)
	if err != nil {
		return nil, fmt.Errorf("route the contract: %w", err)
	}
	o := &operations{router: router, authn: authn, security: map[*openapi3.Operation]openapi3.SecurityRequirements{}}
	for _, item := range spec.Paths.Map() {
		for _, op := range item.Operations() {
			sec := spec.Security
			if op.Security != nil {
				sec = *op.Security
			}
			o.security[op] = sec
			op.Security = &openapi3.SecurityRequirements{}
		}
	}
	return o, nil
}

// middleware finds the operation of an /api request and authenticates its caller.
func (o *operations) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if !strings.HasPrefix(req.URL.Path, "/api/") && req.URL.Path != "/api" {
			return next(c)
		}
		find := req
		if req.Method == http.MethodHead {
			// HEAD is GET without the body (RFC 9110 §9.3.2): GET's operation answers it.
			get := *req
			get.Method = http.MethodGet
			find = &get
		}
		route, params, err := o.router.FindRoute(find)
		switch {
		case errors.Is(err, routers.ErrMethodNotAllowed):
			c.Response().Header().Set(echo.HeaderAllow, o.allow(req))
			return echo.ErrMethodNotAllowed // as Echo's router answers
		case err != nil:
			return echo.ErrNotFound
		}
		// The router gives path parameters as sent, percent-encoded; the validator
		// expects them decoded.
		for k, v := range params {
			if unescaped, err := url.PathUnescape(v); err == nil {
				params[k] = unescaped
			}
		}
		if sec := o.security[route.Operation]; len(sec) > 0 {
			if err := o.authenticate(c, route, params, sec); err != nil {
				refusedUnread(c)
				return err
			}
		}
		c.Set(routeMatchKey, &routeMatch{route: route, params: params})
		return next(c)
	}
}

// authenticate checks the request against the operation's security requirements with
// authn, which on success puts the user id into the request context. The authentication
// functions see the request without its body, so nothing reads a body before its sender
// is known (kin-openapi would read it all, for functions that sign bodies).
func (o *operations) authenticate(c echo.Context, route *routers.Route, params map[string]string, sec openapi3.SecurityRequirements) error {
	bodiless := *c.Request()
	bodiless.Body, bodiless.GetBody, bodiless.ContentLength = http.NoBody, nil, 0
	in := &openapi3filter.RequestValidationInput{
		Request: &bodiless, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: o.authn},
	}
	// The authentication function finds the Echo context where echo-middleware's validator
	// would put it.
	//lint:ignore SA1029 the key is echo-middleware's, a plain string
	ctx := context.WithValue(c.Request().Context(), echomiddleware.EchoContextKey, c)
	err := openapi3filter.ValidateSecurityRequirements(ctx, in, sec)
	if err == nil {
		return nil
	}
	// authn answers with the *echo.HTTPError to send (401, 503); anything else is a 401.
	var sre *openapi3filter.SecurityRequirementsError
	if errors.As(err, &sre) {
		for _, e := range sre.Errors {
			var he *echo.HTTPError
			if errors.As(e, &he) {
				return he
			}
		}
	}
	return &echo.HTTPError{Code: http.StatusUnauthorized, Message: http.StatusText(http.StatusUnauthorized), Internal: err}
}

// allow lists the methods the contract has for req's path, for the Allow header of a 405:
// its operations' methods, and HEAD with GET. (Echo's router cannot say: it may route the
// path to another template, as /api/tasks/bulk to /api/tasks/:id for GET.)
func (o *operations) allow(req *http.Request) string {
	probe := *req
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete,
		http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodConnect} {
		probe.Method = m
		route, _, err := o.router.FindRoute(&probe)
		if err != nil {
			continue
		}
		var methods []string
		for method := range route.PathItem.Operations() {
			methods = append(methods, method)
			if method == http.MethodGet {
				methods = append(methods, http.MethodHead)
			}
		}
		slices.Sort(methods)
		return strings.Join(methods, ", ")
	}
	return ""
}
