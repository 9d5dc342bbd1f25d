package httpapi

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/todo-api/todo-api/internal/events"
)

// metrics holds the service's Prometheus instruments, registered on its own registry (no
// global state).
type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

// newMetrics registers the HTTP instruments, the Go runtime's and the process's collectors
// and more on reg.
func newMetrics(reg *prometheus.Registry, more ...prometheus.Collector) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "http_requests_total",
			Help: "HTTP requests by route template, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "http_request_duration_seconds",
			Help:    "HTTP request latency by route template and method.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "method"}),
	}
	all := append([]prometheus.Collector{m.requests, m.latency,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})}, more...)
	for _, c := range all {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register metrics: %w", err)
		}
	}
	return m, nil
}

// observe records one request. Every label is bounded: route is a route template
// (routeOf), method a methodLabel and status one of the statuses the service answers.
func (m *metrics) observe(route, method string, status int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route, method).Observe(d.Seconds())
}

// methodLabel is how metrics and logs name a request method: as sent when it is one of
// the methods net/http knows, else OTHER. A method is any token the client likes, of any
// length, so it must never become a label or a log field as sent.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return method
	}
	return "OTHER"
}

// routeOf is the template of the route that answered (Echo's, e.g. /api/tasks/:id), or
// "unmatched": never the path as sent.
func routeOf(c echo.Context) string {
	if p := c.Path(); p != "" && c.Response().Status != 404 {
		return p
	}
	return "unmatched"
}

// streamsGauge counts the hub's open live event streams (GET /api/events).
func streamsGauge(hub *events.Hub) prometheus.Collector {
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "todo_event_streams",
		Help: "Open live event streams (GET /api/events) of this process.",
	}, func() float64 { return float64(hub.Count()) })
}
