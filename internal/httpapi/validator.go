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
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
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
	// RFC 3339 allows a leap second (23:59:60), kin-openapi too; Go's time package, which
	// the generated binding parses with, does not.
	rfc3339 := openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringDateTime)
	spec.SetStringFormatValidator("date-time", openapi3.NewCallbackValidator(func(s string) error {
		if err := rfc3339.Validate(s); err != nil {
			return err
		}
		if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			return errors.New("no such moment: a leap second, or a day its month lacks")
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
		// openapi3filter does not read the document's format validators by itself. Without
		// details, the message of a schema error does not quote the value it refused (a
		// body of thousands of them would take quadratic time and memory to print).
		SchemaValidationOptions: append(spec.GetSchemaValidationOptions(), openapi3.DisableSchemaErrorDetails()),
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			op, ok := c.Get(routeMatchKey).(*routeMatch)
			if !ok {
				return next(c)
			}
			in := &openapi3filter.RequestValidationInput{Request: c.Request(), PathParams: op.params, Route: op.route, Options: opts}
			if err := openapi3filter.ValidateRequest(c.Request().Context(), in); err != nil {
				var me openapi3.MultiError
				if !errors.As(err, &me) {
					me = openapi3.MultiError{err}
				}
				p := validationError(me)
				// kin-openapi validates the first JSON value of a body and ignores what follows;
				// a body that is not exactly one JSON value is malformed, whatever that value breaks.
				if p.status == http.StatusUnprocessableEntity && !bodyIsJSON(c.Request()) {
					return malformedJSON(p)
				}
				return p
			}
			if err := repeatedParameters(c, op.route); err != nil {
				return err
			}
			return next(c)
		}
	}
}

// validationError turns the validator's findings into one problem (authentication has
// happened before: see operations).
func validationError(me openapi3.MultiError) *problemError {
	var (
		status    = http.StatusUnprocessableEntity
		fields    fieldList
		malformed bool
	)
	for _, err := range me {
		var re *openapi3filter.RequestError
		if !errors.As(err, &re) {
			return internalProblem(err)
		}
		switch {
		case re.RequestBody != nil && re.Err == nil:
			// The only body error without a cause: a Content-Type the operation does not take.
			return problemFor415(re)
		case re.RequestBody != nil && errors.Is(re.Err, openapi3filter.ErrInvalidRequired):
			return bodyRequired(re)
		case re.RequestBody != nil && errors.Is(re.Err, echo.ErrStatusRequestEntityTooLarge):
			return tooLarge(re.Err)
		case re.RequestBody != nil:
			var pe *openapi3filter.ParseError
			if errors.As(re.Err, &pe) || !hasSchemaError(re.Err) {
				malformed = true
				continue
			}
			fields.addSchemaErrors(re.Err)
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
			fields.list = append(fields.list, api.FieldError{Field: re.Parameter.In + "." + re.Parameter.Name, Message: msg})
		default:
			return badRequest("The request is malformed.", re)
		}
	}
	if malformed {
		return malformedJSON(me)
	}
	if status == http.StatusBadRequest {
		return parameterProblem(fields.list)
	}
	return validationProblem(fields.list)
}

// repeatedParameters refuses a single-valued query or header parameter given more than once:
// the validator checks the first value only, and the generated binding would refuse the
// request with a message of its own. Only a request with a repeated name looks further.
func repeatedParameters(c echo.Context, route *routers.Route) error {
	r := c.Request()
	query := c.QueryParams()
	if !anyRepeated(query) && !anyRepeated(r.Header) {
		return nil
	}
	var fields []api.FieldError
	for _, params := range []openapi3.Parameters{route.PathItem.Parameters, route.Operation.Parameters} {
		for _, ref := range params {
			p := ref.Value
			switch {
			case p == nil:
			case p.In == openapi3.ParameterInQuery && len(query[p.Name]) > 1 && !isArray(p):
				fields = append(fields, api.FieldError{Field: "query." + p.Name, Message: "must be given once"})
			case p.In == openapi3.ParameterInHeader && len(r.Header.Values(p.Name)) > 1:
				fields = append(fields, api.FieldError{Field: "header." + p.Name, Message: "must be sent once"})
			}
		}
	}
	if len(fields) == 0 {
		return nil
	}
	return parameterProblem(fields)
}

// anyRepeated reports whether a name in m has more than one value.
func anyRepeated[M ~map[string][]string](m M) bool {
	for _, vs := range m {
		if len(vs) > 1 {
			return true
		}
	}
	return false
}

func isArray(p *openapi3.Parameter) bool {
	return p.Schema != nil && p.Schema.Value != nil && p.Schema.Value.Type.Is(openapi3.TypeArray)
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

// fieldList collects the field errors of the validator's findings.
type fieldList struct {
	list []api.FieldError
	// named holds the JSON pointers of the objects whose unknown properties are listed:
	// kin-openapi reports an object once per property its schema lacks, each report carrying
	// the whole object, and naming them all on each report would be quadratic.
	named map[string]bool
}

// addSchemaErrors appends the field errors of err: schema errors (possibly nested in
// MultiErrors) about the body, each field a JSON pointer into it. The work is linear in the
// number of errors and the size of the objects they point at.
func (fl *fieldList) addSchemaErrors(err error) {
	if se, ok := err.(*openapi3.SchemaError); ok && se.Origin == nil {
		// The common case, without errors.As's reflection (a tenth of the time with
		// thousands of errors).
		fl.addSchemaError(se)
		return
	}
	var me openapi3.MultiError
	if errors.As(err, &me) {
		for _, e := range me {
			fl.addSchemaErrors(e)
		}
		return
	}
	var se *openapi3.SchemaError
	if !errors.As(err, &se) {
		fl.list = append(fl.list, api.FieldError{Field: "/", Message: err.Error()})
		return
	}
	fl.addSchemaError(se)
}

func (fl *fieldList) addSchemaError(se *openapi3.SchemaError) {
	path := se.JSONPointer()
	if se.SchemaField == "properties" || se.SchemaField == "additionalProperties" {
		// kin-openapi points at the object; name each property the schema does not have, once.
		if obj, ok := se.Value.(map[string]any); ok && se.Schema != nil {
			at := pointer(path)
			if fl.named[at] {
				return
			}
			n := len(fl.list)
			for _, name := range sortedKeys(obj) {
				if _, known := se.Schema.Properties[name]; !known {
					fl.list = append(fl.list, api.FieldError{
						Field:   pointer(append(path[:len(path):len(path)], name)),
						Message: "unknown property: this schema has no such field",
					})
				}
			}
			if len(fl.list) > n {
				if fl.named == nil {
					fl.named = map[string]bool{}
				}
				fl.named[at] = true
				return
			}
		}
	}
	fl.list = append(fl.list, api.FieldError{Field: pointer(path), Message: se.Reason})
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
