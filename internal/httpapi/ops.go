package httpapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/swaggest/swgui"
	"github.com/swaggest/swgui/v5emb"

	"github.com/todo-api/todo-api/api/contracts"
	"github.com/todo-api/todo-api/gen/api"
)

// registerOps adds the unauthenticated operational endpoints (HEAD wherever GET).
func (s *Server) registerOps(reg *prometheus.Registry) error {
	e := headWithGet{s.echo}
	spec, err := api.GetSpec()
	if err != nil {
		return fmt.Errorf("load embedded contract: %w", err)
	}
	specJSON, err := json.Marshal(spec)
	if err != nil {
		return fmt.Errorf("encode contract as JSON: %w", err)
	}

	e.GET("/healthz", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"status": "ok", "version": s.opts.Version})
	})
	e.GET("/readyz", s.readyz)
	e.GET("/openapi.yaml", func(c echo.Context) error {
		return c.Blob(http.StatusOK, "application/yaml", contracts.OpenAPIYAML)
	})
	e.GET("/openapi.json", func(c echo.Context) error {
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, specJSON)
	})
	e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(reg, promhttp.HandlerOpts{})))

	docs := v5emb.NewWithConfig(swgui.Config{
		Title:       spec.Info.Title,
		SwaggerJSON: "/openapi.json",
		BasePath:    "/docs/",
		SettingsUI: map[string]string{
			"persistAuthorization": "true",
			"validatorUrl":         "null",
		},
	})(spec.Info.Title, "/openapi.json", "/docs/")
	e.GET("/docs", func(c echo.Context) error { return c.Redirect(http.StatusMovedPermanently, "/docs/") })
	e.GET("/docs/*", echo.WrapHandler(docs))
	return nil
}

// readyz is 200 when the database answers and the schema is current, else 503.
func (s *Server) readyz(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
	defer cancel()
	checks := map[string]string{"database": "ok"}
	ready := true
	if err := s.opts.Store.Ping(ctx); err != nil {
		checks["database"] = "unavailable"
		ready = false
	} else if s.opts.Ready != nil {
		if err := s.opts.Ready(ctx); err != nil {
			checks["migrations"] = err.Error()
			ready = false
		} else {
			checks["migrations"] = "ok"
		}
	}
	if !ready {
		// An error like any other: problem+json with Retry-After, rendered by errorHandler.
		p := unavailableProblem(nil)
		p.detail = fmt.Sprintf("Not ready: database %s", checks["database"])
		if m, ok := checks["migrations"]; ok {
			p.detail += ", migrations " + m
		}
		p.detail += "."
		return p
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, map[string]any{"ready": ready, "checks": checks})
}
