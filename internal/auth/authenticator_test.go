package auth_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo/v4"
	echomiddleware "github.com/oapi-codegen/echo-middleware"

	"github.com/todo-api/todo-api/internal/auth"
	"github.com/todo-api/todo-api/internal/authtest"
)

// spec is the smallest contract with a bearerAuth-protected operation.
const spec = `
openapi: 3.0.3
info: {title: authenticator test, version: "1"}
components:
  securitySchemes:
    bearerAuth: {type: http, scheme: bearer, bearerFormat: JWT}
security:
  - bearerAuth: []
paths:
  /api/me:
    get:
      operationId: getMe
      responses:
        "200": {description: the caller's user id}
`

// echoUnderTest wires v.Authenticator into echo-middleware's validator the way
// httpapi does, with a handler that echoes auth.UserID from the request context.
// The returned func reports the last *echo.HTTPError the validator produced.
func echoUnderTest(t *testing.T, v *auth.Verifier) (*echo.Echo, func() *echo.HTTPError) {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData([]byte(spec))
	if err != nil {
		t.Fatalf("load spec: %v", err)
	}
	var mu sync.Mutex
	var last *echo.HTTPError

	e := echo.New()
	e.Use(echomiddleware.OapiRequestValidatorWithOptions(doc, &echomiddleware.Options{
		Options: openapi3filter.Options{AuthenticationFunc: v.Authenticator()},
		ErrorHandler: func(_ echo.Context, he *echo.HTTPError) error {
			mu.Lock()
			last = he
			mu.Unlock()
			return he
		},
	}))
	e.GET("/api/me", func(c echo.Context) error {
		sub, ok := auth.UserID(c.Request().Context())
		if !ok {
			return c.String(http.StatusInternalServerError, "no user in request context")
		}
		return c.String(http.StatusOK, sub)
	})
	return e, func() *echo.HTTPError {
		mu.Lock()
		defer mu.Unlock()
		return last
	}
}

func TestAuthenticator(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	v := newVerifier(t, iss.AuthConfig())
	valid := iss.Token(t, sub)
	expired := iss.Token(t, sub, authtest.WithExpiry(time.Now().Add(-time.Hour)))

	tests := []struct {
		name     string
		header   []string // Authorization values
		wantCode int
		wantErr  error // sentinel in HTTPError.Internal
	}{
		{name: "ValidToken", header: []string{"Bearer " + valid}, wantCode: http.StatusOK},
		{name: "LowercaseScheme", header: []string{"bearer " + valid}, wantCode: http.StatusOK},
		{name: "NoHeader", wantCode: http.StatusUnauthorized, wantErr: auth.ErrNoToken},
		{name: "EmptyHeader", header: []string{""}, wantCode: http.StatusUnauthorized, wantErr: auth.ErrNoToken},
		{name: "BasicScheme", header: []string{"Basic dXNlcjpwYXNz"}, wantCode: http.StatusUnauthorized, wantErr: auth.ErrNoToken},
		{name: "BearerWithoutToken", header: []string{"Bearer"}, wantCode: http.StatusUnauthorized, wantErr: auth.ErrNoToken},
		{name: "Garbage", header: []string{"Bearer not.a.jwt"}, wantCode: http.StatusUnauthorized, wantErr: auth.ErrInvalidToken},
		{name: "Expired", header: []string{"Bearer " + expired}, wantCode: http.StatusUnauthorized, wantErr: auth.ErrInvalidToken},
		{name: "TwoHeaders", header: []string{"Bearer " + valid, "Bearer " + valid}, wantCode: http.StatusUnauthorized, wantErr: auth.ErrInvalidToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, lastErr := echoUnderTest(t, v)
			req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/api/me", nil)
			for _, h := range tt.header {
				req.Header.Add("Authorization", h)
			}
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)

			if rec.Code != tt.wantCode {
				t.Fatalf("status = %d, want %d; body %q", rec.Code, tt.wantCode, rec.Body)
			}
			if tt.wantCode == http.StatusOK {
				if rec.Body.String() != sub {
					t.Fatalf("handler saw user %q, want %q", rec.Body, sub)
				}
				return
			}
			he := lastErr()
			if he == nil {
				t.Fatal("validator produced no *echo.HTTPError")
			}
			if !errors.Is(he.Internal, tt.wantErr) {
				t.Fatalf("Internal = %v, want %v", he.Internal, tt.wantErr)
			}
			for _, tok := range []string{valid, expired} {
				if strings.Contains(rec.Body.String(), tok) || strings.Contains(he.Error(), tok[:20]) {
					t.Fatal("the response echoes the token")
				}
			}
		})
	}
}

