package securitytest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/todo-api/todo-api/gen/api"
)

// The tests below derive what they send from the embedded contract (gen/api), not from a
// hand-kept list of routes: an operation added to openapi.yaml is attacked without anyone
// touching this package.

// operation is one operation of the contract.
type operation struct {
	Method string // GET, PUT, …
	Path   string // the template, e.g. /api/tasks/{id}
	ID     string // operationId
	Op     *openapi3.Operation
	Item   *openapi3.PathItem
}

func (o operation) String() string { return o.Method + " " + o.Path }

// takesID reports whether the operation addresses one task or one list.
func (o operation) takesID() bool { return strings.Contains(o.Path, "{id}") }

// resource is the collection whose member {id} names: "lists" under /api/lists/, else
// "tasks".
func (o operation) resource() string {
	if strings.HasPrefix(o.Path, "/api/lists/") {
		return "lists"
	}
	return "tasks"
}

// path fills the template's parameters: {id} with id, any other with "x".
func (o operation) path(id string) string { return o.fillPath(id, nil) }

// fillPath fills the template's parameters: {id} with id, another with its value in fill
// (an invite or a member of the list id names), else with "x".
func (o operation) fillPath(id string, fill map[string]string) string {
	p := strings.ReplaceAll(o.Path, "{id}", id)
	for name, v := range fill {
		p = strings.ReplaceAll(p, "{"+name+"}", v)
	}
	for strings.Contains(p, "{") {
		i, j := strings.Index(p, "{"), strings.Index(p, "}")
		if j < i {
			break
		}
		p = p[:i] + "x" + p[j+1:]
	}
	return p
}

// params returns the operation's parameters located in in (query, header, …), path-level
// ones included, sorted by name.
func (o operation) params(in string) []*openapi3.Parameter {
	var out []*openapi3.Parameter
	seen := map[string]bool{}
	for _, list := range []openapi3.Parameters{o.Op.Parameters, o.Item.Parameters} { // operation-level wins
		for _, ref := range list {
			if p := ref.Value; p != nil && p.In == in && !seen[p.Name] {
				seen[p.Name] = true
				out = append(out, p)
			}
		}
	}
	slices.SortFunc(out, func(a, b *openapi3.Parameter) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// loadContract returns a fresh copy of the embedded contract.
func loadContract(t testing.TB) *openapi3.T {
	t.Helper()
	doc, err := api.GetSpec()
	if err != nil {
		t.Fatalf("load the embedded contract: %v", err)
	}
	return doc
}

// contractOperations walks every path and method of doc, sorted by path then method.
func contractOperations(doc *openapi3.T) []operation {
	var ops []operation
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops = append(ops, operation{Method: strings.ToUpper(method), Path: path, ID: op.OperationID, Op: op, Item: item})
		}
	}
	slices.SortFunc(ops, func(a, b operation) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return strings.Compare(a.Method, b.Method)
	})
	return ops
}

// streams reports whether the operation answers with an event stream (text/event-stream).
func (o operation) streams() bool {
	ok := o.Op.Responses.Value("200")
	return ok != nil && ok.Value != nil && ok.Value.Content.Get("text/event-stream") != nil
}

// knownIDOperations are the operations on one task or list the contract had when the sweep
// was written; the sweep must find at least these, so a walk broken by a refactor fails.
var knownIDOperations = []string{
	"DELETE /api/lists/{id}",
	"GET /api/lists/{id}",
	"PATCH /api/lists/{id}",
	"POST /api/lists/{id}/move",
	"POST /api/lists/{id}/restore",
	"DELETE /api/tasks/{id}",
	"GET /api/tasks/{id}",
	"PATCH /api/tasks/{id}",
	"PATCH /api/tasks/{id}/complete",
	"PUT /api/tasks/{id}",
}

// body is one request body an operation accepts.
type body struct {
	name        string // where it came from: example name, "generated-full", …
	contentType string // "" = no body
	raw         []byte
}

// requestBodies returns every body the operation's contract describes, each valid against
// its schema: for every media type, its examples and two generated objects (every property;
// only what is required), plus "no body" when the body is optional. A body the generator
// cannot make valid fails the test: teach genValue the new schema construct.
func requestBodies(t testing.TB, doc *openapi3.T, o operation) []body {
	t.Helper()
	rb := o.Op.RequestBody
	if rb == nil || rb.Value == nil {
		return []body{{name: "none"}}
	}
	var out []body
	if !rb.Value.Required {
		out = append(out, body{name: "none"})
	}
	for _, ct := range sortedKeys(rb.Value.Content) {
		mt := rb.Value.Content[ct]
		var schema *openapi3.Schema
		if mt.Schema != nil {
			schema = mt.Schema.Value
		}
		var candidates []body
		for _, name := range sortedKeys(mt.Examples) {
			if ex := mt.Examples[name]; ex != nil && ex.Value != nil {
				candidates = append(candidates, body{name: "example-" + name, contentType: ct, raw: mustJSON(t, ex.Value.Value)})
			}
		}
		if mt.Example != nil {
			candidates = append(candidates, body{name: "example", contentType: ct, raw: mustJSON(t, mt.Example)})
		}
		if schema != nil {
			if schema.Example != nil {
				candidates = append(candidates, body{name: "schema-example", contentType: ct, raw: mustJSON(t, schema.Example)})
			}
			candidates = append(candidates,
				body{name: "generated-full", contentType: ct, raw: mustJSON(t, genValue(schema, true))},
				body{name: "generated-minimal", contentType: ct, raw: mustJSON(t, genValue(schema, false))},
			)
		}
		for _, c := range candidates {
			if schema != nil {
				var v any
				if err := json.Unmarshal(c.raw, &v); err != nil {
					t.Fatalf("%s %s body %s: %v", o, ct, c.name, err)
				}
				if err := schema.VisitJSON(v, doc.GetSchemaValidationOptions()...); err != nil {
					t.Fatalf("%s %s body %s is not valid against the contract (teach genValue): %s\n%v", o, ct, c.name, c.raw, err)
				}
			}
			out = append(out, c)
		}
	}
	return out
}

