package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/todo-api/todo-api/gen/api"
)

// loadContract returns the embedded contract as the /api middleware use it: without
// servers (no Host check) and with uuid formats checked.
func loadContract() (*openapi3.T, error) {
	spec, err := api.GetSpec()
	if err != nil {
		return nil, fmt.Errorf("load embedded contract: %w", err)
	}
	spec.Servers = nil
	// Task ids are UUIDs of any version (the service makes v7); kin-openapi checks no uuid
	// format by default, and its optional one refuses v7.
	spec.SetStringFormatValidator("uuid", openapi3.NewCallbackValidator(func(s string) error {
		if len(s) != 36 {
			return errors.New("not a UUID")
		}
		if _, err := uuid.Parse(s); err != nil {
			return errors.New("not a UUID")
		}
		return nil
	}))
	return spec, nil
}

// newValidator returns the OpenAPI request validator for /api: it checks the parameters
// and body of the operation that operations found (and authenticated) against spec,
// reporting every broken rule at once. It runs after the rate limit.
func newValidator(spec *openapi3.T) echo.MiddlewareFunc {
	opts := &openapi3filter.Options{
		MultiError: true,
		// Defaults are applied in Go; kin-openapi would otherwise rewrite the body.
		SkipSettingDefaults: true,
		// openapi3filter does not read the document's format validators by itself.
		SchemaValidationOptions: spec.GetSchemaValidationOptions(),
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			op, ok := c.Get(operationKey).(*operation)
			if !ok {
				return next(c)
			}
			in := &openapi3filter.RequestValidationInput{Request: c.Request(), PathParams: op.params, Route: op.route, Options: opts}
			if err := openapi3filter.ValidateRequest(c.Request().Context(), in); err != nil {
				var me openapi3.MultiError
				if !errors.As(err, &me) {
					me = openapi3.MultiError{err}
				}
				he := validationError(me)
				// kin-openapi validates the first JSON value of a body and ignores what follows;
				// a body that is not exactly one JSON value is malformed, whatever that value breaks.
				if he.Code == http.StatusUnprocessableEntity && !bodyIsJSON(c.Request()) {
					return badRequest("The request body is not valid JSON.", he)
				}
				return he
			}
			return next(c)
		}
	}
}

// validationError turns the validator's findings into one problem. Authentication comes
// first: a caller without a valid token learns nothing about its request's other faults.
func validationError(me openapi3.MultiError) *echo.HTTPError {
	for _, err := range me {
		var sec *openapi3filter.SecurityRequirementsError
		if errors.As(err, &sec) {
			for _, e := range sec.Errors {
				var he *echo.HTTPError
				if errors.As(e, &he) {
					return he
				}
			}
			return &echo.HTTPError{Code: http.StatusUnauthorized, Internal: err}
		}
	}
	var (
		status = http.StatusUnprocessableEntity
		fields []api.FieldError
		parse  string
	)
	for _, err := range me {
		var re *openapi3filter.RequestError
		if !errors.As(err, &re) {
			return &echo.HTTPError{Code: http.StatusInternalServerError, Internal: err}
		}
		switch {
		case re.RequestBody != nil && re.Err == nil:
			// The only body error without a cause: a Content-Type the operation does not take.
			return &echo.HTTPError{Code: http.StatusUnsupportedMediaType, Internal: problemFor415(re)}
		case re.RequestBody != nil && errors.Is(re.Err, openapi3filter.ErrInvalidRequired):
			return badRequest("The request body is required.", re)
		case re.RequestBody != nil && errors.Is(re.Err, echo.ErrStatusRequestEntityTooLarge):
			return &echo.HTTPError{Code: http.StatusRequestEntityTooLarge, Internal: re.Err}
		case re.RequestBody != nil:
			var pe *openapi3filter.ParseError
			if errors.As(re.Err, &pe) || !hasSchemaError(re.Err) {
				parse = "The request body is not valid JSON."
				continue
			}
			fields = append(fields, schemaFields(re.Err)...)
		case re.Parameter != nil:
			status = http.StatusBadRequest
			msg := re.Reason
			var se *openapi3.SchemaError
			var pe *openapi3filter.ParseError
			switch {
			case errors.As(re.Err, &se):
				msg = se.Reason
			case errors.As(re.Err, &pe):
				// The parser's message quotes the value; answers never echo raw input.
				msg = "must be " + paramKind(re.Parameter)
			case re.Err != nil && msg == "":
				msg = re.Err.Error()
			}
			fields = append(fields, api.FieldError{Field: re.Parameter.In + "." + re.Parameter.Name, Message: msg})
		default:
			return badRequest("The request is malformed.", re)
		}
	}
	if parse != "" {
		return badRequest(parse, me)
	}
	p := validationProblem(dedupeFields(fields))
	if status == http.StatusBadRequest {
		p.status, p.typ, p.title = http.StatusBadRequest, typeBadRequest, "Bad request"
		p.detail = strings.Replace(p.detail, "request breaks", "request's parameters break", 1)
	}
	return &echo.HTTPError{Code: p.status, Internal: p}
}

