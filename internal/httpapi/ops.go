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

// registerOps adds the unauthenticated operational endpoints to e: /healthz reporting
// version, /readyz (see readyz), the contract, the metrics gathered by reg and the docs.
func registerOps(e api.EchoRouter, reg prometheus.Gatherer, version string, ping, ready func(context.Context) error) error {
	spec, err := api.GetSpec()
	if err != nil {
		return fmt.Errorf("load embedded contract: %w", err)
	}
	specJSON, err := json.Marshal(spec)
	if err != nil {
		return fmt.Errorf("encode contract as JSON: %w", err)
	}

	e.GET("/healthz", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"status": "ok", "version": version})
	})
	e.GET("/readyz", readyz(ping, ready))
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

// readyz answers 200 when the database answers (ping) and ready, when set, finds nothing
// missing (pending migrations); else 503.
func readyz(ping, ready func(context.Context) error) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
		defer cancel()
		checks := map[string]string{"database": "ok"}
		ok := true
		if err := ping(ctx); err != nil {
			checks["database"] = "unavailable"
			ok = false
		} else if ready != nil {
			if err := ready(ctx); err != nil {
				checks["migrations"] = err.Error()
				ok = false
			} else {
				checks["migrations"] = "ok"
			}
		}
		if !ok {
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
		return c.JSON(http.StatusOK, map[string]any{"ready": ok, "checks": checks})
	}
}
