package securitytest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/todo-api/todo-api/gen/api"
	"github.com/todo-api/todo-api/internal/apitest"
)

// The authorisation sweep (issue 6, item 1; lists: issue 14). User B attacks user A's task
// (or list, for the operations under /api/lists/{id}) with every operation of the contract
// that takes an id, every declared body and media type, with
// and without the declared headers (If-Match / If-None-Match carrying A's real ETag), and
// with every other HTTP method on those paths. Each attack must get exactly the answer a
// task that does not exist gets (404, no ETag), and must leave A's task byte-for-byte as it
// was: A's GET body and ETag and A's rows in PostgreSQL. A control request, the same one
// against B's own task, must succeed, which proves the attack was a plausible, valid
// request refused for the right reason rather than a malformed one.

// victimBody is the task A owns during the sweep: every field set, so a change to any of
// them shows.
func victimBody(marker string) map[string]any {
	return map[string]any{
		"title":       "A's secret " + marker,
		"description": "only A may read this " + marker,
		"priority":    "high",
		"due_date":    "2031-05-06",
		"tags":        []string{marker, "a-private"},
		"completed":   false,
		// Repeating: an attack that completed it would also create a next occurrence,
		// which the snapshot of A's rows would show.
		"repeat": "monthly",
	}
}

// listVictimBody is the list A owns during the sweep of the list operations.
func listVictimBody(marker string) map[string]any {
	return map[string]any{"name": "A's secret list " + marker, "color": "#a1b2c3"}
}

// state is what must not change about a user's tasks and lists.
type state struct {
	getBody []byte // GET /api/tasks/{id} (or /api/lists/{id}) as the owner
	etag    string
	rows    string // the owner's task, list and membership rows, as PostgreSQL's JSON of them
	idem    string // the owner's idempotency keys
}

// snapshot reads user's task (or list: resource) id through the API and user's rows straight
// from the database.
func snapshot(t *testing.T, env *apitest.Env, resource, user, tok string, id uuid.UUID) state {
	t.Helper()
	r := env.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/" + resource + "/" + id.String(), Token: tok})
	if r.Status != http.StatusOK {
		t.Fatalf("owner's GET of its %s: %d %s", resource, r.Status, r.Body)
	}
	s := state{getBody: r.Body, etag: r.Header.Get("ETag")}
	s.rows, s.idem = rawRows(t, env, user)
	if !strings.Contains(s.rows, id.String()) {
		t.Fatalf("the raw read of %s's rows does not see its task %s (row-level security?): %s", user, id, s.rows)
	}
	return s
}

// rawRows returns user's rows of tasks, lists and list_members, and of idempotency_keys, as
// JSON text.
func rawRows(t *testing.T, env *apitest.Env, user string) (rows, idem string) {
	t.Helper()
	asUser(t, env, user, func(ctx context.Context, tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT jsonb_build_array(
				(SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY t.id), '[]') FROM tasks t WHERE t.user_id = $1),
				(SELECT coalesce(jsonb_agg(to_jsonb(l) ORDER BY l.id), '[]') FROM lists l WHERE l.owner_id = $1),
				(SELECT coalesce(jsonb_agg(to_jsonb(m) ORDER BY m.list_id, m.user_id), '[]') FROM list_members m WHERE m.owner_id = $1))::text`,
			user).Scan(&rows); err != nil {
			return err
		}
		return tx.QueryRow(ctx,
			`SELECT coalesce(jsonb_agg(to_jsonb(k) ORDER BY k.key), '[]')::text FROM idempotency_keys k WHERE k.user_id = $1`, user).Scan(&idem)
	})
	return rows, idem
}

// asUser runs fn in a transaction on env's database with the transaction-local user
// setting that row-level security policies key on (app.user_id), so that raw reads and
// writes of the tests see user's rows whether or not such policies are in place.
func asUser(t *testing.T, env *apitest.Env, user string, fn func(ctx context.Context, tx pgx.Tx) error) {
	t.Helper()
	ctx := context.Background()
	err := pgx.BeginFunc(ctx, env.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('app.user_id', $1, true)`, user); err != nil {
			return err
		}
		return fn(ctx, tx)
	})
	if err != nil {
		t.Fatalf("database as %s: %v", user, err)
	}
}

