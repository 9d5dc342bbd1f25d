package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo/v4"
	echomiddleware "github.com/oapi-codegen/echo-middleware"
)

// Messages of the HTTP errors returned by Authenticator: short, generic, never
// derived from the token.
const (
	msgNoToken         = "missing bearer token"
	msgInvalidToken    = "invalid bearer token"
	msgKeysUnavailable = "authentication temporarily unavailable"
)

// errNoEchoContext means Authenticator ran outside echo-middleware's validator.
var errNoEchoContext = errors.New("auth: no echo context in authentication context")

// Authenticator returns the kin-openapi AuthenticationFunc for the spec's bearer
// scheme ("bearerAuth"), for echo-middleware's OapiRequestValidatorWithOptions.
//
// On success the user id goes into the *request* context (strict handlers see only
// that), readable with UserID. On failure it returns an unwrapped *echo.HTTPError,
// because the middleware turns anything else into 403:
//   - 401 with Internal wrapping ErrNoToken (no/other-scheme Authorization header)
//     or ErrInvalidToken (the token was rejected);
//   - 503 with Internal wrapping ErrKeysUnavailable while no key set has loaded.
//
// The error handler sets WWW-Authenticate (and Retry-After for 503) from Internal.
func (v *Verifier) Authenticator() openapi3filter.AuthenticationFunc {
	return func(ctx context.Context, in *openapi3filter.AuthenticationInput) error {
		c := echomiddleware.GetEchoContext(ctx)
		if c == nil {
			return &echo.HTTPError{Code: http.StatusInternalServerError, Message: http.StatusText(http.StatusInternalServerError), Internal: errNoEchoContext}
		}
		if s := in.SecurityScheme; s != nil && (s.Type != "http" || !strings.EqualFold(s.Scheme, "bearer")) {
			return &echo.HTTPError{
				Code:     http.StatusInternalServerError,
				Message:  http.StatusText(http.StatusInternalServerError),
				Internal: fmt.Errorf("auth: security scheme %q is not http bearer", in.SecuritySchemeName),
			}
		}

		header := in.RequestValidationInput.Request.Header.Values(echo.HeaderAuthorization)
		if len(header) > 1 {
			return httpError(fmt.Errorf("%w: more than one Authorization header", ErrInvalidToken))
		}
		var token string
		var err error
		if len(header) == 0 {
			err = ErrNoToken
		} else {
			token, err = BearerToken(header[0])
		}
		if err != nil {
			return httpError(err)
		}

		req := c.Request()
		id, err := v.VerifyIdentity(req.Context(), token)
		if err != nil {
			return httpError(err)
		}
		c.SetRequest(req.WithContext(WithIdentity(req.Context(), id)))
		return nil
	}
}

// httpError maps a Verify/BearerToken error to the HTTP error the validator passes on.
func httpError(err error) *echo.HTTPError {
	switch {
	case errors.Is(err, ErrKeysUnavailable):
		return &echo.HTTPError{Code: http.StatusServiceUnavailable, Message: msgKeysUnavailable, Internal: err}
	case errors.Is(err, ErrNoToken):
		return &echo.HTTPError{Code: http.StatusUnauthorized, Message: msgNoToken, Internal: err}
	case errors.Is(err, ErrInvalidToken):
		return &echo.HTTPError{Code: http.StatusUnauthorized, Message: msgInvalidToken, Internal: err}
	default:
		// Not expected from Verify; still a 401, never a pass.
		return &echo.HTTPError{Code: http.StatusUnauthorized, Message: msgInvalidToken, Internal: fmt.Errorf("%w: %w", ErrInvalidToken, err)}
	}
}
