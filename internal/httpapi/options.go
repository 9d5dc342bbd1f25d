package httpapi

import (
	"context"
	"log/slog"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/todo-api/todo-api/internal/events"
)

// MaxBodyBytes is the largest request body accepted (413 beyond).
const MaxBodyBytes = 64 << 10

// MaxHeaderBytes is the largest request header block `todo-api serve` accepts — request line
// and header fields as sent — (Options.MaxHeaderBytes; 431 problem+json beyond). The
// http.Server in front must allow more (ServerMaxHeaderBytes) for the check to see such
// requests at all.
const MaxHeaderBytes = 32 << 10

// ServerMaxHeaderBytes is what the http.Server should read of a header block: twice
// MaxHeaderBytes, so that oversized blocks up to there get this package's 431 problem; past
// it, net/http answers 431 itself, in plain text, without reading more.
const ServerMaxHeaderBytes = 2 * MaxHeaderBytes

// Authenticator provides the contract's bearerAuth check; *auth.Verifier implements it.
type Authenticator interface {
	Authenticator() openapi3filter.AuthenticationFunc
}

// Options wires the HTTP layer. Store, Auth and Logger are required.
type Options struct {
	Store  Store
	Auth   Authenticator
	Logger *slog.Logger
	// Ready reports readiness beyond the database answering (e.g. pending migrations).
	Ready func(ctx context.Context) error
	// Collectors are exported on /metrics beside the HTTP instruments and the Go runtime's
	// (serve passes the store's pool statistics).
	Collectors []prometheus.Collector
	// RateLimitPerUser is requests per second per user (bursts of twice that); 0 = off.
	RateLimitPerUser float64
	// CORSAllowedOrigins are the browser origins allowed to call /api; empty = no CORS.
	CORSAllowedOrigins []string
	// Version is reported by /healthz.
	Version string
	// Now is the service's clock: what "overdue" is computed with and what refills the rate
	// limiter's buckets; nil is time.Now (tests stop it).
	Now func() time.Time
	// MaxHeaderBytes, when positive, refuses larger request header blocks with a 431
	// problem (serve: the MaxHeaderBytes constant). 0 leaves the limit to the http.Server.
	MaxHeaderBytes int
	// Events, when set, serves GET /api/events from this hub (nil: 503) and counts its
	// streams on /metrics.
	Events *events.Hub
	// EventsHeartbeat is how often an idle event stream sends a comment (0: DefaultHeartbeat).
	EventsHeartbeat time.Duration
}