func TestAuthenticatorKeysUnavailableIs503(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	iss.SetDown(true)
	cfg := iss.AuthConfig()
	cfg.WarmupTimeout = 200 * time.Millisecond
	v := newVerifier(t, cfg)
	e, lastErr := echoUnderTest(t, v)

	req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/api/me", nil)
	req.Header.Set("Authorization", "Bearer "+iss.Token(t, sub))
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("status = %d, want 503", rec.Code)
	}
	if he := lastErr(); he == nil || !errors.Is(he.Internal, auth.ErrKeysUnavailable) {
		t.Fatalf("HTTPError = %v, want Internal ErrKeysUnavailable", he)
	}
}

func TestAuthenticatorReturnsUnwrappedHTTPError(t *testing.T) {
	t.Parallel()
	iss := authtest.NewIssuer(t)
	v := newVerifier(t, iss.AuthConfig())
	authn := v.Authenticator()

	tests := []struct {
		name     string
		header   string
		echoCtx  bool
		scheme   *openapi3.SecurityScheme
		wantCode int
		wantErr  error
	}{
		{name: "Missing", echoCtx: true, wantCode: http.StatusUnauthorized, wantErr: auth.ErrNoToken},
		{name: "Invalid", header: "Bearer x.y.z", echoCtx: true, wantCode: http.StatusUnauthorized, wantErr: auth.ErrInvalidToken},
		{name: "NoEchoContext", header: "Bearer " + iss.Token(t, sub), wantCode: http.StatusInternalServerError},
		{
			name: "NotABearerScheme", header: "Bearer " + iss.Token(t, sub), echoCtx: true,
			scheme:   &openapi3.SecurityScheme{Type: "apiKey", In: "header", Name: "X-API-Key"},
			wantCode: http.StatusInternalServerError,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequestWithContext(t.Context(), http.MethodGet, "/api/me", nil)
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}
			ctx := context.Background()
			if tt.echoCtx {
				c := echo.New().NewContext(req, httptest.NewRecorder())
				//lint:ignore SA1029 echo-middleware's own (string) key, as the middleware sets it
				ctx = context.WithValue(ctx, echomiddleware.EchoContextKey, c)
			}
			err := authn(ctx, &openapi3filter.AuthenticationInput{
				RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req},
				SecuritySchemeName:     "bearerAuth",
				SecurityScheme:         tt.scheme,
			})
			he, ok := err.(*echo.HTTPError) // the middleware does a plain type assertion too
			if !ok {
				t.Fatalf("err = %T %v, want a bare *echo.HTTPError", err, err)
			}
			if he.Code != tt.wantCode {
				t.Fatalf("code = %d, want %d", he.Code, tt.wantCode)
			}
			if tt.wantErr != nil && !errors.Is(he.Internal, tt.wantErr) {
				t.Fatalf("Internal = %v, want %v", he.Internal, tt.wantErr)
			}
		})
	}
}

func TestBearerToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		header  string
		want    string
		wantErr error
	}{
		{header: "", wantErr: auth.ErrNoToken},
		{header: "   ", wantErr: auth.ErrNoToken},
		{header: "Bearer", wantErr: auth.ErrNoToken},
		{header: "Bearer ", wantErr: auth.ErrNoToken},
		{header: "Basic dXNlcjpwYXNz", wantErr: auth.ErrNoToken},
		{header: "Bearerabc", wantErr: auth.ErrNoToken},
		{header: "Bearer abc", want: "abc"},
		{header: "bearer abc", want: "abc"},
		{header: "BEARER abc", want: "abc"},
		{header: "Bearer   abc", want: "abc"},
		{header: "Bearer abc ", want: "abc"},
		{header: "Bearer a b", wantErr: auth.ErrInvalidToken},
		{header: "Bearer a\tb", wantErr: auth.ErrInvalidToken},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			t.Parallel()
			got, err := auth.BearerToken(tt.header)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("BearerToken(%q) = %q, %v; want %v", tt.header, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("BearerToken(%q) = %q, %v; want %q", tt.header, got, err, tt.want)
			}
		})
	}
}

func TestUserID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		ctx    context.Context
		want   string
		wantOK bool
	}{
		{name: "Set", ctx: auth.WithUserID(context.Background(), sub), want: sub, wantOK: true},
		{name: "Missing", ctx: context.Background()},
		{name: "Empty", ctx: auth.WithUserID(context.Background(), "")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := auth.UserID(tt.ctx)
			if got != tt.want || ok != tt.wantOK {
				t.Fatalf("UserID = %q, %t; want %q, %t", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}