// genValue builds a value valid against schema: every property when full, else only the
// required ones (plus enough others to reach minProperties).
func genValue(schema *openapi3.Schema, full bool) any {
	if schema == nil {
		return "sweep"
	}
	if len(schema.Enum) > 0 {
		for _, e := range schema.Enum {
			if e != nil {
				return e
			}
		}
	}
	switch {
	case len(schema.OneOf) > 0:
		return genValue(schema.OneOf[0].Value, full)
	case len(schema.AnyOf) > 0:
		return genValue(schema.AnyOf[0].Value, full)
	case len(schema.AllOf) > 0:
		merged := map[string]any{}
		for _, s := range schema.AllOf {
			if m, ok := genValue(s.Value, full).(map[string]any); ok {
				for k, v := range m {
					merged[k] = v
				}
			}
		}
		return merged
	}
	switch {
	case schema.Type.Is("string"):
		return genString(schema)
	case schema.Type.Is("integer"), schema.Type.Is("number"):
		n := 1.0
		if schema.Min != nil && *schema.Min > n {
			n = *schema.Min
		}
		if schema.Max != nil && *schema.Max < n {
			n = *schema.Max
		}
		if schema.Type.Is("integer") {
			return int64(n)
		}
		return n
	case schema.Type.Is("boolean"):
		return true
	case schema.Type.Is("array"):
		n := int(schema.MinItems)
		if n == 0 && full {
			n = 1
		}
		items := make([]any, 0, n)
		for i := range n {
			var item *openapi3.Schema
			if schema.Items != nil {
				item = schema.Items.Value
			}
			v := genValue(item, full)
			if s, ok := v.(string); ok && n > 1 {
				v = fmt.Sprintf("%s%d", s, i) // uniqueItems, de-duplicated tags
			}
			items = append(items, v)
		}
		return items
	default: // object, or no type
		obj := map[string]any{}
		names := sortedKeys(schema.Properties)
		required := map[string]bool{}
		for _, r := range schema.Required {
			required[r] = true
		}
		for _, name := range names {
			if full || required[name] {
				obj[name] = genValue(schema.Properties[name].Value, full)
			}
		}
		for _, name := range names {
			if uint64(len(obj)) >= schema.MinProps {
				break
			}
			if _, ok := obj[name]; !ok {
				obj[name] = genValue(schema.Properties[name].Value, full)
			}
		}
		return obj
	}
}

// genString is a plain string valid for schema's format and length.
func genString(schema *openapi3.Schema) string {
	switch schema.Format {
	case "date":
		return "2031-01-02"
	case "date-time":
		return "2031-01-02T03:04:05Z"
	case "uuid":
		return "0192f0c4-7a59-7d1e-9b3c-2f4f1f6f3a10"
	case "email":
		return "sweep@example.test"
	case "uri":
		return "https://example.test/sweep"
	}
	if ex, ok := schema.Example.(string); ok {
		return ex
	}
	if schema.Pattern != "" {
		// A patterned string: the first of a few plausible shapes that fits (times of day,
		// colours…).
		if re, err := regexp.Compile(schema.Pattern); err == nil {
			for _, c := range []string{"sweep", "12:00", "12:00:00", "SWEEP", "0", "#5a5e3b"} {
				if re.MatchString(c) {
					return c
				}
			}
		}
	}
	s := "sweep"
	for uint64(len(s)) < schema.MinLength {
		s += "p"
	}
	if schema.MaxLength != nil && uint64(len(s)) > *schema.MaxLength {
		s = s[:*schema.MaxLength]
	}
	return s
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encode %v: %v", v, err)
	}
	return b
}

// userID is a Better-Auth-shaped user id (32 characters) unique to t and role.
func userID(t testing.TB, role string) string {
	sum := sha256.Sum256([]byte(t.Name() + "\x00" + role))
	return role + hex.EncodeToString(sum[:])[:31]
}

// queryString encodes q, or "" when empty.
func queryString(q url.Values) string {
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// allMethods are the methods the sweep tries on every path, declared or not.
var allMethods = []string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
	http.MethodDelete, http.MethodOptions, http.MethodTrace,
}