func sameState(t *testing.T, what string, before, after state) {
	t.Helper()
	if !bytes.Equal(before.getBody, after.getBody) || before.etag != after.etag {
		t.Errorf("%s: A's task changed as A sees it:\nbefore %s %s\nafter  %s %s", what, before.etag, before.getBody, after.etag, after.getBody)
	}
	if before.rows != after.rows {
		t.Errorf("%s: A's rows changed in the database:\nbefore %s\nafter  %s", what, before.rows, after.rows)
	}
	if before.idem != after.idem {
		t.Errorf("%s: A's idempotency keys changed:\nbefore %s\nafter  %s", what, before.idem, after.idem)
	}
}

// create makes a task for tok's user, failing unless 201.
func create(t *testing.T, env *apitest.Env, tok string, b any, header map[string]string) api.Task {
	t.Helper()
	r := env.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/tasks", Token: tok, Body: b, Header: header})
	if r.Status != http.StatusCreated {
		t.Fatalf("create task: %d %s", r.Status, r.Body)
	}
	return r.Task(t)
}

// headerValue is a plausible value for header parameter p: the ETag the attacker knows for
// conditional headers, the victim's key for Idempotency-Key, else one built from the schema.
func headerValue(p *openapi3.Parameter, etag, idemKey string) string {
	switch http.CanonicalHeaderKey(p.Name) {
	case "If-Match", "If-None-Match":
		return etag
	case "Idempotency-Key":
		return idemKey
	}
	if p.Schema != nil && p.Schema.Value != nil {
		if s, ok := genValue(p.Schema.Value, true).(string); ok {
			return s
		}
	}
	return "sweep"
}

// attempt is one request shape for an operation.
type attempt struct {
	name        string
	body        body
	withHeaders bool
	// fill gives the path's parameters other than {id} their values (see sharedList).
	fill map[string]string
}

func (a attempt) req(o operation, id string, tok string, etag, idemKey string) apitest.Req {
	r := apitest.Req{Method: o.Method, Path: o.fillPath(id, a.fill), Token: tok}
	if a.body.contentType != "" {
		r.Body, r.ContentType = a.body.raw, a.body.contentType
	}
	if a.withHeaders {
		r.Header = map[string]string{}
		for _, p := range o.params("header") {
			r.Header[p.Name] = headerValue(p, etag, idemKey)
		}
	}
	// Required query parameters (none today) get a value from their schema.
	q := url.Values{}
	for _, p := range o.params("query") {
		if p.Required && p.Schema != nil {
			q.Set(p.Name, genString(p.Schema.Value))
		}
	}
	r.Path += queryString(q)
	return r
}

// attempts lists the request shapes of o: each declared body (and media type) without
// optional headers, then the first body with every declared header parameter.
func attempts(t *testing.T, doc *openapi3.T, o operation) []attempt {
	t.Helper()
	var out []attempt
	bodies := requestBodies(t, doc, o)
	for _, b := range bodies {
		name := b.name
		if b.contentType != "" {
			name = b.contentType + "/" + b.name
		}
		out = append(out, attempt{name: name, body: b})
	}
	if len(o.params("header")) > 0 {
		out = append(out, attempt{name: bodies[0].name + "+headers", body: bodies[0], withHeaders: true})
	}
	return out
}

// problemShape is what a problem says, without the per-request instance.
func problemShape(t *testing.T, r *apitest.Response) string {
	t.Helper()
	p := r.Problem(t)
	p.Instance = nil
	b, _ := json.Marshal(p)
	return string(b)
}

