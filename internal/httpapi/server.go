package httpapi

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/todo-api/todo-api/gen/api"
)

// Server is the HTTP handler of the service.
type Server struct {
	echo *echo.Echo
}

// New builds the HTTP handler. It is the same wiring in production and in tests.
func New(o Options) (*Server, error) {
	if o.Store == nil || o.Auth == nil || o.Logger == nil {
		return nil, errors.New("httpapi: Store, Auth and Logger are required")
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	spec, err := loadContract()
	if err != nil {
		return nil, err
	}
	ops, err := newOperations(spec, o.Auth.Authenticator())
	if err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	collectors := o.Collectors
	if o.Events != nil {
		collectors = append(collectors[:len(collectors):len(collectors)], streamsGauge(o.Events))
	}
	m, err := newMetrics(reg, collectors...)
	if err != nil {
		return nil, err
	}

	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Binder = jsonBinder{}
	e.JSONSerializer = jsonSerializer{}
	e.HTTPErrorHandler = errorHandler(o.Logger)
	e.Use(
		compress,
		middleware.RecoverWithConfig(middleware.RecoverConfig{
			DisableStackAll:   true,
			DisablePrintStack: true,
			LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
				o.Logger.ErrorContext(c.Request().Context(), "panic", "err", err, "request_id", requestID(c), "stack", string(stack))
				return fmt.Errorf("recovered panic: %w", err)
			},
		}),
		requestIDMiddleware,
		accessLog(o.Logger, m),
		middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: fmt.Sprintf("%dB", MaxBodyBytes)}),
		keepBodyOpen,
	)
	if o.MaxHeaderBytes > 0 {
		e.Use(headerLimit(o.MaxHeaderBytes))
	}
	if len(o.CORSAllowedOrigins) > 0 {
		e.Use(middleware.CORSWithConfig(middleware.CORSConfig{
			AllowOrigins:  o.CORSAllowedOrigins,
			AllowMethods:  []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete},
			AllowHeaders:  []string{"Authorization", "Content-Type", "If-Match", "If-None-Match", "Idempotency-Key", "X-Request-ID", "Last-Event-ID"},
			ExposeHeaders: []string{"ETag", "Location", "Link", "Retry-After", "X-Request-ID", "RateLimit", "RateLimit-Policy"},
			MaxAge:        600,
		}))
	}
	e.Use(ops.middleware)
	if o.RateLimitPerUser > 0 {
		e.Use(newUserLimiter(o.RateLimitPerUser, now).middleware)
	}
	e.Use(newValidator(spec))

	api.RegisterHandlers(headWithGet{e}, api.NewStrictHandler(&handlers{store: o.Store, now: now, cursorKey: &cursorKey{load: o.Store.CursorKey}, events: o.Events, heartbeat: cmp.Or(o.EventsHeartbeat, DefaultHeartbeat)}, nil))
	if err := registerOps(headWithGet{e}, reg, o.Version, o.Store.Ping, o.Ready); err != nil {
		return nil, err
	}
	// Unknown routes answer 404 and known routes with another method 405, both rendered as
	// problem+json by errorHandler. (A RouteNotFound("/*") handler would turn every 405 of
	// the operational endpoints into a 404: Echo prefers it to its 405.)
	return &Server{echo: e}, nil
}

// keepBodyOpen stops middleware and handlers from closing the request body, which net/http
// closes itself once the response is written. Closed early (kin-openapi's validator closes
// the body it has read, also when the body limit cut it short), net/http first reads up to
// 256 KiB more of it, so a client that stops sending a chunked body over the limit would
// get its 413 only at the read timeout.
func keepBodyOpen(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if req := c.Request(); req.Body != nil && req.Body != http.NoBody {
			req.Body = unclosableBody{req.Body}
		}
		return next(c)
	}
}

type unclosableBody struct{ io.ReadCloser }

func (unclosableBody) Close() error { return nil }

// headWithGet registers every GET route for HEAD as well (the generated RegisterHandlers
// and registerOps take it). GET's handler answers; for a HEAD request net/http drops the
// body it writes and sends the headers GET would get, Content-Length included where GET
// has one (a body under its 2 KiB buffer; a longer one goes chunked, without).
type headWithGet struct{ *echo.Echo }

// GET adds h for GET and HEAD on path.
func (r headWithGet) GET(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route {
	r.Echo.HEAD(path, h, m...)
	return r.Echo.GET(path, h, m...)
}

// ServeHTTP serves one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

// headerLimit refuses a request whose header block is over max bytes with 431.
func headerLimit(max int) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			// As sent: "METHOD target PROTO\r\n", then "Key: value\r\n" per field.
			n := len(r.Method) + len(r.RequestURI) + len(r.Proto) + 4
			for k, vs := range r.Header {
				for _, v := range vs {
					n += len(k) + len(v) + 4
				}
			}
			n += len("Host") + len(r.Host) + 4 // net/http moves Host out of Header
			if n > max {
				return newProblem(http.StatusRequestHeaderFieldsTooLarge, typeBlank,
					fmt.Sprintf("The request's header block is %d bytes, over the %d KiB allowed.", n, max>>10))
			}
			return next(c)
		}
	}
}
