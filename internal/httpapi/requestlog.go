package httpapi

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// requestIDMiddleware gives every request an id: the client's X-Request-ID when it is short
// and plain, else a new one. It is echoed in the response and in every log line.
func requestIDMiddleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		id := c.Request().Header.Get(echo.HeaderXRequestID)
		if !plainID(id) {
			var b [12]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		c.Set("request_id", id)
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		return next(c)
	}
}

func plainID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

func requestID(c echo.Context) string {
	id, _ := c.Get("request_id").(string)
	return id
}

// accessLog logs one line per request to logger and records its metrics in m.
func accessLog(logger *slog.Logger, m *metrics) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil {
				// Render now, so the status below is the one the client gets.
				c.Error(err)
			}
			d := time.Since(start)
			status := c.Response().Status
			route, method := routeOf(c), methodLabel(c.Request().Method)
			m.observe(route, method, status, d)
			if strings.HasPrefix(c.Request().URL.Path, "/api") || status >= 500 {
				logger.LogAttrs(c.Request().Context(), slog.LevelInfo, "request",
					slog.String("method", method),
					slog.String("route", route),
					slog.Int("status", status),
					slog.Duration("duration", d),
					slog.Int64("bytes_out", c.Response().Size),
					slog.String("request_id", requestID(c)))
			}
			return nil
		}
	}
}