func TestSweepForeignTaskIsUntouchable(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	doc := loadContract(t)

	var mu sync.Mutex
	covered := map[string]bool{}
	t.Run("Operations", func(t *testing.T) {
		for _, o := range contractOperations(doc) {
			if !o.takesID() {
				continue
			}
			mu.Lock()
			covered[o.String()] = true
			mu.Unlock()
			t.Run(o.ID, func(t *testing.T) {
				t.Parallel()
				sweepOperation(t, env, doc, o)
			})
		}
	})
	for _, k := range knownIDOperations {
		if !covered[k] {
			t.Errorf("the sweep did not cover %s: is the walk of the contract broken?", k)
		}
	}
}

// sweepOperation attacks A's task (or list) with o in every shape the contract allows.
func sweepOperation(t *testing.T, env *apitest.Env, doc *openapi3.T, o operation) {
	a, b := userID(t, "a"), userID(t, "b")
	tokA, tokB := env.Token(t, a), env.Token(t, b)
	idemKey := "sweep-" + a
	res := o.resource()
	// newMember makes a task or list (as o's resource) for tok's user and returns its id,
	// and for a list the values of the other path parameters (sharedList).
	newMember := func(tok string, marker string, header map[string]string) (uuid.UUID, map[string]string) {
		if res == "lists" {
			return sharedList(t, env, tok, listVictimBody(marker), header)
		}
		return create(t, env, tok, victimBody(marker), header).Id, nil
	}
	victim, fill := newMember(tokA, "marker-"+o.ID, map[string]string{"Idempotency-Key": idemKey})
	before := snapshot(t, env, res, a, tokA, victim)

	for _, at := range attempts(t, doc, o) {
		t.Run(at.name, func(t *testing.T) {
			// B, knowing A's task id and ETag (and the ids of its list's invite and
			// member), asks for it.
			at.fill = fill
			r := env.Do(t, at.req(o, victim.String(), tokB, before.etag, idemKey))
			if r.Status != http.StatusNotFound {
				t.Fatalf("B's %s on A's task: %d, want 404 as for a task that does not exist; body %s", o, r.Status, r.Body)
			}
			if et := r.Header.Get("ETag"); et != "" {
				t.Errorf("B's %s on A's task answered with A's ETag %q", o, et)
			}
			// The answer is exactly the one for a task that does not exist.
			missing := env.Do(t, at.req(o, uuid.NewString(), tokB, before.etag, idemKey))
			if missing.Status != r.Status || problemShape(t, missing) != problemShape(t, r) {
				t.Errorf("A's task and no task answer differently (an existence oracle):\nA's:  %d %s\nnone: %d %s", r.Status, r.Body, missing.Status, missing.Body)
			}
			// Control: the same request on B's own task works, so the refusal above is about
			// ownership, not about a malformed request.
			own, ownFill := newMember(tokB, "B's own", nil)
			ownTag := env.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/" + res + "/" + own.String(), Token: tokB}).Header.Get("ETag")
			at.fill = ownFill
			ctl := env.Do(t, at.req(o, own.String(), tokB, ownTag, "own-"+idemKey))
			if !(ctl.Status >= 200 && ctl.Status < 300) && ctl.Status != http.StatusNotModified && !refusesOnlyReferences(t, ctl) {
				t.Errorf("control: B's same %s on its own task: %d %s; the sweep's request is not a valid one", o, ctl.Status, ctl.Body)
			}
		})
	}
	sameState(t, o.String(), before, snapshot(t, env, res, a, tokA, victim))
}

