package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/todo-api/todo-api/gen/api"
)

// jsonBinder decodes request bodies for the generated strict handlers. Echo's default binder
// refuses application/merge-patch+json (415), which PATCH must take; this one decodes any
// JSON media type. The OpenAPI validator has already checked the body against the contract,
// so decoding errors here are rare: a value the schema allows but Go cannot hold (a date
// that does not exist) is a 422 naming the field, and so is text that decoding would alter
// (invalid UTF-8, an unpaired surrogate escape: see faithfulJSON).
type jsonBinder struct{}

func (jsonBinder) Bind(i any, c echo.Context) error {
	req := c.Request()
	if req.Body == nil || req.Body == http.NoBody {
		return io.EOF
	}
	ct := strings.ToLower(req.Header.Get(echo.HeaderContentType))
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.TrimSpace(mt)
	if mt != "application/json" && !strings.HasSuffix(mt, "+json") {
		data, err := io.ReadAll(io.LimitReader(req.Body, 1))
		if err == nil && len(data) == 0 {
			return io.EOF
		}
		return echo.ErrUnsupportedMediaType
	}
	data, err := io.ReadAll(req.Body)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return io.EOF
	}
	if !faithfulJSON(data) {
		return validationProblem([]api.FieldError{{Field: alteredField(data), Message: msgAltered}})
	}
	if err := json.Unmarshal(data, i); err != nil {
		return bindError(err)
	}
	return nil
}

// bindError maps a JSON decoding failure to its problem.
func bindError(err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) || errors.Is(err, io.ErrUnexpectedEOF) {
		return malformedJSON(err)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return validationProblem([]api.FieldError{{Field: "/" + strings.ReplaceAll(typ.Field, ".", "/"), Message: "must be a " + typ.Type.String()}})
	}
	// Values the decoders of generated types refuse (dates, UUIDs) come as plain errors.
	p := validationProblem([]api.FieldError{{Field: "/", Message: "a value has an invalid format"}})
	p.cause = err
	return p
}