// bodyIsJSON reports whether the request body, which the validator has read and put back,
// is one well-formed JSON value; the body is left readable.
func bodyIsJSON(r *http.Request) bool {
	if r.Body == nil || r.Body == http.NoBody {
		return true
	}
	data, err := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(data))
	return err == nil && json.Valid(data)
}

func badRequest(detail string, cause error) *echo.HTTPError {
	p := &problemError{status: http.StatusBadRequest, typ: typeBadRequest, title: "Bad request", detail: detail, cause: cause}
	return &echo.HTTPError{Code: http.StatusBadRequest, Internal: p}
}

func problemFor415(re *openapi3filter.RequestError) *problemError {
	var types []string
	for ct := range re.RequestBody.Content {
		types = append(types, ct)
	}
	return &problemError{status: http.StatusUnsupportedMediaType, typ: typeBlank,
		detail: "The request body must be sent as " + strings.Join(sortedStrings(types), " or ") + ".", cause: re}
}

func hasSchemaError(err error) bool {
	var se *openapi3.SchemaError
	return errors.As(err, &se)
}

// schemaFields flattens schema errors (possibly nested in MultiErrors) into field errors
// whose field is a JSON pointer into the body.
func schemaFields(err error) []api.FieldError {
	var me openapi3.MultiError
	if errors.As(err, &me) {
		var out []api.FieldError
		for _, e := range me {
			out = append(out, schemaFields(e)...)
		}
		return out
	}
	var se *openapi3.SchemaError
	if !errors.As(err, &se) {
		return []api.FieldError{{Field: "/", Message: err.Error()}}
	}
	path := se.JSONPointer()
	if se.SchemaField == "properties" || se.SchemaField == "additionalProperties" {
		// kin-openapi points at the object; name each property the schema does not have.
		if obj, ok := se.Value.(map[string]any); ok && se.Schema != nil {
			var out []api.FieldError
			for _, name := range sortedKeys(obj) {
				if _, known := se.Schema.Properties[name]; !known {
					out = append(out, api.FieldError{
						Field:   pointer(append(append([]string{}, path...), name)),
						Message: "unknown property: this schema has no such field",
					})
				}
			}
			if len(out) > 0 {
				return out
			}
		}
	}
	return []api.FieldError{{Field: pointer(path), Message: se.Reason}}
}

// pointer renders a JSON pointer (RFC 6901).
func pointer(parts []string) string {
	return "/" + strings.Join(escapePointer(parts), "/")
}

func escapePointer(parts []string) []string {
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = strings.ReplaceAll(strings.ReplaceAll(p, "~", "~0"), "/", "~1")
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return sortedStrings(keys)
}

func sortedStrings(s []string) []string {
	slices.Sort(s)
	return s
}

// dedupeFields drops repeats: kin-openapi reports the object once per unknown property,
// and each report names them all.
func dedupeFields(in []api.FieldError) []api.FieldError {
	seen := map[api.FieldError]bool{}
	out := in[:0]
	for _, f := range in {
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}

// paramKind names what a parameter's value must be, for messages that do not quote it.
func paramKind(p *openapi3.Parameter) string {
	if p.Schema == nil || p.Schema.Value == nil || p.Schema.Value.Type == nil {
		return "a valid value"
	}
	switch t := p.Schema.Value; {
	case t.Type.Is("boolean"):
		return "true or false"
	case t.Type.Is("integer"):
		return "a whole number"
	case t.Type.Is("number"):
		return "a number"
	case t.Type.Is("array"):
		return "a list of valid values"
	}
	return "a valid value"
}