// sharedList makes a list for tok's user with a pending invite and a member (a viewer who
// joined through another invite), and returns the list's id and the values of the other
// path parameters of the operations under /api/lists/{id}: invite_id, user_id.
func sharedList(t *testing.T, env *apitest.Env, tok string, b any, header map[string]string) (uuid.UUID, map[string]string) {
	t.Helper()
	id := createList(t, env, tok, b, header)
	invite := func() api.Invite {
		r := env.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/lists/" + id.String() + "/invites", Token: tok, Body: map[string]any{"role": "viewer"}})
		if r.Status != http.StatusCreated {
			t.Fatalf("create invite: %d %s", r.Status, r.Body)
		}
		var inv api.Invite
		r.JSON(t, &inv)
		return inv
	}
	pending := invite()
	member := userID(t, "member-"+id.String()[:8])
	if r := env.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/invites/" + invite().Token + "/accept", Token: env.Token(t, member)}); r.Status != http.StatusOK {
		t.Fatalf("accept invite: %d %s", r.Status, r.Body)
	}
	return id, map[string]string{"invite_id": pending.Id.String(), "user_id": member}
}

// createList makes a list for tok's user, failing unless 201, and returns its id.
func createList(t *testing.T, env *apitest.Env, tok string, b any, header map[string]string) uuid.UUID {
	t.Helper()
	r := env.Do(t, apitest.Req{Method: http.MethodPost, Path: "/api/lists", Token: tok, Body: b, Header: header})
	if r.Status != http.StatusCreated {
		t.Fatalf("create list: %d %s", r.Status, r.Body)
	}
	var l api.List
	r.JSON(t, &l)
	return l.Id
}

func TestSweepUndeclaredMethodsOnTaskPaths(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	doc := loadContract(t)
	a, b := userID(t, "a"), userID(t, "b")
	tokA, tokB := env.Token(t, a), env.Token(t, b)
	victim := create(t, env, tokA, victimBody("undeclared"), nil)
	victimList, _ := sharedList(t, env, tokA, listVictimBody("undeclared"), nil)
	before := snapshot(t, env, "tasks", a, tokA, victim.Id)
	beforeList := snapshot(t, env, "lists", a, tokA, victimList)

	declared := map[string][]string{} // path → methods
	for _, o := range contractOperations(doc) {
		if o.takesID() {
			declared[o.Path] = append(declared[o.Path], o.Method)
		}
	}
	if len(declared) == 0 {
		t.Fatal("no path of the contract takes a task id")
	}
	for _, path := range sortedKeys(declared) {
		for _, m := range allMethods {
			if slices.Contains(declared[path], m) {
				continue
			}
			o := operation{Method: m, Path: path}
			own := victim.Id
			if o.resource() == "lists" {
				own = victimList
			}
			for _, id := range []string{own.String(), uuid.NewString()} {
				r := env.Do(t, apitest.Req{Method: m, Path: o.path(id), Token: tokB, Body: map[string]any{"title": "B was here", "completed": true}})
				if r.Status < 400 {
					t.Errorf("B's undeclared %s %s: %d, want an error; body %s", m, o.path(id), r.Status, r.Body)
				}
				if m != http.MethodHead && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
					t.Errorf("B's undeclared %s %s: %d with Content-Type %q, want problem+json", m, o.path(id), r.Status, r.Header.Get("Content-Type"))
				}
			}
		}
	}
	sameState(t, "undeclared methods", before, snapshot(t, env, "tasks", a, tokA, victim.Id))
	sameState(t, "undeclared methods", beforeList, snapshot(t, env, "lists", a, tokA, victimList))
}

