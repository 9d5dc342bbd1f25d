package httpapi

import (
	"encoding/json"
	"fmt"

	"github.com/labstack/echo/v4"
)

// jsonSerializer writes compact JSON (Echo's default indents when ?pretty is present) and
// decodes with encoding/json.
type jsonSerializer struct{}

func (jsonSerializer) Serialize(c echo.Context, i any, _ string) error {
	return json.NewEncoder(c.Response()).Encode(i)
}

func (jsonSerializer) Deserialize(c echo.Context, i any) error {
	if err := json.NewDecoder(c.Request().Body).Decode(i); err != nil {
		return fmt.Errorf("decode JSON: %w", err)
	}
	return nil
}