// TestSweepWalksTheContract shows the sweep needs no list of routes: an operation added to
// the contract is found, and the sweep can build valid requests for it.
func TestSweepWalksTheContract(t *testing.T) {
	t.Parallel()
	doc := loadContract(t)
	byName := map[string]operation{}
	for _, o := range contractOperations(doc) {
		byName[o.String()] = o
	}
	for _, k := range knownIDOperations {
		if _, ok := byName[k]; !ok {
			t.Errorf("the walk misses %s", k)
		}
	}

	// A new operation on a new path and a new method on an existing one.
	completion := doc.Components.Schemas["TaskCompletion"]
	archive := &openapi3.Operation{
		OperationID: "archiveTask",
		RequestBody: &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(true).
			WithContent(openapi3.NewContentWithSchemaRef(completion, []string{"application/json", "application/merge-patch+json"}))},
		Responses: openapi3.NewResponses(),
	}
	item := &openapi3.PathItem{Post: archive, Parameters: doc.Paths.Value("/api/tasks/{id}").Parameters}
	doc.Paths.Set("/api/tasks/{id}/archive", item)
	doc.Paths.Value("/api/tasks/{id}").Post = &openapi3.Operation{OperationID: "cloneTask", Responses: openapi3.NewResponses()}

	found := map[string]operation{}
	for _, o := range contractOperations(doc) {
		if o.takesID() {
			found[o.String()] = o
		}
	}
	for _, want := range []string{"POST /api/tasks/{id}/archive", "POST /api/tasks/{id}"} {
		o, ok := found[want]
		if !ok {
			t.Fatalf("an operation added to the contract, %s, is not swept; found %v", want, sortedKeys(found))
		}
		ats := attempts(t, doc, o)
		if len(ats) == 0 {
			t.Fatalf("no request built for %s", want)
		}
		if want == "POST /api/tasks/{id}/archive" {
			var types []string
			for _, at := range ats {
				types = append(types, at.body.contentType)
			}
			for _, ct := range []string{"application/json", "application/merge-patch+json"} {
				if !slices.Contains(types, ct) {
					t.Errorf("%s: no body sent as %s; sent %v", want, ct, types)
				}
			}
			if got := o.path("0192f0c4-7a59-7d1e-9b3c-2f4f1f6f3a10"); got != "/api/tasks/0192f0c4-7a59-7d1e-9b3c-2f4f1f6f3a10/archive" {
				t.Errorf("path %q", got)
			}
		}
	}
}

// The collection operations (issue 6, item 1, second half): whatever B asks of them, with
// every declared query parameter and value, A's cursor, A's idempotency key and A's body,
// B's answers never carry A's task ids or contents; B's reads are the same whether A has
// tasks or not; and A's rows do not change.

// collectionAttempt is one request of B to a collection operation.
type collectionAttempt struct {
	name   string
	op     operation
	query  url.Values
	header map[string]string
	body   body
}

func (c collectionAttempt) req(tok string) apitest.Req {
	r := apitest.Req{Method: c.op.Method, Path: c.op.path("") + queryString(c.query), Token: tok, Header: c.header}
	if c.body.contentType != "" {
		r.Body, r.ContentType = c.body.raw, c.body.contentType
	}
	return r
}

// queryValues lists values worth trying for query parameter p: each enum value, the
// bounds of numbers, a valid value of each format, A's secret marker for free text, and
// whatever A's own next-page link carried for p (A's cursor).
func queryValues(p *openapi3.Parameter, marker string, fromA url.Values) [][]string {
	var out [][]string
	if p.Schema != nil && p.Schema.Value != nil {
		s := p.Schema.Value
		item := s
		if s.Type.Is("array") && s.Items != nil && s.Items.Value != nil {
			item = s.Items.Value
		}
		switch {
		case len(item.Enum) > 0:
			for _, e := range item.Enum {
				if v, ok := e.(string); ok {
					out = append(out, []string{v})
				}
			}
		case item.Type.Is("integer"), item.Type.Is("number"):
			if item.Min != nil {
				out = append(out, []string{jsonNumber(*item.Min)})
			}
			if item.Max != nil {
				out = append(out, []string{jsonNumber(*item.Max)})
			}
		case item.Format != "":
			out = append(out, []string{genString(item)})
		default:
			out = append(out, []string{marker})
		}
	}
	if v, ok := fromA[p.Name]; ok {
		out = append(out, v)
	}
	return out
}

// allKeys reports whether every key of q is in names.
func allKeys(q url.Values, names map[string]bool) bool {
	for k := range q {
		if !names[k] {
			return false
		}
	}
	return true
}

func jsonNumber(f float64) string {
	b, _ := json.Marshal(f)
	return string(b)
}

func TestSweepCollectionsShowNoForeignTask(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	doc := loadContract(t)
	a, b := userID(t, "a"), userID(t, "b")
	tokA, tokB := env.Token(t, a), env.Token(t, b)

	// A's tasks carry a marker that appears nowhere else; A used an idempotency key.
	marker := "zq-secret-of-a"
	idemKey := "collection-sweep-key"
	var secrets []string
	var first api.Task
	for i := range 3 {
		task := create(t, env, tokA, victimBody(marker), map[string]string{"Idempotency-Key": idemKey + string(rune('0'+i))})
		secrets = append(secrets, task.Id.String())
		if i == 0 {
			first = task
		}
	}
	secrets = append(secrets, marker)
	// A's next-page link: its cursor is the foreign cursor B will try.
	r := env.Do(t, apitest.Req{Method: http.MethodGet, Path: "/api/tasks?limit=1&tag=" + marker, Token: tokA})
	fromA := url.Values{}
	if link := r.Header.Get("Link"); link != "" {
		if u, err := url.Parse(strings.TrimPrefix(strings.SplitN(link, ">", 2)[0], "<")); err == nil {
			fromA = u.Query()
		}
	}
	if fromA.Get("cursor") == "" {
		t.Fatalf("A's listing gave no next-page cursor: Link %q", r.Header.Get("Link"))
	}
	create(t, env, tokB, map[string]any{"title": "B's only task", "tags": []string{"b-tag"}}, nil)
	before := snapshot(t, env, "tasks", a, tokA, first.Id)

	var safe, unsafe []collectionAttempt
	for _, o := range contractOperations(doc) {
		if o.takesID() || o.streams() {
			// A stream (GET /api/events) never ends, so it cannot be read whole here;
			// internal/httpapi's TestEvents checks that a non-member hears nothing of a list.
			continue
		}
		var list []collectionAttempt
		for _, bd := range requestBodies(t, doc, o) {
			list = append(list, collectionAttempt{name: o.String() + " " + bd.contentType + "/" + bd.name, op: o, body: bd})
		}
		base := list[0]
		for _, p := range o.params("query") {
			for i, v := range queryValues(p, marker, fromA) {
				c := base
				c.name = o.String() + " ?" + p.Name + "#" + string(rune('a'+i))
				c.query = url.Values{p.Name: v}
				list = append(list, c)
			}
		}
		declared := map[string]bool{}
		for _, p := range o.params("query") {
			declared[p.Name] = true
		}
		if allKeys(fromA, declared) {
			// A's whole next-page link, cursor and filters alike.
			c := base
			c.name, c.query = o.String()+" A's next link", fromA
			list = append(list, c)
		}
		for _, p := range o.params("header") {
			for i := range list {
				if list[i].header == nil {
					list[i].header = map[string]string{}
				}
				// B's requests get keys of their own (B reusing one with another body is
				// B's own 422); A's key is tried with A's exact body at the end.
				list[i].header[p.Name] = headerValue(p, before.etag, fmt.Sprintf("b-key-%d-%s", i, o.ID))
			}
		}
		if o.Method == http.MethodGet || o.Method == http.MethodHead {
			safe = append(safe, list...)
		} else {
			unsafe = append(unsafe, list...)
		}
	}
	if len(safe) == 0 || len(unsafe) == 0 {
		t.Fatalf("the contract's collections gave %d reads and %d writes to try", len(safe), len(unsafe))
	}

	leaks := func(c collectionAttempt, r *apitest.Response) {
		t.Helper()
		if r.Status >= 500 {
			t.Errorf("%s: %d %s", c.name, r.Status, r.Body)
		}
		body := strings.ToLower(string(r.Body))
		var header string // may echo B's own query (the marker), never A's ids
		for k, vs := range r.Header {
			header += "\n" + strings.ToLower(k+": "+strings.Join(vs, ", "))
		}
		for i, s := range secrets {
			if strings.Contains(body, strings.ToLower(s)) || (i < len(secrets)-1 && strings.Contains(header, s)) {
				t.Errorf("%s: B's answer contains A's %q:\n%d %s\n%s", c.name, s, r.Status, header, r.Body)
			}
		}
		if c.query.Get("cursor") != "" && c.query.Get("cursor") == fromA.Get("cursor") && r.Status != http.StatusBadRequest {
			t.Errorf("%s: A's cursor used by B: %d, want 400", c.name, r.Status)
		}
	}

	// Writes first (they change B's data, not A's).
	for _, c := range unsafe {
		r := env.Do(t, c.req(tokB))
		leaks(c, r)
		// Control: B's own request succeeds, so the sweep sent valid requests. A body made
		// of every property may combine fields the operation refuses together (bulk: tags
		// with a non-tag action) — a 422 naming the field is then the right answer.
		if c.op.Method == http.MethodPost && c.body.contentType != "" && r.Status/100 != 2 &&
			(c.body.name != "generated-full" || r.Status != http.StatusUnprocessableEntity) {
			t.Errorf("control: %s as B: %d %s; the sweep's request is not a valid one", c.name, r.Status, r.Body)
		}
	}
	sameState(t, "collection writes", before, snapshot(t, env, "tasks", a, tokA, first.Id))

	// Reads, while A has tasks and after A's tasks are gone: B sees the same.
	round := func() map[string]string {
		out := map[string]string{}
		for _, c := range safe {
			r := env.Do(t, c.req(tokB))
			leaks(c, r)
			got := r.Header.Get("Link") + "\n"
			if strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
				got += problemShape(t, r)
			} else {
				got += string(r.Body)
			}
			out[c.name] = http.StatusText(r.Status) + "\n" + got
		}
		return out
	}
	with := round()
	asUser(t, env, a, func(ctx context.Context, tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM tasks WHERE user_id = $1`, a)
		return err
	})
	without := round()
	for _, name := range sortedKeys(with) {
		if with[name] != without[name] {
			t.Errorf("%s: B's answer depends on A's tasks:\nwith A's tasks:    %s\nwithout A's tasks: %s", name, with[name], without[name])
		}
	}

	// Last, B replays A's first creation, byte for byte, under A's idempotency key (whose
	// saved response, A's task, is still there): B must get a task of its own.
	_, idemBefore := rawRows(t, env, a)
	c := collectionAttempt{name: "POST /api/tasks replaying A's request", op: operation{Method: http.MethodPost, Path: "/api/tasks"},
		header: map[string]string{"Idempotency-Key": idemKey + "0"},
		body:   body{contentType: "application/json", raw: mustJSON(t, victimBody(marker))}}
	r = env.Do(t, c.req(tokB))
	if r.Status != http.StatusCreated {
		t.Fatalf("%s: %d %s", c.name, r.Status, r.Body)
	}
	if got := r.Task(t).Id.String(); slices.Contains(secrets, got) {
		t.Errorf("%s: B was handed A's task %s", c.name, got)
	}
	if _, idemAfter := rawRows(t, env, a); idemAfter != idemBefore {
		t.Errorf("%s: A's idempotency keys changed:\nbefore %s\nafter  %s", c.name, idemBefore, idemAfter)
	}
}

// refusesOnlyReferences reports a 422 whose every field error is a reference to another
// task in the body (a property named *_id, such as move's after_id): the sweep's generic
// bodies carry example ids, which no user owns, so refusing them is right.
func refusesOnlyReferences(t *testing.T, r *apitest.Response) bool {
	t.Helper()
	if r.Status != http.StatusUnprocessableEntity {
		return false
	}
	p := r.Problem(t)
	if p.Errors == nil || len(*p.Errors) == 0 {
		return false
	}
	for _, f := range *p.Errors {
		if !strings.HasSuffix(f.Field, "_id") {
			return false
		}
	}
	return true
}
